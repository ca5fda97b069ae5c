/**
 * A grid of grayscale images (MNIST digits, say), each with an optional caption, and wrong
 * predictions framed in the alert colour.
 *
 * @module
 */
import type { Examples } from "../data/examples.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { arrayLike, intIn, numberIn, optString } from "./check.js";
import { ALERT, FAINT, gray, INK } from "./palette.js";
import { addRuns, type Runs, runsToPaths } from "./runs.js";
import { el, fmt, svgDocument, text, textWidth } from "./svg.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The most images one grid may hold.
 *
 * @example
 * import { MAX_IMAGES } from "typegrad/plot"
 * MAX_IMAGES // 1000
 * @category model
 */
export const MAX_IMAGES = 1000;

/**
 * The most pixels one grid may hold, all images together.
 *
 * @example
 * import { MAX_PIXELS } from "typegrad/plot"
 * MAX_PIXELS // 1048576 (2^20)
 * @category model
 */
export const MAX_PIXELS = 1 << 20;

/** Options of {@link digitGrid}. @category model */
export interface DigitGridOptions {
  readonly title?: string;
  /** `[height, width]` of each image (default: square, from the number of pixels). */
  readonly shape?: readonly [number, number];
  /** Images per row, in `[1, 100]` (default `min(count, 10)`). */
  readonly columns?: number;
  /** Screen pixels per image pixel, in `[1, 16]` (default: about 84 screen pixels a side, so 3 for 28 × 28 digits). */
  readonly scale?: number;
  /** Pixel values shown as white and as black (default `[0, 1]`); values outside are clamped. */
  readonly range?: readonly [number, number];
  /** The true class of each image (default: the targets of an `Examples` argument with one target, the argmax with several). */
  readonly labels?: readonly number[];
  /** The predicted class of each image; an image whose label differs is framed in vermillion. */
  readonly predicted?: readonly number[];
  /** A caption per image, instead of the labels. */
  readonly captions?: readonly string[];
}

const digitGridKeys: OptionKeys<DigitGridOptions> = { title: true, shape: true, columns: true, scale: true, range: true, labels: true, predicted: true, captions: true };

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const labelsOf = (d: Examples): number[] =>
  Array.from({ length: d.m }, (_, i) => {
    if (d.targets === 1) return d.y[i] as number;
    let best = 0;
    for (let k = 1; k < d.targets; k++) if ((d.y[i * d.targets + k] as number) > (d.y[i * d.targets + best] as number)) best = k;
    return best;
  });

/**
 * Grayscale images in a grid, as a standalone SVG document: value `range[0]` (default 0) is
 * white, `range[1]` (default 1) black, in 256 levels. `images` is an `Examples` whose features are
 * the pixels, row by row (e.g. `Examples<784, 1>` from `loadMnist`), or an array of flat pixel
 * arrays. Captions show the label, or `label → predicted` when predictions are given, and every
 * wrong prediction is framed. At most 1000 images and 2²⁰ pixels: pass a slice (`take`) of a
 * larger set.
 *
 * @example
 * import { digitGrid } from "typegrad/plot"
 *
 * const cross = Array.from({ length: 16 }, (_, i) => (i % 5 === 0 || i % 3 === 0 ? 1 : 0))
 * const svg = digitGrid([cross, cross.map((v) => 1 - v)], { labels: [1, 1], predicted: [1, 0] })
 * svg.includes("1 → 0") // true
 * @category operations
 */
