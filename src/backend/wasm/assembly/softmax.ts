// Softmax and log-softmax along one axis of a tensor viewed as [outer, n, inner], in one kernel:
// the max, e^(x - max) and its sum, then the normalisation, each row read from cache. float32
// uses the SIMD e^x of approx.ts (1–2 ulp), float64 AssemblyScript's Math.
import { expf4, expNegf4, expShiftSum } from "./approx";

@inline function hmax<T>(v: v128): T {
  if (sizeof<T>() == 4) return <T>max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  return <T>max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

@inline function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) return <T>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
  return <T>(f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

/** e^x lane by lane: SIMD for float32, Math.exp for float64. */
@inline function vexp<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return expf4(x);
  return f64x2.replace_lane(f64x2.splat(Math.exp(f64x2.extract_lane(x, 0))), 1, Math.exp(f64x2.extract_lane(x, 1)));
}

@inline function sexp<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>f32x4.extract_lane(expf4(f32x4.splat(<f32>x)), 0);
  return <T>Math.exp(<f64>x);
}

/** e^x for x ≤ 0 (a row's tail, its max subtracted): the arithmetic of `expShiftSum`. */
@inline function sexpNeg<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>f32x4.extract_lane(expNegf4(f32x4.splat(<f32>x)), 0);
  return <T>Math.exp(<f64>x);
}

@inline function slog<T>(x: T): T {
  return sizeof<T>() == 4 ? <T>Mathf.log(<f32>x) : <T>Math.log(<f64>x);
}

/** One contiguous row of n elements (the common case: the last axis). */
@inline function row<T>(x: usize, o: usize, n: i32, log: bool): void {
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  // two running maxima (max is exact, so their order changes nothing)
  let vm = v128.splat<T>(<T>-Infinity);
  let vm2 = vm;
  let i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    vm = v128.max<T>(vm, v128.load(x + <usize>i * sz));
    vm2 = v128.max<T>(vm2, v128.load(x + <usize>i * sz, 16));
  }
  for (; i + L <= n; i += L) vm = v128.max<T>(vm, v128.load(x + <usize>i * sz));
  let m = hmax<T>(v128.max<T>(vm, vm2));
  for (; i < n; i++) m = max<T>(m, load<T>(x + <usize>i * sz));
  const mv = v128.splat<T>(m);
  let vs: v128;
  if (sizeof<T>() == 4) {
    i = n & ~3;
    vs = expShiftSum(x, o, i, mv, !log);
  } else {
    vs = v128.splat<T>(<T>0);
    i = 0;
    for (; i + L <= n; i += L) {
      const e = vexp<T>(v128.sub<T>(v128.load(x + <usize>i * sz), mv));
      if (!log) v128.store(o + <usize>i * sz, e);
      vs = v128.add<T>(vs, e);
    }
  }
  let s = hsum<T>(vs);
  for (; i < n; i++) {
    const e = sexpNeg<T>(load<T>(x + <usize>i * sz) - m);
    if (!log) store<T>(o + <usize>i * sz, e);
    s += e;
  }
  i = 0;
  if (log) {
    // x - (max + log Σ)
    const c = m + slog<T>(s);
    const cv = v128.splat<T>(c);
    for (; i + L <= n; i += L) v128.store(o + <usize>i * sz, v128.sub<T>(v128.load(x + <usize>i * sz), cv));
    for (; i < n; i++) store<T>(o + <usize>i * sz, load<T>(x + <usize>i * sz) - c);
  } else {
    const r = <T>1 / s;
    const rv = v128.splat<T>(r);
    for (; i + L <= n; i += L) v128.store(o + <usize>i * sz, v128.mul<T>(v128.load(o + <usize>i * sz), rv));
    for (; i < n; i++) store<T>(o + <usize>i * sz, load<T>(o + <usize>i * sz) * r);
  }
}

/** `w` columns (w ≤ L) of an [n, inner] block with column stride `st` bytes, lanes side by side. */
@inline function columns<T>(x: usize, o: usize, n: i32, st: usize, w: i32, log: bool): void {
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  if (w == L) {
    let vm = v128.splat<T>(<T>-Infinity);
    for (let k = 0; k < n; k++) vm = v128.max<T>(vm, v128.load(x + <usize>k * st));
    let vs = v128.splat<T>(<T>0);
    for (let k = 0; k < n; k++) {
      const e = vexp<T>(v128.sub<T>(v128.load(x + <usize>k * st), vm));
      if (!log) v128.store(o + <usize>k * st, e);
      vs = v128.add<T>(vs, e);
    }
    if (log) {
      let c: v128;
      if (sizeof<T>() == 4) {
        c = f32x4.splat(Mathf.log(f32x4.extract_lane(vs, 0)));
        c = f32x4.replace_lane(c, 1, Mathf.log(f32x4.extract_lane(vs, 1)));
        c = f32x4.replace_lane(c, 2, Mathf.log(f32x4.extract_lane(vs, 2)));
        c = f32x4.replace_lane(c, 3, Mathf.log(f32x4.extract_lane(vs, 3)));
      } else {
        c = f64x2.replace_lane(f64x2.splat(Math.log(f64x2.extract_lane(vs, 0))), 1, Math.log(f64x2.extract_lane(vs, 1)));
      }
      c = v128.add<T>(c, vm);
      for (let k = 0; k < n; k++) v128.store(o + <usize>k * st, v128.sub<T>(v128.load(x + <usize>k * st), c));
    } else {
      const r = v128.div<T>(v128.splat<T>(<T>1), vs);
      for (let k = 0; k < n; k++) v128.store(o + <usize>k * st, v128.mul<T>(v128.load(o + <usize>k * st), r));
    }
    return;
  }
  for (let j = 0; j < w; j++) {
    const xj = x + <usize>j * sz;
    const oj = o + <usize>j * sz;
    let m = <T>-Infinity;
    for (let k = 0; k < n; k++) m = max<T>(m, load<T>(xj + <usize>k * st));
    let s = <T>0;
    for (let k = 0; k < n; k++) {
      const e = sexp<T>(load<T>(xj + <usize>k * st) - m);
      if (!log) store<T>(oj + <usize>k * st, e);
      s += e;
    }
    if (log) {
      const c = m + slog<T>(s);
      for (let k = 0; k < n; k++) store<T>(oj + <usize>k * st, load<T>(xj + <usize>k * st) - c);
    } else {
      const r = <T>1 / s;
      for (let k = 0; k < n; k++) store<T>(oj + <usize>k * st, load<T>(oj + <usize>k * st) * r);
    }
  }
}

