/**
 * Figure layout: a title, a legend that wraps into centred rows, and one or more panels side by
 * side, each with gridlines, axes, tick labels and axis titles around a body that the chart
 * draws. Margins are sized from the labels, so nothing overlaps.
 *
 * @module
 */
import { type Axis, scale } from "./axes.js";
import { FAINT, INK, tint } from "./palette.js";
import { el, fmt, text, textWidth } from "./svg.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A legend entry: a line (a series) or a class (a tinted square under a dot). @category model */
export type LegendItem =
  | { readonly kind: "line"; readonly label: string; readonly colour: string; readonly dashed?: boolean; readonly marker?: boolean }
  | { readonly kind: "class"; readonly label: string; readonly colour: string };

/** The plot area of a panel, in pixels. @category model */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A panel: axes around a body drawn with the axes' scales. @category model */
export interface Panel {
  readonly title?: string;
  readonly x: Axis;
  readonly y: Axis;
  /** Draw gridlines under the body (default true). */
  readonly grid?: boolean;
  /** Pixels between the frame and the first and last ticks, so points at the ends stay clear of the axes (default 0). */
  readonly inset?: number;
  readonly body: (sx: (v: number) => number, sy: (v: number) => number, box: Box) => string;
}

/** What {@link figure} lays out. @category model */
export interface Figure {
  /** The public function drawing it, for error messages. */
  readonly fn: string;
  readonly title: string | undefined;
  readonly legend: readonly LegendItem[];
  readonly panels: readonly Panel[];
  readonly width: number;
  readonly height: number;
}

const PAD = 12;
const TITLE = 15;
const LEGEND = 12;
const ROW = 20;
const TICK = 11;
const LABEL = 12;

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const swatch = (item: LegendItem, x: number, y: number): string =>
  item.kind === "line"
    ? el("line", { x1: x, y1: y, x2: x + 22, y2: y, stroke: item.colour, "stroke-width": 2.5, "stroke-dasharray": item.dashed === true ? "6 3" : undefined }) +
      (item.marker === true ? el("circle", { cx: x + 11, cy: y, r: 3, fill: item.colour }) : "")
    : el("rect", { x: x + 4, y: y - 7, width: 14, height: 14, fill: tint(item.colour), stroke: FAINT }) +
      el("circle", { cx: x + 11, cy: y, r: 4, fill: item.colour, stroke: INK, "stroke-width": 0.6 });

const itemWidth = (item: LegendItem): number => 27 + textWidth(item.label, LEGEND);

/** Legend items packed into rows no wider than `room`. */
const legendRows = (items: readonly LegendItem[], room: number): LegendItem[][] => {
  const rows: LegendItem[][] = [];
  let row: LegendItem[] = [];
  let used = 0;
  for (const item of items) {
    const w = itemWidth(item) + (row.length > 0 ? 18 : 0);
    if (row.length > 0 && used + w > room) {
      rows.push(row);
      [row, used] = [[], 0];
    }
    used += row.length > 0 ? itemWidth(item) + 18 : itemWidth(item);
    row.push(item);
  }
  if (row.length > 0) rows.push(row);
  return rows;
};

const drawLegend = (rows: readonly (readonly LegendItem[])[], width: number, top: number): string =>
  rows
    .map((row, r) => {
      const total = row.reduce((s, it, i) => s + itemWidth(it) + (i > 0 ? 18 : 0), 0);
      let x = (width - total) / 2;
      const y = top + r * ROW + ROW / 2;
      return row
        .map((it) => {
          const out = swatch(it, x, y) + text(it.label, { x: x + 27, y: y + 4, "font-size": LEGEND, fill: INK });
          x += itemWidth(it) + 18;
          return out;
        })
        .join("");
    })
    .join("\n");

const tickWidth = (a: Axis): number => Math.max(...a.ticks.labels.map((l) => textWidth(l, TICK)));

