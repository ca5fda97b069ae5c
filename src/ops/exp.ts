/**
 * `exp(x)`: elementwise exponential.
 *
 * Forward: `out = eˣ`. Pullback: `ct_x = ct · out`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "exp",
  doc: "out = eˣ",
  kernel: {
    scalar: Math.exp,
    wasm: { f32: "Mathf.exp(v)", f64: "Math.exp(v)" },
    costly: true,
    accuracy: { lo: -80, hi: 80, ulp: 1 },
  },
  pullback: (ct, _x, out) => mul(ct, out),
  spec: {
    domain: domains.real,
    reference: Math.exp,
    secondOrder: true,
  },
});

/**
 * Elementwise exponential. Use it bare in `pipe`: `pipe(x, exp)`.
 *
 * @example
 * import { exp, tensor, toArray } from "typegrad"
 * toArray(exp(tensor([0]))) // [1]
 * @category operations
 */
export const exp: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const expPrim = built.prim;

/** Registry entry. */
export const expDef: OpDef<void> = built.def;
