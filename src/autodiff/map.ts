/**
 * `mapParams`: a function of tensors applied leaf by leaf to parameter trees of one structure
 * (params, gradients, optimizer slots), giving a tree of that structure and type back.
 *
 * @module
 */
import { showShape } from "../shape/dims.js";
import { describeValue } from "../tensor/describe.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { tidy } from "./core.js";
import { flattenTree, type Params } from "./tree.js";

/**
 * Apply `f` leaf by leaf to one parameter tree, or to several of the same structure (the params,
 * their gradients, an optimizer's slots): `f` gets the tensors at the same place in each tree,
 * in the order the trees are given, and returns that place's tensor in the result. The result has
 * the first tree's structure and type `P`, with no cast: what a hand-written optimizer needs.
 *
 * Throws a `TypeError` naming `mapParams`, the argument and the first place where a tree differs
 * from the first one (a missing or extra field, another length, a leaf of another shape), or where
 * `f` returns something other than a tensor of its first argument's shape. A record field holding
 * `undefined` (an optional parameter left out) is no leaf. The temporaries `f` makes for one leaf
 * give their memory back as soon as that leaf is done (as the built-in optimizers' do).
 *
 * @example
 * import { mapParams, mul, sub, tensor, toArray } from "typegrad"
 * const params = { w: tensor([1, 2]), layers: [{ b: tensor([3]) }] }
 * const grads = { w: tensor([10, 20]), layers: [{ b: tensor([30]) }] }
 * const next = mapParams((w, g) => sub(w, mul(g, 0.1)), params, grads)
 * toArray(next.w) // [0, 0]
 * next.layers.map((l) => toArray(l.b)) // [[0]]
 * @category params
 * @since 0.3.0
 */
export const mapParams = <P extends Params, const R extends readonly NoInfer<P>[]>(f: (w: Tensor, ...rest: { -readonly [K in keyof R]: Tensor }) => Tensor, tree: P, ...others: R): P => {
  if (typeof f !== "function") throw new TypeError(`mapParams: argument 'f' must be a function of tensors, got ${describeValue(f)}`);
  const { leaves, rebuild } = flattenTree("mapParams", tree, "argument 'tree'");
  const columns: Tensor[][] = [leaves];
  others.forEach((o, i) => {
    const name = `others[${i}]`;
    const ls = flattenTree("mapParams", o, `argument '${name}'`).leaves;
    // the leaves alone cannot tell {a, b} from {b, c}: compare the structures, path by path
    const where = difference(tree, o, "");
    if (where !== undefined) throw new TypeError(`mapParams: argument '${name}' must have the structure of 'tree'; ${where}`);
    columns.push(ls);
  });
  const out = leaves.map((w, i) => {
    const args = columns.map((c) => c[i] as Tensor);
    const r = tidy(
      () => (f as (...ts: Tensor[]) => Tensor)(...args),
      (t) => (isTensor(t) ? [t] : []),
    );
    if (!isTensor(r) || !sameShape(r.shape, w.shape)) {
      const at = leafPath(tree, i);
      throw new TypeError(
        `mapParams: argument 'f' must return a tensor of its first argument's shape ${showShape(w.shape as readonly number[])}; at ${at} it returned ${isTensor(r) ? `a tensor of shape ${showShape(r.shape as readonly number[])}` : describeValue(r)}`,
      );
    }
    return r;
  });
  return rebuild(out) as P;
};

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

const show = (path: string): string => (path === "" ? "the root" : `'${path}'`);
const field = (path: string, k: string): string => (path === "" ? k : `${path}.${k}`);
const kind = (q: unknown): string => (isTensor(q) ? "a tensor" : Array.isArray(q) ? "an array" : "a record");

/** Where `b` first differs from `a` (both already walked by `flattenTree`, so both are trees), or `undefined`. */
const difference = (a: unknown, b: unknown, path: string): string | undefined => {
  if (isTensor(a) || isTensor(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (!isTensor(a) || !isTensor(b)) return `at ${show(path)} it has ${kind(b)}, 'tree' has ${kind(a)}`;
    const sa = a.shape as readonly number[];
    const sb = b.shape as readonly number[];
    return sameShape(sa, sb) ? undefined : `at ${show(path)} it has a tensor of shape ${showShape(sb)}, 'tree' has ${showShape(sa)}`;
  }
  // (past the test above, both are arrays or neither is)
  if (Array.isArray(b)) {
    const as = a as readonly unknown[];
    if (as.length !== b.length) return `at ${show(path)} it has ${b.length} items, 'tree' has ${as.length}`;
    for (let k = 0; k < as.length; k++) {
      const d = difference(as[k], b[k], `${path}[${k}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = new Set(Object.keys(rb).filter((k) => rb[k] !== undefined));
  for (const k of ka) {
    if (!kb.has(k)) return `it has no field ${show(field(path, k))}`;
    const d = difference(ra[k], rb[k], field(path, k));
    if (d !== undefined) return d;
  }
  const extra = [...kb].find((k) => !ka.includes(k));
  return extra === undefined ? undefined : `it has a field ${show(field(path, extra))} that 'tree' has not`;
};

/**
 * The path of leaf `i` (depth first, as `flattenTree` orders them) of a tree `flattenTree` has
 * walked (so every value in it is a tensor, an array, a record or an undefined field): spelt out
 * only for an error.
 */
const leafPath = (tree: unknown, i: number): string => {
  let n = 0;
  let found: string | undefined;
  const go = (q: unknown, path: string): void => {
    if (isTensor(q)) {
      if (n++ === i) found = path;
    } else if (Array.isArray(q))
      q.forEach((x, k) => {
        go(x, `${path}[${k}]`);
      });
    else
      for (const [k, v] of Object.entries(q as Record<string, unknown>)) {
        if (v !== undefined) go(v, field(path, k));
      }
  };
  go(tree, "");
  // (i is below the leaf count: found is set)
  return show(found as string);
};
