/**
 * Slicing one axis: `Slice<[10, "m"], 0, 2, 5> = [3, "m"]`. Bounds are checked when known;
 * at run time negative bounds count from the end, as in Python.
 *
 * @module
 */
import type { Add, IsNat, Lt, Sub } from "./arith.js";
import { type IsTuple, type Mismatch, type NormAxis, normAxis, type Shape, ShapeError, type ShowDim, type ShowShape, type Sizes, showShape } from "./dims.js";
import type { ReplaceAt } from "./reduce.js";

type Len<D, Start extends number, End extends number | undefined> = End extends number
  ? IsNat<Start> extends true
    ? IsNat<End> extends true
      ? IsNat<D> extends true
        ? Lt<D & number, End> extends true
          ? "end"
          : Lt<End, Start> extends true
            ? "order"
            : Sub<End, Start>
        : Lt<End, Start> extends true
          ? "order"
          : Sub<End, Start>
      : number
    : number
  : IsNat<Start> extends true
    ? IsNat<D> extends true
      ? Lt<D & number, Start> extends true
        ? "end"
        : Sub<D & number, Start>
      : number
    : number;

/**
 * The shape of `slice(x, axis, start, end)`: dim `axis` becomes `end - start` (`end` defaults to
 * the dim's size).
 *
 * @example
 * type S = Slice<[10, 4], 0, 2, 5> // [3, 4]
 * @category rules
 */
export type Slice<S extends Shape, Axis extends number, Start extends number, End extends number | undefined = undefined> =
  IsTuple<S> extends true
    ? NormAxis<Axis, S["length"]> extends infer n extends number
      ? [n] extends [never]
        ? Mismatch<`slice: axis ${Axis} is out of range for ${ShowShape<S>} (rank ${S["length"]})`>
        : number extends n
          ? Shape
          : Len<S[n], Start, End> extends infer L
            ? L extends "end" | "order"
              ? Mismatch<`slice: range ${Start}:${End extends number ? End : ""} is out of bounds for axis ${Axis} of ${ShowShape<S>} (size ${ShowDim<S[n]>})`>
              : ReplaceAt<S, n, L & number>
            : never
      : never
    : Shape;

/** `Axis` when it is a valid axis of S, else the `Mismatch` that `Slice` would give for it. */
export type SliceAxis<S extends Shape, Axis extends number> =
  IsTuple<S> extends true ? ([NormAxis<Axis, S["length"]>] extends [never] ? Mismatch<`slice: axis ${Axis} is out of range for ${ShowShape<S>} (rank ${S["length"]})`> : Axis) : Axis;

/** Runtime twin of {@link Slice}: also returns the resolved `[start, end)` bounds. */
export const slice = (s: Sizes, axis: number, start: number, end?: number): { shape: number[]; start: number; end: number } => {
  const n = normAxis("slice", axis, s.length, s);
  const d = s[n] as number;
  const lo = start < 0 ? start + d : start;
  const hi = end === undefined ? d : end < 0 ? end + d : end;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > d || hi < lo) {
    throw new ShapeError("slice", `range ${start}:${end ?? ""} is out of bounds for axis ${axis} of ${showShape(s)} (size ${d})`);
  }
  return { shape: s.map((x, i) => (i === n ? hi - lo : x)), start: lo, end: hi };
};

type PadDim<D, B extends number, A extends number> = D extends number ? (IsNat<D> extends true ? Add<Add<D, B>, A> : number) : number;

/**
 * The shape of `pad(x, axis, before, after)`: dim `axis` grows by `before + after`.
 *
 * @example
 * type S = Pad<[3, 4], 0, 1, 2> // [6, 4]
 * @category rules
 */
export type Pad<S extends Shape, Axis extends number, Before extends number, After extends number> =
  IsTuple<S> extends true
    ? NormAxis<Axis, S["length"]> extends infer n extends number
      ? [n] extends [never]
        ? Mismatch<`pad: axis ${Axis} is out of range for ${ShowShape<S>} (rank ${S["length"]})`>
        : number extends n
          ? Shape
          : ReplaceAt<S, n, PadDim<S[n], Before, After>>
      : never
    : Shape;

/** Runtime twin of {@link Pad}. */
export const pad = (s: Sizes, axis: number, before: number, after: number): number[] => {
  const n = normAxis("pad", axis, s.length, s);
  if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
    throw new ShapeError("pad", `padding must be non-negative integers, got before=${before}, after=${after}`);
  }
  return s.map((d, i) => (i === n ? d + before + after : d));
};
