/**
 * `log(x)`: elementwise natural logarithm.
 *
 * Forward: `out = ln x`. Pullback: `ct_x = ct / x`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import { bind, type Tensor } from "../tensor/tensor.js";
import { elementwiseCase, expectTensor, unaryPrimitive } from "./define.js";
import { div } from "./div.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive. */
export const logPrim = unaryPrimitive("log", (ct, [x]) => [div(ct, x as Tensor)]);

/**
 * Elementwise natural logarithm. Use it bare in `pipe`: `pipe(x, log)`.
 *
 * @example
 * import { log, tensor, toArray } from "typegrad"
 * toArray(log(tensor([1]))) // [0]
 * @category operations
 */
export const log = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(logPrim, [expectTensor("log", "x", x)], undefined) as Tensor<S>;

/** Registry entry. */
export const logDef: OpDef<void> = {
  name: "log",
  kind: "primitive",
  doc: "out = ln x",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.positive]),
    call: ([x]) => log(x as Tensor),
    reference: (xs) => zipWith(xs, Math.log),
    secondOrder: true,
  },
};
