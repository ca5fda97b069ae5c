/**
 * `conv2dTranspose(x, kernel, opts)`: the transposed convolution ("deconvolution") of NHWC
 * images `[m, H, W, C]` with a kernel `[kh, kw, F, C]` (TensorFlow's layout): the adjoint of
 * `conv2d` with the same options, mapping `[m, H, W, C]` to `[m, H', W', F]` with
 * `H' = (H − 1)·s − 2p + d(kh − 1) + 1` (`"same"`: `H·s`), computed in the types.
 *
 * `out[n, y, x, f] = Σ_{i, j, a, b, c : y = i·s + a·d − p, x = j·s + b·d − p} x[n, i, j, c] · kernel[a, b, f, c]`
 *
 * A composite: one matrix product `x @ kernelᵀ` (each input pixel spread over a window) then
 * `col2im` (the windows added into the output image). No backward code.
 *
 * @module
 */
import { type Padding, type Conv2dTranspose as Rule, conv2dTranspose as rule, type WindowOptions } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { col2im } from "./col2im.js";
import { expectTensor, promote, two } from "./define.js";
import { matmulT } from "./matmul.js";
import { type Dense, domains, inputDims, type OpDef, oneRounding } from "./spec.js";
import { naiveAxis, reshapeTo, samplePadding } from "./window.js";

const conv2dTransposeAny = (x: Tensor, kernel: Tensor, opts: WindowOptions = {}): Tensor => {
  expectTensor("conv2dTranspose", "x", x);
  expectTensor("conv2dTranspose", "kernel", kernel);
  const { shape, geometry: g } = rule(x.shape as readonly number[], kernel.shape as readonly number[], opts ?? {});
  const [xs, ws] = promote(x, kernel);
  const [m, H, W, C] = x.shape as readonly number[] as [number, number, number, number];
  const [kh, kw, co] = kernel.shape as readonly number[] as [number, number, number, number];
  const cols = matmulT(reshapeTo(xs, [m * H * W, C]), reshapeTo(ws, [kh * kw * co, C]), false, true);
  return col2im(reshapeTo(cols, [m, H, W, kh, kw, co]), g, shape[1] as number, shape[2] as number);
};

/**
 * The transposed convolution of NHWC images `x` (`[m, H, W, C]`) with `kernel` (`[kh, kw, F, C]`).
 *
 * @example
 * import { conv2dTranspose, ones, toArray, zeros } from "typegrad"
 * conv2dTranspose(zeros([2, 7, 7, 16]), zeros([3, 3, 8, 16]), { stride: 2, padding: "same" }) // Tensor<[2, 14, 14, 8]>
 * toArray(conv2dTranspose(ones([1, 1, 2, 1]), ones([1, 2, 1, 1]))).flat(3) // [1, 2, 1]
 * @category operations
 */
export const conv2dTranspose = <const X extends Shape, const W extends Shape, const O extends WindowOptions = {}>(
  x: Tensor<X>,
  kernel: Check<Rule<X, W, O>, Tensor<W>>,
  opts?: O,
): Tensor<Ok<Rule<X, W, O>>> => conv2dTransposeAny(x as Tensor, kernel as unknown as Tensor, opts) as Tensor<Ok<Rule<X, W, O>>>;

/** The options of a sampled transposed convolution (and of its reference): strides and dilations as pairs. @internal */
export interface SampledWindow {
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: Padding;
}

/** The transposed convolution as its defining scatter-sum (plain loops). */
const conv2dTransposeDense = (x: Dense, w: Dense, opts: SampledWindow): Dense => {
  const [m, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, co] = w.shape as [number, number, number, number];
  const [sh, sw] = opts.stride;
  const [dh, dw] = opts.dilation;
  const size = (h: number, k: number, s: number, d: number, axis: 0 | 1): { out: number; before: number } => {
    const p = opts.padding;
    const out = p === "same" ? h * s : (h - 1) * s + d * (k - 1) + 1 - 2 * (p === "valid" ? 0 : typeof p === "number" ? p : (p[axis] as number));
    return { out, before: naiveAxis(out, k, s, d, p, axis).before };
  };
  const ah = size(H, kh, sh, dh, 0);
  const aw = size(W, kw, sw, dw, 1);
  const data = new Array<number>(m * ah.out * aw.out * co).fill(0);
  for (let n = 0; n < m; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let a = 0; a < kh; a++)
          for (let b = 0; b < kw; b++) {
            const y = i * sh + a * dh - ah.before;
            const v = j * sw + b * dw - aw.before;
            if (y < 0 || y >= ah.out || v < 0 || v >= aw.out) continue;
            for (let f = 0; f < co; f++)
              for (let c = 0; c < C; c++) {
                const at = ((n * ah.out + y) * aw.out + v) * co + f;
                data[at] = (data[at] as number) + (x.data[((n * H + i) * W + j) * C + c] as number) * (w.data[((a * kw + b) * co + f) * C + c] as number);
              }
          }
  return { shape: [m, ah.out, aw.out, co], data };
};

/** Registry entry. */
export const conv2dTransposeDef: OpDef<SampledWindow> = {
  name: "conv2dTranspose",
  kind: "composite",
  doc: "the adjoint of conv2d: x @ kernelᵀ, windows added into the output (col2im)",
  shape: (ss, opts) => {
    const [x, w] = two(ss);
    return rule(x, w, opts).shape;
  },
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => {
      const kh = g.int(1, 3);
      const kw = g.int(1, 3);
      const stride = [g.int(1, 2), g.int(1, 2)] as const;
      const dilation = [g.int(1, 2), g.int(1, 2)] as const;
      // explicit padding at most d(k − 1)/2 per side: the output keeps at least (H − 1)s + 1 cells
      const p = samplePadding(g, 1);
      const padding = typeof p === "number" ? Math.min(p, Math.floor((dilation[0] * (kh - 1)) / 2), Math.floor((dilation[1] * (kw - 1)) / 2)) : p;
      const C = g.int(1, 3);
      return {
        inputs: [
          { shape: [g.int(1, 2), g.int(1, 4), g.int(1, 4), C], domain: domains.real },
          { shape: [kh, kw, g.int(1, 2), C], domain: domains.real },
        ],
        params: { stride, dilation, padding },
      };
    },
    call: (xs, opts) => {
      const [x, w] = two(xs);
      return conv2dTransposeAny(x, w, opts);
    },
    reference: (xs, opts) => {
      const [x, w] = two(xs);
      return conv2dTransposeDense(x, w, opts);
    },
    // a gemm sums C products of at most 3·3 into each window cell (C·u·9), then col2im adds up to
    // kh·kw window cells into each output: kh·kw·C·u·9 carried over, and kh·kw·u·(kh·kw·C·9) of its
    // own rounding; in units of 9: kh·kw·C·(1 + kh·kw) terms
    error: { ulps: oneRounding, terms: (c) => inputDims(c, 1, 0, 2) * inputDims(c, 0, 3) * (1 + inputDims(c, 1, 0, 2)), magnitude: 9 },
  },
};