const drawPanel = (p: Panel, box: Box): string => {
  const inset = p.inset ?? 0;
  const sx = scale(p.x, box.x + inset, box.x + box.width - inset);
  const sy = scale(p.y, box.y + box.height - inset, box.y + inset);
  const bottom = box.y + box.height;
  const parts: string[] = [];
  if (p.grid !== false) {
    const lines = [...p.y.ticks.values.map((v) => `M${fmt(box.x)} ${fmt(sy(v))}h${fmt(box.width)}`), ...p.x.ticks.values.map((v) => `M${fmt(sx(v))} ${fmt(box.y)}v${fmt(box.height)}`)];
    parts.push(el("path", { d: lines.join(""), stroke: FAINT, "stroke-width": 1, fill: "none" }));
  }
  parts.push(p.body(sx, sy, box));
  const ticks = [...p.y.ticks.values.map((v) => `M${fmt(box.x - 4)} ${fmt(sy(v))}h4`), ...p.x.ticks.values.map((v) => `M${fmt(sx(v))} ${fmt(bottom)}v4`)];
  parts.push(el("path", { d: `M${fmt(box.x)} ${fmt(box.y)}V${fmt(bottom)}H${fmt(box.x + box.width)}${ticks.join("")}`, stroke: INK, "stroke-width": 1, fill: "none" }));
  parts.push(
    el("g", { "font-size": TICK, fill: INK, "text-anchor": "end" }, p.y.ticks.values.map((v, i) => text(p.y.ticks.labels[i] as string, { x: box.x - 7, y: sy(v) + 4 })).join("")),
    el("g", { "font-size": TICK, fill: INK, "text-anchor": "middle" }, p.x.ticks.values.map((v, i) => text(p.x.ticks.labels[i] as string, { x: sx(v), y: bottom + 17 })).join("")),
  );
  if (p.x.title !== "") parts.push(text(p.x.title, { x: box.x + box.width / 2, y: bottom + 36, "font-size": LABEL, fill: INK, "text-anchor": "middle" }));
  if (p.y.title !== "") {
    const x = box.x - 9 - tickWidth(p.y) - 8;
    parts.push(text(p.y.title, { transform: `translate(${fmt(x)} ${fmt(box.y + box.height / 2)}) rotate(-90)`, "font-size": LABEL, fill: INK, "text-anchor": "middle" }));
  }
  if (p.title !== undefined) parts.push(text(p.title, { x: box.x + box.width / 2, y: box.y - 12, "font-size": LABEL, "font-weight": "bold", fill: INK, "text-anchor": "middle" }));
  return el("g", {}, `\n${parts.join("\n")}\n`);
};

/**
 * The figure's body (everything inside the document): title, legend, then the panels side by
 * side, sharing the width equally. Throws a `RangeError` naming `fn` when the size leaves a plot
 * area smaller than 40 × 40 pixels.
 *
 * @example figure({ fn: "demo", title: "t", legend: [], panels: [], width: 100, height: 100 }).includes(">t</text>") // true
 * @category operations
 */
export const figure = (f: Figure): string => {
  const parts: string[] = [];
  let top = PAD;
  if (f.title !== undefined && f.title !== "") {
    parts.push(text(f.title, { x: f.width / 2, y: top + TITLE, "font-size": TITLE, "font-weight": "bold", fill: INK, "text-anchor": "middle" }));
    top += TITLE + 12;
  }
  if (f.legend.length > 0) {
    const rows = legendRows(f.legend, f.width - 2 * PAD);
    parts.push(drawLegend(rows, f.width, top));
    top += rows.length * ROW + 4;
  }
  if (f.panels.some((p) => p.title !== undefined)) top += LABEL + 10;
  top += 8;
  const bottom = f.height - PAD - 32;
  const lefts = f.panels.map((p) => 9 + tickWidth(p.y) + (p.y.title === "" ? 0 : LABEL + 10) + (p === f.panels[0] ? PAD : 24));
  const rights = f.panels.map((p) => Math.max(PAD, textWidth(p.x.ticks.labels[p.x.ticks.labels.length - 1] ?? "", TICK) / 2 + 4));
  const room = f.width - lefts.reduce((s, v) => s + v, 0) - rights.reduce((s, v) => s + v, 0);
  const plotWidth = room / Math.max(1, f.panels.length);
  if (f.panels.length > 0 && (plotWidth < 40 || bottom - top < 40)) {
    throw new RangeError(`${f.fn}: options 'width' ${f.width} and 'height' ${f.height} leave no room for the plot (${fmt(plotWidth)} × ${fmt(bottom - top)} pixels, at least 40 × 40 needed)`);
  }
  let x = 0;
  f.panels.forEach((p, i) => {
    x += lefts[i] as number;
    parts.push(drawPanel(p, { x, y: top, width: plotWidth, height: bottom - top }));
    x += plotWidth + (rights[i] as number);
  });
  return parts.join("\n");
};
