/**
 * `vjp`, `grad` and the autodiff core at their edges: what they refuse (naming the function, the
 * argument and what was expected), how a pullback's cotangent is summed back down to its input's
 * shape (leading axes, kept axes of size 1, both at once), and that a pullback returning a shape
 * that is no broadcast of its input's is a ShapeError naming that op, never a silent reshape.
 */
import { describe, expect, it } from "vitest";
import { type Node, nodeOf } from "../../src/autodiff/core.js";
import { customVjp } from "../../src/autodiff/customVjp.js";
import { scan } from "../../src/autodiff/scan.js";
import { grad, unbroadcast, valueAndGrad, valueAndGradAux, vjp } from "../../src/autodiff/vjp.js";
import { add } from "../../src/ops/add.js";
import { mul } from "../../src/ops/mul.js";
import { sum } from "../../src/ops/sum.js";
import { ShapeError } from "../../src/shape/dims.js";
import { fill, ones, tensor, toArray } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const bad = (v: unknown): never => v as never;

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
    // fewer axes than the input, even where the axes it has agree
    expect(() => unbroadcast("myop", ones([3]), [3, 1])).toThrow(new ShapeError("myop", "the pullback returned a cotangent of shape [3] for an input of shape [3, 1]"));
    expect(() => unbroadcast("myop", ones([]), [1])).toThrow(new ShapeError("myop", "the pullback returned a cotangent of shape [] for an input of shape [1]"));
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
  it("valueAndGradAux needs a pair [cost, aux] whose aux is a tree of tensors", () => {
    const x = tensor(2);
    expect(() => valueAndGradAux((v: Tensor<[]>) => [mul(v, v)] as never)(x)).toThrow(new TypeError("valueAndGradAux: f must return a pair [cost, aux], got an array"));
    expect(() => valueAndGradAux((v: Tensor<[]>) => [mul(v, v), v, v] as never)(x)).toThrow("valueAndGradAux: f must return a pair [cost, aux], got an array");
    expect(() => valueAndGradAux((v: Tensor<[]>) => [mul(v, v), "aux"] as never)(x)).toThrow(
      new TypeError("valueAndGradAux: aux outputs must be tensors, arrays or records of tensors; the argument is string aux"),
    );
    const [cost, g, aux] = valueAndGradAux((v: Tensor<[]>) => [mul(v, v), { v }] as const)(x);
    expect([toArray(cost), toArray(g), toArray(aux.v)]).toEqual([4, 4, 2]);
  });
  it("customVjp needs three functions", () => {
    const f = (x: Tensor) => x;
    const fwd = (x: Tensor) => [x, undefined] as const;
    const bwd = (_r: undefined, ct: Tensor) => [ct] as const;
    expect(() => customVjp(bad(1), fwd, bwd)).toThrow(new TypeError("customVjp: f, fwd and bwd must be functions"));
    expect(() => customVjp(f, bad(null), bwd)).toThrow(new TypeError("customVjp: f, fwd and bwd must be functions"));
    expect(() => customVjp(f, fwd, bad("bwd"))).toThrow(new TypeError("customVjp: f, fwd and bwd must be functions"));
  });
  it("grad needs a scalar: a one-element tensor of rank 1 is not one", () => {
    expect(() => grad((x: Tensor<[1]>) => mul(x, 2) as never)(tensor([1]))).toThrow(new TypeError("grad: f must return a scalar Tensor<[]>, got shape [1]"));
  });
});

describe("nodes that only pull back", () => {
  it("a customVjp or scan node is recorded once and never re-run: its forward and shape rule throw, naming it", () => {
    const twice = customVjp(
      function twice(x: Tensor) {
        return mul(x, 2);
      },
      (x: Tensor) => [mul(x, 2), undefined] as const,
      (_r, ct) => [mul(ct, 2)] as const,
    );
    const anonymous = customVjp(
      [(x: Tensor) => mul(x, 3)][0] as (x: Tensor) => Tensor,
      (x: Tensor) => [mul(x, 3), undefined] as const,
      (_r, ct) => [mul(ct, 3)] as const,
    );
    const nodes: Node[] = [];
    vjp(
      (x: Tensor<[2]>) => {
        for (const y of [twice(x), anonymous(x), scan((h: Tensor<[2]>, v: Tensor<[2]>) => [add(h, v), h] as const, x, ones([3, 2]))[0]]) {
          let t: Tensor | undefined = y;
          // scan's result is a slice of its packed node: walk down to the node that is not a view
          while (t !== undefined && nodeOf(t)?.prim.name !== "scan" && nodeOf(t)?.prim.name !== "twice" && nodeOf(t)?.prim.name !== "customVjp") t = nodeOf(t)?.inputs[0];
          const node = t === undefined ? undefined : nodeOf(t);
          if (node !== undefined) nodes.push(node);
        }
        return sum(x);
      },
      tensor([1, 2]),
    );
    expect(nodes.map((n) => n.prim.name)).toEqual(["twice", "customVjp", "scan"]);
    for (const n of nodes) {
      expect(() => n.prim.shape([[2]], n.params)).toThrow(new Error(`${n.prim.name}: a ${n.prim.name === "scan" ? "scan" : "customVjp"} node is never re-run`));
      expect(() => n.prim.forward([], [[2]], n.params, [2])).toThrow(`${n.prim.name}: a ${n.prim.name === "scan" ? "scan" : "customVjp"} node is never re-run`);
    }
  });
});
