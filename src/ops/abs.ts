/**
 * `abs(x)`: elementwise absolute value.
 *
 * Forward: `out = |x|`. Pullback: `ct_x = ct · sign(x)` (0 at 0).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { sign } from "./sign.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "abs",
  doc: "out = |x|",
  kernel: {
    scalar: Math.abs,
    wasm: { f32: "Mathf.abs(v)", f64: "Math.abs(v)" },
    accuracy: { lo: -50, hi: 50, ulp: 0 },
  },
  pullback: (ct, x) => mul(ct, sign(x)),
  spec: {
    domain: domains.awayFromZero,
    reference: Math.abs,
    // abs'(0) = sign(0) = 0
    kinks: { points: [0], derivative: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0) },
  },
});

/**
 * Elementwise absolute value. Use it bare in `pipe`: `pipe(x, abs)`.
 *
 * @example
 * import { abs, tensor, toArray } from "typegrad"
 * toArray(abs(tensor([-2, 3]))) // [2, 3]
 * @category operations
 */
export const abs: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const absPrim = built.prim;

/** Registry entry. */
export const absDef: OpDef<void> = built.def;
