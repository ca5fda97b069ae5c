/**
 * `maxPool2d(x, size, opts)`: the largest element of each `kh × kw` window of NHWC images,
 * per channel: `out[n, i, j, c] = max_{a, b} x[n, i·sh + a − padTop, j·sw + b − padLeft, c]`
 * (cells of the padding never win). The stride defaults to the window size; the output size is
 * computed in the types like a convolution's.
 *
 * A composite: `im2col` with `−∞` padding, then `max` over the window axis. No backward code: the
 * cotangent goes to each window's maximum (split evenly between ties, `max`'s rule), then back
 * to the image by `col2im`.
 *
 * @module
 */

import { type Pair, type Pool2d, type WindowOptions, windowGeometry } from "../shape/conv.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one } from "./define.js";
import { im2col } from "./im2col.js";
import { maxAxis } from "./max.js";
import { type Dense, domains, type ErrorModel, exact, type Gen, type OpDef } from "./spec.js";
import { naiveAxis, reshapeTo, samplePadding } from "./window.js";

/** Options of the pooling ops: `stride` (default: the window size) and `padding`. @category model */
export type PoolOptions = Omit<WindowOptions, "dilation">;

/** The parameters of a pooling op: the window size and the options. */
export interface PoolParams {
  readonly size: readonly [number, number];
  readonly opts: PoolOptions;
}

/** The window size as a pair, validated. @internal */
export const poolSize = (op: string, size: unknown): readonly [number, number] => {
  const p = typeof size === "number" ? [size, size] : Array.isArray(size) && size.length === 2 ? size : undefined;
  if (p === undefined || !p.every((n) => Number.isInteger(n) && n >= 1)) throw new TypeError(`${op}: argument 'size' must be an integer ≥ 1 or a pair of them, got ${JSON.stringify(size)}`);
  return [p[0] as number, p[1] as number];
};

/** The geometry of a pooling window (padding at most the window size − 1, so no window is all padding). @internal */
export const poolGeometry = (op: string, x: Tensor, size: readonly [number, number], opts: PoolOptions) => {
  expectTensor(op, "x", x);
  const o = opts ?? {};
  if (typeof o === "object" && "dilation" in o) throw new TypeError(`${op}: pooling takes no 'dilation' option`);
  const g = windowGeometry(op, x.shape as readonly number[], size, o, size);
  // "same" pads less than the window before each axis by construction; explicit padding is checked
  if (g.padTop >= size[0] || g.padLeft >= size[1]) throw new RangeError(`${op}: explicit padding must be smaller than the window (${size[0]}×${size[1]}), got ${JSON.stringify(o.padding)}`);
  return g;
};

const maxPool2dAny = (x: Tensor, size: readonly [number, number], opts: PoolOptions = {}): Tensor => {
  const g = poolGeometry("maxPool2d", x, size, opts);
  const [m, , , C] = x.shape as readonly number[] as [number, number, number, number];
  const cols = im2col(x, g, Number.NEGATIVE_INFINITY);
  return maxAxis(reshapeTo(cols, [m, g.outH, g.outW, g.kh * g.kw, C]), 3);
};

/**
 * The maximum of each window, per channel: `[m, H, W, C] → [m, H', W', C]`.
 *
 * @example
 * import { maxPool2d, tensor, toArray, zeros } from "typegrad"
 * maxPool2d(zeros([8, 24, 24, 6]), 2) // Tensor<[8, 12, 12, 6]>
 * toArray(maxPool2d(tensor([[[[1], [5]], [[3], [2]]]]), 2)).flat(3) // [5]
 * @category operations
 */
export const maxPool2d = <const X extends Shape, const K extends Pair, const O extends PoolOptions = {}>(
  x: Check<Pool2d<X, K, O, "maxPool2d">, Tensor<X>>,
  size: K,
  opts?: O,
): Tensor<Ok<Pool2d<X, K, O, "maxPool2d">>> => maxPool2dAny(x as unknown as Tensor, poolSize("maxPool2d", size), opts) as Tensor<Ok<Pool2d<X, K, O, "maxPool2d">>>;

/** A random pooling call: image, window, stride, padding below the window size. */
export const samplePool = (g: Gen): { readonly image: number[]; readonly params: PoolParams } => {
  const size = [g.int(1, 3), g.int(1, 3)] as const;
  const p = samplePadding(g, 2);
  const padding = typeof p === "number" ? Math.min(p, size[0] - 1, size[1] - 1) : p;
  // the default stride (the window size) half the time, else one stride for both axes or a pair
  const opts: PoolOptions = g.bool() ? { padding } : { stride: g.bool() ? g.int(1, 2) : [g.int(1, 2), g.int(1, 2)], padding };
  const image = [g.int(1, 2), g.int(size[0], 5), g.int(size[1], 5), g.int(1, 3)];
  return { image, params: { size, opts } };
};

/** A pooling op as plain loops: `fold` over each window's cells inside the image. */
export const poolDense = (x: Dense, { size, opts }: PoolParams, fold: (cells: readonly number[]) => number): Dense => {
  const [m, H, W, C] = x.shape as [number, number, number, number];
  const [sh, sw] = opts.stride === undefined ? size : typeof opts.stride === "number" ? [opts.stride, opts.stride] : opts.stride;
  const ah = naiveAxis(H, size[0], sh, 1, opts.padding ?? "valid", 0);
  const aw = naiveAxis(W, size[1], sw, 1, opts.padding ?? "valid", 1);
  const data: number[] = [];
  for (let n = 0; n < m; n++)
    for (let i = 0; i < ah.out; i++)
      for (let j = 0; j < aw.out; j++)
        for (let c = 0; c < C; c++) {
          const cells: number[] = [];
          for (let a = 0; a < size[0]; a++)
            for (let b = 0; b < size[1]; b++) {
              const h = i * sh + a - ah.before;
              const v = j * sw + b - aw.before;
              if (h >= 0 && h < H && v >= 0 && v < W) cells.push(x.data[((n * H + h) * W + v) * C + c] as number);
            }
          data.push(fold(cells));
        }
  return { shape: [m, ah.out, aw.out, C], data };
};

/**
 * The registry entry of a pooling op: its shape twin, a composite forward and pullback, and a
 * law spec whose reference folds each window's cells inside the image with `fold`.
 */
export const poolDef = (
  name: string,
  doc: string,
  apply: (x: Tensor, size: readonly [number, number], opts: PoolOptions | undefined) => Tensor,
  fold: (cells: readonly number[]) => number,
  error: ErrorModel<PoolParams>,
): OpDef<PoolParams> => ({
  name,
  kind: "composite",
  doc,
  shape: (ss, { size, opts }) => {
    const x = one(ss);
    const g = windowGeometry(name, x, size, opts, size);
    return [x[0] as number, g.outH, g.outW, x[3] as number];
  },
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => {
      const { image, params } = samplePool(g);
      return { inputs: [{ shape: image, domain: domains.real }], params };
    },
    call: (xs, { size, opts }) => apply(one(xs), size, opts),
    reference: (xs, p) => poolDense(one(xs), p, fold),
    error,
  },
});

/** Registry entry. */
export const maxPool2dDef: OpDef<PoolParams> = poolDef(
  "maxPool2d",
  "max over each window, per channel",
  maxPool2dAny,
  (cells) => Math.max(...cells),
  // a selection: bit for bit
  { ulps: exact },
);
