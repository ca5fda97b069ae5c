/**
 * `typegrad/laws`: the math, verified. Laws are boolean predicates (gradient, shape, algebra, the
 * course's identities), kept apart from the fast-check runners that draw their inputs
 * (`checkOp`, `checkFunction`, `checkLayer`, the suites). Arbitraries draw a shape first, then
 * data from an explicit numeric domain; tolerances depend on the dtype (see `approx`).
 *
 * @example
 * import { add, matmul, ones, sum, tanh } from "typegrad"
 * import { arbTensors, checkFunction, checkOp, registry } from "typegrad/laws"
 * checkOp(registry.matmul)
 * const X = ones([2, 4], { dtype: "float64" })
 * checkFunction(({ W, b }) => sum(tanh(add(matmul(W, X), b))), arbTensors({ W: [3, 2], b: [3, 1] }, { dtype: "float64" }))
 *
 * @module typegrad/laws
 */

// the op definitions the law kit checks (checkOp(registry.matmul)), and the shape of a law spec
export { type AnyOpDef, type OpName, type Registry, registeredOps, registry } from "../src/ops/registry.js";
export type { BinaryKernelSource, Case, Dense, ErrorModel, Forward, Gen, Kinks, OpDef, Pullback, PullbackRule, Spec, Tolerance, UnaryKernelSource } from "../src/ops/spec.js";
export * from "./algebra.js";
export * from "./approx.js";
export * from "./arbitraries.js";
export * from "./checkFunction.js";
export * from "./checkLayer.js";
export * from "./checkOp.js";
export * from "./domains.js";
export * from "./gen.js";
export * from "./gradient.js";
export * from "./identities.js";
export * from "./optim.js";
export * from "./outcome.js";
export * from "./shape.js";
export * from "./show.js";
export * from "./suites.js";
