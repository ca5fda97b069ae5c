/**
 * The reference backend: plain TypeScript over `Float32Array`/`Float64Array`. It is the oracle the
 * faster backends are checked against, so it favours plain loops over cleverness (matmul uses the
 * cache-friendly i-k-j order and nothing more).
 *
 * @module
 */
import type { Sizes } from "../shape/dims.js";
import type { Backend, BinaryKernel, DType, ReduceKernel, Storage, TypedArray, UnaryKernel } from "./backend.js";

/** A storage of the reference backend: a typed array. */
export interface RefStorage extends Storage {
  readonly data: TypedArray;
}

const alloc = (dtype: DType, n: number): TypedArray => (dtype === "float64" ? new Float64Array(n) : new Float32Array(n));

const size = (s: Sizes): number => {
  let n = 1;
  for (const d of s) n *= d;
  return n;
};

/** Row-major strides of `shape` aligned right against `out`, 0 where a dim is broadcast. */
const bstrides = (shape: Sizes, out: Sizes): number[] => {
  const st = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i] as number;
    st[out.length - i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return st;
};

/** For each flat output index, the flat index into each broadcast input (built once per call). */
const broadcastIndex = (shape: Sizes, out: Sizes): Int32Array | null => {
  if (shape.length === out.length && shape.every((d, i) => d === out[i])) return null;
  const n = size(out);
  const idx = new Int32Array(n);
  const st = bstrides(shape, out);
  const r = out.length;
  const ctr = new Array<number>(r).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = off;
    for (let k = r - 1; k >= 0; k--) {
      ctr[k] = (ctr[k] as number) + 1;
      off += st[k] as number;
      if ((ctr[k] as number) < (out[k] as number)) break;
      off -= (st[k] as number) * (out[k] as number);
      ctr[k] = 0;
    }
  }
  return idx;
};

const unaryFns: Record<UnaryKernel, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
  expm1: Math.expm1,
  log1p: Math.log1p,
};

const binaryFns: Record<BinaryKernel, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
};

/** [outer, n, inner] sizes around `axis`. */
const around = (shape: Sizes, axis: number): [number, number, number] => [size(shape.slice(0, axis)), shape[axis] as number, size(shape.slice(axis + 1))];

class Reference implements Backend {
  readonly name = "reference";

  private make(data: TypedArray): RefStorage {
    return { backend: this, dtype: data instanceof Float64Array ? "float64" : "float32", length: data.length, data };
  }

