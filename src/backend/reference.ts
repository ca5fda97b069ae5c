/**
 * The reference backend: plain TypeScript over `Float32Array`/`Float64Array`. It is the oracle the
 * faster backends are checked against, so it favours plain loops over cleverness (matmul uses the
 * cache-friendly i-k-j order and nothing more). Its elementwise kernels are the scalar functions
 * the ops define (`scalars.ts`): a new elementwise op needs no edit here.
 *
 * @module
 */
import type { PatchGeometry } from "../shape/conv.js";
import type { Sizes } from "../shape/dims.js";
import type { Backend, BinaryKernel, DType, ReduceKernel, Storage, TypedArray, UnaryKernel } from "./backend.js";
import { copyRows, packDtype } from "./batches.js";
import { binaryScalar, unaryScalar } from "./scalars.js";

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
  return offsets(bstrides(shape, out), out);
};

/** The flat offset, for each index of `dims` in row-major order, of an input read with strides `st`. */
const offsets = (st: readonly number[], dims: Sizes): Int32Array => {
  const n = size(dims);
  const idx = new Int32Array(n);
  const ctr = new Array<number>(dims.length).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = off;
    for (let k = dims.length - 1; k >= 0; k--) {
      ctr[k] = (ctr[k] as number) + 1;
      off += st[k] as number;
      if ((ctr[k] as number) < (dims[k] as number)) break;
      off -= (st[k] as number) * (dims[k] as number);
      ctr[k] = 0;
    }
  }
  return idx;
};

/**
 * How a broadcast input is read row by row: the offset of each output row (all axes but the
 * last) and the step along the last axis (0 when that axis is broadcast). Rows keep the inner
 * loop free of index arithmetic.
 */
const rowPlan = (shape: Sizes, out: Sizes): { rows: Int32Array; step: number } => {
  const st = bstrides(shape, out);
  const r = out.length;
  return { rows: offsets(st, out.slice(0, Math.max(r - 1, 0))), step: r === 0 ? 0 : (st[r - 1] as number) };
};

/** [outer, n, inner] sizes around `axis`. */
const around = (shape: Sizes, axis: number): [number, number, number] => [size(shape.slice(0, axis)), shape[axis] as number, size(shape.slice(axis + 1))];

/**
 * Copy the rows of op(X) (an `R × K` matrix read from `src` at `off`) into panels of 4 rows
 * stored k-major: `dst[(p·K + k)·4 + q]` is row `4p + q`, column `k` (zero past the last row).
 * `rowMajor` says whether X is stored `R × K` (else `K × R`, i.e. transposed).
 */
const packPanels = (src: TypedArray, off: number, R: number, K: number, rowMajor: boolean, dst: Float64Array): void => {
  dst.fill(0);
  for (let r0 = 0; r0 < R; r0++) {
    const p = r0 >> 2;
    const q = r0 & 3;
    const base = p * K * 4 + q;
    if (rowMajor) for (let k = 0; k < K; k++) dst[base + k * 4] = src[off + r0 * K + k] as number;
    else for (let k = 0; k < K; k++) dst[base + k * 4] = src[off + k * R + r0] as number;
  }
};

