/**
 * `mean(x, axis?, keepDims?)`: the average along one axis, or of all elements. A composite:
 * `sum(x, axis, keepDims) / n`, no backward code of its own.
 *
 * @module
 */
import { normAxis } from "../shape/dims.js";
import { checkKeepDims, reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { reducedLength } from "./builders.js";
import { dual, expectTensor, one, tensorFirst } from "./define.js";
import { div } from "./div.js";
import { axisOf, reduceDense } from "./naive.js";
import type { OpDef } from "./spec.js";
import { type ReduceParams, type Reduction, sampleReduce, sumAxis } from "./sum.js";

const meanImpl = (x: Tensor, axis?: number, keepDims = false): Tensor => {
  expectTensor("mean", "x", x);
  checkKeepDims("mean", keepDims);
  const n = axis === undefined ? x.size : ((x.shape as readonly number[])[normAxis("mean", axis, x.rank, x.shape as readonly number[])] as number);
  return div(sumAxis(x, axis, keepDims), n);
};

/**
 * The mean of all elements, or along `axis` (kept as size 1 with `keepDims`).
 *
 * @example
 * import { mean, tensor, toArray } from "typegrad"
 * toArray(mean(tensor([[1, 2], [3, 4]]), 0)) // [2, 3]
 * @category operations
 */
export const mean: Reduction<"mean"> = dual(tensorFirst, meanImpl);

/** Registry entry. */
export const meanDef: OpDef<ReduceParams> = {
  name: "mean",
  kind: "composite",
  doc: "Σ / n along an axis",
  shape: (ss, p) => reduce(one(ss), p.axis, p.keepDims),
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: sampleReduce,
    // a sum of n elements of at most 3 (n·u·3), then one division (0.5 ulp)
    error: { ulps: { float32: 1, float64: 1 }, terms: reducedLength, magnitude: 3 },
    call: (xs, { axis, keepDims }) => meanImpl(one(xs), axis, keepDims),
    reference: (xs, { axis, keepDims }) => {
      const a = one(xs);
      const n = axis === undefined ? a.data.length : (a.shape[axisOf(axis, a.shape.length)] as number);
      return reduceDense(a, axis, keepDims, (s, v) => s + v / n, 0);
    },
  },
};
