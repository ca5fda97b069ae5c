/**
 * `logSumExp(x, axis?, keepDims?)`: `log Σ eˣ` along an axis (or over all elements), computed
 * stably as `m + log Σ e^(x - m)` with `m = max x` held constant (`stopGradient`): the shift
 * cancels in the value and in the derivative, `∂/∂x = softmax(x)`. Finite for inputs of ±1e4.
 *
 * @example
 * import { logSumExp, tensor, toArray } from "typegrad"
 * toArray(logSumExp(tensor([1000, 1000]))) // 1000.6931…
 *
 * @module
 */
import { reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { dual, expectTensor, tensorFirst } from "./define.js";
import { exp } from "./exp.js";
import { gt } from "./gt.js";
import { log } from "./log.js";
import { max } from "./max.js";
import { axisOf, foldAxis } from "./naive.js";
import { reshape } from "./reshape.js";
import { domains, type OpDef } from "./spec.js";
import { stopGradient } from "./stopGradient.js";
import { sub } from "./sub.js";
import { type Reduction, sampleReduce, sum } from "./sum.js";
import { where } from "./where.js";

const logSumExpImpl = (x: Tensor, axis?: number, keepDims = false): Tensor => {
  expectTensor("logSumExp", "x", x);
  const out = reduce(x.shape as readonly number[], axis, keepDims, "logSumExp");
  const m = stopGradient(max(x as Tensor<number[]>, axis as number, true));
  const shift = where(gt(m, Number.NEGATIVE_INFINITY), m, 0);
  const r = add(shift, log(sum(exp(sub(x, shift)), axis as number, true)));
  return reshape(r, out);
};

/**
 * `log Σ exp(x)` along `axis` (all elements when omitted), stable for large inputs.
 *
 * @category operations
 */
export const logSumExp: Reduction<"logSumExp"> = dual(tensorFirst, logSumExpImpl);

/** Registry entry. */
export const logSumExpDef: OpDef<{ axis: number | undefined; keepDims: boolean }> = {
  name: "logSumExp",
  kind: "composite",
  doc: "log Σ eˣ",
  spec: {
    sample: (g) => {
      const { shape, params } = sampleReduce(g);
      return { inputs: [{ shape, domain: domains.real }], params };
    },
    call: ([x], { axis, keepDims }) => logSumExpImpl(x as Tensor, axis, keepDims),
    reference: ([x], { axis, keepDims }) => {
      const a = x as NonNullable<typeof x>;
      const flat = axis === undefined ? { shape: [a.data.length], data: a.data } : a;
      const ax = axis === undefined ? 0 : axisOf(axis, a.shape.length);
      const r = foldAxis(flat, ax, (s, v) => s + Math.exp(v), 0);
      return { shape: reduce(a.shape, axis, keepDims), data: r.data.map(Math.log) };
    },
  },
};
