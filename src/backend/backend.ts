/**
 * The kernel interface. A backend owns the memory of the tensors it creates (its `Storage`) and
 * runs kernels on it. Tensors are immutable: a kernel never writes into its inputs, and a
 * storage is never written after the kernel that made it returns. Users never free anything:
 * a backend whose memory is not garbage-collected (WASM) bounds it itself, helped by `release`
 * hints from the autodiff core for intermediates nobody can see.
 *
 * Every shape a kernel receives has been checked by the op's shape rule; kernels may assume it.
 * All data is C-order (row-major), contiguous.
 *
 * @module
 */

import type { PatchGeometry } from "../shape/conv.js";
import type { Sizes } from "../shape/dims.js";
import type { BinaryKernel, UnaryKernel } from "./kernels.generated.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Element types. float32 is the default; float64 is fully supported (gradient checks use it). @category backend */
export type DType = "float32" | "float64";

/** The typed array of a dtype. @category backend */
export type TypedArray = Float32Array | Float64Array;

/** A block of elements owned by a backend. @category backend */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
  /**
   * True for a storage the backend hands to several tensors (the WASM backend's cached scalars):
   * the library never gives it back, and it outlives every `tidy`.
   */
  readonly shared?: boolean;
}

/**
 * Elementwise unary kernels (`sign` is not differentiable; `relu` is max(x, 0), NaN stays NaN) and
 * binary kernels (numpy broadcasting; comparisons give 1 or 0). Both lists are generated from the
 * op registry (`npm run gen:kernels`).
 */
export type { BinaryKernel, UnaryKernel } from "./kernels.generated.js";

/** Reductions along one axis. @category backend */
export type ReduceKernel = "sum" | "max";

/**
 * The kernels every backend provides. Shapes are passed alongside storages; the output shape is
 * always given, already computed by the op's shape rule.
 * @category backend
 */
export interface Backend {
  readonly name: string;
  /**
   * Optional: the most bytes one tensor of this backend can hold (the WASM backend's: its 4 GiB
   * of linear memory less the ring). Creation and every op refuse a larger result before
   * allocating anything, naming the function; any backend also refuses more than 2^32 elements,
   * the largest JavaScript typed array.
   */
  readonly maxBytes?: number;
  /** Copy `data` into a new storage of this backend. */
  fromArray(dtype: DType, data: ArrayLike<number>): Storage;
  /** The elements of `s` (a fresh copy the caller may keep). A GPU backend throws, naming the async reads. */
  read(s: Storage): TypedArray;
  /**
   * Optional: the elements of `s`, read back asynchronously (a GPU backend's only read; the async
   * reads `toArrayAsync`, `toFlatAsync`, `itemAsync` fall back to `read` without it). Only a
   * device backend, whose `read` cannot answer, has it: the library takes its presence to mean
   * that the backend's tensors live on a device (an op with inputs there and on the CPU runs
   * there, the CPU inputs uploaded; `fit` and `evaluate` name their async forms).
   */
  readAsync?(s: Storage): Promise<TypedArray>;
  /** A storage of `n` elements all equal to `value`. */
  fill(dtype: DType, n: number, value: number): Storage;
  /** Convert to another dtype. */
  cast(x: Storage, dtype: DType): Storage;

