/**
 * Line charts: one or more named series against a shared x axis, with nice ticks, a legend,
 * optional log-scale y, and gaps where a value is missing.
 *
 * @module
 */
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { axis } from "./axes.js";
import { arrayLike, optString, size } from "./check.js";
import { figure, type LegendItem, type Panel } from "./figure.js";
import { colourOf } from "./palette.js";
import { el, fmt, svgDocument } from "./svg.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The most points one line chart may hold, all series together (and the most records
 * `trainingCurves` takes). A point is about 13 bytes of SVG: a chart at the limit is 1.3 MB
 * (1e6 points made a 13.4 MB document), and a 640-pixel-wide chart shows no more than a few
 * thousand. Longer series are refused before any value is read; thin them first (every k-th
 * point, or the mean of every k).
 *
 * @example
 * import { MAX_POINTS } from "typegrad/plot"
 * MAX_POINTS // 100000
 * @category model
 */
export const MAX_POINTS = 100_000;

/**
 * A named series: `y[i]` at `x[i]` (`x` defaults to `0, 1, 2, …`). A `y` that is `undefined`,
 * `null` or not finite (NaN, ±Infinity) is missing: the line has a gap there.
 *
 * @category model
 */
export interface Series {
  readonly name: string;
  readonly y: ArrayLike<number | undefined | null>;
  readonly x?: ArrayLike<number>;
  /** Draw the line dashed (default false). */
  readonly dashed?: boolean;
}

/** Options of {@link lineChart}. @category model */
export interface LineChartOptions {
  readonly title?: string;
  /** The x axis title (default none). */
  readonly xLabel?: string;
  /** The y axis title (default none). */
  readonly yLabel?: string;
  /** A log-scale y axis; every present value must then be > 0 (default false). */
  readonly logY?: boolean;
  /** A dot at every point (default: when no series has more than 40 points). Isolated points always get one. */
  readonly markers?: boolean;
  /** Width in pixels (default 640). */
  readonly width?: number;
  /** Height in pixels (default 400). */
  readonly height?: number;
}

const lineChartKeys: OptionKeys<LineChartOptions> = { title: true, xLabel: true, yLabel: true, logY: true, markers: true, width: true, height: true };
const seriesKeys: OptionKeys<Series> = { name: true, y: true, x: true, dashed: true };

/** The largest magnitude a chart scales: the span of two values (up to 2e300) and the ticks rounded out past them stay finite; on a log axis, `1e-300` to `1e300` (subnormals have no ticks). */
const MAX_MAGNITUDE = 1e300;

