/**
 * `conv2d(x, kernel, opts)`: the 2-D convolution (cross-correlation, as in every deep-learning
 * library) of a batch of NHWC images with a kernel `[kh, kw, C / groups, F]`:
 *
 * `out[n, i, j, f] = Σ_{a, b, c} x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, g·C/groups + c] · kernel[a, b, c, f]`
 *
 * with `g = floor(f / (F / groups))` the group of output channel `f` (`groups = C` is depthwise),
 * and cells outside the image read 0. Options: `stride`, `padding` (`"valid"`, `"same"`, explicit
 * cells), `dilation`, `groups`. The output size `floor((H + 2p − d(k − 1) − 1) / s) + 1` is
 * computed in the types; a kernel whose input channels do not match is a compile error at the
 * kernel, naming `conv2d` and both shapes.
 *
 * A composite: `im2col` (the windows as rows) then one matrix product, `[m·H'·W', kh·kw·C] @
 * [kh·kw·C, F]` (per group, batched, when `groups > 1`). No backward code: the input's cotangent
 * comes from `im2col`'s pullback (`col2im`) and the kernel's from the product's (`colsᵀ · ct`).
 * Images are channels-last so that each window row is `kh·kw` contiguous runs of `C` channels
 * and the kernel is already the product's right operand; NCHW data converts with
 * `permute(x, [0, 2, 3, 1])`.
 *
 * @module
 */

import { bind } from "../autodiff/core.js";
import { type Conv2dOptions, type Conv2d as Rule, conv2d as rule } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { concatPrim } from "./concat.js";
import { expectTensor, promote, two } from "./define.js";
import { im2col } from "./im2col.js";
import { matmulT } from "./matmul.js";
import { slicePrim } from "./slice.js";
import { type Dense, domains, type Gen, inputDims, type OpDef, oneRounding } from "./spec.js";
import { naiveAxis, permuteTo, reshapeTo, samplePadding } from "./window.js";

/** The most window elements one `im2col` holds (16 MiB of float32): larger batches run in slices. */
const PATCH_LIMIT = 1 << 22;

/** `conv2d` on tensors of any shape (library code: conv1d, the layers). @internal */
export const conv2dAny = (x: Tensor, kernel: Tensor, opts: Conv2dOptions = {}): Tensor => {
  expectTensor("conv2d", "x", x);
  expectTensor("conv2d", "kernel", kernel);
  const { shape, geometry: g, groups } = rule(x.shape as readonly number[], kernel.shape as readonly number[], opts ?? {});
  const [xs, ws] = promote(x, kernel);
  const [m, H, W, C] = x.shape as readonly number[] as [number, number, number, number];
  const [kh, kw, ci, co] = kernel.shape as readonly number[] as [number, number, number, number];
  const pointwise = kh === 1 && kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === H && g.outW === W;
  // bound the windows' memory: a large batch (a whole validation set) runs in slices of examples
  const perExample = g.outH * g.outW * kh * kw * C;
  if (!pointwise && m > 1 && perExample * m > PATCH_LIMIT) {
    const step = Math.max(1, Math.floor(PATCH_LIMIT / perExample));
    const parts: Tensor[] = [];
    for (let s = 0; s < m; s += step) parts.push(conv2dAny(bind(slicePrim, [xs], { axis: 0, start: s, end: Math.min(m, s + step) }), ws, opts));
    return bind(concatPrim, parts, 0);
  }
  const cols = pointwise ? xs : im2col(xs, g, 0);
  const rows = m * g.outH * g.outW;
  if (groups === 1) return reshapeTo(matmulT(reshapeTo(cols, [rows, kh * kw * C]), reshapeTo(ws, [kh * kw * ci, co]), false, false), shape);
  const og = co / groups;
  const a = reshapeTo(permuteTo(reshapeTo(cols, [rows, kh * kw, groups, ci]), [2, 0, 1, 3]), [groups, rows, kh * kw * ci]);
  const b = permuteTo(reshapeTo(ws, [kh * kw * ci, groups, og]), [1, 0, 2]);
  return reshapeTo(permuteTo(matmulT(a, b, false, false), [1, 0, 2]), shape);
};

