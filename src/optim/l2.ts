/**
 * L2 regularisation: the penalty `(λ / 2m) Σ ‖W‖²` over the weights (not the biases), to add to
 * a cost before `grad`, and its gradient `(λ / m) W`, to add to gradients computed by hand.
 *
 * @module
 */
import { type Params, pairedLeaves } from "../autodiff/tree.js";
import { add } from "../ops/add.js";
import { mul } from "../ops/mul.js";
import { sum } from "../ops/sum.js";
import { zeros } from "../tensor/create.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";

/**
 * Which leaves are weights, by their path in the parameter tree: the names and array indices
 * from the root to the leaf, joined by `.` (`W1`, `layers.0.W`, `0.W` for an array at the top,
 * `""` for a lone tensor). By default the leaves whose last name starts with `W`.
 *
 * @category model
 */
export type WeightFilter = (path: string) => boolean;

const defaultFilter: WeightFilter = (path) => /(^|\.)W[^.]*$/.test(path);

/** Leaves of a tree with their paths (`W1`, `layers.0.W`); an array's entries are its indices in order. */
const withPaths = (p: Params, path = ""): [string, Tensor][] => {
  if (isTensor(p)) return [[path, p]];
  // (a field holding undefined, an optional parameter left out, is no leaf: as in flattenTree)
  return Object.entries(p as { readonly [k: string]: Params | undefined }).flatMap(([k, q]) => (q === undefined ? [] : withPaths(q, path === "" ? k : `${path}.${k}`)));
};

const checkArgs = (fn: string, lambda: number, m: number): void => {
  if (!(lambda >= 0)) throw new RangeError(`${fn}: argument 'lambda' must be ≥ 0, got ${lambda}`);
  if (!(m > 0)) throw new RangeError(`${fn}: argument 'm' must be > 0 (the number of examples), got ${m}`);
};

/**
 * `(λ / 2m) Σ ‖W‖²` over the weights of `params` (a `Tensor<[]>`, differentiable).
 *
 * @example
 * import { l2Penalty, tensor, toArray } from "typegrad"
 * const params = { W: tensor([[1, 2], [2, 0]]), b: tensor([[5], [5]]) }
 * toArray(l2Penalty(params, 0.1, 10)) // 0.045 ((0.1 / 20) · 9; biases are not weights)
 * @category operations
 */
export const l2Penalty = (params: Params, lambda: number, m: number, isWeight: WeightFilter = defaultFilter): Tensor<[]> => {
  checkArgs("l2Penalty", lambda, m);
  let total: Tensor<[]> = zeros([]);
  for (const [path, w] of withPaths(params)) if (isWeight(path)) total = add(total, sum(mul(w, w)));
  return mul(total, lambda / (2 * m));
};

/**
 * `grads + (λ / m) W` for the weights, the gradient of {@link l2Penalty} added to gradients
 * computed by hand (the explicit backward pass).
 *
 * @example
 * import { addL2Grads, tensor, toArray } from "typegrad"
 * const params = { W: tensor([[1, 2]]), b: tensor([[5]]) }
 * const grads = { W: tensor([[0, 0]]), b: tensor([[1]]) }
 * const g2 = addL2Grads(params, grads, 0.1, 10)
 * toArray(g2.W) // [[0.01, 0.02]] ((λ / m) W)
 * toArray(g2.b) // [[1]]
 * @category operations
 */
export const addL2Grads = <P extends Params>(params: P, grads: P, lambda: number, m: number, isWeight: WeightFilter = defaultFilter): P => {
  checkArgs("addL2Grads", lambda, m);
  // a gradient goes with the parameter at its place, a record's fields by name (as in the
  // optimizers' step), and has its shape (a broadcast one would give the sum another shape)
  const { rebuild, paired } = pairedLeaves("addL2Grads", params, grads, true);
  const ws = withPaths(params);
  return rebuild(
    paired.map((g, i) => {
      const [path, w] = ws[i] as [string, Tensor];
      return isWeight(path) ? add(g, mul(w, lambda / m)) : g;
    }),
  ) as P;
};
