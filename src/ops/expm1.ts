/**
 * `expm1(x)`: elementwise eˣ - 1, accurate near 0.
 *
 * Forward: `out = eˣ - 1`. Pullback: `ct_x = ct · (out + 1)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const expm1Prim = unaryPrimitive("expm1", (ct, _x, out) => [mul(ct, add(out, 1))]);

/**
 * Elementwise eˣ - 1, accurate near 0. Use it bare in `pipe`: `pipe(x, expm1)`.
 *
 * @example
 * import { expm1, tensor, toArray } from "typegrad"
 * toArray(expm1(tensor([0]))) // [0]
 * @category operations
 */
export const expm1 = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(expm1Prim, [expectTensor("expm1", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const expm1Def: OpDef<void> = {
  name: "expm1",
  kind: "primitive",
  doc: "out = eˣ - 1",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => expm1(x as Tensor),
    reference: (xs) => zipWith(xs, Math.expm1),
    secondOrder: true,
  },
};
