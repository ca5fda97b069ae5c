/**
 * Shape arithmetic of the WASM backend's dispatch: sizes, the (outer, n, inner) view around an
 * axis, broadcasts and permutations collapsed to the fewest strided axes, and the batch index
 * map of a batched matrix product.
 *
 * @module
 */
import type { Sizes } from "../../shape/dims.js";

/** The number of elements of a shape. */
export const size = (s: Sizes): number => {
  let n = 1;
  for (const d of s) n *= d;
  return n;
};

/** `[outer, n, inner]`: the sizes before `axis`, of `axis`, and after it. */
export const around = (shape: Sizes, axis: number): [number, number, number] => {
  let outer = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k] as number;
  let inner = 1;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k] as number;
  return [outer, shape[axis] as number, inner];
};

/** Whether `s`, aligned to the right of a shape of rank `r`, has axis `k` of that shape's size `d` (not broadcast there). */
const has = (s: Sizes, r: number, k: number, d: number): boolean => {
  const j = k - (r - s.length);
  return j >= 0 && s[j] === d;
};

/**
 * Collapse a broadcast: drop axes of size 1 in `out`, merge neighbours that every input either
 * has or broadcasts alike, and give each input its element strides (0 where broadcast).
 * Plain loops over flat flag arrays: this runs once per elementwise kernel call.
 */
export const collapse = (out: Sizes, inputs: readonly Sizes[]): { dims: number[]; strides: number[][] } => {
  const m = inputs.length;
  // fast path: every input has out's size (same shape up to leading 1s) or is a single element
  const n = size(out);
  let plain = true;
  for (let i = 0; i < m && plain; i++) {
    const c = size(inputs[i] as Sizes);
    plain = c === n || c === 1;
  }
  const strides: number[][] = new Array<number[]>(m);
  if (plain) {
    for (let i = 0; i < m; i++) strides[i] = [size(inputs[i] as Sizes) === n && n !== 1 ? 1 : 0];
    return { dims: [n], strides };
  }
  const r = out.length;
  const dims: number[] = [];
  // flags[t * m + i]: whether input i has kept axis t
  const flags: boolean[] = [];
  for (let k = 0; k < r; k++) {
    const d = out[k] as number;
    if (d === 1) continue;
    const t = dims.length - 1;
    let same = t >= 0;
    for (let i = 0; i < m && same; i++) same = flags[t * m + i] === has(inputs[i] as Sizes, r, k, d);
    if (same) dims[t] = (dims[t] as number) * d;
    else {
      dims.push(d);
      for (let i = 0; i < m; i++) flags.push(has(inputs[i] as Sizes, r, k, d));
    }
  }
  if (dims.length === 0) {
    for (let i = 0; i < m; i++) strides[i] = [0];
    return { dims: [1], strides };
  }
  for (let i = 0; i < m; i++) {
    const st = new Array<number>(dims.length).fill(0);
    let acc = 1;
    for (let t = dims.length - 1; t >= 0; t--) {
      if (flags[t * m + i] as boolean) {
        st[t] = acc;
        acc *= dims[t] as number;
      }
    }
    strides[i] = st;
  }
  return { dims, strides };
};

/** Output axes of a permutation with their input strides, size-1 axes dropped, runs merged. */
export const permuteDims = (shape: Sizes, axes: readonly number[]): { dims: number[]; strides: number[] } => {
  const inStride = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    inStride[i] = acc;
    acc *= shape[i] as number;
  }
  const dims: number[] = [];
  const strides: number[] = [];
  for (const ax of axes) {
    const d = shape[ax] as number;
    if (d === 1) continue;
    const st = inStride[ax] as number;
    const j = dims.length - 1;
    if (j >= 0 && strides[j] === st * d) {
      dims[j] = (dims[j] as number) * d;
      strides[j] = st;
    } else {
      dims.push(d);
      strides.push(st);
    }
  }
  if (dims.length === 0) return { dims: [1], strides: [1] };
  return { dims, strides };
};

/** For each output batch index, the flat batch index of an input broadcast to `out`. */
export const batchIndex = (shape: Sizes, out: Sizes): number[] => {
  const n = size(out);
  const st = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i] as number;
    st[out.length - i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  const idx: number[] = [];
  for (let t = 0; t < n; t++) {
    let rem = t;
    let off = 0;
    for (let k = out.length - 1; k >= 0; k--) {
      const d = out[k] as number;
      off += (rem % d) * (st[k] as number);
      rem = Math.floor(rem / d);
    }
    idx.push(off);
  }
  return idx;
};
