/**
 * Axis permutations: `transpose` (2-D) and `permute(x, axes)` with negative axes. A bad axis list
 * is reported at the axes argument.
 */
import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import { type Mismatch, permute, type Tensor, transpose, zeros } from "../../src/index.js";
import type { Permute, Transpose } from "../../src/shape/transpose.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;
declare const X3: Tensor<[2, 3, 4]>;
declare const B: Tensor<["batch", 28, 28, 3]>;

describe("Transpose and Permute (the rules)", () => {
  test("Transpose", () => {
    expect<Transpose<[3, "m"]>>().type.toBe<["m", 3]>();
    expect<Transpose<[3, 4, 5]>>().type.toBe<Mismatch<"transpose: expects a 2-D tensor, got [3, 4, 5] (use permute for other ranks)">>();
  });
  test("Permute", () => {
    expect<Permute<[2, 3, 4], [2, 0, 1]>>().type.toBe<[4, 2, 3]>();
    expect<Permute<[2, 3, 4], [-1, 0, 1]>>().type.toBe<[4, 2, 3]>();
    expect<Permute<[2, 3, 4], [0, 0, 1]>>().type.toBe<Mismatch<"permute: axes [0, 0, 1] repeat axis 0">>();
    expect<Permute<[2, 3, 4], [-1, 0, 2]>>().type.toBe<Mismatch<"permute: axes [-1, 0, 2] repeat axis 2">>();
    expect<Permute<[2, 3, 4], [0, 3, 1]>>().type.toBe<Mismatch<"permute: axis 3 is out of range for [2, 3, 4]">>();
    expect<Permute<[2, 3, 4], [0, 1]>>().type.toBe<Mismatch<"permute: 2 axes [0, 1] given for [2, 3, 4] of rank 3">>();
  });
});

describe("transpose and permute: programs that compile", () => {
  test("transpose swaps the two dims", () => {
    expect(transpose(W)).type.toBe<Tensor<[784, 128]>>();
    expect(transpose(X)).type.toBe<Tensor<["m", 784]>>();
    expect(transpose(transpose(X))).type.toBe<Tensor<[784, "m"]>>();
  });
  test("transpose in a pipe (through a lambda: point-free is a known bug)", () => {
    expect(pipe(X, (x) => transpose(x))).type.toBe<Tensor<["m", 784]>>();
  });
  test("permute", () => {
    expect(permute(X3, [2, 0, 1])).type.toBe<Tensor<[4, 2, 3]>>();
    expect(permute(X3, [-1, 0, 1])).type.toBe<Tensor<[4, 2, 3]>>();
    expect(permute(B, [0, 3, 1, 2])).type.toBe<Tensor<["batch", 3, 28, 28]>>();
    expect(permute(W, [1, 0])).type.toBe<Tensor<[784, 128]>>();
  });
  test("permute in a pipe", () => {
    expect(pipe(B, permute([0, 3, 1, 2]))).type.toBe<Tensor<["batch", 3, 28, 28]>>();
  });
});

describe("transpose and permute: programs that must not compile", () => {
  test("transpose of a 3-D tensor", () => {
    // @ts-expect-error transpose: expects a 2-D tensor, got [2, 3, 4] (use permute for other ranks)
    transpose(X3);
    // @ts-expect-error transpose: expects a 2-D tensor, got [2, 3, 4, 5] (use permute for other ranks)
    pipe(zeros([2, 3, 4, 5]), transpose);
  });
  test("transpose of a 1-D tensor", () => {
    // @ts-expect-error transpose: expects a 2-D tensor, got [5] (use permute for other ranks)
    transpose(zeros([5]));
  });
  test("a repeated axis, reported at the axes", () => {
    permute(
      X3,
      // @ts-expect-error permute: axes [0, 0, 1] repeat axis 0
      [0, 0, 1],
    );
  });
  test("an axis out of range", () => {
    // @ts-expect-error permute: axis 3 is out of range for [2, 3, 4]
    permute(X3, [0, 3, 1]);
  });
  test("too few axes", () => {
    // @ts-expect-error permute: 2 axes [0, 1] given for [2, 3, 4] of rank 3
    permute(X3, [0, 1]);
  });
  test("a bad permutation in a pipe", () => {
    // @ts-expect-error permute: axes [0, 1, 1, 2] repeat axis 1
    pipe(B, permute([0, 1, 1, 2]));
  });
});
