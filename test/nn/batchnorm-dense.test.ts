/**
 * Batch norm on a dense layer's output ("BN on z^[l]" of a fully connected net):
 * `sequential([dense(…, { layout: "rows" }), batchNormLayer([n]), dense(…)])` runs, normalises
 * with the batch's statistics in training and the running ones at inference (checked against the
 * formula by hand), trains under `fit` with the running statistics of a hand loop of `forward` /
 * `updateState`, and survives a checkpoint (the model rebuilt from the stored architecture gives
 * `predict`'s output bit for bit). A chain that does not fit is refused at run time with the
 * type-level message (for untyped callers and stored architectures).
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "vitest";
import { flattenTree } from "../../src/autodiff/tree.js";
import {
  adam,
  add,
  batchNormLayer,
  decodeModel,
  dense,
  div,
  draw,
  encodeModel,
  evaluate,
  examples,
  fit as fitModel,
  flattenLayer,
  mean,
  modelFromArchitecture,
  mul,
  type Params,
  predict,
  relu,
  reshape,
  reshapeLayer,
  rng,
  sequential,
  softmaxCrossEntropy,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  take,
  toFlat,
  toTensors,
  valueAndGrad,
  zeros,
} from "../../src/index.js";

const f64 = { dtype: "float64" } as const;
const hidden = dense(6, 16, { layout: "rows", activation: "relu" });
const bn = batchNormLayer([16], { momentum: 0.8 });
const head = dense(16, 3, { layout: "rows" });
const net = sequential([hidden, bn, head]);

/** Three classes, 6 features; class c lifts every third feature from c. */
const data = (() => {
  const g = rng(21);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < 48; i++) {
    const c = i % 3;
    xs.push(Array.from({ length: 6 }, (_, j) => 0.5 * g.normal() + (j % 3 === c ? 2 : 0)));
    ys.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
  }
  return examples(xs, ys);
})();
const { X: Xall, Y: Yall } = toTensors(data, "rows", f64);
const X = Xall as unknown as Tensor<[48, 6]>;
const Y = Yall as unknown as Tensor<[48, 3]>;

const leaves = (p: Params): number[][] => flattenTree("test", p).leaves.map((t) => Array.from(toFlat(t)));
const params0 = () => net.init(rng(3), f64);
const base = { model: net, loss: softmaxCrossEntropy, train: data, layout: "rows", batchSize: 8, dtype: "float64" } as const;
const close = (a: Tensor, b: Tensor, tol: number): boolean => {
  const [x, y] = [toFlat(a), toFlat(b)];
  return x.length === y.length && x.every((v, i) => Math.abs(v - (y[i] as number)) <= tol);
};
/** γ (z − μ) / √(σ² + ε) + β, by hand. */
const normalise = (Z: Tensor, mu: Tensor, v: Tensor, p: { gamma: Tensor; beta: Tensor }, eps = 1e-5): Tensor => add(mul(div(sub(Z, mu), sqrt(add(v, eps))), p.gamma), p.beta);

