/**
 * The decision boundary of a classifier of two inputs: a grid over the data's extent coloured
 * by the predicted class (or, for a binary classifier's probabilities, by bands of probability
 * with the 0.5 contour), under the data points coloured by their class.
 *
 * @module
 */
import type { Examples } from "../data/examples.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { axis, domain } from "./axes.js";
import { arrayLike, classIndex, intIn, MAX_RESOLUTION, optString, size } from "./check.js";
import { figure, type LegendItem } from "./figure.js";
import { colourOf, INK, mix, tint } from "./palette.js";
import { addRuns, type Runs, runsToPaths } from "./runs.js";
import { el, fmt, svgDocument } from "./svg.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A point of the plane, `[x₁, x₂]`. @category model */
export type Point = readonly [number, number];

/**
 * A classifier evaluated on a batch of points: a class index per point, or, with
 * `output: "probabilities"`, the probability of class 1 per point.
 *
 * @category model
 */
export type Predict = (points: readonly Point[]) => ArrayLike<number>;

/** Options of {@link decisionBoundary}. @category model */
export interface DecisionBoundaryOptions {
  readonly title?: string;
  /** The horizontal axis title (default `"x₁"`). */
  readonly xLabel?: string;
  /** The vertical axis title (default `"x₂"`). */
  readonly yLabel?: string;
  /** Cells per side of the grid `predict` is evaluated on, in `[2, 400]` (default 100). */
  readonly resolution?: number;
  /** What `predict` returns: class indices (`"labels"`, default) or the probability of class 1 (`"probabilities"`). */
  readonly output?: "labels" | "probabilities";
  /** Legend names by class index (default `"class 0"`, `"class 1"`, …). */
  readonly classNames?: readonly string[];
  /** Width in pixels (default 460). */
  readonly width?: number;
  /** Height in pixels (default 480). */
  readonly height?: number;
}

const decisionBoundaryKeys: OptionKeys<DecisionBoundaryOptions> = { title: true, xLabel: true, yLabel: true, resolution: true, output: true, classNames: true, width: true, height: true };

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** Where the grid's values cross 0.5, as path data (marching squares between cell centres). */
const contour = (p: Float64Array, n: number, px: (c: number) => number, py: (r: number) => number): string => {
  let d = "";
  const v = (c: number, r: number): number => (p[r * n + c] as number) - 0.5;
  for (let r = 0; r + 1 < n; r++) {
    for (let c = 0; c + 1 < n; c++) {
      const [a, b, e, f] = [v(c, r), v(c + 1, r), v(c + 1, r + 1), v(c, r + 1)]; // clockwise from top-left
      const hits: [number, number][] = [];
      const cross = (u: number, w: number, at: (t: number) => [number, number]): void => {
        if (u >= 0 !== w >= 0) hits.push(at(u / (u - w)));
      };
      cross(a, b, (t) => [c + t, r]);
      cross(b, e, (t) => [c + 1, r + t]);
      cross(e, f, (t) => [c + 1 - t, r + 1]);
      cross(f, a, (t) => [c, r + 1 - t]);
      const seg = (s: [number, number], t: [number, number]): string => `M${fmt(px(s[0]))} ${fmt(py(s[1]))}L${fmt(px(t[0]))} ${fmt(py(t[1]))}`;
      if (hits.length === 2) d += seg(hits[0] as [number, number], hits[1] as [number, number]);
      if (hits.length === 4) {
        const [h0, h1, h2, h3] = hits as [[number, number], [number, number], [number, number], [number, number]];
        const centreAbove = (a + b + e + f) / 4 >= 0 === a >= 0;
        d += centreAbove ? seg(h0, h3) + seg(h1, h2) : seg(h0, h1) + seg(h2, h3);
      }
    }
  }
  return d;
};

/**
 * The decision boundary of a classifier of two inputs, as a standalone SVG document. The grid
 * spans the data's extent plus a margin, rounded out to nice ticks, in `resolution × resolution`
 * cells; `predict` is called once with the cell centres, row by row from the top row (largest
 * `x₂`), left to right. Each cell gets a light tint of its class's colour; with
 * `output: "probabilities"` (a binary classifier's probability of class 1), ten bands from class
 * 0's colour through white to class 1's, and the 0.5 contour as a line. The examples are drawn on
 * top as dots coloured by `labels` (class indices, one per example).
 *
 * @example
 * import { decisionBoundary } from "typegrad/plot"
 * import { labels, rng, xor } from "typegrad"
 *
 * const data = xor(rng(0), { m: 40 })
 * const svg = decisionBoundary(data, labels(data), (points) => points.map(([a, b]) => (a * b > 0 ? 0 : 1)), { title: "XOR" })
 * svg.includes("class 1") // true
 * @category operations
 */
