/**
 * Layers, networks, activations, losses, initialisers and dropout.
 *
 * @module
 */
export * from "./activations.js";
export * from "./architecture.js";
export * from "./dense.js";
export * from "./dropout.js";
export * from "./init.js";
export * from "./losses.js";
export * from "./mlp.js";
export * from "./recurrent.js";
export * from "./sequential.js";
