/**
 * numpy broadcasting: shapes are aligned on the right; two dims agree when they are equal or
 * one of them is 1. `[2, 3] + [1, 3] → [2, 3]`, `[n, m] + [n, 1] → [n, m]`, `[4, 1] + [] → [4, 1]`.
 *
 * @module
 */
import { type Dim, type DimsAgree, type IsTuple, type Mismatch, type NoUnify, type Shape, ShapeError, type ShowDim, type ShowShape, type Sizes, showShape, type Unify } from "./dims.js";

/**
 * One broadcast dim. The first test (b is 1, or a and b are the same type) is written on object
 * types, so TypeScript decides it when `a` is a type parameter: generic code adding `[N, M]` and
 * `[1, 1]`, or `[B, M, N]` and `[M, N]`, type-checks.
 */
type BDim<A, B> = { a: A; b: B } extends { a: unknown; b: 1 } | { a: B; b: A } ? A : [A] extends [1] ? B : Unify<A, B>;

/**
 * Whether two dims broadcast, as `true`/`false`, decided in {@link BDim}'s order (so a `1` on the
 * left of a type parameter stays deferred in both, and the call is an error rather than a result
 * of unevaluated types).
 */
type BAgree<A, B> = { a: A; b: B } extends { a: unknown; b: 1 } | { a: B; b: A } ? true : [A] extends [1] ? true : DimsAgree<A, B>;

type Loop<A extends Shape, B extends Shape, A0 extends Shape, B0 extends Shape, Op extends string, Acc extends Dim[] = []> = A extends readonly [...infer AH extends Dim[], infer a extends Dim]
  ? B extends readonly [...infer BH extends Dim[], infer b extends Dim]
    ? BAgree<a, b> extends true
      ? Loop<AH, BH, A0, B0, Op, [BDim<a, b> & Dim, ...Acc]>
      : Mismatch<`${Op}: shapes ${ShowShape<A0>} and ${ShowShape<B0>} do not broadcast (${ShowDim<a>} vs ${ShowDim<b>})`>
    : [...A, ...Acc]
  : [...B, ...Acc];

/**
 * The broadcast shape of A and B, or a `Mismatch` naming `Op` and both shapes.
 *
 * @example
 * type S = Broadcast<[2, 3], [1, 3]> // [2, 3]
 * @category rules
 */
export type Broadcast<A extends Shape, B extends Shape, Op extends string = "broadcast"> = IsTuple<A> extends true ? (IsTuple<B> extends true ? Loop<A, B, A, B, Op> : Shape) : Shape;

/** Runtime twin of {@link Broadcast}. Throws a `ShapeError` naming `op` and both shapes. */
export const broadcast = (a: Sizes, b: Sizes, op = "broadcast"): number[] => {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i] ?? 1;
    const y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(op, `shapes ${showShape(a)} and ${showShape(b)} do not broadcast (${x} vs ${y})`);
    }
    out[n - i] = x === 1 ? y : x;
  }
  return out;
};

type ToLoop<S extends Shape, T extends Shape, S0 extends Shape, T0 extends Shape> = S extends readonly [...infer SH extends Dim[], infer s]
  ? T extends readonly [...infer TH extends Dim[], infer t]
    ? [s] extends [1]
      ? ToLoop<SH, TH, S0, T0>
      : Unify<s, t> extends NoUnify
        ? Mismatch<`broadcastTo: cannot broadcast ${ShowShape<S0>} to ${ShowShape<T0>} (${ShowDim<s>} vs ${ShowDim<t>})`>
        : ToLoop<SH, TH, S0, T0>
    : Mismatch<`broadcastTo: cannot broadcast ${ShowShape<S0>} to ${ShowShape<T0>} (rank ${S0["length"]} > ${T0["length"]})`>
  : T0;

/**
 * T, when S broadcasts to T (every dim of S, aligned right, is 1 or T's dim).
 *
 * @example
 * type S = BroadcastTo<[1, 3], [4, 3]> // [4, 3]
 * @category rules
 */
export type BroadcastTo<S extends Shape, T extends Shape> = IsTuple<S> extends true ? (IsTuple<T> extends true ? ToLoop<S, T, S, T> : T) : T;

/** Runtime twin of {@link BroadcastTo}. */
export const broadcastTo = (s: Sizes, t: Sizes): number[] => {
  if (s.length > t.length) throw new ShapeError("broadcastTo", `cannot broadcast ${showShape(s)} to ${showShape(t)} (rank ${s.length} > ${t.length})`);
  for (let i = 1; i <= s.length; i++) {
    const x = s[s.length - i] as number;
    const y = t[t.length - i] as number;
    if (x !== 1 && x !== y) throw new ShapeError("broadcastTo", `cannot broadcast ${showShape(s)} to ${showShape(t)} (${x} vs ${y})`);
  }
  return [...t];
};
