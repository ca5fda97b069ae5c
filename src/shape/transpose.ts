/**
 * Axis permutations: `Transpose<[M, N]> = [N, M]`; `Permute<[B, H, W], [0, 2, 1]> = [B, W, H]`.
 *
 * @module
 */
import { type Dim, type IsTuple, type Mismatch, type NormAxis, type Shape, ShapeError, type ShowShape, type Sizes, showShape } from "./dims.js";

/**
 * The transpose of a 2-D shape.
 *
 * @example
 * type S = Transpose<[3, "m"]> // ["m", 3]
 * @category rules
 */
export type Transpose<S extends Shape> =
  IsTuple<S> extends true
    ? S extends readonly [infer M extends Dim, infer N extends Dim]
      ? [N, M]
      : Mismatch<`transpose: expects a 2-D tensor, got ${ShowShape<S>} (use permute for other ranks)`>
    : [number, number];

/** Runtime twin of {@link Transpose}. */
export const transpose = (s: Sizes): number[] => {
  if (s.length !== 2) throw new ShapeError("transpose", `expects a 2-D tensor, got ${showShape(s)} (use permute for other ranks)`);
  return [s[1] as number, s[0] as number];
};

type ShowAxes<A extends readonly number[]> = `[${A extends readonly [] ? "" : JoinAxes<A>}]`;
type JoinAxes<A, Acc extends string = ""> = A extends readonly [infer H extends number, ...infer T] ? JoinAxes<T, Acc extends "" ? `${H}` : `${Acc}, ${H}`> : Acc;

type PermLoop<S extends Shape, Ax extends readonly number[], Ax0 extends readonly number[], Seen = never, Acc extends Dim[] = []> = Ax extends readonly [
  infer a extends number,
  ...infer R extends number[],
]
  ? NormAxis<a, S["length"]> extends infer n extends number
    ? [n] extends [never]
      ? Mismatch<`permute: axis ${a} is out of range for ${ShowShape<S>}`>
      : number extends n
        ? PermLoop<S, R, Ax0, Seen, [...Acc, number]>
        : [n] extends [Seen]
          ? Mismatch<`permute: axes ${ShowAxes<Ax0>} repeat axis ${n}`>
          : PermLoop<S, R, Ax0, Seen | n, [...Acc, S[n]]>
    : Mismatch<`permute: axis ${a} is out of range for ${ShowShape<S>}`>
  : Acc;

/**
 * S with its axes reordered: output axis i is input axis `Axes[i]` (negative axes count from the end).
 *
 * @example
 * type S = Permute<[2, 3, 4], [2, 0, 1]> // [4, 2, 3]
 * @category rules
 */
export type Permute<S extends Shape, Axes extends readonly number[]> =
  IsTuple<S> extends true
    ? IsTuple<Axes> extends true
      ? Axes["length"] extends S["length"]
        ? PermLoop<S, Axes, Axes>
        : Mismatch<`permute: ${Axes["length"]} axes ${ShowAxes<Axes>} given for ${ShowShape<S>} of rank ${S["length"]}`>
      : Shape
    : Shape;

/** Runtime twin of {@link Permute}. */
export const permute = (s: Sizes, axes: readonly number[]): number[] => {
  if (axes.length !== s.length) {
    throw new ShapeError("permute", `${axes.length} axes [${axes.join(", ")}] given for ${showShape(s)} of rank ${s.length}`);
  }
  const seen = new Set<number>();
  return axes.map((a) => {
    const n = a < 0 ? a + s.length : a;
    if (!Number.isInteger(a) || n < 0 || n >= s.length) throw new ShapeError("permute", `axis ${a} is out of range for ${showShape(s)}`);
    if (seen.has(n)) throw new ShapeError("permute", `axes [${axes.join(", ")}] repeat axis ${n}`);
    seen.add(n);
    return s[n] as number;
  });
};
