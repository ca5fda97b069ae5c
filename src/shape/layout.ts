/**
 * Which axis holds the examples, and the shape of a batch in each convention of the course:
 * columns are examples (`[n, "m"]`, `Z = W·A + b`, the default) or rows are examples
 * (`["m", n]`, `Z = X·W + b`, seed 000). Layers, losses, data and training all read this one
 * definition.
 *
 * @module
 */

import type { Dim, DimsAgree, IsTuple, Mismatch, Shape, ShowShape } from "./dims.js";

/** Which axis holds the examples: `"columns"` (`[n, "m"]`, the course's default) or `"rows"` (`["m", n]`). @category model */
export type Layout = "columns" | "rows";

/** Every {@link Layout}, for the checks of a `layout` option. @internal */
export const LAYOUTS: readonly Layout[] = ["columns", "rows"];

/** The shape of a batch of `M` examples of width `N` in layout `L`. @category model */
export type Batch<L extends Layout, N extends string | number, M extends string | number> = L extends "rows" ? [M, N] : [N, M];

/** The batch of `M` examples of `N` per example: a width (in layout `L`) or a shape (always rows, `[M, ...N]`). @category model */
export type BatchIn<L extends Layout, N, M extends Dim> = N extends number ? Batch<L, N, M> : N extends Shape ? [M, ...N] : never;

/** Whether two shapes have the same rank and agree dim by dim (`DimsAgree`, so a generic dim agrees with itself). */
type AllAgree<A, B> = A extends readonly [infer A0, ...infer AR]
  ? B extends readonly [infer B0, ...infer BR]
    ? DimsAgree<A0, B0> extends true
      ? AllAgree<AR, BR>
      : false
    : false
  : B extends readonly []
    ? true
    : false;

/** `ShowShape` of the expected batch with its batch axis printed as a bare `m`. */
type ShowExpected<L extends Layout, N> = ShowShape<BatchIn<L, N, "m">> extends `${infer A}'m'${infer B}` ? `${A}m${B}` : ShowShape<BatchIn<L, N, "m">>;

/** The other layout. */
type Other<L extends Layout> = L extends "rows" ? "columns" : "rows";

/** A rank-2 input in the other layout: what to do about it. */
type LayoutHint<L extends Layout, N, S, Arg extends string> = N extends number
  ? S extends readonly [Dim, Dim]
    ? AllAgree<S, BatchIn<Other<L>, N, BatchAt<Other<L>, S>>> extends true
      ? L extends "rows"
        ? ` (this layer's examples are rows: transpose ${Arg}, or build the layer with { layout: 'columns' })`
        : ` (this layer's examples are columns: transpose ${Arg}, or build the layer with { layout: 'rows' })`
      : ""
    : ""
  : "";

/** Where `S` holds the batch dim in layout `L` (`"m"` when `S` is too short to have one). */
type BatchAt<L extends Layout, S> = L extends "rows" ? (S extends readonly [infer M extends Dim, ...unknown[]] ? M : "m") : S extends readonly [unknown, infer M extends Dim, ...unknown[]] ? M : "m";

/**
 * The rule of a layer's input `S` against a layer `Name` taking `N` per example (a width or a
 * shape) in layout `L`: the batch dim of `S` when it fits (in a 1-tuple, so that a generic batch
 * dim `M` still resolves `Check`), else a message naming the layer, the argument `Arg`, the shape
 * the layer takes (`m` for any batch) and the shape it got. An input of unknown rank is
 * checked at run time (`[number]`). A generic `S` equal to the layer's batch (`[M, I]` against a
 * layer taking `I`) fits without being resolved.
 *
 * @example
 * type Fits = LayerBatch<"dense.apply", "A_prev", "columns", 784, [784, "m"]> // ["m"]
 * type Wrong = LayerBatch<"dense.apply", "A_prev", "columns", 784, [748, "m"]> // Mismatch<"dense.apply: A_prev must be [784, m], got [748, 'm']">
 * @category shapes
 */
export type LayerBatch<Name extends string, Arg extends string, L extends Layout, N, S extends Shape> =
  IsTuple<S> extends false
    ? [number]
    : S extends BatchIn<L, N, infer M extends Dim>
      ? [M]
      : AllAgree<S, BatchIn<L, N, BatchAt<L, S>>> extends true
        ? [BatchAt<L, S>]
        : Mismatch<`${Name}: ${Arg} must be ${ShowExpected<L, N>}, got ${ShowShape<S>}${LayoutHint<L, N, S, Arg>}`>;

/**
 * `LayerBatch` for a layer taking a width `I` (dense, mlp): a generic input `[M, I]` against a
 * generic layer width `I` fits too (in generic user code).
 *
 * @example
 * type Fits = WidthBatch<"dense.apply", "A_prev", "rows", 784, ["m", 784]> // ["m"]
 * @category shapes
 */
export type WidthBatch<Name extends string, Arg extends string, L extends Layout, I extends number, S extends Shape> =
  S extends Batch<L, I, infer M extends Dim> ? [M] : LayerBatch<Name, Arg, L, I, S>;

/** The batch dim a checked input gives (`number` when the check failed: the argument is already red). @category shapes */
export type BatchDim<R> = R extends readonly [infer M extends Dim] ? M : number;
