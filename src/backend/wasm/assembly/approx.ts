// Vectorised float32 approximations of exp, log, tanh and sigmoid (four lanes at a time), after
// Cephes (expf, logf, tanhf). Accuracy, measured against Math.* (float64) rounded to float32 over
// sweeps of 2,000,001 points (every 997th positive float32 for log), checked by
// test/backend/wasm.test.ts ("worst error over dense sweeps"):
//   exp      ≤ 1 ulp on [-103.9, 88.7], subnormal results included;
//            +inf above 88.7228, 0 below -103.97, NaN → NaN
//   log      ≤ 1 ulp on (0, inf), subnormal inputs included; log(0) = -inf, log(x < 0) = NaN
//   tanh     ≤ 1 ulp
//   sigmoid  ≤ 2 ulp where the result is a normal float32 (x ≥ -87); 0 for x < -87.34, where
//            the result would be subnormal (absolute error < 1.2e-38)
//   softmax's e^(x - max): a degree-5 polynomial (`expSoftCore`), terms under 2^-126 flushed to 0
// float64 kernels call the scalar NativeMath functions (musl ports, < 1 ulp).
// The relaxed-SIMD build evaluates exp's range reduction and polynomial with fused multiply-adds
// (exp 1.32 → 1.00 ms and sigmoid 1.59 → 1.23 ms over 1e6 values, same run); both builds are
// held to the bounds above by the same sweeps (test/backend/approx-sweeps.ts).
// (Re-measured after the exp rewrite below — Estrin polynomial, rounding by 1.5·2^23 — over
// 2,000,001-point sweeps: exp 1 ulp, sigmoid 2, tanh 1, log 1.)
// Sigmoid and softmax's exponentials use `expNegCore` (e^y for y ≤ 0: one scale factor, one range
// check); against the previous kernels in one process, CPU time, 2026-12-05: sigmoid over 1e6
// values 1.27 → 0.97 ms relaxed, 1.65 → 1.22 ms plain; softmax 1000×1000 1.75 → 1.38 ms.

const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 88.72283905206835;
const EXP_MIN: f32 = -103.97207708;

// V8 materialises every v128.const afresh in each loop iteration (a 64-bit immediate move, a
// vmovq and a shuffle), which made exp cost ~2x its arithmetic. The hot kernels below therefore
// read their constants from this table: once before the loop (exp, sigmoid), or as one plain
// load per use (log, tanh). One v128 per constant, 16-byte aligned.
const T: usize = memory.data<f32>([
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, // 0 log2(e)
  12582912.0, 12582912.0, 12582912.0, 12582912.0, // 1 1.5·2^23: adding it rounds to an integer
  0.693359375, 0.693359375, 0.693359375, 0.693359375, // 2 ln2 high
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, // 3 ln2 low
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, // 4..9 exp polynomial
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1, 1, 1, 1, // 10
  EXP_MAX, EXP_MAX, EXP_MAX, EXP_MAX, // 11
  EXP_MIN, EXP_MIN, EXP_MIN, EXP_MIN, // 12
  Infinity, Infinity, Infinity, Infinity, // 13
  1.17549435e-38, 1.17549435e-38, 1.17549435e-38, 1.17549435e-38, // 14 smallest normal
  0, 0, 0, 0, // 15 0
  8388608.0, 8388608.0, 8388608.0, 8388608.0, // 16 2^23
  0.707106781186547524, 0.707106781186547524, 0.707106781186547524, 0.707106781186547524, // 17 sqrt(1/2)
  7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2, 7.0376836292e-2, // 18..26 log polynomial
  -1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1, -1.1514610310e-1,
  1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1, 1.1676998740e-1,
  -1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1, -1.2420140846e-1,
  1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1, 1.4249322787e-1,
  -1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1, -1.6668057665e-1,
  2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1, 2.0000714765e-1,
  -2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1, -2.4999993993e-1,
  3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1, 3.3333331174e-1,
  LN2_LO, LN2_LO, LN2_LO, LN2_LO, // 27 ln2 low
  0.5, 0.5, 0.5, 0.5, // 28 1/2
  LN2_HI, LN2_HI, LN2_HI, LN2_HI, // 29 ln2 high
  -Infinity, -Infinity, -Infinity, -Infinity, // 30 -inf
  NaN, NaN, NaN, NaN, // 31 NaN
  -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, // 32..36 tanh polynomial
  2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2,
  -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2,
  1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1,
  -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1,
  0.625, 0.625, 0.625, 0.625, // 37 tanh: polynomial below
  2, 2, 2, 2, // 38 2
  -87.33654475, -87.33654475, -87.33654475, -87.33654475, // 39 ln(2^-126): below it e^y is no normal float32
  12583039.0, 12583039.0, 12583039.0, 12583039.0, // 40 1.5·2^23 + 127: rounds, and leaves n + 127 in the low bits
  // 41..45 a degree-5 minimax polynomial for e^r on [-ln2/2, ln2/2] (the coefficients of XNNPACK's rr2-p5)
  0.008289290592074394, 0.008289290592074394, 0.008289290592074394, 0.008289290592074394,
  0.04189782217144966, 0.04189782217144966, 0.04189782217144966, 0.04189782217144966,
  0.16667652130126953, 0.16667652130126953, 0.16667652130126953, 0.16667652130126953,
  0.4999915063381195, 0.4999915063381195, 0.4999915063381195, 0.4999915063381195,
  0.9999997019767761, 0.9999997019767761, 0.9999997019767761, 0.9999997019767761,
], 16);

