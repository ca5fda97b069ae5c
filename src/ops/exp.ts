/**
 * `exp(x)`: elementwise exponential.
 *
 * Forward: `out = eˣ`. Pullback: `ct_x = ct · out`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const expPrim = unaryPrimitive("exp", (ct, _x, out) => [mul(ct, out)]);

/**
 * Elementwise exponential. Use it bare in `pipe`: `pipe(x, exp)`.
 *
 * @example
 * import { exp, tensor, toArray } from "typegrad"
 * toArray(exp(tensor([0]))) // [1]
 * @category operations
 */
export const exp = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(expPrim, [expectTensor("exp", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const expDef: OpDef<void> = {
  name: "exp",
  kind: "primitive",
  doc: "out = eˣ",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => exp(x as Tensor),
    reference: (xs) => zipWith(xs, Math.exp),
    secondOrder: true,
  },
};
