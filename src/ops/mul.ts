/**
 * `mul(a, b)`: elementwise product with numpy broadcasting (the course's `*`, not the matrix
 * product: see `matmul`).
 *
 * Forward: `out = a · b`. Pullback: `ct_a = ct · b`, `ct_b = ct · a`.
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "mul",
  doc: "a · b",
  kernel: { scalar: (a, b) => a * b, wasm: "a * b" },
  pullback: (ct, a, b) => [mul(ct, b), mul(ct, a)],
  spec: {
    domains: [domains.real, domains.real],
    reference: (a, b) => a * b,
    secondOrder: true,
  },
});

/**
 * Elementwise `a · b`, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { mul, tensor, toArray } from "typegrad"
 * toArray(mul(tensor([4, 6, 2, 7]), 2)) // [8, 12, 4, 14]
 * @category operations
 */
export const mul: BinaryOp<"mul"> = built.op;

/** The primitive. */
export const mulPrim = built.prim;

/** Registry entry. */
export const mulDef: OpDef<void> = built.def;
