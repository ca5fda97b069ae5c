/**
 * Data that does not fit the model: `fit`, `fitAsync` and `evaluate` name the option (or
 * argument) holding it and its widths, with the model's or the loss's own message after it, when
 * the first batch fails with a shape error. Before, the message was only `dense.apply: A_prev has
 * shape [2, 8], …`, naming neither `fit` nor which of its data sets was wrong. A shape error after
 * the first batch is not the data's width and is left as it was.
 */
import { describe, expect, test } from "vitest";
import type { Params } from "../../src/autodiff/tree.js";
import { examples, xor } from "../../src/data/index.js";
import { batchNormLayer, conv2dLayer, flattenLayer, reshapeLayer } from "../../src/nn/conv.js";
import { dense, logLossFromLogits, mlp, mse, sequential, softmaxCrossEntropy } from "../../src/nn/index.js";
import { adam } from "../../src/optim/index.js";
import { ShapeError } from "../../src/shape/dims.js";
import { type Rng, rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { evaluate, evaluateAsync, fitAsync, type Model, fit as train } from "../../src/train/index.js";

const data = xor(rng(0), { m: 8 });
const run = <P extends Params>(model: Model<P> & { init(g: Rng): P }) => ({
  model,
  params: model.init(rng(0)),
  loss: softmaxCrossEntropy,
  optimizer: adam(1e-2),
  train: data,
  epochs: 1,
  batchSize: 8,
});

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
};

describe("data that does not fit the model", () => {
  const wide = mlp([3, 4, 1]); // takes 3 features, xor has 2
  const dense3 = "dense.apply: A_prev has shape [2, 8], expected [3, m] (a 3 → 4 layer, columns are examples)";

  test("fit names option 'train', its widths and the model's message, as a ShapeError with the cause", () => {
    const e = thrown(() => train(run(wide)));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as ShapeError).message).toBe(`fit: option 'train' (2 features, 1 target per example) does not fit the model: its first batch fails with ${dense3}`);
    expect((e as ShapeError).op).toBe("fit");
    expect(((e as ShapeError).cause as Error).message).toBe(dense3);
  });

  test("targets the model's output does not match: the loss's message", () => {
    expect(() => train(run(mlp([2, 4, 3])))).toThrow(
      "fit: option 'train' (2 features, 1 target per example) does not fit the model: its first batch fails with softmaxCrossEntropy: predictions [3, 8] and targets [1, 8] must have one shape",
    );
  });

  test("fitAsync, evaluate and evaluateAsync", async () => {
    await expect(fitAsync(run(wide))).rejects.toThrow(`fitAsync: option 'train' (2 features, 1 target per example) does not fit the model: its first batch fails with ${dense3}`);
    const p = wide.init(rng(0));
    // (xor's Examples<2, 1> against mlp([3, 4, 1]) is also a compile-time error, as in fit: the run-time check is what is tested here)
    // @ts-expect-error Type '3' is not assignable to type '2'
    expect(() => evaluate(wide, p, data, softmaxCrossEntropy)).toThrow(
      new ShapeError("evaluate", `argument 'data' (2 features, 1 target per example) does not fit the model: its first chunk fails with ${dense3}`),
    );
    // @ts-expect-error Type '3' is not assignable to type '2'
    await expect(evaluateAsync(wide, p, data, softmaxCrossEntropy)).rejects.toThrow("evaluateAsync: argument 'data' (2 features, 1 target per example) does not fit");
  });

  test("a shape error after the first batch is left as it was", () => {
    const net = mlp([2, 4, 1]);
    // fails only on a batch of 3 examples: the last batch of 8 in batches of 5
    const picky = { ...net, apply: (p: never, X: Tensor, ctx?: never) => (X.shape[1] === 3 ? thrown2() : net.apply(p, X as never, ctx)) };
    const thrown2 = (): never => {
      throw new ShapeError("picky", "no batches of 3");
    };
    expect(() => train({ ...run(net), model: picky, batchSize: 5 })).toThrow(new ShapeError("picky", "no batches of 3"));
  });

  test("other errors of the first batch are left as they were", () => {
    const net = mlp([2, 4, 1]);
    const broken = {
      ...net,
      apply: () => {
        throw new RangeError("broken");
      },
    };
    expect(() => train({ ...run(net), model: broken })).toThrow(new RangeError("broken"));
  });
});

/**
 * The compile-time rule (`WidthsOf`) against the run time, case by case: a model it refuses
 * fails at the first batch with the data's message (so the compile error is not a false one), a
 * model it accepts trains, and a model it leaves alone because the rows do not feed it as they
 * come (a `conv2dLayer` first) fails at run time whatever the widths.
 */
