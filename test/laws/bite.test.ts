/**
 * Proof that the op laws bite: each law family fails on a deliberately wrong primitive (built
 * with `bind` and a `Primitive` object), while the laws that should still hold do hold, so each
 * failure is attributed to the right law.
 */
import { describe, expect, it } from "vitest";
import { runOpLaws } from "../../laws/checkOp.js";
import type { LawOutcome } from "../../laws/outcome.js";
import { bind, type Primitive } from "../../src/autodiff/core.js";
import { broadcastTo } from "../../src/ops/broadcastTo.js";
import { eqDef } from "../../src/ops/eq.js";
import { expDef, expPrim } from "../../src/ops/exp.js";
import { ltPrim } from "../../src/ops/lt.js";
import { matmul, matmulDef, matmulPrim } from "../../src/ops/matmul.js";
import { mul, mulDef, mulPrim } from "../../src/ops/mul.js";
import { reshape } from "../../src/ops/reshape.js";
import { signDef } from "../../src/ops/sign.js";
import { domains, type Gen, type OpDef } from "../../src/ops/spec.js";
import { stopGradient } from "../../src/ops/stopGradient.js";
import { sumDef, sumPrim } from "../../src/ops/sum.js";
import { transpose } from "../../src/ops/transpose.js";
import type { Tensor } from "../../src/tensor/tensor.js";

/** `transpose` of an untyped (runtime 2-D) tensor. */
const T2 = (x: Tensor): Tensor => transpose(x as Tensor<[number, number]>);

const runs = { numRuns: 40, seed: 7 };

/** The laws that failed, by name. */
const failing = (outcomes: readonly LawOutcome[]): string[] => outcomes.filter((o) => !o.ok).map((o) => o.law);

/** A primitive like `base` with some of its rules replaced. */
const fake = <P>(base: Primitive<P>, over: Partial<Primitive<P>>): Primitive<P> => ({ ...base, ...over, name: `fake ${base.name}` });

/** An op def whose `call` applies a fake primitive; the reference stays the true one unless replaced. */
const fakeDef = <P>(def: OpDef<P>, call: OpDef<P>["spec"]["call"], spec: Partial<OpDef<P>["spec"]> = {}): OpDef<P> => ({ ...def, name: `fake ${def.name}`, spec: { ...def.spec, ...spec, call } });

/** Square matrices `[n, n]`, n ≥ 2 (a transposition or a swapped axis is invisible at n = 1). */
const squareCase =
  <P>(params: P, inputs = 1) =>
  (g: Gen) => {
    const n = g.int(2, 4);
    return { inputs: Array.from({ length: inputs }, () => ({ shape: [n, n], domain: domains.real })), params };
  };

describe("the op laws bite", () => {
  it("a pullback off by a factor of 2 fails the dot-product and Jacobian laws, not the forward laws", () => {
    const p = fake(mulPrim, { pullback: (ct, [a, b]) => [mul(mul(ct, b as Tensor), 2), mul(ct, a as Tensor)] });
    const f = failing(
      runOpLaws(
        fakeDef(mulDef, ([a, b]) => bind(p, [a as Tensor, b as Tensor], undefined)),
        runs,
      ),
    );
    expect(f).toEqual(["vjp dot product", "jacobian (tiny)"]);
  });

  it("a transposed gradient fails the dot-product and Jacobian laws", () => {
    const p = fake(matmulPrim, { pullback: (ct, [a, b]) => [T2(matmul(ct, T2(b as Tensor))), T2(matmul(T2(a as Tensor), ct))] });
    const params = { transA: false, transB: false };
    const f = failing(
      runOpLaws(
        fakeDef(matmulDef, ([a, b]) => bind(p, [a as Tensor, b as Tensor], params), { sample: squareCase(params, 2) }),
        runs,
      ),
    );
    expect(f).toEqual(["vjp dot product", "jacobian (tiny)"]);
  });

  it("a pullback broadcasting back along the wrong axis fails the gradient laws", () => {
    const p = fake(sumPrim, { pullback: (ct, [x]) => [broadcastTo(reshape(ct, [1, ct.size]), (x as Tensor).shape as readonly number[])] });
    const f = failing(
      runOpLaws(
        fakeDef(sumDef, ([x]) => bind(p, [x as Tensor], { axis: 1 }), { sample: squareCase({ axis: 1, keepDims: false }) }),
        runs,
      ),
    );
    expect(f).toEqual(["vjp dot product", "jacobian (tiny)"]);
  });

  it("a forward reducing the wrong axis fails the forward laws", () => {
    const f = failing(
      runOpLaws(
        fakeDef(sumDef, ([x]) => bind(sumPrim, [x as Tensor], { axis: 0 }), { sample: squareCase({ axis: 1, keepDims: false }) }),
        runs,
      ),
    );
    expect(f).toEqual(expect.arrayContaining(["forward float32", "forward float64"]));
    expect(f).not.toContain("shape");
  });

  it("an output of the wrong shape fails the shape law", () => {
    const f = failing(
      runOpLaws(
        fakeDef(sumDef, ([x]) => bind(sumPrim, [x as Tensor], { axis: 1 }), { sample: squareCase({ axis: 1, keepDims: true }) }),
        runs,
      ),
    );
    expect(f).toContain("shape");
  });

  it("a pullback that is not linear in the cotangent fails the linearity law", () => {
    const p = fake(expPrim, { pullback: (ct, _xs, out) => [mul(mul(ct, ct), out)] });
    expect(
      failing(
        runOpLaws(
          fakeDef(expDef, ([x]) => bind(p, [x as Tensor], undefined)),
          runs,
        ),
      ),
    ).toContain("pullback linear");
  });

  it("a pullback right to first order but opaque to a second differentiation fails the second-order law only", () => {
    const p = fake(mulPrim, { pullback: (ct, [a, b]) => [mul(ct, stopGradient(b as Tensor)), mul(ct, stopGradient(a as Tensor))] });
    expect(
      failing(
        runOpLaws(
          fakeDef(mulDef, ([a, b]) => bind(p, [a as Tensor, b as Tensor], undefined)),
          runs,
        ),
      ),
    ).toEqual(["second order"]);
  });

  it("an op declared non-differentiable that passes a cotangent back fails the zero-gradient law only", () => {
    const f = failing(
      runOpLaws(
        fakeDef(signDef, ([x]) => bind(expPrim, [x as Tensor], undefined), { reference: expDef.spec.reference }),
        runs,
      ),
    );
    expect(f).toEqual(["zero gradient"]);
  });

  it("a pullback returning a cotangent of the wrong shape fails the cotangent-shape law", () => {
    // [3, 2] for a [2, 3] input: the core must not reshape it silently into the input's shape.
    const p = fake(expPrim, { pullback: (ct, _xs, out) => [T2(mul(ct, out))] });
    const wide = fakeDef(expDef, ([x]) => bind(p, [x as Tensor], undefined), { sample: () => ({ inputs: [{ shape: [2, 3], domain: domains.real }], params: undefined }) });
    expect(failing(runOpLaws(wide, runs))).toContain("cotangent shapes");
  });

  it("a comparison that never reports equality fails the forward laws (ties are drawn)", () => {
    const f = failing(
      runOpLaws(
        fakeDef(eqDef, ([a, b]) => mul(bind(ltPrim, [a as Tensor, b as Tensor], undefined), 0)),
        runs,
      ),
    );
    expect(f).toEqual(expect.arrayContaining(["forward float32", "forward float64"]));
  });
});
