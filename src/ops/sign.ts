/**
 * `sign(x)`: elementwise sign, -1, 0 or 1. Not differentiable (zero derivative where defined).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "sign",
  doc: "sign(x)",
  kernel: {
    scalar: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
    wasm: { f32: "v > 0 ? <f32>1 : v < 0 ? <f32>-1 : <f32>0", f64: "v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0" },
    accuracy: { lo: -5, hi: 5, ulp: 0 },
  },
  pullback: "nondiff",
  spec: {
    domain: domains.real,
    reference: Math.sign,
  },
});

/**
 * Elementwise sign: -1, 0 or 1.
 *
 * @example
 * import { sign, tensor, toArray } from "typegrad"
 * toArray(sign(tensor([-2, 0, 3]))) // [-1, 0, 1]
 * @category operations
 */
export const sign: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const signPrim = built.prim;

/** Registry entry. */
export const signDef: OpDef<void> = built.def;
