/**
 * Reading untrusted values as plain data, and the limits every decoder enforces.
 *
 * A decoder given an in-memory value reads it the way `JSON.parse` output can be read: own data
 * properties only (through `Object.getOwnPropertyDescriptor`, so a getter is reported, never
 * run), of plain objects (prototype `Object.prototype` or `null`) and plain arrays (prototype
 * `Array.prototype`, no holes). Inherited properties, class instances, accessors and holes are
 * errors with a path. A Proxy cannot be detected in browser-safe code; its traps are only asked
 * what a plain object would be asked (prototype, own descriptors, own keys), and anything a trap
 * throws, a revoked Proxy included, becomes a `Left` (`guarded`).
 *
 * Sizes are checked before work is done: a claimed length or shape above a limit is an error,
 * never an allocation or a loop.
 *
 * @module
 */
import { type DecodeError, type DecodeErrors, describeValue, leaf } from "./errors.js";

// -------------------------------------------------------------------------------------
// limits
// -------------------------------------------------------------------------------------

/**
 * Default of `maxElements`: 2^28 elements (1 GiB of float32), what a 1 GiB `.npy` file holds.
 *
 * @example
 * import { DEFAULT_MAX_ELEMENTS, decodeTensor, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * DEFAULT_MAX_ELEMENTS // 268435456
 * const r = decodeTensor([2, 3], [[1, 2, 3], [4, 5, 6]], { maxElements: 4 })
 * E.isLeft(r) && draw(r.left) // "[2, 3] has 6 elements, above the limit maxElements = 4"
 * @category model
 * @since 0.1.0
 */
export const DEFAULT_MAX_ELEMENTS = 2 ** 28;

/**
 * Default of `maxLength`: 2^28 characters of text (CSV, JSON).
 *
 * @example
 * import { DEFAULT_MAX_LENGTH, draw, jsonDataset } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * DEFAULT_MAX_LENGTH // 268435456
 * const r = jsonDataset('{"X": [[1, 2]]}', { X: [1, 2] }, { maxLength: 10 })
 * E.isLeft(r) && draw(r.left) // "the text has 15 characters, above the limit maxLength = 10"
 * @category model
 * @since 0.1.0
 */
export const DEFAULT_MAX_LENGTH = 2 ** 28;

/** Limits of a tensor decoder. @category model @since 0.1.0 */
export interface TensorLimits {
  /** The highest rank accepted, also the deepest array nesting followed (default and most: 32). */
  readonly maxRank?: number;
  /** The most elements of one tensor (default 2^28); a larger claimed shape or length is an error. */
  readonly maxElements?: number;
}

/** Validate a limit option (a non-negative integer up to `most`) or throw a message naming the function. @internal */
export const checkLimit = (fn: string, name: string, v: unknown, most = Number.MAX_SAFE_INTEGER): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > most)
    throw new TypeError(`${fn}: option '${name}' must be a non-negative integer${most < Number.MAX_SAFE_INTEGER ? ` up to ${most}` : ""}, got ${describeValue(v)}`);
  return v;
};

/** `text` when it is at most `maxLength` characters, else why not. @internal */
export const tooLong = (text: string, maxLength: number): DecodeErrors | undefined =>
  text.length > maxLength ? [leaf(undefined, `the text has ${text.length} characters, above the limit maxLength = ${maxLength}`)] : undefined;

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

/** What reading one own property found: a value, nothing, or an error leaf. @category model @since 0.1.0 */
export type Own = { readonly tag: "value"; readonly value: unknown } | { readonly tag: "absent" } | { readonly tag: "bad"; readonly error: DecodeError };

const ABSENT: Own = { tag: "absent" };

/** The message for an accessor property. @internal */
export const ACCESSOR = "a getter (accessor property), expected a data property";

/** The message for a hole of a sparse array. @internal */
export const HOLE = "a hole (sparse array), expected a value";

/**
 * Own data property `k` of `o`, without running a getter: its value, `absent`, or an error
 * when it is an accessor. May throw only when `o` is a Proxy whose trap throws.
 *
 * @internal
 */
export const readOwn = (o: object, k: string | number): Own => {
  const d = Object.getOwnPropertyDescriptor(o, k);
  if (d === undefined) return ABSENT;
  return Object.hasOwn(d, "value") ? { tag: "value", value: d.value } : { tag: "bad", error: leaf(undefined, ACCESSOR) };
};

/** What kind of plain data a value is. @category model @since 0.1.0 */
export type Plain = "array" | "record" | "other";

/**
 * `"array"` for an array whose prototype is `Array.prototype`, `"record"` for an object whose
 * prototype is `Object.prototype` or `null`, `"other"` for anything that is not an object;
 * otherwise (another prototype: class instances, `Object.create(x)`, typed arrays, a Map...) an
 * error leaf. Asks a Proxy only for its prototype.
 *
 * @internal
 */
export const plainKind = (u: unknown): Plain | DecodeError => {
  if (u === null || typeof u !== "object") return "other";
  const proto: unknown = Object.getPrototypeOf(u);
  if (proto === Array.prototype && Array.isArray(u)) return "array";
  if ((proto === Object.prototype || proto === null) && !Array.isArray(u)) return "record";
  return leaf(u, `expected a plain object or array (prototype Object.prototype, null or Array.prototype), got ${ArrayBuffer.isView(u) ? describeValue(u) : "an object with another prototype"}`);
};

/**
 * The length of a plain array, read from its own `length` descriptor, or an error when it is
 * above `max` (a Proxy may claim any length).
 *
 * @internal
 */
export const lengthOf = (a: readonly unknown[], max: number): number | DecodeError => {
  const d = Object.getOwnPropertyDescriptor(a, "length");
  const n: unknown = d === undefined ? undefined : d.value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return leaf(a, "an array without a valid length");
  if (n > max) return leaf(undefined, `an array of ${n} values, above the limit maxElements = ${max}`);
  return n;
};

/**
 * Element `i` of a plain array without running a getter: its value, or an error for a hole or
 * an accessor.
 *
 * @internal
 */
export const elementOf = (a: readonly unknown[], i: number): { readonly value: unknown } | DecodeError => {
  const d = Object.getOwnPropertyDescriptor(a, i);
  if (d === undefined) return leaf(undefined, HOLE);
  return Object.hasOwn(d, "value") ? { value: d.value } : leaf(undefined, ACCESSOR);
};

/**
 * Run a decoder over an untrusted value; anything it throws (a Proxy's trap, a revoked Proxy)
 * becomes an error leaf: `cannot be read as plain data: <reason>`.
 *
 * @internal
 */
export const guarded = <A>(u: unknown, f: () => A, onError: (errors: DecodeErrors) => A): A => {
  try {
    return f();
  } catch (e) {
    return onError([leaf(u, `cannot be read as plain data: ${e instanceof Error ? e.message : String(e)}`)]);
  }
};

export { RESERVED_NAMES } from "../autodiff/tree.js";

/** Set own data property `k` of `o` (as `Object.defineProperty` does: never a prototype change). @internal */
export const setOwn = (o: Record<string, unknown>, k: string, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};
