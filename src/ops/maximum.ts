/**
 * `maximum(a, b)`: elementwise maximum with numpy broadcasting.
 *
 * Forward: `out = max(a, b)`. Pullback: `ct_a = ct · [a > b]`, `ct_b = ct · [a < b]` (ties split ct in half, as JAX does).
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
  name: "maximum",
  doc: "out = max(a, b)",
  // Math.max, as WASM's f32/f64.max: NaN wins, and max(0, -0) = max(-0, 0) = 0 on every backend
  kernel: { scalar: (a, b) => Math.max(a, b), wasm: "max<T>(a, b)" },
  pullback: (ct, a, b, _out, wants) => {
    const tie = mul(eq(a, b), 0.5);
    return [wants[0] ? mul(ct, add(gt(a, b), tie)) : undefined, wants[1] ? mul(ct, add(lt(a, b), tie)) : undefined];
  },
  spec: {
    domains: [domains.real, domains.real],
    reference: (a, b) => Math.max(a, b),
    // a tie splits ct in half
    kinks: { derivative: (a, b) => (a > b ? [1, 0] : a < b ? [0, 1] : [0.5, 0.5]) },
  },
});

/**
 * Elementwise max(a, b), numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { maximum, tensor, toArray } from "typegrad"
 * toArray(maximum(tensor([-1, 2]), 0)) // [0, 2]
 * @category operations
 */
export const maximum: BinaryOp<"maximum"> = built.op;

/** The primitive. */
export const maximumPrim = built.prim;

/** Registry entry. */
export const maximumDef: OpDef<void> = built.def;
