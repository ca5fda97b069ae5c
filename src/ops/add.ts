/**
 * `add(a, b)`: elementwise sum with numpy broadcasting.
 *
 * Forward: `out = a + b`. Pullback: `ct_a = ct`, `ct_b = ct` (summed back to each input's shape
 * by the autodiff core).
 *
 * @module
 */
import { bind } from "../tensor/tensor.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const addPrim = binaryPrimitive("add", (ct) => [ct, ct]);

/**
 * Elementwise `a + b`, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { add, tensor, toArray } from "typegrad"
 * toArray(add(tensor([[1, 2], [3, 4]]), tensor([[10], [20]]))) // [[11, 12], [23, 24]]
 * @category operations
 */
export const add: BinaryOp<"add"> = dual(2, (a: Operand, b: Operand) => bind(addPrim, operands("add", a, b), undefined));

/** Registry entry. */
export const addDef: OpDef<void> = {
  name: "add",
  kind: "primitive",
  doc: "a + b",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => add(a as never, b as never),
    reference: (xs) => zipWith(xs, (a, b) => a + b),
  },
};
