/**
 * The runners users call on their own code: `checkOp`, `checkFunction`, `checkLayer`; each
 * passes on a correct subject and fails, naming the law, on a wrong one.
 */
import { describe, expect, it } from "vitest";
import { arbTensor, arbTensors } from "../../laws/arbitraries.js";
import { checkFunction, runFunctionLaws } from "../../laws/checkFunction.js";
import { checkLayer, type Layer, runLayerLaws } from "../../laws/checkLayer.js";
import { checkOp } from "../../laws/checkOp.js";
import { domains } from "../../laws/domains.js";
import { add, addDef } from "../../src/ops/add.js";
import { div } from "../../src/ops/div.js";
import { matmul } from "../../src/ops/matmul.js";
import { mul, mulDef } from "../../src/ops/mul.js";
import { stopGradient } from "../../src/ops/stopGradient.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { tanh } from "../../src/ops/tanh.js";
import { transpose } from "../../src/ops/transpose.js";
import { fromArray } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const runs = { numRuns: 25, seed: 5 };
const failing = (os: readonly { law: string; ok: boolean }[]) => os.filter((o) => !o.ok).map((o) => o.law);
const mm = (a: Tensor, b: Tensor): Tensor => matmul(a as never, b as never);
const t = (a: Tensor): Tensor => transpose(a as never);

describe("checkOp", () => {
  it("returns the outcomes of every law of a correct op", () => {
    const outcomes = checkOp(addDef, runs);
    expect(outcomes.map((o) => o.law)).toEqual(["forward float32", "forward float64", "shape", "vjp dot product", "cotangent shapes", "pullback linear", "jacobian (tiny)"]);
    expect(outcomes.every((o) => o.ok && o.runs > 0)).toBe(true);
  });

  it("throws a message naming the op and the law on a wrong op", () => {
    const wrong = { ...mulDef, name: "mul with a wrong reference", spec: { ...mulDef.spec, reference: addDef.spec.reference } };
    expect(() => checkOp(wrong, runs)).toThrow(/mul with a wrong reference × forward float64/);
  });
});

describe("checkFunction", () => {
  const X = fromArray([2, 3], [0.5, -1, 2, 1.5, 0.25, -0.75], { dtype: "float64" });
  const cost = ({ W, b }: { W: Tensor; b: Tensor }): Tensor => sum(tanh(add(mm(W, X), b as never)));

  it("passes on a differentiable function of a params record", () => {
    expect(checkFunction(cost, arbTensors({ W: [4, 2], b: [4, 1] }), runs).every((o) => o.ok)).toBe(true);
  });

  it("accepts a record of arbitraries", () => {
    expect(checkFunction(cost, { W: arbTensor([3, 2]), b: arbTensor([3, 1]) }, runs).every((o) => o.ok)).toBe(true);
  });

  it("fails the dot-product law when part of the function is hidden from autodiff", () => {
    const hidden = ({ W, b }: { W: Tensor; b: Tensor }): Tensor => sum(tanh(add(mm(stopGradient(W), X), b as never)));
    expect(failing(runFunctionLaws(hidden, arbTensors({ W: [4, 2], b: [4, 1] }), runs))).toEqual(["vjp dot product"]);
  });
});

/** The course's dense layer with tanh, columns are examples, written inline with core ops. */
type P = { readonly W: Tensor; readonly b: Tensor };
type Cache = { readonly A_prev: Tensor; readonly A: Tensor };
const denseTanh = (params: P, backward: (p: P, dA: Tensor, c: Cache) => Record<string, Tensor>): Layer<P, Cache> => ({
  params,
  forward: (p, A_prev) => {
    const A = tanh(add(mm(p.W, A_prev), p.b as never));
    return [A, { A_prev, A }];
  },
  backward,
});
const courseBackward = (p: P, dA: Tensor, { A_prev, A }: Cache) => {
  const m = (A_prev.shape as readonly number[])[1] as number;
  const dZ = mul(dA, sub(1, mul(A, A)));
  return { dA_prev: mm(t(p.W), dZ), dW: div(mm(dZ, t(A_prev)), m), db: div(sum(dZ as never, 1 as never, true as never), m) };
};

