/**
 * Data-last forms for fp-ts `pipe` and `flow`: one definition per op, callable both ways. In a
 * pipe the mismatch is reported at the offending step, with the same message as the direct call.
 */
import { flow, pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import type { BinaryBy, ConcatAlong, PadBy, ReduceBy, SliceBy, WhereBy } from "../../src/index.js";
import { add, addAct, argmax, broadcastTo, concat, flatten, matmul, mul, pad, permute, relu, reshape, slice, sum, type Tensor, transpose, where, zeros } from "../../src/index.js";

declare const W: Tensor<[128, 784]>;
declare const dW: Tensor<[784, 128]>;
declare const Z: Tensor<[128, "m"]>;
declare const b: Tensor<[128, 1]>;

describe("pipe: programs that compile", () => {
  test("binary ops with a number or a tensor", () => {
    expect(pipe(W, mul(2))).type.toBe<Tensor<[128, 784]>>();
    expect(pipe(Z, add(b))).type.toBe<Tensor<[128, "m"]>>();
  });
  test("reductions", () => {
    expect(pipe(W, sum())).type.toBe<Tensor<[]>>();
    expect(pipe(W, sum(1, true))).type.toBe<Tensor<[128, 1]>>();
    expect(pipe(Z, sum(-1))).type.toBe<Tensor<[128]>>();
  });
  test("reshape and broadcastTo", () => {
    expect(pipe(zeros([28, 28]), reshape([784]))).type.toBe<Tensor<[784]>>();
    expect(pipe(W, reshape([-1]))).type.toBe<Tensor<[100352]>>();
    expect(pipe(zeros([1, 3]), broadcastTo([4, 3]))).type.toBe<Tensor<[4, 3]>>();
  });
  test("a chain of steps", () => {
    expect(pipe(W, mul(0.5), add(W), sum(0))).type.toBe<Tensor<[784]>>();
  });
  test("flow composes data-last steps", () => {
    expect(flow(mul(2), sum())(W)).type.toBe<Tensor<[]>>();
  });
});

describe("pipe: programs that must not compile", () => {
  test("adding a transposed dW in a pipe", () => {
    pipe(
      W,
      // @ts-expect-error Type 'Tensor<[128, 784]>' is not assignable to type '"add: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)"'
      add(dW),
    );
  });
  test("a bias [n, 2] in a pipe", () => {
    // @ts-expect-error add: shapes [128, 'm'] and [128, 2] do not broadcast ('m' vs 2)
    pipe(Z, add(zeros([128, 2])));
  });
  test("sum over axis 2 in a pipe", () => {
    // @ts-expect-error sum: axis 2 is out of range for [128, 784] (rank 2)
    pipe(W, sum(2));
  });
  test("reshape 784 into 780 in a pipe", () => {
    // @ts-expect-error reshape: cannot reshape [28, 28] (784 elements) into [780] (780 elements)
    pipe(zeros([28, 28]), reshape([780]));
  });
  test("broadcastTo in a pipe", () => {
    // @ts-expect-error broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4)
    pipe(zeros([2, 3]), broadcastTo([4, 3]));
  });
  test("an error through flow names the data-last step's type, not the rule's conditional type", () => {
    // @ts-expect-error Argument of type 'MatMulBy<[784, 10]>' is not assignable to parameter of type '(b: Tensor<[3, 785]>) => Tensor<Shape>'
    flow(relu<[3, 785]>, matmul(zeros([784, 10])));
    // @ts-expect-error Argument of type 'BinaryBy<[3, 4], "add">' is not assignable to parameter of type '(b: Tensor<[3, 785]>) => Tensor<Shape>'
    flow(relu<[3, 785]>, add(zeros([3, 4])));
    // @ts-expect-error Argument of type 'ReshapeTo<[780]>' is not assignable to parameter of type '(b: Tensor<[28, 28]>) => Tensor<Shape>'
    flow(relu<[28, 28]>, reshape([780]));
    // @ts-expect-error Argument of type 'PermuteBy<[0, 0, 1]>' is not assignable to parameter of type '(b: Tensor<[2, 3, 4]>) => Tensor<Shape>'
    flow(relu<[2, 3, 4]>, permute([0, 0, 1]));
    // @ts-expect-error Argument of type 'ReduceBy<2, false, "sum">' is not assignable to parameter of type '(b: Tensor<[128, 784]>) => Tensor<Shape>'
    flow(relu<[128, 784]>, sum(2));
    // @ts-expect-error Argument of type 'FlattenFrom<3>' is not assignable to parameter of type '(b: Tensor<[2, 3, 4]>) => Tensor<Shape>'
    flow(relu<[2, 3, 4]>, flatten(3));
    // @ts-expect-error Argument of type 'BroadcastToShape<[4, 3]>' is not assignable to parameter of type '(b: Tensor<[2, 3]>) => Tensor<Shape>'
    flow(relu<[2, 3]>, broadcastTo([4, 3]));
  });
  test("concat, slice, pad, where, argmax and addAct through flow name their data-last types too", () => {
    // @ts-expect-error Argument of type 'ConcatAlong<0>' is not assignable to parameter of type '(b: readonly [Tensor<[3, 4]>, Tensor<[2, 5]>]) => Tensor<Shape>'
    flow((x: Tensor<[3, 4]>) => [x, zeros([2, 5])] as const, concat(0));
    // @ts-expect-error Argument of type 'SliceBy<0, 2, 50>' is not assignable to parameter of type '(b: Tensor<[3, 4]>) => Tensor<Shape>'
    flow(relu<[3, 4]>, slice(0, 2, 50));
    // @ts-expect-error Argument of type 'PadBy<3, 1, 1>' is not assignable to parameter of type '(b: Tensor<[3, 4]>) => Tensor<Shape>'
    flow(relu<[3, 4]>, pad(3, 1, 1));
    // @ts-expect-error Argument of type 'WhereBy<[3, 4], []>' is not assignable to parameter of type '(b: Tensor<[3, 5]>) => Tensor<Shape>'
    flow(relu<[3, 5]>, where(zeros([3, 4]), 0));
    // @ts-expect-error Argument of type 'ReduceBy<2, false, "argmax">' is not assignable to parameter of type '(b: Tensor<[3, 4]>) => Tensor<Shape>'
    flow(relu<[3, 4]>, argmax(2));
    // @ts-expect-error Argument of type 'BinaryBy<[10], "addAct">' is not assignable to parameter of type '(b: Tensor<[3, 785]>) => Tensor<Shape>'
    flow(relu<[3, 785]>, addAct(zeros([10]), "relu"));
  });
  test("their messages follow, naming the op and both shapes", () => {
    // @ts-expect-error concat: shapes [3, 4] and [2, 5] differ off the concat axis 0
    flow((x: Tensor<[3, 4]>) => [x, zeros([2, 5])] as const, concat(0));
    // @ts-expect-error slice: range 2:50 is out of bounds for axis 0 of [3, 4] (size 3)
    flow(relu<[3, 4]>, slice(0, 2, 50));
    // @ts-expect-error pad: axis 3 is out of range for [3, 4] (rank 2)
    flow(relu<[3, 4]>, pad(3, 1, 1));
    // @ts-expect-error where: shapes [3, 5] and [3, 4] do not broadcast (5 vs 4)
    flow(relu<[3, 5]>, where(zeros([3, 4]), 0));
    // @ts-expect-error argmax: axis 2 is out of range for [3, 4] (rank 2)
    flow(relu<[3, 4]>, argmax(2));
    // @ts-expect-error addAct: shapes [3, 785] and [10] do not broadcast (785 vs 10)
    flow(relu<[3, 785]>, addAct(zeros([10]), "relu"));
  });
  test("and fit when the shapes do", () => {
    const c34 = zeros([3, 4]);
    expect(pipe(zeros([3, 10]), addAct(zeros([10]), "relu"))).type.toBe<Tensor<[3, 10]>>();
    expect(pipe(zeros([3, 10]), argmax(1))).type.toBe<Tensor<[3]>>();
    expect(pipe(zeros([3, 10]), slice(0, 1, 3))).type.toBe<Tensor<[2, 10]>>();
    expect(pipe(zeros([3, 10]), pad(1, 1, 1))).type.toBe<Tensor<[3, 12]>>();
    expect(pipe(zeros([3, 4]), where(c34, 0))).type.toBe<Tensor<[3, 4]>>();
    expect(pipe([c34, zeros([2, 4])] as const, concat(0))).type.toBe<Tensor<[5, 4]>>();
    expect(concat(1)).type.toBe<ConcatAlong<1>>();
    expect(slice(0, 1, 3)).type.toBe<SliceBy<0, 1, 3>>();
    expect(pad(1, 1, 1)).type.toBe<PadBy<1, 1, 1>>();
    expect(where(c34, 0)).type.toBe<WhereBy<[3, 4], []>>();
    expect(argmax(1)).type.toBe<ReduceBy<1, false, "argmax">>();
    expect(addAct(zeros([10]), "tanh")).type.toBe<BinaryBy<[10], "addAct">>();
  });
  test("data-last steps that fit still compose", () => {
    expect(flow(relu<[28, 28]>, reshape([784]), broadcastTo([3, 784]), sum(0, true), flatten(0))(zeros([28, 28]))).type.toBe<Tensor<[784]>>();
    expect(flow(relu<[3, 784]>, matmul(zeros([784, 10])), add(zeros([10])), permute([1, 0]))(zeros([3, 784]))).type.toBe<Tensor<[10, 3]>>();
  });
  test("the evaluated rule's message follows it", () => {
    // @ts-expect-error matmul: inner dimensions 785 and 784 differ ([3, 785] @ [784, 10])
    flow(relu<[3, 785]>, matmul(zeros([784, 10])));
  });
  test("a later step sees the earlier step's shape", () => {
    // @ts-expect-error sum: axis 1 is out of range for [784] (rank 1)
    pipe(W, sum(0), sum(1));
  });
});

describe("pipe: point-free single-signature ops", () => {
  test("transpose passed point-free keeps the shape", () => {
    const X = zeros([784, 5]);
    expect(pipe(X, transpose)).type.toBe<Tensor<[5, 784]>>();
    expect(pipe(X, transpose, relu)).type.toBe<Tensor<[5, 784]>>();
  });
});
