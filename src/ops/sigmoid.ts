/**
 * `sigmoid(x)`: elementwise logistic function.
 *
 * Forward: `out = σ(x) = 1 / (1 + e⁻ˣ)` (computed stably for large |x|). Pullback: `ct_x = ct · σ(x) · (1 - σ(x))` (the course's σ' = σ(1-σ); a primitive so the derivative stays finite where e⁻ˣ overflows).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";

/** The primitive. */
export const sigmoidPrim = unaryPrimitive("sigmoid", (ct, _x, out) => [mul(ct, mul(out, sub(1, out)))]);

/**
 * Elementwise logistic function. Use it bare in `pipe`: `pipe(x, sigmoid)`.
 *
 * @example
 * import { sigmoid, tensor, toArray } from "typegrad"
 * toArray(sigmoid(tensor([0]))) // [0.5]
 * @category operations
 */
export const sigmoid = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(sigmoidPrim, [expectTensor("sigmoid", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const sigmoidDef: OpDef<void> = {
  name: "sigmoid",
  kind: "primitive",
  doc: "out = σ(x) = 1 / (1 + e⁻ˣ)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => sigmoid(x as Tensor),
    reference: (xs) => zipWith(xs, (x) => 1 / (1 + Math.exp(-x))),
    secondOrder: true,
  },
};
