/**
 * Training: the loop and its regimes, metrics.
 *
 * @module
 */
export * from "./fit.js";
export * from "./metrics.js";
export * from "./state.js";
