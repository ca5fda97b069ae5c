/**
 * Parameter trees: a tensor, a tuple/array of trees, or a record of trees. Gradients come back
 * in exactly the same structure.
 *
 * @module
 */
import { describe } from "../ops/define.js";
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

/**
 * The leaves of a tree (depth first, record keys in insertion order) and how to rebuild it. A
 * record field holding `undefined` (an optional parameter left out) is no leaf and is left out of
 * the rebuilt tree.
 */
export const flattenTree = (op: string, p: Params, what = "parameters"): { leaves: Tensor[]; rebuild: (ls: readonly Tensor[]) => Params } => {
  const leaves: Tensor[] = [];
  const build = (q: unknown, path: string): ((ls: readonly Tensor[]) => Params) => {
    if (isTensor(q)) {
      const i = leaves.push(q) - 1;
      return (ls) => ls[i] as Tensor;
    }
    if (Array.isArray(q)) {
      const parts = q.map((x, k) => build(x, `${path}[${k}]`));
      return (ls) => parts.map((f) => f(ls));
    }
    if (q !== null && typeof q === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(q))) {
      const parts = Object.entries(q)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, build(v, path === "" ? k : `${path}.${k}`)] as const);
      return (ls) => Object.fromEntries(parts.map(([k, f]) => [k, f(ls)]));
    }
    throw new TypeError(`${op}: ${what} must be tensors, arrays or records of tensors; ${path === "" ? "the argument" : `'${path}'`} is ${describe(q)}`);
  };
  const rebuild = build(p, "");
  return { leaves, rebuild };
};
