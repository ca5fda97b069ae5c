/**
 * The building blocks agree with autodiff: for every activation and both layouts, the explicit
 * `backward` of a `dense` layer (and of a whole `sequential` / `mlp`) gives the gradients `grad`
 * computes for the composed cost, and its `dA_prev` is the pullback of the layer.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { describeMismatch, firstMismatch } from "../../laws/approx.js";
import { jacobianMismatch } from "../../laws/gradient.js";
import type { Params } from "../../src/autodiff/tree.js";
import { flattenTree } from "../../src/autodiff/tree.js";
import { grad, valueAndGrad, vjp } from "../../src/autodiff/vjp.js";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { wasm } from "../../src/backend/wasm/index.js";
import { type ActivationName, activationNames, dense, mlp, sequential, softmaxCrossEntropy } from "../../src/nn/index.js";
import { mul } from "../../src/ops/mul.js";
import { softmax } from "../../src/ops/softmax.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { toFlat } from "../../src/tensor/create.js";
import { randn, rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;

const mismatch = (a: Params, b: Params): string | undefined => {
  const la = flattenTree("test", a).leaves;
  const lb = flattenTree("test", b).leaves;
  if (la.length !== lb.length) return `${la.length} vs ${lb.length} tensors`;
  for (let i = 0; i < la.length; i++) {
    const m = firstMismatch(toFlat(la[i] as Tensor), toFlat(lb[i] as Tensor), 1e-9);
    if (m !== undefined) return `tensor ${i}: ${describeMismatch(m)}`;
  }
  return undefined;
};

describe("dense: backward agrees with grad", () => {
  const cases = fc.record({
    nIn: fc.integer({ min: 1, max: 5 }),
    nOut: fc.integer({ min: 1, max: 5 }),
    m: fc.integer({ min: 1, max: 6 }),
    activation: fc.constantFrom(...activationNames),
    rows: fc.boolean(),
    dropout: fc.constantFrom(0, 0.3),
    // a configured slope (leaky ReLU) or scale (ELU): the backward must use it, not the default
    alpha: fc.constantFrom(undefined, 0.2, 1.7),
    seed: fc.integer({ min: 0, max: 1000 }),
  });
  test("dW, db (dalpha) equal grad of J = (1/m) Σ ⟨C, A⟩ and dA_prev is the pullback", () => {
    fc.assert(
      fc.property(cases, ({ nIn, nOut, m, activation, rows, dropout, alpha, seed }) => {
        const layer = dense(nIn, nOut, { activation: activation as ActivationName, layout: rows ? "rows" : "columns", dropout, alphaInit: 0.3, ...(alpha === undefined ? {} : { alpha }) });
        const g = rng(seed);
        const p = layer.init(g, f64) as Record<string, Tensor>;
        const A0 = randn(g, rows ? [m, nIn] : [nIn, m], f64);
        const C = randn(g, rows ? [m, nOut] : [nOut, m], f64); // dA: the per-example loss derivative
        const ctx = () => ({ training: true, rng: rng(seed + 1) }); // same draws on both paths
        const J = (q: Record<string, Tensor>) => mul(sum(mul(layer.apply(q as never, A0 as never, ctx()) as Tensor, C)), 1 / m);
        const expected = grad(J)(p);
        const [, cache] = layer.forward(p as never, A0 as never, ctx());
        const got = layer.backward(p as never, C as never, cache) as Record<string, Tensor>;
        const asParams = Object.fromEntries(Object.keys(p).map((k) => [k, got[`d${k}`] as Tensor]));
        const e1 = mismatch(asParams, expected);
        // dA_prev is the pullback of the layer at cotangent C (per example, no 1/m)
        const [, pull] = vjp((a: Tensor) => layer.apply(p as never, a as never, ctx()) as Tensor, A0 as Tensor);
        const e2 = mismatch(got.dA_prev as Tensor, pull(C));
        if (e1 !== undefined || e2 !== undefined) throw new Error(`${activation} ${rows ? "rows" : "columns"}: ${e1 ?? ""} ${e2 ?? ""}`);
      }),
      { numRuns: 120 },
    );
  });

  test("apply fuses the bias add and activation (relu, sigmoid, tanh) with the forward block's result, bit for bit, on both backends", () => {
    for (const be of [reference, wasm])
      for (const activation of ["relu", "sigmoid", "tanh"] as const)
        for (const layout of ["rows", "columns"] as const)
          withBackend(be, () => {
            const layer = dense(7, 5, { activation, layout });
            const g = rng(3);
            const p = layer.init(g);
            const X = randn(g, (layout === "rows" ? [9, 7] : [7, 9]) as number[]);
            const fused = toFlat(layer.apply(p, X as never) as Tensor);
            expect(fused, `${be.name} ${activation} ${layout}`).toEqual(toFlat(layer.forward(p, X as never)[0] as Tensor));
            expect(fused.some((v) => v !== 0)).toBe(true);
          });
  });

  test("the oracle: autodiff of each smooth activation's forward matches central differences", () => {
    for (const activation of ["sigmoid", "tanh", "elu", "leakyRelu", "prelu", "softmax"] as const) {
      const layer = dense(3, 4, { activation });
      const g = rng(7);
      const p = layer.init(g, f64);
      const A0 = randn(g, [3, 5], f64);
      const miss = jacobianMismatch((q: typeof p) => layer.apply(q, A0) as Tensor, p, 1e-6, 1e-6);
      expect(miss, activation).toBeUndefined();
    }
  });
});

describe("networks: backward of the chain agrees with grad of the composed model", () => {
  test("mlp, columns: softmax output, dZ = A − Y", () => {
    const g = rng(3);
    const net = mlp([6, 5, 4, 3], { hidden: "tanh" });
    const p = net.init(g, f64);
    const X = randn(g, [6, 9], f64);
    const Y = softmax(randn(g, [3, 9], f64), 0);
    const [, expected] = valueAndGrad((q: typeof p) => softmaxCrossEntropy(net.apply(q, X), Y))(p);
    const [Z, caches] = net.forward(p, X);
    const { grads } = net.backward(p, sub(softmax(Z, 0), Y), caches);
    expect(Object.keys(grads)).toEqual(["W1", "b1", "W2", "b2", "W3", "b3"]);
    expect(mismatch(grads, expected)).toBeUndefined();
  });

  test("sequential, rows, PReLU and ELU: grads have the params' structure and values", () => {
    const g = rng(4);
    const net = sequential([dense(4, 6, { activation: "prelu", layout: "rows" }), dense(6, 5, { activation: "elu", layout: "rows" }), dense(5, 2, { layout: "rows" })]);
    const p = net.init(g, f64);
    const X = randn(g, [7, 4], f64);
    const Y = softmax(randn(g, [7, 2], f64), 1);
    const expected = grad((q: typeof p) => softmaxCrossEntropy(net.apply(q, X), Y, { layout: "rows" }))(p);
    const [Z, caches] = net.forward(p, X);
    const { grads, dX } = net.backward(p, sub(softmax(Z, 1), Y), caches);
    expect(dX.shape).toEqual([7, 4]);
    expect(Object.keys(grads[0])).toEqual(["W", "b", "alpha"]);
    expect(mismatch(grads, expected)).toBeUndefined();
  });

  test("a wrong layer is refused at run time too (untyped callers)", () => {
    const layers = [dense(3, 4), dense(5, 2)] as const;
    expect(() => sequential(layers as never)).toThrow("sequential: layer 1 takes 5 inputs but layer 0 gives 4");
    expect(() => dense(3, 4).forward(dense(3, 4).init(rng(0)), randn(rng(0), [4, 2]) as never)).toThrow(/dense\.forward: A_prev has shape \[4, 2\], expected \[3, m\]/);
  });

  test("dropout and RReLU are random in training only, seeded, and off at inference", () => {
    const layer = dense(8, 50, { activation: "rrelu", dropout: 0.5 });
    const p = layer.init(rng(0));
    const X = randn(rng(1), [8, 20]);
    const a = toFlat(layer.apply(p, X, { training: true, rng: rng(5) }));
    const b = toFlat(layer.apply(p, X, { training: true, rng: rng(5) }));
    const c = toFlat(layer.apply(p, X, { training: true, rng: rng(6) }));
    const i1 = toFlat(layer.apply(p, X));
    const i2 = toFlat(layer.apply(p, X, { training: false, rng: rng(6) }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(i1).toEqual(i2);
    const zeros = a.filter((v) => v === 0).length / a.length;
    expect(zeros).toBeGreaterThan(0.4);
    expect(zeros).toBeLessThan(0.6);
    expect(() => layer.apply(p, X, { training: true })).toThrow(/needs a generator/);
  });
});
