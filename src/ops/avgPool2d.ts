/**
 * `avgPool2d(x, size, opts)`: the mean of each `kh × kw` window of NHWC images, per channel,
 * over the window's cells inside the image (cells of the padding are not counted, as
 * TensorFlow's `avgPool`). The stride defaults to the window size.
 *
 * A composite: `im2col`, `sum` over the window axis, divided by each window's cell count (a
 * constant tensor). No backward code: the cotangent, divided by the counts, goes back through `col2im`.
 *
 * @module
 */
import type { Pair, Pool2d } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { div } from "./div.js";
import { im2col } from "./im2col.js";
import { type PoolOptions, type PoolParams, poolDef, poolGeometry, poolSize } from "./maxPool2d.js";
import type { OpDef } from "./spec.js";
import { sumAxis } from "./sum.js";
import { constantLike, reshapeTo } from "./window.js";

const avgPool2dAny = (x: Tensor, size: readonly [number, number], opts: PoolOptions = {}): Tensor => {
  const g = poolGeometry("avgPool2d", x, size, opts);
  const [m, H, W, C] = x.shape as readonly number[] as [number, number, number, number];
  const sums = sumAxis(reshapeTo(im2col(x, g, 0), [m, g.outH, g.outW, g.kh * g.kw, C]), 3);
  // how many cells of the window at output index o lie inside an axis of n cells: [o·s − before, o·s − before + k) ∩ [0, n)
  const inside = (outs: number, s: number, k: number, before: number, n: number): number[] => Array.from({ length: outs }, (_, o) => Math.min(o * s - before + k, n) - Math.max(o * s - before, 0));
  const rows = inside(g.outH, g.sh, g.kh, g.padTop, H);
  const cols = inside(g.outW, g.sw, g.kw, g.padLeft, W);
  return div(
    sums,
    constantLike(
      x,
      [g.outH, g.outW, 1],
      rows.flatMap((r) => cols.map((c) => r * c)),
    ),
  );
};

/**
 * The mean of each window, per channel: `[m, H, W, C] → [m, H', W', C]`.
 *
 * @example
 * import { avgPool2d, tensor, toArray, zeros } from "typegrad"
 * avgPool2d(zeros([8, 24, 24, 6]), 2) // Tensor<[8, 12, 12, 6]>
 * toArray(avgPool2d(tensor([[[[1], [5]], [[3], [3]]]]), 2)).flat(3) // [3]
 * @category operations
 */
export const avgPool2d = <const X extends Shape, const K extends Pair, const O extends PoolOptions = {}>(
  x: Check<Pool2d<X, K, O, "avgPool2d">, Tensor<X>>,
  size: K,
  opts?: O,
): Tensor<Ok<Pool2d<X, K, O, "avgPool2d">>> => avgPool2dAny(x as unknown as Tensor, poolSize("avgPool2d", size), opts) as Tensor<Ok<Pool2d<X, K, O, "avgPool2d">>>;

/** Registry entry. */
export const avgPool2dDef: OpDef<PoolParams> = poolDef(
  "avgPool2d",
  "mean over each window's cells inside the image, per channel",
  avgPool2dAny,
  (cells) => cells.reduce((a, b) => a + b, 0) / cells.length,
  // a sum of n ≤ kh·kw values of at most 3 (n·u·3n), divided by n (one more rounding): n·u·3
  // relative to the mean's scale, and the sum's and the division's roundings
  { ulps: { float32: 1, float64: 1 }, terms: (c) => c.params.size[0] * c.params.size[1], magnitude: 3 },
);
