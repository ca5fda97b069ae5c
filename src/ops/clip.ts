/**
 * `clip(x, lo, hi)`: elementwise `min(max(x, lo), hi)`. A composite of `maximum` and `minimum`;
 * the derivative is 1 inside `(lo, hi)` and 0 outside.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, elementwiseCase, elementwiseTwin, expectTensor, one, tensorFirst } from "./define.js";
import { maximum } from "./maximum.js";
import { minimum } from "./minimum.js";
import { zipWith } from "./naive.js";
import { exact, type OpDef } from "./spec.js";

const clipImpl = (x: Tensor, lo: number, hi: number): Tensor => {
  expectTensor("clip", "x", x);
  if (typeof lo !== "number" || typeof hi !== "number" || !(lo <= hi)) throw new TypeError(`clip: arguments 'lo' and 'hi' must be numbers with lo ≤ hi, got ${lo} and ${hi}`);
  return minimum(maximum(x, lo), hi);
};

/**
 * `x` clipped to `[lo, hi]`.
 *
 * @example
 * import { clip, tensor, toArray } from "typegrad"
 * toArray(clip(tensor([-5, 0.5, 5]), 0, 1)) // [0, 0.5, 1]
 * @category operations
 */
export const clip: {
  (lo: number, hi: number): <S extends Shape>(x: Tensor<S>) => Tensor<S>;
  <S extends Shape>(x: Tensor<S>, lo: number, hi: number): Tensor<S>;
} = dual(tensorFirst, clipImpl);

/** Registry entry. */
export const clipDef: OpDef<void> = {
  name: "clip",
  kind: "composite",
  doc: "min(max(x, lo), hi)",
  shape: elementwiseTwin,
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    // a selection (max, min): bit for bit
    error: { ulps: exact },
    sample: (g) => elementwiseCase(g, [{ name: "away from ±1", min: -3, max: 3, avoid: [-1, 1], margin: 0.1 }]),
    call: (xs) => clipImpl(one(xs), -1, 1),
    reference: (xs) => zipWith(xs, (x) => Math.min(Math.max(x, -1), 1)),
  },
};
