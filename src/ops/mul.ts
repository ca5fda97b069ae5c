/**
 * `mul(a, b)`: elementwise product with numpy broadcasting (the course's `*`, not the matrix
 * product: see `matmul`).
 *
 * Forward: `out = a · b`. Pullback: `ct_a = ct · b`, `ct_b = ct · a`.
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const mulPrim = binaryPrimitive("mul", (ct, [a, b]) => [mul(ct, b as Tensor), mul(ct, a as Tensor)]);

/**
 * Elementwise `a · b`, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { mul, tensor, toArray } from "typegrad"
 * toArray(mul(tensor([4, 6, 2, 7]), 2)) // [8, 12, 4, 14]
 * @category operations
 */
export const mul: BinaryOp<"mul"> = dual(2, (a: Operand, b: Operand) => bind(mulPrim, operands("mul", a, b), undefined));

/** Registry entry. */
export const mulDef: OpDef<void> = {
  name: "mul",
  kind: "primitive",
  doc: "a · b",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => mul(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => a * b),
    secondOrder: true,
  },
};
