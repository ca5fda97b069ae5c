/**
 * Named dims (`"m"`, `"batch"`) and unknown dims (`number`). A name matches only itself or an
 * unknown dim; an unknown dim yields the other side's dim; messages print names quoted (`'m'`) and
 * unknown dims as `number`.
 */
import { describe, expect, test } from "tstyche";
import { add, bindingWith, type Dim, matmul, mul, reshape, sum, type Tensor, withShape, zeros } from "../../src/index.js";

declare const Am: Tensor<["m", 3]>;
declare const An: Tensor<[number, 3]>;
declare const B: Tensor<[128, 784]>;
declare const Y: Tensor<["batch", 10]>;
declare const U3: Tensor<[number, number, number]>;
declare const Xm: Tensor<[784, "m"]>;

describe("named and unknown dims: programs that compile", () => {
  test("a name meets an unknown dim and wins, in either order", () => {
    expect(add(Am, An)).type.toBe<Tensor<["m", 3]>>();
    expect(add(An, Am)).type.toBe<Tensor<["m", 3]>>();
  });
  test("a name broadcasts against 1", () => {
    expect(add(Am, zeros([1, 3]))).type.toBe<Tensor<["m", 3]>>();
    expect(mul(Xm, zeros([784, 1]))).type.toBe<Tensor<[784, "m"]>>();
  });
  test("an unknown dim broadcasts against anything", () => {
    expect(add(U3, zeros([1, 5]))).type.toBe<Tensor<[number, number, 5]>>();
    expect(add(B, zeros([number(), 784]))).type.toBe<Tensor<[128, 784]>>();
  });
  test("reductions keep names", () => {
    expect(sum(Y, 0)).type.toBe<Tensor<[10]>>();
    expect(sum(Y, 1, true)).type.toBe<Tensor<["batch", 1]>>();
    expect(sum(Xm, 0, true)).type.toBe<Tensor<[1, "m"]>>();
  });
  test("the size of a named dim is unknown", () => {
    expect(reshape(Y, [-1])).type.toBe<Tensor<[number]>>();
  });
  test("withShape gives data its named dims (after a runtime check)", () => {
    expect(withShape(zeros([784, 5]), [784, "m"])).type.toBe<Tensor<[784, "m"]>>();
    expect(withShape(zeros([10, 5]), [10, "m"], bindingWith({ m: 5 }))).type.toBe<Tensor<[10, "m"]>>();
    expect(withShape(zeros([784, 5]), [784, "?"])).type.toBe<Tensor<[784, number]>>();
    expect(matmul(zeros([128, 784]), withShape(zeros([784, 5]), [784, "m"]))).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a named dim fits a parameter typed with Dim", () => {
    expect(Xm).type.toBeAssignableTo<Tensor<[784, Dim]>>();
    expect(Xm).type.toBeAssignableTo<Tensor>();
  });
});

describe("named and unknown dims: programs that must not compile", () => {
  test("a name against a size", () => {
    add(
      Am,
      // @ts-expect-error add: shapes ['m', 3] and [5, 3] do not broadcast ('m' vs 5)
      zeros([5, 3]),
    );
  });
  test("two different names", () => {
    // @ts-expect-error add: shapes ['m', 3] and ['batch', 3] do not broadcast ('m' vs 'batch')
    add(Am, zeros([3]) as unknown as Tensor<["batch", 3]>);
  });
  test("an unknown dim does not excuse a known mismatch, and prints as number", () => {
    // @ts-expect-error add: shapes [number, 3] and [2, 4] do not broadcast (3 vs 4)
    add(An, zeros([2, 4]));
  });
  test("a literal size is not a named dim", () => {
    // @ts-expect-error Type 'Tensor<[784, 5]>' is not assignable to type 'Tensor<[784, "m"]>'
    const x: Tensor<[784, "m"]> = zeros([784, 5]);
    void x;
  });
  test("a named dim is not a literal size", () => {
    // @ts-expect-error Type 'Tensor<[784, "m"]>' is not assignable to type 'Tensor<[784, 5]>'
    const x: Tensor<[784, 5]> = Xm;
    void x;
  });
  test("a named dim from withShape meets a literal", () => {
    // @ts-expect-error add: shapes [10, 'm'] and [10, 5] do not broadcast ('m' vs 5)
    add(withShape(zeros([10, 5]), [10, "m"]), zeros([10, 5]));
  });
  test("mul across names", () => {
    // @ts-expect-error mul: shapes ['batch', 10] and ['m', 3] do not broadcast (10 vs 3)
    mul(Y, Am);
  });
});

/** A value of unknown size, typed `number`. */
function number(): number {
  return 1;
}
