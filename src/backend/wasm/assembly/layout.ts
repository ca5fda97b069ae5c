// Data movement: broadcastTo, permute (with a blocked 2-D transpose), and row copies that
// implement slice, pad and concat.
import { countRows, nextRow, rowStep } from "./rows";

/** out = x broadcast to out (meta, read only: dims, strides of x; inner stride 0 or 1). */
function broadcastT<T>(x: usize, o: usize, rank: i32, meta: usize): void {
  const r = <usize>rank;
  const dims = meta;
  const sX = meta + 4 * r;
  const last = (r - 1) * 4;
  const n = load<i32>(dims + last);
  const inner = load<i32>(sX + last);
  const rows = countRows(dims, r);
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  let off: usize = 0;
  let po = o;
  for (let t = 0; t < rows; t++) {
    if (inner != 0) {
      memory.copy(po, x + off * sz, <usize>n * sz);
    } else {
      const v = load<T>(x + off * sz);
      const vv = v128.splat<T>(v);
      let i = 0;
      for (; i + L <= n; i += L) v128.store(po + <usize>i * sz, vv);
      for (; i < n; i++) store<T>(po + <usize>i * sz, v);
    }
    po += <usize>n * sz;
    const k = nextRow(dims, t, r);
    if (k >= 0) off += rowStep(sX, dims, k, r);
  }
}

export function broadcast(dt: i32, x: usize, o: usize, rank: i32, meta: usize): void {
  if (dt == 0) broadcastT<f32>(x, o, rank, meta);
  else broadcastT<f64>(x, o, rank, meta);
}

/** out[...] = x[...] with output axis k read at input stride sX[k] (meta, read only: dims, strides). */
function gatherT<T>(x: usize, o: usize, rank: i32, meta: usize): void {
  const r = <usize>rank;
  const dims = meta;
  const sX = meta + 4 * r;
  const last = (r - 1) * 4;
  const n = load<i32>(dims + last);
  const step = <usize>load<i32>(sX + last) * sizeof<T>();
  const rows = countRows(dims, r);
  let off: usize = 0;
  let po = o;
  for (let t = 0; t < rows; t++) {
    let p = x + off * sizeof<T>();
    if (step == sizeof<T>()) {
      memory.copy(po, p, <usize>n * sizeof<T>());
      po += <usize>n * sizeof<T>();
    } else {
      for (let i = 0; i < n; i++) {
        store<T>(po, load<T>(p));
        po += sizeof<T>();
        p += step;
      }
    }
    const k = nextRow(dims, t, r);
    if (k >= 0) off += rowStep(sX, dims, k, r);
  }
}

export function gather(dt: i32, x: usize, o: usize, rank: i32, meta: usize): void {
  if (dt == 0) gatherT<f32>(x, o, rank, meta);
  else gatherT<f64>(x, o, rank, meta);
}

/** out[b][j][i] = x[b][i][j] for x of shape [batch, rows, cols], in 16×16 tiles. */
function transposeT<T>(x: usize, o: usize, batch: i32, rows: i32, cols: i32): void {
  const sz = sizeof<T>();
  const B = 16;
  const plane = <usize>rows * <usize>cols * sz;
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * plane;
    const ob = o + <usize>b * plane;
    for (let i0 = 0; i0 < rows; i0 += B) {
      const i1 = min(i0 + B, rows);
      for (let j0 = 0; j0 < cols; j0 += B) {
        const j1 = min(j0 + B, cols);
        for (let i = i0; i < i1; i++) {
          const src = xb + <usize>i * <usize>cols * sz;
          for (let j = j0; j < j1; j++) store<T>(ob + (<usize>j * <usize>rows + <usize>i) * sz, load<T>(src + <usize>j * sz));
        }
      }
    }
  }
}

export function transpose(dt: i32, x: usize, o: usize, batch: i32, rows: i32, cols: i32): void {
  if (dt == 0) transposeT<f32>(x, o, batch, rows, cols);
  else transposeT<f64>(x, o, batch, rows, cols);
}

/** Copy `count` rows of `bytes` bytes from src (row stride srcStride) to dst (row stride dstStride). */
export function copyRows(src: usize, srcStride: usize, dst: usize, dstStride: usize, bytes: usize, count: i32): void {
  for (let i = 0; i < count; i++) memory.copy(dst + <usize>i * dstStride, src + <usize>i * srcStride, bytes);
}

/** Fill `bytes` bytes at dst with zeros. */
export function zero(dst: usize, bytes: usize): void {
  memory.fill(dst, 0, bytes);
}
