/**
 * `sqrt(x)`: elementwise square root.
 *
 * Forward: `out = √x`. Pullback: `ct_x = ct / (2·out)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { div } from "./div.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const sqrtPrim = unaryPrimitive("sqrt", (ct, _x, out) => [div(ct, mul(out, 2))]);

/**
 * Elementwise square root. Use it bare in `pipe`: `pipe(x, sqrt)`.
 *
 * @example
 * import { sqrt, tensor, toArray } from "typegrad"
 * toArray(sqrt(tensor([4, 9]))) // [2, 3]
 * @category operations
 */
export const sqrt = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(sqrtPrim, [expectTensor("sqrt", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const sqrtDef: OpDef<void> = {
  name: "sqrt",
  kind: "primitive",
  doc: "out = √x",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.positive]),
    call: ([x]) => sqrt(x as Tensor),
    reference: (xs) => zipWith(xs, Math.sqrt),
    secondOrder: true,
  },
};