/** Integer constants, likewise: i32 lanes. */
const TI: usize = memory.data<i32>([
  127, 127, 127, 127, // 0 exponent bias
  126, 126, 126, 126, // 1
  23, 23, 23, 23, // 2
  0x807fffff, 0x807fffff, 0x807fffff, 0x807fffff, // 3 sign and mantissa
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 4 the exponent of 0.5
  0x80000000, 0x80000000, 0x80000000, 0x80000000, // 5 sign bit
], 16);

@inline function KI(i: i32): v128 {
  return v128.load(TI + (<usize>i << 4));
}

@inline function K(i: i32): v128 {
  return v128.load(T + (<usize>i << 4));
}

/** a·b + c: fused in the relaxed-SIMD build (one rounding), a multiply and an add otherwise. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** c - a·b, likewise. */
@inline function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * e^r·… for `expCore` and `expNegCore`: given x and t = x·log2 e + 1.5·2^23 (n in t's low bits),
 * the reduced argument r = x − n·ln 2 (in two parts) and the polynomial 1 + r + r²·p(r) in
 * Estrin's form, before 2^n is applied.
 */
@inline function expReduced(x: v128, t: v128, mag: v128, hi: v128, lo: v128, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, one: v128): v128 {
  const fx = f32x4.sub(t, mag);
  let r = nmadd(fx, hi, x);
  r = nmadd(fx, lo, r);
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const a = madd(c0, r, c1);
  const b = madd(c2, r, c3);
  const c = madd(c4, r, c5);
  const p = madd(a, r4, madd(b, r2, c));
  return f32x4.add(madd(p, r2, r), one);
}

/**
 * e^x, four lanes, with the constants passed in (hoisted by the caller). The rounding
 * n = round(x·log2 e) uses the 1.5·2^23 trick (n is then read from the sum's low bits), the
 * polynomial is evaluated in Estrin's form (a shorter dependency chain than Horner's; same
 * accuracy, checked by the sweeps), 2^n is applied as two normal factors so that the product
 * may be subnormal.
 */
@inline function expCore(x: v128, l2e: v128, mag: v128, hi: v128, lo: v128, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, one: v128, emax: v128, emin: v128, inf: v128, bias: v128): v128 {
  const t = madd(x, l2e, mag);
  const y = expReduced(x, t, mag, hi, lo, c0, c1, c2, c3, c4, c5, one);
  const n = i32x4.sub(t, mag); // the integer n: low bits of t minus those of 1.5·2^23
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  const out = v128.bitselect(inf, f32x4.mul(f32x4.mul(y, s1), s2), f32x4.gt(x, emax));
  return v128.andnot(out, f32x4.lt(x, emin)); // 0 below EXP_MIN; NaN stays NaN
}

/** e^x, four lanes (constants loaded per call; loops use `expLoop`). */
@inline export function expf4(x: v128): v128 {
  return expCore(x, K(0), K(1), K(2), K(3), K(4), K(5), K(6), K(7), K(8), K(9), K(10), K(11), K(12), K(13), KI(0));
}

/** out[i] = e^x[i] over n float32, two vectors per iteration, constants loaded once; the tail goes through the same approximation. */
@inline export function expLoop(x: usize, o: usize, n: i32): void {
  const l2e = K(0), mag = K(1), hi = K(2), lo = K(3), c0 = K(4), c1 = K(5), c2 = K(6), c3 = K(7), c4 = K(8), c5 = K(9), one = K(10), emax = K(11), emin = K(12), inf = K(13), bias = KI(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    v128.store(o + off, expCore(v128.load(x + off), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, emax, emin, inf, bias));
    v128.store(o + off, expCore(v128.load(x + off, 16), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, emax, emin, inf, bias), 16);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(o + off, f32x4.extract_lane(expCore(f32x4.splat(load<f32>(x + off)), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, emax, emin, inf, bias), 0));
  }
}

/**
 * The four lane sums of e^(x[i] - m) over the first `n4` (a multiple of 4) float32 at `x`, with
 * m ≥ every x[i], storing each term at `o` when `keep`: softmax's middle pass, with the
 * constants loaded once and the exponent never positive (`expSoftCore`; the same arithmetic as
 * `expNegf4(x - m)` term by term).
 */
@inline export function expShiftSum(x: usize, o: usize, n4: i32, m: v128, keep: bool): v128 {
  const l2e = K(0), mag = K(40), hi = K(2), lo = K(3), p5 = K(41), p4 = K(42), p3 = K(43), p2 = K(44), p1 = K(45), cut = K(39);
  let vs = f32x4.splat(0);
  let vs2 = vs;
  let i = 0;
  // two vectors and two running sums per iteration (the sums' order is fixed: lanes of vs take
  // the even vectors, vs2 the odd ones, then vs + vs2), so the two exponentials overlap
  for (; i + 8 <= n4; i += 8) {
    const off = <usize>i << 2;
    const e = expSoftCore(f32x4.sub(v128.load(x + off), m), l2e, mag, hi, lo, p5, p4, p3, p2, p1, cut);
    const e2 = expSoftCore(f32x4.sub(v128.load(x + off, 16), m), l2e, mag, hi, lo, p5, p4, p3, p2, p1, cut);
    if (keep) {
      v128.store(o + off, e);
      v128.store(o + off, e2, 16);
    }
    vs = f32x4.add(vs, e);
    vs2 = f32x4.add(vs2, e2);
  }
  for (; i < n4; i += 4) {
    const off = <usize>i << 2;
    const e = expSoftCore(f32x4.sub(v128.load(x + off), m), l2e, mag, hi, lo, p5, p4, p3, p2, p1, cut);
    if (keep) v128.store(o + off, e);
    vs = f32x4.add(vs, e);
  }
  return f32x4.add(vs, vs2);
}

/** ln x, four lanes (constants read from the table). */
@inline export function logf4(x0: v128): v128 {
  // subnormal inputs: scale by 2^23 first
  const sub = v128.and(f32x4.lt(x0, K(14)), f32x4.gt(x0, K(15)));
  const x = v128.bitselect(f32x4.mul(x0, K(16)), x0, sub);
  let e = i32x4.sub(i32x4.shr_u(x, 23), KI(1));
  e = i32x4.sub(e, v128.and(sub, KI(2)));
  let m = v128.or(v128.and(x, KI(3)), KI(4));
  const small = f32x4.lt(m, K(17));
  // e -= 1 and m = 2m - 1 where m < sqrt(1/2); else m = m - 1
  e = i32x4.add(e, small); // mask lanes are -1
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), K(10));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let p = K(18);
  p = f32x4.add(f32x4.mul(p, m), K(19));
  p = f32x4.add(f32x4.mul(p, m), K(20));
  p = f32x4.add(f32x4.mul(p, m), K(21));
  p = f32x4.add(f32x4.mul(p, m), K(22));
  p = f32x4.add(f32x4.mul(p, m), K(23));
  p = f32x4.add(f32x4.mul(p, m), K(24));
  p = f32x4.add(f32x4.mul(p, m), K(25));
  p = f32x4.add(f32x4.mul(p, m), K(26));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(fe, K(27)));
  y = f32x4.sub(y, f32x4.mul(z, K(28)));
  let out = f32x4.add(f32x4.add(m, y), f32x4.mul(fe, K(29)));
  out = v128.bitselect(K(30), out, f32x4.eq(x0, K(15)));
  out = v128.bitselect(K(13), out, f32x4.eq(x0, K(13)));
  // negative inputs and NaN
  out = v128.bitselect(K(31), out, v128.not(f32x4.ge(x0, K(15))));
  return out;
}

