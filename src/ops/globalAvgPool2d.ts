/**
 * `globalAvgPool2d(x)`: the mean of every channel over the whole image,
 * `[m, H, W, C] → [m, C]` (`out[n, c] = (1 / HW) Σ_{i, j} x[n, i, j, c]`), the usual bridge from
 * convolutions to a dense head. A composite: `sum` over `H·W` divided by `H·W`.
 *
 * @module
 */
import type { GlobalPool2d } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one, sampleShape } from "./define.js";
import { div } from "./div.js";
import { poolDense } from "./maxPool2d.js";
import { domains, inputDims, type OpDef } from "./spec.js";
import { sumAxis } from "./sum.js";
import { reshapeTo } from "./window.js";

const twin = (s: readonly number[]): number[] => {
  if (s.length !== 4) throw new ShapeError("globalAvgPool2d", `the input must be NHWC [m, height, width, channels], got ${showShape(s)}`);
  return [s[0] as number, s[3] as number];
};

const globalAvgPool2dAny = (x: Tensor): Tensor => {
  expectTensor("globalAvgPool2d", "x", x);
  const [m, H, W, C] = x.shape as readonly number[] as [number, number, number, number];
  twin(x.shape as readonly number[]);
  return div(sumAxis(reshapeTo(x, [m, H * W, C]), 1), H * W);
};

/**
 * The mean of each channel over the image: `[m, H, W, C] → [m, C]`.
 *
 * @example
 * import { globalAvgPool2d, tensor, toArray, zeros } from "typegrad"
 * globalAvgPool2d(zeros([8, 7, 7, 64])) // Tensor<[8, 64]>
 * toArray(globalAvgPool2d(tensor([[[[1, 10], [3, 20]]]]))) // [[2, 15]]
 * @category operations
 */
export const globalAvgPool2d = <const X extends Shape>(x: Check<GlobalPool2d<X>, Tensor<X>>): Tensor<Ok<GlobalPool2d<X>>> => globalAvgPool2dAny(x as unknown as Tensor) as Tensor<Ok<GlobalPool2d<X>>>;

/** Registry entry. */
export const globalAvgPool2dDef: OpDef<void> = {
  name: "globalAvgPool2d",
  kind: "composite",
  doc: "(1 / HW) Σ_{i,j} x[n, i, j, c]",
  shape: (ss) => twin(one(ss)),
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => ({ inputs: [{ shape: sampleShape(g, 4, 4), domain: domains.real }], params: undefined }),
    call: (xs) => globalAvgPool2dAny(one(xs)),
    // avgPool2d's model with one window of H·W cells: H·W·u·3, and two roundings
    error: { ulps: { float32: 1, float64: 1 }, terms: (c) => inputDims(c, 0, 1, 3), magnitude: 3 },
    reference: (xs) => {
      // the mean over one window as large as the image
      const x = one(xs);
      const size = [x.shape[1] as number, x.shape[2] as number] as const;
      const out = poolDense(x, { size, opts: {} }, (cells) => cells.reduce((a, b) => a + b, 0) / cells.length);
      return { shape: [out.shape[0] as number, out.shape[3] as number], data: out.data };
    },
  },
};
