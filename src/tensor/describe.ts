/**
 * Describing a value for error messages, safely: it never throws and never runs a getter, so
 * the decoders and the parameter-tree helpers can name whatever they were handed.
 *
 * @module
 */

/**
 * A short description of a value for messages: `"abc"`, `NaN`, `an array of 3`, `an object`.
 * Never throws and never runs a getter (a revoked Proxy is `an unreadable object`).
 *
 * @category destructors
 * @since 0.1.0
 */
export const describeValue = (u: unknown): string => {
  try {
    return describe(u);
  } catch {
    return "an unreadable object";
  }
};

const views = [Float32Array, Float64Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array, DataView];

/** The class of an array buffer view, found by its prototype (no property of it is read). */
const viewName = (u: ArrayBufferView): string => {
  const proto: unknown = Object.getPrototypeOf(u);
  return views.find((C) => C.prototype === proto)?.name ?? "typed array";
};

const describe = (u: unknown): string => {
  if (u === null) return "null";
  // the length from its descriptor: a Proxy's get trap is never asked
  if (Array.isArray(u)) return `an array of ${String(Object.getOwnPropertyDescriptor(u, "length")?.value)}`;
  switch (typeof u) {
    case "number":
      return `${u}`;
    case "string":
      return u.length > 40 ? `${JSON.stringify(u.slice(0, 40))}...` : JSON.stringify(u);
    case "boolean":
    case "bigint":
      return `${typeof u} ${String(u)}`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    default:
      return ArrayBuffer.isView(u) ? `a ${viewName(u)}` : "an object";
  }
};
