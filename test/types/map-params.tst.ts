/**
 * Types of `mapParams`: the result has the first tree's type, the leaf function gets one tensor
 * per tree, and a tree of another structure, or a leaf function wanting more trees than given,
 * does not compile.
 */
import { describe, expect, test } from "tstyche";
import { add, leafwiseOptimizer, type MlpParams, mapParams, mlp, mul, type Optimizer, rng, sub, type Tensor } from "../../src/index.js";

declare const p: { W: Tensor<[3, 2]>; layers: readonly [{ b: Tensor<[3, 1]> }] };
declare const q: { V: Tensor<[3, 2]>; layers: readonly [{ b: Tensor<[3, 1]> }] };

describe("mapParams", () => {
  test("returns the first tree's type, for one tree or several", () => {
    expect(mapParams((w) => mul(w, 2), p)).type.toBe<typeof p>();
    expect(mapParams((w, g) => sub(w, mul(g, 0.1)), p, p)).type.toBe<typeof p>();
    expect(mapParams((w, g, v) => add(w, add(g, v)), p, p, p)).type.toBe<typeof p>();
    const net = mlp([2, 4, 1]);
    const params = net.init(rng(0));
    expect(mapParams((w, g) => sub(w, g), params, params)).type.toBe<MlpParams<readonly [2, 4, 1]>>();
  });
  test("the leaf function gets one tensor per tree", () => {
    mapParams(
      (w, g) => {
        expect(w).type.toBe<Tensor>();
        expect(g).type.toBe<Tensor>();
        return w;
      },
      p,
      p,
    );
    expect(mapParams).type.not.toBeCallableWith((w: Tensor, g: Tensor, v: Tensor) => add(w, add(g, v)), p, p);
  });
  test("refuses a tree of another structure, or no tensor back", () => {
    expect(mapParams).type.not.toBeCallableWith((w: Tensor, g: Tensor) => sub(w, g), p, q);
    expect(mapParams).type.not.toBeCallableWith((w: Tensor) => w, { w: 1 });
    expect(mapParams).type.not.toBeCallableWith((w: Tensor) => w.shape, p);
  });
});

describe("leafwiseOptimizer", () => {
  test("the rule gets and returns as many slots as 'slots' says", () => {
    expect(
      leafwiseOptimizer({
        name: "heavyBall",
        lr: 0.1,
        slots: 1,
        update: (w, g, [v], lr) => {
          expect(v).type.toBe<Tensor>();
          const v2 = add(mul(v, 0.9), mul(g, 0.1));
          return [sub(w, mul(v2, lr)), [v2]];
        },
      }),
    ).type.toBe<Optimizer>();
    expect(leafwiseOptimizer).type.not.toBeCallableWith({ name: "o", lr: 0.1, slots: 2, update: (w: Tensor, g: Tensor) => [sub(w, g), [g]] as const });
    expect(leafwiseOptimizer).type.not.toBeCallableWith({ name: "o", lr: 0.1, slots: 1, update: (w: Tensor) => w });
  });
});
