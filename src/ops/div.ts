/**
 * `div(a, b)`: elementwise quotient with numpy broadcasting.
 *
 * Forward: `out = a / b`. Pullback: `ct_a = ct / b`, `ct_b = -ct · out / b`.
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { neg } from "./neg.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const divPrim = binaryPrimitive("div", (ct, [, b], out, _p, wants) => [wants[0] ? div(ct, b as Tensor) : undefined, wants[1] ? neg(div(mul(ct, out), b as Tensor)) : undefined]);

/**
 * Elementwise a / b, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { div, tensor, toArray } from "typegrad"
 * toArray(div(tensor([3, 6]), 3)) // [1, 2]
 * @category operations
 */
export const div: BinaryOp<"div"> = dual(2, (a: Operand, b: Operand) => bind(divPrim, operands("div", a, b), undefined));

/** Registry entry. */
export const divDef: OpDef<void> = {
  name: "div",
  kind: "primitive",
  doc: "out = a / b",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.awayFromZero]),
    call: ([a, b]) => div(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => a / b),
    secondOrder: true,
  },
};
