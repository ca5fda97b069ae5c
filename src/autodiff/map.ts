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
import { flattenTree, type Params, type Spine } from "./tree.js";

/**
 * Apply `f` leaf by leaf to one parameter tree, or to several of the same structure (the params,
 * their gradients, an optimizer's slots): `f` gets the tensors at the same place in each tree,
 * in the order the trees are given, and returns that place's tensor in the result. The result has
 * the first tree's structure and type `P`, with no cast: what a hand-written optimizer needs.
 *
 * Throws a `TypeError` naming `mapParams`, the argument and the first place where a tree differs
 * from the first one (a missing or extra field, another length, a leaf of another shape), or where
 * `f` returns something other than a tensor of its first argument's shape. A record field holding
 * `undefined` (an optional parameter left out) is no leaf, and a record's fields may come in
 * another order than the first tree's: they are matched by name. The temporaries `f` makes for one
 * leaf give their memory back as soon as that leaf is done (as the built-in optimizers' do).
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
  // the leaves alone cannot tell {a, b} from {b, c}: with other trees, each walk also gives the
  // tree's spine, to compare (a path in an error is spelt from a spine made then)
  const spine: Spine | undefined = others.length === 0 ? undefined : [];
  const { leaves, rebuild } = flattenTree("mapParams", tree, "argument 'tree'", spine);
  const columns: Tensor[][] = [leaves];
  others.forEach((o, i) => {
    const name = `others[${i}]`;
    const theirs: Spine = [];
    const ls = flattenTree("mapParams", o, `argument '${name}'`, theirs).leaves;
    if (sameSpine(spine as Spine, theirs)) columns.push(ls);
    else {
      // not entry for entry: a difference, or only records whose fields come in another order
      const matched = match(spine as Spine, theirs);
      if (typeof matched === "string") throw new TypeError(`mapParams: argument '${name}' must have the structure of 'tree'; ${matched}`);
      columns.push(matched);
    }
  });
  const out = leaves.map((w, i) => {
    const args = columns.map((c) => c[i] as Tensor);
    const r = tidy(
      () => (f as (...ts: Tensor[]) => Tensor)(...args),
      (t) => (isTensor(t) ? [t] : []),
    );
    if (!isTensor(r) || !sameItems(r.shape, w.shape)) {
      throw new TypeError(
        `mapParams: argument 'f' must return a tensor of its first argument's shape ${showShape(w.shape as readonly number[])}; at ${leafPath(spineOf(tree), i)} it returned ${isTensor(r) ? `a tensor of shape ${showShape(r.shape as readonly number[])}` : describeValue(r)}`,
      );
    }
    return r;
  });
  return rebuild(out) as P;
};

/** Two shapes, or two records' field names, item for item. */
const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

/**
 * Whether two spines agree entry for entry: then the trees have one structure, leaves in one order.
 * (Their lengths need no compare: a spine ends where its entries say, so one that agrees with
 * another up to its own end is as long.)
 */
const sameSpine = (a: Spine, b: Spine): boolean => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Spine[number];
    const y = b[i] as Spine[number];
    if (isTensor(x)) {
      if (!isTensor(y) || !sameItems(x.shape, y.shape)) return false;
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
 * The trees of spines `a` and `b` compared place by place, records field by field by name: where
 * `b`'s first differs from `a`'s, or, when they have one structure, `b`'s leaves in the order of
 * `a`'s places.
 */
const match = (a: Spine, b: Spine): string | Tensor[] => {
  const leaves: Tensor[] = [];
  const go = (i: number, j: number, path: string): string | undefined => {
    const x = a[i] as Spine[number];
    const y = b[j] as Spine[number];
    if (isTensor(x) || isTensor(y) || (typeof x === "number") !== (typeof y === "number")) {
      if (!isTensor(x) || !isTensor(y)) return `at ${show(path)} it has ${kind(y)}, 'tree' has ${kind(x)}`;
      if (!sameItems(x.shape, y.shape)) return `at ${show(path)} it has a tensor of shape ${showShape(y.shape)}, 'tree' has ${showShape(x.shape)}`;
      leaves.push(y);
      return undefined;
    }
    // (past the test above, both are arrays or both are records)
    if (typeof x === "number") {
      if (x !== y) return `at ${show(path)} it has ${y} items, 'tree' has ${x}`;
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
    return extra === undefined ? undefined : `it has a field ${show(field(path, extra))} that 'tree' has not`;
  };
  return go(0, 0, "") ?? leaves;
};

/** The spine of `tree`, made again: only for an error. */
const spineOf = (tree: Params): Spine => {
  const spine: Spine = [];
  flattenTree("mapParams", tree, "argument 'tree'", spine);
  return spine;
};

/** The path of leaf `i` (depth first, as `flattenTree` orders them) of the tree of `spine`: spelt out only for an error. */
const leafPath = (spine: Spine, i: number): string => {
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
