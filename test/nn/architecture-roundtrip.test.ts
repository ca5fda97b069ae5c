/**
 * Architectures round-trip with every option set: `buildModel(arch).architecture` is `arch`
 * (strictly: an option that was not given is absent, not `undefined`), the rebuilt model's
 * parameters have exactly the names and shapes `paramLayout` lists, and the options reach the
 * layers (initialiser fans with groups, a configured RReLU range, batch-norm's epsilon, PReLU's
 * initial α).
 */
import { describe, expect, it } from "vitest";
import type { Params } from "../../src/autodiff/tree.js";
import { namedLeaves } from "../../src/autodiff/tree.js";
import { activationBackward } from "../../src/nn/activations.js";
import { type Architecture, buildModel, paramLayout } from "../../src/nn/architecture.js";
import { batchNormLayer, conv2dLayer, flattenLayer, maxPool2dLayer } from "../../src/nn/conv.js";
import { dense } from "../../src/nn/dense.js";
import type { Fans } from "../../src/nn/init.js";
import { mlp } from "../../src/nn/mlp.js";
import { sequential } from "../../src/nn/sequential.js";
import { fill, tensor, toArray, zeros } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";

const shapesOf = (p: Params): [string, readonly number[]][] => namedLeaves("test", p).map(([n, t]) => [n, t.shape as readonly number[]]);
const roundTrip = (arch: Architecture): void => {
  const model = buildModel(JSON.parse(JSON.stringify(arch)) as Architecture);
  expect(model.architecture).toStrictEqual(arch);
  const layout = paramLayout(arch);
  const params = model.init(rng(0)) as Params;
  const names = shapesOf(params).map(([n, s]) => [n.replace(/^\[(\d+)\]\./, "[$1]."), s]);
  expect(names).toEqual(layout.specs.map(([n, s]) => [n, s]));
  const byName = Object.fromEntries(namedLeaves("test", params));
  expect(shapesOf(layout.build(byName))).toEqual(shapesOf(params));
};

