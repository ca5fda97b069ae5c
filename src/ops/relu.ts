/**
 * `relu(x)`: the rectified linear unit `max(0, x)`. A composite: `where(x > 0, x, 0)`, so its
 * derivative is exactly the course's: 1 for x > 0, 0 otherwise (0 at the kink).
 *
 * @example
 * import { relu, tensor, toArray } from "typegrad"
 * toArray(relu(tensor([-1, 2]))) // [0, 2]
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor } from "./define.js";
import { gt } from "./gt.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import { where } from "./where.js";

/**
 * Elementwise `max(0, x)`.
 *
 * @category operations
 */
export const relu = <S extends Shape>(x: Tensor<S>): Tensor<S> => {
  expectTensor("relu", "x", x);
  return where(gt(x, 0), x, 0);
};

/** Registry entry. */
export const reluDef: OpDef<void> = {
  name: "relu",
  kind: "composite",
  doc: "max(0, x)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.awayFromZero]),
    call: ([x]) => relu(x as Tensor),
    reference: (xs) => zipWith(xs, (x) => Math.max(0, x)),
  },
};
