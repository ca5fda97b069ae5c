/**
 * `col2im(cols, geometry, height, width)`: the transpose of `im2col`, window rows
 * `[m, outH, outW, kh, kw, C]` added back into the NHWC image cells they were read from
 * (`[m, height, width, C]`); cells of the padding are dropped. It carries a convolution's input
 * cotangent and is the forward pass of `conv2dTranspose`.
 *
 * Forward: a scatter-add (the backend's `col2im`). Pullback: `im2col(ct)`. The primitive lives in
 * `im2col.ts`: the two are each other's pullbacks.
 *
 * @module
 */

import { bind } from "../autodiff/core.js";
import type { PatchGeometry } from "../shape/conv.js";
import { patchesShape } from "../shape/conv.js";
import { describeValue } from "../tensor/describe.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one } from "./define.js";
import { type Col2imParams, checkGeometry, col2imPrim, sampleGeometry } from "./im2col.js";
import { indices } from "./naive.js";
import { domains, type OpDef, oneRounding } from "./spec.js";

/**
 * The transpose of `im2col`: each window row added into the image cells it was read from,
 * `[m, outH, outW, kh, kw, C] → [m, height, width, C]`.
 *
 * @example
 * import { col2im, ones, shapes, toFlat } from "typegrad"
 * const g = shapes.windowGeometry("col2im", [1, 2, 3, 1], [2, 2], {})
 * Array.from(toFlat(col2im(ones([1, 1, 2, 2, 2, 1]), g, 2, 3))) // [1, 2, 1, 1, 2, 1]
 * @category operations
 */
export const col2im = (cols: Tensor, geometry: PatchGeometry, height: number, width: number): Tensor => {
  const t = expectTensor("col2im", "cols", cols);
  const g = checkGeometry("col2im", geometry);
  if (!(Number.isSafeInteger(height) && height >= 1 && Number.isSafeInteger(width) && width >= 1))
    throw new TypeError(`col2im: arguments 'height' and 'width' must be integers ≥ 1, got ${describeValue(height)} and ${describeValue(width)}`);
  return bind(col2imPrim, [t], { geometry: g, height, width });
};

/** Registry entry. */
export const col2imDef: OpDef<Col2imParams> = {
  name: "col2im",
  kind: "primitive",
  doc: "window rows added back into an NHWC image (the transpose of im2col)",
  shape: (ss, p) => col2imPrim.shape(ss, p),
  forward: { kind: "backend", method: "col2im" },
  pullback: col2imPrim.pullback as OpDef<Col2imParams>["pullback"],
  spec: {
    sample: (g) => {
      const { image, geometry } = sampleGeometry(g);
      return { inputs: [{ shape: patchesShape(image, geometry), domain: domains.real }], params: { geometry, height: image[1] as number, width: image[2] as number } };
    },
    call: (xs, { geometry, height, width }) => col2im(one(xs), geometry, height, width),
    reference: (xs, { geometry, height, width }) => {
      const a = one(xs);
      const [m, , , , , C] = a.shape as [number, number, number, number, number, number];
      const shape = [m, height, width, C];
      const data = new Array<number>(m * height * width * C).fill(0);
      indices(a.shape).forEach(([n, i, j, p, q, c], k) => {
        const h = (i as number) * geometry.sh + (p as number) * geometry.dh - geometry.padTop;
        const w = (j as number) * geometry.sw + (q as number) * geometry.dw - geometry.padLeft;
        if (h >= 0 && h < height && w >= 0 && w < width) {
          const at = (((n as number) * height + h) * width + w) * C + (c as number);
          data[at] = (data[at] as number) + (a.data[k] as number);
        }
      });
      return { shape, data };
    },
    // each output adds the window cells that cover it, at most one per kernel offset: a sum of at
    // most kh·kw values of at most 3 (the real domain), kh·kw·u·3 in the worst case
    error: { ulps: oneRounding, terms: (c) => c.params.geometry.kh * c.params.geometry.kw, magnitude: 3 },
  },
};
