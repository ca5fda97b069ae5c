/**
 * Convolution and pooling shapes, images channels-last (NHWC): a batch of images is
 * `[m, H, W, C]`, rows-as-examples like every batch of `dense` in the `"rows"` layout. The output
 * size of a window of size `k`, stride `s`, dilation `d` and padding `p` on each side is
 * `floor((H + 2p − d(k − 1) − 1) / s) + 1`, computed exactly at the type level with the digit
 * arithmetic of `arith.ts` (the same that checks reshapes); `"same"` padding gives `ceil(H / s)`
 * (padding split as TensorFlow does: the odd cell at the end). Unknown or named sizes give
 * `number`; the batch dim, named or not, passes through.
 *
 * Why channels-last: `im2col` then lays every patch out as one contiguous row of
 * `kh·kw·C` elements (each tap a run of `C` contiguous channels), so a convolution is one call of
 * the existing gemm with no transpose, and `flatten(x, 1)` feeds `dense` directly; it is also
 * TensorFlow.js's layout. NCHW data (PyTorch's) converts with `permute(x, [0, 2, 3, 1])`.
 *
 * @module
 */
import type { Add, DivMod, IsNat, Mul, Sub } from "./arith.js";
import { type Dim, type IsTuple, type Mismatch, type Shape, ShapeError, type ShowDim, type ShowShape, type Sizes, showShape } from "./dims.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One number for both spatial axes, or `[height, width]`. @category model */
export type Pair<N extends number = number> = N | readonly [N, N];

/** Padding: `"valid"` (none), `"same"` (output `ceil(H / s)`), or explicit cells on each side (per axis with a pair). @category model */
export type Padding = "valid" | "same" | Pair;

/** Window options shared by convolutions and pooling. @category model */
export interface WindowOptions {
  /** Step between windows (default 1 for convolutions, the window size for pooling). */
  readonly stride?: Pair;
  /** `"valid"` (default), `"same"` or explicit cells on each side. */
  readonly padding?: Padding;
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: Pair;
}

/** Options of `conv2d`: window options and `groups` (default 1; `groups = C` is depthwise). @category model */
export interface Conv2dOptions extends WindowOptions {
  readonly groups?: number;
}

/**
 * Where the windows of one convolution or pooling lie on an NHWC image: kernel size, stride,
 * dilation, the padding before each axis (the padding after is implied by the output size), and
 * the output size. The kernels `im2col`/`col2im` of every backend read it.
 *
 * @category model
 */
export interface PatchGeometry {
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
}

// -------------------------------------------------------------------------------------
// type-level rules
// -------------------------------------------------------------------------------------

type First<P> = P extends readonly [infer A extends number, number] ? A : P extends number ? P : 1;
type Second<P> = P extends readonly [number, infer B extends number] ? B : P extends number ? P : 1;
type Opt<O, K extends string, D> = O extends { readonly [k in K]: infer V } ? ([V] extends [undefined] ? D : Exclude<V, undefined>) : D;

/** A padding for one axis: the cells on each side, or `"same"`. */
type PadAt<P, Axis extends 0 | 1> = P extends "same" ? "same" : P extends "valid" ? 0 : Axis extends 0 ? First<P> : Second<P>;

/**
 * `floor((H + 2p − d(k − 1) − 1) / s) + 1`, or `ceil(H / s)` for `"same"`; `never` when the
 * dilated window does not fit; `number` when a size is not known.
 *
 * @example
 * type A = ConvSize<28, 5, 1, 0, 1> // 24
 * type B = ConvSize<28, 3, 2, "same", 1> // 14
 * @category rules
 */
