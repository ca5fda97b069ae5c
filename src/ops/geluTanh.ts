/**
 * `geluTanh(x)`: the tanh approximation of GELU, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 *
 * Forward: computed as `x · σ(2u)`, `u = √(2/π)·(x + 0.044715·x³)` (the same value, no cancellation for negative x). Pullback: `ct_x = ct · (σ(2u) + 2·out·(1 - σ(2u))·u')`, `u' = √(2/π)·(1 + 3·0.044715·x²)`.
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

/** √(2/π). */
const C = Math.sqrt(2 / Math.PI);
const built = unaryOp({
  name: "geluTanh",
  doc: "out = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))",
  kernel: {
    scalar: (x) => x / (1 + Math.exp(-2 * C * (x + 0.044715 * x * x * x))),
    wasm: {
      f32: "<f32>(<f64>v / (1.0 + Math.exp(-2.0 * 0.7978845608028654 * (<f64>v + 0.044715 * <f64>v * <f64>v * <f64>v))))",
      f64: "v / (1.0 + Math.exp(-2.0 * 0.7978845608028654 * (v + 0.044715 * v * v * v)))",
    },
    costly: true,
    accuracy: { lo: -8, hi: 10, ulp: 1, ulp64: 2 },
  },
  pullback: (ct, x, out) => {
    const x2 = mul(x, x);
    const s = sigmoid(mul(add(x, mul(mul(x2, x), 0.044715)), 2 * C));
    const du = mul(add(mul(x2, 3 * 0.044715), 1), C);
    return mul(ct, add(s, mul(mul(out, sub(1, s)), mul(du, 2))));
  },
  spec: {
    domain: domains.real,
    reference: (x) => 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x ** 3))),
    secondOrder: true,
  },
});

/**
 * Elementwise GELU, tanh approximation (as in GPT-2 and `jax.nn.gelu(approximate=True)`).
 *
 * @example
 * import { geluTanh, tensor, toArray } from "typegrad"
 * toArray(geluTanh(tensor([0]))) // [0]
 * @category operations
 */
export const geluTanh: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** Registry entry. */
export const geluTanhDef: OpDef<void> = built.def;
