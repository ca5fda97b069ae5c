/**
 * `eq(a, b)`: elementwise `a === b` as a 0/1 mask of the operands' dtype, with numpy
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
export const eqPrim = binaryPrimitive("eq", "nondiff");

/**
 * Elementwise `a === b` → 1 or 0, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { eq, tensor, toArray } from "typegrad"
 * toArray(eq(tensor([1, 2, 3]), 2)) // [0, 1, 0]
 * @category operations
 */
export const eq: BinaryOp<"eq"> = dual(2, (a: Operand, b: Operand) => bind(eqPrim, operands("eq", a, b), undefined));

/** Registry entry. */
export const eqDef: OpDef<void> = {
  name: "eq",
  kind: "primitive",
  doc: "[a === b]",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => eq(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => (a === b ? 1 : 0)),
    nondiff: true,
  },
};
