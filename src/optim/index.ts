/**
 * Optimizers (pure update rules), learning-rate schedules and L2 regularisation.
 *
 * @module
 */

export * from "./clip.js";
export * from "./l2.js";
export * from "./optimizers.js";
export * from "./schedules.js";
