/**
 * Reductions: the `Reduce` rule (axis, negative axis, keepDims, no axis = everything) and the ops of
 * the `Reduction` family. A bad axis is reported at the axis argument.
 */

import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import { argmax, logSoftmax, logSumExp, type Mismatch, max, mean, softmax, softmaxCrossEntropyGrad, sum, type Tensor, zeros } from "../../src/index.js";
import type { Reduce } from "../../src/shape/reduce.js";

declare const W: Tensor<[128, 784]>;
declare const Z: Tensor<[128, "m"]>;
declare const X3: Tensor<[2, 3, 4]>;
declare const U: Tensor<number[]>;
declare const axis: number;

describe("Reduce (the rule)", () => {
  test("one axis, dropped or kept", () => {
    expect<Reduce<[10, "m"], 1, true>>().type.toBe<[10, 1]>();
    expect<Reduce<[10, "m"], 0>>().type.toBe<["m"]>();
    expect<Reduce<[10, "m"], -1>>().type.toBe<[10]>();
    expect<Reduce<[10, "m"], -2, true>>().type.toBe<[1, "m"]>();
  });
  test("every axis", () => {
    expect<Reduce<[10, "m"]>>().type.toBe<[]>();
    expect<Reduce<[10, "m"], undefined, true>>().type.toBe<[1, 1]>();
  });
  test("an unknown axis or rank", () => {
    expect<Reduce<[10, "m"], number>>().type.toBe<number[]>();
    expect<Reduce<number[], 0>>().type.toBe<number[]>();
  });
  test("out of range", () => {
    expect<Reduce<[10, "m"], 2>>().type.toBe<Mismatch<"reduce: axis 2 is out of range for [10, 'm'] (rank 2)">>();
    expect<Reduce<[10, "m"], -3, false, "mean">>().type.toBe<Mismatch<"mean: axis -3 is out of range for [10, 'm'] (rank 2)">>();
  });
});

describe("sum: programs that compile", () => {
  test("everything to a scalar", () => {
    expect(sum(W)).type.toBe<Tensor<[]>>();
    expect(sum(X3)).type.toBe<Tensor<[]>>();
  });
  test("along an axis", () => {
    expect(sum(W, 0)).type.toBe<Tensor<[784]>>();
    expect(sum(X3, 1)).type.toBe<Tensor<[2, 4]>>();
    expect(sum(X3, 0, false)).type.toBe<Tensor<[3, 4]>>();
  });
  test("keepDims", () => {
    expect(sum(W, 1, true)).type.toBe<Tensor<[128, 1]>>();
    expect(sum(Z, 1, true)).type.toBe<Tensor<[128, 1]>>();
    expect(sum(W, 0, true)).type.toBe<Tensor<[1, 784]>>();
    expect(sum(X3, undefined, true)).type.toBe<Tensor<[1, 1, 1]>>();
  });
  test("negative axes", () => {
    expect(sum(W, -1)).type.toBe<Tensor<[128]>>();
    expect(sum(X3, -1, true)).type.toBe<Tensor<[2, 3, 1]>>();
    expect(sum(X3, -3)).type.toBe<Tensor<[3, 4]>>();
  });
  test("an unknown axis or rank gives an unknown rank", () => {
    expect(sum(W, axis)).type.toBe<Tensor<number[]>>();
    expect(sum(U, 0)).type.toBe<Tensor<number[]>>();
  });
});

describe("sum: programs that must not compile", () => {
  test("sum over axis 2 of a 2-D tensor, reported at the axis", () => {
    sum(
      W,
      // @ts-expect-error sum: axis 2 is out of range for [128, 784] (rank 2)
      2,
    );
  });
  test("a negative axis too far", () => {
    // @ts-expect-error sum: axis -3 is out of range for [128, 784] (rank 2)
    sum(W, -3, true);
  });
  test("rank 3", () => {
    // @ts-expect-error sum: axis 3 is out of range for [2, 3, 4] (rank 3)
    sum(X3, 3);
  });
  test("a named-dim tensor", () => {
    // @ts-expect-error sum: axis 5 is out of range for [128, 'm'] (rank 2)
    sum(Z, 5, true);
  });
  test("a scalar has no axis 0", () => {
    // @ts-expect-error sum: axis 0 is out of range for [] (rank 0)
    sum(zeros([]), 0);
  });
  test("keepDims must be a boolean", () => {
    // @ts-expect-error Argument of type '"yes"' is not assignable
    sum(W, 1, "yes");
  });
});

