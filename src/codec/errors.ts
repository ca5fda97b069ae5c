/**
 * Decode errors as data: a forest whose inner nodes say *where* (a key such as `X` or
 * `line 13`, an array index) and whose leaves say *what* (`row has 27 values, expected 28`).
 * Decoders build the forest; only the edge turns it into text with `draw`, one line per leaf:
 * `X: index 3: row has 27 values, expected 28`.
 *
 * The classic io-ts `Type`s of this module report the same leaves as `t.Errors` (the path in
 * the context, the leaf message as `message`); `fromValidationErrors` turns them back into the
 * forest, so one `draw` serves both.
 *
 * @module
 */
import * as t from "io-ts";
import { describeValue } from "../tensor/describe.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One node of the error forest.
 *
 * @example
 * import { decodeTensors } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = decodeTensors({ X: [2, 3] }, { X: [[1, 2, 3], [4, 5]] })
 * E.isLeft(r) && r.left // [{ _tag: "Key", key: "X", errors: [{ _tag: "Index", index: 1, errors: [{ _tag: "Leaf", actual: [4, 5], message: "row has 2 values, expected 3" }] }] }]
 * @category model
 * @since 0.1.0
 */
export type DecodeError =
  | { readonly _tag: "Leaf"; readonly actual: unknown; readonly message: string }
  | { readonly _tag: "Key"; readonly key: string; readonly errors: DecodeErrors }
  | { readonly _tag: "Index"; readonly index: number; readonly errors: DecodeErrors };

/** A non-empty list of errors: what a failed decode returns. @category model @since 0.1.0 */
export type DecodeErrors = readonly [DecodeError, ...DecodeError[]];

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** A leaf: the offending value and what is wrong with it. @category constructors @since 0.1.0 */
export const leaf = (actual: unknown, message: string): DecodeError => ({ _tag: "Leaf", actual, message });

/** Errors found under key `k` (a tensor name, `line 13`, `column 'x'`). @category constructors @since 0.1.0 */
export const key = (k: string, errors: DecodeErrors): DecodeError => ({ _tag: "Key", key: k, errors });

/** Errors found at array index `i`. @category constructors @since 0.1.0 */
export const index = (i: number, errors: DecodeErrors): DecodeError => ({ _tag: "Index", index: i, errors });

/** The list as `DecodeErrors` when it is not empty. @category constructors @since 0.1.0 */
export const nonEmpty = (errors: readonly DecodeError[]): DecodeErrors | undefined => (errors.length > 0 ? (errors as unknown as DecodeErrors) : undefined);

/** `errors` under key `k`, or nothing when there are none. @category constructors @since 0.1.0 */
export const under = (k: string, errors: readonly DecodeError[]): DecodeError[] => {
  const ne = nonEmpty(errors);
  return ne === undefined ? [] : [key(k, ne)];
};

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Every leaf with its path, outermost first: `[["X", "index 3"], "row has 27 values, expected 28"]`.
 * Public as `errorPaths`.
 *
 * @example
 * import { decodeTensors, errorPaths } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = decodeTensors({ X: [2, 3] }, { X: [[1, 2, 3], [4, 5]] })
 * E.isLeft(r) && errorPaths(r.left) // [[["X", "index 1"], "row has 2 values, expected 3"]]
 * @category destructors
 * @since 0.1.0
 */
export const paths = (errors: readonly DecodeError[]): [readonly string[], string][] => {
  const out: [readonly string[], string][] = [];
  const go = (e: DecodeError, path: readonly string[]): void => {
    if (e._tag === "Leaf") out.push([path, e.message]);
    else for (const c of e.errors) go(c, [...path, e._tag === "Key" ? e.key : `index ${e.index}`]);
  };
  for (const e of errors) go(e, []);
  return out;
};

/**
 * The errors as text, one line per leaf, path segments joined by `": "`. At most `maxLines`
 * lines (default 50), then a count of the rest.
 *
 * @example
 * import { decodeTensors, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = decodeTensors({ X: [2, "m"], Y: [1, "m"] }, { X: [[1, 2], [3, 4]], Y: [[0, 1, 1]], Z: 0 })
 * E.isLeft(r) && draw(r.left) // "Y: dim 'm' is 3 here but 2 in X"
 * const many = decodeTensors({ X: [2, 3] }, { X: [[1, 2], [3]] })
 * E.isLeft(many) && draw(many.left, 1) // "X: index 0: row has 2 values, expected 3\n... and 1 more"
 * @category destructors
 * @since 0.1.0
 */
