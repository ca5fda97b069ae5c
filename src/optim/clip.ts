/**
 * Gradient clipping by global norm (Pascanu et al. 2013): when the norm of all gradients taken
 * together, `‖g‖ = √(Σ over every tensor of Σ g²)`, exceeds `maxNorm`, every gradient is scaled by
 * `maxNorm / ‖g‖`, so the update keeps its direction and only its length is bounded. This is what
 * keeps backprop through time stable when a recurrent network's gradients explode.
 *
 * @module
 */
import { flattenTree, type Params } from "../autodiff/tree.js";
import { mul } from "../ops/mul.js";
import { sum } from "../ops/sum.js";
import { item } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Optimizer, OptState } from "./optimizers.js";

const checkMax = (fn: string, maxNorm: number): void => {
  if (!Number.isFinite(maxNorm) || !(maxNorm > 0)) throw new RangeError(`${fn}: argument 'maxNorm' must be a finite number > 0, got ${String(maxNorm)}`);
};

/**
 * The global norm of a gradient tree: the Euclidean norm of all its elements together.
 *
 * @example
 * import { globalNorm, tensor } from "typegrad"
 * globalNorm({ W: tensor([3]), b: tensor([4]) }) // 5
 * @category operations
 */
export const globalNorm = (grads: Params): number => normOf(flattenTree("globalNorm", grads, "gradients").leaves);

const normOf = (leaves: readonly Tensor[]): number => {
  let s = 0;
  for (const g of leaves) s += item(sum(mul(g, g)));
  return Math.sqrt(s);
};

/**
 * `grads` scaled by `maxNorm / globalNorm(grads)` when their global norm exceeds `maxNorm`
 * (otherwise `grads` itself); same structure.
 *
 * @example
 * import { clipByGlobalNorm, tensor, toArray } from "typegrad"
 * const g = clipByGlobalNorm({ W: tensor([3]), b: tensor([4]) }, 1)
 * toArray(g.W) // [0.6]
 * toArray(g.b) // [0.8]
 * @category operations
 */
export const clipByGlobalNorm = <P extends Params>(grads: P, maxNorm: number): P => {
  checkMax("clipByGlobalNorm", maxNorm);
  const { leaves, rebuild } = flattenTree("clipByGlobalNorm", grads, "gradients");
  const norm = normOf(leaves);
  if (!(norm > maxNorm)) return grads;
  const k = maxNorm / norm;
  return rebuild(leaves.map((g) => mul(g, k))) as P;
};

/**
 * `optimizer` with its gradients clipped to global norm `maxNorm` before each step.
 *
 * @example
 * import { adam, withGradientClipping } from "typegrad"
 * const opt = withGradientClipping(adam(1e-3), 5)
 * opt.name // "adam+clip(5)"
 * @category constructors
 */
export const withGradientClipping = (optimizer: Optimizer, maxNorm: number): Optimizer => {
  checkMax("withGradientClipping", maxNorm);
  if (optimizer === null || typeof optimizer !== "object" || typeof optimizer.step !== "function")
    throw new TypeError("withGradientClipping: argument 'optimizer' must be an optimizer (adam(…), gd(…), …)");
  return {
    name: `${optimizer.name}+clip(${maxNorm})`,
    init: <P extends Params>(params: P): OptState<P> => optimizer.init(params),
    step: <P extends Params>(params: P, grads: P, state: OptState<P>): [P, OptState<P>] => optimizer.step(params, clipByGlobalNorm(grads, maxNorm), state),
  };
};
