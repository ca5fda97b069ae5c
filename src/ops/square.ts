/**
 * `square(x)`: elementwise `x²`. A composite: `mul(x, x)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/**
 * Elementwise `x²`.
 *
 * @example
 * import { square, tensor, toArray } from "typegrad"
 * toArray(square(tensor([-2, 3]))) // [4, 9]
 * @category operations
 */
export const square = <S extends Shape>(x: Tensor<S>): Tensor<S> => mul(expectTensor("square", "x", x) as Tensor<S>, x);

/** Registry entry. */
export const squareDef: OpDef<void> = {
  name: "square",
  kind: "composite",
  doc: "x²",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: ([x]) => square(x as Tensor),
    reference: (xs) => zipWith(xs, (x) => x * x),
    secondOrder: true,
  },
};