  unary(op: UnaryKernel, x: Storage): Storage;
  /**
   * `op(a, b)` with a, b broadcast to `out` (numpy rules, right-aligned). Both share one dtype.
   * With `then`, that unary kernel is applied to the result in the same pass (a fused bias add +
   * activation); the result equals `unary(then, binary(op, …))` exactly.
   */
  binary(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, out: Sizes, then?: UnaryKernel): Storage;
  /** `cond ≠ 0 ? a : b`, all three broadcast to `out`. */
  where(cond: Storage, cShape: Sizes, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, out: Sizes): Storage;
  /**
   * Batched matrix product of the last two axes, batch dims broadcast. With `transA`, `a`'s last
   * two axes are read transposed (so `a` is stored as `[..., K, M]`), likewise `transB`.
   */
  matmul(a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, out: Sizes): Storage;
  /** Reduce along `axis` of `shape` (the result has that axis removed). */
  reduce(op: ReduceKernel, x: Storage, shape: Sizes, axis: number): Storage;
  /**
   * Softmax along `axis` (`e^(x - max) / Σ e^(x - max)`), or with `log` log-softmax
   * (`x - max - log Σ e^(x - max)`), in one pass over each row.
   */
  softmax(x: Storage, shape: Sizes, axis: number, log: boolean): Storage;
  /**
   * Optional: softmax cross-entropy's pullback in one pass, from the log-softmax `ls` and the
   * targets `y` (both of `shape`) along `axis`, and the scalar cotangent `g`:
   * `(e^ls · Σ_axis y − y) · (g / m)`. Where a backend leaves it out, the op
   * `softmaxCrossEntropyGrad` runs those steps as separate kernels.
   */
  softmaxCrossEntropyGrad?(ls: Storage, y: Storage, shape: Sizes, axis: number, g: Storage, m: number): Storage;
  /**
   * Optional: the binary log-loss's pullback in one pass, from the logits `z` and the targets `y`
   * (one length) and the scalar cotangent `g`: `(σ(z) − y) · (g / m)`. Where a backend leaves it
   * out, the op `logLossGrad` runs those steps as separate kernels.
   */
  logLossGrad?(z: Storage, y: Storage, g: Storage, m: number): Storage;
  /** Index of the largest element along `axis` (first one on ties), as a float. */
  argmax(x: Storage, shape: Sizes, axis: number): Storage;
  /** Materialise `x` broadcast to `out`. */
  broadcastTo(x: Storage, shape: Sizes, out: Sizes): Storage;
  /** Reorder axes: output axis i is input axis `axes[i]`. */
  permute(x: Storage, shape: Sizes, axes: readonly number[]): Storage;
  /** Elements `start..end` along `axis`. */
  slice(x: Storage, shape: Sizes, axis: number, start: number, end: number): Storage;
  /** Zero-pad along `axis`: `before` zeros, then x, then `after` zeros. */
  pad(x: Storage, shape: Sizes, axis: number, before: number, after: number): Storage;
  /** Join along `axis`. */
  concat(xs: readonly Storage[], shapes: readonly Sizes[], axis: number): Storage;
  /**
   * The windows of an NHWC image `x` (`shape` = `[m, H, W, C]`) as rows (im2col):
   * `out[n, i, j, a, b, c] = x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c]`, or `padValue`
   * where that cell lies outside the image; out is `[m, outH, outW, kh, kw, C]`.
   */
  im2col(x: Storage, shape: Sizes, g: PatchGeometry, padValue: number): Storage;
  /**
   * The transpose of `im2col` (col2im): every element of `cols` (`[m, outH, outW, kh, kw, C]`)
   * added into the image cell it was read from; cells of the padding are dropped. `out` is the
   * image's shape `[m, H, W, C]`.
   */
  col2im(cols: Storage, g: PatchGeometry, out: Sizes): Storage;
  /**
   * The convolution of NHWC images `x` (`xShape` = `[m, H, W, C]`) with the kernel `w`
   * (`wShape` = `[kh, kw, C / groups, F]`) over the windows `g`, cells outside the image read 0:
   * `out[n, i, j, f] = Σ_{a, b, c} x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, grp·C/groups + c] · w[a, b, c, f]`
   * with `grp = floor(f / (F / groups))`; out is `[m, outH, outW, F]`. A backend without a
   * kernel of its own returns `convByWindows` (`im2col` then `matmul`).
   */
  conv2d(x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number): Storage;
  /**
   * Optional: the gradient-descent update `w − lr·g` of two storages of one length and dtype, in
   * one call, rounded exactly as `binary("sub", w, binary("mul", g, [lr]))` is (`lr` rounded to
   * the dtype, the product rounded, then the difference). Where a backend leaves it out, the
   * optimizers' update runs those two kernels.
   */
  sgdUpdate?(w: Storage, g: Storage, lr: number): Storage;
  /**
   * Optional: one small storage of `xs`'s dtype (they share one) holding, one after the other, for
   * each `xs[i]` its elements, or with `probed[i]` one element: 0 when every element of `xs[i]` is
   * finite (or it has none), NaN when one is not (±∞ or NaN). One call where the library would
   * otherwise reshape, reduce, cast and concatenate several tensors to read them at once: `fit`
   * reads each batch's cost, output and divergence probe (each new parameter probed) with it. A
   * backend may know a storage's answer without reading it (the WASM backend's `sgdUpdate` finds it
   * while it writes the storage). Where a backend leaves it out, those ops run, and the probe is
   * each parameter's sum (non-finite also when finite elements overflow it: `fit` then looks at
   * the elements before it calls the run diverged).
   */
  pack?(xs: readonly Storage[], probed: readonly boolean[]): Storage;
  /**
   * Optional: a storage of the rows `rows` (row `k` is row `rows[k]`) of the row-major `src` of
   * rows of `width` elements, or with `transposed` their transpose (`width` × `rows.length`, column
   * `k` that row): the batches of `fit`. The backend may copy the elements later, when it has time
   * (the WASM backend: while its main thread waits for its worker threads), and at the latest when
   * the storage is first used (read, given to a kernel, evicted), so neither `src` nor `rows` may
   * change until then. Where a backend leaves it out, the rows are gathered in JavaScript and
   * given to `fromArray`.
   */
  gatherRows?(dtype: DType, src: Float32Array, width: number, rows: readonly number[], transposed: boolean): Storage;
  /**
   * Optional: `gatherRows` will not be given `src` again for now (`fit` and `evaluate` call it as
   * they end), so a backend that handed `src` to other threads (the WASM backend's worker, for a
   * training set in shared memory) lets them drop it. Batches already made stay right.
   */
  forgetRows?(src: Float32Array): void;
  /**
   * Optional: the library will never read `s` again (it held an intermediate of `grad` or of a
   * pullback), so its memory may be reused without saving its elements. Backends whose memory
   * the garbage collector owns leave this out.
   */
  release?(s: Storage): void;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The largest JavaScript typed array, in elements (V8, Node ≥ 20). */
const MAX_ELEMENTS = 2 ** 32;

/** Bytes for a message: `37.3 GiB`. @internal */
export const showBytes = (bytes: number): string => {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let b = bytes;
  let i = 0;
  for (; b >= 1024 && i < units.length - 1; i++) b /= 1024;
  return `${i === 0 ? b : b.toFixed(1)} ${units[i]}`;
};

/**
 * Why a tensor of `n` elements of `dtype` cannot be made on `backend` (`10000000000 elements
 * (37.3 GiB as float32), more than …`), or undefined when it can. Callers put the function and
 * the argument in front; tensors up to 2^24 elements pass at the cost of one comparison.
 *
 * @internal
 */
export const tooLarge = (backend: Backend, n: number, dtype: DType): string | undefined => {
  if (n <= 1 << 24 && n >= 0) return undefined;
  // a shape rule's dim that is not a size (NaN, undefined, negative): refused before any memory is taken
  if (!(Number.isSafeInteger(n) && n >= 0) && !(n > MAX_ELEMENTS)) return `${n} elements: a dim is not a non-negative integer`;
  const bytes = n * (dtype === "float64" ? 8 : 4);
  const what = `${n} elements (${showBytes(bytes)} as ${dtype})`;
  if (n > MAX_ELEMENTS) return `${what}, more than a JavaScript typed array can hold (2^32 elements)`;
  const max = backend.maxBytes;
  return max !== undefined && bytes > max ? `${what}, more than one tensor of the ${backend.name} backend can hold (${showBytes(max)})` : undefined;
};