describe("batch norm after dense", () => {
  test("the defect's reproduction runs: [4, 784] → dense → batch norm → dense → [4, 10]", () => {
    const m = sequential([dense(784, 128, { layout: "rows", activation: "relu" }), batchNormLayer([128]), dense(128, 10, { layout: "rows" })]);
    expect(m.apply(m.init(rng(0)), zeros([4, 784])).shape).toEqual([4, 10]);
    expect(m.architecture.layers.map((l) => l.kind)).toEqual(["dense", "batchNorm", "dense"]);
  });

  test("in training it normalises z with the batch's statistics (biased variance); at inference with the running ones", () => {
    const p = params0();
    const Z = hidden.apply(p[0], X);
    const mu = mean(Z, 0, true);
    const v = mean(square(sub(Z, mu)), 0, true);
    const q = { ...p[1], gamma: add(p[1].gamma, 0.5), beta: sub(p[1].beta, 0.25) };
    const ps = [p[0], q, p[2]] as typeof p;
    expect(close(net.apply(ps, X, { training: true }), head.apply(p[2], normalise(Z, mu, v, q) as Tensor<[48, 16]>), 1e-12)).toBe(true);
    expect(close(net.apply(ps, X), head.apply(p[2], normalise(Z, q.mean, q.variance, q) as Tensor<[48, 16]>), 1e-12)).toBe(true);
    // the new running statistics (momentum 0.8) come with the training forward pass, unbiased variance
    const [, caches] = net.forward(ps, X, { training: true });
    const moved = net.updateState(ps, caches)[1];
    expect(close(moved.mean, add(mul(q.mean, 0.8), mul(mu, 0.2)), 1e-12)).toBe(true);
    expect(close(moved.variance, add(mul(q.variance, 0.8), mul(mul(v, 48 / 47), 0.2)), 1e-12)).toBe(true);
    expect(moved.gamma).toBe(q.gamma);
  });

  test("fit trains it; the running statistics equal a hand loop of forward / updateState, bit for bit", () => {
    const opt = adam(0.02);
    const r = fitModel({ ...base, params: params0(), optimizer: opt, epochs: 2, shuffle: false });
    let p = params0();
    let s = opt.init(p);
    for (let epoch = 0; epoch < 2; epoch++)
      for (let b = 0; b < 6; b++) {
        const batch = toTensors(
          take(
            data,
            Array.from({ length: 8 }, (_, i) => b * 8 + i),
          ),
          "rows",
          f64,
        );
        const Xb = batch.X as unknown as Tensor<[8, 6]>;
        const ctx = { training: true } as const;
        const [, caches] = net.forward(p, Xb, ctx);
        const [, g] = valueAndGrad((q: typeof p) => softmaxCrossEntropy(net.apply(q, Xb, ctx), batch.Y as unknown as Tensor<[8, 3]>, { layout: "rows" }))(p);
        const [p2, s2] = opt.step(p, g, s);
        p = net.updateState(p2, caches);
        s = s2;
      }
    expect(leaves(r.params)).toEqual(leaves(p));
    expect(toFlat(r.params[1].mean).some((v) => v !== 0)).toBe(true);
    expect(toFlat(r.params[1].variance).every((v) => v !== 1)).toBe(true);
  });

  test("trained, predict and evaluate run in inference mode: the running statistics, not the batch's", () => {
    const { params, history } = fitModel({ ...base, params: params0(), optimizer: adam(0.02), epochs: 15, seed: 4 });
    expect((history.at(-1)?.loss as number) < (history[0]?.loss as number)).toBe(true);
    const out = predict(net, params, X, { layout: "rows" });
    const Z = hidden.apply(params[0], X);
    const q = params[1];
    expect(close(out, head.apply(params[2], normalise(Z, q.mean, q.variance, q) as Tensor<[48, 16]>), 1e-12)).toBe(true);
    expect(close(out, net.apply(params, X, { training: true }), 1e-6)).toBe(false);
    const ev = evaluate(net, params, data, softmaxCrossEntropy, { layout: "rows", dtype: "float64" });
    expect(Math.abs(ev.loss - (toFlat(softmaxCrossEntropy(out, Y, { layout: "rows" }))[0] as number))).toBeLessThan(1e-12);
    expect(ev.accuracy).toBeGreaterThan(0.9);
  });

  test("a checkpoint round trip: the model rebuilt from the stored architecture predicts the same bits; typed against the program's model", () => {
    const { params } = fitModel({ ...base, params: params0(), optimizer: adam(0.02), epochs: 2, seed: 6 });
    const bytes = encodeModel({ model: net, params });
    const rebuilt = decodeModel(bytes);
    if (E.isLeft(rebuilt)) throw new Error(draw(rebuilt.left));
    expect(rebuilt.right.model.architecture).toStrictEqual(net.architecture);
    const want = toFlat(predict(net, params, X, { layout: "rows" }));
    expect(Array.from(toFlat(predict(rebuilt.right.model, rebuilt.right.params, X as Tensor, { layout: "rows" })))).toEqual(Array.from(want));
    const typed = decodeModel(bytes, net);
    if (E.isLeft(typed)) throw new Error(draw(typed.left));
    expect(typed.right.params[1].mean.shape).toEqual([16]);
    expect(leaves(typed.right.params)).toEqual(leaves(params));
    // the architecture alone, through JSON (what a file or a request carries)
    const fromJson = modelFromArchitecture(JSON.parse(JSON.stringify(net.architecture)));
    expect(E.isRight(fromJson) && fromJson.right.architecture).toStrictEqual(net.architecture);
  });

  test("BN on Z, then the activation (the course's order): batchNormLayer's activation option, in training and at inference", () => {
    const linear = dense(6, 16, { layout: "rows" });
    const m = sequential([linear, batchNormLayer([16], { activation: "relu" }), head]);
    const p = m.init(rng(5), f64);
    const Z = linear.apply(p[0], X);
    const mu = mean(Z, 0, true);
    const v = mean(square(sub(Z, mu)), 0, true);
    expect(close(m.apply(p, X, { training: true }), head.apply(p[2], relu(normalise(Z, mu, v, p[1])) as Tensor<[48, 16]>), 1e-12)).toBe(true);
    expect(close(m.apply(p, X), head.apply(p[2], relu(normalise(Z, p[1].mean, p[1].variance, p[1])) as Tensor<[48, 16]>), 1e-12)).toBe(true);
    // softmax over the last axis (the units, or an image's channels)
    const s = batchNormLayer([2, 8], { activation: "softmax" });
    const sums = toFlat(sum(s.apply(s.init(rng(0)), reshape(Z, [48, 2, 8])), 2));
    expect(sums.length).toBe(96);
    expect(sums.every((t) => Math.abs(t - 1) < 1e-12)).toBe(true);
    // it is part of the architecture (given only when given), and rebuilds
    expect(m.architecture.layers[1]).toStrictEqual({ kind: "batchNorm", inShape: [16], activation: "relu" });
    expect(bn.architecture).toStrictEqual({ kind: "batchNorm", inShape: [16], momentum: 0.8 });
    const back = modelFromArchitecture(JSON.parse(JSON.stringify(m.architecture)));
    if (E.isLeft(back)) throw new Error(draw(back.left));
    expect(Array.from(toFlat(predict(back.right, p, X as Tensor, { layout: "rows" })))).toEqual(Array.from(toFlat(predict(m, p, X, { layout: "rows" }))));
    expect(() => batchNormLayer([16], { activation: "prelu" as never })).toThrow(
      new TypeError("batchNormLayer: option 'activation' must be one of linear, sigmoid, tanh, relu, leakyRelu, rrelu, elu, softmax, got \"prelu\""),
    );
  });

  test("flatten and reshape of a width sit between dense layers too", () => {
    const p = params0();
    for (const mid of [flattenLayer([16]), reshapeLayer([16])]) {
      const m = sequential([hidden, mid, head]);
      expect(Array.from(toFlat(m.apply([p[0], {}, p[2]], X)))).toEqual(Array.from(toFlat(head.apply(p[2], hidden.apply(p[0], X)))));
    }
  });
});

