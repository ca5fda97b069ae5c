/**
 * `vjp`, `grad` and the autodiff core at their edges: what they refuse (naming the function, the
 * argument and what was expected), how a pullback's cotangent is summed back down to its input's
 * shape (leading axes, kept axes of size 1, both at once), and that a pullback returning a shape
 * that is no broadcast of its input's is a ShapeError naming that op, never a silent reshape.
 */
import { describe, expect, it } from "vitest";
import { customVjp } from "../../src/autodiff/customVjp.js";
import { grad, unbroadcast, valueAndGrad, vjp } from "../../src/autodiff/vjp.js";
import { mul } from "../../src/ops/mul.js";
import { sum } from "../../src/ops/sum.js";
import { ShapeError } from "../../src/shape/dims.js";
import { fill, ones, tensor, toArray } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

/** A function whose pullback hands back a cotangent of `shape`: sum(ct) everywhere (a deliberately raw cotangent). */
const spread = (name: string, shape: readonly number[]) => {
  const f = (x: Tensor): Tensor => mul(x, 1);
  Object.defineProperty(f, "name", { value: name });
  return customVjp(
    f,
    (x: Tensor) => [mul(x, 1), undefined] as const,
    (_r, ct) => [mul(fill(shape as number[], 1), sum(ct))] as const,
  );
};

describe("unbroadcast", () => {
  it("sums leading axes and kept axes of size 1, and returns the cotangent itself when shapes match", () => {
    const g = tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [10, 20, 30],
        [40, 50, 60],
      ],
    ]);
    expect(unbroadcast("op", g, [2, 2, 3])).toBe(g);
    expect(toArray(unbroadcast("op", g, [2, 3]))).toEqual([
      [11, 22, 33],
      [44, 55, 66],
    ]);
    expect(toArray(unbroadcast("op", g, [1, 3]))).toEqual([[55, 77, 99]]);
    expect(toArray(unbroadcast("op", g, [2, 1]))).toEqual([[66], [165]]);
    expect(toArray(unbroadcast("op", g, [1, 1, 3]))).toEqual([[[55, 77, 99]]]);
    expect(toArray(unbroadcast("op", g, [3]))).toEqual([55, 77, 99]);
    expect(toArray(unbroadcast("op", g, []))).toBe(231);
    expect(unbroadcast("op", g, [2, 1]).shape).toEqual([2, 1]);
  });
  it("refuses a cotangent that is no broadcast of the input's shape, naming the op", () => {
    const g = ones([2, 3]);
    expect(() => unbroadcast("myop", g, [3, 3])).toThrow(new ShapeError("myop", "the pullback returned a cotangent of shape [2, 3] for an input of shape [3, 3]"));
    expect(() => unbroadcast("myop", g, [1, 2, 3])).toThrow(new ShapeError("myop", "the pullback returned a cotangent of shape [2, 3] for an input of shape [1, 2, 3]"));
    expect(() => unbroadcast("myop", g, [2])).toThrow(new ShapeError("myop", "the pullback returned a cotangent of shape [2, 3] for an input of shape [2]"));
    expect(() => unbroadcast("myop", g, [2, 2])).toThrow(ShapeError);
  });
  it("is applied to every pullback's cotangents, once, in the core", () => {
    const x = tensor([[1, 2, 3]]);
    // the pullbacks return 3s of shape [4, 1, 3] and [2, 3] for an input of shape [1, 3]
    expect(toArray(grad((v: Tensor<[1, 3]>) => sum(spread("wide", [4, 1, 3])(v)))(x))).toEqual([[12, 12, 12]]);
    expect(toArray(grad((v: Tensor<[1, 3]>) => sum(spread("tall", [2, 3])(v)))(x))).toEqual([[6, 6, 6]]);
    expect(() => grad((v: Tensor<[1, 3]>) => sum(spread("wrong", [3, 2])(v)))(x)).toThrow(new ShapeError("wrong", "the pullback returned a cotangent of shape [3, 2] for an input of shape [1, 3]"));
  });
});

describe("vjp and grad refuse what they cannot differentiate", () => {
  it("f must return a tensor", () => {
    expect(() => vjp((() => 3) as never, tensor([1]))).toThrow(new TypeError("vjp: f must return a Tensor, got number"));
    expect(() => grad((() => undefined) as never)(tensor(1))).toThrow(new TypeError("grad: f must return a Tensor, got undefined"));
    expect(() => valueAndGrad((() => [tensor(1)]) as never)(tensor(1))).toThrow(new TypeError("valueAndGrad: f must return a Tensor, got object"));
  });
  it("the cotangent must be a tensor of the output's shape, rank included", () => {
    const [, pullback] = vjp((x: Tensor<[3]>) => mul(x, 2), tensor([1, 2, 3]));
    expect(() => pullback([1, 1, 1] as never)).toThrow(new TypeError("vjp: the cotangent must be a Tensor"));
    expect(() => pullback(ones([3, 1]) as never)).toThrow(new TypeError("vjp: the cotangent has shape [3, 1], expected the output's shape [3]"));
    expect(() => pullback(ones([1, 3]) as never)).toThrow(new TypeError("vjp: the cotangent has shape [1, 3], expected the output's shape [3]"));
    expect(toArray(pullback(tensor([1, 0, 2])))).toEqual([2, 0, 4]);
  });
  it("grad needs a scalar: a one-element tensor of rank 1 is not one", () => {
    expect(() => grad((x: Tensor<[1]>) => mul(x, 2) as never)(tensor([1]))).toThrow(new TypeError("grad: f must return a scalar Tensor<[]>, got shape [1]"));
  });
});