/**
 * The convolution of NHWC images `x` (`[m, H, W, C]`) with `kernel` (`[kh, kw, C / groups, F]`):
 * `[m, H', W', F]`.
 *
 * @example
 * import { conv2d, ones, toArray, zeros } from "typegrad"
 * conv2d(zeros([8, 28, 28, 1]), zeros([5, 5, 1, 6])) // Tensor<[8, 24, 24, 6]>
 * conv2d(zeros([8, 28, 28, 3]), zeros([3, 3, 3, 16]), { stride: 2, padding: "same" }) // Tensor<[8, 14, 14, 16]>
 * toArray(conv2d(ones([1, 3, 3, 1]), ones([2, 2, 1, 1]))).flat(3) // [4, 4, 4, 4]
 * // conv2d(zeros([8, 28, 28, 3]), zeros([5, 5, 1, 6])) is a compile error at the kernel:
 * // conv2d: the kernel [5, 5, 1, 6] takes 1 input channels but the input [8, 28, 28, 3] has 3
 * @category operations
 */
export const conv2d = <const X extends Shape, const W extends Shape, const O extends Conv2dOptions = {}>(x: Tensor<X>, kernel: Check<Rule<X, W, O>, Tensor<W>>, opts?: O): Tensor<Ok<Rule<X, W, O>>> =>
  conv2dAny(x as Tensor, kernel as unknown as Tensor, opts) as Tensor<Ok<Rule<X, W, O>>>;

// -------------------------------------------------------------------------------------
// law spec
// -------------------------------------------------------------------------------------

/** A random convolution: an image, a kernel, stride, padding, dilation and groups (depthwise included). */
export const sampleConv2d = (g: Gen): { readonly image: number[]; readonly kernel: number[]; readonly opts: Required<Conv2dOptions> } => {
  const groups = [1, 1, 2, 3][g.int(0, 3)] as number;
  const ci = g.int(1, 2);
  const co = groups * g.int(1, 2);
  const kh = g.int(1, 3);
  const kw = g.int(1, 3);
  const stride = [g.int(1, 2), g.int(1, 2)] as const;
  const dilation = [g.int(1, 2), g.int(1, 2)] as const;
  const padding = samplePadding(g, 2);
  const fit = (k: number, d: number): number => Math.max(1, d * (k - 1) + 1 - (typeof padding === "number" ? 2 * padding : 0));
  const image = [g.int(1, 2), g.int(fit(kh, dilation[0]), 5), g.int(fit(kw, dilation[1]), 5), ci * groups];
  return { image, kernel: [kh, kw, ci, co], opts: { stride, dilation, padding, groups } };
};

/** The convolution as its defining sum (plain loops). */
export const conv2dDense = (x: Dense, w: Dense, opts: Required<Conv2dOptions>): Dense => {
  const [m, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const [sh, sw] = typeof opts.stride === "number" ? [opts.stride, opts.stride] : opts.stride;
  const [dh, dw] = typeof opts.dilation === "number" ? [opts.dilation, opts.dilation] : opts.dilation;
  const ah = naiveAxis(H, kh, sh, dh, opts.padding, 0);
  const aw = naiveAxis(W, kw, sw, dw, opts.padding, 1);
  const og = co / opts.groups;
  const data: number[] = [];
  for (let n = 0; n < m; n++)
    for (let i = 0; i < ah.out; i++)
      for (let j = 0; j < aw.out; j++)
        for (let f = 0; f < co; f++) {
          const grp = Math.floor(f / og);
          let s = 0;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++)
              for (let c = 0; c < ci; c++) {
                const h = i * sh + a * dh - ah.before;
                const v = j * sw + b * dw - aw.before;
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                s += (x.data[((n * H + h) * W + v) * C + grp * ci + c] as number) * (w.data[((a * kw + b) * ci + c) * co + f] as number);
              }
          data.push(s);
        }
  return { shape: [m, ah.out, aw.out, co], data };
};

/** Registry entry. */
export const conv2dDef: OpDef<Required<Conv2dOptions>> = {
  name: "conv2d",
  kind: "composite",
  doc: "Σ_{a,b,c} x[n, i·s + a·d − p, j·s + b·d − p, c] · kernel[a, b, c, f] (NHWC, groups)",
  shape: (ss, opts) => {
    const [x, w] = two(ss);
    return rule(x, w, opts).shape;
  },
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => {
      const { image, kernel, opts } = sampleConv2d(g);
      return {
        inputs: [
          { shape: image, domain: domains.real },
          { shape: kernel, domain: domains.real },
        ],
        params: opts,
      };
    },
    call: (xs, opts) => {
      const [x, w] = two(xs);
      return conv2dAny(x, w, opts);
    },
    reference: (xs, opts) => {
      const [x, w] = two(xs);
      return conv2dDense(x, w, opts);
    },
    // im2col copies; one gemm sums kh·kw·C/groups products of at most 3·3 (the real domain) into
    // each output: K·u·9 in the worst case, as matmul (padding cells are exact zeros)
    error: { ulps: oneRounding, terms: (c) => inputDims(c, 1, 0, 3), magnitude: 9 },
  },
};