  private data(s: Storage): TypedArray {
    if (s.backend !== this) throw new Error(`reference backend: got a storage of backend '${s.backend.name}'`);
    return (s as RefStorage).data;
  }

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    const out = alloc(dtype, data.length);
    out.set(data);
    return this.make(out);
  }

  read(s: Storage): TypedArray {
    return this.data(s).slice();
  }

  fill(dtype: DType, n: number, value: number): Storage {
    return this.make(alloc(dtype, n).fill(value));
  }

  cast(x: Storage, dtype: DType): Storage {
    return this.fromArray(dtype, this.data(x));
  }

  unary(op: UnaryKernel, x: Storage): Storage {
    const a = this.data(x);
    const f = unaryFns[op];
    const out = alloc(x.dtype, a.length);
    for (let i = 0; i < a.length; i++) out[i] = f(a[i] as number);
    return this.make(out);
  }

  binary(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, outShape: Sizes): Storage {
    const x = this.data(a);
    const y = this.data(b);
    const f = binaryFns[op];
    const n = size(outShape);
    const out = alloc(a.dtype, n);
    const ia = broadcastIndex(aShape, outShape);
    const ib = broadcastIndex(bShape, outShape);
    if (ia === null && ib === null) {
      for (let i = 0; i < n; i++) out[i] = f(x[i] as number, y[i] as number);
    } else if (ia === null && y.length === 1) {
      const c = y[0] as number;
      for (let i = 0; i < n; i++) out[i] = f(x[i] as number, c);
    } else if (ib === null && x.length === 1) {
      const c = x[0] as number;
      for (let i = 0; i < n; i++) out[i] = f(c, y[i] as number);
    } else {
      for (let i = 0; i < n; i++) out[i] = f(x[ia === null ? i : (ia[i] as number)] as number, y[ib === null ? i : (ib[i] as number)] as number);
    }
    return this.make(out);
  }

  where(cond: Storage, cShape: Sizes, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, outShape: Sizes): Storage {
    const c = this.data(cond);
    const x = this.data(a);
    const y = this.data(b);
    const n = size(outShape);
    const out = alloc(a.dtype, n);
    const ic = broadcastIndex(cShape, outShape);
    const ia = broadcastIndex(aShape, outShape);
    const ib = broadcastIndex(bShape, outShape);
    for (let i = 0; i < n; i++) {
      const ci = ic === null ? i : (ic[i] as number);
      out[i] = (c[ci] as number) !== 0 ? (x[ia === null ? i : (ia[i] as number)] as number) : (y[ib === null ? i : (ib[i] as number)] as number);
    }
    return this.make(out);
  }

  matmul(a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, outShape: Sizes): Storage {
    const x = this.data(a);
    const y = this.data(b);
    const r = outShape.length;
    const M = outShape[r - 2] as number;
    const N = outShape[r - 1] as number;
    const K = (transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]) as number;
    const batchOut = outShape.slice(0, -2);
    const nb = size(batchOut);
    const ia = broadcastIndex(aShape.slice(0, -2), batchOut);
    const ib = broadcastIndex(bShape.slice(0, -2), batchOut);
    const out = alloc(a.dtype, nb * M * N);
    const row = alloc(a.dtype, N);
    for (let t = 0; t < nb; t++) {
      const ao = (ia === null ? t : (ia[t] as number)) * M * K;
      const bo = (ib === null ? t : (ib[t] as number)) * K * N;
      const oo = t * M * N;
      for (let i = 0; i < M; i++) {
        row.fill(0);
        for (let k = 0; k < K; k++) {
          const av = x[ao + (transA ? k * M + i : i * K + k)] as number;
          if (av === 0) continue;
          if (transB) {
            for (let j = 0; j < N; j++) row[j] = (row[j] as number) + av * (y[bo + j * K + k] as number);
          } else {
            const boff = bo + k * N;
            for (let j = 0; j < N; j++) row[j] = (row[j] as number) + av * (y[boff + j] as number);
          }
        }
        out.set(row, oo + i * N);
      }
    }
    return this.make(out);
  }

  reduce(op: ReduceKernel, x: Storage, shape: Sizes, axis: number): Storage {
    const a = this.data(x);
    const [outer, n, inner] = around(shape, axis);
    const out = alloc(x.dtype, outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let acc = op === "sum" ? 0 : -Infinity;
        for (let i = 0; i < n; i++) {
          const v = a[(o * n + i) * inner + j] as number;
          if (op === "sum") acc += v;
          else if (v > acc || Number.isNaN(v)) acc = v;
        }
        out[o * inner + j] = acc;
      }
    }
    return this.make(out);
  }

  argmax(x: Storage, shape: Sizes, axis: number): Storage {
    const a = this.data(x);
    const [outer, n, inner] = around(shape, axis);
    const out = alloc(x.dtype, outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let best = -Infinity;
        let at = 0;
        for (let i = 0; i < n; i++) {
          const v = a[(o * n + i) * inner + j] as number;
          if (v > best) {
            best = v;
            at = i;
          }
        }
        out[o * inner + j] = at;
      }
    }
    return this.make(out);
  }

  broadcastTo(x: Storage, shape: Sizes, outShape: Sizes): Storage {
    const a = this.data(x);
    const idx = broadcastIndex(shape, outShape);
    if (idx === null) return this.make(a.slice());
    const out = alloc(x.dtype, idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = a[idx[i] as number] as number;
    return this.make(out);
  }

  permute(x: Storage, shape: Sizes, axes: readonly number[]): Storage {
    const a = this.data(x);
    const outShape = axes.map((ax) => shape[ax] as number);
    const inStrides = new Array<number>(shape.length);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      inStrides[i] = acc;
      acc *= shape[i] as number;
    }
    const st = axes.map((ax) => inStrides[ax] as number);
    const n = a.length;
    const out = alloc(x.dtype, n);
    const r = outShape.length;
    const ctr = new Array<number>(r).fill(0);
    let off = 0;
    for (let i = 0; i < n; i++) {
      out[i] = a[off] as number;
      for (let k = r - 1; k >= 0; k--) {
        ctr[k] = (ctr[k] as number) + 1;
        off += st[k] as number;
        if ((ctr[k] as number) < (outShape[k] as number)) break;
        off -= (st[k] as number) * (outShape[k] as number);
        ctr[k] = 0;
      }
    }
    return this.make(out);
  }

  slice(x: Storage, shape: Sizes, axis: number, start: number, end: number): Storage {
    const a = this.data(x);
    const [outer, n, inner] = around(shape, axis);
    const m = end - start;
    const out = alloc(x.dtype, outer * m * inner);
    for (let o = 0; o < outer; o++) out.set(a.subarray((o * n + start) * inner, (o * n + end) * inner), o * m * inner);
    return this.make(out);
  }

  pad(x: Storage, shape: Sizes, axis: number, before: number, after: number): Storage {
    const a = this.data(x);
    const [outer, n, inner] = around(shape, axis);
    const m = n + before + after;
    const out = alloc(x.dtype, outer * m * inner);
    for (let o = 0; o < outer; o++) out.set(a.subarray(o * n * inner, (o + 1) * n * inner), (o * m + before) * inner);
    return this.make(out);
  }

  concat(xs: readonly Storage[], shapes: readonly Sizes[], axis: number): Storage {
    const first = shapes[0] as Sizes;
    const outer = size(first.slice(0, axis));
    const inner = size(first.slice(axis + 1));
    const total = shapes.reduce((s, sh) => s + (sh[axis] as number), 0);
    const out = alloc((xs[0] as Storage).dtype, outer * total * inner);
    let at = 0;
    xs.forEach((s, k) => {
      const a = this.data(s);
      const n = (shapes[k] as Sizes)[axis] as number;
      for (let o = 0; o < outer; o++) out.set(a.subarray(o * n * inner, (o + 1) * n * inner), (o * total + at) * inner);
      at += n;
    });
    return this.make(out);
  }
}

/** The reference backend (one instance; it holds no state). */
export const reference: Backend = new Reference();
