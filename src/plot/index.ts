/**
 * Plots as SVG documents, returned as strings: line charts, training curves from `fit`'s
 * history, the decision boundary of a classifier of two inputs, and grids of grayscale images.
 * Pure functions with no dependencies and no DOM: they run in Node and in browsers alike. Write
 * the string to a `.svg` file, serve it, or set it as an element's `innerHTML`.
 *
 * Colours come from the Okabe–Ito palette, which stays distinguishable with the common forms of
 * colour blindness; all text is escaped for XML; arguments are checked, and a `TypeError` or
 * `RangeError` names the function and the argument that is wrong.
 *
 * @example
 * import { lineChart } from "typegrad/plot"
 *
 * const svg = lineChart([{ name: "cost", y: [0.69, 0.41, 0.3, 0.26] }], { xLabel: "iteration" })
 * svg.endsWith("</svg>\n") // true
 * @module typegrad/plot
 */

export { MAX_RESOLUTION } from "./check.js";
export { type DecisionBoundaryOptions, decisionBoundary, type Point, type Predict } from "./decisionBoundary.js";
export { type DigitGridOptions, digitGrid, MAX_IMAGES, MAX_PIXELS } from "./digitGrid.js";
export { type LineChartOptions, lineChart, MAX_POINTS, type Series } from "./lineChart.js";
export { palette } from "./palette.js";
export { type CurvePoint, type TrainingCurvesOptions, trainingCurves } from "./trainingCurves.js";
