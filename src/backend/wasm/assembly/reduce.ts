// Reductions along one axis of a tensor viewed as [outer, n, inner], and argmax.

const SUM = 0;
const MAX = 1;

@inline function vop<T>(op: i32, a: v128, b: v128): v128 {
  return op == SUM ? v128.add<T>(a, b) : v128.max<T>(a, b);
}

@inline function sop<T>(op: i32, a: T, b: T): T {
  return op == SUM ? a + b : max<T>(a, b);
}

@inline function horizontal<T>(op: i32, v: v128): T {
  if (sizeof<T>() == 4) {
    const a = sop<f32>(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1));
    const b = sop<f32>(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3));
    return <T>sop<f32>(op, a, b);
  }
  return <T>sop<f64>(op, f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

@inline function reduceRun<T>(op: i32, x: usize, o: usize, outer: i32, n: i32, inner: i32): void {
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  const id: T = op == SUM ? <T>0 : <T>-Infinity;
  if (inner == 1) {
    for (let q = 0; q < outer; q++) {
      const row = x + <usize>q * <usize>n * sz;
      let v0 = v128.splat<T>(id), v1 = v128.splat<T>(id);
      let i = 0;
      for (; i + 2 * L <= n; i += 2 * L) {
        v0 = vop<T>(op, v0, v128.load(row + <usize>i * sz));
        v1 = vop<T>(op, v1, v128.load(row + <usize>i * sz, 16));
      }
      let acc = horizontal<T>(op, vop<T>(op, v0, v1));
      for (; i < n; i++) acc = sop<T>(op, acc, load<T>(row + <usize>i * sz));
      store<T>(o + <usize>q * sz, acc);
    }
    return;
  }
  const rowBytes = <usize>inner * sz;
  for (let q = 0; q < outer; q++) {
    const dst = o + <usize>q * rowBytes;
    const src = x + <usize>q * <usize>n * rowBytes;
    if (n == 0) {
      for (let j = 0; j < inner; j++) store<T>(dst + <usize>j * sz, id);
      continue;
    }
    memory.copy(dst, src, rowBytes);
    for (let i = 1; i < n; i++) {
      const s = src + <usize>i * rowBytes;
      let j = 0;
      for (; j + L <= inner; j += L) {
        const off = <usize>j * sz;
        v128.store(dst + off, vop<T>(op, v128.load(dst + off), v128.load(s + off)));
      }
      for (; j < inner; j++) {
        const off = <usize>j * sz;
        store<T>(dst + off, sop<T>(op, load<T>(dst + off), load<T>(s + off)));
      }
    }
  }
}

/** Reduce (0 sum, 1 max) along the middle axis of [outer, n, inner]. */
export function reduce(dt: i32, op: i32, x: usize, o: usize, outer: i32, n: i32, inner: i32): void {
  if (dt == 0) {
    if (op == SUM) reduceRun<f32>(SUM, x, o, outer, n, inner);
    else reduceRun<f32>(MAX, x, o, outer, n, inner);
  } else {
    if (op == SUM) reduceRun<f64>(SUM, x, o, outer, n, inner);
    else reduceRun<f64>(MAX, x, o, outer, n, inner);
  }
}

function argmaxT<T>(x: usize, o: usize, outer: i32, n: i32, inner: i32): void {
  const sz = sizeof<T>();
  for (let q = 0; q < outer; q++) {
    for (let j = 0; j < inner; j++) {
      let best: T = <T>-Infinity;
      let at = 0;
      let p = x + (<usize>q * <usize>n * <usize>inner + <usize>j) * sz;
      const step = <usize>inner * sz;
      for (let i = 0; i < n; i++) {
        const v = load<T>(p);
        if (v > best) {
          best = v;
          at = i;
        }
        p += step;
      }
      store<T>(o + (<usize>q * <usize>inner + <usize>j) * sz, <T>at);
    }
  }
}

/** Index of the first largest element along the middle axis of [outer, n, inner], as a float. */
export function argmax(dt: i32, x: usize, o: usize, outer: i32, n: i32, inner: i32): void {
  if (dt == 0) argmaxT<f32>(x, o, outer, n, inner);
  else argmaxT<f64>(x, o, outer, n, inner);
}
