/**
 * Argument checks shared by the plots: each throws a `TypeError` or `RangeError` whose message
 * names the function, the argument and what was expected.
 *
 * @module
 */

/**
 * The most cells a decision-boundary grid may have per side.
 *
 * @example
 * import { MAX_RESOLUTION } from "typegrad/plot"
 * MAX_RESOLUTION // 400
 * @category model
 */
export const MAX_RESOLUTION = 400;

/** The largest width or height of a plot, in pixels. @example MAX_SIZE // 10000 @category model */
export const MAX_SIZE = 10_000;

/** `v` when it is an integer in `[min, max]`. @example intIn("f", "option 'n'", 3, 1, 5) // 3 @category operations */
export const intIn = (fn: string, arg: string, v: unknown, min: number, max: number): number => {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${fn}: ${arg} must be an integer, got ${String(v)}`);
  if (v < min || v > max) throw new RangeError(`${fn}: ${arg} must be in [${min}, ${max}], got ${v}`);
  return v;
};

/** `v` when it is a number in `[min, max]`. @example numberIn("f", "option 'x'", 0.5, 0, 1) // 0.5 @category operations */
export const numberIn = (fn: string, arg: string, v: unknown, min: number, max: number): number => {
  if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(`${fn}: ${arg} must be a number, got ${String(v)}`);
  if (!(v >= min && v <= max)) throw new RangeError(`${fn}: ${arg} must be in [${min}, ${max}], got ${v}`);
  return v;
};

/** A plot size in pixels: `v` (default `fallback`) in `[min, MAX_SIZE]`. @example size("f", "width", undefined, 640, 120) // 640 @category operations */
export const size = (fn: string, arg: string, v: number | undefined, fallback: number, min: number): number => numberIn(fn, `option '${arg}'`, v ?? fallback, min, MAX_SIZE);

/** `v` when it is a string (or `undefined`). @example optString("f", "option 'title'", "loss") // "loss" @category operations */
export const optString = (fn: string, arg: string, v: unknown): string | undefined => {
  if (v !== undefined && typeof v !== "string") throw new TypeError(`${fn}: ${arg} must be a string, got ${typeof v}`);
  return v;
};

/** `v` when it is an array (or array-like with a numeric length). @example arrayLike("f", "argument 'xs'", [1, 2]).length // 2 @category operations */
export const arrayLike = <A>(fn: string, arg: string, v: ArrayLike<A> | undefined): ArrayLike<A> => {
  if (v === null || typeof v !== "object" || typeof v.length !== "number") throw new TypeError(`${fn}: ${arg} must be an array, got ${v === null ? "null" : typeof v}`);
  return v;
};

/** `v` when it is a class index, an integer ≥ 0. @example classIndex("f", "labels[0]", 2) // 2 @category operations */
export const classIndex = (fn: string, arg: string, v: unknown): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new TypeError(`${fn}: ${arg} must be a class index (an integer ≥ 0), got ${String(v)}`);
  return v;
};