function softmaxT<T>(x: usize, o: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  const block = <usize>n * <usize>inner * sz;
  for (let q = 0; q < outer; q++) {
    const xb = x + <usize>q * block;
    const ob = o + <usize>q * block;
    if (inner == 1) {
      row<T>(xb, ob, n, log);
      continue;
    }
    const st = <usize>inner * sz;
    for (let j = 0; j < inner; j += L) columns<T>(xb + <usize>j * sz, ob + <usize>j * sz, n, st, min(L, inner - j), log);
  }
}

/** Softmax (log = 0) or log-softmax (log = 1) along the middle axis of [outer, n, inner]. dt: 0 float32, 1 float64. */
export function softmax(dt: i32, log: i32, x: usize, o: usize, outer: i32, n: i32, inner: i32): void {
  if (dt == 0) {
    if (log != 0) softmaxT<f32>(x, o, outer, n, inner, true);
    else softmaxT<f32>(x, o, outer, n, inner, false);
  } else {
    if (log != 0) softmaxT<f64>(x, o, outer, n, inner, true);
    else softmaxT<f64>(x, o, outer, n, inner, false);
  }
}

// -------------------------------------------------------------------------------------
// softmax cross-entropy's pullback
// -------------------------------------------------------------------------------------

/**
 * One output element of softmax cross-entropy's pullback, `(e^ls · s − y) · c`, rounded step by
 * step as the kernels `exp`, `mul`, `sub`, `mul` round it (for one-hot targets, `s = 1`, the
 * composition's bits).
 */
@inline function xentVec<T>(ls: v128, y: v128, s: v128, c: v128): v128 {
  return v128.mul<T>(v128.sub<T>(v128.mul<T>(vexp<T>(ls), s), y), c);
}

@inline function xentGradT<T>(ls: usize, y: usize, g: usize, m: f64, o: usize, outer: i32, n: i32, inner: i32): void {
  const sz = <usize>sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  const c = <T>(load<T>(g) / <T>m);
  const cv = v128.splat<T>(c);
  const stride = <usize>inner * sz;
  for (let q = 0; q < outer; q++) {
    const base = <usize>q * <usize>n * stride;
    const lq = ls + base;
    const yq = y + base;
    const oq = o + base;
    // each line's Σ y in index order, one line per lane (a line is strided by `inner`)
    let j = 0;
    for (; j + L <= inner; j += L) {
      const at = <usize>j * sz;
      let sv = v128.splat<T>(<T>0);
      for (let k = 0; k < n; k++) sv = v128.add<T>(sv, v128.load(yq + <usize>k * stride + at));
      for (let k = 0; k < n; k++) {
        const off = <usize>k * stride + at;
        v128.store(oq + off, xentVec<T>(v128.load(lq + off), v128.load(yq + off), sv, cv));
      }
    }
    for (; j < inner; j++) {
      const at = <usize>j * sz;
      let s = <T>0;
      for (let k = 0; k < n; k++) s += load<T>(yq + <usize>k * stride + at);
      const sv = v128.splat<T>(s);
      // a contiguous line (inner = 1, the rows layout): L elements per step, then one at a time
      let k = 0;
      if (inner == 1)
        for (; k + L <= n; k += L) {
          const off = <usize>k * sz;
          v128.store(oq + off, xentVec<T>(v128.load(lq + off), v128.load(yq + off), sv, cv));
        }
      for (; k < n; k++) {
        const off = <usize>k * stride + at;
        store<T>(oq + off, (sexp<T>(load<T>(lq + off)) * s - load<T>(yq + off)) * c);
      }
    }
  }
}

/**
 * Softmax cross-entropy's pullback along the middle axis of `[outer, n, inner]`:
 * `o = (e^ls · Σ_n y − y) · (g[0] / m)`, from the log-softmax `ls`, the targets `y` and the
 * scalar cotangent `g` (one pass; the composition took exp, a row sum, two products, a
 * difference and a scalar division). dt: 0 float32, 1 float64.
 */
export function softmaxXentGrad(dt: i32, ls: usize, y: usize, g: usize, m: f64, o: usize, outer: i32, n: i32, inner: i32): void {
  if (dt == 0) xentGradT<f32>(ls, y, g, m, o, outer, n, inner);
  else xentGradT<f64>(ls, y, g, m, o, outer, n, inner);
}
