/**
 * The WASM backend's convolution kernels' glue: the window geometry as the i32 words
 * `assembly/conv.ts` reads (`m, H, W, C, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW,
 * groups, F`), which convolutions take the direct kernel, and how the kernels are split over the
 * thread pool.
 *
 * Splits: the direct convolution by output rows (example × output row), `im2col` and `col2im`
 * by examples. Each output element is computed by the same instructions in the same order
 * wherever the cut falls (a row or an example is never shared), so the bytes of a result are the
 * same on every thread count (`test/backend/wasm-threads.test.ts`).
 *
 * @module
 */
import type { PatchGeometry } from "../../shape/conv.js";
import type { Sizes } from "../../shape/dims.js";
import { isPointwise } from "../windows.js";
import { COL2IM, CONV_ROWS, IM2COL, MAX_CHUNKS } from "./pool.js";
import { participants, type Runtime } from "./runtime.js";

/** How many i32 words the geometry takes. */
export const GEOMETRY_WORDS = 16;

/** Convolutions with at least this many multiply-adds are split. */
const SPLIT_MACS = 1 << 18;
/** Window copies (`im2col`, `col2im`) of at least this many window elements are split. */
const SPLIT_COPY = 1 << 16;

/** Write the geometry of windows over the image `shape` (`[m, H, W, C]`) at byte `at` of `i32`'s memory; returns `at`. */
export const writeGeometry = (i32: Int32Array, at: number, shape: Sizes, g: PatchGeometry, groups = 1, F = 0): number => {
  i32.set([shape[0] as number, shape[1] as number, shape[2] as number, shape[3] as number, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW, groups, F], at / 4);
  return at;
};

/**
 * Whether the direct kernel takes this convolution: everything but a 1×1 stride-1 convolution
 * without padding (that is one matrix product of the image's rows, which the gemm does best),
 * kernels taller than 32 rows, and shapes whose packed kernel and padded input rows would not
 * fit a thread's scratch (`im2col` and the gemm take those).
 */
export const direct = (rt: Runtime, xShape: Sizes, wShape: Sizes, g: PatchGeometry, groups: number): boolean => {
  if (isPointwise(xShape, g) || g.kh > 32 || g.padLeft < 0 || g.padTop < 0) return false;
  return rt.k.convScratch(g.kh, g.kw, wShape[2] as number, (wShape[3] as number) / groups, groups, xShape[2] as number, g.sw, g.dw, g.padLeft, g.outW) <= rt.k.SCRATCH.value;
};

/** Chunks of `n` units for `p` threads: a few per thread, so a late worker costs little. */
const cut = (n: number, p: number): [len: number, chunks: number] => {
  const len = Math.max(1, Math.ceil(n / Math.min(MAX_CHUNKS, 4 * p)));
  return [len, Math.ceil(n / len)];
};

const threadsFor = (rt: Runtime, work: number, threshold: number, units: number): number => (work >= threshold && units >= 2 && rt.pool !== undefined ? participants(rt) : 1);

/** The direct convolution of `x` (`xShape`) with `w` (`wShape`) into `o`, split by output rows when large. */
export const conv = (rt: Runtime, dt: number, x: number, xShape: Sizes, w: number, wShape: Sizes, g: PatchGeometry, groups: number, o: number): void => {
  const geom = writeGeometry(rt.arena.i32, rt.meta, xShape, g, groups, wShape[3] as number);
  const rows = (xShape[0] as number) * g.outH;
  const macs = rows * g.outW * g.kh * g.kw * (wShape[2] as number) * (wShape[3] as number);
  const p = threadsFor(rt, macs, SPLIT_MACS, rows);
  if (p === 1 || rt.pool === undefined) {
    rt.k.conv2d(dt, x, w, o, geom, 0, rows, rt.scratch(0));
    return;
  }
  const [len, chunks] = cut(rows, p);
  rt.pool.run(rt.k, rt.scratch(0), CONV_ROWS, [dt, x, w, o, geom, len, rows], chunks, p);
};

/** `im2col` of the images `x` (`shape`) into `o`, split by examples when large. */
export const im2col = (rt: Runtime, dt: number, x: number, shape: Sizes, g: PatchGeometry, padValue: number, o: number): void => {
  const geom = writeGeometry(rt.arena.i32, rt.meta, shape, g);
  const m = shape[0] as number;
  const p = threadsFor(rt, m * g.outH * g.outW * g.kh * g.kw * (shape[3] as number), SPLIT_COPY, m);
  if (p === 1 || rt.pool === undefined) {
    rt.k.im2col(dt, x, o, geom, padValue, 0, m);
    return;
  }
  const [len, chunks] = cut(m, p);
  const bits = new Int32Array(new Float64Array([padValue]).buffer);
  rt.pool.run(rt.k, rt.scratch(0), IM2COL, [dt, x, o, geom, len, m, bits[0] as number, bits[1] as number], chunks, p);
};

/** `col2im` of the window rows `cols` into the images `o` (`shape`), split by examples when large. */
export const col2im = (rt: Runtime, dt: number, cols: number, shape: Sizes, g: PatchGeometry, o: number): void => {
  const geom = writeGeometry(rt.arena.i32, rt.meta, shape, g);
  const m = shape[0] as number;
  const p = threadsFor(rt, m * g.outH * g.outW * g.kh * g.kw * (shape[3] as number), SPLIT_COPY, m);
  if (p === 1 || rt.pool === undefined) {
    rt.k.col2im(dt, cols, o, geom, 0, m);
    return;
  }
  const [len, chunks] = cut(m, p);
  rt.pool.run(rt.k, rt.scratch(0), COL2IM, [dt, cols, o, geom, len, m], chunks, p);
};
