/**
 * `logSoftmax(x, axis = -1)`: `x - logSumExp(x, axis)`, the log of the softmax without ever
 * forming it (so it stays finite where the softmax underflows to 0). A composite.
 *
 * @example
 * import { logSoftmax, tensor, toArray } from "typegrad"
 * toArray(logSoftmax(tensor([0, 0]))) // [-0.6931…, -0.6931…]
 *
 * @module
 */
import { normAxis } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, tensorFirst } from "./define.js";
import { logSumExp } from "./logSumExp.js";
import { sampleAxis, softmaxReference } from "./softmax.js";
import type { OpDef } from "./spec.js";
import { sub } from "./sub.js";
import type { AxisOp } from "./types.js";

const logSoftmaxImpl = (x: Tensor, axis = -1): Tensor => {
  expectTensor("logSoftmax", "x", x);
  normAxis("logSoftmax", axis, x.rank, x.shape as readonly number[]);
  return sub(x, logSumExp(x as Tensor<number[]>, axis, true));
};

/**
 * The log-softmax along `axis` (default the last).
 *
 * @category operations
 */
export const logSoftmax: AxisOp<"logSoftmax"> = dual(tensorFirst, logSoftmaxImpl);

/** Registry entry. */
export const logSoftmaxDef: OpDef<number> = {
  name: "logSoftmax",
  kind: "composite",
  doc: "x - logSumExp(x)",
  spec: {
    sample: sampleAxis,
    call: ([x], axis) => logSoftmaxImpl(x as Tensor, axis),
    reference: ([x], axis) => softmaxReference(x as NonNullable<typeof x>, axis, true),
  },
};
