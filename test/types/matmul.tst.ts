/**
 * Matrix products: `[..., M, K] @ [..., K, N] → [..., M, N]`, batch dims broadcast. An inner
 * mismatch is reported at the right operand, naming both shapes.
 */
import { describe, expect, test } from "tstyche";
import { add, type Mismatch, matmul, type Tensor, transpose, zeros } from "../../src/index.js";
import type { MatMul } from "../../src/shape/matmul.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;
declare const x: Tensor<[748, "m"]>;
declare const b: Tensor<[128, 1]>;
declare const Z: Tensor<[10, "m"]>;
declare const Xu: Tensor<[784, number]>;
declare const dZ: Tensor<[128, "m"]>;
declare const B3: Tensor<[10, 2, 3]>;
declare const W4: Tensor<[4, 4]>;

describe("MatMul (the rule)", () => {
  test("2-D", () => {
    expect<MatMul<[128, 784], [784, "m"]>>().type.toBe<[128, "m"]>();
    expect<MatMul<[2, "k"], ["k", 4]>>().type.toBe<[2, 4]>();
    expect<MatMul<[2, number], [3, 4]>>().type.toBe<[2, 4]>();
  });
  test("batched, with broadcast batch dims", () => {
    expect<MatMul<[10, 2, 3], [3, 4]>>().type.toBe<[10, 2, 4]>();
    expect<MatMul<[10, 1, 2, 3], [5, 3, 4]>>().type.toBe<[10, 5, 2, 4]>();
  });
  test("mismatches", () => {
    expect<MatMul<[128, 784], [748, "m"]>>().type.toBe<Mismatch<"matmul: inner dimensions 784 and 748 differ ([128, 784] @ [748, 'm'])">>();
    expect<MatMul<[2, "k"], [3, 4]>>().type.toBe<Mismatch<"matmul: inner dimensions 'k' and 3 differ ([2, 'k'] @ [3, 4])">>();
    expect<MatMul<[2, 2, 3], [3, 3, 4]>>().type.toBe<Mismatch<"matmul: batch dimensions do not broadcast ([2, 2, 3] @ [3, 3, 4])">>();
    expect<MatMul<[3], [3, 4]>>().type.toBe<Mismatch<"matmul: left operand needs at least 2 dimensions ([3] @ [3, 4])">>();
    expect<MatMul<[2, 3], [3]>>().type.toBe<Mismatch<"matmul: right operand needs at least 2 dimensions ([2, 3] @ [3])">>();
  });
});

describe("matmul: programs that compile", () => {
  test("a layer's W @ X", () => {
    expect(matmul(W, X)).type.toBe<Tensor<[128, "m"]>>();
    expect(matmul(zeros([2, 3]), zeros([3, 4]))).type.toBe<Tensor<[2, 4]>>();
  });
  test("Z = W @ X + b", () => {
    expect(add(matmul(W, X), b)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("dW = dZ @ Xᵀ has W's shape", () => {
    expect(matmul(dZ, transpose(X))).type.toBe<Tensor<[128, 784]>>();
  });
  test("Wᵀ @ dZ has X's shape", () => {
    expect(matmul(transpose(W), zeros([128, 5]))).type.toBe<Tensor<[784, 5]>>();
  });
  test("an unknown inner dim is accepted", () => {
    expect(matmul(Z, transpose(Xu))).type.toBe<Tensor<[10, 784]>>();
  });
  test("batched", () => {
    expect(matmul(zeros([10, 2, 3]), zeros([3, 4]))).type.toBe<Tensor<[10, 2, 4]>>();
    expect(matmul(zeros([10, 1, 2, 3]), zeros([5, 3, 4]))).type.toBe<Tensor<[10, 5, 2, 4]>>();
    expect(matmul(B3, zeros([10, 3, 5]))).type.toBe<Tensor<[10, 2, 5]>>();
    expect(matmul(B3, zeros([1, 3, 5]))).type.toBe<Tensor<[10, 2, 5]>>();
    expect(matmul(zeros([1, 2, 3]), zeros([7, 3, 5]))).type.toBe<Tensor<[7, 2, 5]>>();
  });
});

describe("matmul: programs that must not compile", () => {
  test("inner dimensions differ (a named dim in the message), reported at the right operand", () => {
    matmul(
      W,
      // @ts-expect-error matmul: inner dimensions 784 and 748 differ ([128, 784] @ [748, 'm'])
      x,
    );
  });
  test("a forgotten transpose", () => {
    // @ts-expect-error matmul: inner dimensions 784 and 'm' differ ([128, 784] @ ['m', 784])
    matmul(W, transpose(X));
  });
  test("a named inner dim against a size", () => {
    // @ts-expect-error matmul: inner dimensions 'm' and 10 differ ([10, 'm'] @ [10, 5])
    matmul(Z, zeros([10, 5]));
  });
  test("batch dims that do not broadcast, reported at the right operand", () => {
    matmul(
      zeros([2, 2, 3]),
      // @ts-expect-error matmul: batch dimensions do not broadcast ([2, 2, 3] @ [3, 3, 4])
      zeros([3, 3, 4]),
    );
  });
  test("a batched inner mismatch is reported at the right operand, not the whole call", () => {
    matmul(
      B3,
      // @ts-expect-error matmul: inner dimensions 3 and 4 differ ([10, 2, 3] @ [4, 4])
      W4,
    );
    matmul(
      B3,
      // @ts-expect-error matmul: inner dimensions 3 and 4 differ ([10, 2, 3] @ [10, 4, 5])
      zeros([10, 4, 5]),
    );
  });
  test("the message is the last overload's only: no list of every overload's complaint", () => {
    // @ts-expect-error No overload matches this call.
    matmul(W, x);
  });
  test("a 1-D left operand", () => {
    // @ts-expect-error matmul: left operand needs at least 2 dimensions ([3] @ [3, 4])
    matmul(zeros([3]), zeros([3, 4]));
  });
  test("a 1-D right operand", () => {
    // @ts-expect-error matmul: right operand needs at least 2 dimensions ([128, 784] @ [784])
    matmul(W, zeros([784]));
  });
  test("the result has the product's shape", () => {
    // @ts-expect-error Type 'Tensor<[128, "m"]>' is not assignable to type 'Tensor<[784, "m"]>'
    const Z1: Tensor<[784, "m"]> = matmul(W, X);
    void Z1;
  });
});
