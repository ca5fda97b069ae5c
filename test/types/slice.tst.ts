/**
 * Slicing and padding one axis: `slice(x, axis, start, end?)` makes dim `axis` `end - start`
 * (bounds checked when known), `pad(x, axis, before, after)` grows it by `before + after`.
 */
import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import { type Mismatch, pad, slice, type Tensor, zeros } from "../../src/index.js";
import type { Pad, Slice } from "../../src/shape/slice.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;

describe("Slice and Pad (the rules)", () => {
  test("Slice", () => {
    expect<Slice<[10, "m"], 0, 2, 5>>().type.toBe<[3, "m"]>();
    expect<Slice<[10, 4], 0, 2>>().type.toBe<[8, 4]>();
    expect<Slice<[10, 4], -1, 1, 3>>().type.toBe<[10, 2]>();
    expect<Slice<["m", 4], 0, 0, 32>>().type.toBe<[32, 4]>();
  });
  test("Slice mismatches", () => {
    expect<Slice<[10, 4], 0, 2, 11>>().type.toBe<Mismatch<"slice: range 2:11 is out of bounds for axis 0 of [10, 4] (size 10)">>();
    expect<Slice<[10, 4], 0, 5, 2>>().type.toBe<Mismatch<"slice: range 5:2 is out of bounds for axis 0 of [10, 4] (size 10)">>();
    expect<Slice<[10, 4], 2, 0, 1>>().type.toBe<Mismatch<"slice: axis 2 is out of range for [10, 4] (rank 2)">>();
  });
  test("Pad", () => {
    expect<Pad<[3, 4], 0, 1, 2>>().type.toBe<[6, 4]>();
    expect<Pad<[28, 28, 3], -2, 2, 2>>().type.toBe<[28, 32, 3]>();
    expect<Pad<["m", 4], 0, 1, 1>>().type.toBe<[number, 4]>();
    expect<Pad<[3, 4], 2, 1, 1>>().type.toBe<Mismatch<"pad: axis 2 is out of range for [3, 4] (rank 2)">>();
  });
});

describe("slice and pad: programs that compile", () => {
  test("slice a range of rows or columns", () => {
    expect(slice(W, 0, 2, 5)).type.toBe<Tensor<[3, 784]>>();
    expect(slice(X, 1, 0, 10)).type.toBe<Tensor<[784, 10]>>();
  });
  test("slice to the end", () => {
    expect(slice(W, 1, 4)).type.toBe<Tensor<[128, 780]>>();
  });
  test("slice a named axis", () => {
    expect(slice(X, -1, 0, 32)).type.toBe<Tensor<[784, 32]>>();
  });
  test("pad", () => {
    expect(pad(zeros([3, 4]), 0, 1, 2)).type.toBe<Tensor<[6, 4]>>();
    expect(pad(zeros([28, 28]), -1, 2, 2)).type.toBe<Tensor<[28, 32]>>();
    expect(pad(X, 1, 1, 1)).type.toBe<Tensor<[784, number]>>();
  });
  test("in a pipe", () => {
    expect(pipe(X, slice(0, 0, 10))).type.toBe<Tensor<[10, "m"]>>();
    expect(pipe(X, pad(0, 1, 1))).type.toBe<Tensor<[786, "m"]>>();
  });
});

describe("slice and pad: programs that must not compile", () => {
  test("an end beyond the size, reported at end", () => {
    slice(
      W,
      0,
      2,
      // @ts-expect-error slice: range 2:200 is out of bounds for axis 0 of [128, 784] (size 128)
      200,
    );
  });
  test("a start after the end", () => {
    // @ts-expect-error slice: range 5:2 is out of bounds for axis 0 of [128, 784] (size 128)
    slice(W, 0, 5, 2);
  });
  test("a start beyond the size (no end; the data-last form competes, so at the call)", () => {
    // @ts-expect-error slice: range 129: is out of bounds for axis 0 of [128, 784] (size 128)
    slice(W, 0, 129);
  });
  test("slice along a missing axis, reported at axis", () => {
    slice(
      W,
      // @ts-expect-error slice: axis 2 is out of range for [128, 784] (rank 2)
      2,
      0,
      1,
    );
  });
  test("pad along a missing axis, reported at the axis", () => {
    pad(
      W,
      // @ts-expect-error pad: axis 2 is out of range for [128, 784] (rank 2)
      2,
      1,
      1,
    );
  });
  test("slice out of bounds in a pipe", () => {
    // @ts-expect-error slice: range 0:1000 is out of bounds for axis 0 of [784, 'm'] (size 784)
    pipe(X, slice(0, 0, 1000));
  });
});
