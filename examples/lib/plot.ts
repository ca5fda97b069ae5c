/**
 * Plots as SVG, rendered headless with vega-lite + vega (no canvas needed): a decision boundary
 * for the 2-D toy examples and training curves.
 */
import { writeFileSync } from "node:fs";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Examples } from "../../src/data/examples.js";

/** Render a vega-lite spec to an SVG file. */
export const writeSvg = async (path: string, spec: TopLevelSpec): Promise<void> => {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  writeFileSync(path, await view.toSVG());
  view.finalize();
};

/**
 * The decision boundary of a 2-D classifier: a grid coloured by `predict` (a label per point)
 * under the examples coloured by their label.
 */
export const decisionBoundary = async (
  path: string,
  title: string,
  data: Examples<2, number>,
  labels: readonly number[],
  predict: (xs: readonly (readonly [number, number])[]) => number[],
  n = 50,
): Promise<void> => {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < data.m; i++) {
    const a = data.x[2 * i] as number;
    const b = data.x[2 * i + 1] as number;
    [x0, x1, y0, y1] = [Math.min(x0, a), Math.max(x1, a), Math.min(y0, b), Math.max(y1, b)];
  }
  const pad = 0.1 * Math.max(x1 - x0, y1 - y0);
  [x0, x1, y0, y1] = [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
  const grid: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) grid.push([x0 + ((x1 - x0) * (i + 0.5)) / n, y0 + ((y1 - y0) * (j + 0.5)) / n]);
  const pred = predict(grid);
  const cells = grid.map(([x, y], k) => ({ x, y, x2: x + (x1 - x0) / n, y2: y + (y1 - y0) / n, cls: String(pred[k]) }));
  const pts = labels.map((c, i) => ({ x: data.x[2 * i] as number, y: data.x[2 * i + 1] as number, cls: String(c) }));
  const xs = { field: "x", type: "quantitative" as const, scale: { domain: [x0, x1], nice: false }, title: "x₁" };
  const ys = { field: "y", type: "quantitative" as const, scale: { domain: [y0, y1], nice: false }, title: "x₂" };
  await writeSvg(path, {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 360,
    height: 360,
    layer: [
      {
        data: { values: cells },
        mark: { type: "rect", opacity: 0.35 },
        encoding: { x: xs, y: ys, x2: { field: "x2" }, y2: { field: "y2" }, color: { field: "cls", type: "nominal", title: "class" } },
      },
      {
        data: { values: pts },
        mark: { type: "circle", size: 30, stroke: "black", strokeWidth: 0.5, opacity: 1 },
        encoding: { x: xs, y: ys, color: { field: "cls", type: "nominal" } },
      },
    ],
  });
};

/** Loss and accuracy per epoch, one panel each, training and validation as colours. */
export const curves = async (
  path: string,
  title: string,
  rows: readonly { epoch: number; loss: number; accuracy: number | undefined; valLoss: number | undefined; valAccuracy: number | undefined }[],
): Promise<void> => {
  const values = rows
    .flatMap((r) => [
      { epoch: r.epoch, metric: "loss", set: "train", value: r.loss },
      { epoch: r.epoch, metric: "accuracy", set: "train", value: r.accuracy },
      { epoch: r.epoch, metric: "loss", set: "held out", value: r.valLoss },
      { epoch: r.epoch, metric: "accuracy", set: "held out", value: r.valAccuracy },
    ])
    .filter((v) => v.value !== undefined);
  await writeSvg(path, {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null, sort: ["loss", "accuracy"] } },
    spec: {
      width: 300,
      height: 220,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "epoch", type: "quantitative" },
        y: { field: "value", type: "quantitative", scale: { zero: false } },
        color: { field: "set", type: "nominal" },
      },
    },
    resolve: { scale: { y: "independent" } },
  });
};
