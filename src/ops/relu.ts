/**
 * `relu(x)`: the rectified linear unit `max(0, x)`, one kernel (NaN stays NaN). Pullback:
 * `ct_x = ct` where `x > 0`, else 0 (the course's derivative, 0 at the kink).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { reluGrad } from "./reluGrad.js";
import { domains, type OpDef } from "./spec.js";
/** relu' from the output alone: `ct` where `out > 0`, else 0, one kernel (`addAct` uses it too). */
export const reluFromOutput = (ct: Tensor, out: Tensor): Tensor => reluGrad(ct, out);

const built = unaryOp({
  name: "relu",
  doc: "max(0, x)",
  kernel: {
    scalar: (x) => Math.max(x, 0),
    wasm: { f32: "max(v, <f32>0)", f64: "max(v, 0.0)" },
    accuracy: { lo: -50, hi: 50, ulp: 0 },
  },
  pullback: (ct, _x, out) => reluFromOutput(ct, out),
  spec: {
    domain: domains.awayFromZero,
    reference: (x) => Math.max(0, x),
    secondOrder: true,
    // the course's convention: relu'(0) = 0
    kinks: { points: [0], derivative: (x) => (x > 0 ? 1 : 0) },
  },
});

/**
 * Elementwise `max(0, x)`.
 *
 * @example
 * import { relu, tensor, toArray } from "typegrad"
 * toArray(relu(tensor([-1, 2]))) // [0, 2]
 * @category operations
 */
export const relu: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const reluPrim = built.prim;

/** Registry entry. */
export const reluDef: OpDef<void> = built.def;
