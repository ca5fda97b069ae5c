/**
 * `pow(a, b)`: elementwise power with numpy broadcasting.
 *
 * Forward: `out = a ** b`. Pullback: `ct_a = ct · b · a^(b-1)`, `ct_b = ct · log(a) · out` (taken as 0 where a ≤ 0).
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { gt } from "./gt.js";
import { log } from "./log.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
import type { BinaryOp } from "./types.js";
import { where } from "./where.js";

const built = binaryOp({
  name: "pow",
  doc: "out = a ** b",
  kernel: { scalar: Math.pow, wasm: "sizeof<T>() == 4 ? <T>Mathf.pow(<f32>a, <f32>b) : <T>Math.pow(<f64>a, <f64>b)" },
  pullback: (ct, a, b, out, wants) => [wants[0] ? mul(ct, mul(b, pow(a, sub(b, 1)))) : undefined, wants[1] ? mul(ct, where(gt(a, 0), mul(log(a), out), 0)) : undefined],
  spec: {
    domains: [domains.positive, domains.real],
    reference: (a, b) => a ** b,
    secondOrder: true,
  },
});

/**
 * Elementwise a ** b, numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { pow, tensor, toArray } from "typegrad"
 * toArray(pow(tensor([2, 3]), 2)) // [4, 9]
 * @category operations
 */
export const pow: BinaryOp<"pow"> = built.op;

/** The primitive. */
export const powPrim = built.prim;

/** Registry entry. */
export const powDef: OpDef<void> = built.def;
