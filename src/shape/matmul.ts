/**
 * Matrix product shapes: `[...batch, M, K] @ [...batch', K, N] → [...broadcast(batch, batch'), M, N]`.
 *
 * @module
 */
import { type Broadcast, broadcast } from "./broadcast.js";
import { type Dim, type IsTuple, type Mismatch, type NoUnify, type Shape, ShapeError, type ShowDim, type ShowShape, type Sizes, showShape, type Unify } from "./dims.js";

type Rule<A extends Shape, B extends Shape> = A extends readonly [...infer BA extends Dim[], infer M extends Dim, infer K extends Dim]
  ? B extends readonly [...infer BB extends Dim[], infer K2 extends Dim, infer N extends Dim]
    ? InnerDims<A, B, K, K2, BA, BB, M, N>
    : Mismatch<`matmul: right operand needs at least 2 dimensions (${ShowShape<A>} @ ${ShowShape<B>})`>
  : Mismatch<`matmul: left operand needs at least 2 dimensions (${ShowShape<A>} @ ${ShowShape<B>})`>;

/**
 * The inner dims K of A and K2 of B must agree. Its own alias, so that where the compiler cannot
 * decide (two different type parameters in generic code) the error prints
 * `InnerDims<[O, I], [O, "m"], I, O, …>` rather than the expanded conditional.
 */
type InnerDims<A extends Shape, B extends Shape, K, K2, BA extends Dim[], BB extends Dim[], M extends Dim, N extends Dim> =
  Unify<K, K2> extends NoUnify
    ? Mismatch<`matmul: inner dimensions ${ShowDim<K>} and ${ShowDim<K2>} differ (${ShowShape<A>} @ ${ShowShape<B>})`>
    : Broadcast<BA, BB> extends infer P
      ? P extends readonly Dim[]
        ? [...P, M, N]
        : Mismatch<`matmul: batch dimensions do not broadcast (${ShowShape<A>} @ ${ShowShape<B>})`>
      : never;

/**
 * The shape of `a @ b`, or a `Mismatch` naming both shapes.
 *
 * @example
 * type S = MatMul<[128, 784], [784, "m"]> // [128, "m"]
 * @category rules
 */
export type MatMul<A extends Shape, B extends Shape> = IsTuple<A> extends true ? (IsTuple<B> extends true ? Rule<A, B> : Shape) : Shape;

/** Runtime twin of {@link MatMul}. */
export const matmul = (a: Sizes, b: Sizes): number[] => {
  // the message's text is made only when it is thrown: this rule runs on every product
  const pair = () => `(${showShape(a)} @ ${showShape(b)})`;
  if (a.length < 2) throw new ShapeError("matmul", `left operand needs at least 2 dimensions ${pair()}`);
  if (b.length < 2) throw new ShapeError("matmul", `right operand needs at least 2 dimensions ${pair()}`);
  const k = a[a.length - 1];
  const k2 = b[b.length - 2];
  if (k !== k2) throw new ShapeError("matmul", `inner dimensions ${k} and ${k2} differ ${pair()}`);
  const m = a[a.length - 2] as number;
  const n = b[b.length - 1] as number;
  if (a.length === 2 && b.length === 2) return [m, n];
  let batch: number[];
  try {
    batch = broadcast(a.slice(0, -2), b.slice(0, -2));
  } catch {
    throw new ShapeError("matmul", `batch dimensions do not broadcast ${pair()}`);
  }
  return [...batch, m, n];
};