/** A validated series with its colour. @category model */
export interface Line {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly (number | undefined)[];
  readonly colour: string;
  readonly dashed: boolean;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Checks `s` for `fn`: its name is a string, `x` and `y` have the same length, every `x` is a
 * finite number, every `y` a number or missing, every value within ±1e300, and, with `logY`,
 * every present `y` is in `[1e-300, 1e300]`.
 *
 * @example lineOf("demo", { name: "loss", y: [1, Number.NaN, 3] }, "#000000", false).y.map(String) // ["1", "undefined", "3"]
 * @category constructors
 */
export const lineOf = (fn: string, s: Series, colour: string, logY: boolean): Line => {
  if (s === null || typeof s !== "object") throw new TypeError(`${fn}: every series must be an object { name, y, x? }, got ${s === null ? "null" : typeof s}`);
  if (typeof s.name !== "string") throw new TypeError(`${fn}: a series' name must be a string, got ${typeof s.name}`);
  checkOptionKeys(fn, s, seriesKeys, `series '${s.name}'`);
  const ys = arrayLike(fn, `series '${s.name}' y`, s.y);
  const xs = s.x === undefined ? undefined : arrayLike(fn, `series '${s.name}' x`, s.x);
  if (xs !== undefined && xs.length !== ys.length) throw new TypeError(`${fn}: series '${s.name}' has ${xs.length} x values but ${ys.length} y values`);
  const x: number[] = [];
  const y: (number | undefined)[] = [];
  for (let i = 0; i < ys.length; i++) {
    const xi = xs === undefined ? i : xs[i];
    if (typeof xi !== "number" || !Number.isFinite(xi)) throw new TypeError(`${fn}: series '${s.name}' x[${i}] must be a finite number, got ${String(xi)}`);
    if (Math.abs(xi) > MAX_MAGNITUDE) throw new RangeError(`${fn}: series '${s.name}' x[${i}] = ${xi} is beyond ±1e300, which a chart cannot scale`);
    const yi = ys[i];
    if (yi !== undefined && yi !== null && typeof yi !== "number") throw new TypeError(`${fn}: series '${s.name}' y[${i}] must be a number or undefined, got ${typeof yi}`);
    const present = typeof yi === "number" && Number.isFinite(yi) ? yi : undefined;
    if (logY && present !== undefined && present <= 0) throw new RangeError(`${fn}: option 'logY' needs values > 0, series '${s.name}' has y[${i}] = ${present}`);
    if (logY && present !== undefined && (present < 1 / MAX_MAGNITUDE || present > MAX_MAGNITUDE))
      throw new RangeError(`${fn}: option 'logY' needs values in [1e-300, 1e300], series '${s.name}' has y[${i}] = ${present}`);
    if (present !== undefined && Math.abs(present) > MAX_MAGNITUDE) throw new RangeError(`${fn}: series '${s.name}' y[${i}] = ${present} is beyond ±1e300, which a chart cannot scale`);
    x.push(xi);
    y.push(present);
  }
  return { name: s.name, x, y, colour, dashed: s.dashed === true };
};

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** The path of a line, broken where a value is missing, and the points that need a dot. */
const trace = (l: Line, sx: (v: number) => number, sy: (v: number) => number, markers: boolean): string => {
  let d = "";
  const dots: string[] = [];
  for (let i = 0; i < l.y.length; i++) {
    const v = l.y[i];
    if (v === undefined) continue;
    const [px, py] = [fmt(sx(l.x[i] as number)), fmt(sy(v))];
    const joined = i > 0 && l.y[i - 1] !== undefined;
    d += `${joined ? "L" : "M"}${px} ${py}`;
    if (markers || (!joined && l.y[i + 1] === undefined)) dots.push(`M${px} ${py}h0`);
  }
  return (
    (d === "" ? "" : el("path", { d, fill: "none", stroke: l.colour, "stroke-width": 2, "stroke-linejoin": "round", "stroke-dasharray": l.dashed ? "6 3" : undefined })) +
    (dots.length === 0 ? "" : el("path", { d: dots.join(""), stroke: l.colour, "stroke-width": 6, "stroke-linecap": "round" }))
  );
};

/**
 * A panel of lines for `fn` (shared by {@link lineChart} and `trainingCurves`). The x axis has
 * integer ticks when every x is an integer.
 *
 * @example linePanel("demo", [lineOf("demo", { name: "a", y: [1, 2] }, "#000000", false)], {}).x.ticks.values // [0, 1]
 * @category constructors
 */
export const linePanel = (
  fn: string,
  lines: readonly Line[],
  o: { readonly title?: string; readonly xLabel?: string; readonly yLabel?: string; readonly logY?: boolean; readonly markers?: boolean; readonly width?: number; readonly height?: number },
): Panel & { readonly markers: boolean } => {
  const xs = lines.flatMap((l) => l.x);
  const ys = lines.flatMap((l) => l.y.filter((v): v is number => v !== undefined));
  const width = o.width ?? 640;
  const height = o.height ?? 400;
  const x = axis(xs, { title: optString(fn, "option 'xLabel'", o.xLabel) ?? "", count: Math.max(2, Math.round(width / 90)), integer: xs.every(Number.isInteger) });
  const y = axis(ys, { title: optString(fn, "option 'yLabel'", o.yLabel) ?? "", count: Math.max(2, Math.round(height / 70)), log: o.logY === true });
  const markers = o.markers ?? lines.every((l) => l.y.length <= 40);
  return {
    ...(o.title === undefined ? {} : { title: o.title }),
    x,
    y,
    inset: 6,
    markers,
    body: (sx, sy) => lines.map((l) => trace(l, sx, sy, markers)).join("\n"),
  };
};

/**
 * A line chart of one or more named series, as a standalone SVG document. Series take the
 * palette's colours in order; a missing value (`undefined`, `null`, NaN, ±Infinity) leaves a gap.
 * At most {@link MAX_POINTS} points, all series together. Throws a `TypeError` or `RangeError` naming the series and the argument that is wrong.
 *
 * @example
 * import { lineChart } from "typegrad/plot"
 *
 * const svg = lineChart(
 *   [
 *     { name: "loss", x: [1, 2, 3, 4], y: [0.9, 0.5, 0.35, 0.3] },
 *     { name: "validation loss", x: [1, 2, 3, 4], y: [1.0, 0.6, undefined, 0.4], dashed: true },
 *   ],
 *   { title: "Training", xLabel: "epoch", yLabel: "loss" },
 * )
 * svg.startsWith("<svg") // true
 * @category operations
 */
export const lineChart = (series: readonly Series[], opts: LineChartOptions = {}): string => {
  const fn = "lineChart";
  if (!Array.isArray(series)) throw new TypeError(`${fn}: argument 'series' must be an array of { name, y, x? }, got ${typeof series}`);
  if (series.length === 0) throw new RangeError(`${fn}: argument 'series' is empty; pass at least one series`);
  checkOptionKeys(fn, opts, lineChartKeys);
  // counted by length before any value is read (a malformed series is left to lineOf's message)
  const points = series.reduce((n, s) => n + (typeof (s as Partial<Series> | null)?.y?.length === "number" ? s.y.length : 0), 0);
  if (points > MAX_POINTS)
    throw new RangeError(`${fn}: argument 'series' has ${points} points, more than the ${MAX_POINTS} a chart may hold; pass fewer, e.g. every k-th point or the mean of every k`);
  const width = size(fn, "width", opts.width, 640, 120);
  const height = size(fn, "height", opts.height, 400, 120);
  const title = optString(fn, "option 'title'", opts.title);
  const lines = series.map((s, i) => lineOf(fn, s, colourOf(i), opts.logY === true));
  const panel = linePanel(fn, lines, {
    ...(opts.xLabel === undefined ? {} : { xLabel: opts.xLabel }),
    ...(opts.yLabel === undefined ? {} : { yLabel: opts.yLabel }),
    ...(opts.markers === undefined ? {} : { markers: opts.markers }),
    logY: opts.logY === true,
    width,
    height,
  });
  const legend: LegendItem[] = lines.map((l) => ({ kind: "line", label: l.name, colour: l.colour, dashed: l.dashed, marker: panel.markers }));
  return svgDocument(width, height, figure({ fn, title, legend, panels: [panel], width, height }), title);
};
