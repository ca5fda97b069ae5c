/**
 * Parameter trees: a tensor, a tuple/array of trees, or a record of trees. Gradients come back
 * in exactly the same structure.
 *
 * @module
 */
import { describe } from "../ops/define.js";
import { showShape } from "../shape/dims.js";
import { describeValue } from "../tensor/describe.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";

/**
 * What `grad` differentiates with respect to: a tensor, or arrays and records of them.
 *
 * @category model
 */
export type Params = Tensor | readonly Params[] | { readonly [key: string]: Params };

/**
 * True when every leaf of `P` is a tensor (interfaces included, unlike `Params`); an optional
 * field (`b?: Tensor<[2, 1]>`) is a leaf that may be absent, and an absent one has no gradient.
 *
 * @category autodiff
 */
export type IsParamTree<P> = P extends Tensor ? true : P extends object ? (false extends { [K in keyof P]-?: IsParamTree<Exclude<P[K], undefined>> }[keyof P] ? false : true) : false;

/**
 * What a function differentiated with respect to `P` is checked against: itself when every leaf
 * of `P` is a tensor, otherwise a type that names the problem (reported at the function).
 *
 * @category model
 */
export type DifferentiableIn<P, F> = IsParamTree<P> extends true ? F : { readonly "parameters must be tensors, arrays or records of tensors": P };

/** A path as the errors spell it: `layers[0].W`. */
const pathOf = (keys: readonly (string | number)[]): string => keys.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/**
 * A tree's structure as {@link flattenTree} walks it: one entry per place, depth first, each
 * before what it holds: a leaf's tensor, an array's length, or a record's field names (in order,
 * a field holding `undefined` left out). Two trees whose spines agree entry for entry (their
 * leaves of the same shapes) have one structure, and their leaves pair up in order.
 */
export type Spine = (Tensor | number | readonly string[])[];

/**
 * The leaves of a tree (depth first, record keys in insertion order) and how to rebuild it. A
 * record field holding `undefined` (an optional parameter left out) is no leaf and is left out of
 * the rebuilt tree. Anything else that is not a tensor, an array or a plain record is an error
 * naming `op`, and so is nesting deeper than 256 levels (a cycle). Given a `spine`, the same walk
 * appends the tree's {@link Spine} to it.
 */
export const flattenTree = (op: string, p: Params, what = "parameters", spine?: Spine): { leaves: Tensor[]; rebuild: (ls: readonly Tensor[]) => Params } => {
  const leaves: Tensor[] = [];
  // the keys from the root to the value being walked: its path is spelt out only for an error
  // (this runs several times per training step)
  const keys: (string | number)[] = [];
  const build = (q: unknown): ((ls: readonly Tensor[]) => Params) => {
    if (isTensor(q)) {
      spine?.push(q);
      const i = leaves.push(q) - 1;
      return (ls) => ls[i] as Tensor;
    }
    // a cycle (p.self = p) or a hostile depth: an error, not a stack overflow
    if (keys.length > MAX_PARAMS_DEPTH && q !== null && typeof q === "object")
      throw new TypeError(`${op}: ${what} are nested more than ${MAX_PARAMS_DEPTH} levels deep at '${pathOf(keys)}' (a cycle?)`);
    if (Array.isArray(q)) {
      spine?.push(q.length);
      const parts: ((ls: readonly Tensor[]) => Params)[] = [];
      for (let k = 0; k < q.length; k++) {
        keys.push(k);
        parts.push(build(q[k]));
        keys.pop();
      }
      return (ls) => parts.map((f) => f(ls));
    }
    if (q !== null && typeof q === "object" && isPlain(Object.getPrototypeOf(q))) {
      const names: string[] = [];
      // (the names are filled in below, before the walk returns)
      spine?.push(names);
      const parts: ((ls: readonly Tensor[]) => Params)[] = [];
      for (const k of Object.keys(q)) {
        const v = (q as Record<string, unknown>)[k];
        if (v === undefined) continue;
        keys.push(k);
        names.push(k);
        parts.push(build(v));
        keys.pop();
      }
      return (ls) => {
        const o: Record<string, Params> = {};
        for (let i = 0; i < names.length; i++) define(o, names[i] as string, (parts[i] as (ls: readonly Tensor[]) => Params)(ls));
        return o;
      };
    }
    throw new TypeError(`${op}: ${what} must be tensors, arrays or records of tensors; ${keys.length === 0 ? "the argument" : `'${pathOf(keys)}'`} is ${describe(q)}`);
  };
  const rebuild = build(p);
  return { leaves, rebuild };
};

