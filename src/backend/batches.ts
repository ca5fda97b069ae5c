/**
 * What the CPU backends share for the two optional methods that serve `fit`'s batches: the
 * arguments of `pack`, checked once for every backend, and the row copy of `gatherRows`.
 *
 * @module
 */

import type { DType, Storage, TypedArray } from "./backend.js";

/** Whether `a` views a SharedArrayBuffer (a host without one has no such views): a training set of `examples`, `split`, … in Node. */
export const isShared = (a: Float32Array): boolean => typeof SharedArrayBuffer !== "undefined" && a.buffer instanceof SharedArrayBuffer;

/** The dtype of `xs`, or an error naming the backend, the method and the argument. @internal */
export const packDtype = (backend: string, xs: readonly Storage[], probed: readonly boolean[]): DType => {
  const first = xs[0];
  if (first === undefined) throw new TypeError(`${backend} backend pack: argument 'xs' must hold at least one storage`);
  if (probed.length !== xs.length) throw new TypeError(`${backend} backend pack: argument 'probed' must hold one flag per storage (${xs.length}), got ${probed.length}`);
  for (const [i, x] of xs.entries())
    if (x.dtype !== first.dtype) throw new TypeError(`${backend} backend pack: argument 'xs[${i}]' is ${x.dtype}, 'xs[0]' ${first.dtype}; every storage must have one dtype`);
  return first.dtype;
};

/**
 * Rows `rows[from] … rows[to - 1]` of the row-major `src` (rows of `width`) into `out` from
 * element `at`, as rows 0 … of a block of `rows.length` rows, or with `transposed` as columns of
 * its transpose (`width` × `rows.length`). Runs of consecutive rows are copied with one `set`.
 *
 * @internal
 */
export const copyRows = (out: TypedArray, at: number, src: Float32Array, width: number, rows: readonly number[], from: number, to: number, transposed: boolean): void => {
  if (transposed) {
    const n = rows.length;
    for (let k = from; k < to; k++) {
      const base = (rows[k] as number) * width;
      for (let j = 0; j < width; j++) out[at + j * n + k] = src[base + j] as number;
    }
    return;
  }
  for (let k = from; k < to; ) {
    const first = rows[k] as number;
    let end = k + 1;
    while (end < to && rows[end] === first + (end - k)) end++;
    out.set(src.subarray(first * width, (first + end - k) * width), at + k * width);
    k = end;
  }
};