/** tanh x, four lanes (constants read from the table). */
@inline export function tanhf4(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial
  const z = f32x4.mul(x, x);
  let p = K(32);
  p = f32x4.add(f32x4.mul(p, z), K(33));
  p = f32x4.add(f32x4.mul(p, z), K(34));
  p = f32x4.add(f32x4.mul(p, z), K(35));
  p = f32x4.add(f32x4.mul(p, z), K(36));
  const near = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // otherwise 1 - 2 / (e^{2|x|} + 1), with x's sign
  const s = expf4(f32x4.add(ax, ax));
  const far = f32x4.sub(K(10), f32x4.div(K(38), f32x4.add(s, K(10))));
  const signed = v128.or(far, v128.and(x, KI(5)));
  return v128.bitselect(near, signed, f32x4.lt(ax, K(37)));
}

/**
 * out[i] = 1 / (1 + e^-x[i]) over n float32, two vectors per iteration, constants loaded once.
 * With y = -|x| (one `or` of the sign bit), e = e^y ≤ 1 never overflows, so 2^n is one factor
 * (n ≥ -126 where e^y is a normal float32; below ln 2^-126 the result is set to 0, an absolute
 * error under 1.2e-38) and the range checks of `expCore` go; then sigmoid(x) = num / (1 + e)
 * with num = 1 for x ≥ 0 and e for x < 0: one division, the same rounding as
 * 1 / (1 + e^-x) for x ≥ 0 (after XNNPACK's f32-vsigmoid rr2-p5-div, with the Cephes polynomial
 * of `expCore`). NaN stays NaN, ±inf give 1 and 0.
 */