export const draw = (errors: readonly DecodeError[], maxLines = 50): string => {
  const lines = paths(errors).map(([p, m]) => [...p, m].map(oneLine).join(": "));
  if (lines.length <= maxLines) return lines.join("\n");
  return [...lines.slice(0, maxLines), `... and ${lines.length - maxLines} more`].join("\n");
};

/** Line breaks shown as `\n`, so that a leaf is always one line of text. */
const oneLine = (s: string): string => s.replace(/\r\n|\r|\n/g, "\\n");

export { describeValue };

// -------------------------------------------------------------------------------------
// io-ts interop
// -------------------------------------------------------------------------------------

/** Marks a context entry made from an `Index` node (io-ts itself marks them by the parent's array). */
const indexEntry: t.Decoder<unknown, unknown> = new t.Type<unknown>("index", (_): _ is unknown => true, t.success, t.identity);

/**
 * The leaves as io-ts `ValidationError`s under `context` (each path segment one context entry,
 * keyed as io-ts keys them: the key, or the index as a string).
 *
 * @example
 * import { decodeTensor, draw, fromValidationErrors, toValidationErrors } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * import * as t from "io-ts"
 * const r = decodeTensor([2, 3], [[1, 2, 3], [4, 5]])
 * const errors = E.isLeft(r) ? toValidationErrors(r.left, [{ key: "", type: t.unknown, actual: undefined }], t.unknown) : []
 * errors.map((e) => e.context.map((c) => c.key)) // [["", "1"]]
 * errors.map((e) => e.message) // ["row has 2 values, expected 3"]
 * draw(fromValidationErrors(errors)) // "index 1: row has 2 values, expected 3"
 * @category interop
 * @since 0.1.0
 */
export const toValidationErrors = (errors: readonly DecodeError[], context: t.Context, type: t.Decoder<unknown, unknown>): t.Errors => {
  const out: t.Errors = [];
  const go = (e: DecodeError, ctx: t.Context): void => {
    if (e._tag === "Leaf") out.push({ value: e.actual, context: ctx, message: e.message });
    else for (const c of e.errors) go(c, [...ctx, e._tag === "Key" ? { key: e.key, type } : { key: `${e.index}`, type: indexEntry }]);
  };
  for (const e of errors) go(e, context);
  return out;
};

/** `Array.isArray`, false for a revoked Proxy (which makes it throw). */
const isArray = (u: unknown): boolean => {
  try {
    return Array.isArray(u);
  } catch {
    return false;
  }
};

/**
 * io-ts errors as the forest, so `draw` prints them: context keys become keys (array positions
 * become indices), a custom message becomes the leaf, otherwise `expected <type>, got <value>`.
 *
 * @example
 * import { draw, fromValidationErrors } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * import * as t from "io-ts"
 * const r = t.type({ lr: t.number }).decode({ lr: "fast" })
 * E.isLeft(r) && draw(fromValidationErrors(r.left)) // 'lr: expected number, got "fast"'
 * @category interop
 * @since 0.1.0
 */
export const fromValidationErrors = (errors: t.Errors): DecodeError[] => {
  const forest: DecodeError[] = [];
  for (const err of errors) {
    const entries = err.context.filter((c, i) => !(i === 0 && c.key === ""));
    const expected = err.context[err.context.length - 1]?.type.name ?? "a valid value";
    let node: DecodeError = leaf(err.value, err.message ?? `expected ${expected}, got ${describeValue(err.value)}`);
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i] as t.ContextEntry;
      const parent = i === 0 ? err.context[0]?.actual : entries[i - 1]?.actual;
      const isIndex = /^\d+$/.test(e.key) && (e.type === indexEntry || isArray(parent));
      node = isIndex ? index(Number(e.key), [node]) : key(e.key, [node]);
    }
    forest.push(node);
  }
  return forest;
};
