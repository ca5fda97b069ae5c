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
 * A primitive: the backend's `conv2d` kernel (WASM: a direct, register-blocked SIMD kernel with no
 * window buffer, split over threads by output rows; backends without one use `im2col` then one
 * matrix product). Pullbacks, written with public ops:
 * - to the kernel: `im2col(x)ᵀ · ct` (per group); when the windows of the whole batch would
 *   exceed `PATCH_LIMIT` elements, summed over slices of as many examples as that bound holds
 *   (at least one);
 * - to the input: for stride 1 and padding at most `d(k − 1)`, a convolution of `ct` with the
 *   kernel flipped in both spatial axes and its channel axes swapped (per group), padding
 *   `d(k − 1) − p`: no window buffer; otherwise `col2im(ct · kernelᵀ)`, the windows' cotangents
 *   added back into the image, in slices of examples (concatenated) under the same bound as the
 *   kernel's.
 *
 * Only the cotangents a `vjp` asks for are computed (none for a constant image or kernel).
 *
 * Images are channels-last so that each window is `kh·kw` contiguous runs of `C` channels and
 * the kernel's rows are already runs of output channels; NCHW data converts with
 * `permute(x, [0, 2, 3, 1])`.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { PATCH_LIMIT } from "../backend/windows.js";
import { type Conv2dOptions, type Padding, type PatchGeometry, type Conv2d as Rule, conv2d as rule } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { addPrim } from "./add.js";
import { concatPrim } from "./concat.js";
import { backendOf, expectTensor, promote, two } from "./define.js";
import { col2imPrim, im2colPrim } from "./im2col.js";
import { matmulT } from "./matmul.js";
import { slicePrim } from "./slice.js";
import { type Dense, domains, type Gen, inputDims, type OpDef, oneRounding } from "./spec.js";
import { naiveAxis, permuteTo, reshapeTo, samplePadding } from "./window.js";

/** The parameters of the convolution primitive: where the windows lie, and the channel groups. */
export interface Conv2dParams {
  readonly geometry: PatchGeometry;
  readonly groups: number;
}

const dims4 = (t: Tensor): [number, number, number, number] => t.shape as readonly number[] as [number, number, number, number];

/** Elements `start … end − 1` of axis `axis`. */
const part = (x: Tensor, axis: number, start: number, end: number): Tensor => bind(slicePrim, [x], { axis, start, end });

/** `x` reversed along `axis` (a kernel's spatial axis: a few slices, concatenated). */
const flip = (x: Tensor, axis: number): Tensor => {
  const n = x.shape[axis] as number;
  return bind(
    concatPrim,
    Array.from({ length: n }, (_, i) => part(x, axis, n - 1 - i, n - i)),
    axis,
  );
};

/** The kernel's cotangent `im2col(x)ᵀ · ct` (per group) for images `x` and output cotangent `ct`. */
const kernelCotangent = (x: Tensor, ct: Tensor, g: PatchGeometry, groups: number, wShape: readonly number[]): Tensor => {
  const [m, , , C] = dims4(x);
  const [kh, kw, ci, co] = wShape as [number, number, number, number];
  // bound the windows' memory: as many examples at once as PATCH_LIMIT holds (at least one)
  const step = Math.max(1, Math.floor(PATCH_LIMIT / (g.outH * g.outW * kh * kw * C)));
  if (step < m) {
    // sum the cotangents of slices of examples
    let sum: Tensor | undefined;
    for (let s = 0; s < m; s += step) {
      const e = Math.min(m, s + step);
      const d = kernelCotangent(part(x, 0, s, e), part(ct, 0, s, e), g, groups, wShape);
      sum = sum === undefined ? d : bind(addPrim, [sum, d], undefined);
    }
    return sum as Tensor;
  }
  const rows = m * g.outH * g.outW;
  const cols = bind(im2colPrim, [x], { geometry: g, padValue: 0 });
  if (groups === 1) return reshapeTo(matmulT(reshapeTo(cols, [rows, kh * kw * C]), reshapeTo(ct, [rows, co]), true, false), wShape);
  const og = co / groups;
  const a = reshapeTo(permuteTo(reshapeTo(cols, [rows, kh * kw, groups, ci]), [2, 0, 1, 3]), [groups, rows, kh * kw * ci]);
  const b = permuteTo(reshapeTo(ct, [rows, groups, og]), [1, 0, 2]);
  return reshapeTo(permuteTo(matmulT(a, b, true, false), [1, 0, 2]), wShape);
};

