/**
 * `square(x)`: elementwise `x²`. A composite: `mul(x, x)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { elementwiseCase, elementwiseTwin, expectTensor, one } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef, oneRounding } from "./spec.js";

/**
 * Elementwise `x²`.
 *
 * @example
 * import { square, tensor, toArray } from "typegrad"
 * toArray(square(tensor([-2, 3]))) // [4, 9]
 * @category operations
 */
export const square = <S extends Shape>(x: Tensor<S>): Tensor<S> => {
  expectTensor("square", "x", x);
  return mul(x, x);
};

/** Registry entry. */
export const squareDef: OpDef<void> = {
  name: "square",
  kind: "composite",
  doc: "x²",
  shape: elementwiseTwin,
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    // x·x: one rounding
    error: { ulps: oneRounding },
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: (xs) => square(one(xs)),
    reference: (xs) => zipWith(xs, (x) => x * x),
    secondOrder: true,
  },
};
