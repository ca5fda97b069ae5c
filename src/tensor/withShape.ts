/**
 * `withShape(x, spec)`: check a tensor of unknown or wider shape against a spec at run time and
 * give it the spec's type. This is how named dims enter: `withShape(X, [784, "m"], b)` is a
 * `Tensor<[784, "m"]>` once its sizes agree with the binding `b`.
 *
 * @module
 */
import { assertBound, type Binding, matchShape, type SpecDim, type SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import { isTensor, type Tensor } from "./tensor.js";

/**
 * `x`, typed as `spec` after a run-time check (a `ShapeError` listing every mismatch).
 *
 * @example
 * import { fromArray, withShape } from "typegrad"
 * const n = 5
 * const data = new Float64Array(784 * n)
 * const X = withShape(fromArray([784, n], data), [784, "m"]) // Tensor<[784, 5]> (typed Tensor<[784, "m"]>)
 * @category constructors
 */
export const withShape = <const S extends SpecDim[]>(x: Tensor<Shape>, spec: readonly [...S], binding?: Binding): Tensor<SpecShape<S>> => {
  if (!isTensor(x)) throw new TypeError("withShape: argument 'x' must be a Tensor");
  assertBound("withShape", matchShape("x", spec, x.shape as readonly number[], binding).errors);
  return x as unknown as Tensor<SpecShape<S>>;
};
