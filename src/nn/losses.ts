/**
 * Costs, all averaged over the `m` examples (`J = (1/m) Σ_i L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)`) and returned as a
 * `Tensor<[]>` that `grad` differentiates. The examples are the last axis by default (columns
 * are examples, `Y: [n, "m"]`), the first with `{ layout: "rows" }` (`Y: ["m", n]`).
 *
 * | cost | formula | from |
 * |---|---|---|
 * | `logLoss` | `−(1/m) Σ y log a + (1 − y) log(1 − a)`, `a` clipped to `[ε, 1 − ε]` | probabilities |
 * | `logLossFromLogits` | `(1/m) Σ softplus(z) − y z`, `softplus(z) = max(z, 0) + log1p(e^{−|z|})` | logits (stable) |
 * | `mse` | `(1/m) Σ (a − y)²` | values |
 * | `crossEntropy` | `−(1/m) Σ y log a`, `a` clipped to `[ε, 1]` | probabilities |
 * | `softmaxCrossEntropy` | `−(1/m) Σ y ⊙ logSoftmax(z)` | logits (stable) |
 *
 * The fused forms are written with stable ops only (`logSoftmax`, `log1p(exp(−|z|))`), so
 * autodiff gives them the stable gradients `(σ(z) − y)/m` and `(softmax(z) − y)/m`, finite for
 * logits of ±1e4, with no hand-written pullback.
 *
 * @module
 */
import { tidy } from "../autodiff/core.js";
import { customVjp } from "../autodiff/customVjp.js";
import { add } from "../ops/add.js";
import { clip } from "../ops/clip.js";
import { div } from "../ops/div.js";
import { log } from "../ops/log.js";
import { logLossGrad } from "../ops/logLossGrad.js";
import { logSoftmax } from "../ops/logSoftmax.js";
import { mul } from "../ops/mul.js";
import { softmaxCrossEntropyGrad } from "../ops/softmaxCrossEntropyGrad.js";
import { softplus } from "../ops/softplus.js";
import { sub } from "../ops/sub.js";
import { sum } from "../ops/sum.js";
import { type Shape, ShapeError, showShape } from "../shape/dims.js";
import type { Layout } from "../shape/layout.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of every cost. @category model */
export interface LossOptions {
  /** Which axis holds the examples (default `"columns"`: the last). */
  readonly layout?: Layout;
}

/** Options of the costs on probabilities. @category model */
export interface ClipOptions extends LossOptions {
  /** Probabilities are clipped to `[eps, 1 − eps]` before the log, so `a = 0` or `1` costs `−log eps`, not ∞ (default 1e-7). */
  readonly eps?: number;
}

/** A cost: predictions and targets of one shape to a scalar. @category model */
export type Loss = <S extends Shape>(prediction: Tensor<S>, Y: Tensor<NoInfer<S>>, opts?: LossOptions) => Tensor<[]>;

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const lossKeys: OptionKeys<LossOptions> = { layout: true };
const clipKeys: OptionKeys<ClipOptions> = { layout: true, eps: true };

/**
 * Check the pair and the options' keys (`known`: `eps` only for the costs on probabilities), and
 * return `[m, example axis, unit axis]`. The key check runs every batch (`fit` hands `{ layout }`):
 * one `Object.keys` of a one-key record, 17 ns of CPU per call (a 2e6-call loop, 2026-12-05, this 2-core host), against about 0.9 ms per batch.
 */
