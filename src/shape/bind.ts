/**
 * Binding named dims at run time. When data enters (a decoder, a file, a user's array), its
 * sizes are matched against a spec such as `{ X: [784, "m"], Y: [10, "m"] }`: literal dims must
 * be equal, `"?"` matches anything, and every occurrence of a name must have one size. The
 * result is data (every mismatch, each with where it is), not an exception.
 *
 * @module
 */
import { ShapeError, type Sizes, showShape } from "./dims.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A dim in a runtime spec: a size, a name, or `"?"` (any size). @category model */
export type SpecDim = number | string;

/** The shape type a spec promises: `"?"` becomes `number`. @category model */
export type SpecShape<S extends readonly SpecDim[]> = { -readonly [K in keyof S]: S[K] extends "?" ? number : S[K] };

/** One mismatch: which input (`where`), which dim (or none for a rank error), and a message. @category model */
export interface DimMismatch {
  readonly where: string;
  readonly dim: number | undefined;
  readonly message: string;
}

/** Sizes of named dims, and which input fixed each one. @category model */
export interface Binding {
  readonly sizes: ReadonlyMap<string, number>;
  readonly from: ReadonlyMap<string, string>;
}

/**
 * The empty binding.
 *
 * @example
 * import { emptyBinding, matchShape } from "typegrad"
 * matchShape("X", [784, "m"], [784, 32], emptyBinding).binding.sizes.get("m") // 32
 * @category constructors
 */
export const emptyBinding: Binding = { sizes: new Map(), from: new Map() };

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * Match `actual` against `spec` under `binding`: the extended binding and every mismatch.
 *
 * @example
 * import { bindingWith, matchShape } from "typegrad"
 * matchShape("Y", [10, "m"], [10, 500], bindingWith({ m: 499 }, "X")).errors // [{ where: "Y", dim: 1, message: "Y: dim 'm' is 500 here but 499 in X" }]
 * @category operations
 */
export const matchShape = (where: string, spec: readonly SpecDim[], actual: Sizes, binding: Binding = emptyBinding): { binding: Binding; errors: DimMismatch[] } => {
  if (spec.length !== actual.length) {
    return { binding, errors: [{ where, dim: undefined, message: `${where}: rank ${actual.length} ${showShape(actual)}, expected rank ${spec.length} [${spec.map(showSpecDim).join(", ")}]` }] };
  }
  const sizes = new Map(binding.sizes);
  const from = new Map(binding.from);
  const errors: DimMismatch[] = [];
  spec.forEach((d, i) => {
    const n = actual[i] as number;
    if (typeof d === "number") {
      if (d !== n) errors.push({ where, dim: i, message: `${where}: dim ${i} is ${n}, expected ${d}` });
    } else if (d !== "?") {
      const known = sizes.get(d);
      if (known === undefined) {
        sizes.set(d, n);
        from.set(d, where);
      } else if (known !== n) {
        const src = from.get(d);
        errors.push({ where, dim: i, message: `${where}: dim '${d}' is ${n} here but ${known} in ${src === where ? `dim ${spec.indexOf(d)}` : src}` });
      }
    }
  });
  return { binding: { sizes, from }, errors };
};

/**
 * Match several named inputs against their specs with one shared binding, reporting every
 * mismatch (not only the first).
 *
 * @example
 * import { bindShapes } from "typegrad"
 * bindShapes({ X: [784, "m"], Y: [10, "m"] }, { X: [784, 499], Y: [10, 500] }).errors // [{ where: "Y", dim: 1, message: "Y: dim 'm' is 500 here but 499 in X" }]
 * @category operations
 */
export const bindShapes = (
  specs: Readonly<Record<string, readonly SpecDim[]>>,
  shapes: Readonly<Record<string, Sizes>>,
  binding: Binding = emptyBinding,
): { binding: Binding; errors: DimMismatch[] } => {
  let b = binding;
  const errors: DimMismatch[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const actual = shapes[name];
    if (actual === undefined) {
      errors.push({ where: name, dim: undefined, message: `${name}: missing` });
      continue;
    }
    const r = matchShape(name, spec, actual, b);
    b = r.binding;
    errors.push(...r.errors);
  }
  return { binding: b, errors };
};

/**
 * A binding from known sizes (e.g. `{ m: 128 }`), attributed to `from`.
 *
 * @example
 * import { bindingWith, matchShape } from "typegrad"
 * matchShape("X", [784, "m"], [784, 64], bindingWith({ m: 64 })).errors // []
 * @category constructors
 */
export const bindingWith = (sizes: Readonly<Record<string, number>>, from = "binding"): Binding => ({
  sizes: new Map(Object.entries(sizes)),
  from: new Map(Object.keys(sizes).map((k) => [k, from])),
});

/**
 * Throw a `ShapeError` naming `op` listing every mismatch, if any.
 *
 * @example
 * import { assertBound, bindingWith, matchShape } from "typegrad"
 * const { errors } = matchShape("Y", [10, "m"], [10, 500], bindingWith({ m: 499 }, "X"))
 * const message = (() => {
 *   try {
 *     assertBound("fit", errors)
 *     return ""
 *   } catch (e) {
 *     return String(e)
 *   }
 * })()
 * message.startsWith("ShapeError: fit:") // true
 * @category operations
 */
export const assertBound = (op: string, errors: readonly DimMismatch[]): void => {
  if (errors.length > 0) throw new ShapeError(op, errors.map((e) => e.message).join("; "));
};

const showSpecDim = (d: SpecDim): string => (typeof d === "number" ? `${d}` : d === "?" ? "?" : `'${d}'`);
