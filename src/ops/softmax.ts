/**
 * `softmax(x, axis = -1)`: `e^xᵢ / Σₖ e^xₖ` along an axis. A composite of stable primitives:
 * the max is subtracted first (held constant, it cancels), so logits of ±1e4 are fine. Its
 * Jacobian is the course's `∂σᵢ/∂xⱼ = σᵢ(δᵢⱼ - σⱼ)`, checked by the laws.
 *
 * @example
 * import { softmax, tensor, toArray } from "typegrad"
 * toArray(softmax(tensor([[1, 1]]))) // [[0.5, 0.5]]
 * // course convention (classes on axis 0, examples on axis 1): softmax(Z, 0)
 *
 * @module
 */
import { normAxis } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, sampleShape, tensorFirst } from "./define.js";
import { div } from "./div.js";
import { exp } from "./exp.js";
import { max } from "./max.js";
import { at, axisOf, indices } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import { stopGradient } from "./stopGradient.js";
import { sub } from "./sub.js";
import { sum } from "./sum.js";
import type { AxisOp } from "./types.js";

const softmaxImpl = (x: Tensor, axis = -1): Tensor => {
  expectTensor("softmax", "x", x);
  normAxis("softmax", axis, x.rank, x.shape as readonly number[]);
  const e = exp(sub(x, stopGradient(max(x as Tensor<number[]>, axis, true))));
  return div(e, sum(e as Tensor<number[]>, axis, true));
};

/**
 * The softmax along `axis` (default the last).
 *
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
export const sampleAxis = (g: import("./spec.js").Gen) => {
  const shape = sampleShape(g, 1, 3);
  return { inputs: [{ shape, domain: domains.real }], params: g.int(-shape.length, shape.length - 1) };
};

/** Registry entry. */
export const softmaxDef: OpDef<number> = {
  name: "softmax",
  kind: "composite",
  doc: "e^x / Σ e^x",
  spec: {
    sample: sampleAxis,
    call: ([x], axis) => softmaxImpl(x as Tensor, axis),
    reference: ([x], axis) => softmaxReference(x as NonNullable<typeof x>, axis, false),
  },
};