export const decisionBoundary = (data: Examples<2, number>, labels: readonly number[], predict: Predict, opts: DecisionBoundaryOptions = {}): string => {
  const fn = "decisionBoundary";
  if (data === null || typeof data !== "object" || !(data.x instanceof Float32Array)) throw new TypeError(`${fn}: argument 'data' must be Examples with 2 features`);
  if (data.features !== 2) throw new TypeError(`${fn}: argument 'data' must have 2 features, got ${data.features}`);
  if (data.m < 1) throw new RangeError(`${fn}: argument 'data' has no examples`);
  arrayLike(fn, "argument 'labels'", labels);
  if (labels.length !== data.m) throw new TypeError(`${fn}: argument 'labels' has ${labels.length} labels but 'data' has ${data.m} examples`);
  if (typeof predict !== "function") throw new TypeError(`${fn}: argument 'predict' must be a function of a batch of points, got ${typeof predict}`);
  checkOptionKeys(fn, opts, decisionBoundaryKeys);
  const n = intIn(fn, "option 'resolution'", opts.resolution ?? 100, 2, MAX_RESOLUTION);
  const output = opts.output ?? "labels";
  if (output !== "labels" && output !== "probabilities") throw new TypeError(`${fn}: option 'output' must be "labels" or "probabilities", got ${String(output)}`);
  const probs = output === "probabilities";
  const width = size(fn, "width", opts.width, 460, 160);
  const height = size(fn, "height", opts.height, 480, 160);
  const title = optString(fn, "option 'title'", opts.title);
  const names = opts.classNames === undefined ? [] : arrayLike(fn, "option 'classNames'", opts.classNames);

  const classes = new Set<number>(probs ? [0, 1] : []);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < data.m; i++) {
    const [a, b] = [data.x[2 * i] as number, data.x[2 * i + 1] as number];
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new TypeError(`${fn}: example ${i} of 'data' is [${a}, ${b}]; every feature must be finite`);
    [x0, x1, y0, y1] = [Math.min(x0, a), Math.max(x1, a), Math.min(y0, b), Math.max(y1, b)];
    const c = classIndex(fn, `labels[${i}]`, labels[i]);
    if (probs && c > 1) throw new RangeError(`${fn}: with output "probabilities" every label must be 0 or 1, labels[${i}] is ${c}`);
    classes.add(c);
  }
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0) || 1;
  const xAxis = axis([x0 - pad, x1 + pad], { title: optString(fn, "option 'xLabel'", opts.xLabel) ?? "x₁", count: 5 });
  const yAxis = axis([y0 - pad, y1 + pad], { title: optString(fn, "option 'yLabel'", opts.yLabel) ?? "x₂", count: 5 });
  const [xlo, xhi] = domain(xAxis);
  const [ylo, yhi] = domain(yAxis);

  const points: Point[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) points.push([xlo + ((c + 0.5) * (xhi - xlo)) / n, yhi - ((r + 0.5) * (yhi - ylo)) / n]);
  const out = predict(points);
  if (out === null || typeof out !== "object" || typeof out.length !== "number") throw new TypeError(`${fn}: predict must return an array of numbers, got ${out === null ? "null" : typeof out}`);
  if (out.length !== points.length) throw new TypeError(`${fn}: predict returned ${out.length} values for ${points.length} points`);
  const cell = new Float64Array(points.length);
  for (let k = 0; k < points.length; k++) {
    const v = out[k] as number;
    const what = `predict's value for point [${points[k]?.map((u) => fmt(u)).join(", ")}]`;
    if (probs) {
      if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new RangeError(`${fn}: ${what} must be a probability in [0, 1], got ${String(v)}`);
    } else classes.add(classIndex(fn, what, v));
    cell[k] = v;
  }

  const band = (p: number): string => {
    const q = (Math.min(9, Math.floor(p * 10)) + 0.5) / 10;
    const deep = (k: number): string => mix(colourOf(k), "#ffffff", 0.45);
    return q < 0.5 ? mix("#ffffff", deep(0), (0.5 - q) * 2) : mix("#ffffff", deep(1), (q - 0.5) * 2);
  };
  const runs: Runs = new Map();
  addRuns(runs, n, n, (c, r) => (probs ? band(cell[r * n + c] as number) : tint(colourOf(cell[r * n + c] as number))), { x: 0, y: 0, w: 1, h: 1 });
  const sorted = [...classes].sort((a, b) => a - b);
  const legend: LegendItem[] = sorted.map((c) => ({ kind: "class", label: typeof names[c] === "string" ? (names[c] as string) : `class ${c}`, colour: colourOf(c) }));
  const body = (sx: (v: number) => number, sy: (v: number) => number, box: { x: number; y: number; width: number; height: number }): string => {
    const [cw, ch] = [box.width / n, box.height / n];
    const grid = el("g", { transform: `translate(${fmt(box.x)} ${fmt(box.y)}) scale(${cw.toPrecision(6)} ${ch.toPrecision(6)})`, "shape-rendering": "crispEdges" }, `\n${runsToPaths(runs)}\n`);
    const line = probs
      ? contour(
          cell,
          n,
          (c) => box.x + (c + 0.5) * cw,
          (r) => box.y + (r + 0.5) * ch,
        )
      : "";
    const dots = sorted.map((k) => {
      let d = "";
      for (let i = 0; i < data.m; i++) if (labels[i] === k) d += `M${fmt(sx(data.x[2 * i] as number))} ${fmt(sy(data.x[2 * i + 1] as number))}h0`;
      return d === "" ? "" : el("path", { d, stroke: INK, "stroke-width": 7.5, "stroke-linecap": "round" }) + el("path", { d, stroke: colourOf(k), "stroke-width": 6, "stroke-linecap": "round" });
    });
    return [grid, line === "" ? "" : el("path", { d: line, fill: "none", stroke: INK, "stroke-width": 1.5, "stroke-linecap": "round" }), ...dots].filter((s) => s !== "").join("\n");
  };
  return svgDocument(width, height, figure({ fn, title, legend, panels: [{ x: xAxis, y: yAxis, grid: false, body }], width, height }), title);
};
