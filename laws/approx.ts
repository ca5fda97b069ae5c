/**
 * Approximate equality, with tolerances that depend on the dtype.
 *
 * Two numbers `a` (computed) and `e` (expected) are close at tolerance `tol` when
 *
 *     |a - e| <= tol · max(1, |a|, |e|)
 *
 * i.e. an absolute tolerance for values of magnitude up to 1 and a relative one above (the
 * "scale of the compared values"). Two NaNs are close, and so are two infinities of one sign;
 * a NaN or an infinity is never close to a finite number.
 *
 * The tolerances, per dtype:
 *
 * | what                               | float64 | float32 | why                                          |
 * |------------------------------------|---------|---------|----------------------------------------------|
 * | forward against a reference        | derived | derived | from the op's error model (`error` in its spec, `errorTolerance`): 8u·(ulps + terms·magnitude), u = 2⁻⁵³ / 2⁻²⁴; `defaultTolerance` (1e-7, 1e-3) only for a law without one |
 * | gradient law (finite differences)  | 1e-6    | 1e-2    | central differences lose about half the digits (`gradientTolerance`) |
 * | finite-difference step ε           | 1e-6    | 1e-3    | ≈ cube root of the machine epsilon, scaled (`finiteDifferenceStep`)   |
 *
 * The gradient law takes the larger of `gradientTolerance` and the op's declared tolerance.
 *
 * Mismatches are data (`Mismatch`): the index, both values and the tolerance; they are turned
 * into text only by the runners (`describeMismatch`).
 *
 * @module
 */
import type { DType } from "../src/backend/backend.js";
import { defaultTolerance, type Tolerance } from "../src/ops/spec.js";
import { toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The first pair of elements that are not close.
 *
 * @category model
 * @since 0.1.0
 */
export interface Mismatch {
  /** Flat (row-major) index of the element. */
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  readonly tolerance: number;
}

// -------------------------------------------------------------------------------------
// tolerances
// -------------------------------------------------------------------------------------

/**
 * Tolerances of forward checks against a reference (float64 tight, float32 loose).
 *
 * @example
 * import { forwardTolerance } from "typegrad/laws"
 * forwardTolerance.float32 // 1e-3
 * @category tolerances
 * @since 0.1.0
 */
export const forwardTolerance: Tolerance = defaultTolerance;

/**
 * Tolerances of the gradient laws, which compare autodiff with central differences.
 *
 * @example
 * import { gradientTolerance } from "typegrad/laws"
 * gradientTolerance // { float32: 1e-2, float64: 1e-6 }
 * @category tolerances
 * @since 0.1.0
 */
export const gradientTolerance: Tolerance = { float32: 1e-2, float64: 1e-6 };

/**
 * The step ε of central differences `(f(x + εv) - f(x - εv)) / 2ε`, per dtype.
 *
 * @example
 * import { finiteDifferenceStep } from "typegrad/laws"
 * finiteDifferenceStep.float64 // 1e-6
 * @category tolerances
 * @since 0.1.0
 */
export const finiteDifferenceStep: Tolerance = { float32: 1e-3, float64: 1e-6 };

/**
 * The tolerance of `dtype` in `t` (default: the forward tolerances).
 *
 * @example
 * import { gradientTolerance, toleranceFor } from "typegrad/laws"
 * toleranceFor("float64") // 1e-7
 * toleranceFor("float32", gradientTolerance) // 1e-2
 * @category tolerances
 * @since 0.1.0
 */
export const toleranceFor = (dtype: DType, t: Tolerance = forwardTolerance): number => t[dtype];

// -------------------------------------------------------------------------------------
// predicates
// -------------------------------------------------------------------------------------

/**
 * True when `actual` is within `tol` of `expected`, relative to `max(1, |actual|, |expected|)`.
 *
 * @example
 * import { close } from "typegrad/laws"
 * close(1.00000001, 1, 1e-7) // true
 * close(100.1, 100, 1e-4) // false
 * @category predicates
 * @since 0.1.0
 */
export const close = (actual: number, expected: number, tol: number): boolean => {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return Number.isNaN(actual) && Number.isNaN(expected);
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(actual), Math.abs(expected));
};

/**
 * The first element of `actual` not close to `expected` (or a length mismatch at the shorter
 * length), or `undefined` when all are close.
 *
 * @example
 * import { firstMismatch } from "typegrad/laws"
 * firstMismatch([1, 2.5], [1, 2], 1e-7) // { index: 1, actual: 2.5, expected: 2, tolerance: 1e-7 }
 * firstMismatch([1, 2], [1, 2], 1e-7) // undefined
 * @category predicates
 * @since 0.1.0
 */
export const firstMismatch = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): Mismatch | undefined => {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!close(a, e, tol)) return { index: i, actual: a, expected: e, tolerance: tol };
  }
  if (actual.length !== expected.length) return { index: n, actual: actual[n] ?? Number.NaN, expected: expected[n] ?? Number.NaN, tolerance: tol };
  return undefined;
};

/**
 * True when every element of `actual` is close to the same element of `expected`.
 *
 * @example
 * import { allClose } from "typegrad/laws"
 * allClose([1, 2], [1, 2 + 1e-9], 1e-7) // true
 * @category predicates
 * @since 0.1.0
 */
export const allClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): boolean => firstMismatch(actual, expected, tol) === undefined;

/**
 * True when two shapes are equal.
 *
 * @example
 * import { sameShape } from "typegrad/laws"
 * sameShape([2, 3], [2, 3]) // true
 * sameShape([2, 3], [3, 2]) // false
 * @category predicates
 * @since 0.1.0
 */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

// -------------------------------------------------------------------------------------
// display
// -------------------------------------------------------------------------------------

/**
 * A mismatch as text (for the runners' failure messages).
 *
 * @example
 * import { describeMismatch } from "typegrad/laws"
 * describeMismatch({ index: 1, actual: 2.5, expected: 2, tolerance: 1e-7 }) // "element 1: got 2.5, expected 2 (tolerance 1e-7)"
 * @category display
 * @since 0.1.0
 */
export const describeMismatch = (m: Mismatch): string => `element ${m.index}: got ${m.actual}, expected ${m.expected} (tolerance ${m.tolerance})`;

/**
 * True when two tensors have the same shape and all their elements are close.
 *
 * @example
 * import { matmul, tensor } from "typegrad"
 * import { tensorClose } from "typegrad/laws"
 * const A = tensor([[1, 2], [3, 4]], { dtype: "float64" })
 * const I = tensor([[1, 0], [0, 1]], { dtype: "float64" })
 * tensorClose(matmul(A, I), A, 1e-12) // true
 * @category predicates
 * @since 0.1.0
 */
export const tensorClose = (actual: Tensor, expected: Tensor, tol: number): boolean =>
  sameShape(actual.shape as readonly number[], expected.shape as readonly number[]) && allClose(toFlat(actual), toFlat(expected), tol);
