/**
 * Batch normalisation as a layer: learned `gamma`, `beta` per channel, and the running
 * statistics as an explicit state (`batchNormState`) that training returns anew.
 *
 * @module
 */
import type { BatchNormState } from "../ops/batchNorm.js";
import { type CreateOptions, fill } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The initial running statistics of `C` channels: mean 0, variance 1.
 *
 * @example
 * import { batchNormState, toArray } from "typegrad"
 * const s = batchNormState(3)
 * s.mean // Tensor<[3]>
 * toArray(s.variance) // [1, 1, 1]
 * @category constructors
 */
export const batchNormState = <const C extends number>(channels: C, opts?: CreateOptions): BatchNormState<C> => {
  if (!(Number.isInteger(channels) && channels >= 1)) throw new TypeError(`batchNormState: argument 'channels' must be an integer ≥ 1, got ${String(channels)}`);
  return { mean: fill([channels], 0, opts) as Tensor<[C]>, variance: fill([channels], 1, opts) as Tensor<[C]> };
};