/** The image's cotangent for output cotangent `ct`, kernel `w`, images of height H and width W. */
const inputCotangent = (ct: Tensor, w: Tensor, g: PatchGeometry, groups: number, H: number, W: number): Tensor => {
  const [kh, kw, ci, co] = dims4(w);
  const og = co / groups;
  const padTop = g.dh * (kh - 1) - g.padTop;
  const padLeft = g.dw * (kw - 1) - g.padLeft;
  if (g.sh === 1 && g.sw === 1 && padTop >= 0 && padLeft >= 0) {
    // a convolution of ct: kernel flipped in both spatial axes, channels of each group swapped
    const wt = reshapeTo(permuteTo(reshapeTo(w, [kh, kw, ci, groups, og]), [0, 1, 4, 3, 2]), [kh, kw, og, groups * ci]);
    const geometry = { kh, kw, sh: 1, sw: 1, dh: g.dh, dw: g.dw, padTop, padLeft, outH: H, outW: W };
    return bind(conv2dPrim, [ct, flip(flip(wt, 0), 1)], { geometry, groups });
  }
  const [m] = dims4(ct);
  // bound the windows' cotangents as the kernel's cotangent bounds its windows: slices of examples
  const step = Math.max(1, Math.floor(PATCH_LIMIT / (g.outH * g.outW * kh * kw * groups * ci)));
  if (step < m) {
    const parts: Tensor[] = [];
    for (let s = 0; s < m; s += step) parts.push(inputCotangent(part(ct, 0, s, Math.min(m, s + step)), w, g, groups, H, W));
    return bind(concatPrim, parts, 0);
  }
  const rows = m * g.outH * g.outW;
  const K = kh * kw * ci;
  const back =
    groups === 1
      ? matmulT(reshapeTo(ct, [rows, co]), reshapeTo(w, [K, co]), false, true)
      : permuteTo(
          reshapeTo(matmulT(permuteTo(reshapeTo(ct, [rows, groups, og]), [1, 0, 2]), permuteTo(reshapeTo(w, [K, groups, og]), [1, 0, 2]), false, true), [groups, rows, kh * kw, ci]),
          [1, 2, 0, 3],
        );
  return bind(col2imPrim, [reshapeTo(back, [m, g.outH, g.outW, kh, kw, groups * ci])], { geometry: g, height: H, width: W });
};

/** The convolution primitive (shapes already checked by the rule). */
export const conv2dPrim: Primitive<Conv2dParams> = {
  name: "conv2d",
  shape: (ss, { geometry: g }) => {
    const [x, w] = two(ss) as readonly (readonly number[])[] as [readonly number[], readonly number[]];
    return [x[0] as number, g.outH, g.outW, w[3] as number];
  },
  forward: (xs, ss, { geometry, groups }) => {
    const [x, w] = two(xs);
    const [xShape, wShape] = two(ss) as readonly (readonly number[])[] as [readonly number[], readonly number[]];
    return backendOf(xs).conv2d(x, xShape, w, wShape, geometry, groups);
  },
  pullback: (ct, primals, _out, { geometry, groups }, wants) => {
    const [x, w] = two(primals);
    const [, H, W] = dims4(x);
    return [wants[0] === false ? undefined : inputCotangent(ct, w, geometry, groups, H, W), wants[1] === false ? undefined : kernelCotangent(x, ct, geometry, groups, w.shape as readonly number[])];
  },
};

/** `conv2d` on tensors of any shape (library code: conv1d, the layers). @internal */
const conv2dKeys: OptionKeys<Conv2dOptions> = { stride: true, padding: true, dilation: true, groups: true };

export const conv2dAny = (x: Tensor, kernel: Tensor, opts: Conv2dOptions = {}): Tensor => {
  expectTensor("conv2d", "x", x);
  expectTensor("conv2d", "kernel", kernel);
  checkOptionKeys("conv2d", opts, conv2dKeys);
  const { geometry, groups } = rule(x.shape as readonly number[], kernel.shape as readonly number[], opts ?? {});
  const [xs, ws] = promote(x, kernel);
  return bind(conv2dPrim, [xs, ws], { geometry, groups });
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

/** The options of a sampled convolution (and of its reference): strides and dilations as pairs. @internal */
export interface SampledConv2d {
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: Padding;
  readonly groups: number;
}

/** A random convolution: an image, a kernel, stride, padding, dilation and groups (depthwise included). */
export const sampleConv2d = (g: Gen): { readonly image: number[]; readonly kernel: number[]; readonly opts: SampledConv2d } => {
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
export const conv2dDense = (x: Dense, w: Dense, opts: SampledConv2d): Dense => {
  const [m, H, W, C] = x.shape as [number, number, number, number];
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const [sh, sw] = opts.stride;
  const [dh, dw] = opts.dilation;
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
export const conv2dDef: OpDef<SampledConv2d> = {
  name: "conv2d",
  kind: "primitive",
  doc: "Σ_{a,b,c} x[n, i·s + a·d − p, j·s + b·d − p, c] · kernel[a, b, c, f] (NHWC, groups)",
  shape: (ss, opts) => {
    const [x, w] = two(ss);
    return rule(x, w, opts).shape;
  },
  forward: { kind: "backend", method: "conv2d" },
  pullback: conv2dPrim.pullback as OpDef<SampledConv2d>["pullback"],
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