export type ConvSize<H, K, S, P, D> =
  IsNat<H> extends true
    ? IsNat<K> extends true
      ? IsNat<S> extends true
        ? IsNat<D> extends true
          ? P extends "same"
            ? DivMod<Add<H & number, Sub<S & number, 1>>, S & number>[0]
            : IsNat<P> extends true
              ? Sub<Add<H & number, Mul<2, P & number>>, Add<Mul<D & number, Sub<K & number, 1>>, 1>> extends infer R extends number
                ? [R] extends [never]
                  ? never
                  : Add<DivMod<R, S & number>[0], 1>
                : never
              : number
          : number
        : number
      : number
    : number;

/** `(H − 1)·s − 2p + d(k − 1) + 1`, or `H·s` for `"same"`: the output size of a transposed convolution. @category rules */
export type ConvTransposeSize<H, K, S, P, D> =
  IsNat<H> extends true
    ? IsNat<K> extends true
      ? IsNat<S> extends true
        ? IsNat<D> extends true
          ? P extends "same"
            ? Mul<H & number, S & number>
            : IsNat<P> extends true
              ? Sub<Add<Add<Mul<Sub<H & number, 1>, S & number>, Mul<D & number, Sub<K & number, 1>>>, 1>, Mul<2, P & number>>
              : number
          : number
        : number
      : number
    : number;

type Spatial<H, W, K0, K1, O, Op extends string, X, Wt, Rest extends Dim[]> = [
  ConvSize<H, K0, First<Opt<O, "stride", 1>>, PadAt<Opt<O, "padding", "valid">, 0>, First<Opt<O, "dilation", 1>>>,
  ConvSize<W, K1, Second<Opt<O, "stride", 1>>, PadAt<Opt<O, "padding", "valid">, 1>, Second<Opt<O, "dilation", 1>>>,
] extends [infer OH, infer OW]
  ? [OH] extends [never]
    ? Mismatch<`${Op}: the window does not fit the input height (${ShowShape<X>}, kernel ${ShowShape<Wt>})`>
    : [OW] extends [never]
      ? Mismatch<`${Op}: the window does not fit the input width (${ShowShape<X>}, kernel ${ShowShape<Wt>})`>
      : [OH, OW, ...Rest]
  : never;

type ChannelsOk<C, CI, G> = IsNat<C> extends true ? (IsNat<CI> extends true ? (IsNat<G> extends true ? ([Mul<CI & number, G & number>] extends [C] ? true : false) : true) : true) : true;

type Conv2dRule<X extends Shape, W extends Shape, O> = X extends readonly [infer M extends Dim, infer H, infer Wd, infer C]
  ? W extends readonly [infer KH, infer KW, infer CI, infer CO extends Dim]
    ? ChannelsOk<C, CI, Opt<O, "groups", 1>> extends true
      ? Spatial<H, Wd, KH, KW, O, "conv2d", X, W, [CO]> extends infer R
        ? R extends readonly Dim[]
          ? [M, ...R]
          : R
        : never
      : Mismatch<`conv2d: the kernel ${ShowShape<W>} takes ${ShowDim<Mul<CI & number, Opt<O, "groups", 1> & number>>} input channels but the input ${ShowShape<X>} has ${ShowDim<C>}`>
    : Mismatch<`conv2d: the kernel must be [kh, kw, inChannels, outChannels], got ${ShowShape<W>}`>
  : Mismatch<`conv2d: the input must be NHWC [m, height, width, channels], got ${ShowShape<X>}`>;

/**
 * The shape of `conv2d(x, kernel, opts)`: `[m, H, W, C] ⊛ [kh, kw, C / groups, F] → [m, H', W', F]`,
 * or a `Mismatch` naming `conv2d` and both shapes.
 *
 * @example
 * type S = Conv2d<["m", 28, 28, 1], [5, 5, 1, 6], {}> // ["m", 24, 24, 6]
 * @category rules
 */
export type Conv2d<X extends Shape, W extends Shape, O = {}> = IsTuple<X> extends true ? (IsTuple<W> extends true ? Conv2dRule<X, W, O> : Shape) : Shape;

