/**
 * Exact type-level arithmetic on non-negative integer literals, digit by digit on decimal
 * strings. Tuple-length arithmetic stops at 9,999 (TS2799); this module is exact up to 2^53
 * (`Mul<224, Mul<224, 3>>` is `150528`). A result that is not a safe integer, or any operand
 * that is not a non-negative integer literal, gives plain `number` ("unknown size").
 *
 * Every loop is tail-recursive, so TypeScript evaluates it iteratively.
 *
 * @module
 */

type Digit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";

/** `AddT[a][b]` = [digit, carry] of a + b. */
type AddT = {
  "0": { "0": ["0", 0]; "1": ["1", 0]; "2": ["2", 0]; "3": ["3", 0]; "4": ["4", 0]; "5": ["5", 0]; "6": ["6", 0]; "7": ["7", 0]; "8": ["8", 0]; "9": ["9", 0] };
  "1": { "0": ["1", 0]; "1": ["2", 0]; "2": ["3", 0]; "3": ["4", 0]; "4": ["5", 0]; "5": ["6", 0]; "6": ["7", 0]; "7": ["8", 0]; "8": ["9", 0]; "9": ["0", 1] };
  "2": { "0": ["2", 0]; "1": ["3", 0]; "2": ["4", 0]; "3": ["5", 0]; "4": ["6", 0]; "5": ["7", 0]; "6": ["8", 0]; "7": ["9", 0]; "8": ["0", 1]; "9": ["1", 1] };
  "3": { "0": ["3", 0]; "1": ["4", 0]; "2": ["5", 0]; "3": ["6", 0]; "4": ["7", 0]; "5": ["8", 0]; "6": ["9", 0]; "7": ["0", 1]; "8": ["1", 1]; "9": ["2", 1] };
  "4": { "0": ["4", 0]; "1": ["5", 0]; "2": ["6", 0]; "3": ["7", 0]; "4": ["8", 0]; "5": ["9", 0]; "6": ["0", 1]; "7": ["1", 1]; "8": ["2", 1]; "9": ["3", 1] };
  "5": { "0": ["5", 0]; "1": ["6", 0]; "2": ["7", 0]; "3": ["8", 0]; "4": ["9", 0]; "5": ["0", 1]; "6": ["1", 1]; "7": ["2", 1]; "8": ["3", 1]; "9": ["4", 1] };
  "6": { "0": ["6", 0]; "1": ["7", 0]; "2": ["8", 0]; "3": ["9", 0]; "4": ["0", 1]; "5": ["1", 1]; "6": ["2", 1]; "7": ["3", 1]; "8": ["4", 1]; "9": ["5", 1] };
  "7": { "0": ["7", 0]; "1": ["8", 0]; "2": ["9", 0]; "3": ["0", 1]; "4": ["1", 1]; "5": ["2", 1]; "6": ["3", 1]; "7": ["4", 1]; "8": ["5", 1]; "9": ["6", 1] };
  "8": { "0": ["8", 0]; "1": ["9", 0]; "2": ["0", 1]; "3": ["1", 1]; "4": ["2", 1]; "5": ["3", 1]; "6": ["4", 1]; "7": ["5", 1]; "8": ["6", 1]; "9": ["7", 1] };
  "9": { "0": ["9", 0]; "1": ["0", 1]; "2": ["1", 1]; "3": ["2", 1]; "4": ["3", 1]; "5": ["4", 1]; "6": ["5", 1]; "7": ["6", 1]; "8": ["7", 1]; "9": ["8", 1] };
};

