/**
 * The WASM backend's convolution kernels' glue: the window geometry as the i32 words
 * `assembly/conv.ts` reads (`m, H, W, C, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW`).
 * The backend's `im2col`/`col2im` methods (index.ts) write them into the meta words and call the
 * kernels; the convolution's matrix product is the backend's gemm, threads included.
 *
 * @module
 */
import type { PatchGeometry } from "../../shape/conv.js";
import type { Sizes } from "../../shape/dims.js";

/** How many i32 words the geometry takes. */
export const GEOMETRY_WORDS = 14;

/** Write the geometry of windows over the image `shape` (`[m, H, W, C]`) at byte `at` of `i32`'s memory; returns `at`. */
export const writeGeometry = (i32: Int32Array, at: number, shape: Sizes, g: PatchGeometry): number => {
  i32.set([shape[0] as number, shape[1] as number, shape[2] as number, shape[3] as number, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW], at / 4);
  return at;
};