describe("a chain that does not fit is refused at run time, with the type-level message", () => {
  const bad = (ls: readonly unknown[]) => ls as never;
  test("a width against a shape", () => {
    expect(() => sequential(bad([dense(784, 128, { layout: "rows" }), batchNormLayer([64])]))).toThrow(new TypeError("sequential: layer 1 takes [64] but layer 0 gives [128]"));
    expect(() => sequential(bad([batchNormLayer([128]), dense(64, 10, { layout: "rows" })]))).toThrow(new TypeError("sequential: layer 1 takes [64] but layer 0 gives [128]"));
    expect(() => sequential(bad([dense(4, 12, { layout: "rows" }), batchNormLayer([3, 4])]))).toThrow(new TypeError("sequential: layer 1 takes [3, 4] but layer 0 gives [12]"));
  });
  test("layout 'columns' into a rows-only layer, either way round, says how to fix it", () => {
    const hint = " (every layer must share one layout: image and batch-norm layers take rows, so give the dense layers { layout: 'rows' })";
    expect(() => sequential(bad([dense(4, 3), batchNormLayer([3])]))).toThrow(new TypeError(`sequential: layer 1 has layout 'rows' but layer 0 has 'columns'${hint}`));
    expect(() => sequential(bad([batchNormLayer([4]), dense(4, 3)]))).toThrow(new TypeError(`sequential: layer 1 has layout 'columns' but layer 0 has 'rows'${hint}`));
    expect(() => sequential(bad([dense(4, 3), dense(3, 2, { layout: "rows" })]))).toThrow(new TypeError("sequential: layer 1 has layout 'rows' but layer 0 has 'columns'"));
  });
  test("a stored architecture that does not chain is a Left naming the layers", () => {
    const arch = { kind: "sequential", layers: [dense(6, 16, { layout: "rows" }).architecture, batchNormLayer([8]).architecture] };
    const r = modelFromArchitecture(JSON.parse(JSON.stringify(arch)));
    expect(E.isLeft(r) && draw(r.left)).toContain("sequential: layer 1 takes [8] but layer 0 gives [16]");
    const cols = modelFromArchitecture(JSON.parse(JSON.stringify({ kind: "sequential", layers: [dense(6, 16).architecture, batchNormLayer([16]).architecture] })));
    expect(E.isLeft(cols) && draw(cols.left)).toContain("sequential: layer 1 has layout 'rows' but layer 0 has 'columns' (every layer must share one layout");
    const act = modelFromArchitecture({ kind: "sequential", layers: [{ kind: "batchNorm", inShape: [4], activation: "prelu" }] });
    expect(E.isLeft(act) && draw(act.left)).toContain("layers: index 0: activation: expected one of");
  });
});
