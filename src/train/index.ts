/**
 * Training: the loop and its regimes, metrics, progress, predictions.
 *
 * @module
 */
export * from "./fit.js";
export * from "./metrics.js";
export * from "./predict.js";
export type { ProgressOptions, ProgressStream } from "./progress.js";
export * from "./state.js";
