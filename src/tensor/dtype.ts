/**
 * The one place a dtype is chosen: the default (float32, as tfjs and PyTorch), an option checked
 * against the two dtypes, and the promotion of mixed operands (float64 wins, as numpy promotes).
 * Every creator, decoder and training loop asks here.
 *
 * @module
 */
import type { DType } from "../backend/backend.js";
import { describeValue } from "./describe.js";

/** The dtype of a value created without a `dtype` option. @internal */
export const DEFAULT_DTYPE: DType = "float32";

/** True for the two dtypes typegrad computes in. @internal */
export const isDType = (u: unknown): u is DType => u === "float32" || u === "float64";

/**
 * The dtype asked for by option `dtype` of `fn` (`fallback` when it is absent); anything but the
 * two dtypes is an error naming `fn`.
 *
 * @internal
 */
export const dtypeOption = (fn: string, dtype: unknown, fallback: DType = DEFAULT_DTYPE): DType => {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype)) throw new TypeError(`${fn}: option 'dtype' must be "float32" or "float64", got ${describeValue(dtype)}`);
  return dtype;
};

/** The dtype two operands are computed in: float64 when either is. @internal */
export const widerDtype = (a: DType, b: DType): DType => (a === "float64" || b === "float64" ? "float64" : "float32");
