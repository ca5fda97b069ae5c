/**
 * The user law kit (`checkOp`, `checkFunction`, `checkLayer`) on what users write: functions with
 * their own pullback (`customVjp`), an op definition of their own, and whole models (`mlp`,
 * `sequential`). Each right one passes; a wrong custom pullback is caught, and the outcome names
 * the law that failed.
 */
import { describe, expect, it } from "vitest";
import { arbTensor, arbTensors, checkFunction, checkLayer, checkOp, domains, runFunctionLaws, runLayerLaws, runOpLaws } from "../../laws/index.js";
import { customVjp } from "../../src/autodiff/customVjp.js";
import { dense } from "../../src/nn/dense.js";
import { softmaxCrossEntropy } from "../../src/nn/losses.js";
import { mlp } from "../../src/nn/mlp.js";
import { sequential } from "../../src/nn/sequential.js";
import { exp } from "../../src/ops/exp.js";
import { log1p } from "../../src/ops/log1p.js";
import { mul } from "../../src/ops/mul.js";
import { zipWith } from "../../src/ops/naive.js";
import { sigmoid } from "../../src/ops/sigmoid.js";
import { type OpDef, domains as opDomains } from "../../src/ops/spec.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { tanh } from "../../src/ops/tanh.js";
import { fromArray } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;
const runs = { numRuns: 10, seed: 3 };
const failing = (outcomes: readonly { ok: boolean; law: string }[]): string[] => outcomes.filter((o) => !o.ok).map((o) => o.law);

/** softplus(x) = log(1 + eˣ) with the fused pullback σ(x) (or a wrong one, for the bite). */
const softplusWith = (slope: (x: Tensor) => Tensor) =>
  customVjp(
    (x: Tensor) => log1p(exp(x)),
    (x: Tensor) => [log1p(exp(x)), x] as const,
    (x, ct) => [mul(ct, slope(x))] as const,
  );
const softplus = softplusWith(sigmoid);
/** The classic slip: the derivative of log(1 + eˣ) taken as eˣ. */
const wrongSoftplus = softplusWith(exp);

describe("checkFunction on customVjp functions and whole models", () => {
  it("a customVjp function with the right pullback passes; a wrong pullback fails the dot-product law", () => {
    const arb = { x: arbTensor([2, 3], domains.real, f64) };
    expect(checkFunction((p: { x: Tensor }) => sum(softplus(p.x)), arb, runs).every((o) => o.ok)).toBe(true);
    const outcomes = runFunctionLaws((p: { x: Tensor }) => sum(wrongSoftplus(p.x)), arb, { ...runs, name: "wrong softplus" });
    expect(failing(outcomes)).toEqual(["vjp dot product"]);
    expect(outcomes.find((o) => !o.ok)?.message).toMatch(/central differences/);
  });

  it("a whole mlp's cost as a function of its parameters (columns, tanh hidden layer)", () => {
    const net = mlp([3, 4, 2], { hidden: "tanh" });
    const X = fromArray([3, 5], [0.5, -1, 2, 0, 1, -0.5, 0.25, 1.5, -2, 0.75, 1, 0, -1, 0.5, 2], f64);
    const Y = fromArray([2, 5], [1, 0, 1, 0, 1, 0, 1, 0, 1, 0], f64);
    const params = arbTensors({ W1: [4, 3], b1: [4, 1], W2: [2, 4], b2: [2, 1] }, f64);
    expect(checkFunction((p) => softmaxCrossEntropy(net.apply(p as never, X as never) as Tensor, Y), params, runs).length).toBe(3);
  });
});

describe("checkLayer on whole models", () => {
  it("sequential (dense tanh → dense linear): its backward against autodiff of its forward", () => {
    const net = sequential([dense(3, 4, { activation: "tanh" }), dense(4, 2)]);
    const p = net.init(rng(1), f64);
    // a model is a layer whose parameters are a record: flatten the list of layer records
    const flat = { W0: p[0].W, b0: p[0].b, W1: p[1].W, b1: p[1].b };
    const unflat = (q: typeof flat) =>
      [
        { W: q.W0, b: q.b0 },
        { W: q.W1, b: q.b1 },
      ] as never;
    const model = {
      params: flat,
      forward: (q: typeof flat, x: Tensor) => net.forward(unflat(q), x as never) as unknown as readonly [Tensor, unknown],
      backward: (_q: typeof flat, dy: Tensor, caches: unknown) => {
        const { dX, grads } = net.backward(unflat(_q), dy as never, caches as never) as unknown as { dX: Tensor; grads: { W: Tensor; b: Tensor }[] };
        return { dA_prev: dX, W0: grads[0]?.W as Tensor, b0: grads[0]?.b as Tensor, W1: grads[1]?.W as Tensor, b1: grads[1]?.b as Tensor };
      },
    };
    expect(checkLayer(model, arbTensor([3, 5], domains.real, f64), runs).every((o) => o.ok)).toBe(true);
    // the same model with dW of the first layer doubled is caught by `backward = autodiff`
    const broken = { ...model, backward: (q: typeof flat, dy: Tensor, c: unknown) => ({ ...model.backward(q, dy, c), W0: mul(model.backward(q, dy, c).W0, 2) }) };
    expect(failing(runLayerLaws(broken, arbTensor([3, 5], domains.real, f64), runs))).toEqual(["backward = autodiff"]);
  });
});

describe("checkOp on a user's op built with customVjp", () => {
  const def = (f: (x: Tensor) => Tensor): OpDef<void> => ({
    name: "softplus (user)",
    kind: "composite",
    doc: "log(1 + eˣ)",
    shape: (ss) => ss[0] ?? [],
    forward: { kind: "composite" },
    pullback: "custom",
    spec: {
      sample: (g) => ({ inputs: [{ shape: [g.int(1, 4), g.int(1, 4)], domain: opDomains.real }], params: undefined }),
      call: ([x]) => f(x as Tensor),
      reference: ([x]) => zipWith([x as never], (v) => Math.log1p(Math.exp(v as number))),
    },
  });

  it("passes with the right pullback; the wrong one fails the gradient laws, not the forward ones", () => {
    expect(checkOp(def(softplus), runs).every((o) => o.ok)).toBe(true);
    expect(failing(runOpLaws(def(wrongSoftplus), runs))).toEqual(["vjp dot product", "jacobian (tiny)"]);
  });

  it("tanh through a customVjp with its own pullback 1 − tanh² (from the output, the residual) passes too", () => {
    const t = customVjp(
      (x: Tensor) => tanh(x),
      (x: Tensor) => {
        const y = tanh(x);
        return [y, y] as const;
      },
      (y, ct) => [mul(ct, sub(1, mul(y, y)))] as const,
    );
    const d = def(t);
    expect(checkOp({ ...d, spec: { ...d.spec, reference: ([x]) => zipWith([x as never], (v) => Math.tanh(v as number)) } }, runs).every((o) => o.ok)).toBe(true);
  });
});
