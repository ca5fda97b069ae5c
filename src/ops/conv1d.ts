/**
 * `conv1d(x, kernel, opts)`: the 1-D convolution of sequences `[m, L, C]` with a kernel
 * `[k, C / groups, F]`: `out[n, i, f] = Σ_{a, c} x[n, i·s + a·d − p, g·C/groups + c] · kernel[a, c, f]`,
 * `[m, L', F]` with `L' = floor((L + 2p − d(k − 1) − 1) / s) + 1` computed in the types.
 *
 * A composite: `conv2d` on `[m, 1, L, C]` with a `[1, k, C / groups, F]` kernel.
 *
 * @module
 */
import { type Conv2dOptions, type Conv1d as Rule, conv2d as rule2d } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { conv2dAny, conv2dDense } from "./conv2d.js";
import { expectTensor, two } from "./define.js";
import { domains, inputDims, type OpDef, oneRounding } from "./spec.js";
import { reshapeTo, samplePadding } from "./window.js";

/** Options of `conv1d`: one stride, one dilation, one padding, and groups. @category model */
export interface Conv1dOptions {
  readonly stride?: number;
  readonly padding?: "valid" | "same" | number;
  readonly dilation?: number;
  readonly groups?: number;
}

const as2d = (opts: Conv1dOptions): Conv2dOptions => {
  // (null is the default options: the callers pass \`opts ?? {}\`)
  if (typeof opts !== "object") throw new TypeError(`conv1d: argument 'opts' must be an options object, got ${String(opts)}`);
  const p = opts.padding ?? "valid";
  return { stride: [1, opts.stride ?? 1], dilation: [1, opts.dilation ?? 1], padding: typeof p === "number" ? [0, p] : p, groups: opts.groups ?? 1 };
};

const conv1dShapes = (x: readonly number[], w: readonly number[], opts: Conv1dOptions): { readonly x2: number[]; readonly w2: number[]; readonly shape: number[] } => {
  if (x.length !== 3) throw new ShapeError("conv1d", `the input must be [m, length, channels], got ${showShape(x)}`);
  if (w.length !== 3) throw new ShapeError("conv1d", `the kernel must be [k, inChannels, outChannels], got ${showShape(w)}`);
  const x2 = [x[0] as number, 1, x[1] as number, x[2] as number];
  const w2 = [1, ...w];
  const s = rule2d(x2, w2, as2d(opts)).shape;
  return { x2, w2, shape: [s[0] as number, s[2] as number, s[3] as number] };
};

const conv1dAny = (x: Tensor, kernel: Tensor, opts: Conv1dOptions = {}): Tensor => {
  expectTensor("conv1d", "x", x);
  expectTensor("conv1d", "kernel", kernel);
  const { x2, w2, shape } = conv1dShapes(x.shape as readonly number[], kernel.shape as readonly number[], opts ?? {});
  return reshapeTo(conv2dAny(reshapeTo(x, x2), reshapeTo(kernel, w2), as2d(opts ?? {})), shape);
};

/**
 * The convolution of sequences `x` (`[m, L, C]`) with `kernel` (`[k, C / groups, F]`): `[m, L', F]`.
 *
 * @example
 * import { conv1d, ones, toArray, zeros } from "typegrad"
 * conv1d(zeros([4, 100, 8]), zeros([3, 8, 16]), { padding: "same" }) // Tensor<[4, 100, 16]>
 * toArray(conv1d(ones([1, 4, 1]), ones([2, 1, 1]))).flat(2) // [2, 2, 2]
 * @category operations
 */
export const conv1d = <const X extends Shape, const W extends Shape, const O extends Conv1dOptions = {}>(x: Tensor<X>, kernel: Check<Rule<X, W, O>, Tensor<W>>, opts?: O): Tensor<Ok<Rule<X, W, O>>> =>
  conv1dAny(x as Tensor, kernel as unknown as Tensor, opts) as Tensor<Ok<Rule<X, W, O>>>;

/** Registry entry. */
export const conv1dDef: OpDef<Required<Conv1dOptions>> = {
  name: "conv1d",
  kind: "composite",
  doc: "Σ_{a,c} x[n, i·s + a·d − p, c] · kernel[a, c, f]",
  shape: (ss, opts) => {
    const [x, w] = two(ss);
    return conv1dShapes(x, w, opts).shape;
  },
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => {
      const groups = g.int(1, 2);
      const ci = g.int(1, 2);
      const k = g.int(1, 3);
      const dilation = g.int(1, 2);
      const padding = samplePadding(g, 2) as "valid" | "same" | number;
      const span = dilation * (k - 1) + 1 - (typeof padding === "number" ? 2 * padding : 0);
      return {
        inputs: [
          { shape: [g.int(1, 2), g.int(Math.max(1, span), 6), ci * groups], domain: domains.real },
          { shape: [k, ci, groups * g.int(1, 2)], domain: domains.real },
        ],
        params: { stride: g.int(1, 2), dilation, padding, groups },
      };
    },
    call: (xs, opts) => {
      const [x, w] = two(xs);
      return conv1dAny(x, w, opts);
    },
    reference: (xs, opts) => {
      const [x, w] = two(xs);
      // the 1-D sum is the 2-D one on a height-1 image with a height-1 kernel
      const p = opts.padding;
      const out = conv2dDense(
        { shape: [x.shape[0] as number, 1, ...x.shape.slice(1)], data: x.data },
        { shape: [1, ...w.shape], data: w.data },
        { stride: [1, opts.stride], dilation: [1, opts.dilation], padding: typeof p === "number" ? [0, p] : p, groups: opts.groups },
      );
      return { shape: [out.shape[0] as number, out.shape[2] as number, out.shape[3] as number], data: out.data };
    },
    // conv2d's model: one gemm sums k·C/groups products of at most 3·3 into each output
    error: { ulps: oneRounding, terms: (c) => inputDims(c, 1, 0, 2), magnitude: 9 },
  },
};