/** `SubT[a][b]` = [digit, borrow] of a - b. */
type SubT = {
  "0": { "0": ["0", 0]; "1": ["9", 1]; "2": ["8", 1]; "3": ["7", 1]; "4": ["6", 1]; "5": ["5", 1]; "6": ["4", 1]; "7": ["3", 1]; "8": ["2", 1]; "9": ["1", 1] };
  "1": { "0": ["1", 0]; "1": ["0", 0]; "2": ["9", 1]; "3": ["8", 1]; "4": ["7", 1]; "5": ["6", 1]; "6": ["5", 1]; "7": ["4", 1]; "8": ["3", 1]; "9": ["2", 1] };
  "2": { "0": ["2", 0]; "1": ["1", 0]; "2": ["0", 0]; "3": ["9", 1]; "4": ["8", 1]; "5": ["7", 1]; "6": ["6", 1]; "7": ["5", 1]; "8": ["4", 1]; "9": ["3", 1] };
  "3": { "0": ["3", 0]; "1": ["2", 0]; "2": ["1", 0]; "3": ["0", 0]; "4": ["9", 1]; "5": ["8", 1]; "6": ["7", 1]; "7": ["6", 1]; "8": ["5", 1]; "9": ["4", 1] };
  "4": { "0": ["4", 0]; "1": ["3", 0]; "2": ["2", 0]; "3": ["1", 0]; "4": ["0", 0]; "5": ["9", 1]; "6": ["8", 1]; "7": ["7", 1]; "8": ["6", 1]; "9": ["5", 1] };
  "5": { "0": ["5", 0]; "1": ["4", 0]; "2": ["3", 0]; "3": ["2", 0]; "4": ["1", 0]; "5": ["0", 0]; "6": ["9", 1]; "7": ["8", 1]; "8": ["7", 1]; "9": ["6", 1] };
  "6": { "0": ["6", 0]; "1": ["5", 0]; "2": ["4", 0]; "3": ["3", 0]; "4": ["2", 0]; "5": ["1", 0]; "6": ["0", 0]; "7": ["9", 1]; "8": ["8", 1]; "9": ["7", 1] };
  "7": { "0": ["7", 0]; "1": ["6", 0]; "2": ["5", 0]; "3": ["4", 0]; "4": ["3", 0]; "5": ["2", 0]; "6": ["1", 0]; "7": ["0", 0]; "8": ["9", 1]; "9": ["8", 1] };
  "8": { "0": ["8", 0]; "1": ["7", 0]; "2": ["6", 0]; "3": ["5", 0]; "4": ["4", 0]; "5": ["3", 0]; "6": ["2", 0]; "7": ["1", 0]; "8": ["0", 0]; "9": ["9", 1] };
  "9": { "0": ["9", 0]; "1": ["8", 0]; "2": ["7", 0]; "3": ["6", 0]; "4": ["5", 0]; "5": ["4", 0]; "6": ["3", 0]; "7": ["2", 0]; "8": ["1", 0]; "9": ["0", 0] };
};

/** `MulT[a][b]` = [low digit, high digit] of a × b. */
type MulT = {
  "0": { "0": ["0", "0"]; "1": ["0", "0"]; "2": ["0", "0"]; "3": ["0", "0"]; "4": ["0", "0"]; "5": ["0", "0"]; "6": ["0", "0"]; "7": ["0", "0"]; "8": ["0", "0"]; "9": ["0", "0"] };
  "1": { "0": ["0", "0"]; "1": ["1", "0"]; "2": ["2", "0"]; "3": ["3", "0"]; "4": ["4", "0"]; "5": ["5", "0"]; "6": ["6", "0"]; "7": ["7", "0"]; "8": ["8", "0"]; "9": ["9", "0"] };
  "2": { "0": ["0", "0"]; "1": ["2", "0"]; "2": ["4", "0"]; "3": ["6", "0"]; "4": ["8", "0"]; "5": ["0", "1"]; "6": ["2", "1"]; "7": ["4", "1"]; "8": ["6", "1"]; "9": ["8", "1"] };
  "3": { "0": ["0", "0"]; "1": ["3", "0"]; "2": ["6", "0"]; "3": ["9", "0"]; "4": ["2", "1"]; "5": ["5", "1"]; "6": ["8", "1"]; "7": ["1", "2"]; "8": ["4", "2"]; "9": ["7", "2"] };
  "4": { "0": ["0", "0"]; "1": ["4", "0"]; "2": ["8", "0"]; "3": ["2", "1"]; "4": ["6", "1"]; "5": ["0", "2"]; "6": ["4", "2"]; "7": ["8", "2"]; "8": ["2", "3"]; "9": ["6", "3"] };
  "5": { "0": ["0", "0"]; "1": ["5", "0"]; "2": ["0", "1"]; "3": ["5", "1"]; "4": ["0", "2"]; "5": ["5", "2"]; "6": ["0", "3"]; "7": ["5", "3"]; "8": ["0", "4"]; "9": ["5", "4"] };
  "6": { "0": ["0", "0"]; "1": ["6", "0"]; "2": ["2", "1"]; "3": ["8", "1"]; "4": ["4", "2"]; "5": ["0", "3"]; "6": ["6", "3"]; "7": ["2", "4"]; "8": ["8", "4"]; "9": ["4", "5"] };
  "7": { "0": ["0", "0"]; "1": ["7", "0"]; "2": ["4", "1"]; "3": ["1", "2"]; "4": ["8", "2"]; "5": ["5", "3"]; "6": ["2", "4"]; "7": ["9", "4"]; "8": ["6", "5"]; "9": ["3", "6"] };
  "8": { "0": ["0", "0"]; "1": ["8", "0"]; "2": ["6", "1"]; "3": ["4", "2"]; "4": ["2", "3"]; "5": ["0", "4"]; "6": ["8", "4"]; "7": ["6", "5"]; "8": ["4", "6"]; "9": ["2", "7"] };
  "9": { "0": ["0", "0"]; "1": ["9", "0"]; "2": ["8", "1"]; "3": ["7", "2"]; "4": ["6", "3"]; "5": ["5", "4"]; "6": ["4", "5"]; "7": ["3", "6"]; "8": ["2", "7"]; "9": ["1", "8"] };
};

