/**
 * `ge(a, b)`: elementwise `a >= b` as a 0/1 mask of the operands' dtype, with numpy
 * broadcasting. Not differentiable (its derivative is zero wherever it is defined): use it to
 * build masks for `where` and `mul`.
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const gePrim = binaryPrimitive("ge", "nondiff");

/**
 * Elementwise `a >= b` → 1 or 0, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { ge, tensor, toArray } from "typegrad"
 * toArray(ge(tensor([1, 2, 3]), 2)) // [0, 1, 1]
 * @category operations
 */
export const ge: BinaryOp<"ge"> = dual(2, (a: Operand, b: Operand) => bind(gePrim, operands("ge", a, b), undefined));

/** Registry entry. */
export const geDef: OpDef<void> = {
  name: "ge",
  kind: "primitive",
  doc: "[a >= b]",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => ge(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => (a >= b ? 1 : 0)),
    nondiff: true,
  },
};
