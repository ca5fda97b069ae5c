// Vectorised float32 approximations of exp, log, tanh and sigmoid (four lanes at a time), after
// Cephes (expf, logf, tanhf). Accuracy, measured against Math.* (float64) rounded to float32 over
// sweeps of 2,000,001 points (every 997th positive float32 for log), checked by
// test/backend/wasm.test.ts ("worst error over dense sweeps"):
//   exp      ≤ 1 ulp on [-103.9, 88.7], subnormal results included;
//            +inf above 88.7228, 0 below -103.97, NaN → NaN
//   log      ≤ 1 ulp on (0, inf), subnormal inputs included; log(0) = -inf, log(x < 0) = NaN
//   tanh     ≤ 1 ulp
//   sigmoid  ≤ 2 ulp where the result is a normal float32 (x ≥ -87); 0 for x < -88.72
//            (absolute error < 1.2e-38)
// float64 kernels call the scalar NativeMath functions (musl ports, < 1 ulp).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.72283905206835;
const EXP_MIN: f32 = -103.97207708;

@inline function poly(x: v128, c: f32, acc: v128): v128 {
  return f32x4.add(f32x4.mul(acc, x), f32x4.splat(c));
}

/** 2^n for integer lanes n in [-150, 128], as two normal factors so the product may be subnormal. */
@inline function scale(y: v128, n: v128): v128 {
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** e^x, four lanes. */
@inline export function expf4(x: v128): v128 {
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = poly(r, 1.3981999507e-3, p);
  p = poly(r, 8.3334519073e-3, p);
  p = poly(r, 4.1665795894e-2, p);
  p = poly(r, 1.6666665459e-1, p);
  p = poly(r, 5.0000001201e-1, p);
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  let out = scale(y, n);
  out = v128.bitselect(f32x4.splat(Infinity), out, f32x4.gt(x, f32x4.splat(EXP_MAX)));
  out = v128.bitselect(f32x4.splat(0), out, f32x4.lt(x, f32x4.splat(EXP_MIN)));
  return out;
}

/** ln x, four lanes. */
@inline export function logf4(x0: v128): v128 {
  // subnormal inputs: scale by 2^23 first
  const sub = v128.and(f32x4.lt(x0, f32x4.splat(1.17549435e-38)), f32x4.gt(x0, f32x4.splat(0)));
  const x = v128.bitselect(f32x4.mul(x0, f32x4.splat(8388608.0)), x0, sub);
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  e = i32x4.sub(e, v128.and(sub, i32x4.splat(23)));
  let m = v128.or(v128.and(x, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  // e -= 1 and m = 2m - 1 where m < sqrt(1/2); else m = m - 1
  e = i32x4.add(e, small); // mask lanes are -1
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), f32x4.splat(1));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let p = f32x4.splat(7.0376836292e-2);
  p = poly(m, -1.1514610310e-1, p);
  p = poly(m, 1.1676998740e-1, p);
  p = poly(m, -1.2420140846e-1, p);
  p = poly(m, 1.4249322787e-1, p);
  p = poly(m, -1.6668057665e-1, p);
  p = poly(m, 2.0000714765e-1, p);
  p = poly(m, -2.4999993993e-1, p);
  p = poly(m, 3.3333331174e-1, p);
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(fe, f32x4.splat(LN2_LO)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let out = f32x4.add(f32x4.add(m, y), f32x4.mul(fe, f32x4.splat(LN2_HI)));
  out = v128.bitselect(f32x4.splat(-Infinity), out, f32x4.eq(x0, f32x4.splat(0)));
  out = v128.bitselect(f32x4.splat(Infinity), out, f32x4.eq(x0, f32x4.splat(Infinity)));
  // negative inputs and NaN
  out = v128.bitselect(f32x4.splat(NaN), out, v128.not(f32x4.ge(x0, f32x4.splat(0))));
  return out;
}

/** tanh x, four lanes. */
@inline export function tanhf4(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = poly(z, 2.06390887954e-2, p);
  p = poly(z, -5.37397155531e-2, p);
  p = poly(z, 1.33314422036e-1, p);
  p = poly(z, -3.33332819422e-1, p);
  const near = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // otherwise 1 - 2 / (e^{2|x|} + 1), with x's sign
  const s = expf4(f32x4.add(ax, ax));
  const far = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(s, f32x4.splat(1))));
  const signed = v128.or(far, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(near, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** 1 / (1 + e^-x), four lanes. */
@inline export function sigmoidf4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expf4(f32x4.neg(x))));
}