type Conv1dRule<X extends Shape, W extends Shape, O> = X extends readonly [infer M extends Dim, infer L, infer C]
  ? W extends readonly [infer K, infer CI, infer CO extends Dim]
    ? ChannelsOk<C, CI, Opt<O, "groups", 1>> extends true
      ? ConvSize<L, K, First<Opt<O, "stride", 1>>, PadAt<Opt<O, "padding", "valid">, 0>, First<Opt<O, "dilation", 1>>> extends infer OL
        ? [OL] extends [never]
          ? Mismatch<`conv1d: the window does not fit the input length (${ShowShape<X>}, kernel ${ShowShape<W>})`>
          : [M, OL, CO]
        : never
      : Mismatch<`conv1d: the kernel ${ShowShape<W>} takes ${ShowDim<Mul<CI & number, Opt<O, "groups", 1> & number>>} input channels but the input ${ShowShape<X>} has ${ShowDim<C>}`>
    : Mismatch<`conv1d: the kernel must be [k, inChannels, outChannels], got ${ShowShape<W>}`>
  : Mismatch<`conv1d: the input must be [m, length, channels], got ${ShowShape<X>}`>;

/**
 * The shape of `conv1d(x, kernel, opts)`: `[m, L, C] ⊛ [k, C / groups, F] → [m, L', F]`.
 *
 * @example
 * type S = Conv1d<["m", 100, 8], [3, 8, 16], { padding: "same" }> // ["m", 100, 16]
 * @category rules
 */
export type Conv1d<X extends Shape, W extends Shape, O = {}> = IsTuple<X> extends true ? (IsTuple<W> extends true ? Conv1dRule<X, W, O> : Shape) : Shape;

type ConvTransposeRule<X extends Shape, W extends Shape, O> = X extends readonly [infer M extends Dim, infer H, infer Wd, infer C]
  ? W extends readonly [infer KH, infer KW, infer CO extends Dim, infer CI]
    ? ChannelsOk<C, CI, 1> extends true
      ? [
          ConvTransposeSize<H, KH, First<Opt<O, "stride", 1>>, PadAt<Opt<O, "padding", "valid">, 0>, First<Opt<O, "dilation", 1>>>,
          ConvTransposeSize<Wd, KW, Second<Opt<O, "stride", 1>>, PadAt<Opt<O, "padding", "valid">, 1>, Second<Opt<O, "dilation", 1>>>,
        ] extends [infer OH, infer OW]
        ? [OH | OW] extends [never]
          ? Mismatch<`conv2dTranspose: the padding removes the whole output (${ShowShape<X>}, kernel ${ShowShape<W>})`>
          : [OH] extends [never]
            ? Mismatch<`conv2dTranspose: the padding removes the whole output (${ShowShape<X>}, kernel ${ShowShape<W>})`>
            : [OW] extends [never]
              ? Mismatch<`conv2dTranspose: the padding removes the whole output (${ShowShape<X>}, kernel ${ShowShape<W>})`>
              : [M, OH, OW, CO]
        : never
      : Mismatch<`conv2dTranspose: the kernel ${ShowShape<W>} takes ${ShowDim<CI>} input channels but the input ${ShowShape<X>} has ${ShowDim<C>}`>
    : Mismatch<`conv2dTranspose: the kernel must be [kh, kw, outChannels, inChannels], got ${ShowShape<W>}`>
  : Mismatch<`conv2dTranspose: the input must be NHWC [m, height, width, channels], got ${ShowShape<X>}`>;

/**
 * The shape of `conv2dTranspose(x, kernel, opts)`: `[m, H, W, C] → [m, (H − 1)s − 2p + d(kh − 1) + 1, …, F]`
 * for a kernel `[kh, kw, F, C]` (TensorFlow's layout).
 *
 * @example
 * type S = Conv2dTranspose<["m", 7, 7, 16], [3, 3, 8, 16], { stride: 2; padding: "same" }> // ["m", 14, 14, 8]
 * @category rules
 */
