/**
 * `logSumExp(x, axis?, keepDims?)`: `log Σ eˣ` along an axis (or over all elements), computed
 * stably as `m + log Σ e^(x - m)` with `m = max x` held constant (`stopGradient`): the shift
 * cancels in the value and in the derivative, `∂/∂x = softmax(x)`. Finite for inputs of ±1e4.
 *
 * @module
 */
import { reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { dual, expectTensor, one, tensorFirst } from "./define.js";
import { exp } from "./exp.js";
import { gt } from "./gt.js";
import { log } from "./log.js";
import { maxAxis } from "./max.js";
import { reduceDense } from "./naive.js";
import { reshapeSizes as reshape } from "./reshapePrim.js";
import type { OpDef } from "./spec.js";
import { stopGradient } from "./stopGradient.js";
import { sub } from "./sub.js";
import { type ReduceParams, type Reduction, sampleReduce, sumAxis } from "./sum.js";
import { where } from "./where.js";

const logSumExpImpl = (x: Tensor, axis?: number, keepDims = false): Tensor => {
  expectTensor("logSumExp", "x", x);
  const out = reduce(x.shape as readonly number[], axis, keepDims, "logSumExp");
  const m = stopGradient(maxAxis(x, axis, true));
  const shift = where(gt(m, Number.NEGATIVE_INFINITY), m, 0);
  const r = add(shift, log(sumAxis(exp(sub(x, shift)), axis, true)));
  return reshape(r, out);
};

/**
 * `log Σ exp(x)` along `axis` (all elements when omitted), stable for large inputs.
 *
 * @example
 * import { logSumExp, tensor, toArray } from "typegrad"
 * toArray(logSumExp(tensor([1000, 1000]))) // 1000.6931…
 * @category operations
 */
export const logSumExp: Reduction<"logSumExp"> = dual(tensorFirst, logSumExpImpl);

/** Registry entry. */
export const logSumExpDef: OpDef<ReduceParams> = {
  name: "logSumExp",
  kind: "composite",
  doc: "log Σ eˣ",
  shape: (ss, p) => reduce(one(ss), p.axis, p.keepDims),
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: sampleReduce,
    call: (xs, { axis, keepDims }) => logSumExpImpl(one(xs), axis, keepDims),
    reference: (xs, { axis, keepDims }) => {
      const r = reduceDense(one(xs), axis, keepDims, (s, v) => s + Math.exp(v), 0);
      return { shape: r.shape, data: r.data.map(Math.log) };
    },
  },
};
