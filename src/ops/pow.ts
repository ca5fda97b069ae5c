/**
 * `pow(a, b)`: elementwise power with numpy broadcasting.
 *
 * Forward: `out = a ** b`. Pullback: `ct_a = ct · b · a^(b-1)`, `ct_b = ct · log(a) · out` (taken as 0 where a ≤ 0).
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { gt } from "./gt.js";
import { log } from "./log.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
import type { BinaryOp } from "./types.js";
import { where } from "./where.js";

/** The primitive. */
export const powPrim = binaryPrimitive("pow", (ct, [a, b], out, _p, wants) => [
  wants[0] ? mul(ct, mul(b as Tensor, pow(a as Tensor, sub(b as Tensor, 1)))) : undefined,
  wants[1] ? mul(ct, where(gt(a as Tensor, 0), mul(log(a as Tensor), out), 0)) : undefined,
]);

/**
 * Elementwise a ** b, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { pow, tensor, toArray } from "typegrad"
 * toArray(pow(tensor([2, 3]), 2)) // [4, 9]
 * @category operations
 */
export const pow: BinaryOp<"pow"> = dual(2, (a: Operand, b: Operand) => bind(powPrim, operands("pow", a, b), undefined));

/** Registry entry. */
export const powDef: OpDef<void> = {
  name: "pow",
  kind: "primitive",
  doc: "out = a ** b",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.positive, domains.real]),
    call: ([a, b]) => pow(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => a ** b),
    secondOrder: true,
  },
};
