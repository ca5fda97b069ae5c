// Special functions for the elementwise kernels (float64; float32 kernels round the result). The
// same algorithm, step for step, as the scalar functions of src/ops/erf.ts, so the WASM kernels
// and the reference backend agree to the ulp of exp.
//   erf(x), |x| < 2: 2/√π · x · e^(-x²) · Σ (2x²)^n / (2n+1)!!  (all terms positive: no cancellation)
//   erfc(x), x ≥ 2:  e^(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …))))  (60 terms, backwards)

const SPLIT: f64 = 2.0;
const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const INV_SQRT_PI: f64 = 0.5641895835477563;

function erfSeries(x: f64): f64 {
  const x2 = x * x;
  let term: f64 = 1.0;
  let sum: f64 = 1.0;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= (2.0 * x2) / <f64>(2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

function erfcFraction(x: f64): f64 {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + <f64>k / 2.0 / f;
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function. */
export function erf64(x: f64): f64 {
  const a = Math.abs(x);
  const e = a < SPLIT ? erfSeries(a) : 1.0 - erfcFraction(a);
  return x < 0 ? -e : e;
}

/** The complementary error function 1 - erf(x), accurate where it is tiny. */
export function erfc64(x: f64): f64 {
  const a = Math.abs(x);
  const c = a < SPLIT ? 1.0 - erfSeries(a) : erfcFraction(a);
  return x < 0 ? 2.0 - c : c;
}
