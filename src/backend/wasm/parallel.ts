/**
 * Kernels split over the thread pool: matrix products by row tiles (by column tiles when there
 * are few rows), elementwise kernels by ranges of their outermost axis.
 *
 * Why the bytes of a result do not depend on the thread count: the gemm kernel cuts K into
 * chunks that depend on K alone and sums each output element over them in the same order
 * wherever the element lies, so cutting the rows at a multiple of its 4-row micro-tile (or the
 * columns at a multiple of 8) changes only who computes an element, not how; an elementwise
 * kernel computes each element alone, and ranges start at multiples of 16 elements, so every
 * range but the last has no scalar tail and the last has the same tail as the whole. No kernel is
 * split along a reduced axis but one: a reduction of a whole long vector is always (whatever the
 * thread count) cut into pieces of {@link REDUCE_PIECE} elements, each reduced alone, and their
 * results reduced in order; the pieces are then shared out. Row-wise reductions and softmax are
 * split by rows, each row computed as before. `test/backend/wasm-threads.test.ts` holds 1, 2 and
 * 4 threads to the same bytes.
 *
 * @module
 */
import { BINARY, GEMM_COLS, GEMM_ROWS, LOGLOSS_GRAD, MAX_CHUNKS, REDUCE_PARTS, REDUCE_ROWS, runChunk, SOFTMAX_ROWS, UNARY } from "./pool.js";
import { countElementwiseSplit, participants, type Runtime, splitsElementwise, writeMeta } from "./runtime.js";

/** Matrix products with at least this many multiply-adds are split. */
const SPLIT_MACS = 1 << 20;
/**
 * Elementwise kernels with at least this many output elements are split (see `splitElementwise`
 * for which): transcendental unary kernels (compute-bound), other unary and binary kernels
 * (memory-bound).
 */
export const SPLIT_UNARY_COSTLY = 1 << 14;
export const SPLIT_ELEMENTWISE = 1 << 16;
/**
 * A split elementwise kernel is cut into chunks of about this many elements (never fewer chunks
 * than threads): the threads claim chunks as they come, so a worker that wakes late, or is
 * descheduled on a loaded host, holds the job up by one short chunk, not by half the work.
 */
export const ELEMENTWISE_PIECE = 1 << 15;

/**
 * Multiply-adds of a gemm thread that take as long as copying one element of a batch in
 * (`Pool.idle`): rows gathered from a training set too large for the cache, against the gemm's
 * ~19 GMAC/s on one core: 8 shuffled, 5.5 in order, measured on the 2-core host (CPU time: a 784-wide
 * row copy 0.42 / 0.29 ns an element, the product 128×784×128 0.0525 ns a multiply-add).
 */
export const MACS_PER_COPIED = 7;

/**
 * Rows of the main thread's chunk (a multiple of 4) and of every other chunk when `M` rows of a
 * product of `N·K` multiply-adds a row are split over `p` threads and the main thread has `left`
 * elements of idle work (a batch to copy in): the main thread's chunk is smaller by about the
 * copy's time, so it copies while the workers finish theirs, rather than the copy landing
 * after the product. The main thread keeps at least one 4-row tile; with no copy left the split
 * is even. Cuts at multiples of 4 rows (the micro-kernel's height) leave the bytes unchanged.
 */
export const splitRows = (M: number, N: number, K: number, p: number, left: number): { readonly first: number; readonly rows: number } => {
  const even = Math.ceil(M / p / 4) * 4;
  if (left <= 0) return { first: even, rows: even };
  const copyRows = (left * MACS_PER_COPIED) / (N * K);
  const first = Math.max(4, Math.min(even, Math.round((M - (p - 1) * copyRows) / p / 4) * 4));
  if (first === even) return { first: even, rows: even };
  return { first, rows: Math.ceil((M - first) / (p - 1) / 4) * 4 };
};

