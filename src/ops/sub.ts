/**
 * `sub(a, b)`: elementwise difference with numpy broadcasting.
 *
 * Forward: `out = a - b`. Pullback: `ct_a = ct`, `ct_b = -ct`.
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { neg } from "./neg.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "sub",
  doc: "out = a - b",
  kernel: { scalar: (a, b) => a - b, wasm: "a - b" },
  pullback: (ct, _a, _b, _out, wants) => [ct, wants[1] ? neg(ct) : undefined],
  spec: {
    domains: [domains.real, domains.real],
    reference: (a, b) => a - b,
  },
});

/**
 * Elementwise a - b, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { sub, tensor, toArray } from "typegrad"
 * toArray(sub(tensor([5, 7]), 1)) // [4, 6]
 * @category operations
 */
export const sub: BinaryOp<"sub"> = built.op;

/** The primitive. */
export const subPrim = built.prim;

/** Registry entry. */
export const subDef: OpDef<void> = built.def;
