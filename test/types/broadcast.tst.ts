/**
 * Broadcasting: the `Broadcast`/`BroadcastTo` rules and the elementwise binary ops that share the
 * `BinaryOp` overload set. A mismatch is reported at the second operand (the wrong argument), with
 * the op's name and both shapes.
 */

import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import { add, addAct, broadcastTo, type Mismatch, matmul, mul, type Tensor, tensor, zeros } from "../../src/index.js";
import type { Broadcast, BroadcastTo } from "../../src/shape/broadcast.js";

declare const W: Tensor<[128, 784]>;
declare const dW: Tensor<[784, 128]>;
declare const Z: Tensor<[128, "m"]>;
declare const b: Tensor<[128, 1]>;
declare const s: Tensor<[]>;
declare const vm: Tensor<["m"]>;
declare const X: Tensor<["m", 784]>;
declare const W1: Tensor<[784, 128]>;

describe("Broadcast (the rule)", () => {
  test("right-aligned, 1 stretches, missing leading dims are 1", () => {
    expect<Broadcast<[2, 3], [1, 3]>>().type.toBe<[2, 3]>();
    expect<Broadcast<["n", "m"], ["n", 1]>>().type.toBe<["n", "m"]>();
    expect<Broadcast<[4, 1], []>>().type.toBe<[4, 1]>();
    expect<Broadcast<[8, 1, 6, 1], [7, 1, 5]>>().type.toBe<[8, 7, 6, 5]>();
  });
  test("an unknown dim yields the known one", () => {
    expect<Broadcast<["m", 3], [number, 3]>>().type.toBe<["m", 3]>();
    expect<Broadcast<[number], [1]>>().type.toBe<[number]>();
  });
  test("an unknown rank gives the unknown shape", () => {
    expect<Broadcast<number[], [3]>>().type.toBe<readonly (number | string)[]>();
  });
  test("a mismatch names the op, both shapes and the dims", () => {
    expect<Broadcast<[2, 3], [3, 2]>>().type.toBe<Mismatch<"broadcast: shapes [2, 3] and [3, 2] do not broadcast (3 vs 2)">>();
    expect<Broadcast<["m"], [5], "mul">>().type.toBe<Mismatch<"mul: shapes ['m'] and [5] do not broadcast ('m' vs 5)">>();
    expect<Broadcast<["m"], ["n"]>>().type.toBe<Mismatch<"broadcast: shapes ['m'] and ['n'] do not broadcast ('m' vs 'n')">>();
  });
});

describe("BroadcastTo (the rule)", () => {
  test("ok", () => {
    expect<BroadcastTo<[1, 3], [4, 3]>>().type.toBe<[4, 3]>();
    expect<BroadcastTo<[], ["m", 3]>>().type.toBe<["m", 3]>();
  });
  test("mismatches", () => {
    expect<BroadcastTo<[2, 3], [4, 3]>>().type.toBe<Mismatch<"broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4)">>();
    expect<BroadcastTo<[2, 3], [3]>>().type.toBe<Mismatch<"broadcastTo: cannot broadcast [2, 3] to [3] (rank 2 > 1)">>();
  });
});

