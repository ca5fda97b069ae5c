/**
 * Creation: shapes inferred from literals with no `as const` (`tensor([[1, 2, 3], [4, 5, 6]])` is
 * a `Tensor<[2, 3]>`, `tensor(3)` a `Tensor<[]>`), shape-taking factories, seeded random creation.
 */
import { describe, expect, test } from "tstyche";
import { fill, fromArray, ones, randn, rng, type Tensor, tensor, toArray, zeros } from "../../src/index.js";

const g = rng(0);

describe("creation: programs that compile", () => {
  test("tensor literals", () => {
    expect(tensor(3)).type.toBe<Tensor<[]>>();
    expect(tensor([1, 2, 3])).type.toBe<Tensor<[3]>>();
    expect(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ).type.toBe<Tensor<[2, 3]>>();
    expect(tensor([[[1], [2]]])).type.toBe<Tensor<[1, 2, 1]>>();
    expect(tensor([])).type.toBe<Tensor<[0]>>();
  });
  test("options do not change the shape", () => {
    expect(tensor([[1, 2]], { dtype: "float64" })).type.toBe<Tensor<[1, 2]>>();
    expect(zeros([3], { dtype: "float64" })).type.toBe<Tensor<[3]>>();
  });
  test("factories taking a shape", () => {
    expect(zeros([128, 784])).type.toBe<Tensor<[128, 784]>>();
    expect(zeros([])).type.toBe<Tensor<[]>>();
    expect(ones([10, 1])).type.toBe<Tensor<[10, 1]>>();
    expect(fill([2, 3], 7)).type.toBe<Tensor<[2, 3]>>();
    expect(fromArray([2, 2], [1, 2, 3, 4])).type.toBe<Tensor<[2, 2]>>();
    expect(fromArray([4], new Float32Array(4))).type.toBe<Tensor<[4]>>();
  });
  test("seeded random creation", () => {
    expect(randn(g, [3, 4])).type.toBe<Tensor<[3, 4]>>();
    expect(randn(rng(42), [128, 784], { dtype: "float64" })).type.toBe<Tensor<[128, 784]>>();
  });
  test("a shape held in a variable is unknown", () => {
    const shape: number[] = [2, 3];
    expect(zeros(shape)).type.toBe<Tensor<number[]>>();
  });
  test("toArray gives nested arrays of the rank, a number for a scalar", () => {
    expect(
      toArray(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).type.toBe<number[][]>();
    expect(toArray(tensor(3))).type.toBe<number>();
  });
  test("a tensor of known shape is assignable to a wider type", () => {
    expect(zeros([2, 3])).type.toBeAssignableTo<Tensor>();
    expect(zeros([2, 3])).type.toBeAssignableTo<Tensor<[2, number]>>();
  });
});

describe("creation: programs that must not compile", () => {
  test("a ragged literal, naming the element", () => {
    // @ts-expect-error tensor: ragged nested array: element 1 has shape [1], element 0 has [2]
    tensor([[1, 2], [3]]);
  });
  test("a ragged literal, deeper", () => {
    // @ts-expect-error tensor: ragged nested array: element 2 has shape [3], element 0 has [2]
    tensor([
      [1, 2],
      [3, 4],
      [5, 6, 7],
    ]);
  });
  test("a string is not data", () => {
    // @ts-expect-error Argument of type 'string' is not assignable to parameter of type 'Nested'
    tensor("a");
  });
  test("a named dim is not a size", () => {
    // @ts-expect-error Type 'string' is not assignable to type 'number'
    zeros(["m"]);
  });
  test("random creation needs a generator", () => {
    // @ts-expect-error Expected 2-3 arguments, but got 1
    randn([3, 4]);
  });
  test("the declared shape is checked", () => {
    // @ts-expect-error Type 'Tensor<[3, 2]>' is not assignable to type 'Tensor<[2, 3]>'
    const t: Tensor<[2, 3]> = zeros([3, 2]);
    void t;
  });
  test("an unsupported dtype", () => {
    // @ts-expect-error Type '"int8"' is not assignable to type 'DType
    zeros([2], { dtype: "int8" });
  });
});