@inline export function sigmoidLoop(x: usize, o: usize, n: i32): void {
  const l2e = K(0), mag = K(1), hi = K(2), lo = K(3), c0 = K(4), c1 = K(5), c2 = K(6), c3 = K(7), c4 = K(8), c5 = K(9), one = K(10), cut = K(39), bias = KI(0), sign = KI(5);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    const a = v128.load(x + off);
    const b = v128.load(x + off, 16);
    v128.store(o + off, sigmoidCore(a, l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias, sign));
    v128.store(o + off, sigmoidCore(b, l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias, sign), 16);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(o + off, f32x4.extract_lane(sigmoidCore(f32x4.splat(load<f32>(x + off)), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias, sign), 0));
  }
}

/**
 * e^y for y ≤ 0 (or NaN), four lanes, constants passed in: `expCore`'s reduction and polynomial,
 * but since e^y ≤ 1 never overflows, 2^n is one factor (n ≥ -126 where e^y is a normal float32)
 * and the range checks reduce to one: below ln 2^-126 the result is 0 (an absolute error under
 * 1.2e-38: subnormal results are flushed). For sigmoid and softmax, whose exponents are never
 * positive.
 */
@inline function expNegCore(y: v128, l2e: v128, mag: v128, hi: v128, lo: v128, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, one: v128, cut: v128, bias: v128): v128 {
  const t = madd(y, l2e, mag);
  const q = expReduced(y, t, mag, hi, lo, c0, c1, c2, c3, c4, c5, one);
  const s = i32x4.shl(i32x4.add(i32x4.sub(t, mag), bias), 23);
  return v128.andnot(f32x4.mul(q, s), f32x4.lt(y, cut));
}

