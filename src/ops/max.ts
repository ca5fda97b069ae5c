/**
 * `max(x, axis?, keepDims?)`: the largest element along one axis, or of all elements.
 *
 * Forward: `out = max_k x[..., k, ...]`. Pullback: `ct` routed to the maximal elements (split
 * evenly between ties, so the rule is symmetric).
 *
 * @module
 */
import { reduce } from "../shape/reduce.js";
import type { Primitive, Tensor } from "../tensor/tensor.js";
import { dual, tensorFirst } from "./define.js";
import { div } from "./div.js";
import { eq } from "./eq.js";
import { mul } from "./mul.js";
import { reduceDense } from "./naive.js";
import { reshape } from "./reshape.js";
import type { OpDef } from "./spec.js";
import { type AxisParams, type ReduceParams, type Reduction, reduceWith, sampleReduce, sum } from "./sum.js";

/** The primitive: the maximum over one axis (which is removed). */
export const maxPrim: Primitive<AxisParams> = {
  name: "max",
  shape: ([s], { axis }) => reduce(s as readonly number[], axis, false, "max"),
  forward: ([x], [s], { axis }) => (x as NonNullable<typeof x>).backend.reduce("max", x as NonNullable<typeof x>, s as readonly number[], axis),
  pullback: (ct, [x], out, { axis }) => {
    const X = x as Tensor;
    const keep = (X.shape as readonly number[]).map((d, i) => (i === axis ? 1 : d));
    const mask = eq(X, reshape(out, keep));
    return [mul(mask, div(reshape(ct, keep), sum(mask, axis, true)))];
  },
};

/**
 * The maximum of all elements, or along `axis` (kept as size 1 with `keepDims`).
 *
 * @example
 * import { max, tensor, toArray } from "typegrad"
 * toArray(max(tensor([[1, 5], [7, 2]]), 1)) // [5, 7]
 * @category operations
 */
export const max: Reduction<"max"> = dual(tensorFirst, (x: Tensor, axis?: number, keepDims?: boolean) => reduceWith("max", maxPrim, x, axis, keepDims));

/** Registry entry. */
export const maxDef: OpDef<ReduceParams> = {
  name: "max",
  kind: "primitive",
  doc: "max along an axis",
  spec: {
    sample: sampleReduce,
    call: ([x], { axis, keepDims }) => reduceWith("max", maxPrim, x as Tensor, axis, keepDims),
    reference: ([x], { axis, keepDims }) => reduceDense(x as NonNullable<typeof x>, axis, keepDims, (m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY),
  },
};
