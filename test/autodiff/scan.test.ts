/**
 * `scan`: it equals the unrolled loop (values and gradients), its gradient passes the law kit's
 * dot-product law (float64, central differences) for random cells of random shapes (shape first,
 * then data), it differentiates twice, runs backwards, keeps its carry's type, records one node
 * (not one per step), and names the problem when misused.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbTensor } from "../../laws/arbitraries.js";
import { checkFunction } from "../../laws/checkFunction.js";
import { nodeOf } from "../../src/autodiff/core.js";
import { scan } from "../../src/autodiff/scan.js";
import { grad, vjp } from "../../src/autodiff/vjp.js";
import { add } from "../../src/ops/add.js";
import { matmul } from "../../src/ops/matmul.js";
import { mul } from "../../src/ops/mul.js";
import { reshape } from "../../src/ops/reshape.js";
import { sigmoid } from "../../src/ops/sigmoid.js";
import { slice } from "../../src/ops/slice.js";
import { sum } from "../../src/ops/sum.js";
import { tanh } from "../../src/ops/tanh.js";
import { fromArray, ones, toFlat } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;
const flat = (t: Tensor): number[] => Array.from(toFlat(t));
const close = (a: readonly number[], b: readonly number[], tol = 1e-10): void => {
  expect(a.length).toBe(b.length);
  for (const [i, v] of a.entries()) expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)));
};

type Cell = { W: Tensor; U: Tensor; b: Tensor };
type Carry = { h: Tensor; c: Tensor };
type Case = { p: Cell; h0: Tensor; c0: Tensor; xs: Tensor };

/** A small gated cell with a two-tensor carry: `c' = σ(z₁)·c + tanh(z₂)`, `h' = tanh(c')·σ(z₃)`, y = h'. */
const gated =
  (H: number) =>
  (carry: Carry, x: Tensor, p: Cell): readonly [Carry, Tensor] => {
    const z = add(add(matmul(x as Tensor<[number, number]>, p.W as Tensor<[number, number]>), matmul(carry.h as Tensor<[number, number]>, p.U as Tensor<[number, number]>)), p.b);
    const gate = (k: number) => slice(z as Tensor<[number, number]>, 1, k * H, (k + 1) * H) as Tensor;
    const c = add(mul(sigmoid(gate(0)), carry.c), tanh(gate(1)));
    const h = mul(tanh(c), sigmoid(gate(2)));
    return [{ h, c }, h];
  };

/** Shapes first (T steps, m examples, F features, H units), then float64 data. */
const arbCase = fc.record({ T: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 3 }), F: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 3 }) }).chain(({ T, m, F, H }) =>
  fc.record({
    p: fc.record({ W: arbTensor([F, 3 * H]), U: arbTensor([H, 3 * H]), b: arbTensor([1, 3 * H]) }),
    h0: arbTensor([m, H]),
    c0: arbTensor([m, H]),
    xs: arbTensor([T, m, F]),
  }),
) as fc.Arbitrary<Case>;

const H_ = (q: Case): number => q.h0.shape[1] as number;

/** A scalar of everything scan returns: the last carry and the outputs, weighted so no cotangent is trivial. */
const viaScan = (q: Case): Tensor<[]> => {
  const [last, ys] = scan(gated(H_(q)), { h: q.h0, c: q.c0 }, q.xs as Tensor<[number, number, number]>, { params: q.p });
  return add(add(sum(mul(last.c, last.c)), sum(last.h)), sum(mul(ys, ys))) as Tensor<[]>;
};

const step = (xs: Tensor, t: number): Tensor => reshape(slice(xs as Tensor<[number, number, number]>, 0, t, t + 1), (xs.shape as readonly number[]).slice(1));

const viaLoop = (q: Case): Tensor<[]> => {
  const f = gated(H_(q));
  let carry: Carry = { h: q.h0, c: q.c0 };
  let s: Tensor | undefined;
  for (let t = 0; t < (q.xs.shape[0] as number); t++) {
    const [c, y] = f(carry, step(q.xs, t), q.p);
    carry = c;
    s = s === undefined ? sum(mul(y, y)) : add(s, sum(mul(y, y)));
  }
  return add(add(sum(mul(carry.c, carry.c)), sum(carry.h)), s as Tensor) as Tensor<[]>;
};