export const digitGrid = (images: Examples | readonly ArrayLike<number>[], opts: DigitGridOptions = {}): string => {
  const fn = "digitGrid";
  if (images === null || typeof images !== "object") throw new TypeError(`${fn}: argument 'images' must be Examples or an array of pixel arrays, got ${images === null ? "null" : typeof images}`);
  const isExamples = !Array.isArray(images);
  const ex = images as Examples;
  if (isExamples && !(ex.x instanceof Float32Array && typeof ex.m === "number")) throw new TypeError(`${fn}: argument 'images' must be Examples or an array of pixel arrays`);
  const count = isExamples ? ex.m : (images as readonly ArrayLike<number>[]).length;
  checkOptionKeys(fn, opts, digitGridKeys);
  if (count < 1) throw new RangeError(`${fn}: argument 'images' is empty`);
  if (count > MAX_IMAGES) throw new RangeError(`${fn}: argument 'images' has ${count} images, more than the ${MAX_IMAGES} a grid may hold; pass a slice, e.g. take(data, [0, 1, …])`);
  const pixels = (i: number): ArrayLike<number> => {
    if (isExamples) return ex.x.subarray(i * ex.features, (i + 1) * ex.features);
    return arrayLike(fn, `images[${i}]`, (images as readonly ArrayLike<number>[])[i]);
  };
  const n0 = pixels(0).length;
  const [h, w] =
    opts.shape === undefined
      ? Number.isInteger(Math.sqrt(n0)) && n0 > 0
        ? [Math.sqrt(n0), Math.sqrt(n0)]
        : (() => {
            throw new RangeError(`${fn}: images have ${n0} pixels, not a square; pass option 'shape' [height, width]`);
          })()
      : [intIn(fn, "option 'shape'[0]", opts.shape[0], 1, 4096), intIn(fn, "option 'shape'[1]", opts.shape[1], 1, 4096)];
  if (count * h * w > MAX_PIXELS) throw new RangeError(`${fn}: ${count} images of ${h} × ${w} pixels are more than the ${MAX_PIXELS} pixels a grid may hold; pass fewer images`);
  const columns = intIn(fn, "option 'columns'", opts.columns ?? Math.min(count, 10), 1, 100);
  const s = intIn(fn, "option 'scale'", opts.scale ?? Math.min(16, Math.max(1, Math.floor(84 / Math.max(h, w)))), 1, 16);
  const [lo, hi] = opts.range ?? [0, 1];
  numberIn(fn, "option 'range'[0]", lo, -Number.MAX_VALUE, Number.MAX_VALUE);
  numberIn(fn, "option 'range'[1]", hi, -Number.MAX_VALUE, Number.MAX_VALUE);
  if (!(hi > lo)) throw new RangeError(`${fn}: option 'range' must be [low, high] with low < high, got [${lo}, ${hi}]`);
  const title = optString(fn, "option 'title'", opts.title);
  const labels = opts.labels ?? (isExamples && ex.targets > 0 ? labelsOf(ex) : undefined);
  const sameLength = (arg: string, v: ArrayLike<unknown> | undefined): void => {
    if (v !== undefined && arrayLike(fn, arg, v).length !== count) throw new TypeError(`${fn}: ${arg} has ${v.length} entries but there are ${count} images`);
  };
  sameLength("option 'labels'", opts.labels);
  sameLength("option 'predicted'", opts.predicted);
  sameLength("option 'captions'", opts.captions);
  if (opts.predicted !== undefined && labels === undefined) throw new TypeError(`${fn}: option 'predicted' needs the true labels: pass option 'labels' or Examples`);
  const wrong = (i: number): boolean => opts.predicted !== undefined && labels !== undefined && opts.predicted[i] !== labels[i];
  const caption = (i: number): string | undefined => {
    if (opts.captions !== undefined) return String(opts.captions[i]);
    if (labels === undefined) return undefined;
    return opts.predicted === undefined ? String(labels[i]) : `${labels[i]} → ${opts.predicted[i]}`;
  };
  const captions = Array.from({ length: count }, (_, i) => caption(i));
  const hasCaptions = captions.some((c) => c !== undefined);

  const [iw, ih] = [w * s, h * s];
  const capH = hasCaptions ? 16 : 0;
  const gap = 12;
  const pitchX = Math.max(iw, ...captions.map((c) => (c === undefined ? 0 : textWidth(c, 11)))) + gap;
  const pitchY = ih + capH + gap;
  const rows = Math.ceil(count / columns);
  const note = opts.predicted === undefined || opts.captions !== undefined ? undefined : "true → predicted; wrong predictions framed";
  const top = gap + (title === undefined ? 0 : 26) + (note === undefined ? 0 : 18);
  const width = Math.max(columns * pitchX + gap, title === undefined ? 0 : textWidth(title, 15) + 2 * gap, note === undefined ? 0 : textWidth(note, 11) + 2 * gap);
  const left = (width - columns * pitchX + gap) / 2;
  const height = top + rows * pitchY;

  const runs: Runs = new Map();
  const frames: string[] = [];
  const alerts: string[] = [];
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const px = pixels(i);
    if (px.length !== h * w) throw new TypeError(`${fn}: image ${i} has ${px.length} pixels, expected ${h} × ${w} = ${h * w}`);
    const x = left + (i % columns) * pitchX + (pitchX - gap - iw) / 2;
    const y = top + Math.floor(i / columns) * pitchY;
    addRuns(
      runs,
      w,
      h,
      (c, r) => {
        const v = px[r * w + c] as number;
        if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(`${fn}: image ${i} pixel ${r * w + c} must be a number, got ${String(v)}`);
        const g = Math.round(255 * (1 - Math.min(1, Math.max(0, (v - lo) / (hi - lo)))));
        return g === 255 ? undefined : gray(g);
      },
      { x, y, w: s, h: s },
    );
    (wrong(i) ? alerts : frames).push(`M${fmt(x - 1.5)} ${fmt(y - 1.5)}h${iw + 3}v${ih + 3}h-${iw + 3}z`);
    const cap = captions[i];
    if (cap !== undefined) texts.push(text(cap, { x: x + iw / 2, y: y + ih + 13, fill: wrong(i) ? ALERT : INK, "font-weight": wrong(i) ? "bold" : undefined }));
  }
  const body = [
    title === undefined ? "" : text(title, { x: width / 2, y: gap + 15, "font-size": 15, "font-weight": "bold", fill: INK, "text-anchor": "middle" }),
    note === undefined ? "" : text(note, { x: width / 2, y: top - 10, fill: INK, "text-anchor": "middle" }),
    el("path", { d: frames.join(""), fill: "none", stroke: FAINT, "stroke-width": 1 }),
    el("g", { "shape-rendering": "crispEdges" }, `\n${runsToPaths(runs)}\n`),
    alerts.length === 0 ? "" : el("path", { d: alerts.join(""), fill: "none", stroke: ALERT, "stroke-width": 2.5 }),
    texts.length === 0 ? "" : el("g", { "font-size": 11, "text-anchor": "middle" }, texts.join("")),
  ];
  return svgDocument(width, height, body.filter((b) => b !== "").join("\n"), title);
};