/** `out[o + i·N + j] = Σ_k A[i, k] B[j, k]` over packed panels, 4 × 4 accumulators in registers. */
const kernel4x4 = (pa: Float64Array, pb: Float64Array, out: TypedArray, o: number, M: number, N: number, K: number): void => {
  for (let i = 0; i < M; i += 4) {
    const ao = (i >> 2) * K * 4;
    for (let j = 0; j < N; j += 4) {
      const bo = (j >> 2) * K * 4;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let k = 0; k < K; k++) {
        const ak = ao + k * 4;
        const bk = bo + k * 4;
        const a0 = pa[ak] as number,
          a1 = pa[ak + 1] as number,
          a2 = pa[ak + 2] as number,
          a3 = pa[ak + 3] as number;
        const b0 = pb[bk] as number,
          b1 = pb[bk + 1] as number,
          b2 = pb[bk + 2] as number,
          b3 = pb[bk + 3] as number;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const cs = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
      for (let q = 0; q < 4 && i + q < M; q++) {
        for (let w = 0; w < 4 && j + w < N; w++) out[o + (i + q) * N + j + w] = cs[q * 4 + w] as number;
      }
    }
  }
};

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
    const f = unaryScalar(op);
    const out = alloc(x.dtype, a.length);
    for (let i = 0; i < a.length; i++) out[i] = f(a[i] as number);
    return this.make(out);
  }

  /** `w − lr·g`, each product rounded to the dtype before the difference (as the two binary kernels round). */
  sgdUpdate(w: Storage, g: Storage, lr: number): Storage {
    const x = this.data(w);
    const y = this.data(g);
    const out = alloc(w.dtype, x.length);
    if (w.dtype === "float32") {
      const a = Math.fround(lr);
      for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) - Math.fround((y[i] as number) * a);
    } else for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) - (y[i] as number) * lr;
    return this.make(out);
  }

  /** The rows at once (the oracle of the WASM backend's deferred copy). */
  gatherRows(dtype: DType, src: Float32Array, width: number, rows: readonly number[], transposed: boolean): Storage {
    const out = alloc(dtype, rows.length * width);
    copyRows(out, 0, src, width, rows, 0, rows.length, transposed);
    return this.make(out);
  }

  /** Each storage's elements, or whether they are all finite (0, else NaN), one after the other. */
  pack(xs: readonly Storage[], probed: readonly boolean[]): Storage {
    const dtype = packDtype(this.name, xs, probed);
    const out = alloc(
      dtype,
      xs.reduce((n, x, i) => n + (probed[i] === true ? 1 : x.length), 0),
    );
    let at = 0;
    xs.forEach((x, i) => {
      const v = this.data(x);
      if (probed[i] === true) {
        let finite = true;
        for (let j = 0; finite && j < v.length; j++) finite = Number.isFinite(v[j]);
        out[at++] = finite ? 0 : Number.NaN;
      } else {
        out.set(v, at);
        at += v.length;
      }
    });
    return this.make(out);
  }

  binary(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, outShape: Sizes, then?: UnaryKernel): Storage {
    const x = this.data(a);
    const y = this.data(b);
    const f = binaryScalar(op);
    const n = size(outShape);
    const out = alloc(a.dtype, n);
    const same = (sh: Sizes) => sh.length === outShape.length && sh.every((d, i) => d === outShape[i]);
    if (same(aShape) && same(bShape)) {
      for (let i = 0; i < n; i++) out[i] = f(x[i] as number, y[i] as number);
    } else if (same(aShape) && y.length === 1) {
      const c = y[0] as number;
      for (let i = 0; i < n; i++) out[i] = f(x[i] as number, c);
    } else if (same(bShape) && x.length === 1) {
      const c = x[0] as number;
      for (let i = 0; i < n; i++) out[i] = f(c, y[i] as number);
    } else {
      const pa = rowPlan(aShape, outShape);
      const pb = rowPlan(bShape, outShape);
      const len = outShape.length === 0 ? 1 : (outShape[outShape.length - 1] as number);
      for (let r = 0, o = 0; r < pa.rows.length; r++) {
        let ai = pa.rows[r] as number;
        let bi = pb.rows[r] as number;
        for (let j = 0; j < len; j++, o++, ai += pa.step, bi += pb.step) out[o] = f(x[ai] as number, y[bi] as number);
      }
    }
    if (then !== undefined) {
      const g = unaryScalar(then);
      for (let i = 0; i < n; i++) out[i] = g(out[i] as number);
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
    const Mp = Math.ceil(M / 4) * 4;
    const Np = Math.ceil(N / 4) * 4;
    const pa = new Float64Array(Mp * K);
    const pb = new Float64Array(Np * K);
    for (let t = 0; t < nb; t++) {
      packPanels(x, (ia === null ? t : (ia[t] as number)) * M * K, M, K, !transA, pa);
      packPanels(y, (ib === null ? t : (ib[t] as number)) * K * N, N, K, transB, pb);
      kernel4x4(pa, pb, out, t * M * N, M, N, K);
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

  /** `(σ(z) − y) · (g / m)`, each element computed in float64 (σ stably) and rounded once. */
  logLossGrad(z: Storage, y: Storage, g: Storage, m: number): Storage {
    const a = this.data(z);
    const t = this.data(y);
    const c = (this.data(g)[0] as number) / m;
    const out = alloc(z.dtype, a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number;
      const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      out[i] = (s - (t[i] as number)) * c;
    }
    return this.make(out);
  }

  /** `(e^ls · Σ_axis y − y) · (g / m)`, each element computed in float64 and rounded once. */
  softmaxCrossEntropyGrad(ls: Storage, y: Storage, shape: Sizes, axis: number, g: Storage, m: number): Storage {
    const a = this.data(ls);
    const t = this.data(y);
    const c = (this.data(g)[0] as number) / m;
    const [outer, n, inner] = around(shape, axis);
    const out = alloc(ls.dtype, a.length);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < inner; j++) {
        const at = (i: number) => (o * n + i) * inner + j;
        let s = 0;
        for (let i = 0; i < n; i++) s += t[at(i)] as number;
        for (let i = 0; i < n; i++) out[at(i)] = (Math.exp(a[at(i)] as number) * s - (t[at(i)] as number)) * c;
      }
    return this.make(out);
  }

  softmax(x: Storage, shape: Sizes, axis: number, log: boolean): Storage {
    const a = this.data(x);
    const [outer, n, inner] = around(shape, axis);
    const out = alloc(x.dtype, a.length);
    const e = new Float64Array(n);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const at = (i: number) => (o * n + i) * inner + j;
        let m = -Infinity;
        for (let i = 0; i < n; i++) m = Math.max(m, a[at(i)] as number);
        let s = 0;
        for (let i = 0; i < n; i++) {
          e[i] = Math.exp((a[at(i)] as number) - m);
          s += e[i] as number;
        }
        const c = m + Math.log(s);
        for (let i = 0; i < n; i++) out[at(i)] = log ? (a[at(i)] as number) - c : (e[i] as number) / s;
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

  im2col(x: Storage, shape: Sizes, g: PatchGeometry, padValue: number): Storage {
    const a = this.data(x);
    const [m, H, W, C] = shape as [number, number, number, number];
    const out = alloc(x.dtype, m * g.outH * g.outW * g.kh * g.kw * C);
    let o = 0;
    for (let n = 0; n < m; n++)
      for (let i = 0; i < g.outH; i++)
        for (let j = 0; j < g.outW; j++)
          for (let p = 0; p < g.kh; p++)
            for (let q = 0; q < g.kw; q++) {
              const h = i * g.sh + p * g.dh - g.padTop;
              const w = j * g.sw + q * g.dw - g.padLeft;
              const inside = h >= 0 && h < H && w >= 0 && w < W;
              const base = ((n * H + h) * W + w) * C;
              for (let c = 0; c < C; c++) out[o++] = inside ? (a[base + c] as number) : padValue;
            }
    return this.make(out);
  }

  col2im(cols: Storage, g: PatchGeometry, shape: Sizes): Storage {
    const a = this.data(cols);
    const [m, H, W, C] = shape as [number, number, number, number];
    const out = alloc(cols.dtype, m * H * W * C);
    let o = 0;
    for (let n = 0; n < m; n++)
      for (let i = 0; i < g.outH; i++)
        for (let j = 0; j < g.outW; j++)
          for (let p = 0; p < g.kh; p++)
            for (let q = 0; q < g.kw; q++) {
              const h = i * g.sh + p * g.dh - g.padTop;
              const w = j * g.sw + q * g.dw - g.padLeft;
              if (h >= 0 && h < H && w >= 0 && w < W) {
                const base = ((n * H + h) * W + w) * C;
                for (let c = 0; c < C; c++) out[base + c] = (out[base + c] as number) + (a[o + c] as number);
              }
              o += C;
            }
    return this.make(out);
  }
  conv2d(x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number): Storage {
    const a = this.data(x);
    const k = this.data(w);
    const [m, H, W, C] = xShape as [number, number, number, number];
    const [kh, kw, ci, F] = wShape as [number, number, number, number];
    const og = F / groups;
    const out = alloc(x.dtype, m * g.outH * g.outW * F);
    let o = 0;
    for (let n = 0; n < m; n++)
      for (let i = 0; i < g.outH; i++)
        for (let j = 0; j < g.outW; j++)
          for (let f = 0; f < F; f++) {
            const c0 = Math.floor(f / og) * ci;
            let s = 0;
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const h = i * g.sh + p * g.dh - g.padTop;
                const v = j * g.sw + q * g.dw - g.padLeft;
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                const base = ((n * H + h) * W + v) * C + c0;
                const wb = (p * kw + q) * ci * F + f;
                for (let c = 0; c < ci; c++) s += (a[base + c] as number) * (k[wb + c * F] as number);
              }
            out[o++] = s;
          }
    return this.make(out);
  }
}

/**
 * The reference backend (one instance; it holds no state).
 *
 * @example
 * import { add, reference, tensor, toArray, withBackend } from "typegrad"
 * withBackend(reference, () => toArray(add(tensor([1, 2]), 1))) // [2, 3]
 * @category backend
 */
export const reference: Backend = new Reference();
