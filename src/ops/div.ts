/**
 * `div(a, b)`: elementwise quotient with numpy broadcasting.
 *
 * Forward: `out = a / b`. Pullback: `ct_a = ct / b`, `ct_b = -ct · out / b`.
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "div",
  doc: "out = a / b",
  kernel: { scalar: (a, b) => a / b, wasm: "a / b" },
  pullback: (ct, _a, b, out, wants) => [wants[0] ? div(ct, b) : undefined, wants[1] ? neg(div(mul(ct, out), b)) : undefined],
  spec: {
    domains: [domains.real, domains.awayFromZero],
    reference: (a, b) => a / b,
    secondOrder: true,
  },
});

/**
 * Elementwise a / b, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { div, tensor, toArray } from "typegrad"
 * toArray(div(tensor([3, 6]), 3)) // [1, 2]
 * @category operations
 */
export const div: BinaryOp<"div"> = built.op;

/** The primitive. */
export const divPrim = built.prim;

/** Registry entry. */
export const divDef: OpDef<void> = built.def;
