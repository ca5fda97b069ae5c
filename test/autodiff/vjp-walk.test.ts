/**
 * The pullback's graph walk (`topo` in `src/autodiff/vjp.ts`) and what `vjp` computes through it
 * at the graph's edges: shared subexpressions and diamonds (each value once, after the values it
 * was computed from, its cotangent summed over every use), constants and unused inputs (not
 * followed, a zero cotangent), values of an outer trace (not followed by the inner walk), an
 * output that is an input or no value of the trace at all.
 */
import { describe, expect, it } from "vitest";
import type { Trace } from "../../src/autodiff/core.js";
import { grad, topo, vjp } from "../../src/autodiff/vjp.js";
import { add } from "../../src/ops/add.js";
import { exp } from "../../src/ops/exp.js";
import { mul } from "../../src/ops/mul.js";
import { stopGradient } from "../../src/ops/stopGradient.js";
import { sum } from "../../src/ops/sum.js";
import { ones, tensor, toArray } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const traceOf = (x: Tensor): Trace => (x.impl as unknown as { readonly trace: Trace }).trace;

/** Every value in `order` comes after the values in `before[value]`. */
const after = (order: readonly Tensor[], edges: readonly (readonly [Tensor, Tensor])[]): void => {
  for (const [input, value] of edges) expect(order.indexOf(input)).toBeLessThan(order.indexOf(value));
};

describe("topo: the values of a trace that the output was computed from", () => {
  it("visits a diamond of shared subexpressions once per value, every value after its inputs", () => {
    let seen: { order: Tensor[]; values: Tensor[]; edges: [Tensor, Tensor][] } | undefined;
    vjp(
      (x: Tensor<[2]>) => {
        const a = exp(x);
        const b = mul(a, a); // a used twice by one op
        const c = add(a, b); // and again: a diamond a → b → c, a → c
        const d = mul(c, b);
        seen = {
          order: topo(traceOf(x), d),
          values: [x, a, b, c, d],
          edges: [
            [x, a],
            [a, b],
            [a, c],
            [b, c],
            [c, d],
            [b, d],
          ],
        };
        return sum(d);
      },
      tensor([0.5, -1]),
    );
    const { order, values, edges } = seen as NonNullable<typeof seen>;
    expect(order).toHaveLength(values.length);
    expect(new Set(order)).toEqual(new Set(values));
    after(order, edges);
    expect(order.at(-1)).toBe(values.at(-1));
  });
  it("does not follow constants, values of an outer trace or inputs the output does not use", () => {
    const C = tensor([2, 3]);
    let seen: { order: Tensor[]; values: Tensor[] } | undefined;
    grad((w: Tensor<[2]>) => {
      const outer = exp(w); // a value of the outer trace
      const [, pullback] = vjp(
        (p: { x: Tensor<[2]>; y: Tensor<[2]>; unused: Tensor<[2]> }) => {
          const s = add(p.x, C);
          const t = mul(s, outer);
          const u = mul(t, p.y);
          seen = { order: topo(traceOf(p.x), u), values: [p.x, s, t, p.y, u] };
          return u;
        },
        { x: tensor([1, 2]), y: w, unused: tensor([5, 5]) },
      );
      return sum(pullback(ones([2])).y);
    })(tensor([0.1, 0.2]));
    const { order, values } = seen as NonNullable<typeof seen>;
    expect(order).toHaveLength(values.length);
    expect(new Set(order)).toEqual(new Set(values));
  });
  it("is empty for an output that is no value of the trace, and the output alone for a leaf", () => {
    let seen: Tensor[][] = [];
    vjp(
      (x: Tensor<[2]>) => {
        const t = traceOf(x);
        const constant = mul(tensor([1, 2]), 3);
        seen = [topo(t, constant), topo(t, x), topo(t, stopGradient(constant))];
        return x;
      },
      tensor([1, 2]),
    );
    expect(seen[0]).toEqual([]);
    expect(seen[1]).toHaveLength(1);
    expect(seen[2]).toEqual([]);
  });
});

describe("vjp through the walk's edges", () => {
  it("sums a shared value's cotangent over every use (a diamond)", () => {
    // f(x) = Σ (eˣ + e²ˣ)·e²ˣ = Σ e³ˣ + e⁴ˣ, f'(x) = 3e³ˣ + 4e⁴ˣ
    const g = grad((x: Tensor<[2]>) => {
      const a = exp(x);
      const b = mul(a, a);
      return sum(mul(add(a, b), b));
    })(tensor([0.1, -0.2], { dtype: "float64" }));
    const want = [0.1, -0.2].map((x) => 3 * Math.exp(3 * x) + 4 * Math.exp(4 * x));
    (toArray(g) as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 10);
    });
  });
  it("an output that is an input pulls the cotangent straight back; the other inputs get zeros", () => {
    const [y, pullback] = vjp((p: { a: Tensor<[2]>; b: Tensor<[2]> }) => p.a, { a: tensor([1, 2]), b: tensor([3, 4]) });
    expect(toArray(y)).toEqual([1, 2]);
    const g = pullback(tensor([5, -6]));
    expect(toArray(g.a)).toEqual([5, -6]);
    expect(toArray(g.b)).toEqual([0, 0]);
  });
  it("an output computed from no input has a zero cotangent for every input", () => {
    const [y, pullback] = vjp((_x: Tensor<[2]>) => mul(tensor([1, 2]), 2), tensor([3, 4]));
    expect(toArray(y)).toEqual([2, 4]);
    expect(toArray(pullback(tensor([1, 1])))).toEqual([0, 0]);
  });
  it("an inner pullback does not pull back into the outer trace: the outer gradient counts each path once", () => {
    // inner: v ↦ v·eʷ at v = w, pulled back with 1: eʷ; outer: Σ eʷ, whose gradient is eʷ
    const w0 = [0.3, -0.4];
    const g = grad((w: Tensor<[2]>) => {
      const [, pullback] = vjp((v: Tensor<[2]>) => mul(v, exp(w)), w);
      return sum(pullback(ones([2])));
    })(tensor([0.3, -0.4], { dtype: "float64" }));
    (toArray(g) as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo(Math.exp(w0[i] as number), 10);
    });
  });
});