export type Conv2dTranspose<X extends Shape, W extends Shape, O = {}> = IsTuple<X> extends true ? (IsTuple<W> extends true ? ConvTransposeRule<X, W, O> : Shape) : Shape;

type PoolRule<X extends Shape, K, O, Op extends string> = X extends readonly [infer M extends Dim, infer H, infer Wd, infer C extends Dim]
  ? [
      ConvSize<H, First<K>, First<Opt<O, "stride", K>>, PadAt<Opt<O, "padding", "valid">, 0>, 1>,
      ConvSize<Wd, Second<K>, Second<Opt<O, "stride", K>>, PadAt<Opt<O, "padding", "valid">, 1>, 1>,
    ] extends [infer OH, infer OW]
    ? [OH] extends [never]
      ? Mismatch<`${Op}: the window ${ShowDim<First<K>>}×${ShowDim<Second<K>>} does not fit the input height (${ShowShape<X>})`>
      : [OW] extends [never]
        ? Mismatch<`${Op}: the window ${ShowDim<First<K>>}×${ShowDim<Second<K>>} does not fit the input width (${ShowShape<X>})`>
        : [M, OH, OW, C]
    : never
  : Mismatch<`${Op}: the input must be NHWC [m, height, width, channels], got ${ShowShape<X>}`>;

/**
 * The shape of `maxPool2d(x, size, opts)` / `avgPool2d`: the window of `size` moves by `stride`
 * (default: the size) over `[m, H, W, C]`, channels pass through.
 *
 * @example
 * type S = Pool2d<["m", 24, 24, 6], 2> // ["m", 12, 12, 6]
 * @category rules
 */
export type Pool2d<X extends Shape, K, O = {}, Op extends string = "pool2d"> = IsTuple<X> extends true ? PoolRule<X, K, O, Op> : Shape;

/**
 * The shape of `globalAvgPool2d(x)`: `[m, H, W, C] → [m, C]`.
 *
 * @example
 * type S = GlobalPool2d<["m", 7, 7, 64]> // ["m", 64]
 * @category rules
 */
export type GlobalPool2d<X extends Shape> =
  IsTuple<X> extends true
    ? X extends readonly [infer M extends Dim, Dim, Dim, infer C extends Dim]
      ? [M, C]
      : Mismatch<`globalAvgPool2d: the input must be NHWC [m, height, width, channels], got ${ShowShape<X>}`>
    : Shape;

/**
 * The shape of a per-channel parameter of `x` (`batchNorm`'s `gamma`, `beta` and running
 * statistics): `[C]`, the last axis; a `Mismatch` when `P` is another shape.
 *
 * @example
 * type S = Channels<["m", 12, 12, 16], [16]> // [16]
 * @category rules
 */
export type Channels<X extends Shape, P extends Shape> =
  IsTuple<X> extends true
    ? X extends readonly [Dim, ...Dim[], infer C extends Dim]
      ? P extends readonly [infer D extends Dim]
        ? IsNat<C> extends true
          ? IsNat<D> extends true
            ? [C] extends [D]
              ? [C]
              : Mismatch<`batchNorm: a per-channel parameter must be ${ShowShape<[C]>} for the input ${ShowShape<X>}, got ${ShowShape<P>}`>
            : [C]
          : [C]
        : Mismatch<`batchNorm: a per-channel parameter must be ${ShowShape<[C]>} for the input ${ShowShape<X>}, got ${ShowShape<P>}`>
      : Mismatch<`batchNorm: the input needs at least 2 axes (examples and channels), got ${ShowShape<X>}`>
    : [number];

// -------------------------------------------------------------------------------------
// runtime twins
// -------------------------------------------------------------------------------------