/** `C = op(A)·op(B)` (byte offsets, leading dimensions in elements), split when large. */
export const gemm = (rt: Runtime, dt: number, transA: boolean, transB: boolean, M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, sz: number): void => {
  const ta = transA ? 1 : 0;
  const tb = transB ? 1 : 0;
  const p = M * N * K >= SPLIT_MACS && (M >= 16 || N >= 32) ? participants(rt) : 1;
  if (p === 1 || rt.pool === undefined) {
    rt.k.gemm(dt, ta, tb, M, N, K, A, lda, B, ldb, C, N, rt.scratch(0));
    return;
  }
  if (M >= 16) {
    const { first, rows } = splitRows(M, N, K, p, rt.pool.idleLeft?.() ?? 0);
    const uneven = first !== rows;
    const chunks = M <= first ? 1 : 1 + Math.ceil((M - first) / rows);
    rt.pool.run(rt.k, rt.scratch(0), GEMM_ROWS, [dt, ta, tb, M, N, K, A, lda, B, ldb, C, N, rows, sz, first], chunks, p, uneven);
  } else {
    const cols = Math.ceil(N / p / 8) * 8;
    rt.pool.run(rt.k, rt.scratch(0), GEMM_COLS, [dt, ta, tb, M, N, K, A, lda, B, ldb, C, N, cols, sz], Math.ceil(N / cols), p);
  }
};

/** Threads for an elementwise kernel of `n` outputs (1: not split); `costly` for a transcendental unary kernel. */
const elementwiseParts = (rt: Runtime, n: number, threshold: number, costly: boolean): number => {
  if (!splitsElementwise(costly) || n < threshold || rt.pool === undefined) return 1;
  const p = participants(rt);
  if (p > 1) countElementwiseSplit();
  return p;
};

/** Chunks for `n` elements on `p` threads: about {@link ELEMENTWISE_PIECE} each, at least `p`, at most `limit`. */
const chunksFor = (n: number, p: number, limit: number): number => Math.min(limit, MAX_CHUNKS, Math.max(p, Math.ceil(n / ELEMENTWISE_PIECE)));

/** A unary kernel over `n` elements, split by ranges when large (see `splitElementwise`). */
export const unary = (rt: Runtime, dt: number, code: number, x: number, o: number, n: number, sz: number, threshold: number, costly: boolean): void => {
  const p = elementwiseParts(rt, n, threshold, costly);
  if (p === 1 || rt.pool === undefined) {
    rt.k.unary(dt, code, x, o, n);
    return;
  }
  const len = Math.ceil(n / chunksFor(n, p, Infinity) / 16) * 16;
  rt.pool.run(rt.k, rt.scratch(0), UNARY, [dt, code, x, o, n, len, sz], Math.ceil(n / len), p);
};

/**
 * The log-loss's pullback `(σ(z) − y) · (g / m)` over `n` elements, split by ranges as a
 * transcendental unary kernel is (it computes a sigmoid per element), each range computing `g / m`
 * alike.
 */
export const logLossGrad = (rt: Runtime, dt: number, z: number, y: number, g: number, m: number, o: number, n: number, sz: number): void => {
  const p = elementwiseParts(rt, n, SPLIT_UNARY_COSTLY, true);
  if (p === 1 || rt.pool === undefined) {
    rt.k.logLossGrad(dt, z, y, g, m, o, n);
    return;
  }
  const len = Math.ceil(n / chunksFor(n, p, Infinity) / 16) * 16;
  const bits = new Int32Array(new Float64Array([m]).buffer);
  rt.pool.run(rt.k, rt.scratch(0), LOGLOSS_GRAD, [dt, z, y, g, o, n, len, sz, bits[0] as number, bits[1] as number], Math.ceil(n / len), p);
};

/**
 * A binary kernel over collapsed `dims` with element `strides` per input, split over the
 * outermost axis when large (see `splitElementwise`).
 */
