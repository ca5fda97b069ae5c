/**
 * `where(cond, a, b)`: elementwise `cond ≠ 0 ? a : b`, all three broadcast together.
 *
 * Forward: `out = cond ? a : b`. Pullback: `ct_a = where(cond, ct, 0)`, `ct_b = where(cond, 0, ct)`;
 * `cond` is a mask and gets no cotangent.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { type Broadcast, broadcast } from "../shape/broadcast.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, elementwiseCase, elementwiseTwin, expectTensor, type Operand, one, promote, scalarLike, three } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, exact, type OpDef } from "./spec.js";

/** The shape of an operand: a tensor's, or `[]` for a plain number. */
type ShapeOf<X> = X extends Tensor<infer S> ? S : [];

/** The broadcast shape of cond, a and b. @category model */
export type Where<C extends Shape, A extends Shape, B extends Shape> = Broadcast<C, A, "where"> extends infer CA ? (CA extends Shape ? Broadcast<CA, B, "where"> : CA) : never;

/** The primitive. */
export const wherePrim: Primitive<void> = {
  name: "where",
  shape: (ss) => {
    const [c, a, b] = three(ss);
    return broadcast(broadcast(c, a, "where"), b, "where");
  },
  forward: (xs, ss, _p, out) => {
    const [c, a, b] = three(xs);
    const [sc, sa, sb] = three(ss);
    return c.backend.where(c, sc, a, sa, b, sb, out);
  },
  pullback: (ct, xs, _out, _p, wants) => {
    const c = one(xs);
    return [undefined, wants[1] ? where(c, ct, 0) : undefined, wants[2] ? where(c, 0, ct) : undefined];
  },
};

const whereImpl = (cond: Tensor, a: Operand, b: Operand): Tensor => {
  const c = expectTensor("where", "cond", cond);
  if (typeof a !== "number") expectTensor("where", "a", a);
  if (typeof b !== "number") expectTensor("where", "b", b);
  const x0 = typeof a === "number" ? scalarLike(a, typeof b === "number" ? c : b) : a;
  const y0 = typeof b === "number" ? scalarLike(b, x0) : b;
  const [x, y] = promote(x0, y0);
  return bind(wherePrim, [c, x, y], undefined);
};

/**
 * Elementwise `cond ≠ 0 ? a : b`; `a` and `b` may be plain numbers.
 *
 * @example
 * import { gt, tensor, toArray, where } from "typegrad"
 * const z = tensor([-1, 2])
 * toArray(where(gt(z, 0), z, 0)) // [0, 2]  (ReLU)
 * @category operations
 */
export const where: {
  // Plain-generic fast paths first (generic code such as `where(gt(x, 0), x, 0)` on `Tensor<S>`),
  // split three ways so that a mismatch, with four three-argument candidates, is reported as the
  // checked overload's error alone, at the operand that is wrong (see `matmul`).
  <S extends Shape>(cond: Tensor<S>, a: Tensor<NoInfer<S>>, b: Tensor<NoInfer<S>> | number): Tensor<S>;
  <S extends Shape>(cond: Tensor<S>, a: number, b: Tensor<NoInfer<S>>): Tensor<S>;
  <S extends Shape>(cond: Tensor<S>, a: number, b: number): Tensor<S>;
  <const X extends Operand, const Y extends Operand>(a: X, b: Y): WhereBy<ShapeOf<X>, ShapeOf<Y>>;
  <const C extends Shape, const X extends Operand, const Y extends Operand>(
    cond: Tensor<C>,
    a: Check<Broadcast<C, ShapeOf<X>, "where">, X>,
    b: Check<Where<C, ShapeOf<X>, ShapeOf<Y>>, Y>,
  ): Tensor<Ok<Where<C, ShapeOf<X>, ShapeOf<Y>>>>;
} = dual(3, whereImpl);

/**
 * `where(a, b)`, the data-last form: `pipe(cond, where(a, b))` is `where(cond, a, b)`. A named
 * type over the shapes of `a` and `b` (`[]` for a number), so an error through `pipe`/`flow`
 * prints `WhereBy<[3, 4], []>`, not the rule's conditional type.
 *
 * @category model
 */
export type WhereBy<A extends Shape, B extends Shape> = <const C extends Shape>(cond: Check<Where<C, A, B>, Tensor<C>>) => Tensor<Ok<Where<C, A, B>>>;

/** Registry entry. */
export const whereDef: OpDef<void> = {
  name: "where",
  kind: "primitive",
  doc: "cond ? a : b",
  shape: elementwiseTwin,
  forward: { kind: "backend", method: "where" },
  pullback: wherePrim.pullback,
  spec: {
    // a selection: bit for bit
    error: { ulps: exact },
    sample: (g) => elementwiseCase(g, [domains.mask, domains.real, domains.real]),
    call: (xs) => whereImpl(...three(xs)),
    reference: (xs) => zipWith(xs, (c, a, b) => (c !== 0 ? a : b)),
  },
};
