/**
 * Reshape and flatten: exact element counts (`224 × 224 × 3 = 150528`), one `-1` solved from the
 * size, named dims cancelling on both sides. A size mismatch is reported at the target shape.
 */

import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import { flatten, type Mismatch, reshape, type Tensor, zeros } from "../../src/index.js";
import type { Flatten, Reshape } from "../../src/shape/reshape.js";

declare const Xm: Tensor<["m", 784]>;
declare const U: Tensor<number[]>;
declare const Xn: Tensor<[number, 4]>;
declare const images: Tensor<["m", 28, 28]>;

describe("Reshape (the rule)", () => {
  test("exact sizes", () => {
    expect<Reshape<[224, 224, 3], [150528]>>().type.toBe<[150528]>();
    expect<Reshape<[6], [2, 3]>>().type.toBe<[2, 3]>();
    expect<Reshape<[], [1, 1]>>().type.toBe<[1, 1]>();
  });
  test("-1 is solved", () => {
    expect<Reshape<[224, 224, 3], [-1]>>().type.toBe<[150528]>();
    expect<Reshape<["m", 784], ["m", 28, -1]>>().type.toBe<["m", 28, 28]>();
  });
  test("an unknown size makes the solved dim unknown", () => {
    expect<Reshape<["m", 784], [-1]>>().type.toBe<[number]>();
    expect<Reshape<[number, 4], [2, -1]>>().type.toBe<[2, number]>();
  });
  test("mismatches", () => {
    expect<Reshape<[28, 28], [780]>>().type.toBe<Mismatch<"reshape: cannot reshape [28, 28] (784 elements) into [780] (780 elements)">>();
    expect<Reshape<[224, 224, 3], [-1, 5]>>().type.toBe<Mismatch<"reshape: cannot reshape [224, 224, 3] into [-1, 5]: 150528 elements do not divide into parts of 5">>();
    expect<Reshape<[2, 3], [-1, -1]>>().type.toBe<Mismatch<"reshape: at most one -1 is allowed, got [-1, -1]">>();
  });
});

describe("Flatten (the rule)", () => {
  test("all axes, or from a start axis", () => {
    expect<Flatten<[2, 3, 4]>>().type.toBe<[24]>();
    expect<Flatten<["m", 28, 28], 1>>().type.toBe<["m", 784]>();
    expect<Flatten<[2, 3, 4], -1>>().type.toBe<[2, 3, 4]>();
    expect<Flatten<[224, 224, 3]>>().type.toBe<[150528]>();
  });
  test("a scalar becomes [1]; an unknown or named dim makes the size unknown", () => {
    expect<Flatten<[]>>().type.toBe<[1]>();
    expect<Flatten<[2, "m"]>>().type.toBe<[number]>();
  });
  test("a bad start axis", () => {
    expect<Flatten<[2, 3], 2>>().type.toBe<Mismatch<"flatten: start axis 2 is out of range for [2, 3] (rank 2)">>();
  });
});

describe("reshape: programs that compile", () => {
  test("224 × 224 × 3 = 150528, exactly", () => {
    expect(reshape(zeros([224, 224, 3]), [150528])).type.toBe<Tensor<[150528]>>();
    expect(reshape(zeros([224, 224, 3]), [-1])).type.toBe<Tensor<[150528]>>();
  });
  test("784 = 28 × 28", () => {
    expect(reshape(zeros([28, 28]), [784])).type.toBe<Tensor<[784]>>();
    expect(reshape(zeros([60000, 784]), [60000, 28, 28])).type.toBe<Tensor<[60000, 28, 28]>>();
  });
  test("-1 is solved from the size", () => {
    expect(reshape(zeros([2, 3, 4]), [6, -1])).type.toBe<Tensor<[6, 4]>>();
    expect(reshape(zeros([2, 3, 4]), [-1, 2, 2])).type.toBe<Tensor<[6, 2, 2]>>();
  });
  test("unknown sizes", () => {
    expect(reshape(Xn, [2, -1])).type.toBe<Tensor<[2, number]>>();
    expect(reshape(U, [2, -1])).type.toBe<Tensor<[2, number]>>();
  });
});

describe("reshape: programs that must not compile", () => {
  test("784 elements into 780, reported at the target shape", () => {
    reshape(
      zeros([28, 28]),
      // @ts-expect-error reshape: cannot reshape [28, 28] (784 elements) into [780] (780 elements)
      [780],
    );
  });
  test("150528 elements into 150529", () => {
    // @ts-expect-error reshape: cannot reshape [224, 224, 3] (150528 elements) into [150529] (150529 elements)
    reshape(zeros([224, 224, 3]), [150529]);
  });
  test("a -1 that does not divide", () => {
    // @ts-expect-error reshape: cannot reshape [224, 224, 3] into [-1, 5]: 150528 elements do not divide into parts of 5
    reshape(zeros([224, 224, 3]), [-1, 5]);
  });
  test("two -1", () => {
    // @ts-expect-error reshape: at most one -1 is allowed, got [-1, -1]
    reshape(zeros([2, 3]), [-1, -1]);
  });
  test("a scalar into two elements", () => {
    // @ts-expect-error reshape: cannot reshape [] (1 elements) into [2] (2 elements)
    reshape(zeros([]), [2]);
  });
});

