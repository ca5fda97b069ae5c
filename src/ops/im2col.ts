/**
 * `im2col(x, geometry, padValue)`: the windows of an NHWC image as rows,
 * `[m, H, W, C] → [m, outH, outW, kh, kw, C]` with
 * `out[n, i, j, a, b, c] = x[n, i·sh + a·dh − padTop, j·sw + b·dw − padLeft, c]` (`padValue`
 * outside the image). A convolution is `im2col` then one matrix product; pooling is `im2col`
 * then a reduction over the window axes.
 *
 * Forward: a gather (the backend's `im2col`). Pullback: `col2im(ct)`, the transpose (each window
 * row added back into the cells it was read from; padding cells get nothing). `im2col` and
 * `col2im` are each other's pullbacks, so both primitives are defined here, as `slice` and `pad`.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { type PatchGeometry, patchesShape } from "../shape/conv.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { describeValue } from "../tensor/describe.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one } from "./define.js";
import { indices } from "./naive.js";
import { type Dense, domains, exact, type Gen, type OpDef } from "./spec.js";

/** The parameters of `im2col`: where the windows lie, and what cells outside the image read. */
export interface Im2colParams {
  readonly geometry: PatchGeometry;
  readonly padValue: number;
}

/** The parameters of `col2im`: where the windows lie, and the image's height and width. */
export interface Col2imParams {
  readonly geometry: PatchGeometry;
  readonly height: number;
  readonly width: number;
}

const checkImage = (op: string, s: readonly number[]): void => {
  if (s.length !== 4) throw new ShapeError(op, `the image must be NHWC [m, height, width, channels], got ${showShape(s)}`);
};

const AT_LEAST_ONE = ["kh", "kw", "sh", "sw", "dh", "dw"] as const;
const AT_LEAST_ZERO = ["padTop", "padLeft", "outH", "outW"] as const;

/** A public caller's window geometry: every field an integer in its range (a bad one made shapes of `undefined`). */
export const checkGeometry = (op: string, g: unknown): PatchGeometry => {
  if (g === null || typeof g !== "object" || Array.isArray(g))
    throw new TypeError(`${op}: argument 'geometry' must be a window geometry { kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } (from shapes.windowGeometry), got ${describeValue(g)}`);
  const r = g as Record<string, unknown>;
  for (const [names, min] of [
    [AT_LEAST_ONE, 1],
    [AT_LEAST_ZERO, 0],
  ] as const) {
    for (const n of names) {
      const v = r[n];
      if (!(Number.isSafeInteger(v) && (v as number) >= min)) throw new TypeError(`${op}: argument 'geometry': ${n} must be an integer ≥ ${min}, got ${describeValue(v)}`);
    }
  }
  return g as PatchGeometry;
};

const colsShape = (op: string, s: readonly number[], g: PatchGeometry): void => {
  const want = [g.outH, g.outW, g.kh, g.kw];
  if (s.length !== 6 || want.some((d, i) => s[i + 1] !== d)) throw new ShapeError(op, `the windows must be [m, ${want.join(", ")}, channels], got ${showShape(s)}`);
};

/** The patch-extraction primitive. */
export const im2colPrim: Primitive<Im2colParams> = {
  name: "im2col",
  shape: (ss, { geometry }) => {
    const s = one(ss) as readonly number[];
    checkImage("im2col", s);
    return patchesShape(s, geometry);
  },
  forward: (xs, ss, { geometry, padValue }) => {
    const x = one(xs);
    return x.backend.im2col(x, one(ss) as readonly number[], geometry, padValue);
  },
  pullback: (ct, xs, _out, { geometry }) => {
    const s = one(xs).shape as readonly number[];
    return [bind(col2imPrim, [ct], { geometry, height: s[1] as number, width: s[2] as number })];
  },
};

