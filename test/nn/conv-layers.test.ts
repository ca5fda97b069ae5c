/**
 * The image layers: a CNN `sequential`'s explicit `backward` agrees with `grad` of the averaged
 * cost; He initialisation uses the fan-in `kh·kw·C`; batch norm's running statistics come back
 * through `updateState` without mutating the old parameters, and inference uses them; the
 * chain is checked at run time for untyped callers; a CNN checkpoint round-trips (architecture
 * and parameters, bit for bit).
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, test, vi } from "vitest";
import { describeMismatch, firstMismatch } from "../../laws/approx.js";
import { flattenTree } from "../../src/autodiff/tree.js";
import {
  batchNormLayer,
  conv2dLayer,
  decodeModel,
  dense,
  div,
  encodeModel,
  flattenLayer,
  grad,
  maxPool2dLayer,
  mean,
  modelFromArchitecture,
  mul,
  type Params,
  randn,
  relu,
  reshapeLayer,
  rng,
  sequential,
  sigmoid,
  sub,
  type Tensor,
  tanh,
  toFlat,
} from "../../src/index.js";
import { addActPrim } from "../../src/ops/addAct.js";

const f64 = { dtype: "float64" } as const;

const mismatch = (a: Params, b: Params, tol = 1e-9): string | undefined => {
  const la = flattenTree("test", a).leaves;
  const lb = flattenTree("test", b).leaves;
  if (la.length !== lb.length) return `${la.length} vs ${lb.length} tensors`;
  for (let i = 0; i < la.length; i++) {
    const m = firstMismatch(toFlat(la[i] as Tensor), toFlat(lb[i] as Tensor), tol);
    if (m !== undefined) return `tensor ${i}: ${describeMismatch(m)}`;
  }
  return undefined;
};

const lenet = () =>
  sequential([
    reshapeLayer([8, 8, 1]),
    conv2dLayer([8, 8, 1], 3, 3, { activation: "relu", padding: "same" }),
    maxPool2dLayer([8, 8, 3], 2),
    conv2dLayer([4, 4, 3], 4, 3, { activation: "tanh", stride: 1 }),
    batchNormLayer([2, 2, 4]),
    flattenLayer([2, 2, 4]),
    dense(16, 5, { layout: "rows" }),
  ]);

describe("a CNN sequential", () => {
  test("backward (the course's blocks) agrees with grad of the averaged cost", () => {
    const net = lenet();
    const p = net.init(rng(1), f64);
    const X = randn(rng(2), [6, 64], f64);
    const T = randn(rng(3), [6, 5], f64);
    const ctx = { training: true };
    // the cost: the mean over examples of the per-example loss (1/5)‖A − T‖², so dA = 2(A − T)/5
    const cost = (q: typeof p): Tensor<[]> => {
      const d = sub(net.apply(q, X as Tensor<[6, 64]>, ctx), T as Tensor<[6, 5]>);
      return mean(mul(d, d));
    };
    const g = grad(cost)(p);
    const [A, caches] = net.forward(p, X as Tensor<[6, 64]>, ctx);
    const dA = div(sub(A, T as Tensor<[6, 5]>), 5 / 2);
    const { grads } = net.backward(p, dA, caches);
    expect(mismatch(grads as Params, g as Params, 1e-7)).toBeUndefined();
  });

  test("He initialisation draws with the fan-in kh·kw·C (std √(2 / 400) for 5×5×16)", () => {
    const W = conv2dLayer([12, 12, 16], 64, 5, { activation: "relu" }).init(rng(0), f64).W;
    const v = Array.from(toFlat(W));
    const sd = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(Math.abs(sd / Math.sqrt(2 / 400) - 1)).toBeLessThan(0.03);
  });

  test("batch norm: updateState returns the running statistics of the training forward; the old parameters are untouched; inference uses them", () => {
    const net = sequential([reshapeLayer([2, 2, 3]), batchNormLayer([2, 2, 3], { momentum: 0.5 })]);
    const p = net.init(rng(0), f64);
    const X = randn(rng(5), [4, 12], f64);
    const [, caches] = net.forward(p, X as Tensor<[4, 12]>, { training: true });
    const p2 = net.updateState(p, caches);
    expect(Array.from(toFlat(p[1].mean))).toEqual([0, 0, 0]);
    const x = toFlat(X);
    for (let c = 0; c < 3; c++) {
      let mu = 0;
      for (let n = 0; n < 16; n++) mu += (x[n * 3 + c] as number) / 16;
      expect(Math.abs((toFlat(p2[1].mean)[c] as number) - 0.5 * mu)).toBeLessThan(1e-12);
    }
    expect(p2[1].gamma).toBe(p[1].gamma);
    const train = toFlat(net.apply(p2, X as Tensor<[4, 12]>, { training: true }));
    const infer = toFlat(net.apply(p2, X as Tensor<[4, 12]>));
    expect(firstMismatch(train, infer, 1e-6)).toBeDefined();
  });

  test("an untyped chain is checked at run time, naming both shapes", () => {
    const bad = [conv2dLayer([28, 28, 1], 16, 3), maxPool2dLayer([13, 13, 16], 2)];
    expect(() => sequential(bad as never)).toThrow("sequential: layer 1 takes [13, 13, 16] but layer 0 gives [26, 26, 16]");
  });

  test("a checkpoint round-trips: architecture decoded and rebuilt, parameters bit for bit", () => {
    const net = lenet();
    const p = net.init(rng(7));
    const back = decodeModel(encodeModel({ model: net, params: p }), net);
    expect(E.isRight(back)).toBe(true);
    if (E.isRight(back)) expect(mismatch(back.right.params as Params, p as Params, 0)).toBeUndefined();
    const rebuilt = modelFromArchitecture(JSON.parse(JSON.stringify(net.architecture)));
    expect(E.isRight(rebuilt) && JSON.stringify(rebuilt.right.architecture)).toBe(JSON.stringify(net.architecture));
    const wrong = modelFromArchitecture({ kind: "sequential", layers: [{ kind: "conv2d", inShape: [8, 8], filters: 3, kernel: [3, 3], groups: 1, activation: "relu", dropout: 0 }] });
    expect(E.isLeft(wrong)).toBe(true);
  });

  test("with relu, sigmoid or tanh the bias add and the activation are one op (addAct), the values of the two-op form", () => {
    const X = randn(rng(3), [2, 6, 6, 2], f64);
    for (const activation of ["relu", "sigmoid", "tanh", "elu", "linear"] as const) {
      const layer = conv2dLayer([6, 6, 2], 3, 3, { activation });
      const p = layer.init(rng(4), f64);
      const fused = vi.spyOn(addActPrim as { forward: (...a: unknown[]) => unknown }, "forward");
      const A = layer.apply(p, X);
      expect([activation, fused.mock.calls.length]).toEqual([activation, activation === "elu" || activation === "linear" ? 0 : 1]);
      vi.restoreAllMocks();
      // the two-op form: the layer with an activation the fused op does not take, then it by hand
      const linear = conv2dLayer([6, 6, 2], 3, 3).apply(p, X);
      const byHand = { relu, sigmoid, tanh, linear: (t: Tensor) => t, elu: undefined }[activation];
      if (byHand !== undefined) expect(mismatch({ A } as Params, { A: byHand(linear) } as Params, 0)).toBeUndefined();
    }
  });

  test("dense's apply fuses the bias add and relu/sigmoid/tanh into addAct, except when it drops units in training", () => {
    const X = randn(rng(5), [4, 3], f64);
    for (const activation of ["relu", "sigmoid", "tanh", "elu"] as const) {
      const fusedCalls = (dropout: number, ctx: object): number => {
        const layer = dense(4, 3, { activation, dropout });
        const p = layer.init(rng(6), f64);
        const spy = vi.spyOn(addActPrim as { forward: (...a: unknown[]) => unknown }, "forward");
        layer.apply(p, X, ctx as never);
        const n = spy.mock.calls.length;
        vi.restoreAllMocks();
        return n;
      };
      const fuses = activation === "elu" ? 0 : 1;
      expect([activation, fusedCalls(0, {}), fusedCalls(0, { training: true }), fusedCalls(0.5, {}), fusedCalls(0.5, { training: true, rng: rng(7) })]).toEqual([activation, fuses, fuses, fuses, 0]);
    }
  });
});
