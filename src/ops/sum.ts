/**
 * `sum(x, axis?, keepDims?)`: the sum along one axis (negative axes count from the end), or of
 * every element (`Tensor<[]>`) when no axis is given.
 *
 * Forward: `out[i] = Σ_k x[..., k, ...]`. Pullback: `ct` broadcast back along the summed axis.
 *
 * @module
 */
import type { Check, Dim, Ok, Shape } from "../shape/dims.js";
import { type Reduce, reduce } from "../shape/reduce.js";
import { bind, type Primitive, type Tensor } from "../tensor/tensor.js";
import { broadcastTo } from "./broadcastTo.js";
import { dual, expectTensor, sampleShape, tensorFirst } from "./define.js";
import { reduceDense } from "./naive.js";
import { reshape } from "./reshape.js";
import { type Case, domains, type Gen, type OpDef } from "./spec.js";

/** Parameters of a one-axis reduction. */
export interface AxisParams {
  readonly axis: number;
}

/** The primitive: sums out one axis (which is removed). */
export const sumPrim: Primitive<AxisParams> = {
  name: "sum",
  shape: ([s], { axis }) => reduce(s as readonly number[], axis, false, "sum"),
  forward: ([x], [s], { axis }) => (x as NonNullable<typeof x>).backend.reduce("sum", x as NonNullable<typeof x>, s as readonly number[], axis),
  pullback: (ct, [x], _out, { axis }) => {
    const shape = (x as Tensor).shape as readonly number[];
    const keep = shape.map((d, i) => (i === axis ? 1 : d));
    return [broadcastTo(reshape(ct, keep), shape)];
  },
};

/**
 * Reduce every element, or one axis, with a one-axis primitive: the shared driver of `sum` and
 * `max`. @internal
 */
export const reduceWith = (op: string, prim: Primitive<AxisParams>, x: Tensor, axis?: number, keepDims = false): Tensor => {
  expectTensor(op, "x", x);
  if (axis !== undefined && typeof axis !== "number") throw new TypeError(`${op}: argument 'axis' must be a number, got ${JSON.stringify(axis)}`);
  const shape = x.shape as readonly number[];
  const out = reduce(shape, axis, keepDims, op);
  if (axis === undefined) {
    const all = bind(prim, [reshape(x, [x.size])], { axis: 0 });
    return keepDims ? reshape(all, out) : all;
  }
  const r = bind(prim, [x], { axis: axis < 0 ? axis + shape.length : axis });
  return keepDims ? reshape(r, out) : r;
};

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
  <const Ax extends number | undefined, const K extends boolean = false>(axis: Ax, keepDims?: K): <const S extends Shape>(x: Check<Reduce<S, Ax, K, Name>, Tensor<S>>) => Tensor<Ok<Reduce<S, Ax, K>>>;
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
export const sum: Reduction<"sum"> = dual(tensorFirst, (x: Tensor, axis?: number, keepDims?: boolean) => reduceWith("sum", sumPrim, x, axis, keepDims));

/** The parameters of a sampled reduction. @internal */
export interface ReduceParams {
  readonly axis: number | undefined;
  readonly keepDims: boolean;
}

/** A reduction case: a shape of real values, an axis (or none) and keepDims. @internal */
export const sampleReduce = (g: Gen): Case<ReduceParams> => {
  const shape = sampleShape(g, 1, 3);
  const axis = g.bool() ? undefined : g.int(-shape.length, shape.length - 1);
  return { inputs: [{ shape, domain: domains.real }], params: { axis, keepDims: g.bool() } };
};

/** Registry entry. */
export const sumDef: OpDef<ReduceParams> = {
  name: "sum",
  kind: "primitive",
  doc: "Σ along an axis",
  spec: {
    sample: sampleReduce,
    call: ([x], { axis, keepDims }) => reduceWith("sum", sumPrim, x as Tensor, axis, keepDims),
    reference: ([x], { axis, keepDims }) => reduceDense(x as NonNullable<typeof x>, axis, keepDims, (s, v) => s + v, 0),
  },
};