/**
 * The tensors in any value (`tidy`'s returned value), depth first: through arrays and records,
 * and the keys and values of a Map, the items of a Set and the fields of a class instance; numbers,
 * strings, functions and typed arrays are not looked into. An array or object met twice (as
 * in a cycle) is walked once; nesting deeper than 256 levels is an error naming `op`.
 *
 * @internal
 */
export const tensorsIn = (op: string, value: unknown, what: string): Tensor[] => {
  const leaves: Tensor[] = [];
  const seen = new Set<unknown>();
  const keys: (string | number)[] = [];
  const walk = (q: unknown): void => {
    if (isTensor(q)) {
      leaves.push(q);
      return;
    }
    // (a typed array's entries are numbers: not walked, for speed)
    if (q === null || typeof q !== "object" || seen.has(q) || ArrayBuffer.isView(q)) return;
    seen.add(q);
    if (keys.length > MAX_PARAMS_DEPTH) throw new TypeError(`${op}: ${what} are nested more than ${MAX_PARAMS_DEPTH} levels deep at '${pathOf(keys)}'`);
    const inner: [string | number, unknown][] =
      q instanceof Map ? [...q.keys(), ...q.values()].map((x, k) => [k, x]) : q instanceof Set ? [...q].map((x, k) => [k, x]) : Array.isArray(q) ? q.map((x, k) => [k, x]) : Object.entries(q);
    for (const [k, x] of inner) {
      keys.push(k);
      walk(x);
      keys.pop();
    }
  };
  walk(value);
  return leaves;
};

/** A record's prototype as `flattenTree` accepts it: a plain object's, or none. */
const isPlain = (proto: unknown): boolean => proto === Object.prototype || proto === null;

/** Set own field `k` of `o` as `Object.fromEntries` does (`__proto__` too is an own field, not the prototype). */
const define = (o: Record<string, Params>, k: string, v: Params): void => {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
};

/**
 * The leaves of a tree the library has already walked with {@link flattenTree} (so its shape is
 * known good), in the same order, without building paths or a rebuild: what a training loop calls
 * several times a step to give memory back. Anything but a tensor, array or record is skipped.
 *
 * @internal
 */
export const treeLeaves = (p: unknown, into: Tensor[] = []): Tensor[] => {
  if (isTensor(p)) into.push(p);
  else if (Array.isArray(p)) for (const x of p) treeLeaves(x, into);
  else if (p !== null && typeof p === "object") for (const k in p) if (Object.hasOwn(p, k)) treeLeaves((p as Record<string, unknown>)[k], into);
  return into;
};

/**
 * Names that are special in JavaScript objects and never accepted as tensor or parameter names:
 * tensor specs (`decodeTensors`, `jsonDataset`) and parameter trees (`namedLeaves`, and so
 * `encodeCheckpoint`, `encodeModel`, `decodeParams`) refuse them with a `TypeError`; in untrusted
 * input they are ordinary unexpected names.
 *
 * @example
 * import { RESERVED_NAMES } from "typegrad"
 * RESERVED_NAMES // ["__proto__", "constructor", "prototype"]
 * @category model
 * @since 0.1.0
 */
export const RESERVED_NAMES: readonly string[] = ["__proto__", "constructor", "prototype"];

/** How deep a params tree may nest (a guard against cyclic or hostile trees). */
const MAX_PARAMS_DEPTH = 256;

const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && Object.getPrototypeOf(u) === Object.prototype;

