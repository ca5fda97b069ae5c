/**
 * `minimum(a, b)`: elementwise minimum with numpy broadcasting.
 *
 * Forward: `out = min(a, b)`. Pullback: `ct_a = ct · [a < b]`, `ct_b = ct · [a > b]` (ties split ct in half).
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { eq } from "./eq.js";
import { gt } from "./gt.js";
import { lt } from "./lt.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const minimumPrim = binaryPrimitive("minimum", (ct, [a, b], _o, _p, wants) => {
  const tie = mul(eq(a as Tensor, b as Tensor), 0.5);
  return [wants[0] ? mul(ct, add(lt(a as Tensor, b as Tensor), tie)) : undefined, wants[1] ? mul(ct, add(gt(a as Tensor, b as Tensor), tie)) : undefined];
});

/**
 * Elementwise min(a, b), numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { minimum, tensor, toArray } from "typegrad"
 * toArray(minimum(tensor([-1, 2]), 0)) // [-1, 0]
 * @category operations
 */
export const minimum: BinaryOp<"minimum"> = dual(2, (a: Operand, b: Operand) => bind(minimumPrim, operands("minimum", a, b), undefined));

/** Registry entry. */
export const minimumDef: OpDef<void> = {
  name: "minimum",
  kind: "primitive",
  doc: "out = min(a, b)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => minimum(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => Math.min(a, b)),
  },
};
