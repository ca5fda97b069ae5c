/**
 * `mish(x)`: elementwise `x · tanh(softplus(x))`.
 *
 * Forward: `out = x · tanh(ln(1 + eˣ))` (softplus computed stably). Pullback: `ct_x = ct · (t + x · (1 - t²) · σ(x))`, `t = tanh(softplus(x))`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { sigmoid } from "./sigmoid.js";
import { softplus } from "./softplus.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
import { tanh } from "./tanh.js";

const built = unaryOp({
  name: "mish",
  doc: "out = x · tanh(ln(1 + eˣ))",
  kernel: {
    scalar: (x) => x * Math.tanh(Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
    wasm: { f32: "<f32>(<f64>v * Math.tanh(max(<f64>v, 0.0) + Math.log1p(Math.exp(-Math.abs(<f64>v)))))", f64: "v * Math.tanh(max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))))" },
    costly: true,
    accuracy: { lo: -40, hi: 40, ulp: 1, ulp64: 4 },
  },
  pullback: (ct, x) => {
    const t = tanh(softplus(x));
    return mul(ct, add(t, mul(mul(x, sub(1, mul(t, t))), sigmoid(x))));
  },
  spec: {
    domain: domains.real,
    reference: (x) => x * Math.tanh(Math.log(1 + Math.exp(x))),
    secondOrder: true,
  },
});

/**
 * Elementwise Mish `x · tanh(softplus(x))`. Use it bare in `pipe`: `pipe(x, mish)`.
 *
 * @example
 * import { mish, tensor, toArray } from "typegrad"
 * toArray(mish(tensor([0]))) // [0]
 * @category operations
 */
export const mish: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** Registry entry. */
export const mishDef: OpDef<void> = built.def;