describe("scan", () => {
  it("equals the unrolled loop, in value (bit for bit) and gradient", () => {
    fc.assert(
      fc.property(arbCase, (q) => {
        const f = gated(H_(q));
        const [last, ys] = scan(f, { h: q.h0, c: q.c0 }, q.xs as Tensor<[number, number, number]>, { params: q.p });
        let carry: Carry = { h: q.h0, c: q.c0 };
        const steps: number[] = [];
        for (let t = 0; t < (q.xs.shape[0] as number); t++) {
          const [c, y] = f(carry, step(q.xs, t), q.p);
          carry = c;
          steps.push(...flat(y));
        }
        expect(flat(last.h)).toEqual(flat(carry.h));
        expect(flat(last.c)).toEqual(flat(carry.c));
        expect(flat(ys)).toEqual(steps);
        close(flat(viaScan(q)), flat(viaLoop(q)), 1e-12);
        const [gs, gl] = [grad(viaScan)(q), grad(viaLoop)(q)];
        for (const k of ["h0", "c0", "xs"] as const) close(flat(gs[k]), flat(gl[k]));
        for (const k of ["W", "U", "b"] as const) close(flat(gs.p[k]), flat(gl.p[k]));
      }),
      { numRuns: 15, seed: 17 },
    );
  });

  it("passes the gradient laws (dot product against central differences, float64) for random cells", () => {
    expect(checkFunction(viaScan, arbCase, { numRuns: 20, seed: 5 }).every((o) => o.ok)).toBe(true);
  });

  it("reverse: steps run last to first, ys stay in the order of xs", () => {
    const xs = fromArray([3, 1], [1, 2, 3], f64);
    const [c, ys] = scan((acc: Tensor<[1]>, x: Tensor<[1]>) => [add(mul(acc, 10), x), add(mul(acc, 10), x)] as const, fromArray([1], [0], f64), xs, { reverse: true });
    expect(flat(c)).toEqual([321]);
    expect(flat(ys)).toEqual([321, 32, 3]);
    const g = grad((x: Tensor<[3, 1]>) => sum(scan((acc: Tensor<[1]>, v: Tensor<[1]>) => [add(mul(acc, 10), v), acc] as const, fromArray([1], [0], f64), x, { reverse: true })[0]))(xs);
    expect(flat(g)).toEqual([1, 10, 100]); // c = (x₃·10 + x₂)·10 + x₁
  });

  it("differentiates twice: grad(grad(·)) through scan equals that of the loop", () => {
    const q = fc.sample(arbCase, { numRuns: 1, seed: 3 })[0] as Case;
    const second = (f: (q: Case) => Tensor<[]>) => grad((W: Tensor) => sum(mul(grad((w: Tensor) => f({ ...q, p: { ...q.p, W: w } }))(W), W)))(q.p.W);
    close(flat(second(viaScan)), flat(second(viaLoop)), 1e-9);
  });

  it("records one node for the loop, whatever T (the pullback is a reverse scan, not a tape)", () => {
    const f = (h: Tensor<[1]>, x: Tensor<[1]>, p: Tensor<[1]>) => [tanh(add(mul(h, p), x)), h] as const;
    const nodes = (T: number): number => {
      let count = 0;
      vjp(
        (p: Tensor<[1]>) => {
          const [h] = scan(f, fromArray([1], [0.1], f64), ones([T, 1], f64), { params: p });
          // walk the trace from h down to the leaf p, counting nodes
          const seen = new Set<unknown>();
          const walk = (t: Tensor): void => {
            const node = nodeOf(t);
            if (seen.has(t) || node === undefined) return;
            seen.add(t);
            count++;
            for (const x of node.inputs) walk(x);
          };
          walk(h);
          return h;
        },
        fromArray([1], [0.5], f64),
      );
      return count;
    };
    expect(nodes(50)).toBe(nodes(3));
  });

  it("keeps a carry of several tensors and a named time axis", () => {
    const xs = fromArray([4, 2], [1, 2, 3, 4, 5, 6, 7, 8], f64) as unknown as Tensor<["t", 2]>;
    const [c, ys] = scan(
      (s: { n: Tensor<[2]>; sq: Tensor<[2]> }, x: Tensor<[2]>) => [{ n: add(s.n, x), sq: add(s.sq, mul(x, x)) }, mul(x, 2)] as const,
      { n: fromArray([2], [0, 0], f64), sq: fromArray([2], [0, 0], f64) },
      xs,
    );
    expect(flat(c.n)).toEqual([16, 20]);
    expect(flat(c.sq)).toEqual([84, 120]);
    expect(ys.shape).toEqual([4, 2]);
  });

  it("names the problem: a closed-over differentiated tensor, a carry that changes type, bad arguments", () => {
    const xs = ones([3, 2], f64);
    const h0 = ones([2], f64);
    expect(() => grad((w: Tensor<[2]>) => sum(scan((h: Tensor<[2]>, x: Tensor<[2]>) => [mul(add(h, x), w), h] as const, h0, xs)[0]))(h0)).toThrow(
      /scan: f uses a tensor that is being differentiated without receiving it: pass .* 'params'/,
    );
    expect(() => scan((h: Tensor<[2]>, x: Tensor<[2]>) => [reshape(add(h, x), [1, 2]) as never, h] as const, h0, xs)).toThrow(
      /scan: f returned carry tensor 0 of shape \[1, 2\] .* init's is \[2\] .*keep its type/,
    );
    expect(() => scan(((h: Tensor) => h) as never, h0, xs)).toThrow(/scan: f must return a pair \[carry, y\]/);
    expect(() => scan((h: Tensor<[2]>) => [h, h] as const, h0, ones([0, 2], f64) as never)).toThrow(/scan: argument 'xs' has 0 steps/);
    expect(() => scan(1 as never, h0, xs)).toThrow(/scan: argument 'f' must be a function/);
    expect(() => scan((h: Tensor<[2]>) => [h, h] as const, h0, ones([], f64) as never)).toThrow(/scan: argument 'xs': every tensor needs the same leading \(time\) axis/);
  });
});
