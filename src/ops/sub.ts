/**
 * `sub(a, b)`: elementwise difference with numpy broadcasting.
 *
 * Forward: `out = a - b`. Pullback: `ct_a = ct`, `ct_b = -ct`.
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { zipWith } from "./naive.js";
import { neg } from "./neg.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const subPrim = binaryPrimitive("sub", (ct, _x, _o, _p, wants) => [ct, wants[1] ? neg(ct) : undefined]);

/**
 * Elementwise a - b, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { sub, tensor, toArray } from "typegrad"
 * toArray(sub(tensor([5, 7]), 1)) // [4, 6]
 * @category operations
 */
export const sub: BinaryOp<"sub"> = dual(2, (a: Operand, b: Operand) => bind(subPrim, operands("sub", a, b), undefined));

/** Registry entry. */
export const subDef: OpDef<void> = {
  name: "sub",
  kind: "primitive",
  doc: "out = a - b",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => sub(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => a - b),
  },
};