describe("checkLayer", () => {
  const params: P = { W: fromArray([3, 2], [0.3, -0.2, 0.5, 0.1, -0.4, 0.25], { dtype: "float64" }), b: fromArray([3, 1], [0.1, -0.1, 0.2], { dtype: "float64" }) };
  const inputs = arbTensors({ X: [2, "m"] }, { minNamedDim: 2 }).map(({ X }) => X as Tensor);

  it("passes on the course's dense backward formulas", () => {
    expect(checkLayer(denseTanh(params, courseBackward), inputs, runs).every((o) => o.ok)).toBe(true);
  });

  it("fails `backward = autodiff` when db forgets 1/m", () => {
    const noMean = (p: P, dA: Tensor, c: Cache) => ({ ...courseBackward(p, dA, c), db: sum(mul(dA, sub(1, mul(c.A, c.A))) as never, 1 as never, true as never) });
    expect(failing(runLayerLaws(denseTanh(params, noMean), inputs, runs))).toEqual(["backward = autodiff"]);
  });

  it("fails both value and shape laws when dW is transposed", () => {
    const transposed = (p: P, dA: Tensor, c: Cache) => {
      const g = courseBackward(p, dA, c);
      return { ...g, dW: t(g.dW) };
    };
    expect(failing(runLayerLaws(denseTanh(params, transposed), inputs, runs))).toEqual(["backward = autodiff", "gradient shapes"]);
  });

  it("with the plain-vjp convention, the course's formulas are off by m", () => {
    expect(failing(runLayerLaws(denseTanh(params, courseBackward), inputs, { ...runs, convention: "vjp" }))).toEqual(["backward = autodiff"]);
  });

  it("reads the examples axis from `batchAxis`", () => {
    const rowsLayer: Layer<P, Cache> = {
      params: { W: t(params.W), b: t(params.b) },
      forward: (p, X) => {
        const A = tanh(add(mm(X, p.W), p.b as never));
        return [A, { A_prev: X, A }];
      },
      backward: (p, dA, { A_prev, A }) => {
        const m = (A_prev.shape as readonly number[])[0] as number;
        const dZ = mul(dA, sub(1, mul(A, A)));
        return { dA_prev: mm(dZ, t(p.W)), dW: div(mm(t(A_prev), dZ), m), db: div(sum(dZ as never, 0 as never, true as never), m) };
      },
    };
    const rows = arbTensors({ X: ["m", 2] }, { minNamedDim: 2, domain: domains.real }).map(({ X }) => X as Tensor);
    expect(checkLayer(rowsLayer, rows, { ...runs, batchAxis: 0 }).every((o) => o.ok)).toBe(true);
  });
});

describe("counterexamples for humans", () => {
  it("a failing op law names the op and law, shows the inputs as tables and expected vs got, and its seed and path replay it", async () => {
    const { runOpLaws } = await import("../../laws/checkOp.js");
    const { drawOutcomes } = await import("../../laws/outcome.js");
    const { reluDef } = await import("../../src/ops/relu.js");
    const { where } = await import("../../src/ops/where.js");
    const { ge } = await import("../../src/ops/ge.js");
    const { bind } = await import("../../src/autodiff/core.js");
    const { reluPrim } = await import("../../src/ops/relu.js");
    // relu'(0) = 1 instead of the documented 0: only the kink law can see it
    const wrong = { ...reluPrim, name: "relu (wrong kink)", pullback: (ct: Tensor, [x]: readonly Tensor[]) => [where(ge(x as Tensor, 0), ct, 0)] };
    const def = { ...reluDef, name: "relu (wrong kink)", spec: { ...reluDef.spec, call: ([x]: readonly Tensor[]) => bind(wrong as never, [x as Tensor], undefined) } };
    const failed = runOpLaws(def as never, { numRuns: 50, seed: 5 }).filter((o) => !o.ok);
    expect(failed.map((o) => o.law)).toEqual(["kink gradient"]);
    const [o] = failed;
    const text = drawOutcomes(failed);
    expect(text).toMatch(/^relu \(wrong kink\) × kink gradient: failed after \d+ cases/);
    expect(text).toMatch(/cotangent of input 0\[[\d, ]*\]: got -?[\d.e-]+, expected 0/);
    expect(text).toMatch(/input 0 \[[\d, ]*\] float64\n {2}/);
    expect(text).toMatch(/replay: \{ seed: -?\d+, law: "kink gradient", numRuns: \d+ \}.*fast-check path "[\d:]+"/);
    expect(text).not.toMatch(/Counterexample: \[\[/);
    // the seed reruns the same cases and shrinks to the same counterexample
    const again = runOpLaws(def as never, { numRuns: 50, seed: o?.replay?.seed as number, law: "kink gradient" }).find((r) => r.law === "kink gradient");
    expect(again?.ok).toBe(false);
    expect(again?.message).toBe(o?.message);
  });
});
