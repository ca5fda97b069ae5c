/**
 * The autodiff core's `bind` at two documented edges: a non-differentiable primitive's output is
 * never traced (it records no node, even inside a differentiation), and inputs held by different
 * backends are brought to the first input's backend before the kernel runs.
 */
import { describe, expect, it } from "vitest";
import { nodeOf } from "../../src/autodiff/core.js";
import { add, argmax, gt, mul, reference, sum, type Tensor, tensor, toArray, vjp, wasm, withBackend } from "../../src/index.js";

describe("bind", () => {
  it("records no node for a comparison or argmax under a trace, and one for a differentiable op", () => {
    const seen: (ReturnType<typeof nodeOf> | undefined)[] = [];
    vjp(
      (x: Tensor<[3]>) => {
        const m = gt(x, 0);
        const i = argmax(x, 0);
        const y = mul(x, m);
        seen.push(nodeOf(m), nodeOf(i), nodeOf(y));
        return sum(y);
      },
      tensor([-1, 2, 3]),
    );
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toBeUndefined();
    expect(seen[2]?.prim.name).toBe("mul");
  });
  it("computes with inputs held by different backends, on the first input's backend", () => {
    const a = withBackend(wasm, () => tensor([1, 2, 3]));
    const b = withBackend(reference, () => tensor([10, 20, 30]));
    expect(toArray(add(a, b))).toEqual([11, 22, 33]);
    expect(toArray(add(b, a))).toEqual([11, 22, 33]);
  });
});