/**
 * The leaves of a params tree with their names, depth first (record keys in insertion order).
 * Throws (naming `fn`) for a cycle, a leaf that is not a tensor, nesting deeper than 256, or a
 * name in `RESERVED_NAMES`.
 *
 * @example
 * import { namedLeaves, zeros } from "typegrad"
 * namedLeaves("save", { W: zeros([2, 2]), layers: [{ b: zeros([2, 1]) }] }).map(([n]) => n) // ["W", "layers[0].b"]
 * @category params
 * @since 0.1.0
 */
export const namedLeaves = (fn: string, p: Params): [string, Tensor][] => {
  const out: [string, Tensor][] = [];
  const seen = new Set<unknown>();
  const go = (q: unknown, path: string, depth: number): void => {
    if (isTensor(q)) {
      out.push([path, q]);
      return;
    }
    if (depth > MAX_PARAMS_DEPTH) throw new TypeError(`${fn}: argument 'params' is nested more than ${MAX_PARAMS_DEPTH} levels deep at '${path}'`);
    if (seen.has(q)) throw new TypeError(`${fn}: argument 'params' contains a cycle at '${path}'`);
    if (Array.isArray(q)) {
      seen.add(q);
      q.forEach((x, i) => {
        go(x, `${path}[${i}]`, depth + 1);
      });
      return;
    }
    if (isRecord(q)) {
      seen.add(q);
      for (const [k, v] of Object.entries(q)) {
        if (RESERVED_NAMES.includes(k))
          throw new TypeError(`${fn}: argument 'params' has a parameter named '${k}' at '${path === "" ? k : `${path}.${k}`}', which is not allowed (it is special in JavaScript objects)`);
        go(v, path === "" ? k : `${path}.${k}`, depth + 1);
      }
      return;
    }
    throw new TypeError(`${fn}: argument 'params' must be tensors, arrays or records of tensors; ${path === "" ? "it" : `'${path}'`} is ${describeValue(q)}`);
  };
  go(p, "", 0);
  return out;
};

// -------------------------------------------------------------------------------------
// comparing trees by their spines
// -------------------------------------------------------------------------------------

/** Two shapes, or two records' field names, item for item. */
export const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

/**
 * Whether two spines agree entry for entry (with `shapes`, their leaves' shapes too): then the
 * trees have one structure, leaves in one order. (Their lengths need no compare: a spine ends
 * where its entries say, so one that agrees with another up to its own end is as long.)
 */
export const sameSpine = (a: Spine, b: Spine, shapes = true): boolean => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Spine[number];
    const y = b[i] as Spine[number];
    if (isTensor(x)) {
      if (!isTensor(y) || (shapes && !sameItems(x.shape, y.shape))) return false;
    } else if (typeof x === "number") {
      if (x !== y) return false;
    } else if (isTensor(y) || typeof y === "number" || !sameItems(x, y)) return false;
  }
  return true;
};

const show = (path: string): string => (path === "" ? "the root" : `'${path}'`);
const field = (path: string, k: string): string => (path === "" ? k : `${path}.${k}`);
const kind = (entry: Spine[number]): string => (isTensor(entry) ? "a tensor" : typeof entry === "number" ? "an array" : "a record");

/** How many places hang from a spine entry: none from a leaf, an array's items, a record's fields. */
const width = (x: Spine[number]): number => (isTensor(x) ? 0 : typeof x === "number" ? x : x.length);

/** Where the subtree whose entry is `s[i]` ends in its spine. */
const end = (s: Spine, i: number): number => {
  let j = i + 1;
  for (let k = width(s[i] as Spine[number]); k > 0; k--) j = end(s, j);
  return j;
};

/**
 * The trees of spines `a` (the argument named `first` in messages) and `b` compared place by
 * place, records field by field by name (with `shapes`, leaves by shape too): where `b`'s first
 * differs from `a`'s, or, when they have one structure, `b`'s leaves in the order of `a`'s places.
 * Used by `mapParams` and the built-in optimizers' `step` (for the gradients).
 */