describe("architectures round-trip", () => {
  it("dense, with and without each option", () => {
    roundTrip(dense(3, 2).architecture);
    roundTrip(dense(3, 2, { activation: "prelu", alphaInit: 0.1, init: "zeros", layout: "rows", dropout: 0.25 }).architecture);
    roundTrip(dense(3, 2, { activation: "leakyRelu", alpha: 0.2 }).architecture);
    roundTrip(dense(3, 2, { activation: "rrelu", rreluRange: [0.1, 0.3] }).architecture);
    expect(Object.keys(dense(3, 2).architecture)).not.toContain("alpha");
  });
  it("mlp, with and without each option; its prelu α is no parameter of the record", () => {
    roundTrip(mlp([4, 3, 2]).architecture);
    roundTrip(mlp([4, 3, 2], { hidden: "rrelu", rreluRange: [0.1, 0.2], init: "xavierUniform", dropout: 0.5, layout: "rows" }).architecture);
    roundTrip(mlp([4, 3, 2], { hidden: "elu", alpha: 0.5 }).architecture);
    expect(paramLayout(mlp([4, 3, 2], { hidden: "prelu" as never }).architecture).specs.map(([n]) => n)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(Object.keys(mlp([2, 1], { init: (_g, s, _f, o) => zeros(s, o) as never }).architecture)).not.toContain("init");
  });
  it("sequential image models, with and without each option", () => {
    roundTrip(
      sequential([
        conv2dLayer([8, 8, 4], 6, [3, 2], { groups: 2, stride: 2, padding: "same", dilation: 1, init: "he", activation: "relu", dropout: 0.1 }),
        maxPool2dLayer([4, 4, 6], 2, { stride: 1, padding: "valid" }),
        batchNormLayer([3, 3, 6], { momentum: 0.8, epsilon: 1e-3 }),
        flattenLayer([3, 3, 6]),
        dense(54, 3, { layout: "rows", activation: "prelu", alphaInit: 0.3 }),
      ]).architecture,
    );
    roundTrip(sequential([conv2dLayer([5, 5, 1], 2, 3, { dilation: 2 }), batchNormLayer([1, 1, 2]), flattenLayer([1, 1, 2])]).architecture);
    roundTrip(sequential([conv2dLayer([4, 4, 1], 1, 1), maxPool2dLayer([4, 4, 1], 2), batchNormLayer([2, 2, 1])]).architecture);
    roundTrip(sequential([dense(3, 4, { layout: "rows" }), batchNormLayer([4], { activation: "elu", epsilon: 1e-3 }), dense(4, 2, { layout: "rows" })]).architecture);
    expect(Object.keys(conv2dLayer([4, 4, 1], 1, 1).architecture)).not.toContain("stride");
    expect(Object.keys(batchNormLayer([2]).architecture)).toEqual(["kind", "inShape"]);
  });
});

describe("options reach the layers", () => {
  it("conv2dLayer's initialiser sees fans kh·kw·C/groups and kh·kw·F/groups", () => {
    const seen: Fans[] = [];
    const init = (_g: unknown, shape: readonly number[], fans: Fans) => {
      seen.push(fans);
      return zeros(shape as number[]);
    };
    const c = conv2dLayer([6, 6, 4], 6, [3, 2], { groups: 2, init: init as never });
    expect(c.init(rng(0)).W.shape).toEqual([3, 2, 2, 6]);
    expect(seen).toEqual([{ fanIn: 3 * 2 * 2, fanOut: (3 * 2 * 6) / 2 }]);
  });
  it("a configured RReLU range is used at inference and in the backward pass; slopes are drawn in the input's dtype", () => {
    const l = dense(1, 1, { activation: "rrelu", rreluRange: [0.2, 0.4] });
    const X = tensor([[-1, 2]]);
    const p = { W: fill([1, 1], 1), b: zeros([1, 1]) };
    expect(toArray(l.apply(p, X))).toEqual([[Math.fround(-0.3), 2]]);
    const [A, cache] = l.forward(p, X);
    // dA_prev = Wᵀ·(dA ⊙ g'(Z)) with dA = A: the negative input's slope is the range's mean 0.3
    expect(toArray(l.backward(p, A, cache).dA_prev as never)).toEqual([[Math.fround(Math.fround(-0.3) * Math.fround(0.3)), 2]]);
    const Z = tensor([-1, 2], { dtype: "float64" });
    const dA = tensor([1, 1], { dtype: "float64" });
    expect(toArray(activationBackward("rrelu", dA, Z, Z, 0, { rreluRange: [0.2, 0.4] }, undefined, undefined).dZ)).toEqual([(0.2 + 0.4) / 2, 1]);
    expect(toArray(activationBackward("rrelu", dA, Z, Z, 0, {}, undefined, undefined).dZ)).toEqual([(1 / 8 + 1 / 3) / 2, 1]);
  });
  it("batch norm: epsilon and momentum reach the op; only training carries new statistics", () => {
    const bn = batchNormLayer([2], { epsilon: 0.5, momentum: 0.5 });
    const p = bn.init(rng(0));
    const X = tensor([
      [1, 2],
      [3, 6],
    ]);
    // inference with the initial running statistics (0 mean, variance 1): x / sqrt(1 + ε)
    const got = (toArray(bn.apply(p, X)) as number[][]).flat();
    for (const [i, x] of [1, 2, 3, 6].entries()) expect(got[i]).toBeCloseTo(x / Math.sqrt(1.5), 6);
    const [, atInference] = bn.forward(p, X);
    expect(atInference.state).toBeUndefined();
    expect(Object.keys(atInference)).toEqual(["A_prev", "A", "pullback"]);
    const [, training] = bn.forward(p, X, { training: true });
    expect(toArray(training.state?.mean as never)).toEqual([1, 2]); // 0.5·0 + 0.5·[2, 4]
  });
  it("conv2dLayer dropout applies only when training, and needs a generator then", () => {
    const c = conv2dLayer([2, 2, 1], 1, 1, { dropout: 0.5 });
    const p = { W: fill([1, 1, 1, 1], 1), b: zeros([1]) };
    const X = fill([1, 2, 2, 1], 1);
    expect(toArray(c.apply(p, X))).toEqual(toArray(X));
    expect(() => c.apply(p, X, { training: true })).toThrow("dropout: training needs a generator, pass { training: true, rng }");
    const kept = (toArray(c.apply(p, fill([1, 2, 2, 1], 1), { training: true, rng: rng(3) })) as number[][][][]).flat(3);
    expect(kept.every((v) => v === 0 || v === 2)).toBe(true);
    expect(kept.some((v) => v === 0) && kept.some((v) => v === 2)).toBe(true);
  });
});
