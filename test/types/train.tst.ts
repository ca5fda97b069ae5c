/**
 * Types of the training API: callbacks may return nothing (a block body, or an expression body
 * such as `console.log(…)`) or `"stop"`, but not another value; `examplesFrom` carries the feature
 * and target counts a dataset's type knows; `fit` and `fitAsync` return a `FitResult` whose
 * `state` resumes the same parameters.
 */
import { describe, expect, test } from "tstyche";
import {
  adam,
  batchNormLayer,
  type Cost,
  type CsvDataset,
  conv2dLayer,
  dense,
  type Examples,
  evaluate,
  evaluateAsync,
  examplesFrom,
  type FitResult,
  fitAsync,
  flattenLayer,
  type Layout,
  logLossFromLogits,
  lstm,
  type MlpParams,
  maxPool2dLayer,
  mlp,
  mse,
  predict,
  predictClasses,
  predictClassesAsync,
  recurrentNet,
  reshapeLayer,
  rng,
  sequential,
  softmaxCrossEntropy,
  type Tensor,
  type TrainState,
  fit as train,
  trainStep,
  trainStepAsync,
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

describe("fit and evaluate check a sequential's and a single layer's nIn and nOut where rows feed them", () => {
  const o = { loss: softmaxCrossEntropy, optimizer: adam(0.01), epochs: 1, layout: "rows" } as const;
  const seq = sequential([dense(784, 32, { layout: "rows", activation: "relu" }), dense(32, 10, { layout: "rows" })]);
  const layer = dense(784, 10, { layout: "rows" });
  const narrow = sequential([dense(100, 10, { layout: "rows" })]);
  const fewer = sequential([dense(784, 32, { layout: "rows" }), dense(32, 5, { layout: "rows" })]);
  const small = dense(100, 10, { layout: "rows" });
  test("widths that agree, in fit, fitAsync, evaluate and evaluateAsync, compile", () => {
    expect(train({ ...o, model: seq, params: seq.init(rng(0)), train: mnist, validation: mnist }).params).type.toBe<ReturnType<typeof seq.init>>();
    train({ ...o, model: layer, params: layer.init(rng(0)), train: mnist });
    void fitAsync({ ...o, model: seq, params: seq.init(rng(0)), train: mnist });
    expect(evaluate(seq, seq.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" }).loss).type.toBe<number>();
    void evaluateAsync(layer, layer.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" });
  });
  test("a width that a set's type or the model's does not know is left to the first batch", () => {
    train({ ...o, model: narrow, params: narrow.init(rng(0)), train: decoded });
    train({ ...o, model: fewer, params: fewer.init(rng(0)), train: features });
    evaluate(small, small.init(rng(0)), decoded, softmaxCrossEntropy, { layout: "rows" });
    const config = sequential([dense(100 as number, 10 as number, { layout: "rows" })]);
    train({ ...o, model: config, params: config.init(rng(0)), train: mnist });
    const head = dense(784, 10 as number, { layout: "rows" });
    train({ ...o, model: head, params: head.init(rng(0)), train: mnist });
  });
  test("a feature or target count that differs does not compile, at the model, naming both", () => {
    // @ts-expect-error Type 'Sequential<readonly [DenseLayer<100, 10, "rows", "linear">]>' is not assignable to type 'Sequential<readonly [DenseLayer<100, 10, "rows", "linear">]> & NoInfer<Widths<784, 10>>'
    train({ ...o, model: narrow, params: narrow.init(rng(0)), train: mnist });
    // @ts-expect-error Type 'Sequential<readonly [DenseLayer<784, 32, "rows", "linear">, DenseLayer<32, 5, "rows", "linear">]>' is not assignable to type 'Sequential<readonly [DenseLayer<784, 32, "rows", "linear">, DenseLayer<32, 5, "rows", "linear">]> & NoInfer<Widths<784, 10>>'
    void fitAsync({ ...o, model: fewer, params: fewer.init(rng(0)), train: mnist });
    // @ts-expect-error Type 'DenseLayer<100, 10, "rows", "linear">' is not assignable to type 'DenseLayer<100, 10, "rows", "linear"> & NoInfer<Widths<784, number>>'
    train({ ...o, model: small, params: small.init(rng(0)), train: features });
    // @ts-expect-error Argument of type 'Sequential<readonly [DenseLayer<100, 10, "rows", "linear">]>' is not assignable to parameter of type 'Sequential<readonly [DenseLayer<100, 10, "rows", "linear">]> & NoInfer<Widths<784, 10>>'
    evaluate(narrow, narrow.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" });
    // @ts-expect-error Argument of type 'DenseLayer<100, 10, "rows", "linear">' is not assignable to parameter of type 'DenseLayer<100, 10, "rows", "linear"> & NoInfer<Widths<784, 10>>'
    void evaluateAsync(small, small.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" });
  });
  test("rows of n feed a first layer of shape [n] (batch norm) and a reshape to images: both are checked", () => {
    const normed = sequential([batchNormLayer([784]), dense(784, 10, { layout: "rows" })]);
    train({ ...o, model: normed, params: normed.init(rng(0)), train: mnist });
    const cnn = sequential([
      reshapeLayer([28, 28, 1]),
      conv2dLayer([28, 28, 1], 4, 3, { activation: "relu" }),
      maxPool2dLayer([26, 26, 4], 2),
      flattenLayer([13, 13, 4]),
      dense(676, 10, { layout: "rows" }),
    ]);
    train({ ...o, model: cnn, params: cnn.init(rng(0)), train: mnist });
    const other = sequential([batchNormLayer([100]), dense(100, 10, { layout: "rows" })]);
    // @ts-expect-error Type 'Sequential<readonly [ImageLayer<"batchNorm", readonly [100], readonly [100], BatchNormParams<100>>, DenseLayer<100, 10, "rows", "linear">]>' is not assignable to type
    train({ ...o, model: other, params: other.init(rng(0)), train: mnist });
    const cifar = sequential([reshapeLayer([32, 32, 3]), flattenLayer([32, 32, 3]), dense(3072, 10, { layout: "rows" })]);
    // @ts-expect-error Type 'Sequential<readonly [ImageLayer<"reshape", 3072, readonly [32, 32, 3], Record<string, never>>, ImageLayer<"flatten", readonly [32, 32, 3], 3072, Record<string, never>>, DenseLayer<...>]>' is not assignable to type
    train({ ...o, model: cifar, params: cifar.init(rng(0)), train: mnist });
  });
  test("a model that rows do not feed as they come is left to the first batch: a conv2dLayer first, a recurrent net", () => {
    // its nIn is an image's shape: rows of 784 do not feed it (it takes [m, 28, 28, 1]), whatever the widths
    const conv = sequential([conv2dLayer([28, 28, 1], 4, 3), flattenLayer([26, 26, 4]), dense(2704, 5, { layout: "rows" })]);
    train({ ...o, model: conv, params: conv.init(rng(0)), train: mnist });
    // a recurrent net takes time-major sequences [T, m, F]: the examples' own way (examples/rnn.ts) wraps it in a model that turns rows into steps, without widths
    const rnn = recurrentNet(lstm(28, 16), dense(16, 10, { layout: "rows" }));
    const model = { apply: (p: ReturnType<typeof rnn.init>, X: Tensor) => rnn.apply(p, X as Tensor<[28, number, 28]>) };
    train({ ...o, model, params: rnn.init(rng(0)), train: mnist });
    // and is not a Model itself (its apply takes sequences), so not for want of a width check
    // @ts-expect-error Type 'RecurrentNet<RecurrentLayer<"lstm", 28, 16, "last">, DenseLayer<16, 10, "rows", "linear">>' is not assignable to type 'Model<
    train({ ...o, model: rnn, params: rnn.init(rng(0)), train: mnist });
  });
  test("a model and a set of one generic width compile (a helper over widths)", () => {
    const helper = <N extends number, K extends number>(n: N, k: K, data: Examples<N, K>) => {
      const net = sequential([dense(n, 32, { layout: "rows" }), dense(32, k, { layout: "rows" })]);
      evaluate(net, net.init(rng(0)), data, softmaxCrossEntropy, { layout: "rows" });
      const one = dense(n, k, { layout: "rows" });
      train({ ...o, model: one, params: one.init(rng(0)), train: data });
      const normed = batchNormLayer([n]);
      const square = data as unknown as Examples<N, N>;
      train({ ...o, loss: mse, model: normed, params: normed.init(rng(0)), train: square });
      return train({ ...o, model: net, params: net.init(rng(0)), train: data });
    };
    void helper;
  });
});

describe("predict", () => {
  test("a tensor or Examples in; the output tensor or class indices out", () => {
    expect(predict(net, base.params, X)).type.toBe<Tensor>();
    expect(predictClasses(net, base.params, base.train, { outputs: "probabilities" })).type.toBe<number[]>();
  });
  test("a model's input width is checked against Examples' features where both types know them, as in fit", () => {
    const good = mlp([784, 32, 10], { layout: "rows" });
    const small = mlp([100, 32, 10], { layout: "rows" });
    const seq = sequential([dense(100, 10, { layout: "rows" })]);
    const o = { layout: "rows" } as const;
    expect(predict(good, good.init(rng(0)), mnist, o)).type.toBe<Tensor>();
    // the targets are not read: a set of other targets, or of unknown ones, compiles
    expect(predictClasses(good, good.init(rng(0)), features, o)).type.toBe<number[]>();
    expect(predictClasses(mlp([784, 5], { layout: "rows" }), mlp([784, 5], { layout: "rows" }).init(rng(0)), mnist, o)).type.toBe<number[]>();
    // a tensor, a set decoded at run time, sizes known at run time: checked at run time
    expect(predict(small, small.init(rng(0)), rows.X)).type.toBe<Tensor>();
    expect(predict(small, small.init(rng(0)), decoded, o)).type.toBe<Tensor>();
    const sized = mlp([100, 32, 10] as number[], { layout: "rows" });
    expect(predict(sized, sized.init(rng(0)), mnist, o)).type.toBe<Tensor>();
    // @ts-expect-error Argument of type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to parameter of type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, number>>'
    predict(small, small.init(rng(0)), mnist, o);
    // @ts-expect-error Argument of type 'Sequential<readonly [DenseLayer<100, 10, "rows", "linear">]>' is not assignable to parameter of type 'Sequential<readonly [DenseLayer<100, 10, "rows", "linear">]> & NoInfer<Widths<784, number>>'
    predictClasses(seq, seq.init(rng(0)), mnist, o);
    // @ts-expect-error Argument of type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to parameter of type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, number>>'
    void predictClassesAsync(small, small.init(rng(0)), features, o);
  });
});

describe("fit, evaluate and predictClasses check the layout option against a model's where both are known", () => {
  const byRows = mlp([784, 32, 10], { layout: "rows" });
  const byColumns = mlp([784, 32, 10]);
  const seq = sequential([dense(784, 10, { layout: "rows" })]);
  const o = { loss: softmaxCrossEntropy, optimizer: adam(0.01), epochs: 1 } as const;
  test("a layout that agrees compiles: given, or the default 'columns' for a model in columns", () => {
    train({ ...o, model: byRows, params: byRows.init(rng(0)), train: mnist, layout: "rows" });
    train({ ...o, model: byColumns, params: byColumns.init(rng(0)), train: mnist });
    train({ ...o, model: byColumns, params: byColumns.init(rng(0)), train: mnist, layout: "columns" });
    void fitAsync({ ...o, model: seq, params: seq.init(rng(0)), train: mnist, layout: "rows" });
    evaluate(byColumns, byColumns.init(rng(0)), mnist, softmaxCrossEntropy);
    void evaluateAsync(byRows, byRows.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows", chunk: 100 });
    expect(predictClasses(byRows, byRows.init(rng(0)), rows.X, { layout: "rows" })).type.toBe<number[]>();
    void predictClassesAsync(byColumns, byColumns.init(rng(0)), mnist);
  });
  test("a layout known only at run time, or a model that states none, is left to the run time", () => {
    const chosen = "rows" as Layout;
    train({ ...o, model: byColumns, params: byColumns.init(rng(0)), train: mnist, layout: chosen });
    const either = mlp([784, 32, 10], { layout: chosen });
    train({ ...o, model: either, params: either.init(rng(0)), train: mnist });
    const model = { apply: byRows.apply };
    train({ ...o, model, params: byRows.init(rng(0)), train: mnist });
    evaluate(byRows, byRows.init(rng(0)), mnist, softmaxCrossEntropy, { layout: chosen });
    // predict reads a tensor as it is: its layout option shapes only Examples, whose widths say the rest
    expect(predict(byRows, byRows.init(rng(0)), rows.X)).type.toBe<Tensor>();
  });
  test("a model and a layout of one generic type compile (a helper over layouts)", () => {
    const helper = <L extends Layout>(layout: L, data: Examples<784, 10>) => {
      const net = mlp([784, 32, 10], { layout });
      evaluate(net, net.init(rng(0)), data, softmaxCrossEntropy, { layout });
      return train({ ...o, model: net, params: net.init(rng(0)), train: data, layout });
    };
    void helper;
  });
  test("trainStep and trainStepAsync check it too: a model in rows stepped in columns would take the loss along the wrong axis", () => {
    const opt = adam(0.01);
    const p = byRows.init(rng(0));
    expect(trainStep(byRows, softmaxCrossEntropy, opt, p, opt.init(p), rows.X, rows.Y, { layout: "rows" }).params).type.toBe<typeof p>();
    trainStep(byColumns, softmaxCrossEntropy, opt, byColumns.init(rng(0)), opt.init(byColumns.init(rng(0))), json.X, json.Y);
    trainStep({ apply: byRows.apply }, softmaxCrossEntropy, opt, p, opt.init(p), rows.X, rows.Y);
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to parameter of type 'never'.
    trainStep(byRows, softmaxCrossEntropy, opt, p, opt.init(p), rows.X, rows.Y);
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "columns">' is not assignable to parameter of type 'never'.
    void trainStepAsync(byColumns, softmaxCrossEntropy, opt, byColumns.init(rng(0)), opt.init(byColumns.init(rng(0))), rows.X, rows.Y, { layout: "rows" });
  });
  test("a layout that differs does not compile, at the model, naming the layout asked", () => {
    // @ts-expect-error Type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to type 'never'.
    //   The intersection 'Mlp<readonly [784, 32, 10], "rows"> & NoInfer<Widths<784, 10> & InLayout<"columns">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    train({ ...o, model: byRows, params: byRows.init(rng(0)), train: mnist });
    // @ts-expect-error Type 'Mlp<readonly [784, 32, 10], "columns">' is not assignable to type 'never'.
    //   The intersection 'Mlp<readonly [784, 32, 10], "columns"> & NoInfer<Widths<784, 10> & InLayout<"rows">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    void fitAsync({ ...o, model: byColumns, params: byColumns.init(rng(0)), train: mnist, layout: "rows" });
    // @ts-expect-error Type 'Sequential<readonly [DenseLayer<784, 10, "rows", "linear">]>' is not assignable to type 'never'.
    //   The intersection 'Sequential<readonly [DenseLayer<784, 10, "rows", "linear">]> & NoInfer<Widths<784, 10> & InLayout<"columns">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    train({ ...o, model: seq, params: seq.init(rng(0)), train: mnist });
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to parameter of type 'never'.
    //   The intersection 'Mlp<readonly [784, 32, 10], "rows"> & NoInfer<Widths<784, 10> & InLayout<"columns">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    evaluate(byRows, byRows.init(rng(0)), mnist, softmaxCrossEntropy);
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "columns">' is not assignable to parameter of type 'never'.
    //   The intersection 'Mlp<readonly [784, 32, 10], "columns"> & NoInfer<Widths<784, 10> & InLayout<"rows">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    void evaluateAsync(byColumns, byColumns.init(rng(0)), mnist, softmaxCrossEntropy, { layout: "rows" });
    // the classes are read along the layout's class axis, a tensor's too
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to parameter of type 'never'.
    //   The intersection 'Mlp<readonly [784, 32, 10], "rows"> & NoInfer<Widths<number, number> & InLayout<"columns">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    predictClasses(byRows, byRows.init(rng(0)), rows.X);
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to parameter of type 'never'.
    //   The intersection 'Mlp<readonly [784, 32, 10], "rows"> & NoInfer<Widths<784, number> & InLayout<"columns">>' was reduced to 'never' because property 'layout' has conflicting types in some constituents.
    void predictClassesAsync(byRows, byRows.init(rng(0)), mnist);
  });
});

declare const indices: Examples<784, 1>;
/** A hand-written cost of `k` outputs against one class index per example, as a function and as a `Cost`. */
declare const sparse: (output: Tensor, Y: Tensor) => Tensor<[]>;
declare const sparseCost: Cost;

describe("a cost whose type takes targets of another shape than the outputs asks no target count of the model", () => {
  const net = mlp([784, 32, 10], { layout: "rows" });
  const o = { optimizer: adam(0.01), epochs: 1, layout: "rows" } as const;
  test("k outputs against one class index compile, in fit, fitAsync, evaluate and evaluateAsync", () => {
    train({ ...o, loss: sparse, model: net, params: net.init(rng(0)), train: indices });
    void fitAsync({ ...o, loss: sparseCost, model: net, params: net.init(rng(0)), train: indices, validation: indices });
    evaluate(net, net.init(rng(0)), indices, sparse, { layout: "rows" });
    void evaluateAsync(net, net.init(rng(0)), indices, sparseCost, { layout: "rows" });
    const seq = sequential([dense(784, 10, { layout: "rows" })]);
    train({ ...o, loss: sparse, model: seq, params: seq.init(rng(0)), train: indices });
  });
  test("the input width is still asked", () => {
    const small = mlp([100, 32, 10], { layout: "rows" });
    // @ts-expect-error Type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, number>>'
    train({ ...o, loss: sparse, model: small, params: small.init(rng(0)), train: indices });
    // @ts-expect-error Argument of type 'Mlp<readonly [100, 32, 10], "rows">' is not assignable to parameter of type 'Mlp<readonly [100, 32, 10], "rows"> & NoInfer<Widths<784, number>>'
    evaluate(small, small.init(rng(0)), indices, sparseCost, { layout: "rows" });
  });
  test("a cost of outputs and targets of one shape (every built-in one) still asks the target count", () => {
    // @ts-expect-error Type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to type 'Mlp<readonly [784, 32, 10], "rows"> & NoInfer<Widths<784, 1>>'
    train({ ...o, loss: softmaxCrossEntropy, model: net, params: net.init(rng(0)), train: indices });
    // @ts-expect-error Argument of type 'Mlp<readonly [784, 32, 10], "rows">' is not assignable to parameter of type 'Mlp<readonly [784, 32, 10], "rows"> & NoInfer<Widths<784, 1>>'
    evaluate(net, net.init(rng(0)), indices, mse, { layout: "rows" });
  });
});
