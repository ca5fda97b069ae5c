/**
 * `stopGradient(x)`: `x` itself, treated as a constant by differentiation (its cotangent is zero).
 * Used where a value only shifts a computation whose result does not depend on it (the max in a
 * stable softmax) and for targets.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { elementwiseCase, elementwiseTwin, expectTensor, one } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, exact, type OpDef } from "./spec.js";

/** The primitive: the identity forward, a zero pullback. */
export const stopGradientPrim: Primitive<void> = {
  name: "stopGradient",
  shape: ([s]) => [...(s as readonly number[])],
  forward: (xs) => one(xs),
  // no cotangent for its input (a missing entry is an undefined one)
  pullback: () => [],
};

/**
 * `x`, with no gradient flowing through it.
 *
 * @example
 * import { grad, mul, stopGradient, type Tensor, tensor, toArray } from "typegrad"
 * toArray(grad((x: Tensor<[]>) => mul(x, stopGradient(x)))(tensor(3))) // 3 (not 6)
 * @category operations
 */
export const stopGradient = <S extends Shape>(x: Tensor<S>): Tensor<S> => bind(stopGradientPrim, [expectTensor("stopGradient", "x", x)], undefined) as Tensor<S>;

/** Registry entry: out of the gradient laws by design (its derivative is declared zero, not computed). */
export const stopGradientDef: OpDef<void> = {
  name: "stopGradient",
  kind: "primitive",
  doc: "identity, zero derivative",
  shape: elementwiseTwin,
  forward: { kind: "alias" },
  pullback: stopGradientPrim.pullback,
  spec: {
    // the identity
    error: { ulps: exact },
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: (xs) => stopGradient(one(xs)),
    reference: (xs) => zipWith(xs, (x) => x),
    nondiff: true,
  },
};
