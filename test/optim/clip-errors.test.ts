/**
 * Gradient clipping at its edges: a norm equal to `maxNorm` gives `grads` itself (only a norm
 * above it scales), the wrapped optimizer's name, and every refusal naming the function and the
 * argument.
 */
import { describe, expect, test } from "vitest";
import { clipByGlobalNorm, globalNorm, withGradientClipping } from "../../src/optim/clip.js";
import { gd } from "../../src/optim/optimizers.js";
import { tensor, toArray } from "../../src/tensor/create.js";

const f64 = { dtype: "float64" } as const;
const bad = (x: unknown): never => x as never;

describe("clipping at its edges", () => {
  test("a global norm equal to maxNorm is not clipped: grads itself comes back", () => {
    const g = { W: tensor([3], f64), b: tensor([4], f64) };
    expect(clipByGlobalNorm(g, 5)).toBe(g);
    const c = clipByGlobalNorm(g, 2.5);
    expect([toArray(c.W), toArray(c.b)]).toEqual([[1.5], [2]]);
  });
  test("the wrapped optimizer is named after the one it wraps", () => {
    expect(withGradientClipping(gd(0.1), 2).name).toBe("gd+clip(2)");
  });
  test("refusals name the function and the argument", () => {
    expect(() => clipByGlobalNorm({ W: tensor([1]) }, 0)).toThrow(new RangeError("clipByGlobalNorm: argument 'maxNorm' must be a finite number > 0, got 0"));
    expect(() => clipByGlobalNorm({ W: tensor([1]) }, bad("1"))).toThrow("clipByGlobalNorm: argument 'maxNorm' must be a finite number > 0, got 1");
    expect(() => withGradientClipping(gd(0.1), Number.POSITIVE_INFINITY)).toThrow("withGradientClipping: argument 'maxNorm' must be a finite number > 0, got Infinity");
    const msg = "withGradientClipping: argument 'optimizer' must be an optimizer (adam(…), gd(…), …)";
    expect(() => withGradientClipping(bad(null), 1)).toThrow(new TypeError(msg));
    expect(() => withGradientClipping(bad(Object.assign(() => 0, { init: () => 0, step: () => 0 })), 1)).toThrow(new TypeError(msg));
    expect(() => withGradientClipping(bad({ name: "o", step: 1 }), 1)).toThrow(new TypeError(msg));
  });
  test("globalNorm names itself and what it reads", () => {
    expect(() => globalNorm(bad({ W: "x" }))).toThrow(/^globalNorm: gradients/);
  });
});
