/**
 * `add(a, b)`: elementwise sum with numpy broadcasting.
 *
 * Forward: `out = a + b`. Pullback: `ct_a = ct`, `ct_b = ct` (summed back to each input's shape
 * by the autodiff core).
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "add",
  doc: "a + b",
  kernel: { scalar: (a, b) => a + b, wasm: "a + b" },
  pullback: (ct) => [ct, ct],
  spec: {
    domains: [domains.real, domains.real],
    reference: (a, b) => a + b,
  },
});

/**
 * Elementwise `a + b`, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { add, tensor, toArray } from "typegrad"
 * toArray(add(tensor([[1, 2], [3, 4]]), tensor([[10], [20]]))) // [[11, 12], [23, 24]]
 * @category operations
 */
export const add: BinaryOp<"add"> = built.op;

/** The primitive. */
export const addPrim = built.prim;

/** Registry entry. */
export const addDef: OpDef<void> = built.def;
