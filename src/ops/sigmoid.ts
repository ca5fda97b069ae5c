/**
 * `sigmoid(x)`: elementwise logistic function.
 *
 * Forward: `out = σ(x) = 1 / (1 + e⁻ˣ)` (computed stably for large |x|). Pullback: `ct_x = ct · σ(x) · (1 - σ(x))` (the course's σ' = σ(1-σ); a primitive so the derivative stays finite where e⁻ˣ overflows).
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
/** σ' from the output alone, `ct · out · (1 - out)` (the course's σ(1-σ); `addAct` uses it too). */
export const sigmoidFromOutput = (ct: Tensor, out: Tensor): Tensor => mul(ct, mul(out, sub(1, out)));

const built = unaryOp({
  name: "sigmoid",
  doc: "out = σ(x) = 1 / (1 + e⁻ˣ)",
  kernel: {
    scalar: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    wasm: { f32: "<f32>1 / (<f32>1 + Mathf.exp(-v))", f64: "v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v))" },
    costly: true,
    accuracy: { lo: -80, hi: 80, ulp: 2 },
  },
  pullback: (ct, _x, out) => sigmoidFromOutput(ct, out),
  spec: {
    domain: domains.real,
    reference: (x) => 1 / (1 + Math.exp(-x)),
    secondOrder: true,
  },
});

/**
 * Elementwise logistic function. Use it bare in `pipe`: `pipe(x, sigmoid)`.
 *
 * @example
 * import { sigmoid, tensor, toArray } from "typegrad"
 * toArray(sigmoid(tensor([0]))) // [0.5]
 * @category operations
 */
export const sigmoid: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const sigmoidPrim = built.prim;

/** Registry entry. */
export const sigmoidDef: OpDef<void> = built.def;
