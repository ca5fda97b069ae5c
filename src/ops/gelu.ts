/**
 * `gelu(x)`: the Gaussian error linear unit `x · Φ(x)`, `Φ` the standard normal CDF (the exact
 * form; `geluTanh` is the tanh approximation).
 *
 * Forward: `out = ½ · x · erfc(-x/√2)` (erfc, not `1 + erf`, so negative x keep their digits).
 * Pullback: `ct_x = ct · (Φ(x) + x · φ(x))`, `Φ(x) = ½(1 + erf(x/√2))`, `φ(x) = e^(-x²/2)/√(2π)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { unaryOp } from "./builders.js";
import { erf, erfcScalar } from "./erf.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";

const INV_SQRT_2PI = 0.3989422804014327;

/** An independent reference: Φ by Simpson's rule on the normal density from -12. */
const geluBySimpson = (x: number): number => {
  const n = 4000;
  const h = (x + 12) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = -12 + i * h;
    s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-0.5 * t * t);
  }
  return x * ((s * h) / 3) * INV_SQRT_2PI;
};

const built = unaryOp({
  name: "gelu",
  doc: "out = x · Φ(x) = ½ · x · (1 + erf(x/√2))",
  kernel: {
    scalar: (x) => 0.5 * x * erfcScalar(-x * Math.SQRT1_2),
    wasm: { f32: "<f32>(0.5 * <f64>v * erfc64(-<f64>v * 0.7071067811865476))", f64: "0.5 * v * erfc64(-v * 0.7071067811865476)" },
    costly: true,
    // float64: erfc(a) for a just below 2 (x just above -2.83) is 1 − erf(a), which cancels up to
    // 8 bits, so the two backends' ulp-level differences in erf grow to ~70× the input's
    // conditioning (≈1e-13 relative; measured over 1.6e6 draws); float32 is unaffected
    accuracy: { lo: -12, hi: 12, ulp: 1, ulp64: 128 },
  },
  pullback: (ct, x) => {
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI);
    return mul(ct, add(cdf, mul(x, pdf)));
  },
  spec: {
    domain: domains.real,
    reference: geluBySimpson,
    secondOrder: true,
  },
});

/**
 * Elementwise GELU, exact (erf) form, as `jax.nn.gelu(approximate=False)`. Use it bare in `pipe`: `pipe(x, gelu)`.
 *
 * @example
 * import { gelu, tensor, toArray } from "typegrad"
 * toArray(gelu(tensor([0, 1]))) // [0, 0.8413…]
 * @category operations
 */
export const gelu: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** Registry entry. */
export const geluDef: OpDef<void> = built.def;
