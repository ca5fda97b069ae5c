/**
 * `relu(x)`: the rectified linear unit `max(0, x)`, one kernel (NaN stays NaN). Pullback:
 * `ct_x = ct` where `x > 0`, else 0 (the course's derivative, 0 at the kink).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { gt } from "./gt.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import { where } from "./where.js";

/** The primitive. */
export const reluPrim = unaryPrimitive("relu", (ct, _x, out) => [where(gt(out, 0), ct, 0)]);

/**
 * Elementwise `max(0, x)`.
 *
 * @example
 * import { relu, tensor, toArray } from "typegrad"
 * toArray(relu(tensor([-1, 2]))) // [0, 2]
 * @category operations
 */
export const relu = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(reluPrim, [expectTensor("relu", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const reluDef: OpDef<void> = {
  name: "relu",
  kind: "primitive",
  doc: "max(0, x)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.awayFromZero]),
    call: ([x]) => relu(x as Tensor),
    reference: (xs) => zipWith(xs, (x) => Math.max(0, x)),
    secondOrder: true,
  },
};
