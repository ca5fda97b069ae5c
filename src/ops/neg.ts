/**
 * `neg(x)`: elementwise negation.
 *
 * Forward: `out = -x`. Pullback: `ct_x = -ct`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "neg",
  doc: "out = -x",
  kernel: {
    scalar: (x) => -x,
    wasm: { f32: "-v", f64: "-v" },
    accuracy: { lo: -50, hi: 50, ulp: 0 },
  },
  pullback: (ct) => neg(ct),
  spec: {
    domain: domains.real,
    reference: (x) => -x,
    secondOrder: true,
  },
});

/**
 * Elementwise negation. Use it bare in `pipe`: `pipe(x, neg)`.
 *
 * @example
 * import { neg, tensor, toArray } from "typegrad"
 * toArray(neg(tensor([1, -2]))) // [-1, 2]
 * @category operations
 */
export const neg: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const negPrim = built.prim;

/** Registry entry. */
export const negDef: OpDef<void> = built.def;