/** Reverse a string, so loops can walk digits from the least significant one. */
type Rev<S extends string, Acc extends string = ""> = S extends `${infer H}${infer T}` ? Rev<T, `${H}${Acc}`> : Acc;

/** Drop leading zeros ("007" → "7", "000" → "0"). */
type Trim<S extends string> = S extends `0${infer T extends `${Digit}${string}`}` ? Trim<T> : S;

/** Sum of two reversed digit strings, carry C; Acc grows most significant digit first. */
type AddRev<A extends string, B extends string, C extends 0 | 1 = 0, Acc extends string = ""> = A extends `${infer a extends Digit}${infer AT}`
  ? B extends `${infer b extends Digit}${infer BT}`
    ? AddStep<AddT[a][b], C, AT, BT, Acc>
    : AddStep<AddT[a]["0"], C, AT, "", Acc>
  : B extends `${infer b extends Digit}${infer BT}`
    ? AddStep<AddT["0"][b], C, "", BT, Acc>
    : C extends 1
      ? `1${Acc}`
      : Acc;
type AddStep<P extends [Digit, 0 | 1], C extends 0 | 1, AT extends string, BT extends string, Acc extends string> = C extends 1
  ? AddT[P[0]]["1"] extends [infer d extends Digit, infer c extends 0 | 1]
    ? AddRev<AT, BT, P[1] extends 1 ? 1 : c, `${d}${Acc}`>
    : never
  : AddRev<AT, BT, P[1], `${P[0]}${Acc}`>;

/** Difference A - B of reversed digit strings, A ≥ B; borrow W. */
type SubRev<A extends string, B extends string, W extends 0 | 1 = 0, Acc extends string = ""> = A extends `${infer a extends Digit}${infer AT}`
  ? B extends `${infer b extends Digit}${infer BT}`
    ? SubStep<SubT[a][b], W, AT, BT, Acc>
    : SubStep<SubT[a]["0"], W, AT, "", Acc>
  : Acc;
type SubStep<P extends [Digit, 0 | 1], W extends 0 | 1, AT extends string, BT extends string, Acc extends string> = W extends 1
  ? SubT[P[0]]["1"] extends [infer d extends Digit, infer w extends 0 | 1]
    ? SubRev<AT, BT, P[1] extends 1 ? 1 : w, `${d}${Acc}`>
    : never
  : SubRev<AT, BT, P[1], `${P[0]}${Acc}`>;

/** A (reversed) times one digit d, carry C (a digit); result most significant digit first. */
type MulDigitRev<A extends string, d extends Digit, C extends Digit = "0", Acc extends string = ""> = A extends `${infer a extends Digit}${infer AT}`
  ? MulT[a][d] extends [infer lo extends Digit, infer hi extends Digit]
    ? AddT[lo][C] extends [infer r extends Digit, infer c extends 0 | 1]
      ? MulDigitRev<AT, d, c extends 1 ? AddT[hi]["1"][0] : hi, `${r}${Acc}`>
      : never
    : never
  : C extends "0"
    ? Acc
    : `${C}${Acc}`;

/** Long multiplication: B (reversed) digit by digit, each partial product shifted by Z zeros. */
type MulRev<A extends string, B extends string, Z extends string = "", Acc extends string = "0"> = B extends `${infer b extends Digit}${infer BT}`
  ? MulRev<A, BT, `${Z}0`, StrAdd<Acc, `${MulDigitRev<A, b>}${Z}`>>
  : Acc;

