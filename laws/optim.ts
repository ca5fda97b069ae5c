/**
 * Optimizer laws, as boolean predicates on the library's optimizers (`src/optim`): `k` steps of
 * an optimizer equal its textbook recurrence computed on plain numbers, element by element;
 * Adam's bias correction; L2 regularisation as weight decay. The textbook rules here are the
 * oracle: scalar formulas, no tensors, no code shared with the optimizers.
 *
 * @module
 */
import { grad } from "../src/autodiff/vjp.js";
import { addL2Grads, l2Penalty } from "../src/optim/l2.js";
import { adam, gd, momentum, nesterov, type Optimizer, rmsprop } from "../src/optim/optimizers.js";
import { fromArray, toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { allClose } from "./approx.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One step of an optimizer's textbook rule on one scalar weight `w` with gradient `g` at step
 * `t` (from 1), its slots `s` (zero before the first step): the new weight and slots.
 *
 * @category model
 * @since 0.1.0
 */
export type ScalarRule = (w: number, g: number, s: readonly number[], t: number) => [number, number[]];

/**
 * An optimizer under test and its textbook rule, with the hyper-parameters both were made with.
 *
 * @category model
 * @since 0.1.0
 */
export interface OptimizerCase {
  readonly name: string;
  readonly optimizer: Optimizer;
  readonly rule: ScalarRule;
  readonly slots: number;
}

/**
 * Hyper-parameters of the textbook rules.
 *
 * @category model
 * @since 0.1.0
 */
export interface Hyper {
  readonly lr: number;
  readonly beta: number;
  readonly beta2: number;
  readonly eps: number;
}

// -------------------------------------------------------------------------------------
// textbook rules
// -------------------------------------------------------------------------------------

/**
 * The textbook rules (Kingma & Ba for Adam; the course's momentum and RMSProp), on scalars.
 *
 * @example
 * import { textbook } from "typegrad/laws"
 * textbook.gd({ lr: 0.1, beta: 0.9, beta2: 0.999, eps: 1e-8 })(1, 0.5, [], 1) // [0.95, []]
 * @category textbook
 * @since 0.1.0
 */
export const textbook = {
  /** `w ← w − α g`. */
  gd:
    ({ lr }: Hyper): ScalarRule =>
    (w, g) => [w - lr * g, []],
  /** `v ← β v + (1 − β) g`, `w ← w − α v`. */
  momentum:
    ({ lr, beta }: Hyper): ScalarRule =>
    (w, g, [v = 0]) => {
      const v2 = beta * v + (1 - beta) * g;
      return [w - lr * v2, [v2]];
    },
  /** `v ← β v + (1 − β) g`, `w ← w − α (β v + (1 − β) g)`. */
  nesterov:
    ({ lr, beta }: Hyper): ScalarRule =>
    (w, g, [v = 0]) => {
      const v2 = beta * v + (1 - beta) * g;
      return [w - lr * (beta * v2 + (1 - beta) * g), [v2]];
    },
  /** `s ← β s + (1 − β) g²`, `w ← w − α g / (√s + ε)`. */
  rmsprop:
    ({ lr, beta, eps }: Hyper): ScalarRule =>
    (w, g, [s = 0]) => {
      const s2 = beta * s + (1 - beta) * g * g;
      return [w - (lr * g) / (Math.sqrt(s2) + eps), [s2]];
    },
  /** `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`, `w ← w − α m̂ / (√v̂ + ε)`, `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`. */
  adam:
    ({ lr, beta, beta2, eps }: Hyper): ScalarRule =>
    (w, g, [m = 0, v = 0], t) => {
      const m2 = beta * m + (1 - beta) * g;
      const v2 = beta2 * v + (1 - beta2) * g * g;
      const mHat = m2 / (1 - beta ** t);
      const vHat = v2 / (1 - beta2 ** t);
      return [w - (lr * mHat) / (Math.sqrt(vHat) + eps), [m2, v2]];
    },
} as const;

/**
 * Every optimizer of the library paired with its textbook rule, for hyper-parameters `h`.
 *
 * @example
 * import { optimizerCases } from "typegrad/laws"
 * optimizerCases({ lr: 0.1, beta: 0.9, beta2: 0.999, eps: 1e-8 }).map((c) => c.name) // ["gd", "momentum", "nesterov", "rmsprop", "adam"]
 * @category textbook
 * @since 0.1.0
 */
export const optimizerCases = (h: Hyper): OptimizerCase[] => [
  { name: "gd", optimizer: gd(h.lr), rule: textbook.gd(h), slots: 0 },
  { name: "momentum", optimizer: momentum(h.lr, h.beta), rule: textbook.momentum(h), slots: 1 },
  { name: "nesterov", optimizer: nesterov(h.lr, h.beta), rule: textbook.nesterov(h), slots: 1 },
  { name: "rmsprop", optimizer: rmsprop(h.lr, h.beta, h.eps), rule: textbook.rmsprop(h), slots: 1 },
  { name: "adam", optimizer: adam(h.lr, h.beta, h.beta2, h.eps), rule: textbook.adam(h), slots: 2 },
];

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

const like = (x: Tensor, data: readonly number[]): Tensor => fromArray(x.shape as readonly number[], data, { dtype: x.dtype }) as Tensor;

/**
 * `grads.length` steps of `c.optimizer` from its initial state on the record `params` (one step
 * per gradient record) equal the textbook rule applied element by element, and the state counts
 * the steps.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { optimizerCases, optimizerMatchesTextbook } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const [adamCase] = optimizerCases({ lr: 0.1, beta: 0.8, beta2: 0.99, eps: 1e-8 }).slice(-1)
 * const params = { W: tensor([[1, -2]], f64), b: tensor([0.5], f64) }
 * const grads = [{ W: tensor([[0.3, -1]], f64), b: tensor([2], f64) }, { W: tensor([[0.1, 0.4]], f64), b: tensor([-1], f64) }]
 * adamCase !== undefined && optimizerMatchesTextbook(adamCase, params, grads, 1e-12) // true
 * @category laws
 * @since 0.1.0
 */
export const optimizerMatchesTextbook = (c: OptimizerCase, params: Readonly<Record<string, Tensor>>, grads: readonly Readonly<Record<string, Tensor>>[], tol: number): boolean => {
  let p = params;
  let state = c.optimizer.init(p);
  for (const g of grads) [p, state] = c.optimizer.step(p, g, state);
  if (state.step !== grads.length || state.slots.length !== c.slots) return false;
  return Object.keys(params).every((k) => {
    const w0 = toFlat(params[k] as Tensor);
    const expected = Array.from(w0, (w, i) => {
      let s: number[] = [];
      let x = w;
      grads.forEach((g, t) => {
        [x, s] = c.rule(x, toFlat(g[k] as Tensor)[i] as number, s, t + 1);
      });
      return x;
    });
    return allClose(toFlat(p[k] as Tensor), expected, tol);
  });
};

/**
 * Adam's bias correction: with the same gradient `g` at every step, `m̂ = g` and `v̂ = g²` at
 * every step (not only in the limit), so each of `steps` steps moves every weight by exactly
 * `α g / (|g| + ε)`; without the correction the first steps would be `1 − β₁ᵗ` times too short.
 *
 * @example
 * import { adam, tensor } from "typegrad"
 * import { adamBiasCorrected } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * adamBiasCorrected(tensor([1, 2], f64), tensor([3, -0.01], f64), 4, 0.1, 1e-12) // true
 * @category laws
 * @since 0.1.0
 */
export const adamBiasCorrected = (w: Tensor, g: Tensor, steps: number, lr: number, tol: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, opt: Optimizer = adam(lr, beta1, beta2, eps)): boolean => {
  let p = w;
  let state = opt.init(p);
  const gs = toFlat(g);
  for (let k = 1; k <= steps; k++) {
    [p, state] = opt.step(p, g, state);
    const expected = Array.from(toFlat(w), (x, i) => x - (k * lr * (gs[i] as number)) / (Math.abs(gs[i] as number) + eps));
    if (!allClose(toFlat(p), expected, tol)) return false;
  }
  return true;
};

/**
 * L2 regularisation is weight decay: a gradient-descent step on `grads + ∇ (λ/2m) Σ‖W‖²` (with
 * `addL2Grads`, and with `grad` of `l2Penalty`) is `W ← (1 − αλ/m) W − α dW` for the weights and
 * the plain step for the biases.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { l2IsWeightDecay } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const params = { W: tensor([[1, -2]], f64), b: tensor([[0.5]], f64) }
 * const grads = { W: tensor([[0.3, -1]], f64), b: tensor([[2]], f64) }
 * l2IsWeightDecay(params, grads, 0.7, 5, 0.1, 1e-12) // true
 * @category laws
 * @since 0.1.0
 */
export const l2IsWeightDecay = (
  params: { readonly W: Tensor; readonly b: Tensor },
  grads: { readonly W: Tensor; readonly b: Tensor },
  lambda: number,
  m: number,
  lr: number,
  tol: number,
  addGrads: typeof addL2Grads = addL2Grads,
): boolean => {
  const opt = gd(lr);
  const decayed = {
    W: Array.from(toFlat(params.W), (w, i) => (1 - (lr * lambda) / m) * w - lr * (toFlat(grads.W)[i] as number)),
    b: Array.from(toFlat(params.b), (b, i) => b - lr * (toFlat(grads.b)[i] as number)),
  };
  const [viaAdd] = opt.step(params, addGrads(params, grads, lambda, m), opt.init(params));
  const penaltyGrad = grad((p: { W: Tensor; b: Tensor }) => l2Penalty(p, lambda, m))({ W: params.W, b: params.b });
  const viaGrad = {
    W: like(
      params.W,
      Array.from(toFlat(grads.W), (g, i) => g + (toFlat(penaltyGrad.W)[i] as number)),
    ),
    b: like(
      params.b,
      Array.from(toFlat(grads.b), (g, i) => g + (toFlat(penaltyGrad.b)[i] as number)),
    ),
  };
  const [viaPenalty] = opt.step(params, viaGrad, opt.init(params));
  return [viaAdd, viaPenalty].every((p) => allClose(toFlat(p.W), decayed.W, tol) && allClose(toFlat(p.b), decayed.b, tol));
};
