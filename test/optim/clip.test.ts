/**
 * Clipping by global norm: the norm of the clipped tree is min(norm, maxNorm), the direction is
 * kept, small gradients pass unchanged, and the clipped optimizer equals the optimizer fed the
 * clipped gradients.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbTensor } from "../../laws/arbitraries.js";
import { clipByGlobalNorm, globalNorm, withGradientClipping } from "../../src/optim/clip.js";
import { gd } from "../../src/optim/optimizers.js";
import { toFlat } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const flat = (t: Tensor): number[] => Array.from(toFlat(t));
const tree = fc.record({ W: arbTensor([2, 3], { name: "wide", min: -30, max: 30 }), b: arbTensor([3]) });

describe("clipping by global norm", () => {
  it("bounds the norm, keeps the direction, leaves small gradients alone", () => {
    fc.assert(
      fc.property(tree, fc.double({ min: 0.1, max: 50, noNaN: true }), (g, max) => {
        const n = globalNorm(g);
        const c = clipByGlobalNorm(g, max);
        expect(Math.abs(globalNorm(c) - Math.min(n, max))).toBeLessThanOrEqual(1e-9 * Math.max(1, n));
        if (n <= max) expect(c).toBe(g);
        const k = n > max ? max / n : 1;
        for (const key of ["W", "b"] as const) {
          for (const [i, v] of flat(c[key]).entries()) expect(Math.abs(v - k * (flat(g[key])[i] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
        }
      }),
      { numRuns: 50, seed: 8 },
    );
  });

  it("withGradientClipping steps with the clipped gradients", () => {
    fc.assert(
      fc.property(tree, tree, (p, g) => {
        const opt = withGradientClipping(gd(0.5), 1);
        const [a] = opt.step(p, g, opt.init(p));
        const [b] = gd(0.5).step(p, clipByGlobalNorm(g, 1), gd(0.5).init(p));
        expect(flat(a.W)).toEqual(flat(b.W));
        expect(flat(a.b)).toEqual(flat(b.b));
      }),
      { numRuns: 20, seed: 9 },
    );
  });

  it("rejects a bad maxNorm or optimizer, naming the function", () => {
    expect(() => clipByGlobalNorm({ W: flat as never }, 1)).toThrow(/clipByGlobalNorm: gradients must be tensors/);
    expect(() => withGradientClipping(gd(0.1), 0)).toThrow(/withGradientClipping: argument 'maxNorm' must be a finite number > 0, got 0/);
    expect(() => withGradientClipping({} as never, 1)).toThrow(/withGradientClipping: argument 'optimizer' must be an optimizer/);
  });
});
