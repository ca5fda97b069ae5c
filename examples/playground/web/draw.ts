/** Colours and canvas drawing: heatmaps, points, the loss chart. */
import type { Points } from "../src/data.js";
import { DOMAIN } from "../src/data.js";

const NEG = [245, 147, 34] as const;
const MID = [232, 234, 235] as const;
const POS = [8, 119, 189] as const;
/** Class colours for k-class problems (class 0 orange and class 1 blue, as the two-class colours). */
export const classColors: readonly (readonly [number, number, number])[] = [
  [245, 147, 34],
  [8, 119, 189],
  [44, 160, 44],
  [148, 103, 189],
  [214, 39, 40],
  [140, 86, 75],
  [227, 119, 194],
  [23, 190, 207],
];

/** A value in [-1, 1] as orange → grey → blue. */
export const diverging = (v: number, out: Uint8ClampedArray, at: number): void => {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [a, b] = t < 0 ? [MID, NEG] : [MID, POS];
  const s = Math.abs(t);
  out[at] = a[0] + (b[0] - a[0]) * s;
  out[at + 1] = a[1] + (b[1] - a[1]) * s;
  out[at + 2] = a[2] + (b[2] - a[2]) * s;
  out[at + 3] = 255;
};

export const rgb = (c: readonly [number, number, number]): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
export const valueColor = (v: number): string => {
  const px = new Uint8ClampedArray(4);
  diverging(v, px, 0);
  return `rgb(${px[0]}, ${px[1]}, ${px[2]})`;
};

/** The diverging scale at 512 levels over [-1, 1], as packed RGBA words (little-endian), for drawing grids fast. */
const LEVELS = 512;
const lut = (() => {
  const px = new Uint8ClampedArray(4 * LEVELS);
  for (let i = 0; i < LEVELS; i++) diverging((2 * i) / (LEVELS - 1) - 1, px, 4 * i);
  return new Uint32Array(px.buffer);
})();

const images = new WeakMap<HTMLCanvasElement, ImageData>();
const imageOf = (c: HTMLCanvasElement, size: number): ImageData => {
  let img = images.get(c);
  if (img === undefined || img.width !== size) {
    c.width = size;
    c.height = size;
    img = new ImageData(size, size);
    images.set(c, img);
  }
  return img;
};

/** A grid of values (row 0 at the top) scaled by `1/scale`, on a diverging scale; `discrete` shows signs only. */
export const drawValues = (c: HTMLCanvasElement, size: number, values: Float32Array, scale = 1, discrete = false): void => {
  const img = imageOf(c, size);
  const words = new Uint32Array(img.data.buffer);
  const k = (LEVELS - 1) / 2;
  for (let j = 0; j < size * size; j++) {
    const v = (values[j] as number) / scale;
    const t = discrete ? Math.sign(v) : v > 1 ? 1 : v < -1 ? -1 : Number.isNaN(v) ? 0 : v;
    words[j] = lut[Math.round((t + 1) * k)] as number;
  }
  (c.getContext("2d") as CanvasRenderingContext2D).putImageData(img, 0, 0);
};

/** k-class output: the winning class's colour, paler where it is less sure (`confidence` from 1/k to 1). */
export const drawClasses = (c: HTMLCanvasElement, size: number, classOf: Uint8Array, confidence: Float32Array, k: number, discrete: boolean): void => {
  const img = imageOf(c, size);
  const d = img.data;
  for (let j = 0; j < size * size; j++) {
    const col = classColors[(classOf[j] as number) % classColors.length] as readonly [number, number, number];
    const s = discrete ? 0.85 : Math.max(0, Math.min(1, ((confidence[j] as number) - 1 / k) / (1 - 1 / k)));
    for (let ch = 0; ch < 3; ch++) d[4 * j + ch] = (MID[ch] as number) + ((col[ch] as number) - (MID[ch] as number)) * s;
    d[4 * j + 3] = 255;
  }
  (c.getContext("2d") as CanvasRenderingContext2D).putImageData(img, 0, 0);
};

/** The colour of a point's target. */
export const targetColor = (y: number, multi: boolean, binary: boolean): string =>
  multi ? rgb(classColors[y % classColors.length] as readonly [number, number, number]) : binary ? (y > 0.5 ? rgb(POS) : rgb(NEG)) : valueColor(y);

/** Points over the square; test points with a dark ring. */
export const drawPoints = (c: HTMLCanvasElement, sets: readonly { readonly points: Points; readonly test: boolean }[], color: (y: number) => string, radius = 3.2): void => {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  ctx.clearRect(0, 0, c.width, c.height);
  const sx = (v: number): number => ((v + DOMAIN) / (2 * DOMAIN)) * c.width;
  const sy = (v: number): number => ((DOMAIN - v) / (2 * DOMAIN)) * c.height;
  for (const { points, test } of sets) {
    ctx.lineWidth = test ? 1.4 : 1;
    ctx.strokeStyle = test ? "#000" : "#fff";
    for (let i = 0; i < points.y.length; i++) {
      ctx.beginPath();
      ctx.arc(sx(points.x1[i] as number), sy(points.x2[i] as number), radius, 0, 2 * Math.PI);
      ctx.fillStyle = color(points.y[i] as number);
      ctx.fill();
      ctx.stroke();
    }
  }
};

/** Training (grey) and test (dark) loss by snapshot. */
export const drawChart = (c: HTMLCanvasElement, train: readonly number[], test: readonly number[]): void => {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  const w = c.width;
  const h = c.height;
  ctx.clearRect(0, 0, w, h);
  const all = [...train, ...test].filter(Number.isFinite);
  if (all.length === 0) return;
  const top = Math.max(...all) * 1.05 || 1;
  const line = (ys: readonly number[], color: string): void => {
    ctx.beginPath();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ys.forEach((y, i) => {
      const x = ys.length === 1 ? w : (i / (ys.length - 1)) * w;
      const yy = h - (Math.max(0, y) / top) * (h - 4) - 2;
      if (i === 0) ctx.moveTo(x, yy);
      else ctx.lineTo(x, yy);
    });
    ctx.stroke();
  };
  line(train, "#aaa");
  line(test, "#222");
};
