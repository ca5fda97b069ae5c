/**
 * What the convolution and pooling ops share: untyped reshape/permute for library code, a
 * per-image constant, and the law specs' samplers of window options and their naive geometry
 * (computed again from the options, not by the shape rules, so references stay independent).
 *
 * @module
 */

import { bind } from "../autodiff/core.js";
import type { Padding } from "../shape/conv.js";
import { fromStorage, storageOf, type Tensor } from "../tensor/tensor.js";
import { permutePrim } from "./permute.js";
import { reshapePrim } from "./reshape.js";
import type { Gen } from "./spec.js";

/** `reshape` without its typed signature. @internal */
export const reshapeTo = (x: Tensor, shape: readonly number[]): Tensor => bind(reshapePrim, [x], shape);

/** `permute` without its typed signature (axes non-negative). @internal */
export const permuteTo = (x: Tensor, axes: readonly number[]): Tensor => bind(permutePrim, [x], axes);

/** A constant tensor of `like`'s dtype and backend. @internal */
export const constantLike = (like: Tensor, shape: readonly number[], data: ArrayLike<number>): Tensor => fromStorage(storageOf(like).backend.fromArray(like.dtype, data), shape);

/** A random padding: `"valid"`, `"same"` or explicit cells (up to `max`). */
export const samplePadding = (g: Gen, max: number): Padding => {
  const k = g.int(0, 2);
  return k === 2 ? g.int(0, max) : ((["valid", "same"] as const)[k] as Padding);
};

/**
 * One axis of a window, as the naive references see it: output size and padding before, from
 * the textbook formulas (`floor((H + 2p − d(k − 1) − 1) / s) + 1`; `"same"`: `ceil(H / s)`,
 * the odd padding cell after).
 */
export const naiveAxis = (h: number, k: number, s: number, d: number, p: Padding, axis: 0 | 1): { readonly out: number; readonly before: number } => {
  if (p === "same") {
    const out = Math.ceil(h / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + d * (k - 1) + 1 - h, 0) / 2) };
  }
  const q = p === "valid" ? 0 : typeof p === "number" ? p : (p[axis] as number);
  return { out: Math.floor((h + 2 * q - d * (k - 1) - 1) / s) + 1, before: q };
};
