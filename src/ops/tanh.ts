/**
 * `tanh(x)`: elementwise hyperbolic tangent.
 *
 * Forward: `out = tanh x`. Pullback: `ct_x = ct · (1 - out²)` (the course's tanh' = 1 - tanh²).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
/** tanh' from the output alone, `ct · (1 - out²)` (`addAct` uses it too). */
export const tanhFromOutput = (ct: Tensor, out: Tensor): Tensor => mul(ct, sub(1, mul(out, out)));

const built = unaryOp({
  name: "tanh",
  doc: "out = tanh x",
  kernel: {
    scalar: Math.tanh,
    wasm: { f32: "Mathf.tanh(v)", f64: "Math.tanh(v)" },
    costly: true,
    accuracy: { lo: -12, hi: 12, ulp: 1, ulp64: 3 },
  },
  pullback: (ct, _x, out) => tanhFromOutput(ct, out),
  spec: {
    domain: domains.real,
    reference: Math.tanh,
    secondOrder: true,
  },
});

/**
 * Elementwise hyperbolic tangent. Use it bare in `pipe`: `pipe(x, tanh)`.
 *
 * @example
 * import { tanh, tensor, toArray } from "typegrad"
 * toArray(tanh(tensor([0]))) // [0]
 * @category operations
 */
export const tanh: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const tanhPrim = built.prim;

/** Registry entry. */
export const tanhDef: OpDef<void> = built.def;
