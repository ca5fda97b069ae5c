/**
 * `tidy` returns exactly what its function returns: a tensor keeps its shape type, a tuple or a
 * record of tensors its structure, a plain value its type. It takes a synchronous function of no
 * arguments (an async one does not compile).
 */
import { describe, expect, test } from "tstyche";
import { add, item, matmul, sum, type Tensor, tidy } from "../../src/index.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;
declare const b: Tensor<[128, 1]>;

describe("tidy: programs that compile", () => {
  test("a tensor keeps its shape type", () => {
    expect(tidy(() => add(matmul(W, X), b))).type.toBe<Tensor<[128, "m"]>>();
  });
  test("tuples and records keep their structure", () => {
    expect(tidy(() => [W, { b }] as const)).type.toBe<readonly [Tensor<[128, 784]>, { readonly b: Tensor<[128, 1]> }]>();
    expect(tidy(() => ({ Z: matmul(W, X), n: 3 }))).type.toBe<{ Z: Tensor<[128, "m"]>; n: number }>();
  });
  test("plain values pass through", () => {
    expect(tidy(() => item(sum(W)))).type.toBe<number>();
    expect(tidy(() => undefined)).type.toBe<undefined>();
    expect(tidy(() => null)).type.toBe<null>();
    expect(
      tidy(() => {
        sum(W);
      }),
    ).type.toBe<void>();
    expect(tidy((): Tensor<[2]> | undefined => undefined)).type.toBe<Tensor<[2]> | undefined>();
  });
});

describe("tidy: programs that must not compile", () => {
  test("a function that takes arguments", () => {
    expect(tidy).type.not.toBeCallableWith((x: Tensor<[2]>) => x);
  });
  test("an async function (tensors made after an await would escape the scope)", () => {
    expect(tidy).type.not.toBeCallableWith(async () => W);
    expect(tidy).type.not.toBeCallableWith(() => Promise.resolve(3));
  });
  test("no function", () => {
    expect(tidy).type.not.toBeCallableWith(W);
  });
});
