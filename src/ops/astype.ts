/**
 * `astype(x, dtype)`: convert to float32 or float64. Binary ops promote mixed operands to
 * float64 on their own (as numpy does); use this to go down to float32 explicitly.
 *
 * Pullback: `ct` converted back to `x`'s dtype.
 *
 * @module
 */

import { bind } from "../autodiff/core.js";
import type { DType } from "../backend/backend.js";
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { castPrim, dual, elementwiseCase, elementwiseTwin, expectTensor, one, tensorFirst } from "./define.js";
import { zipWith } from "./naive.js";
import { domains, exact, type OpDef } from "./spec.js";

const astypeImpl = (x: Tensor, dtype: DType): Tensor => {
  expectTensor("astype", "x", x);
  if (dtype !== "float32" && dtype !== "float64") throw new TypeError(`astype: argument 'dtype' must be "float32" or "float64", got ${JSON.stringify(dtype)}`);
  return x.dtype === dtype ? x : bind(castPrim, [x], dtype);
};

/**
 * `x` in `dtype`.
 *
 * @example
 * import { astype, tensor } from "typegrad"
 * astype(tensor([1, 2]), "float64").dtype // "float64"
 * @category operations
 */
export const astype: {
  (dtype: DType): <S extends Shape>(x: Tensor<S>) => Tensor<S>;
  <S extends Shape>(x: Tensor<S>, dtype: DType): Tensor<S>;
} = dual(tensorFirst, astypeImpl);

/**
 * Registry entry: the forward is checked as a round trip through float32; its pullback exactly in
 * `test/core.test.ts`.
 */
export const astypeDef: OpDef<void> = {
  name: "astype",
  kind: "primitive",
  doc: "dtype conversion",
  shape: elementwiseTwin,
  forward: { kind: "backend", method: "cast" },
  pullback: castPrim.pullback,
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real]),
    call: (xs) => astypeImpl(astypeImpl(one(xs), "float32"), one(xs).dtype),
    reference: (xs) => zipWith(xs, Math.fround),
    // both conversions round correctly (to nearest, ties to even), as Math.fround does: bit for bit
    error: { ulps: exact },
    noFiniteDifferences: "a round trip through float32 is a staircase at the finite-difference step",
  },
};
