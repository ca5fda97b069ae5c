/**
 * `ne(a, b)`: elementwise `a !== b` as a 0/1 mask of the operands' dtype, with numpy
 * broadcasting. Not differentiable (its derivative is zero wherever it is defined): use it to
 * build masks for `where` and `mul`.
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "ne",
  doc: "[a !== b]",
  kernel: { scalar: (a, b) => (a !== b ? 1 : 0), wasm: "<T>(a != b)" },
  pullback: "nondiff",
  spec: {
    domains: [domains.real, domains.real],
    reference: (a, b) => (a !== b ? 1 : 0),
  },
});

/**
 * Elementwise `a !== b` → 1 or 0, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { ne, tensor, toArray } from "typegrad"
 * toArray(ne(tensor([1, 2, 3]), 2)) // [1, 0, 1]
 * @category operations
 */
export const ne: BinaryOp<"ne"> = built.op;

/** The primitive. */
export const nePrim = built.prim;

/** Registry entry. */
export const neDef: OpDef<void> = built.def;
