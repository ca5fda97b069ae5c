/**
 * `neg(x)`: elementwise negation.
 *
 * Forward: `out = -x`. Pullback: `ct_x = -ct`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const negPrim = unaryPrimitive("neg", (ct) => [neg(ct)]);

/**
 * Elementwise negation. Use it bare in `pipe`: `pipe(x, neg)`.
 *
 * @example
 * import { neg, tensor, toArray } from "typegrad"
 * toArray(neg(tensor([1, -2]))) // [-1, 2]
 * @category operations
 */
export const neg = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(negPrim, [expectTensor("neg", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const negDef: OpDef<void> = {
  name: "neg",
  kind: "primitive",
  doc: "out = -x",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => neg(x as Tensor),
    reference: (xs) => zipWith(xs, (x) => -x),
    secondOrder: true,
  },
};
