/**
 * `silu(x)` (also exported as `swish`): elementwise `x · σ(x)`.
 *
 * Forward: `out = x / (1 + e⁻ˣ)`. Pullback: `ct_x = ct · (σ(x) + out · (1 - σ(x)))`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { sigmoid } from "./sigmoid.js";
import { domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";

const built = unaryOp({
  name: "silu",
  doc: "out = x · σ(x)",
  kernel: {
    scalar: (x) => x / (1 + Math.exp(-x)),
    wasm: { f32: "<f32>(<f64>v / (1.0 + Math.exp(-<f64>v)))", f64: "v / (1.0 + Math.exp(-v))" },
    costly: true,
    accuracy: { lo: -80, hi: 80, ulp: 1, ulp64: 2 },
  },
  pullback: (ct, x, out) => {
    const s = sigmoid(x);
    return mul(ct, add(s, mul(out, sub(1, s))));
  },
  spec: {
    domain: domains.real,
    reference: (x) => x * (1 / (1 + Math.exp(-x))),
    secondOrder: true,
  },
});

/**
 * Elementwise SiLU (swish) `x · σ(x)`. Use it bare in `pipe`: `pipe(x, silu)`.
 *
 * @example
 * import { silu, tensor, toArray } from "typegrad"
 * toArray(silu(tensor([0]))) // [0]
 * @category operations
 */
export const silu: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/**
 * The same function as {@link silu}, under its other name.
 *
 * @example
 * import { swish, tensor, toArray } from "typegrad"
 * toArray(swish(tensor([0]))) // [0]
 * @category operations
 */
export const swish: <S extends Shape>(x: Tensor<S>) => Tensor<S> = silu;

/** Registry entry. */
export const siluDef: OpDef<void> = built.def;
