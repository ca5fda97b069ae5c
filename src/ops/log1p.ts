/**
 * `log1p(x)`: elementwise ln(1 + x), accurate near 0.
 *
 * Forward: `out = ln(1 + x)`. Pullback: `ct_x = ct / (1 + x)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { div } from "./div.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const log1pPrim = unaryPrimitive("log1p", (ct, [x]) => [div(ct, add(x as Tensor, 1))]);

/**
 * Elementwise ln(1 + x), accurate near 0. Use it bare in `pipe`: `pipe(x, log1p)`.
 *
 * @example
 * import { log1p, tensor, toArray } from "typegrad"
 * toArray(log1p(tensor([0]))) // [0]
 * @category operations
 */
export const log1p = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(log1pPrim, [expectTensor("log1p", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const log1pDef: OpDef<void> = {
  name: "log1p",
  kind: "primitive",
  doc: "out = ln(1 + x)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.positive]),
    call: ([x]) => log1p(x as Tensor),
    reference: (xs) => zipWith(xs, Math.log1p),
    secondOrder: true,
  },
};
