/**
 * `abs(x)`: elementwise absolute value.
 *
 * Forward: `out = |x|`. Pullback: `ct_x = ct · sign(x)` (0 at 0).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { sign } from "./sign.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const absPrim = unaryPrimitive("abs", (ct, [x]) => [mul(ct, sign(x as Tensor))]);

/**
 * Elementwise absolute value. Use it bare in `pipe`: `pipe(x, abs)`.
 *
 * @example
 * import { abs, tensor, toArray } from "typegrad"
 * toArray(abs(tensor([-2, 3]))) // [2, 3]
 * @category operations
 */
export const abs = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(absPrim, [expectTensor("abs", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const absDef: OpDef<void> = {
  name: "abs",
  kind: "primitive",
  doc: "out = |x|",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.awayFromZero]),
    call: ([x]) => abs(x as Tensor),
    reference: (xs) => zipWith(xs, Math.abs),
  },
};
