/**
 * Every layer's `apply` (and `forward`, `applyWithState`) checks its input at the argument, with a
 * message that names the layer and both shapes: what it takes (`m` for any batch) and what it got.
 * Programs that must compile sit beside those that must not, generic user code included.
 */
import { describe, expect, test } from "tstyche";
import {
  type AnyDense,
  type AnyImageLayer,
  type AnyLayer,
  avgPool2dLayer,
  batchNormLayer,
  conv2dLayer,
  type DenseLayer,
  type Dim,
  dense,
  dropout,
  flattenLayer,
  globalAvgPool2dLayer,
  lstm,
  maxPool2dLayer,
  mlp,
  reshapeLayer,
  rng,
  sequential,
  type Tensor,
} from "../../src/index.js";

declare const img: Tensor<[2, 8, 8, 1]>;
declare const img98: Tensor<[2, 9, 8, 1]>;
declare const cols: Tensor<[784, "m"]>;
declare const cols748: Tensor<[748, "m"]>;
declare const rows: Tensor<["m", 784]>;
declare const rows748: Tensor<["m", 748]>;
declare const anyShape: Tensor;

describe("layer inputs: programs that compile", () => {
  test("dense in both layouts, a literal or a named batch, an unknown feature size", () => {
    const l = dense(784, 10);
    expect(l.apply(l.init(rng(0)), cols)).type.toBe<Tensor<[10, "m"]>>();
    expect(l.apply(l.init(rng(0)), null as unknown as Tensor<[784, 32]>)).type.toBe<Tensor<[10, 32]>>();
    expect(l.apply(l.init(rng(0)), null as unknown as Tensor<[number, 32]>)).type.toBe<Tensor<[10, 32]>>();
    const r = dense(784, 10, { layout: "rows" });
    expect(r.apply(r.init(rng(0)), rows)).type.toBe<Tensor<["m", 10]>>();
    expect(r.forward(r.init(rng(0)), rows)[0]).type.toBe<Tensor<["m", 10]>>();
  });
  test("an input of unknown shape is left to the run-time check", () => {
    const l = dense(784, 10);
    expect(l.apply(l.init(rng(0)), anyShape)).type.toBe<Tensor<[10, number]>>();
  });
  test("image layers", () => {
    const c = conv2dLayer([8, 8, 1], 4, 3);
    expect(c.apply(c.init(rng(0)), img)).type.toBe<Tensor<[2, 6, 6, 4]>>();
    expect(c.forward(c.init(rng(0)), img)[0]).type.toBe<Tensor<[2, 6, 6, 4]>>();
    expect(c.applyWithState(c.init(rng(0)), img)[0]).type.toBe<Tensor<[2, 6, 6, 4]>>();
    expect(maxPool2dLayer([8, 8, 1], 2).apply({}, img)).type.toBe<Tensor<[2, 4, 4, 1]>>();
    expect(flattenLayer([8, 8, 1]).apply({}, img)).type.toBe<Tensor<[2, 64]>>();
    expect(reshapeLayer([8, 8, 1]).apply({}, null as unknown as Tensor<["m", 64]>)).type.toBe<Tensor<["m", 8, 8, 1]>>();
  });
  test("mlp and sequential", () => {
    const net = mlp([784, 32, 10]);
    expect(net.apply(net.init(rng(0)), cols)).type.toBe<Tensor<[10, "m"]>>();
    const s = sequential([dense(784, 32, { layout: "rows" }), batchNormLayer([32]), dense(32, 10, { layout: "rows" })]);
    expect(s.apply(s.init(rng(0)), rows)).type.toBe<Tensor<["m", 10]>>();
    expect(s.applyWithState(s.init(rng(0)), rows)[0]).type.toBe<Tensor<["m", 10]>>();
  });
  test("generic user code: a layer of generic width fed a generic batch", () => {
    function run<I extends number, M extends Dim>(l: DenseLayer<I, 10, "rows", "relu">, X: Tensor<[M, I]>) {
      return l.apply(l.init(rng(0)), X);
    }
    expect(run(dense(784, 10, { layout: "rows", activation: "relu" }), rows)).type.toBe<Tensor<["m", 10]>>();
    function batch<M extends Dim>(X: Tensor<[784, M]>) {
      const l = dense(784, 10);
      return l.apply(l.init(rng(0)), X);
    }
    expect(batch(cols)).type.toBe<Tensor<[10, "m"]>>();
  });
  test("sequential still takes only layers with the blocks it chains", () => {
    expect(sequential).type.not.toBeCallableWith([lstm(28, 10)]);
    expect(sequential).type.not.toBeCallableWith([{ kind: "dense", nIn: 3, nOut: 2, layout: "rows" }]);
  });
  test("a typed layer is still an AnyDense / AnyImageLayer / AnyLayer", () => {
    expect(dense(784, 10, { layout: "rows", activation: "relu" })).type.toBeAssignableTo<AnyDense>();
    expect(dense(784, 10)).type.toBeAssignableTo<AnyLayer>();
    expect(conv2dLayer([8, 8, 1], 4, 3)).type.toBeAssignableTo<AnyImageLayer>();
    expect(batchNormLayer([32])).type.toBeAssignableTo<AnyLayer>();
  });
  test("dropout is a function of any shape: nothing to check", () => {
    expect(dropout(img, 0.5)).type.toBe<Tensor<[2, 8, 8, 1]>>();
  });
});

