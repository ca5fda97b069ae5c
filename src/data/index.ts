/**
 * Datasets: labelled examples and their tensor views, the course's toy sets (MNIST and Iris: typegrad/datasets).
 *
 * @module
 */
export * from "./augment.js";
export * from "./examples.js";
export * from "./fromTensors.js";
export * from "./toys.js";
