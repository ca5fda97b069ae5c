/**
 * KNOWN BUGS, reported to the lead with minimal repros. Each test pins the CURRENT wrong
 * behaviour and says what is right, so it FAILS THE DAY THE BUG IS FIXED: then delete it here and
 * move the right expectation (given in each comment) into the family's file.
 */
import { flow, pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import { add, flatten, leakyRelu, matmul, type Shape, softmax, type Tensor, transpose, zeros } from "../../src/index.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;
declare const Xm: Tensor<["m", 784]>;
declare const X3: Tensor<[2, 3, 4]>;
declare const b: Tensor<[128, 1]>;
declare const x748: Tensor<[748, "m"]>;

describe("LIMIT pipe: overloaded ops (flatten, softmax) passed point-free lose the shape; TypeScript infers through a single generic signature only (use the data-last call: softmax(), flatten(0))", () => {
  test("pipe(X3, flatten) is Tensor<number[]> (right: Tensor<[24]>)", () => {
    expect(pipe(X3, flatten)).type.toBe<Tensor<number[]>>();
  });
  test("pipe(X, softmax) is Tensor<Shape> (right: Tensor<[784, 'm']>; write pipe(X, softmax()) )", () => {
    expect(pipe(X, softmax)).type.toBe<Tensor<Shape>>();
    expect(flow(transpose<[784, "m"]>, softmax)(X)).type.toBe<Tensor<Shape>>();
  });
  test("pipe(X, leakyRelu) compiles with the default slope but is Tensor<Shape> (right: Tensor<[784, 'm']>; write pipe(X, leakyRelu()))", () => {
    expect(pipe(X, leakyRelu)).type.toBe<Tensor<Shape>>();
    expect(pipe(X, leakyRelu())).type.toBe<Tensor<[784, "m"]>>();
  });
});

describe("LIMIT generic code: a 1 on the LEFT of a type parameter does not broadcast (right: Tensor<[N, M]>; write the generic operand first, add(x, y), which compiles: test/types/generic.tst.ts). TypeScript decides a test on a type parameter only when it holds for every value; 'a is 1 or b is 1' cannot pick the result without a second, deferred test", () => {
  test("add([1, 1], [N, M])", () => {
    function f<N extends number, M extends number>(x: Tensor<[N, M]>, y: Tensor<[1, 1]>) {
      // @ts-expect-error No overload matches this call.
      return add(y, x);
    }
    void f;
  });
});

describe("LIMIT generic user code: TypeScript infers a size from two arguments as a union (right: an error). No library type can stop that inference; write NoInfer in your own helper (typegrad's layers and losses need none: test/types/generic.tst.ts)", () => {
  test("the brief's linear<O, I> accepts x: [748, 'm'] for W: [128, 784] (I = 784 | 748)", () => {
    function linear<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[I, "m"]>, b: Tensor<[O, 1]>) {
      return add(matmul(W, x), b);
    }
    expect(linear(W, x748, b)).type.toBe<Tensor<[128, "m"]>>();
    expect(linear(W, zeros([784, 3]) as unknown as Tensor<[784, "m"]>, zeros([64, 1]))).type.toBe<Tensor<[64 | 128, "m"]>>();
  });
});

describe("MINOR fast paths: an unknown dim hides a known one, depending on argument order (right: [128, 784] both ways)", () => {
  test("add([number, 784], [128, 784]) is [number, 784], add([128, 784], [number, 784]) is [128, 784]", () => {
    const u = zeros([1, 784]) as unknown as Tensor<[number, 784]>;
    expect(add(u, W)).type.toBe<Tensor<[number, 784]>>();
    expect(add(W, u)).type.toBe<Tensor<[128, 784]>>();
  });
  test("add([number, number], [5]) is [number, number] (the vector-bias fast path; right: [number, 5])", () => {
    const u = zeros([1, 1]) as unknown as Tensor<[number, number]>;
    expect(add(u, zeros([5]))).type.toBe<Tensor<[number, number]>>();
  });
});
