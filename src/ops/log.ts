/**
 * `log(x)`: elementwise natural logarithm.
 *
 * Forward: `out = ln x`. Pullback: `ct_x = ct / x`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { div } from "./div.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "log",
  doc: "out = ln x",
  kernel: {
    scalar: Math.log,
    wasm: { f32: "Mathf.log(v)", f64: "Math.log(v)" },
    costly: true,
    accuracy: { lo: 1e-30, hi: 1e30, ulp: 1 },
  },
  pullback: (ct, x) => div(ct, x),
  spec: {
    domain: domains.positive,
    reference: Math.log,
    secondOrder: true,
  },
});

/**
 * Elementwise natural logarithm. Use it bare in `pipe`: `pipe(x, log)`.
 *
 * @example
 * import { log, tensor, toArray } from "typegrad"
 * toArray(log(tensor([1]))) // [0]
 * @category operations
 */
export const log: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const logPrim = built.prim;

/** Registry entry. */
export const logDef: OpDef<void> = built.def;
