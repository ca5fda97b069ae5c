/**
 * `scan(f, init, xs)`: the carry keeps its type (a tensor or a record of tensors), the outputs
 * gain the leading time axis of `xs`, literal (`28`) or named (`"t"`); a step whose carry changes
 * shape, or that reads a step of the wrong shape, does not compile.
 */
import { describe, expect, test } from "tstyche";
import { add, matmul, mul, scan, type Tensor, tanh } from "../../src/index.js";

declare const xs: Tensor<[28, "m", 3]>;
declare const named: Tensor<["t", "m", 3]>;
declare const h0: Tensor<["m", 4]>;
declare const W: Tensor<[3, 4]>;
declare const U: Tensor<[4, 4]>;

const cell = (h: Tensor<["m", 4]>, x: Tensor<["m", 3]>, p: { W: Tensor<[3, 4]>; U: Tensor<[4, 4]> }) => {
  const h2 = tanh(add(matmul(x, p.W), matmul(h, p.U)));
  return [h2, h2] as const;
};

describe("scan: programs that compile", () => {
  test("a literal time axis: the carry keeps its type, ys are [T, ...y]", () => {
    const [h, ys] = scan(cell, h0, xs, { params: { W, U } });
    expect(h).type.toBe<Tensor<["m", 4]>>();
    expect(ys).type.toBe<Tensor<[28, "m", 4]>>();
  });
  test("a named time axis", () => {
    const [, ys] = scan(cell, h0, named, { params: { W, U } });
    expect(ys).type.toBe<Tensor<["t", "m", 4]>>();
  });
  test("a record carry (an LSTM's { h, c }) keeps its type", () => {
    const [last] = scan((s: { h: Tensor<["m", 4]>; c: Tensor<["m", 4]> }, x: Tensor<["m", 3]>) => [{ h: s.h, c: add(s.c, matmul(x, W)) }, mul(s.h, 2)] as const, { h: h0, c: h0 }, xs);
    expect(last).type.toBe<{ h: Tensor<["m", 4]>; c: Tensor<["m", 4]> }>();
  });
  test("the output of a step may differ from the carry", () => {
    const [, ys] = scan((h: Tensor<["m", 4]>, _x: Tensor<["m", 3]>) => [h, matmul(h, matmul(W, U) as unknown as Tensor<[4, 10]>)] as const, h0, xs);
    expect(ys).type.toBe<Tensor<[28, "m", 10]>>();
  });
});

describe("scan: programs that must not compile", () => {
  test("a step whose carry changes shape", () => {
    expect(scan).type.not.toBeCallableWith((h: Tensor<["m", 4]>, x: Tensor<["m", 3]>) => [matmul(x, W) as unknown as Tensor<["m", 5]>, h] as const, h0, xs);
  });
  test("xs whose steps are not what f reads (3 features expected, 5 given)", () => {
    expect(scan).type.not.toBeCallableWith(cell, h0, null as unknown as Tensor<[28, "m", 5]>, { params: { W, U } });
  });
  test("an init that is not the carry f takes", () => {
    expect(scan).type.not.toBeCallableWith(cell, null as unknown as Tensor<["m", 8]>, xs, { params: { W, U } });
  });
  test("a step that reads params, called without them", () => {
    expect(scan).type.not.toBeCallableWith(cell, h0, xs);
  });
  test("params that are not what f takes", () => {
    expect(scan).type.not.toBeCallableWith(cell, h0, xs, { params: { W: U, U } });
  });
  test("xs with no time axis", () => {
    expect(scan).type.not.toBeCallableWith((h: Tensor<[]>, x: Tensor<[]>) => [add(h, x), h] as const, null as unknown as Tensor<[]>, null as unknown as Tensor<[]>);
  });
});
