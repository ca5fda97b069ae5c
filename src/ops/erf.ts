/**
 * `erf(x)`: the error function `2/√π ∫₀ˣ e^(-t²) dt`, elementwise.
 *
 * Forward: a positive series for |x| < 2 (no cancellation), `1 - erfc` by a continued fraction
 * beyond. Pullback: `ct_x = ct · 2/√π · e^(-x²)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";

const SPLIT = 2;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;

/** erf for 0 ≤ x < 2: `2/√π · x · e^(-x²) · Σ (2x²)^n / (2n+1)!!`, all terms positive. */
const erfSeries = (x: number): number => {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  // for x < 2 the ratio of two terms, 2x² / (2n+1), is below 1/2 from n = 8 on: within 31 terms one
  // falls under 1e-17 of the sum, under half an ulp of it, and the ones after it would add nothing
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
};

/** erfc for x ≥ 2: `e^(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …))))`, 60 terms backwards. */
const erfcFraction = (x: number): number => {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
};

/** The scalar error function (the reference backend's kernel; assembly/special.ts is its twin). @internal */
export const erfScalar = (x: number): number => {
  const a = Math.abs(x);
  const e = a < SPLIT ? erfSeries(a) : 1 - erfcFraction(a);
  return x < 0 ? -e : e;
};

/** The scalar complementary error function `1 - erf(x)`, accurate where it is tiny. @internal */
export const erfcScalar = (x: number): number => {
  const a = Math.abs(x);
  const c = a < SPLIT ? 1 - erfSeries(a) : erfcFraction(a);
  return x < 0 ? 2 - c : c;
};

/** An independent reference: Simpson's rule over 2,000 intervals. */
const erfBySimpson = (x: number): number => {
  const n = 2000;
  const h = x / n;
  let s = 0;
  for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-(i * h) * (i * h));
  return ((s * h) / 3) * TWO_OVER_SQRT_PI;
};

const built = unaryOp({
  name: "erf",
  doc: "out = 2/√π ∫₀ˣ e^(-t²) dt",
  kernel: {
    scalar: erfScalar,
    wasm: { f32: "<f32>erf64(<f64>v)", f64: "erf64(v)" },
    costly: true,
    // float64: the series and the continued fraction meet at |x| ≈ 1.8, where the two musl-derived
    // `exp`s differ by an ulp that the sum carries: 4 ulp measured over 1.6e6 draws
    accuracy: { lo: -6, hi: 6, ulp: 1, ulp64: 4 },
  },
  pullback: (ct, x) => mul(ct, mul(exp(mul(mul(x, x), -1)), TWO_OVER_SQRT_PI)),
  spec: {
    domain: domains.real,
    reference: erfBySimpson,
    secondOrder: true,
    // Simpson's rule over 2,000 intervals is accurate to about 1e-14: 64 float64 ulps
    referenceUlps: 64,
  },
});

/**
 * The elementwise error function. Use it bare in `pipe`: `pipe(x, erf)`.
 *
 * @example
 * import { erf, tensor, toArray } from "typegrad"
 * toArray(erf(tensor([0, 0.5]))) // [0, 0.5204…]
 * @category operations
 */
export const erf: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** Registry entry. */
export const erfDef: OpDef<void> = built.def;
