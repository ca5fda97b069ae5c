/**
 * `sum(x, axis?, keepDims?)`: the sum along one axis (negative axes count from the end), or of
 * every element (`Tensor<[]>`) when no axis is given.
 *
 * Forward: `out[i] = Σ_k x[..., k, ...]`. Pullback: `ct` broadcast back along the summed axis.
 *
 * @module
 */
import type { Check, Dim, Ok, Shape } from "../shape/dims.js";
import type { Reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastTo } from "./broadcastTo.js";
import type { ReduceParams } from "./builders.js";
import { reduceOp } from "./builders.js";
import { dual, tensorFirst } from "./define.js";
import { reshapeSizes as reshape } from "./reshapePrim.js";
import type { OpDef } from "./spec.js";

export { type AxisParams, type ReduceParams, reduceWith, sampleReduce } from "./builders.js";

const built = reduceOp({
  name: "sum",
  doc: "Σ along an axis",
  pullback: (ct, x, _out, axis) => {
    const shape = x.shape as readonly number[];
    return broadcastTo(
      reshape(
        ct,
        shape.map((d, i) => (i === axis ? 1 : d)),
      ),
      shape,
    );
  },
  spec: { fold: (s, v) => s + v, init: 0 },
});

/** `sum` without its typed signatures, for library code on tensors of any shape. @internal */
export const sumAxis = built.apply;

/** The primitive: sums out one axis (which is removed). */
export const sumPrim = built.prim;

/**
 * A reduction's data-last form, `sum(1, true)`: `pipe(x, sum(1, true))`. A named type, so an
 * error through `pipe`/`flow` prints `ReduceBy<2, false, "sum">`, not the rule's conditional type.
 *
 * @category model
 */
export type ReduceBy<Ax extends number | undefined, K extends boolean, Name extends string> = <const S extends Shape>(x: Check<Reduce<S, Ax, K, Name>, Tensor<S>>) => Tensor<Ok<Reduce<S, Ax, K>>>;

/**
 * The call signatures of a reduction named `Name` (`sum`, `mean`, `max`). The 2-D fast paths
 * come first so generic layer code (`sum(dZ, 1, true)` on `Tensor<[N, M]>`) compiles.
 *
 * @category model
 */
export interface Reduction<Name extends string> {
  <S extends Shape>(x: Tensor<S>): Tensor<[]>;
  <M extends Dim, N extends Dim>(x: Tensor<[M, N]>, axis: 1 | -1, keepDims: true): Tensor<[M, 1]>;
  <M extends Dim, N extends Dim>(x: Tensor<[M, N]>, axis: 0 | -2, keepDims: true): Tensor<[1, N]>;
  <M extends Dim, N extends Dim>(x: Tensor<[M, N]>, axis: 1 | -1, keepDims?: false): Tensor<[M]>;
  <M extends Dim, N extends Dim>(x: Tensor<[M, N]>, axis: 0 | -2, keepDims?: false): Tensor<[N]>;
  (): <S extends Shape>(x: Tensor<S>) => Tensor<[]>;
  <const Ax extends number | undefined, const K extends boolean = false>(axis: Ax, keepDims?: K): ReduceBy<Ax, K, Name>;
  <const S extends Shape, const Ax extends number | undefined, const K extends boolean = false>(x: Tensor<S>, axis: Check<Reduce<S, Ax, K, Name>, Ax>, keepDims?: K): Tensor<Ok<Reduce<S, Ax, K>>>;
  /** Again last, so that point-free use (`pipe(x, sum)`) sees this signature. */
  <S extends Shape>(x: Tensor<S>): Tensor<[]>;
}

/**
 * The sum of all elements, or along `axis` (kept as size 1 with `keepDims`).
 *
 * @example
 * import { sum, tensor, toArray } from "typegrad"
 * toArray(sum(tensor([[1, 2], [3, 4]]), 1, true)) // [[3], [7]]
 * @category operations
 */
export const sum: Reduction<"sum"> = dual(tensorFirst, built.apply);

/** Registry entry. */
export const sumDef: OpDef<ReduceParams> = built.def;