/** Is A < B, for digit strings without leading zeros? */
type StrLt<A extends string, B extends string> = LenCmp<A, B> extends infer c ? (c extends "lt" ? true : c extends "gt" ? false : DigitsLt<A, B>) : never;
type LenCmp<A extends string, B extends string> = A extends `${Digit}${infer AT}` ? (B extends `${Digit}${infer BT}` ? LenCmp<AT, BT> : "gt") : B extends "" ? "eq" : "lt";
type DigitsLt<A extends string, B extends string> = A extends `${infer a extends Digit}${infer AT}`
  ? B extends `${infer b extends Digit}${infer BT}`
    ? a extends b
      ? DigitsLt<AT, BT>
      : "0123456789" extends `${string}${a}${string}${b}${string}`
        ? true
        : false
    : false
  : false;

/** Long division: [quotient, remainder] of digit strings, B > 0. */
type StrDivMod<A extends string, B extends string, Q extends string = "", R extends string = "0"> = A extends `${infer a extends Digit}${infer AT}`
  ? FitCount<Trim<`${R}${a}`>, B> extends [infer q extends string, infer r extends string]
    ? StrDivMod<AT, B, `${Q}${q}`, r>
    : never
  : [Trim<Q extends "" ? "0" : Q>, R];
/** How many times B fits in R (at most 9 when called from StrDivMod), and what is left. */
type FitCount<R extends string, B extends string, N extends unknown[] = []> = StrLt<R, B> extends true ? [`${N["length"]}`, R] : FitCount<StrSub<R, B>, B, [...N, 0]>;

type StrAdd<A extends string, B extends string> = AddRev<Rev<A>, Rev<B>>;
type StrSub<A extends string, B extends string> = Trim<SubRev<Rev<A>, Rev<B>>>;
type StrMul<A extends string, B extends string> = Trim<MulRev<Rev<A>, Rev<B>>>;

/** A digit string back to a number literal: `number` if it is not a safe integer. */
type ToNum<S extends string> = S extends `${infer N extends number}` ? (`${N}` extends S ? Safe<N> : number) : number;
type Safe<N extends number> = StrLt<`${N}`, "9007199254740992"> extends true ? N : number;

/** True when N is a non-negative integer literal (not `number`, not negative, not fractional). */
export type IsNat<N> = N extends number
  ? number extends N
    ? false
    : `${N}` extends `${Digit}` | `${Exclude<Digit, "0">}${Digit | ""}${string}`
      ? `${N}` extends `${string}${"." | "-" | "e"}${string}`
        ? false
        : true
      : false
  : false;

/** `A + B`, exact; `number` if either is not a natural literal. @category shapes */
export type Add<A extends number, B extends number> = IsNat<A> extends true ? (IsNat<B> extends true ? ToNum<StrAdd<`${A}`, `${B}`>> : number) : number;

/** `A - B`, exact; `never` when B > A; `number` if either is not a natural literal. @category shapes */
export type Sub<A extends number, B extends number> = IsNat<A> extends true ? (IsNat<B> extends true ? (StrLt<`${A}`, `${B}`> extends true ? never : ToNum<StrSub<`${A}`, `${B}`>>) : number) : number;

/** `A × B`, exact up to 2^53; `number` if either is not a natural literal or the result is unsafe. @category shapes */
export type Mul<A extends number, B extends number> = IsNat<A> extends true ? (IsNat<B> extends true ? ToNum<StrMul<`${A}`, `${B}`>> : number) : number;

/** `[A div B, A mod B]`; `never` for B = 0; `[number, number]` if either is not a natural literal. @category shapes */
export type DivMod<A extends number, B extends number> = B extends 0
  ? never
  : IsNat<A> extends true
    ? IsNat<B> extends true
      ? StrDivMod<`${A}`, `${B}`> extends [infer Q extends string, infer R extends string]
        ? [ToNum<Q>, ToNum<R>]
        : never
      : [number, number]
    : [number, number];

/** `A < B` for natural literals; `boolean` when either is unknown. */
export type Lt<A extends number, B extends number> = IsNat<A> extends true ? (IsNat<B> extends true ? StrLt<`${A}`, `${B}`> : boolean) : boolean;

/** Product of a tuple of naturals; `number` as soon as one is unknown. @category shapes */
export type Product<T extends readonly unknown[], Acc extends number = 1> = T extends readonly [infer H, ...infer R]
  ? H extends number
    ? IsNat<H> extends true
      ? Product<R, Mul<Acc, H>>
      : number
    : number
  : number extends T["length"]
    ? number
    : Acc;
