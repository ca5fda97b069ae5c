/**
 * `softmax(x, axis = -1)`: `e^xᵢ / Σₖ e^xₖ` along an axis, one kernel per row (the max is
 * subtracted first, so logits of ±1e4 are fine). Pullback: `ct_x = σ ⊙ (ct - Σ(ct ⊙ σ))`
 * along the axis — the course's Jacobian `∂σᵢ/∂xⱼ = σᵢ(δᵢⱼ - σⱼ)` applied to `ct`, checked by
 * the laws.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { normAxis } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, dual, expectTensor, one, sameTwin, sampleShape, tensorFirst } from "./define.js";
import { mul } from "./mul.js";
import { at, axisOf, indices } from "./naive.js";
import { type Case, domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
import { sumAxis } from "./sum.js";
import type { AxisOp } from "./types.js";

/** The primitive; its parameter is the axis, already normalised. */
export const softmaxPrim: Primitive<number> = {
  name: "softmax",
  shape: ([s]) => [...(s as readonly number[])],
  forward: (xs, ss, axis) => backendOf(xs).softmax(one(xs), one(ss), axis, false),
  pullback: (ct, _x, out, axis) => [mul(out, sub(ct, sumAxis(mul(ct, out), axis, true)))],
};

const softmaxImpl = (x: Tensor, axis = -1): Tensor => {
  expectTensor("softmax", "x", x);
  return bind(softmaxPrim, [x], normAxis("softmax", axis, x.rank, x.shape as readonly number[]));
};

/**
 * The softmax along `axis` (default the last).
 *
 * @example
 * import { softmax, tensor, toArray } from "typegrad"
 * toArray(softmax(tensor([[1, 1]]))) // [[0.5, 0.5]]
 * // course convention (classes on axis 0, examples on axis 1): softmax(Z, 0)
 * @category operations
 */
export const softmax: AxisOp<"softmax"> = dual(tensorFirst, softmaxImpl);

/** A reference along one axis shared by softmax and logSoftmax. @internal */
export const softmaxReference = (a: { shape: readonly number[]; data: readonly number[] }, axis: number, log: boolean) => {
  const ax = axisOf(axis, a.shape.length);
  const n = a.shape[ax] as number;
  return {
    shape: a.shape,
    data: indices(a.shape).map((ix) => {
      let z = 0;
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < n; k++)
        m = Math.max(
          m,
          at(
            a,
            ix.map((v, i) => (i === ax ? k : v)),
          ),
        );
      for (let k = 0; k < n; k++)
        z += Math.exp(
          at(
            a,
            ix.map((v, i) => (i === ax ? k : v)),
          ) - m,
        );
      const xi = at(a, ix) - m;
      return log ? xi - Math.log(z) : Math.exp(xi) / z;
    }),
  };
};

/** Sample a shape and an axis for the softmax family. @internal */
/** The length of the sampled axis (the number of terms of each sum). @internal */
export const axisLength = (c: Case<number>): number => {
  const s = (c.inputs[0]?.shape ?? []) as readonly number[];
  return s[c.params < 0 ? c.params + s.length : c.params] as number;
};

export const sampleAxis = (g: import("./spec.js").Gen) => {
  const shape = sampleShape(g, 1, 3);
  return { inputs: [{ shape, domain: domains.real }], params: g.int(-shape.length, shape.length - 1) };
};

/** Registry entry. */
export const softmaxDef: OpDef<number> = {
  name: "softmax",
  kind: "primitive",
  doc: "e^x / Σ e^x",
  shape: sameTwin,
  forward: { kind: "backend", method: "softmax" },
  pullback: softmaxPrim.pullback,
  spec: {
    // x − max (0.5) amplified by exp's condition |x − max| ≤ 6, exp (1 ulp), the division (0.5); the sum of n terms ≤ 1: n·u
    error: { ulps: { float32: 6, float64: 6 }, terms: axisLength, magnitude: 1 },
    sample: sampleAxis,
    call: (xs, axis) => softmaxImpl(one(xs), axis),
    reference: (xs, axis) => softmaxReference(one(xs), axis, false),
    secondOrder: true,
  },
};
