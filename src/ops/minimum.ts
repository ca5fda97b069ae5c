/**
 * `minimum(a, b)`: elementwise minimum with numpy broadcasting.
 *
 * Forward: `out = min(a, b)`. Pullback: `ct_a = ct · [a < b]`, `ct_b = ct · [a > b]` (ties split ct in half).
 *
 * @module
 */
import { add } from "./add.js";
import { binaryOp } from "./builders.js";
import { eq } from "./eq.js";
import { gt } from "./gt.js";
import { lt } from "./lt.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "minimum",
  doc: "out = min(a, b)",
  // Math.min, as WASM's f32/f64.min: NaN wins, and min(0, -0) = min(-0, 0) = -0 on every backend
  kernel: { scalar: (a, b) => Math.min(a, b), wasm: "min<T>(a, b)" },
  pullback: (ct, a, b, _out, wants) => {
    const tie = mul(eq(a, b), 0.5);
    return [wants[0] ? mul(ct, add(lt(a, b), tie)) : undefined, wants[1] ? mul(ct, add(gt(a, b), tie)) : undefined];
  },
  spec: {
    domains: [domains.real, domains.real],
    reference: (a, b) => Math.min(a, b),
    // a tie splits ct in half
    kinks: { derivative: (a, b) => (a < b ? [1, 0] : a > b ? [0, 1] : [0.5, 0.5]) },
  },
});

/**
 * Elementwise min(a, b), numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { minimum, tensor, toArray } from "typegrad"
 * toArray(minimum(tensor([-1, 2]), 0)) // [-1, 0]
 * @category operations
 */
export const minimum: BinaryOp<"minimum"> = built.op;

/** The primitive. */
export const minimumPrim = built.prim;

/** Registry entry. */
export const minimumDef: OpDef<void> = built.def;
