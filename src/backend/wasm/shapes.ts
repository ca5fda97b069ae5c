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
export const around = (shape: Sizes, axis: number): [number, number, number] => [size(shape.slice(0, axis)), shape[axis] as number, size(shape.slice(axis + 1))];

/**
 * Collapse a broadcast: drop axes of size 1 in `out`, merge neighbours that every input either
 * has or broadcasts alike, and give each input its element strides (0 where broadcast).
 */
export const collapse = (out: Sizes, inputs: readonly Sizes[]): { dims: number[]; strides: number[][] } => {
  // fast path: every input has out's size (same shape up to leading 1s) or is a single element
  const n = size(out);
  let plain = true;
  for (const s of inputs) {
    const m = size(s);
    if (m !== n && m !== 1) {
      plain = false;
      break;
    }
  }
  if (plain) return { dims: [n], strides: inputs.map((s) => [size(s) === n && n !== 1 ? 1 : 0]) };
  const r = out.length;
  const present = inputs.map((s) => out.map((d, k) => k >= r - s.length && (s[k - (r - s.length)] as number) === d));
  const dims: number[] = [];
  const flags: boolean[][] = [];
  for (let k = 0; k < r; k++) {
    const d = out[k] as number;
    if (d === 1) continue;
    const f = present.map((p) => p[k] as boolean);
    const last = flags[flags.length - 1];
    if (last !== undefined && f.every((x, i) => x === last[i])) dims[dims.length - 1] = (dims[dims.length - 1] as number) * d;
    else {
      dims.push(d);
      flags.push(f);
    }
  }
  if (dims.length === 0) return { dims: [1], strides: inputs.map(() => [0]) };
  const strides = inputs.map((_, i) => {
    const st = new Array<number>(dims.length).fill(0);
    let acc = 1;
    for (let k = dims.length - 1; k >= 0; k--) {
      if ((flags[k] as boolean[])[i]) {
        st[k] = acc;
        acc *= dims[k] as number;
      }
    }
    return st;
  });
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