describe("mean, max, argmax, logSumExp, softmax: programs that compile", () => {
  test("mean and max share sum's signatures", () => {
    expect(mean(W)).type.toBe<Tensor<[]>>();
    expect(mean(Z, 1, true)).type.toBe<Tensor<[128, 1]>>();
    expect(max(X3, -1)).type.toBe<Tensor<[2, 3]>>();
    expect(max(W, 0, true)).type.toBe<Tensor<[1, 784]>>();
  });
  test("argmax drops the axis", () => {
    expect(argmax(W, 1)).type.toBe<Tensor<[128]>>();
    expect(argmax(Z, 0)).type.toBe<Tensor<["m"]>>();
    expect(argmax(X3, -2)).type.toBe<Tensor<[2, 4]>>();
  });
  test("logSumExp is a reduction", () => {
    expect(logSumExp(Z, 0, true)).type.toBe<Tensor<[1, "m"]>>();
    expect(logSumExp(W)).type.toBe<Tensor<[]>>();
  });
  test("softmax and logSoftmax keep the shape", () => {
    expect(softmax(Z)).type.toBe<Tensor<[128, "m"]>>();
    expect(softmax(Z, 0)).type.toBe<Tensor<[128, "m"]>>();
    expect(logSoftmax(X3, -2)).type.toBe<Tensor<[2, 3, 4]>>();
  });
  test("in a pipe", () => {
    expect(pipe(Z, mean(1, true))).type.toBe<Tensor<[128, 1]>>();
    expect(pipe(Z, max(0, true))).type.toBe<Tensor<[1, "m"]>>();
    expect(pipe(Z, argmax(0))).type.toBe<Tensor<["m"]>>();
    expect(pipe(Z, softmax(0))).type.toBe<Tensor<[128, "m"]>>();
  });
});

describe("mean, max, argmax, logSumExp, softmax: programs that must not compile", () => {
  test("mean over a missing axis", () => {
    // @ts-expect-error mean: axis 2 is out of range for [128, 784] (rank 2)
    mean(W, 2);
  });
  test("max over a negative axis too far", () => {
    // @ts-expect-error max: axis -4 is out of range for [2, 3, 4] (rank 3)
    max(X3, -4, true);
  });
  test("argmax over a missing axis", () => {
    // @ts-expect-error argmax: axis 2 is out of range for [128, 784] (rank 2)
    argmax(W, 2);
  });
  test("logSumExp over a missing axis", () => {
    // @ts-expect-error logSumExp: axis 5 is out of range for [128, 784] (rank 2)
    logSumExp(W, 5);
  });
  test("softmax over a missing axis, reported at the axis", () => {
    softmax(
      Z,
      // @ts-expect-error softmax: axis 2 is out of range for [128, 'm'] (rank 2)
      2,
    );
  });
  test("logSoftmax over a negative axis too far", () => {
    // @ts-expect-error logSoftmax: axis -3 is out of range for [128, 'm'] (rank 2)
    logSoftmax(Z, -3);
  });
  test("mean over a missing axis in a pipe", () => {
    // @ts-expect-error mean: axis 3 is out of range for [2, 3, 4] (rank 3)
    pipe(X3, mean(3));
  });
});

declare const Y: Tensor<[128, "m"]>;
declare const g: Tensor<[]>;

describe("softmaxCrossEntropyGrad", () => {
  test("keeps the shape of the log-probabilities", () => {
    expect(softmaxCrossEntropyGrad(logSoftmax(Z, 0), Y, g, 0, 128)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("targets of another shape", () => {
    // @ts-expect-error Argument of type 'Tensor<[2, 3, 4]>' is not assignable to parameter of type 'Tensor<NoInfer<[128, "m"]>>'
    softmaxCrossEntropyGrad(Z, X3, g, 0, 128);
  });
  test("a cotangent that is not a scalar", () => {
    // @ts-expect-error Argument of type 'Tensor<[128, 784]>' is not assignable to parameter of type 'Tensor<[]>'
    softmaxCrossEntropyGrad(Z, Y, W, 0, 128);
  });
});
