/**
 * Types of the training API: callbacks may return nothing (a block body, or an expression body
 * such as `console.log(…)`) or `"stop"`, but not another value; `examplesFrom` carries the feature
 * and target counts a dataset's type knows; `fit` and `fitAsync` return a `FitResult` whose
 * `state` resumes the same parameters.
 */
import { describe, expect, test } from "tstyche";
import {
  adam,
  type CsvDataset,
  dense,
  type Examples,
  evaluate,
  evaluateAsync,
  examplesFrom,
  type FitResult,
  fitAsync,
  logLossFromLogits,
  type MlpParams,
  mlp,
  predict,
  predictClasses,
  rng,
  sequential,
  softmaxCrossEntropy,
  type Tensor,
  type TrainState,
  fit as train,
  xor,
} from "../../src/index.js";

declare const json: { X: Tensor<[4, "m"]>; Y: Tensor<[3, "m"]> };
declare const rows: { X: Tensor<["m", 784]>; Y: Tensor<["m", 10]> };
declare const labels: { X: Tensor<[4, "m"]>; Y: Tensor<[1, "m"]> };
declare const csv: CsvDataset;
declare const X: Tensor<[2, "m"]>;
declare const mnist: Examples<784, 10>;
declare const decoded: Examples<number, number>;
declare const features: Examples<784, number>;

const net = mlp([2, 4, 1]);
const base = { model: net, params: net.init(rng(0)), loss: logLossFromLogits, optimizer: adam(0.01), train: xor(rng(0)), epochs: 2 };

describe("fit callbacks", () => {
  test("may return nothing, from a block or an expression body, or 'stop'", () => {
    expect(train({ ...base, onBatch: (i) => console.log(i.loss) })).type.toBe<FitResult<MlpParams<readonly [2, 4, 1]>>>();
    train({
      ...base,
      onBatch: (i) => {
        console.log(i.step);
      },
    });
    train({ ...base, onEpoch: (r) => console.log(r.loss) });
    train({ ...base, onEpoch: (r) => (r.epoch > 3 ? "stop" : undefined) });
    train({
      ...base,
      onEpoch: (r, _params, state) => {
        expect(state).type.toBe<TrainState<MlpParams<readonly [2, 4, 1]>>>();
        if (r.loss < 0.1) return "stop";
      },
    });
  });
  test("but not another value", () => {
    // @ts-expect-error Type 'number' is not assignable to type 'void | "stop"'
    train({ ...base, onBatch: () => 1 });
    // @ts-expect-error Type '"halt"' is not assignable to type 'void | "stop"'
    train({ ...base, onEpoch: () => "halt" as const });
  });
  test("fitAsync resolves to the same result type; resume takes the result's state", async () => {
    const r = await fitAsync({ ...base, yieldEvery: 10, signal: new AbortController().signal, progress: { every: 200 } });
    expect(r).type.toBe<FitResult<MlpParams<readonly [2, 4, 1]>>>();
    expect(train({ ...base, params: r.params, resume: r.state, epochs: 4 })).type.toBe<FitResult<MlpParams<readonly [2, 4, 1]>>>();
  });
});

describe("examplesFrom", () => {
  test("feature and target counts flow from the tensors' types", () => {
    expect(examplesFrom(json)).type.toBe<Examples<4, 3>>();
    expect(examplesFrom(rows, { layout: "rows" })).type.toBe<Examples<784, 10>>();
    expect(examplesFrom(labels, { oneHot: 3 })).type.toBe<Examples<4, 3>>();
    expect(examplesFrom(csv)).type.toBe<Examples<number, number>>();
    expect(examplesFrom(csv, { oneHot: 3 })).type.toBe<Examples<number, 3>>();
  });
  test("and into fit", () => {
    const m = mlp([4, 8, 3]);
    train({ model: m, params: m.init(rng(0)), loss: logLossFromLogits, optimizer: adam(0.01), train: examplesFrom(json), epochs: 1 });
  });
});

describe("fit and evaluate check the sets' widths against an mlp's sizes where the types know them", () => {
  const good = mlp([784, 32, 10], { layout: "rows" });
  const small = mlp([100, 32, 10], { layout: "rows" });
  const fewer = mlp([784, 32, 5], { layout: "rows" });
  const o = { loss: softmaxCrossEntropy, optimizer: adam(0.01), epochs: 1, layout: "rows" } as const;
  test("widths that agree, or that a set's type does not know, compile", () => {
    expect(train({ ...o, model: good, params: good.init(rng(0)), train: mnist, validation: mnist })).type.toBe<FitResult<MlpParams<readonly [784, 32, 10], "rows">>>();
    // decoded at run time: checked at run time
    train({ ...o, model: small, params: small.init(rng(0)), train: decoded });
    train({ ...o, model: fewer, params: fewer.init(rng(0)), train: features });
    // sizes known only at run time (a config's), and a model that states no sizes: run time only
    const sized = mlp([784, 32, 10] as number[], { layout: "rows" });
    train({ ...o, model: sized, params: sized.init(rng(0)), train: mnist });
    const ends = mlp([784, 32, 10] as [number, 32, number], { layout: "rows" });
    train({ ...o, model: ends, params: ends.init(rng(0)), train: mnist });
    const seq = sequential([dense(100, 10, { layout: "rows" })]);
    train({ ...o, model: seq, params: seq.init(rng(0)), train: mnist });
  });
  test("a feature or target count that differs does not compile, at the model, naming both", () => {
    // @ts-expect-error Type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, 10>>'
    train({ ...o, model: small, params: small.init(rng(0)), train: mnist });
    // @ts-expect-error Type 'Mlp<readonly [784, 32, 5], "rows">' is not assignable to type 'Mlp<readonly [784, 32, 5], "rows"> & NoInfer<Widths<784, 10>>'
    void fitAsync({ ...o, model: fewer, params: fewer.init(rng(0)), train: mnist });
    // @ts-expect-error Type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, number>>'
    train({ ...o, model: small, params: small.init(rng(0)), train: features });
  });
  test("evaluate and evaluateAsync check the same", () => {
    expect(evaluate(good, good.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" }).loss).type.toBe<number>();
    evaluate(small, small.init(rng(0)), decoded, softmaxCrossEntropy, { layout: "rows" });
    // @ts-expect-error Argument of type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to parameter of type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, 10>>'
    evaluate(small, small.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" });
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 5], "rows">' is not assignable to parameter of type 'Mlp<readonly [784, 32, 5], "rows"> & NoInfer<Widths<784, 10>>'
    void evaluateAsync(fewer, fewer.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" });
  });
});

describe("predict", () => {
  test("a tensor or Examples in; the output tensor or class indices out", () => {
    expect(predict(net, base.params, X)).type.toBe<Tensor>();
    expect(predictClasses(net, base.params, base.train, { outputs: "probabilities" })).type.toBe<number[]>();
  });
});