describe("the compile-time width rule agrees with the first batch", () => {
  const rows = { loss: logLossFromLogits, optimizer: adam(1e-2), train: data, epochs: 1, batchSize: 8, layout: "rows", task: "regression" } as const;
  test("a dense-first sequential, a single dense layer, a batch-norm [n] or a reshape first: agreeing widths train", () => {
    const seq = sequential([dense(2, 4, { layout: "rows", activation: "relu" }), dense(4, 1, { layout: "rows" })]);
    expect(() => train({ ...rows, model: seq, params: seq.init(rng(0)) })).not.toThrow();
    const one = dense(2, 1, { layout: "rows" });
    expect(() => train({ ...rows, model: one, params: one.init(rng(0)) })).not.toThrow();
    const normed = sequential([batchNormLayer([2]), dense(2, 1, { layout: "rows" })]);
    expect(() => train({ ...rows, model: normed, params: normed.init(rng(0)) })).not.toThrow();
    const image = sequential([reshapeLayer([1, 2, 1]), flattenLayer([1, 2, 1]), dense(2, 1, { layout: "rows" })]);
    expect(() => train({ ...rows, model: image, params: image.init(rng(0)) })).not.toThrow();
    const alone = batchNormLayer([2]);
    const pairs = examples<2, 2>(
      [
        [0, 1],
        [1, 0],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    );
    expect(() => train({ ...rows, loss: mse, train: pairs, model: alone, params: alone.init(rng(0)) })).not.toThrow();
  });

  test("widths the rule refuses fail at the first batch, naming the data", () => {
    const wide = sequential([dense(3, 1, { layout: "rows" })]);
    // @ts-expect-error Type 'Sequential<readonly [DenseLayer<3, 1, "rows", "linear">]>' is not assignable to type 'Sequential<readonly [DenseLayer<3, 1, "rows", "linear">]> & NoInfer<Widths<2, 1>>'
    expect(() => train({ ...rows, model: wide, params: wide.init(rng(0)) })).toThrow(
      "fit: option 'train' (2 features, 1 target per example) does not fit the model: its first batch fails with dense.apply: A_prev has shape [8, 2], expected [m, 3]",
    );
    const two = dense(2, 2, { layout: "rows" });
    // @ts-expect-error Type 'DenseLayer<2, 2, "rows", "linear">' is not assignable to type 'DenseLayer<2, 2, "rows", "linear"> & NoInfer<Widths<2, 1>>'
    expect(() => train({ ...rows, model: two, params: two.init(rng(0)) })).toThrow("fit: option 'train' (2 features, 1 target per example) does not fit the model");
    const normed = sequential([batchNormLayer([3]), dense(3, 1, { layout: "rows" })]);
    // @ts-expect-error Type 'Sequential<readonly [ImageLayer<"batchNorm", readonly [3], readonly [3], BatchNormParams<3>>, DenseLayer<3, 1, "rows", "linear">]>' is not assignable to type
    expect(() => train({ ...rows, model: normed, params: normed.init(rng(0)) })).toThrow("fit: option 'train' (2 features, 1 target per example) does not fit the model");
    const image = sequential([reshapeLayer([1, 3, 1]), flattenLayer([1, 3, 1]), dense(3, 1, { layout: "rows" })]);
    // @ts-expect-error Type 'Sequential<readonly [ImageLayer<"reshape", 3, readonly [1, 3, 1], Record<string, never>>, ImageLayer<"flatten", readonly [1, 3, 1], 3, Record<string, never>>, DenseLayer<...>]>' is not assignable to type
    expect(() => train({ ...rows, model: image, params: image.init(rng(0)) })).toThrow("fit: option 'train' (2 features, 1 target per example) does not fit the model");
  });

  test("a conv2dLayer first is left to the run time: rows do not feed it, even where its input's size is the width", () => {
    const conv = sequential([conv2dLayer([1, 2, 1], 1, 1), flattenLayer([1, 2, 1]), dense(2, 1, { layout: "rows" })]);
    expect(() => train({ ...rows, model: conv, params: conv.init(rng(0)) })).toThrow("fit: option 'train' (2 features, 1 target per example) does not fit the model: its first batch fails with");
    const wrong = sequential([conv2dLayer([1, 3, 1], 1, 1), flattenLayer([1, 3, 1]), dense(3, 5, { layout: "rows" })]);
    expect(() => train({ ...rows, model: wrong, params: wrong.init(rng(0)) })).toThrow("fit: option 'train' (2 features, 1 target per example) does not fit the model: its first batch fails with");
  });
});
