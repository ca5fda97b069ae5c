/**
 * Reshape and flatten, with exact size arithmetic (`[224, 224, 3]` has 150528 elements).
 * Named dims cancel when both sides carry them: `["m", 784] → ["m", 28, 28]` is checked as
 * `784 = 28 × 28`.
 *
 * @module
 */
import type { DivMod, IsNat, Product } from "./arith.js";
import { type Dim, type IsTuple, type Mismatch, type NormAxis, normAxis, type Shape, type ShowShape, type Sizes, sizeOf } from "./dims.js";

/** Remove the first occurrence of D from S; `false` when D is absent. */
type RemoveFirst<S extends readonly Dim[], D, Acc extends Dim[] = []> = S extends readonly [infer H extends Dim, ...infer T extends Dim[]]
  ? [H] extends [D]
    ? [D] extends [H]
      ? [...Acc, ...T]
      : RemoveFirst<T, D, [...Acc, H]>
    : RemoveFirst<T, D, [...Acc, H]>
  : false;

/** Cancel the named dims of T against those of S: [S', T'] with the shared names removed. */
type Cancel<S extends readonly Dim[], T extends readonly Dim[], TL extends Dim[] = []> = T extends readonly [infer H extends Dim, ...infer R extends Dim[]]
  ? H extends string
    ? RemoveFirst<S, H> extends infer S2 extends Dim[]
      ? Cancel<S2, R, TL>
      : Cancel<S, R, [...TL, H]>
    : Cancel<S, R, [...TL, H]>
  : [S, TL];

type Without<T extends readonly Dim[], D, Acc extends Dim[] = []> = T extends readonly [infer H extends Dim, ...infer R extends Dim[]]
  ? [H] extends [D]
    ? Without<R, D, Acc>
    : Without<R, D, [...Acc, H]>
  : Acc;

type AllNat<T extends readonly Dim[]> = T extends readonly [infer H, ...infer R extends Dim[]] ? (IsNat<H> extends true ? AllNat<R> : false) : true;

type CountNeg1<T extends readonly Dim[], N extends unknown[] = []> = T extends readonly [infer H, ...infer R extends Dim[]] ? CountNeg1<R, [H] extends [-1] ? [...N, 0] : N> : N["length"];

type Fill<T extends readonly Dim[], V extends Dim> = { -readonly [K in keyof T]: [T[K]] extends [-1] ? V : T[K] };

type Rule<S extends Shape, T extends Shape> =
  CountNeg1<T> extends 0 | 1
    ? Cancel<S, T> extends [infer SL extends Dim[], infer TL extends Dim[]]
      ? AllNat<SL> extends true
        ? AllNat<Without<TL, -1>> extends true
          ? Product<SL> extends infer PS extends number
            ? Product<Without<TL, -1>> extends infer PT extends number
              ? number extends PS | PT
                ? Fill<T, number> // beyond 2^53 a size is unknown: nothing to check
                : CountNeg1<T> extends 1
                  ? DivMod<PS, PT> extends [infer Q extends number, 0]
                    ? Fill<T, Q>
                    : Mismatch<`reshape: cannot reshape ${ShowShape<S>} into ${ShowShape<T>}: ${PS} elements${Per<T>} do not divide into parts of ${PT}`>
                  : [PS] extends [PT]
                    ? Fill<T, never>
                    : Mismatch<`reshape: cannot reshape ${ShowShape<S>} (${PS} elements${Per<T>}) into ${ShowShape<T>} (${PT} elements${Per<T>})`>
              : never
            : never
          : Fill<T, number>
        : CountNeg1<T> extends 1
          ? OneName<SL> extends infer n extends string
            ? PerExample<S, T, n, Product<Without<SL, n>>, Product<Without<TL, -1>>>
            : Fill<T, number>
          : Fill<T, number>
      : never
    : Mismatch<`reshape: at most one -1 is allowed, got ${ShowShape<T>}`>;

/**
 * A `-1` beside S's one named dim `n` (PE elements per `n`), with PT known elements in the rest of
 * T: the `-1` is `n` itself when PE = PT, a multiple or a fraction of `n` when one of PE and PT
 * divides the other, and a mismatch otherwise (`['m', 28, 28] → [-1, 780]`).
 */
type PerExample<S extends Shape, T extends Shape, n extends string, PE extends number, PT extends number> = [PE] extends [PT]
  ? Fill<T, n>
  : number extends PE | PT
    ? Fill<T, number>
    : DivMod<PE, PT> extends [number, 0]
      ? Fill<T, number>
      : DivMod<PT, PE> extends [number, 0]
        ? Fill<T, number>
        : Mismatch<`reshape: cannot reshape ${ShowShape<S>} into ${ShowShape<T>}: ${PE} elements per '${n}' and parts of ${PT} do not divide one another`>;

/** The only named dim of T when every other dim is a size literal, else `false`. */
type OneName<T extends readonly Dim[], Found extends string | false = false> = T extends readonly [infer H, ...infer R extends Dim[]]
  ? H extends string
    ? string extends H
      ? false
      : Found extends false
        ? OneName<R, H>
        : false
    : IsNat<H> extends true
      ? OneName<R, Found>
      : false
  : Found;

