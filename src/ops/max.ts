/**
 * `max(x, axis?, keepDims?)`: the largest element along one axis, or of all elements.
 *
 * Forward: `out = max_k x[..., k, ...]`. Pullback: `ct` routed to the maximal elements (split
 * evenly between ties, so the rule is symmetric).
 *
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { type ReduceParams, reduceOp } from "./builders.js";
import { dual, tensorFirst } from "./define.js";
import { div } from "./div.js";
import { eq } from "./eq.js";
import { mul } from "./mul.js";
import { reshapeSizes as reshape } from "./reshapePrim.js";
import type { OpDef } from "./spec.js";
import { type Reduction, sum } from "./sum.js";

const built = reduceOp({
  name: "max",
  doc: "max along an axis",
  pullback: (ct: Tensor, x: Tensor, out: Tensor, axis: number) => {
    const keep = (x.shape as readonly number[]).map((d, i) => (i === axis ? 1 : d));
    const mask = eq(x, reshape(out, keep));
    return mul(mask, div(reshape(ct, keep), sum(mask, axis, true)));
  },
  spec: { fold: (m, v) => Math.max(m, v), init: Number.NEGATIVE_INFINITY },
});

/** `max` without its typed signatures, for library code on tensors of any shape. @internal */
export const maxAxis = built.apply;

/** The primitive: the maximum over one axis (which is removed). */
export const maxPrim = built.prim;

/**
 * The maximum of all elements, or along `axis` (kept as size 1 with `keepDims`).
 *
 * @example
 * import { max, tensor, toArray } from "typegrad"
 * toArray(max(tensor([[1, 5], [7, 2]]), 1)) // [5, 7]
 * @category operations
 */
export const max: Reduction<"max"> = dual(tensorFirst, built.apply);

/** Registry entry. */
export const maxDef: OpDef<ReduceParams> = built.def;
