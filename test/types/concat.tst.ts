/**
 * Concatenation along an axis: other dims must agree, the axis dims add up exactly. A mismatch is
 * reported at the list of tensors.
 */
import { describe, expect, test } from "tstyche";
import { concat, type Mismatch, type Tensor, zeros } from "../../src/index.js";
import type { Concat } from "../../src/shape/concat.js";

declare const X: Tensor<[784, "m"]>;
declare const A: Tensor<["m", 3]>;
declare const B: Tensor<["m", 4]>;

describe("Concat (the rule)", () => {
  test("sizes add up along the axis", () => {
    expect<Concat<[[2, 3], [5, 3]], 0>>().type.toBe<[7, 3]>();
    expect<Concat<[[2, 3], [2, 5]], 1>>().type.toBe<[2, 8]>();
    expect<Concat<[[2, 3], [5, 3], [1, 3]], 0>>().type.toBe<[8, 3]>();
    expect<Concat<[[60000, 784], [10000, 784]], 0>>().type.toBe<[70000, 784]>();
  });
  test("named dims off the axis agree; on the axis the size becomes unknown", () => {
    expect<Concat<[["m", 3], ["m", 4]], -1>>().type.toBe<["m", 7]>();
    expect<Concat<[["m", 3], ["n", 3]], 0>>().type.toBe<[number, 3]>();
  });
  test("mismatches", () => {
    expect<Concat<[[2, 3], [2, 5]], 0>>().type.toBe<Mismatch<"concat: shapes [2, 3] and [2, 5] differ off the concat axis 0">>();
    expect<Concat<[[2, 3], [2, 5, 1]], 0>>().type.toBe<Mismatch<"concat: shapes [2, 3] and [2, 5, 1] differ in rank">>();
    expect<Concat<[[2, 3]], 2>>().type.toBe<Mismatch<"concat: axis 2 is out of range for [2, 3] (rank 2)">>();
    expect<Concat<[], 0>>().type.toBe<Mismatch<"concat: needs at least one tensor">>();
  });
});

describe("concat: programs that compile", () => {
  test("axis 0 by default", () => {
    expect(concat([zeros([2, 3]), zeros([5, 3])])).type.toBe<Tensor<[7, 3]>>();
  });
  test("along axis 1, or the last axis", () => {
    expect(concat([zeros([2, 3]), zeros([2, 5])], 1)).type.toBe<Tensor<[2, 8]>>();
    expect(concat([A, B], -1)).type.toBe<Tensor<["m", 7]>>();
  });
  test("three tensors, exact sums beyond 9,999", () => {
    expect(concat([zeros([60000, 784]), zeros([10000, 784]), zeros([5, 784])], 0)).type.toBe<Tensor<[70005, 784]>>();
  });
  test("along a named axis the size is unknown", () => {
    expect(concat([X, X], 1)).type.toBe<Tensor<[784, number]>>();
    expect(concat([X, X], 0)).type.toBe<Tensor<[1568, "m"]>>();
  });
});

describe("concat: programs that must not compile", () => {
  test("shapes that differ off the axis", () => {
    // @ts-expect-error concat: shapes [2, 3] and [2, 5] differ off the concat axis 0
    concat([zeros([2, 3]), zeros([2, 5])]);
  });
  test("ranks that differ", () => {
    // @ts-expect-error concat: shapes [2, 3] and [2, 5, 1] differ in rank
    concat([zeros([2, 3]), zeros([2, 5, 1])], 0);
  });
  test("an axis out of range", () => {
    // @ts-expect-error concat: axis 2 is out of range for [2, 3] (rank 2)
    concat([zeros([2, 3]), zeros([2, 3])], 2);
  });
  test("a named dim off the axis against a size", () => {
    // @ts-expect-error concat: shapes ['m', 3] and [5, 4] differ off the concat axis 1
    concat([A, zeros([5, 4])], 1);
  });
  test("no tensors", () => {
    // @ts-expect-error concat: needs at least one tensor
    concat([]);
  });
});