export const alignLeaves = (a: Spine, b: Spine, first = "tree", shapes = true): string | Tensor[] => {
  const leaves: Tensor[] = [];
  const go = (i: number, j: number, path: string): string | undefined => {
    const x = a[i] as Spine[number];
    const y = b[j] as Spine[number];
    if (isTensor(x) || isTensor(y) || (typeof x === "number") !== (typeof y === "number")) {
      if (!isTensor(x) || !isTensor(y)) return `at ${show(path)} it has ${kind(y)}, '${first}' has ${kind(x)}`;
      if (shapes && !sameItems(x.shape, y.shape)) return `at ${show(path)} it has a tensor of shape ${showShape(y.shape)}, '${first}' has ${showShape(x.shape)}`;
      leaves.push(y);
      return undefined;
    }
    // (past the test above, both are arrays or both are records)
    if (typeof x === "number") {
      if (x !== y) return `at ${show(path)} it has ${y} items, '${first}' has ${x}`;
      for (let k = 0, ia = i + 1, jb = j + 1; k < x; k++, ia = end(a, ia), jb = end(b, jb)) {
        const d = go(ia, jb, `${path}[${k}]`);
        if (d !== undefined) return d;
      }
      return undefined;
    }
    const ka = x;
    const kb = y as readonly string[];
    const starts = new Map<string, number>();
    for (let k = 0, jb = j + 1; k < kb.length; k++, jb = end(b, jb)) starts.set(kb[k] as string, jb);
    for (let k = 0, ia = i + 1; k < ka.length; k++, ia = end(a, ia)) {
      const key = ka[k] as string;
      const jb = starts.get(key);
      if (jb === undefined) return `it has no field ${show(field(path, key))}`;
      const d = go(ia, jb, field(path, key));
      if (d !== undefined) return d;
    }
    const extra = kb.find((k) => !ka.includes(k));
    return extra === undefined ? undefined : `it has a field ${show(field(path, extra))} that '${first}' has not`;
  };
  return go(0, 0, "") ?? leaves;
};

/**
 * The leaves of `params` (as `flattenTree` gives them, with its `rebuild`) and, in their order, the
 * leaves of `grads` that go with them: by place, a record's fields by name (gradients built by hand
 * may hold them in another order than the parameters; `grad`'s keep theirs), with `shapes` also
 * shape for shape. Throws a `TypeError` naming `fn` where the counts or the structures differ. The
 * built-in optimizers' `step` and `addL2Grads` pair their arguments with it.
 */
export const pairedLeaves = (fn: string, params: Params, grads: Params, shapes: boolean): { leaves: Tensor[]; rebuild: (ls: readonly Tensor[]) => Params; paired: Tensor[] } => {
  const mine: Spine = [];
  const { leaves, rebuild } = flattenTree(fn, params, "parameters", mine);
  const theirs: Spine = [];
  const gs = flattenTree(fn, grads, "parameters", theirs).leaves;
  if (gs.length !== leaves.length) throw new TypeError(`${fn}: argument 'grads' has ${gs.length} tensors, 'params' has ${leaves.length}`);
  if (sameSpine(mine, theirs, shapes)) return { leaves, rebuild, paired: gs };
  const aligned = alignLeaves(mine, theirs, "params", shapes);
  if (typeof aligned === "string") throw new TypeError(`${fn}: argument 'grads' must have the structure of 'params'; ${aligned}`);
  return { leaves, rebuild, paired: aligned };
};

/** The path of leaf `i` (depth first, as `flattenTree` orders them) of the tree of `spine`: spelt out only for an error. */
export const leafPath = (spine: Spine, i: number): string => {
  let n = 0;
  let at = 0;
  const go = (path: string): string | undefined => {
    const x = spine[at++] as Spine[number];
    if (isTensor(x)) return n++ === i ? path : undefined;
    for (let k = 0; k < width(x); k++) {
      const found = go(typeof x === "number" ? `${path}[${k}]` : field(path, x[k] as string));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  // (i is below the leaf count: a path is found)
  return show(go("") as string);
};