const examplesOf = (fn: string, a: unknown, y: unknown, opts: LossOptions | undefined, known: Readonly<Record<string, true>> = lossKeys): [number, number, number] => {
  checkOptionKeys(fn, opts, known);
  if (!isTensor(a)) throw new TypeError(`${fn}: the first argument (predictions) must be a Tensor`);
  if (!isTensor(y)) throw new TypeError(`${fn}: argument 'Y' must be a Tensor`);
  const sa = a.shape as readonly number[];
  const sy = y.shape as readonly number[];
  if (sa.length !== sy.length || sa.some((d, i) => d !== sy[i])) throw new ShapeError(fn, `predictions ${showShape(sa)} and targets ${showShape(sy)} must have one shape`);
  if (sa.length === 0) throw new ShapeError(fn, "expected at least one axis of examples, got a scalar");
  const layout = opts?.layout ?? "columns";
  if (layout !== "columns" && layout !== "rows") throw new TypeError(`${fn}: option 'layout' must be "columns" or "rows", got ${JSON.stringify(layout)}`);
  const exAxis = layout === "rows" ? 0 : sa.length - 1;
  const unitAxis = layout === "rows" ? sa.length - 1 : 0;
  const m = sa[exAxis] as number;
  // the mean over no examples is 0 · 1/0: NaN, which would reach fit as a diverged run
  if (m === 0)
    throw new ShapeError(
      fn,
      `predictions and targets ${showShape(sa)} hold no examples (m = 0 on axis ${exAxis}, the examples' axis with layout ${JSON.stringify(layout)}): a cost is a mean over at least one example`,
    );
  return [m, exAxis, unitAxis];
};

const epsOf = (fn: string, opts: ClipOptions | undefined): number => {
  const eps = opts?.eps ?? 1e-7;
  if (!(eps > 0 && eps < 0.5)) throw new RangeError(`${fn}: option 'eps' must be in (0, 0.5), got ${eps}`);
  return eps;
};

/** `(1/m) Σ softplus(z) − y z`, its temporaries (softplus, the product, the difference, the sum) given back. */
const logLossValue = (z: Tensor, y: Tensor, m: number): Tensor<[]> =>
  tidy(
    () => mul(sum(sub(softplus(z), mul(y, z))), 1 / m),
    (out) => [out],
  );

/**
 * `(1/m) Σ softplus(z) − y z` with the fused pullback `ct_z = ct (σ(z) − y)/m` in one kernel
 * (`logLossGrad`; seed 002's `dZ = A − Y`), `ct_y = −ct z/m`, written with differentiable ops so
 * that it differentiates again; a cotangent nobody wants (the targets', in training) is not
 * computed.
 */
const logLossFused = (m: number) =>
  customVjp(
    (z: Tensor, y: Tensor) => logLossValue(z, y, m),
    (z: Tensor, y: Tensor) => [logLossValue(z, y, m), { z, y }] as const,
    ({ z, y }, ct, wants) => [wants[0] ? logLossGrad(z, y, ct, m) : undefined, wants[1] ? mul(z, div(ct, -m)) : undefined] as const,
  );

/**
 * `−(1/m) Σ y ⊙ logSoftmax(z)` and the log-softmax; the product and the sum given back, and the
 * log-softmax too unless `residual` (the pullback's; the tuple's second element is then live).
 */
const crossEntropyValue = (z: Tensor, y: Tensor, m: number, unit: number, residual: boolean): readonly [Tensor<[]>, Tensor] =>
  tidy(
    () => {
      const ls = logSoftmax(z, unit);
      return [mul(sum(mul(y, ls)), -1 / m), ls] as const;
    },
    ([J, ls]) => (residual ? [J, ls] : [J]),
  );

/**
 * `−(1/m) Σ y ⊙ logSoftmax(z)` along `unit`, with the fused pullback (seed 004)
 * `ct_z = ct (softmax(z) Σ_unit y − y)/m` (`softmax(z) − y` for one-hot targets) in one kernel
 * (`softmaxCrossEntropyGrad`), `ct_y = −ct logSoftmax(z)/m`.
 */
const softmaxCrossEntropyFused = (m: number, unit: number) =>
  customVjp(
    (z: Tensor, y: Tensor) => crossEntropyValue(z, y, m, unit, false)[0],
    (z: Tensor, y: Tensor) => {
      const [J, ls] = crossEntropyValue(z, y, m, unit, true);
      return [J, { ls, y }] as const;
    },
    ({ ls, y }, ct, wants) => [wants[0] ? softmaxCrossEntropyGrad(ls, y, ct, unit, m) : undefined, wants[1] ? mul(ls, div(ct, -m)) : undefined] as const,
  );

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * Binary log-loss from probabilities `A = σ(Z)` (seeds 000, 001), with clipping.
 *
 * @example
 * import { logLoss, tensor, toArray } from "typegrad"
 * const A2 = tensor([[0.5, 0.5]])
 * const Y = tensor([[1, 0]])
 * toArray(logLoss(A2, Y)) // 0.6931…
 * @category operations
 */