export const binary = (rt: Runtime, dt: number, code: number, a: number, b: number, o: number, dims: readonly number[], strides: readonly number[][], post: number, sz: number): void => {
  let n = 1;
  for (const d of dims) n *= d;
  const d0 = dims[0] as number;
  const p = d0 < 2 ? 1 : elementwiseParts(rt, n, SPLIT_ELEMENTWISE, false);
  if (p === 1 || rt.pool === undefined) {
    rt.k.binary(dt, code, a, b, o, dims.length, writeMeta(rt, dims, strides), post);
    return;
  }
  const [sa, sb] = strides as [number[], number[]];
  const len = dims.length === 1 ? Math.ceil(d0 / chunksFor(n, p, Infinity) / 16) * 16 : Math.ceil(d0 / chunksFor(n, p, d0));
  const chunks = Math.ceil(d0 / len);
  const rest = dims.slice(1);
  const full = writeMeta(rt, [len, ...rest], strides);
  const last = writeMeta(rt, [d0 - (chunks - 1) * len, ...rest], strides, true);
  const inner = n / d0;
  rt.pool.run(rt.k, rt.scratch(0), BINARY, [dt, code, a, b, o, dims.length, full, last, post, d0, len, (sa[0] as number) * sz, (sb[0] as number) * sz, inner * sz], chunks, p);
};

/**
 * A vector of at least twice this many elements is reduced piece by piece (see the module
 * comment): 256 KiB of float32, so that a piece is a fair share of work for a thread and the
 * partial results are few.
 */
export const REDUCE_PIECE = 1 << 16;
/**
 * Reductions and softmax over at least this many elements, in at least two rows, are split by
 * rows (in chunks of about {@link ELEMENTWISE_PIECE} elements). On the quiet 2-core host a
 * softmax 128×1000 (128,000 elements) takes 0.075 ms split against 0.134 ms on one thread; on a
 * host whose other core is busy (load 13–17) splitting loses (0.58 against 0.30 ms: a worker that
 * claims a chunk and is then descheduled holds the job up), as every split kernel does there.
 */
export const SPLIT_ROWS = 1 << 16;

/** Rows per chunk when `outer` rows of `size` elements in all are shared by `p` threads (chunks as in {@link chunksFor}). */
const rowsPer = (outer: number, size: number, p: number): number => Math.ceil(outer / chunksFor(size, p, outer));

/** Reduce (0 sum, 1 max) `[outer, n, inner]` along its middle axis into `o`; see the module comment. */
export const reduce = (rt: Runtime, dt: number, op: number, x: number, o: number, outer: number, n: number, inner: number, sz: number): void => {
  if (outer === 1 && inner === 1 && n >= 2 * REDUCE_PIECE) {
    const pieces = Math.ceil(n / REDUCE_PIECE);
    const part = rt.arena.sideBlock(pieces * sz);
    const p = participants(rt);
    if (p === 1 || rt.pool === undefined) runChunk(rt.k, REDUCE_PARTS, [dt, op, x, part, n, REDUCE_PIECE, pieces, sz], 0, rt.scratch(0));
    else {
      const G = Math.ceil(pieces / p);
      rt.pool.run(rt.k, rt.scratch(0), REDUCE_PARTS, [dt, op, x, part, n, REDUCE_PIECE, G, sz], Math.ceil(pieces / G), p);
    }
    rt.k.reduce(dt, op, part, o, 1, pieces, 1);
    return;
  }
  const p = outer >= 2 && outer * n * inner >= SPLIT_ROWS ? participants(rt) : 1;
  if (p === 1 || rt.pool === undefined) {
    rt.k.reduce(dt, op, x, o, outer, n, inner);
    return;
  }
  const len = rowsPer(outer, outer * n * inner, p);
  rt.pool.run(rt.k, rt.scratch(0), REDUCE_ROWS, [dt, op, x, o, outer, n, inner, len, sz], Math.ceil(outer / len), p);
};

/** Softmax (log-softmax with `log` 1) of `[outer, n, inner]` along its middle axis, split by rows when large. */
export const softmax = (rt: Runtime, dt: number, log: number, x: number, o: number, outer: number, n: number, inner: number, sz: number): void => {
  const p = outer >= 2 && outer * n * inner >= SPLIT_ROWS ? participants(rt) : 1;
  if (p === 1 || rt.pool === undefined) {
    rt.k.softmax(dt, log, x, o, outer, n, inner);
    return;
  }
  const len = rowsPer(outer, outer * n * inner, p);
  rt.pool.run(rt.k, rt.scratch(0), SOFTMAX_ROWS, [dt, log, x, o, outer, n, inner, len, sz], Math.ceil(outer / len), p);
};
