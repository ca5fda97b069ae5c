/**
 * `fit` with layer state: a CNN with batch norm trained by `fit` has the running statistics of a
 * hand loop of `forward`/`updateState` (and the same weights, bit for bit); `predict` and
 * `evaluate` use them (inference mode); resuming from a checkpoint written after epoch 1 gives
 * the uninterrupted run's parameters bit for bit; the checkpoint stores the statistics typed.
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "vitest";
import { flattenTree } from "../../src/autodiff/tree.js";
import {
  adam,
  add,
  batchNormLayer,
  conv2dLayer,
  decodeModel,
  dense,
  div,
  encodeModel,
  evaluate,
  examples,
  fitAsync,
  fit as fitModel,
  flattenLayer,
  mul,
  type Params,
  predict,
  reshape,
  reshapeLayer,
  rng,
  sequential,
  softmaxCrossEntropy,
  sqrt,
  sub,
  type Tensor,
  take,
  toFlat,
  toTensors,
  trainStep,
  valueAndGrad,
} from "../../src/index.js";

const f64 = { dtype: "float64" } as const;

const pre = reshapeLayer([4, 4, 2]);
const conv = conv2dLayer([4, 4, 2], 3, 3, { padding: "same", activation: "relu" });
const bn = batchNormLayer([4, 4, 3], { momentum: 0.8 });
const head = dense(48, 3, { layout: "rows" });
const net = sequential([pre, conv, bn, flattenLayer([4, 4, 3]), head]);

const data = (() => {
  const g = rng(11);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < 40; i++) {
    const c = i % 3;
    xs.push(Array.from({ length: 32 }, (_, j) => g.normal() + (j % 3 === c ? 1 : 0)));
    ys.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
  }
  return examples(xs, ys);
})();

const leaves = (p: Params): number[][] => flattenTree("test", p).leaves.map((t) => Array.from(toFlat(t)));
const params0 = () => net.init(rng(3), f64);
const base = { model: net, loss: softmaxCrossEntropy, train: data, layout: "rows", batchSize: 8, dtype: "float64" } as const;

describe("fit with batch norm", () => {
  test("the running statistics (and every weight) equal a hand loop of forward / updateState, bit for bit", () => {
    const opt = adam(0.01);
    const r = fitModel({ ...base, params: params0(), optimizer: opt, epochs: 2, shuffle: false });
    let p = params0();
    let s = opt.init(p);
    for (let epoch = 0; epoch < 2; epoch++)
      for (let b = 0; b < 5; b++) {
        const { X, Y } = toTensors(
          take(
            data,
            Array.from({ length: 8 }, (_, i) => b * 8 + i),
          ),
          "rows",
          f64,
        );
        const ctx = { training: true } as const;
        const [, caches] = net.forward(p, X as unknown as Tensor<[8, 32]>, ctx);
        const [, g] = valueAndGrad((q: typeof p) => softmaxCrossEntropy(net.apply(q, X as unknown as Tensor<[8, 32]>, ctx), Y as unknown as Tensor<[8, 3]>, { layout: "rows" }))(p);
        const [p2, s2] = opt.step(p, g, s);
        p = net.updateState(p2, caches);
        s = s2;
      }
    expect(leaves(r.params)).toEqual(leaves(p));
    // the statistics moved from their initial 0 / 1
    expect(toFlat(r.params[2].mean).every((v) => v !== 0)).toBe(true);
    expect(toFlat(r.params[2].variance).every((v) => v !== 1)).toBe(true);
  });

  test("fitAsync gives fit's parameters, running statistics included, bit for bit", async () => {
    const opts = { ...base, optimizer: adam(0.01), epochs: 2, seed: 5 } as const;
    const a = fitModel({ ...opts, params: params0() });
    const b = await fitAsync({ ...opts, params: params0() });
    expect(leaves(b.params)).toEqual(leaves(a.params));
  });

  test("trainStep carries the state too", () => {
    const opt = adam(0.01);
    const p = params0();
    const { X, Y } = toTensors(data, "rows", f64);
    const step = trainStep(net, softmaxCrossEntropy, opt, p, opt.init(p), X as Tensor, Y as Tensor, { layout: "rows" });
    const [, caches] = net.forward(p, X as unknown as Tensor<[40, 32]>, { training: true });
    expect(Array.from(toFlat(step.params[2].mean))).toEqual(Array.from(toFlat(net.updateState(p, caches)[2].mean)));
  });

  test("predict and evaluate run in inference mode, with the running statistics", () => {
    const { params } = fitModel({ ...base, params: params0(), optimizer: adam(0.01), epochs: 2, seed: 4 });
    const { X, Y } = toTensors(data, "rows", f64);
    const Xt = X as unknown as Tensor<[40, 32]>;
    const out = predict(net, params, Xt, { layout: "rows" });
    // by hand: conv, then γ (z − mean) / √(variance + ε) + β with the stored statistics, then the head
    const Z = conv.apply(params[1], pre.apply(params[0], Xt));
    const q = params[2];
    const N = add(mul(div(sub(Z, q.mean), sqrt(add(q.variance, 1e-5))), q.gamma), q.beta);
    const want = head.apply(params[4], reshape(N, [40, 48]) as Tensor<[40, 48]>);
    const [a, b] = [toFlat(out), toFlat(want)];
    expect(a.every((v, i) => Math.abs(v - (b[i] as number)) < 1e-12)).toBe(true);
    // ... which is not the training-mode output (batch statistics)
    const train = toFlat(net.apply(params, Xt, { training: true }));
    expect(a.some((v, i) => Math.abs(v - (train[i] as number)) > 1e-6)).toBe(true);
    const ev = evaluate(net, params, data, softmaxCrossEntropy, { layout: "rows", dtype: "float64" });
    expect(Math.abs(ev.loss - (toFlat(softmaxCrossEntropy(out, Y as Tensor, { layout: "rows" }))[0] as number))).toBeLessThan(1e-12);
  });

  test("resuming from a checkpoint after epoch 1 equals the uninterrupted run, bit for bit; the checkpoint stores the statistics typed", () => {
    const opt = adam(0.01);
    const whole = fitModel({ ...base, params: params0(), optimizer: opt, epochs: 3, seed: 9 });
    let saved: Uint8Array | undefined;
    fitModel({
      ...base,
      params: params0(),
      optimizer: opt,
      epochs: 3,
      seed: 9,
      onEpoch: (rec, p, state) => {
        if (rec.epoch !== 1) return undefined;
        saved = encodeModel({ model: net, params: p, state, optimizer: "adam" });
        return "stop";
      },
    });
    const loaded = decodeModel(saved as Uint8Array, net);
    if (E.isLeft(loaded)) throw new Error("the checkpoint does not load");
    const { params, state } = loaded.right;
    if (state === undefined) throw new Error("the checkpoint has no training state");
    // typed: params[2] is batch norm's record, running statistics included
    expect(params[2].mean.shape).toEqual([3]);
    expect(toFlat(params[2].mean).every((v) => v !== 0)).toBe(true);
    const rest = fitModel({ ...base, params, optimizer: opt, epochs: 3, resume: state });
    expect(rest.history.map((h) => h.epoch)).toEqual([2, 3]);
    expect(leaves(rest.params)).toEqual(leaves(whole.params));
    expect(rest.history.map((h) => h.loss)).toEqual(whole.history.slice(1).map((h) => h.loss));
  });

  test("withState checks its argument", () => {
    const p = params0();
    expect(() => net.withState(p, [] as never)).toThrow("sequential.withState: argument 'states' must hold one state per layer (5)");
    expect(() => net.withState(p, [{}, {}, { mean: p[2].gamma, variance: p[1].b }, {}, {}] as never)).not.toThrow();
    expect(() => net.withState(p, [{}, { mean: p[2].gamma, variance: p[2].gamma }, {}, {}, {}] as never)).toThrow("sequential.withState: the state of layer 1");
  });
});