describe("binary ops: programs that compile", () => {
  test("same shapes", () => {
    expect(add(W, W)).type.toBe<Tensor<[128, 784]>>();
    expect(mul(Z, Z)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a column bias [n, 1] against [n, m]", () => {
    expect(add(Z, b)).type.toBe<Tensor<[128, "m"]>>();
    expect(add(Z, zeros([128, 1]))).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a row bias [1, n] against [m, n]", () => {
    expect(add(zeros([64, 10]), zeros([1, 10]))).type.toBe<Tensor<[64, 10]>>();
  });
  test("a vector bias [n] against [m, n]", () => {
    expect(add(zeros([64, 10]), zeros([10]))).type.toBe<Tensor<[64, 10]>>();
    expect(add(Z, vm)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a plain number on either side", () => {
    expect(add(W, 2)).type.toBe<Tensor<[128, 784]>>();
    expect(mul(0.5, Z)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a scalar tensor on either side", () => {
    expect(add(s, W)).type.toBe<Tensor<[128, 784]>>();
    expect(mul(W, s)).type.toBe<Tensor<[128, 784]>>();
  });
  test("general numpy broadcasting", () => {
    expect(mul(zeros([2, 3]), zeros([3]))).type.toBe<Tensor<[2, 3]>>();
    expect(mul(zeros([4, 1]), zeros([1, 5]))).type.toBe<Tensor<[4, 5]>>();
    expect(add(zeros([8, 1, 6, 1]), zeros([7, 1, 5]))).type.toBe<Tensor<[8, 7, 6, 5]>>();
    expect(add(tensor([[1, 2, 3]]), tensor([[1], [2]]))).type.toBe<Tensor<[2, 3]>>();
  });
  test("broadcastTo", () => {
    expect(broadcastTo(zeros([1, 3]), [4, 3])).type.toBe<Tensor<[4, 3]>>();
    expect(broadcastTo(tensor([[1], [2]]), [2, 3])).type.toBe<Tensor<[2, 3]>>();
  });
});

describe("binary ops: programs that must not compile", () => {
  test("adding a transposed dW to W, reported at dW", () => {
    add(
      W,
      // @ts-expect-error add: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)
      dW,
    );
  });
  test("a bias [n, 2] against [n, m], reported at the bias", () => {
    add(
      Z,
      // @ts-expect-error add: shapes [128, 'm'] and [128, 2] do not broadcast ('m' vs 2)
      zeros([128, 2]),
    );
  });
  test("a bias of the wrong length", () => {
    // @ts-expect-error add: shapes [128, 'm'] and [64, 1] do not broadcast (128 vs 64)
    add(Z, zeros([64, 1]));
  });
  test("mul names itself", () => {
    // @ts-expect-error mul: shapes [2, 3] and [3, 2] do not broadcast (3 vs 2)
    mul(zeros([2, 3]), zeros([3, 2]));
  });
  test("incompatible leading dims", () => {
    // @ts-expect-error add: shapes [8, 1, 6, 1] and [7, 2, 5] do not broadcast (6 vs 2)
    add(zeros([8, 1, 6, 1]), zeros([7, 2, 5]));
  });
  test("broadcastTo a smaller dim, reported at the target shape", () => {
    // @ts-expect-error broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4)
    broadcastTo(zeros([2, 3]), [4, 3]);
  });
  test("broadcastTo a lower rank", () => {
    // @ts-expect-error broadcastTo: cannot broadcast [2, 3] to [3] (rank 2 > 1)
    broadcastTo(zeros([2, 3]), [3]);
  });
  test("a string is not an operand", () => {
    // @ts-expect-error Argument of type 'string' is not assignable
    add(W, "2");
  });
});

describe("addAct (bias add + activation): the same rule, named addAct", () => {
  test("programs that compile: the dense layer in both layouts, scalars, general broadcasting, pipe", () => {
    expect(addAct(matmul(X, W1), zeros([128]), "relu")).type.toBe<Tensor<["m", 128]>>();
    expect(addAct(matmul(X, W1), zeros([1, 128]), "tanh")).type.toBe<Tensor<["m", 128]>>();
    expect(addAct(Z, b, "sigmoid")).type.toBe<Tensor<[128, "m"]>>();
    expect(addAct(W, s, "relu")).type.toBe<Tensor<[128, 784]>>();
    expect(addAct(zeros([4, 1]), zeros([1, 5]), "relu")).type.toBe<Tensor<[4, 5]>>();
    expect(pipe(Z, addAct(b, "relu"))).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a bias of the wrong length, reported at the bias and naming addAct", () => {
    addAct(
      Z,
      // @ts-expect-error addAct: shapes [128, 'm'] and [64, 1] do not broadcast (128 vs 64)
      zeros([64, 1]),
      "relu",
    );
  });
  test("a row bias against a column layout", () => {
    // @ts-expect-error addAct: shapes [128, 784] and [1, 128] do not broadcast (784 vs 128)
    addAct(W, zeros([1, 128]), "relu");
  });
  test("an activation it does not fuse", () => {
    // @ts-expect-error Argument of type '"softmax"' is not assignable
    addAct(Z, b, "softmax");
  });
});
