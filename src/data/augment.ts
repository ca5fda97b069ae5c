/**
 * Data augmentation for images stored as rows of pixels: random translations. Shifting each
 * training digit by up to one pixel in each direction is a standard way to get more out of a
 * small MNIST training set (the network sees a slightly different image every epoch).
 *
 * @module
 */
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import type { Rng } from "../tensor/random.js";
import type { Examples } from "./examples.js";

/** Options of {@link shiftImages}. @category model */
export interface ShiftOptions {
  /** Image width in pixels (default 28). */
  readonly width?: number;
  /** Image height in pixels (default 28). */
  readonly height?: number;
  /** Largest shift in pixels, in each direction and axis (default 1). */
  readonly max?: number;
  /** Value of the pixels shifted in (default 0, the background). */
  readonly fill?: number;
}

const shiftKeys: OptionKeys<ShiftOptions> = { width: true, height: true, max: true, fill: true };

/**
 * Each image translated by a random whole number of pixels in `[-max, max]` along each axis
 * (independently per image, drawn from `g`), pixels shifted in set to `fill`. Targets are kept.
 *
 * @example
 * import { examples, rng, shiftImages } from "typegrad"
 * // one 3×3 image with a single lit pixel in the middle
 * const d = examples([[0, 0, 0, 0, 1, 0, 0, 0, 0]], [[7]])
 * const moved = shiftImages(d, rng(0), { width: 3, height: 3, max: 1 })
 * moved.x.reduce((a, b) => a + b, 0) // 1 (the pixel moved by up to 1 pixel)
 * moved.y // [7]
 * @category operations
 */
export const shiftImages = <F extends number, T extends number>(d: Examples<F, T>, g: Rng, opts: ShiftOptions = {}): Examples<F, T> => {
  checkOptionKeys("shiftImages", opts, shiftKeys);
  const w = opts.width ?? 28;
  const h = opts.height ?? 28;
  const max = opts.max ?? 1;
  const fill = opts.fill ?? 0;
  if (w * h !== d.features) throw new TypeError(`shiftImages: ${w}×${h} images need ${w * h} features, the examples have ${d.features}`);
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`shiftImages: option 'max' must be an integer ≥ 0, got ${max}`);
  const x = new Float32Array(d.x.length).fill(fill);
  for (let i = 0; i < d.m; i++) {
    const dx = g.int(2 * max + 1) - max;
    const dy = g.int(2 * max + 1) - max;
    const base = i * d.features;
    for (let r = Math.max(0, dy); r < Math.min(h, h + dy); r++) {
      const src = base + (r - dy) * w;
      const dst = base + r * w;
      for (let c = Math.max(0, dx); c < Math.min(w, w + dx); c++) x[dst + c] = d.x[src + c - dx] as number;
    }
  }
  return { ...d, x };
};