/**
 * Every named dim of T sits at an axis where S carries the same name (a name keeps its axis, so
 * the runtime can read its size from `x`): `true`, or the `Mismatch` for the first that does not.
 */
type NamesKept<S extends Shape, T extends Shape, Rest extends readonly Dim[] = T, I extends unknown[] = []> = Rest extends readonly [infer H, ...infer R extends Dim[]]
  ? H extends string
    ? [S[I["length"]]] extends [H]
      ? [H] extends [S[I["length"]]]
        ? NamesKept<S, T, R, [...I, 0]>
        : NameLost<S, T, H, I["length"]>
      : NameLost<S, T, H, I["length"]>
    : NamesKept<S, T, R, [...I, 0]>
  : true;

/** The named dims of T (which cancel against S's) as a message suffix: ` per 'm'`, ` per 'b' × 't'`, or nothing. */
type Per<T, Acc extends string = ""> = T extends readonly [infer H, ...infer R]
  ? Per<R, H extends string ? (Acc extends "" ? `'${H}'` : `${Acc} × '${H}'`) : Acc>
  : Acc extends ""
    ? ""
    : ` per ${Acc}`;

type NameLost<
  S extends Shape,
  T extends Shape,
  H extends string,
  I extends number,
> = Mismatch<`reshape: cannot reshape ${ShowShape<S>} into ${ShowShape<T>}: a named target dim keeps its axis, and axis ${I} of ${ShowShape<S>} is not '${H}'`>;

/**
 * T with its `-1` (if any) solved, when S and T hold the same number of elements; a `Mismatch`
 * when the sizes are known and differ. A `-1` standing for S's one named dim becomes that name
 * (`["m", 784] → [-1, 28, 28]` is `["m", 28, 28]`); other unknown sizes make it `number`. T may
 * name a dim of S at the same axis; named dims cancel (`["m", 784] → ["m", 28, 28]` is checked
 * as `784 = 28 × 28`).
 *
 * @example
 * type S = Reshape<["m", 784], ["m", 28, -1]> // ["m", 28, 28]
 * @category rules
 */
export type Reshape<S extends Shape, T extends Shape> =
  IsTuple<S> extends true
    ? IsTuple<T> extends true
      ? KeepBatch<S, T> extends [true, infer K]
        ? K
        : NamesKept<S, T> extends infer E extends Mismatch<string>
          ? E
          : Rule<S, T>
      : Shape
    : IsTuple<T> extends true
      ? Fill<T, number>
      : Shape;

/**
 * The batch fast path, `[B, ...R] → [-1, ...R']` with the same known number of elements in `R` and
 * `R'`: `[true, [B, ...R']]`, else `false`. It never inspects `B`, so `B` may be a type parameter
 * (`function f<N extends number>(x: Tensor<[N, 28, 28]>) { return reshape(x, [-1, 784]) }` is
 * `Tensor<[N, 784]>`); for a known `B` it gives what {@link Reshape}'s general rule gives.
 */
type KeepBatch<S extends Shape, T extends Shape> = T extends readonly [-1, ...infer TR extends Dim[]]
  ? S extends readonly [infer B, ...infer SR extends Dim[]]
    ? AllNat<SR> extends true
      ? AllNat<TR> extends true
        ? Product<SR> extends infer PS extends number
          ? number extends PS
            ? false
            : [PS] extends [Product<TR>]
              ? [true, [B, ...TR]]
              : false
          : false
        : false
      : false
    : false
  : false;

/** Runtime twin of {@link Reshape} (in `reshapeSizes.ts`, which imports no type-level arithmetic). */
export { reshape } from "./reshapeSizes.js";

type Prod<T extends readonly Dim[]> = AllNat<T> extends true ? Product<T> : number;
type SplitAt<S extends readonly Dim[], N extends number, Acc extends Dim[] = []> = Acc["length"] extends N
  ? [Acc, S]
  : S extends readonly [infer H extends Dim, ...infer R extends Dim[]]
    ? SplitAt<R, N, [...Acc, H]>
    : [Acc, S];

/**
 * S with axes `Start..` merged into one (all of them by default): `Flatten<[m, 28, 28], 1> = [m, 784]`.
 *
 * @example
 * type S = Flatten<[2, 3, 4]> // [24]
 * @category rules
 */
export type Flatten<S extends Shape, Start extends number = 0> =
  IsTuple<S> extends true
    ? S extends readonly []
      ? [1]
      : NormAxis<Start, S["length"]> extends infer n extends number
        ? [n] extends [never]
          ? Mismatch<`flatten: start axis ${Start} is out of range for ${ShowShape<S>} (rank ${S["length"]})`>
          : number extends n
            ? number[]
            : SplitAt<S, n> extends [infer H extends Dim[], infer T extends Dim[]]
              ? [...H, Prod<T>]
              : never
        : never
    : number[];

/** Runtime twin of {@link Flatten}. */
export const flatten = (s: Sizes, start = 0): number[] => {
  if (s.length === 0) return [1];
  const n = normAxis("flatten", start, s.length, s);
  return [...s.slice(0, n), sizeOf(s.slice(n))];
};
