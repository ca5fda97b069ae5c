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
import { alignLeaves, flattenTree, leafPath, type Params, type Spine, sameItems, sameSpine } from "./tree.js";

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
      const matched = alignLeaves(spine as Spine, theirs);
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

/** The spine of `tree`, made again: only for an error. */
const spineOf = (tree: Params): Spine => {
  const spine: Spine = [];
  flattenTree("mapParams", tree, "argument 'tree'", spine);
  return spine;
};
