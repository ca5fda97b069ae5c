/**
 * `logSoftmax(x, axis = -1)`: `x - max - log Σ e^(x - max)`, the log of the softmax without ever
 * forming it (so it stays finite where the softmax underflows to 0), one kernel per row.
 * Pullback: `ct_x = ct - softmax(x) ⊙ Σ ct` along the axis.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { normAxis } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, dual, expectTensor, one, sameTwin, tensorFirst } from "./define.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { axisLength, sampleAxis, softmaxReference } from "./softmax.js";
import type { OpDef } from "./spec.js";
import { sub } from "./sub.js";
import { sumAxis } from "./sum.js";
import type { AxisOp } from "./types.js";

/** The primitive; its parameter is the axis, already normalised. */
export const logSoftmaxPrim: Primitive<number> = {
  name: "logSoftmax",
  shape: ([s]) => [...(s as readonly number[])],
  forward: (xs, ss, axis) => backendOf(xs).softmax(one(xs), one(ss), axis, true),
  pullback: (ct, _x, out, axis) => [sub(ct, mul(exp(out), sumAxis(ct, axis, true)))],
};

const logSoftmaxImpl = (x: Tensor, axis = -1): Tensor => {
  expectTensor("logSoftmax", "x", x);
  return bind(logSoftmaxPrim, [x], normAxis("logSoftmax", axis, x.rank, x.shape as readonly number[]));
};

/**
 * The log of the softmax along `axis` (default the last).
 *
 * @example
 * import { logSoftmax, tensor, toArray } from "typegrad"
 * toArray(logSoftmax(tensor([0, 0]))) // [-0.6931…, -0.6931…]
 * @category operations
 */
export const logSoftmax: AxisOp<"logSoftmax"> = dual(tensorFirst, logSoftmaxImpl);

/** Registry entry. */
export const logSoftmaxDef: OpDef<number> = {
  name: "logSoftmax",
  kind: "primitive",
  doc: "x - max - log Σ e^(x - max)",
  shape: sameTwin,
  forward: { kind: "backend", method: "softmax" },
  pullback: logSoftmaxPrim.pullback,
  spec: {
    // log Σ eˣ⁻ᵐᵃˣ: the sum of n terms ≤ 1 (n·u, absolute after the log), exp and log (1 ulp each), the subtractions (0.5 each)
    error: { ulps: { float32: 4, float64: 4 }, terms: axisLength, magnitude: 1 },
    sample: sampleAxis,
    call: (xs, axis) => logSoftmaxImpl(one(xs), axis),
    reference: (xs, axis) => softmaxReference(one(xs), axis, true),
    secondOrder: true,
  },
};