/** sigmoid, four lanes, for `sigmoidLoop` (constants passed in). */
@inline function sigmoidCore(x: v128, l2e: v128, mag: v128, hi: v128, lo: v128, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, one: v128, cut: v128, bias: v128, sign: v128): v128 {
  const e = expNegCore(v128.or(x, sign), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias); // e^-|x|
  const num = v128.bitselect(e, one, i32x4.shr_s(x, 31));
  return f32x4.div(num, f32x4.add(one, e));
}

/**
 * e^y for y ≤ 0 (or NaN), four lanes, for softmax: the reduction of `expNegCore` with a degree-5
 * polynomial (e^r ≈ 1 + r·p(r)) instead of Cephes' degree 7, and 2^n read from the low bits of
 * the rounding sum, the exponent bias already in it; 0 below ln 2^-126. Softmax's error budget
 * (its law spec) is dominated by x − max, not by these last bits.
 */
@inline function expSoftCore(y: v128, l2e: v128, mag: v128, hi: v128, lo: v128, p5: v128, p4: v128, p3: v128, p2: v128, p1: v128, cut: v128): v128 {
  const t = madd(y, l2e, mag);
  const fx = f32x4.sub(t, mag);
  let r = nmadd(fx, hi, y);
  r = nmadd(fx, lo, r);
  const s = i32x4.shl(t, 23);
  let p = madd(p5, r, p4);
  p = madd(p, r, p3);
  p = madd(p, r, p2);
  p = madd(p, r, p1);
  return v128.andnot(madd(f32x4.mul(r, s), p, s), f32x4.lt(y, cut));
}

/** e^y for y ≤ 0, four lanes (constants loaded per call): softmax's scalar tails, the arithmetic of `expShiftSum`. */
@inline export function expNegf4(y: v128): v128 {
  return expSoftCore(y, K(0), K(40), K(2), K(3), K(41), K(42), K(43), K(44), K(45), K(39));
}

/** 1 / (1 + e^-x), four lanes: the arithmetic of `sigmoidLoop` (constants loaded per call). */
@inline export function sigmoidf4(x: v128): v128 {
  return sigmoidCore(x, K(0), K(1), K(2), K(3), K(4), K(5), K(6), K(7), K(8), K(9), K(10), K(39), KI(0), KI(5));
}

/**
 * out[i] = (σ(z[i]) − y[i]) · c over n float32, two vectors per iteration, constants loaded once:
 * the binary log-loss's pullback from logits. σ is `sigmoidCore` (the sigmoid kernel's bits),
 * then the difference and the product are rounded one at a time, as `sub` and `mul` round them.
 */
@inline export function sigmoidDiffScaleLoop(z: usize, y: usize, c: f32, o: usize, n: i32): void {
  const l2e = K(0), mag = K(1), hi = K(2), lo = K(3), c0 = K(4), c1 = K(5), c2 = K(6), c3 = K(7), c4 = K(8), c5 = K(9), one = K(10), cut = K(39), bias = KI(0), sign = KI(5);
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    const a = sigmoidCore(v128.load(z + off), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias, sign);
    const b = sigmoidCore(v128.load(z + off, 16), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias, sign);
    v128.store(o + off, f32x4.mul(f32x4.sub(a, v128.load(y + off)), cv));
    v128.store(o + off, f32x4.mul(f32x4.sub(b, v128.load(y + off, 16)), cv), 16);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const s = f32x4.extract_lane(sigmoidCore(f32x4.splat(load<f32>(z + off)), l2e, mag, hi, lo, c0, c1, c2, c3, c4, c5, one, cut, bias, sign), 0);
    store<f32>(o + off, (s - load<f32>(y + off)) * c);
  }
}
