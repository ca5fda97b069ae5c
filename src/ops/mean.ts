/**
 * `mean(x, axis?, keepDims?)`: the average along one axis, or of all elements. A composite:
 * `sum(x, axis, keepDims) / n`, no backward code of its own.
 *
 * @example
 * import { mean, tensor, toArray } from "typegrad"
 * toArray(mean(tensor([[1, 2], [3, 4]]), 0)) // [2, 3]
 *
 * @module
 */
import { normAxis } from "../shape/dims.js";
import { reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, tensorFirst } from "./define.js";
import { div } from "./div.js";
import { axisOf, foldAxis } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import { type Reduction, sampleReduce, sum } from "./sum.js";

const meanImpl = (x: Tensor, axis?: number, keepDims = false): Tensor => {
  expectTensor("mean", "x", x);
  const n = axis === undefined ? x.size : ((x.shape as readonly number[])[normAxis("mean", axis, x.rank, x.shape as readonly number[])] as number);
  return div(sum(x as Tensor<number[]>, axis as number, keepDims), n);
};

/**
 * The mean of all elements, or along `axis` (kept as size 1 with `keepDims`).
 *
 * @category operations
 */
export const mean: Reduction<"mean"> = dual(tensorFirst, meanImpl);

/** Registry entry. */
export const meanDef: OpDef<{ axis: number | undefined; keepDims: boolean }> = {
  name: "mean",
  kind: "composite",
  doc: "Σ / n along an axis",
  spec: {
    sample: (g) => {
      const { shape, params } = sampleReduce(g);
      return { inputs: [{ shape, domain: domains.real }], params };
    },
    call: ([x], { axis, keepDims }) => meanImpl(x as Tensor, axis, keepDims),
    reference: ([x], { axis, keepDims }) => {
      const a = x as NonNullable<typeof x>;
      const flat = axis === undefined ? { shape: [a.data.length], data: a.data } : a;
      const ax = axis === undefined ? 0 : axisOf(axis, a.shape.length);
      const n = flat.shape[ax] as number;
      const r = foldAxis(flat, ax, (s, v) => s + v / n, 0);
      return { shape: reduce(a.shape, axis, keepDims), data: r.data };
    },
  },
};