export const logLoss = <S extends Shape>(A: Tensor<S>, Y: Tensor<NoInfer<S>>, opts?: ClipOptions): Tensor<[]> => {
  const [m] = examplesOf("logLoss", A, Y, opts, clipKeys);
  const eps = epsOf("logLoss", opts);
  const a = clip(A as Tensor, eps, 1 - eps);
  const y = Y as Tensor;
  return mul(sum(add(mul(y, log(a)), mul(sub(1, y), log(sub(1, a))))), -1 / m);
};

/**
 * Binary log-loss from logits `Z` (before the sigmoid), fused and stable for any `Z`.
 *
 * @example
 * import { logLoss, logLossFromLogits, sigmoid, tensor, toArray } from "typegrad"
 * const Z2 = tensor([[0, 2]])
 * const Y = tensor([[1, 0]])
 * toArray(logLossFromLogits(Z2, Y)) // 1.4100…
 * toArray(logLoss(sigmoid(Z2), Y)) // 1.4100… (the same, where that is finite)
 * @category operations
 */
export const logLossFromLogits = <S extends Shape>(Z: Tensor<S>, Y: Tensor<NoInfer<S>>, opts?: LossOptions): Tensor<[]> => {
  const [m] = examplesOf("logLossFromLogits", Z, Y, opts);
  return logLossFused(m)(Z as Tensor, Y as Tensor);
};

/**
 * Mean squared error, `(1/m) Σ (a − y)²` (summed over outputs, averaged over examples).
 *
 * @example
 * import { mse, tensor, toArray } from "typegrad"
 * toArray(mse(tensor([[1, 2, 3]]), tensor([[1, 2, 5]]))) // 1.3333…
 * @category operations
 */
export const mse = <S extends Shape>(A: Tensor<S>, Y: Tensor<NoInfer<S>>, opts?: LossOptions): Tensor<[]> => {
  const [m] = examplesOf("mse", A, Y, opts);
  const d = sub(A as Tensor, Y as Tensor);
  return mul(sum(mul(d, d)), 1 / m);
};

/**
 * Cross-entropy from probabilities (after a softmax), `−(1/m) Σ y log a`, with clipping.
 *
 * @example
 * import { crossEntropy, tensor, toArray } from "typegrad"
 * const A = tensor([[0.5, 0.9], [0.5, 0.1]])
 * const Y = tensor([[1, 1], [0, 0]])
 * toArray(crossEntropy(A, Y)) // 0.3992…
 * @category operations
 */
export const crossEntropy = <S extends Shape>(A: Tensor<S>, Y: Tensor<NoInfer<S>>, opts?: ClipOptions): Tensor<[]> => {
  const [m] = examplesOf("crossEntropy", A, Y, opts, clipKeys);
  const eps = epsOf("crossEntropy", opts);
  return mul(sum(mul(Y as Tensor, log(clip(A as Tensor, eps, 1)))), -1 / m);
};

/**
 * Softmax cross-entropy from logits, fused (seed 004: `∂L/∂z = softmax(z) − y`): stable for
 * logits of any size. The softmax runs over the unit axis (the first for columns-as-examples).
 *
 * @example
 * import { softmaxCrossEntropy, tensor, toArray } from "typegrad"
 * const Z3 = tensor([[0, 0], [0, 0]])
 * const Y = tensor([[1, 0], [0, 1]])
 * toArray(softmaxCrossEntropy(Z3, Y)) // 0.6931…
 * @category operations
 */
export const softmaxCrossEntropy = <S extends Shape>(Z: Tensor<S>, Y: Tensor<NoInfer<S>>, opts?: LossOptions): Tensor<[]> => {
  const [m, , unit] = examplesOf("softmaxCrossEntropy", Z, Y, opts);
  return softmaxCrossEntropyFused(m, unit)(Z as Tensor, Y as Tensor);
};