describe("flatten: programs that compile", () => {
  test("everything, exactly", () => {
    expect(flatten(zeros([2, 3, 4]))).type.toBe<Tensor<[24]>>();
    expect(flatten(zeros([224, 224, 3]))).type.toBe<Tensor<[150528]>>();
  });
  test("from a start axis, keeping a named batch dim", () => {
    expect(flatten(images, 1)).type.toBe<Tensor<["m", 784]>>();
    expect(flatten(zeros([5, 28, 28]), -2)).type.toBe<Tensor<[5, 784]>>();
  });
  test("in a pipe", () => {
    expect(pipe(images, flatten(1))).type.toBe<Tensor<["m", 784]>>();
    expect(pipe(zeros([28, 28]), reshape([784]))).type.toBe<Tensor<[784]>>();
  });
  test("a -1 standing for the one named dim keeps its name", () => {
    expect(reshape(Xm, [-1, 28, 28])).type.toBe<Tensor<["m", 28, 28]>>();
    expect(reshape(images, [-1, 784])).type.toBe<Tensor<["m", 784]>>();
    expect(reshape(Xm, [-1, 28, 14])).type.toBe<Tensor<[number, 28, 14]>>();
  });
});

describe("reshape: a target naming a dim of x at the same axis (named dims cancel)", () => {
  test("programs that compile, keeping the name", () => {
    expect(reshape(Xm, ["m", 28, 28])).type.toBe<Tensor<["m", 28, 28]>>();
    expect(reshape(images, ["m", 784])).type.toBe<Tensor<["m", 784]>>();
    expect(reshape(images, ["m", -1])).type.toBe<Tensor<["m", 784]>>();
    expect(reshape(zeros([2]) as unknown as Tensor<["b", "t", 64]>, ["b", "t", 8, 8])).type.toBe<Tensor<["b", "t", 8, 8]>>();
    expect(pipe(Xm, reshape(["m", 28, 28]))).type.toBe<Tensor<["m", 28, 28]>>();
  });
  test("the remaining sizes must agree, reported at the target naming reshape", () => {
    reshape(
      Xm,
      // @ts-expect-error reshape: cannot reshape ['m', 784] (784 elements per 'm') into ['m', 28, 27] (756 elements per 'm')
      ["m", 28, 27],
    );
    // @ts-expect-error reshape: cannot reshape ['m', 784] into ['m', -1, 5]: 784 elements per 'm' do not divide into parts of 5
    reshape(Xm, ["m", -1, 5]);
  });
  test("a name x does not carry at that axis, reported at the target naming reshape", () => {
    reshape(
      Xm,
      // @ts-expect-error reshape: cannot reshape ['m', 784] into ['n', 28, 28]: a named target dim keeps its axis, and axis 0 of ['m', 784] is not 'n'
      ["n", 28, 28],
    );
    // @ts-expect-error reshape: cannot reshape ['m', 784] into [784, 'm']: a named target dim keeps its axis, and axis 1 of ['m', 784] is not 'm'
    reshape(Xm, [784, "m"]);
    // @ts-expect-error reshape: cannot reshape [28, 28] into ['m', 784]: a named target dim keeps its axis, and axis 0 of [28, 28] is not 'm'
    reshape(zeros([28, 28]), ["m", 784]);
  });
});

describe("reshape: sizes beyond 2^53 widen to number", () => {
  test("a -1 beside more than 2^53 elements is an unknown size, not an error", () => {
    const big = zeros([100000000, 100000000]) as unknown as Tensor<[100000000, 100000000]>;
    expect(reshape(big, [-1])).type.toBe<Tensor<[number]>>();
    const big3 = zeros([2]) as unknown as Tensor<[100000000, 100000000, 2]>;
    expect(reshape(big3, [-1, 2])).type.toBe<Tensor<[number, 2]>>();
    expect(reshape(big3, [100000000, -1])).type.toBe<Tensor<[100000000, number]>>();
  });
});

describe("reshape with a named batch dim: programs that must not compile", () => {
  test("a -1 whose parts neither divide nor are divided by the per-example count, at the target", () => {
    reshape(
      images,
      // @ts-expect-error reshape: cannot reshape ['m', 28, 28] into [-1, 780]: 784 elements per 'm' and parts of 780 do not divide one another
      [-1, 780],
    );
    reshape(
      Xm,
      // @ts-expect-error reshape: cannot reshape ['m', 784] into [-1, 780]: 784 elements per 'm' and parts of 780 do not divide one another
      [-1, 780],
    );
  });
  test("parts that group or split examples still compile (the size is unknown)", () => {
    expect(reshape(Xm, [-1, 1568])).type.toBe<Tensor<[number, 1568]>>();
    expect(reshape(Xm, [-1, 392])).type.toBe<Tensor<[number, 392]>>();
  });
});

describe("flatten: programs that must not compile", () => {
  test("a start axis out of range, reported at the axis", () => {
    flatten(
      zeros([2, 3, 4]),
      // @ts-expect-error flatten: start axis 3 is out of range for [2, 3, 4] (rank 3)
      3,
    );
  });
  test("a negative start axis too far", () => {
    // @ts-expect-error flatten: start axis -4 is out of range for ['m', 28, 28] (rank 3)
    flatten(images, -4);
  });
});
