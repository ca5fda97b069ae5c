/**
 * Learning-rate schedules: pure functions from the step number (0 for the first update) to a
 * learning rate. An optimizer takes a number or a schedule.
 *
 * @module
 */
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { describeValue } from "../tensor/describe.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const exponentialDecayKeys: OptionKeys<{ readonly staircase?: boolean }> = { staircase: true };

/** A learning rate as a function of the step (0-based). @category model */
export type Schedule = (step: number) => number;

/** A fixed learning rate or a schedule. @category model */
export type LearningRate = number | Schedule;

const positive = (fn: string, arg: string, v: unknown): number => {
  if (!Number.isFinite(v) || !((v as number) > 0)) throw new RangeError(`${fn}: argument '${arg}' must be a finite number > 0, got ${String(v)}`);
  return v as number;
};

/**
 * The learning rate at `step`, checking it is a finite positive number.
 *
 * @example
 * import { exponentialDecay, rateAt } from "typegrad"
 * rateAt("train", exponentialDecay(0.1, 0.5, 10), 20) // 0.025
 * rateAt("train", 0.01, 1000) // 0.01
 * @category operations
 */
export const rateAt = (fn: string, lr: LearningRate, step: number): number => {
  const v = typeof lr === "number" ? lr : lr(step);
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${fn}: the learning rate at step ${step} must be a finite number ≥ 0, got ${v}`);
  return v;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `lr` at every step.
 *
 * @example
 * import { constant } from "typegrad"
 * constant(0.01)(1000) // 0.01
 * @category constructors
 */
export const constant =
  (lr: number): Schedule =>
  () =>
    positive("constant", "lr", lr);

/**
 * `lr · rate^(step / every)`; with `staircase`, the exponent is rounded down, so the rate changes
 * once every `every` steps (per epoch when `every` is the number of batches per epoch). `rate` is
 * in (0, 1]: a decay.
 *
 * @example
 * import { exponentialDecay } from "typegrad"
 * // ×0.92 per epoch of 63 batches
 * const lr = exponentialDecay(1e-3, 0.92, 63, { staircase: true })
 * lr(0) // 0.001
 * lr(62) // 0.001
 * lr(63) // 0.00092
 * @category constructors
 */
export const exponentialDecay = (lr: number, rate: number, every: number, opts: { readonly staircase?: boolean } = {}): Schedule => {
  checkOptionKeys("exponentialDecay", opts, exponentialDecayKeys);
  positive("exponentialDecay", "lr", lr);
  positive("exponentialDecay", "rate", rate);
  positive("exponentialDecay", "every", every);
  if (!(rate <= 1)) throw new RangeError(`exponentialDecay: argument 'rate' must be in (0, 1] (the factor per 'every' steps), got ${rate}`);
  return (step) => lr * rate ** (opts.staircase === true ? Math.floor(step / every) : step / every);
};

/**
 * `lr / (1 + k · step)` (`k` finite, ≥ 0), the `α = α₀ / (1 + decay · epoch)` of the course outline.
 *
 * @example
 * import { inverseTimeDecay } from "typegrad"
 * inverseTimeDecay(0.1, 1)(9) // 0.01
 * @category constructors
 */
export const inverseTimeDecay = (lr: number, k: number): Schedule => {
  positive("inverseTimeDecay", "lr", lr);
  if (!(Number.isFinite(k) && k >= 0)) throw new RangeError(`inverseTimeDecay: argument 'k' must be a finite number ≥ 0, got ${k}`);
  return (step) => lr / (1 + k * step);
};

/**
 * Cosine annealing from `lr` down to `min` (in [0, lr], default 0) over `total` steps, then `min`.
 *
 * @example
 * import { cosineDecay } from "typegrad"
 * cosineDecay(0.1, 100)(50) // 0.05
 * cosineDecay(0.1, 100)(100) // 0
 * @category constructors
 */
export const cosineDecay = (lr: number, total: number, min = 0): Schedule => {
  positive("cosineDecay", "lr", lr);
  positive("cosineDecay", "total", total);
  if (!(typeof min === "number" && min >= 0 && min <= lr)) throw new RangeError(`cosineDecay: argument 'min' must be a finite number from 0 to lr (${lr}), got ${String(min)}`);
  return (step) => min + ((lr - min) * (1 + Math.cos((Math.PI * Math.min(step, total)) / total))) / 2;
};

/**
 * A linear warm-up from `lr / steps` to the schedule's value over the first `steps` steps.
 *
 * @example
 * import { constant, warmup } from "typegrad"
 * warmup(constant(0.1), 10)(4) // 0.05
 * @category constructors
 */
export const warmup = (s: Schedule, steps: number): Schedule => {
  if (typeof s !== "function") throw new TypeError(`warmup: argument 's' must be a schedule (a function of the step), got ${describeValue(s)}`);
  positive("warmup", "steps", steps);
  return (step) => (step < steps ? (s(step) * (step + 1)) / steps : s(step));
};