/** The window-summing primitive (the transpose of `im2col`). */
export const col2imPrim: Primitive<Col2imParams> = {
  name: "col2im",
  shape: (ss, { geometry, height, width }) => {
    const s = one(ss) as readonly number[];
    colsShape("col2im", s, geometry);
    return [s[0] as number, height, width, s[5] as number];
  },
  forward: (xs, _ss, { geometry }, out) => {
    const x = one(xs);
    return x.backend.col2im(x, geometry, out as readonly number[]);
  },
  pullback: (ct, _xs, _out, { geometry }) => [bind(im2colPrim, [ct], { geometry, padValue: 0 })],
};

/**
 * The windows of an NHWC image as rows: `[m, H, W, C] → [m, outH, outW, kh, kw, C]`.
 *
 * @example
 * import { im2col, shapes, tensor, toFlat } from "typegrad"
 * const x = tensor([[[[1], [2], [3]], [[4], [5], [6]]]]) // Tensor<[1, 2, 3, 1]>
 * const g = shapes.windowGeometry("im2col", [1, 2, 3, 1], [2, 2], {})
 * Array.from(toFlat(im2col(x, g))) // [1, 2, 4, 5, 2, 3, 5, 6]
 * @category operations
 */
export const im2col = (x: Tensor, geometry: PatchGeometry, padValue = 0): Tensor => {
  const t = expectTensor("im2col", "x", x);
  if (typeof padValue !== "number") throw new TypeError(`im2col: argument 'padValue' must be a number, got ${describeValue(padValue)}`);
  return bind(im2colPrim, [t], { geometry: checkGeometry("im2col", geometry), padValue });
};

// -------------------------------------------------------------------------------------
// law specs
// -------------------------------------------------------------------------------------

/** A random window geometry over a random small image: stride, dilation and padding (up to the window's span). */
export const sampleGeometry = (g: Gen): { readonly image: number[]; readonly geometry: PatchGeometry } => {
  const kh = g.int(1, 3);
  const kw = g.int(1, 3);
  const sh = g.int(1, 2);
  const sw = g.int(1, 2);
  const dh = g.int(1, 2);
  const dw = g.int(1, 2);
  const padTop = g.int(0, dh * (kh - 1));
  const padLeft = g.int(0, dw * (kw - 1));
  const H = g.int(Math.max(1, dh * (kh - 1) + 1 - 2 * padTop), 5);
  const W = g.int(Math.max(1, dw * (kw - 1) + 1 - 2 * padLeft), 5);
  const outH = Math.floor((H + 2 * padTop - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((W + 2 * padLeft - dw * (kw - 1) - 1) / sw) + 1;
  return { image: [g.int(1, 2), H, W, g.int(1, 3)], geometry: { kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } };
};

/** `im2col` as plain loops (an independent reference). */
export const im2colDense = (a: Dense, g: PatchGeometry, padValue: number): Dense => {
  const [, H, W, C] = a.shape as [number, number, number, number];
  const shape = patchesShape(a.shape, g);
  return {
    shape,
    data: indices(shape).map(([n, i, j, p, q, c]) => {
      const h = (i as number) * g.sh + (p as number) * g.dh - g.padTop;
      const w = (j as number) * g.sw + (q as number) * g.dw - g.padLeft;
      return h < 0 || h >= H || w < 0 || w >= W ? padValue : (a.data[(((n as number) * H + h) * W + w) * C + (c as number)] as number);
    }),
  };
};

/** Registry entry. */
export const im2colDef: OpDef<Im2colParams> = {
  name: "im2col",
  kind: "primitive",
  doc: "the windows of an NHWC image as rows",
  shape: (ss, p) => im2colPrim.shape(ss, p),
  forward: { kind: "backend", method: "im2col" },
  pullback: im2colPrim.pullback as OpDef<Im2colParams>["pullback"],
  spec: {
    sample: (g) => {
      const { image, geometry } = sampleGeometry(g);
      return { inputs: [{ shape: image, domain: domains.real }], params: { geometry, padValue: g.bool() ? 0 : -1.5 } };
    },
    call: (xs, { geometry, padValue }) => im2col(one(xs), geometry, padValue),
    reference: (xs, { geometry, padValue }) => im2colDense(one(xs), geometry, padValue),
    // a copy (and the padding value): bit for bit
    error: { ulps: exact },
  },
};
