/**
 * Per-example layers after `dense` in the typed `sequential`: a dense layer's output per example
 * is a width (`128`), a batch-norm, flatten or reshape layer's a shape (`[128]`); in layout
 * "rows" they are the same thing (a batch `[m, 128]`), and the chain treats them so. A mismatch
 * names both sides in one convention; layout "columns" cannot chain into a rows-only layer.
 */
import { describe, expect, test } from "tstyche";
import { batchNormLayer, conv2dLayer, dense, flattenLayer, reshapeLayer, rng, sequential, type Tensor } from "../../src/index.js";

declare const X: Tensor<["m", 784]>;

describe("batch norm on a dense layer's output", () => {
  test("dense → batchNorm → dense type-checks, with the parameters and batches it runs with", () => {
    const net = sequential([dense(784, 128, { layout: "rows", activation: "relu" }), batchNormLayer([128]), dense(128, 10, { layout: "rows" })]);
    const p = net.init(rng(0));
    expect(p[0].W).type.toBe<Tensor<[784, 128]>>();
    expect(p[1].gamma).type.toBe<Tensor<[128]>>();
    expect(p[1].mean).type.toBe<Tensor<[128]>>();
    expect(p[2].W).type.toBe<Tensor<[128, 10]>>();
    expect(net.apply(p, X)).type.toBe<Tensor<["m", 10]>>();
    expect(net.nIn).type.toBe<784>();
    expect(net.nOut).type.toBe<10>();
    const [, caches] = net.forward(p, X, { training: true });
    expect(net.updateState(p, caches)[1].variance).type.toBe<Tensor<[128]>>();
    // @ts-expect-error sequential.apply: X must be [m, 784], got ['m', 100]
    net.apply(p, null as unknown as Tensor<["m", 100]>);
  });
  test("batch norm first, last, or twice in a row", () => {
    const first = sequential([batchNormLayer([784]), dense(784, 10, { layout: "rows" })]);
    expect(first.apply(first.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
    const last = sequential([dense(784, 64, { layout: "rows" }), batchNormLayer([64])]);
    expect(last.apply(last.init(rng(0)), X)).type.toBe<Tensor<["m", 64]>>();
    expect(last.nOut).type.toBe<[64]>();
    const twice = sequential([dense(784, 64, { layout: "rows" }), batchNormLayer([64]), batchNormLayer([64]), dense(64, 10, { layout: "rows", activation: "sigmoid" })]);
    expect(twice.apply(twice.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
  });
  test("BN on Z, then the activation: dense (linear) → batchNormLayer([n], { activation }) → dense", () => {
    const net = sequential([dense(784, 128, { layout: "rows" }), batchNormLayer([128], { activation: "relu", momentum: 0.99 }), dense(128, 10, { layout: "rows" })]);
    expect(net.apply(net.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
    expect(batchNormLayer).type.not.toBeCallableWith([128], { activation: "prelu" });
    expect(batchNormLayer).type.not.toBeCallableWith([128], { activation: "swish" });
  });
  test("a width that differs is an error at the batch-norm layer, both sides as shapes", () => {
    sequential([
      dense(784, 128, { layout: "rows" }),
      // @ts-expect-error sequential: layer 1 takes [64] but layer 0 gives [128]
      batchNormLayer([64]),
    ]);
    sequential([
      dense(784, 128, { layout: "rows" }),
      batchNormLayer([128]),
      // @ts-expect-error sequential: layer 2 takes [64] but layer 1 gives [128]
      dense(64, 10, { layout: "rows" }),
    ]);
    sequential([
      dense(784, 128, { layout: "rows" }),
      // @ts-expect-error sequential: layer 1 takes [4, 32] but layer 0 gives [128]
      batchNormLayer([4, 32]),
    ]);
  });
  test("dense in layout 'columns' cannot feed batch norm (which takes rows), and the message says how to fix it", () => {
    sequential([
      dense(784, 128),
      // @ts-expect-error sequential: layer 1 has layout 'rows' but layer 0 has 'columns' (every layer must share one layout: image and batch-norm layers take rows, so give the dense layers { layout: 'rows' })
      batchNormLayer([128]),
    ]);
  });
});

describe("the other per-example layers next to dense", () => {
  test("flatten and reshape of a width chain with dense both ways", () => {
    const f = sequential([dense(784, 128, { layout: "rows" }), flattenLayer([128]), dense(128, 10, { layout: "rows" })]);
    expect(f.apply(f.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
    const r = sequential([dense(784, 128, { layout: "rows" }), reshapeLayer([128]), dense(128, 10, { layout: "rows" })]);
    expect(r.apply(r.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
    const img = sequential([dense(784, 784, { layout: "rows" }), reshapeLayer([28, 28, 1]), conv2dLayer([28, 28, 1], 4, 3), flattenLayer([26, 26, 4]), dense(2704, 10, { layout: "rows" })]);
    expect(img.apply(img.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
  });
  test("dense to dense keeps its message in widths", () => {
    sequential([
      dense(784, 128, { layout: "rows" }),
      // @ts-expect-error sequential: layer 1 takes 64 inputs but layer 0 gives 128
      dense(64, 10, { layout: "rows" }),
    ]);
  });
  test("an image into dense names both as shapes; width against width stays in widths", () => {
    sequential([
      conv2dLayer([8, 8, 1], 4, 3),
      // @ts-expect-error sequential: layer 1 takes [144] but layer 0 gives [6, 6, 4]
      dense(144, 10, { layout: "rows" }),
    ]);
    sequential([
      dense(784, 100, { layout: "rows" }),
      // @ts-expect-error sequential: layer 1 takes 784 inputs but layer 0 gives 100
      reshapeLayer([28, 28, 1]),
    ]);
  });
});
