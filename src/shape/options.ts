/**
 * Option records: a key the function does not know is an error naming it (and the known key it
 * is likely a typo of), not a silent fall-back to the default. TypeScript flags a misspelt key in
 * an object literal, but neither in a spread variable (`fit({ model, params, ...opts })`, as the
 * README's quick start writes it) nor in JavaScript.
 *
 * @module
 */

/** Every key of an options interface, each `true`: a key added to the interface and missing here is a compile error. @internal */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: true };

/** Levenshtein distance, case-insensitive (keys are short). */
const distance = (a: string, b: string): number => {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let row = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const next = [i];
    for (let j = 1; j <= t.length; j++) next.push(Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (s[i - 1] === t[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[t.length] as number;
};

/**
 * Throws a `TypeError` naming `fn` and the first own key of `opts` that `known` lacks, with the
 * closest known key when one is within two edits (`fit: unknown option 'batchsize' (did you
 * mean 'batchSize'?)`), else the list of known keys. Anything that is not an object is left to
 * the caller's own checks. With `record` (an object inside an argument, `series 'loss'`), the
 * message names it: `lineChart: series 'loss' has an unknown key 'dahsed' (did you mean 'dashed'?)`.
 *
 * @internal
 */
export const checkOptionKeys = (fn: string, opts: unknown, known: Readonly<Record<string, true>>, record?: string): void => {
  if (opts === null || typeof opts !== "object") return;
  for (const key of Object.keys(opts)) {
    if (Object.hasOwn(known, key)) continue;
    const names = Object.keys(known);
    const near = names.map((n) => [n, distance(key, n)] as const).sort((a, b) => a[1] - b[1])[0];
    const hint = near !== undefined && near[1] <= 2 ? `did you mean '${near[0]}'?` : `the options are ${names.map((n) => `'${n}'`).join(", ")}`;
    throw new TypeError(record === undefined ? `${fn}: unknown option '${key}' (${hint})` : `${fn}: ${record} has an unknown key '${key}' (${hint})`);
  }
};

/**
 * Throws a `TypeError` naming `fn` when its argument `opts` is not a record (`configureWasm:
 * argument 'opts' must be a record such as { threads: 2 }, got undefined`), before its keys are
 * read.
 *
 * @internal
 */
export const checkOptionsRecord = (fn: string, opts: unknown, example: string): void => {
  if (opts === null || typeof opts !== "object") throw new TypeError(`${fn}: argument 'opts' must be a record such as ${example}, got ${typeof opts === "function" ? "a function" : String(opts)}`);
};

/**
 * `opts` without the given keys, for a function that takes its own options and hands the rest to
 * another that checks its keys (`readNpy`'s `maxBytes`, then `parseNpy`'s). Anything that is not
 * an object is returned as it is, for the callee's own checks.
 *
 * @internal
 */
export const withoutKeys = <T>(opts: T, keys: readonly string[]): T => {
  if (opts === null || typeof opts !== "object" || !keys.some((k) => Object.hasOwn(opts, k))) return opts;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (!keys.includes(k)) rest[k] = v;
  return rest as T;
};

/**
 * Throws a `TypeError` naming `fn`, the option and the values it takes when `v` is defined and
 * not one of `allowed` (`fit: option 'task' must be "classification" or "regression", got
 * "regresion"`): a misspelt enumerated value is not read as the default.
 *
 * @internal
 */
export const checkOneOf = (fn: string, name: string, v: unknown, allowed: readonly string[]): void => {
  if (v === undefined || allowed.includes(v as string)) return;
  const listed = allowed.map((a) => JSON.stringify(a));
  const expected = listed.length <= 2 ? listed.join(" or ") : `${listed.slice(0, -1).join(", ")} or ${listed.at(-1)}`;
  const got =
    typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v) : v === null ? "null" : typeof v === "object" ? "an object" : typeof v === "function" ? "a function" : String(v);
  throw new TypeError(`${fn}: option '${name}' must be ${expected}, got ${got}`);
};
