/**
 * Concatenation along an axis: every other dim must agree, the axis dims add up (exactly).
 *
 * @module
 */
import type { Add } from "./arith.js";
import { type DimsAgree, type IsTuple, type Mismatch, type NormAxis, normAxis, type Shape, ShapeError, type ShowShape, type Sizes, showShape, type Unify } from "./dims.js";

type AddDims<A, B> = A extends number ? (B extends number ? Add<A, B> : number) : number;

type Pair<A extends Shape, B extends Shape, N extends number> = { -readonly [K in keyof A]: K extends `${N}` ? AddDims<A[K], B[K & keyof B]> : Unify<A[K], B[K & keyof B]> };

/**
 * Whether A and B agree off axis N, as a tuple of booleans: decided from `Same`/`IsUnknownDim`
 * alone, so a generic batch dim `N` shared by both (`[N, 3]`, `[N, 4]`) is not deferred.
 */
type Agree<A extends Shape, B extends Shape, N extends number> = { [K in keyof A]: K extends `${N}` ? true : DimsAgree<A[K], B[K & keyof B]> };

type Loop<Ss extends readonly Shape[], N extends number, Axis extends number, First extends Shape, Acc extends Shape> = Ss extends readonly [infer H extends Shape, ...infer R extends Shape[]]
  ? IsTuple<H> extends false
    ? Shape
    : H["length"] extends Acc["length"]
      ? false extends Agree<Acc, H, N>[number]
        ? Mismatch<`concat: shapes ${ShowShape<First>} and ${ShowShape<H>} differ off the concat axis ${Axis}`>
        : Loop<R, N, Axis, First, Pair<Acc, H, N>>
      : Mismatch<`concat: shapes ${ShowShape<First>} and ${ShowShape<H>} differ in rank`>
  : Acc;

/**
 * The shape of `concat(tensors, axis)`.
 *
 * @example
 * type S = Concat<[[2, 3], [5, 3]], 0> // [7, 3]
 * @category rules
 */
export type Concat<Ss extends readonly Shape[], Axis extends number = 0> = Ss extends readonly [infer F extends Shape, ...infer R extends Shape[]]
  ? IsTuple<F> extends true
    ? NormAxis<Axis, F["length"]> extends infer n extends number
      ? [n] extends [never]
        ? Mismatch<`concat: axis ${Axis} is out of range for ${ShowShape<F>} (rank ${F["length"]})`>
        : number extends n
          ? Shape
          : Loop<R, n, Axis, F, { -readonly [K in keyof F]: F[K] }>
      : never
    : Shape
  : Ss extends readonly []
    ? Mismatch<"concat: needs at least one tensor">
    : Shape;

/** Runtime twin of {@link Concat}. */
export const concat = (ss: readonly Sizes[], axis = 0): number[] => {
  const first = ss[0];
  if (first === undefined) throw new ShapeError("concat", "needs at least one tensor");
  const n = normAxis("concat", axis, first.length, first);
  const out = [...first];
  for (const s of ss.slice(1)) {
    if (s.length !== first.length) throw new ShapeError("concat", `shapes ${showShape(first)} and ${showShape(s)} differ in rank`);
    s.forEach((d, i) => {
      if (i !== n && d !== first[i]) throw new ShapeError("concat", `shapes ${showShape(first)} and ${showShape(s)} differ off the concat axis ${axis}`);
    });
    out[n] = (out[n] as number) + (s[n] as number);
  }
  return out;
};
