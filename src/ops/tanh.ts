/**
 * `tanh(x)`: elementwise hyperbolic tangent.
 *
 * Forward: `out = tanh x`. Pullback: `ct_x = ct · (1 - out²)` (the course's tanh' = 1 - tanh²).
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
export const tanhPrim = unaryPrimitive("tanh", (ct, _x, out) => [mul(ct, sub(1, mul(out, out)))]);

/**
 * Elementwise hyperbolic tangent. Use it bare in `pipe`: `pipe(x, tanh)`.
 *
 * @example
 * import { tanh, tensor, toArray } from "typegrad"
 * toArray(tanh(tensor([0]))) // [0]
 * @category operations
 */
export const tanh = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(tanhPrim, [expectTensor("tanh", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const tanhDef: OpDef<void> = {
  name: "tanh",
  kind: "primitive",
  doc: "out = tanh x",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => tanh(x as Tensor),
    reference: (xs) => zipWith(xs, Math.tanh),
    secondOrder: true,
  },
};