const pairOf = (op: string, arg: string, v: unknown, dflt: readonly [number, number], min: number): readonly [number, number] => {
  if (v === undefined) return dflt;
  const p = typeof v === "number" ? [v, v] : Array.isArray(v) && v.length === 2 ? v : undefined;
  if (p === undefined || !p.every((n) => Number.isInteger(n) && n >= min)) throw new TypeError(`${op}: option '${arg}' must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  return [p[0] as number, p[1] as number];
};

/**
 * The runtime twin of {@link ConvSize} for one axis: output size and padding before, or a
 * `ShapeError` naming `op` when the window does not fit.
 *
 * @example
 * import { shapes } from "typegrad"
 * shapes.convSize("conv2d", 28, 5, 1, 0, 1) // [24, 0]
 * shapes.convSize("conv2d", 28, 3, 2, "same", 1) // [14, 0]
 * @category rules
 */
export const convSize = (op: string, h: number, k: number, s: number, p: number | "same", d: number): readonly [number, number] => {
  const span = d * (k - 1) + 1;
  if (p === "same") {
    const out = Math.ceil(h / s);
    const total = Math.max((out - 1) * s + span - h, 0);
    return [out, Math.floor(total / 2)];
  }
  if (h + 2 * p < span) throw new ShapeError(op, `the window (${k} taps, dilation ${d}, spanning ${span}) does not fit an axis of ${h} with padding ${p}`);
  return [Math.floor((h + 2 * p - span) / s) + 1, p];
};

const paddingAt = (op: string, padding: unknown, axis: 0 | 1): number | "same" => {
  if (padding === undefined || padding === "valid") return 0;
  if (padding === "same") return "same";
  return pairOf(op, "padding", padding, [0, 0], 0)[axis];
};

/**
 * The geometry of a 2-D window over `[m, H, W, C]` (the runtime twin of the spatial part of
 * {@link Conv2d} and {@link Pool2d}): validates the options, throws a `ShapeError` naming `op`
 * when the window does not fit.
 *
 * @example
 * import { shapes } from "typegrad"
 * shapes.windowGeometry("conv2d", [8, 28, 28, 1], [5, 5], {}).outH // 24
 * @category rules
 */
export const windowGeometry = (op: string, x: Sizes, kernel: readonly [number, number], opts: WindowOptions, defaultStride: readonly [number, number] = [1, 1]): PatchGeometry => {
  if (x.length !== 4) throw new ShapeError(op, `the input must be NHWC [m, height, width, channels], got ${showShape(x)}`);
  if (opts === null || typeof opts !== "object") throw new TypeError(`${op}: argument 'opts' must be an options object, got ${String(opts)}`);
  const [sh, sw] = pairOf(op, "stride", opts.stride, defaultStride, 1);
  const [dh, dw] = pairOf(op, "dilation", opts.dilation, [1, 1], 1);
  const [kh, kw] = kernel;
  const pt = paddingAt(op, opts.padding, 0);
  const pl = paddingAt(op, opts.padding, 1);
  if (typeof opts.padding === "string" && opts.padding !== "same" && opts.padding !== "valid")
    throw new TypeError(`${op}: option 'padding' must be "valid", "same", an integer ≥ 0 or a pair of them, got ${JSON.stringify(opts.padding)}`);
  const [outH, padTop] = convSize(op, x[1] as number, kh, sh, pt, dh);
  const [outW, padLeft] = convSize(op, x[2] as number, kw, sw, pl, dw);
  return { kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW };
};

/**
 * Runtime twin of {@link Conv2d}: the output shape and the window geometry.
 *
 * @example
 * import { shapes } from "typegrad"
 * shapes.conv2d([8, 28, 28, 1], [5, 5, 1, 6], {}).shape // [8, 24, 24, 6]
 * @category rules
 */
export const conv2d = (x: Sizes, w: Sizes, opts: Conv2dOptions): { readonly shape: number[]; readonly geometry: PatchGeometry; readonly groups: number } => {
  if (x.length !== 4) throw new ShapeError("conv2d", `the input must be NHWC [m, height, width, channels], got ${showShape(x)}`);
  if (w.length !== 4) throw new ShapeError("conv2d", `the kernel must be [kh, kw, inChannels, outChannels], got ${showShape(w)}`);
  const groups = opts.groups ?? 1;
  if (!(Number.isInteger(groups) && groups >= 1)) throw new TypeError(`conv2d: option 'groups' must be an integer ≥ 1, got ${JSON.stringify(groups)}`);
  const [kh, kw, ci, co] = w as [number, number, number, number];
  if (ci * groups !== x[3]) throw new ShapeError("conv2d", `the kernel ${showShape(w)} takes ${ci * groups} input channels but the input ${showShape(x)} has ${x[3]}`);
  if (co % groups !== 0) throw new ShapeError("conv2d", `the kernel's ${co} output channels do not split into ${groups} groups (${showShape(w)})`);
  const geometry = windowGeometry("conv2d", x, [kh, kw], opts);
  return { shape: [x[0] as number, geometry.outH, geometry.outW, co], geometry, groups };
};

/**
 * Runtime twin of {@link Conv2dTranspose}: the output shape and the geometry of the convolution
 * it transposes (that convolution maps the output back to the input's size).
 *
 * @example
 * import { shapes } from "typegrad"
 * shapes.conv2dTranspose([2, 7, 7, 16], [3, 3, 8, 16], { stride: 2, padding: "same" }).shape // [2, 14, 14, 8]
 * @category rules
 */
export const conv2dTranspose = (x: Sizes, w: Sizes, opts: WindowOptions): { readonly shape: number[]; readonly geometry: PatchGeometry } => {
  const op = "conv2dTranspose";
  if (x.length !== 4) throw new ShapeError(op, `the input must be NHWC [m, height, width, channels], got ${showShape(x)}`);
  if (w.length !== 4) throw new ShapeError(op, `the kernel must be [kh, kw, outChannels, inChannels], got ${showShape(w)}`);
  if (opts === null || typeof opts !== "object") throw new TypeError(`${op}: argument 'opts' must be an options object, got ${String(opts)}`);
  const [kh, kw, co, ci] = w as [number, number, number, number];
  if (ci !== x[3]) throw new ShapeError(op, `the kernel ${showShape(w)} takes ${ci} input channels but the input ${showShape(x)} has ${x[3]}`);
  const [sh, sw] = pairOf(op, "stride", opts.stride, [1, 1], 1);
  const [dh, dw] = pairOf(op, "dilation", opts.dilation, [1, 1], 1);
  const size = (h: number, k: number, s: number, d: number, p: number | "same"): number => (p === "same" ? h * s : (h - 1) * s + d * (k - 1) + 1 - 2 * p);
  const pt = paddingAt(op, opts.padding, 0);
  const pl = paddingAt(op, opts.padding, 1);
  const oh = size(x[1] as number, kh, sh, dh, pt);
  const ow = size(x[2] as number, kw, sw, dw, pl);
  if (oh < 1 || ow < 1) throw new ShapeError(op, `the padding removes the whole output (${showShape(x)}, kernel ${showShape(w)})`);
  const geometry = windowGeometry(op, [x[0] as number, oh, ow, co], [kh, kw], { stride: [sh, sw], dilation: [dh, dw], padding: opts.padding ?? "valid" });
  if (geometry.outH !== x[1] || geometry.outW !== x[2]) throw new ShapeError(op, `internal: the transposed geometry does not map ${showShape([oh, ow])} back to ${showShape(x)}`);
  return { shape: [x[0] as number, oh, ow, co], geometry };
};

/** The output shape of `im2col` on an NHWC image: `[m, outH, outW, kh, kw, C]`. @category rules */
export const patchesShape = (x: Sizes, g: PatchGeometry): number[] => [x[0] as number, g.outH, g.outW, g.kh, g.kw, x[3] as number];
