/**
 * Exact type-level size arithmetic (`src/shape/arith.ts`): digit-wise on decimal strings, so sizes
 * far beyond the 9,999 of tuple-length tricks are exact (`224 × 224 × 3 = 150528`).
 */
import { describe, expect, test } from "tstyche";
import type { Add, DivMod, IsNat, Lt, Mul, Product, Sub } from "../../src/shape/arith.js";

describe("Add", () => {
  test("carries across digits", () => {
    expect<Add<999, 1>>().type.toBe<1000>();
    expect<Add<0, 0>>().type.toBe<0>();
    expect<Add<60000, 10000>>().type.toBe<70000>();
    expect<Add<4503599627370495, 4503599627370496>>().type.toBe<9007199254740991>();
  });
  test("an unknown or non-natural operand gives number", () => {
    expect<Add<number, 3>>().type.toBe<number>();
    expect<Add<-1, 3>>().type.toBe<number>();
    expect<Add<1.5, 3>>().type.toBe<number>();
  });
});

describe("Sub", () => {
  test("borrows across digits", () => {
    expect<Sub<1000, 1>>().type.toBe<999>();
    expect<Sub<784, 784>>().type.toBe<0>();
  });
  test("a negative result is never", () => {
    expect<Sub<3, 5>>().type.toBe<never>();
  });
});

describe("Mul and Product", () => {
  test("224 × 224 × 3 = 150528, exactly", () => {
    expect<Mul<224, Mul<224, 3>>>().type.toBe<150528>();
    expect<Product<[224, 224, 3]>>().type.toBe<150528>();
  });
  test("large products stay exact up to 2^53", () => {
    expect<Mul<60000, 784>>().type.toBe<47040000>();
    expect<Product<[1024, 1024, 1024, 1024]>>().type.toBe<1099511627776>();
    expect<Mul<94906265, 94906265>>().type.toBe<9007199136250225>(); // just below 2^53
  });
  test("an unsafe product becomes number", () => {
    expect<Mul<94906267, 94906267>>().type.toBe<number>(); // 9007199515875289 > 2^53
    expect<Mul<9007199254740991, 2>>().type.toBe<number>();
  });
  test("the empty product is 1, an unknown factor makes it unknown", () => {
    expect<Product<[]>>().type.toBe<1>();
    expect<Product<[28, number]>>().type.toBe<number>();
    expect<Product<number[]>>().type.toBe<number>();
  });
});

describe("DivMod and Lt", () => {
  test("long division", () => {
    expect<DivMod<150528, 224>>().type.toBe<[672, 0]>();
    expect<DivMod<784, 5>>().type.toBe<[156, 4]>();
    expect<DivMod<3, 7>>().type.toBe<[0, 3]>();
  });
  test("division by zero is never", () => {
    expect<DivMod<3, 0>>().type.toBe<never>();
  });
  test("comparison", () => {
    expect<Lt<99, 100>>().type.toBe<true>();
    expect<Lt<100, 99>>().type.toBe<false>();
    expect<Lt<784, 784>>().type.toBe<false>();
    expect<Lt<number, 3>>().type.toBe<boolean>();
  });
  test("IsNat", () => {
    expect<IsNat<0>>().type.toBe<true>();
    expect<IsNat<150528>>().type.toBe<true>();
    expect<IsNat<-1>>().type.toBe<false>();
    expect<IsNat<0.5>>().type.toBe<false>();
    expect<IsNat<number>>().type.toBe<false>();
    expect<IsNat<"m">>().type.toBe<false>();
  });
});
