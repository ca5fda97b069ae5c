/**
 * Reductions along one axis (negative axes count from the end), or over everything.
 * `Reduce<[n, m], 1, true> = [n, 1]`, `Reduce<[n, m], -1> = [n]`, `Reduce<[n, m]> = []`.
 *
 * @module
 */
import { type Dim, type IsTuple, type Mismatch, type NormAxis, normAxis, type Shape, type ShowShape, type Sizes } from "./dims.js";

/** S without its element at index N. */
export type RemoveAt<S extends Shape, N extends number, Acc extends Dim[] = []> = S extends readonly [infer H extends Dim, ...infer T extends Dim[]]
  ? Acc["length"] extends N
    ? [...Acc, ...T]
    : RemoveAt<T, N, [...Acc, H]>
  : Acc;

/** S with its element at index N replaced by V. */
export type ReplaceAt<S extends Shape, N extends number, V extends Dim> = { -readonly [K in keyof S]: K extends `${N}` ? V : S[K] };

type AllOnes<S extends Shape> = { -readonly [K in keyof S]: 1 };

/**
 * The shape left by reducing S along `Axis` (all axes when `undefined`), keeping reduced axes as
 * size 1 when `Keep` is true.
 *
 * @example
 * type S = Reduce<[10, "m"], 1, true> // [10, 1]
 * @category rules
 */
export type Reduce<S extends Shape, Axis extends number | undefined = undefined, Keep extends boolean = false, Op extends string = "reduce"> =
  IsTuple<S> extends true
    ? Axis extends number
      ? NormAxis<Axis, S["length"]> extends infer n extends number
        ? [n] extends [never]
          ? Mismatch<`${Op}: axis ${Axis} is out of range for ${ShowShape<S>} (rank ${S["length"]})`>
          : number extends n
            ? Keep extends true
              ? Shape
              : number[]
            : Keep extends true
              ? ReplaceAt<S, n, 1>
              : RemoveAt<S, n>
        : Mismatch<`${Op}: axis ${Axis} is out of range for ${ShowShape<S>} (rank ${S["length"]})`>
      : Keep extends true
        ? AllOnes<S>
        : []
    : Keep extends true
      ? Shape
      : number[];

/** `keepDims`, when a boolean; from JavaScript an options object (`{ keepdims: true }`) would be truthy. */
export const checkKeepDims = (op: string, keepDims: unknown): void => {
  if (typeof keepDims === "boolean") return;
  const got = typeof keepDims === "string" ? JSON.stringify(keepDims) : keepDims !== null && typeof keepDims === "object" ? "an object" : String(keepDims);
  throw new TypeError(`${op}: argument 'keepDims' must be a boolean, got ${got}`);
};

/** Runtime twin of {@link Reduce}. */
export const reduce = (s: Sizes, axis?: number, keepDims = false, op = "reduce"): number[] => {
  checkKeepDims(op, keepDims);
  if (axis === undefined) return keepDims ? s.map(() => 1) : [];
  const n = normAxis(op, axis, s.length, s);
  return keepDims ? s.map((d, i) => (i === n ? 1 : d)) : s.filter((_, i) => i !== n);
};
