/**
 * Training curves from `fit`'s history: a loss panel and, for classifiers, an accuracy panel,
 * training and held-out sets as two colours.
 *
 * @module
 */
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import type { EpochRecord } from "../train/fit.js";
import { arrayLike, optString, size } from "./check.js";
import { figure, type LegendItem } from "./figure.js";
import { type Line, lineOf, linePanel, MAX_POINTS } from "./lineChart.js";
import { colourOf } from "./palette.js";
import { svgDocument } from "./svg.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The fields of `fit`'s {@link EpochRecord} a plot reads. @category model */
export type CurvePoint = Pick<EpochRecord, "epoch" | "loss" | "accuracy" | "valLoss" | "valAccuracy">;

/** Options of {@link trainingCurves}. @category model */
export interface TrainingCurvesOptions {
  readonly title?: string;
  /** A log-scale loss axis (default false). */
  readonly logLoss?: boolean;
  /** Width in pixels (default 760 with an accuracy panel, 480 without). */
  readonly width?: number;
  /** Height in pixels (default 360). */
  readonly height?: number;
}

const trainingCurvesKeys: OptionKeys<TrainingCurvesOptions> = { title: true, logLoss: true, width: true, height: true };

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * Loss and accuracy per epoch from `fit`'s `history`, as one SVG document: a loss panel (training
 * and held-out) and an accuracy panel, left out when no record has an accuracy. A held-out
 * series appears only when some record has it.
 *
 * @example
 * import { trainingCurves } from "typegrad/plot"
 *
 * const svg = trainingCurves([
 *   { epoch: 1, loss: 0.62, accuracy: 0.81, valLoss: 0.41, valAccuracy: 0.88 },
 *   { epoch: 2, loss: 0.35, accuracy: 0.9, valLoss: 0.33, valAccuracy: 0.9 },
 *   { epoch: 3, loss: 0.28, accuracy: 0.92, valLoss: 0.3, valAccuracy: 0.91 },
 * ])
 * svg.includes("accuracy") // true
 * @category operations
 */
export const trainingCurves = (history: readonly CurvePoint[], opts: TrainingCurvesOptions = {}): string => {
  const fn = "trainingCurves";
  arrayLike(fn, "argument 'history'", history);
  if (history.length === 0) throw new RangeError(`${fn}: argument 'history' is empty; pass fit's history after at least one epoch`);
  if (history.length > MAX_POINTS) throw new RangeError(`${fn}: argument 'history' has ${history.length} records, more than the ${MAX_POINTS} a chart may hold; pass fewer, e.g. every k-th record`);
  history.forEach((r, i) => {
    if (r === null || typeof r !== "object") throw new TypeError(`${fn}: history[${i}] must be a record { epoch, loss, accuracy, valLoss, valAccuracy }, got ${r === null ? "null" : typeof r}`);
  });
  checkOptionKeys(fn, opts, trainingCurvesKeys);
  const title = optString(fn, "option 'title'", opts.title);
  const epochs = history.map((r) => r.epoch);
  const has = (k: keyof CurvePoint): boolean => history.some((r) => typeof r[k] === "number");
  const series = (k: keyof CurvePoint, name: string, colour: string, log: boolean): Line[] => (has(k) ? [lineOf(fn, { name, x: epochs, y: history.map((r) => r[k]) }, colour, log)] : []);
  const logLoss = opts.logLoss === true;
  const [train, held] = [colourOf(0), colourOf(1)];
  const lossLines = [...series("loss", "training", train, logLoss), ...series("valLoss", "held out", held, logLoss)];
  const accLines = [...series("accuracy", "training", train, false), ...series("valAccuracy", "held out", held, false)];
  const width = size(fn, "width", opts.width, accLines.length > 0 ? 760 : 480, 160);
  const height = size(fn, "height", opts.height, 360, 160);
  const panelSize = { width: width / (accLines.length > 0 ? 2 : 1), height };
  const panels = [
    linePanel(fn, lossLines, { title: "loss", xLabel: "epoch", logY: logLoss, ...panelSize }),
    ...(accLines.length > 0 ? [linePanel(fn, accLines, { title: "accuracy", xLabel: "epoch", ...panelSize })] : []),
  ];
  const legend: LegendItem[] = [
    { kind: "line", label: "training", colour: train, marker: panels[0]?.markers === true },
    ...(has("valLoss") || has("valAccuracy") ? [{ kind: "line" as const, label: "held out", colour: held, marker: panels[0]?.markers === true }] : []),
  ];
  return svgDocument(width, height, figure({ fn, title, legend, panels, width, height }), title);
};
