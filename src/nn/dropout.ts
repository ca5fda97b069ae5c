/**
 * Inverted dropout: in training, keep each unit with probability `1 − rate` and scale the kept
 * ones by `1 / (1 − rate)`, so inference (no dropout) needs no rescaling.
 *
 * @module
 */
import { div } from "../ops/div.js";
import { mul } from "../ops/mul.js";
import type { Shape } from "../shape/dims.js";
import { bernoulli } from "../tensor/random.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import type { RunContext } from "./activations.js";

/**
 * `A` with each element zeroed with probability `rate` and the rest scaled by `1/(1 − rate)`,
 * when `ctx.training` (drawing from `ctx.rng`); `A` itself at inference.
 *
 * @example
 * import { dropout, ones, rng, toArray } from "typegrad"
 * const A1 = ones([2, 3])
 * toArray(dropout(A1, 0.5)) // [[1, 1, 1], [1, 1, 1]] (inference: unchanged)
 * const kept = toArray(dropout(A1, 0.5, { training: true, rng: rng(0) })).flat()
 * kept.every((a) => a === 0 || a === 2) // true (the kept ones scaled by 1/(1 − 0.5))
 * @category operations
 */
export const dropout = <S extends Shape>(A: Tensor<S>, rate: number, ctx: RunContext = {}): Tensor<S> => {
  if (!isTensor(A)) throw new TypeError("dropout: argument 'A' must be a Tensor");
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout: argument 'rate' must be in [0, 1), got ${rate}`);
  if (ctx.training !== true || rate === 0) return A;
  if (ctx.rng === undefined) throw new TypeError("dropout: training needs a generator, pass { training: true, rng }");
  const mask = div(bernoulli(ctx.rng, A.shape as number[], 1 - rate, { dtype: A.dtype }), 1 - rate);
  return mul(A as Tensor, mask as Tensor) as unknown as Tensor<S>;
};
