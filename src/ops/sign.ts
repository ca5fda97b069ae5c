/**
 * `sign(x)`: elementwise sign, -1, 0 or 1. Not differentiable (zero derivative where defined).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const signPrim = unaryPrimitive("sign", "nondiff");

/**
 * Elementwise sign: -1, 0 or 1.
 *
 * @example
 * import { sign, tensor, toArray } from "typegrad"
 * toArray(sign(tensor([-2, 0, 3]))) // [-1, 0, 1]
 * @category operations
 */
export const sign = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(signPrim, [expectTensor("sign", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const signDef: OpDef<void> = {
  name: "sign",
  kind: "primitive",
  doc: "sign(x)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => sign(x as Tensor),
    reference: (xs) => zipWith(xs, Math.sign),
    nondiff: true,
  },
};
