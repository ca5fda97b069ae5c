/**
 * `softplus(x)`: elementwise `ln(1 + eˣ)`, the smooth relu.
 *
 * Forward: `out = max(x, 0) + ln(1 + e^(-|x|))` (never overflows). Pullback: `ct_x = ct · σ(x)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { sigmoid } from "./sigmoid.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "softplus",
  doc: "out = ln(1 + eˣ)",
  kernel: {
    scalar: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    wasm: { f32: "<f32>(max(<f64>v, 0.0) + Math.log1p(Math.exp(-Math.abs(<f64>v))))", f64: "max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v)))" },
    costly: true,
    accuracy: { lo: -80, hi: 80, ulp: 1, ulp64: 2 },
  },
  pullback: (ct, x) => mul(ct, sigmoid(x)),
  spec: {
    domain: domains.real,
    reference: (x) => Math.log(1 + Math.exp(x)),
    secondOrder: true,
  },
});

/**
 * Elementwise softplus `ln(1 + eˣ)`, stable for any x. Use it bare in `pipe`: `pipe(x, softplus)`.
 *
 * @example
 * import { softplus, tensor, toArray } from "typegrad"
 * toArray(softplus(tensor([0, 1000]))) // [0.6931…, 1000] (no overflow)
 * @category operations
 */
export const softplus: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** Registry entry. */
export const softplusDef: OpDef<void> = built.def;
