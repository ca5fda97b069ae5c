/**
 * Dims and shapes, at the type level and at run time.
 *
 * A dim is a numeric literal (`784`, a static size), a string literal (`"m"`, a named symbolic
 * size) or plain `number` (unknown). At run time every dim is a number.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One dimension: a size literal, a named size, or `number` (unknown). @category model */
export type Dim = number | string;

/** A shape: a tuple of dims, `Tensor<[128, "m"]>`'s `[128, "m"]`. @category model */
export type Shape = readonly Dim[];

declare const mismatch: unique symbol;

/**
 * The result of a type-level shape rule that fails. Ops turn it into the type of the offending
 * parameter, so the compiler reports `M` at the wrong argument.
 *
 * @category model
 */
export interface Mismatch<M extends string> {
  readonly [mismatch]: M;
}

/** The type of a parameter checked by rule result `R`: the message itself when `R` failed. @category shapes */
export type Check<R, T> = R extends Mismatch<infer M> ? M : T;

/** The shape a rule produced, or the unknown shape when it failed (the argument is already red). @category shapes */
export type Ok<R> = R extends Mismatch<string> ? Shape : R extends infer O extends Shape ? O : Shape;

// -------------------------------------------------------------------------------------
// display
// -------------------------------------------------------------------------------------

/** A dim as messages print it: `784`, `'m'`, `number`. @category shapes */
export type ShowDim<D> = D extends string ? (string extends D ? "string" : `'${D}'`) : D extends number ? (number extends D ? "number" : `${D}`) : "?";

type ShowDims<S, Acc extends string = ""> = S extends readonly [infer H, ...infer T] ? ShowDims<T, Acc extends "" ? ShowDim<H> : `${Acc}, ${ShowDim<H>}`> : Acc;

/** A shape as messages print it: `[128, 784]`, `[748, 'm']`. @category shapes */
export type ShowShape<S> = S extends Shape ? (IsTuple<S> extends true ? `[${ShowDims<S>}]` : `${ShowDim<S[number]>}[]`) : "?";

// -------------------------------------------------------------------------------------
// predicates
// -------------------------------------------------------------------------------------

/** True when S has a known rank. @category shapes */
export type IsTuple<S extends Shape> = number extends S["length"] ? false : true;

/** True when D is `number` or `string` (a dim the compiler cannot check). @category shapes */
export type IsUnknownDim<D> = number extends D ? true : string extends D ? true : false;

/** Sentinel for dims that do not unify. @category shapes */
export interface NoUnify {
  readonly noUnify: true;
}

/**
 * The dim two dims agree on: equal literals or names; an unknown dim (`number`) agrees with
 * anything and yields the other; a name never equals a literal.
 * @category shapes
 */
export type Unify<A, B> = Same<A, B> extends true ? A : IsUnknownDim<A> extends true ? B : IsUnknownDim<B> extends true ? A : NoUnify;

/** Whether two dims agree (`Unify` is not `NoUnify`), as `true`/`false` even for a generic dim shared by both. @category shapes */
export type DimsAgree<A, B> = Same<A, B> extends true ? true : IsUnknownDim<A> extends true ? true : IsUnknownDim<B> extends true ? true : false;

/**
 * True when A and B are the same type. Written on object types, so TypeScript decides it even
 * when both are the same type parameter (`N` in generic user code, where `A extends B` would be
 * deferred until `N` is known): generic code that concatenates or broadcasts `[N, 3]` with
 * `[N, 4]` type-checks.
 * @category shapes
 */
export type Same<A, B> = { d: A } extends { d: B } ? ({ d: B } extends { d: A } ? true : false) : false;

/** Rank of S (a number literal, or `number` for an unknown rank). @category shapes */
export type Rank<S extends Shape> = S["length"];

/** Normalise an axis (negative counts from the end) against rank R, or `never` if out of range. @category shapes */
export type NormAxis<Ax extends number, R extends number> = number extends Ax
  ? number
  : number extends R
    ? number
    : `${Ax}` extends `-${infer P extends number}`
      ? TupleOf<R> extends [...infer Head, ...TupleOf<P>]
        ? Head["length"]
        : never
      : TupleOf<R> extends [...TupleOf<Ax>, unknown, ...unknown[]]
        ? Ax
        : never;

/** A tuple of N unknowns, for small N (ranks and axes). @category shapes */
export type TupleOf<N extends number, Acc extends unknown[] = []> = Acc["length"] extends N ? Acc : Acc["length"] extends 64 ? unknown[] : TupleOf<N, [...Acc, unknown]>;

// -------------------------------------------------------------------------------------
// runtime
// -------------------------------------------------------------------------------------

/** A runtime shape: every dim is a size. @category shapes */
export type Sizes = readonly number[];

/**
 * `[128, 784]` as messages print it.
 *
 * @example
 * import { showShape } from "typegrad"
 * showShape([128, 784]) // "[128, 784]"
 * @category shapes
 */
export const showShape = (s: Sizes): string => `[${s.join(", ")}]`;

/**
 * A shape mismatch found at run time: names the op and the shapes involved.
 *
 * @example
 * import { matmul, ShapeError, zeros } from "typegrad"
 * const bad = (() => {
 *   try {
 *     // a shape the types cannot see: the check happens at run time
 *     return matmul(zeros([2, 3]), zeros([4, 5]) as never)
 *   } catch (e) {
 *     return e
 *   }
 * })()
 * bad instanceof ShapeError // true
 * @category model
 */
export class ShapeError extends Error {
  override readonly name = "ShapeError";
  constructor(
    readonly op: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${op}: ${message}`, options);
  }
}

/**
 * Normalise a runtime axis against a rank, or throw a ShapeError naming the op.
 *
 * @example
 * import { normAxis } from "typegrad"
 * normAxis("sum", -1, 3, [2, 3, 4]) // 2
 * @category shapes
 */
export const normAxis = (op: string, axis: number, rank: number, shape: Sizes): number => {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    // a string from JSON ("1") read as "axis 1 is out of range": say what it is
    if (typeof axis !== "number") throw new TypeError(`${op}: argument 'axis' must be an integer, got ${JSON.stringify(axis) ?? String(axis)}`);
    throw new ShapeError(op, `axis ${axis} is out of range for ${showShape(shape)} (rank ${rank})`);
  }
  return a;
};

/**
 * Number of elements of a runtime shape.
 *
 * @example
 * import { sizeOf } from "typegrad"
 * sizeOf([128, 784]) // 100352
 * @category shapes
 */
export const sizeOf = (s: Sizes): number => {
  let n = 1;
  for (const d of s) n *= d;
  return n;
};