describe("layer inputs: programs that must not compile, at the input, naming the layer and both shapes", () => {
  test("dense", () => {
    const l = dense(784, 10);
    // @ts-expect-error dense.apply: A_prev must be [784, m], got [748, 'm']
    l.apply(l.init(rng(0)), cols748);
    // @ts-expect-error dense.forward: A_prev must be [784, m], got [748, 'm']
    l.forward(l.init(rng(0)), cols748);
    const r = dense(784, 10, { layout: "rows" });
    // @ts-expect-error dense.apply: A_prev must be [m, 784], got ['m', 748]
    r.apply(r.init(rng(0)), rows748);
  });
  test("dense in the other layout says how to fix it", () => {
    const l = dense(784, 10);
    // @ts-expect-error dense.apply: A_prev must be [784, m], got ['m', 784] (this layer's examples are columns: transpose A_prev, or build the layer with { layout: 'rows' })
    l.apply(l.init(rng(0)), rows);
    const r = dense(784, 10, { layout: "rows" });
    // @ts-expect-error dense.apply: A_prev must be [m, 784], got [784, 'm'] (this layer's examples are rows: transpose A_prev, or build the layer with { layout: 'columns' })
    r.apply(r.init(rng(0)), cols);
  });
  test("a named feature dim is not a size", () => {
    const l = dense(784, 10);
    // @ts-expect-error dense.apply: A_prev must be [784, m], got ['n', 'm']
    l.apply(l.init(rng(0)), null as unknown as Tensor<["n", "m"]>);
  });
  test("conv2d, in apply, forward and applyWithState", () => {
    const c = conv2dLayer([8, 8, 1], 4, 3);
    // @ts-expect-error conv2dLayer.apply: A_prev must be [m, 8, 8, 1], got [2, 9, 8, 1]
    c.apply(c.init(rng(0)), img98);
    // @ts-expect-error conv2dLayer.forward: A_prev must be [m, 8, 8, 1], got [2, 9, 8, 1]
    c.forward(c.init(rng(0)), img98);
    // @ts-expect-error conv2dLayer.applyWithState: A_prev must be [m, 8, 8, 1], got [2, 9, 8, 1]
    c.applyWithState(c.init(rng(0)), img98);
    // @ts-expect-error conv2dLayer.apply: A_prev must be [m, 8, 8, 1], got [2, 64]
    c.apply(c.init(rng(0)), null as unknown as Tensor<[2, 64]>);
  });
  test("pooling, batch norm, flatten, reshape", () => {
    // @ts-expect-error maxPool2dLayer.apply: A_prev must be [m, 8, 8, 2], got [2, 8, 8, 1]
    maxPool2dLayer([8, 8, 2], 2).apply({}, img);
    // @ts-expect-error avgPool2dLayer.apply: A_prev must be [m, 4, 4, 1], got [2, 8, 8, 1]
    avgPool2dLayer([4, 4, 1], 2).apply({}, img);
    // @ts-expect-error globalAvgPool2dLayer.apply: A_prev must be [m, 8, 8, 3], got [2, 8, 8, 1]
    globalAvgPool2dLayer([8, 8, 3]).apply({}, img);
    const bn = batchNormLayer([32]);
    // @ts-expect-error batchNormLayer.apply: A_prev must be [m, 32], got ['m', 784]
    bn.apply(bn.init(rng(0)), rows);
    // @ts-expect-error flattenLayer.apply: A_prev must be [m, 9, 8, 1], got [2, 8, 8, 1]
    flattenLayer([9, 8, 1]).apply({}, img);
    // @ts-expect-error reshapeLayer.apply: A_prev must be [m, 64], got ['m', 784]
    reshapeLayer([8, 8, 1]).apply({}, rows);
  });
  test("mlp and sequential", () => {
    const net = mlp([784, 32, 10]);
    // @ts-expect-error mlp.apply: X must be [784, m], got [748, 'm']
    net.apply(net.init(rng(0)), cols748);
    // @ts-expect-error mlp.forward: X must be [784, m], got [748, 'm']
    net.forward(net.init(rng(0)), cols748);
    const s = sequential([conv2dLayer([8, 8, 1], 4, 3), flattenLayer([6, 6, 4]), dense(144, 10, { layout: "rows" })]);
    // @ts-expect-error sequential.apply: X must be [m, 8, 8, 1], got [2, 9, 8, 1]
    s.apply(s.init(rng(0)), img98);
    // @ts-expect-error sequential.applyWithState: X must be [m, 8, 8, 1], got [2, 9, 8, 1]
    s.applyWithState(s.init(rng(0)), img98);
    // @ts-expect-error sequential.forward: X must be [m, 8, 8, 1], got [2, 9, 8, 1]
    s.forward(s.init(rng(0)), img98);
  });
});
