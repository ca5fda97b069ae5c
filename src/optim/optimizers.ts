/**
 * Optimizers as pure functions: `step(params, grads, state) → [params, state]`. Parameters,
 * gradients and every state slot share one structure (a record, array or tensor: the `grad`
 * output of the same params), so the state is typed by the architecture too. Nothing is mutated:
 * run the same steps from the same state and get the same result, bit for bit.
 *
 * | optimizer | update (per parameter `w`, gradient `g`, step `t` from 1) |
 * |---|---|
 * | `gd(α)` | `w ← w − α g` |
 * | `momentum(α, β)` | `v ← β v + (1 − β) g`, `w ← w − α v` |
 * | `nesterov(α, β)` | `v ← β v + (1 − β) g`, `w ← w − α (β v + (1 − β) g)` (look-ahead) |
 * | `rmsprop(α, β, ε)` | `s ← β s + (1 − β) g²`, `w ← w − α g / (√s + ε)` |
 * | `adam(α, β₁, β₂, ε)` | `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`, `w ← w − α m̂ / (√v̂ + ε)` with `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)` |
 *
 * @module
 */

import { tidy } from "../autodiff/core.js";
import { flattenTree, type Params, pairedLeaves } from "../autodiff/tree.js";
import { add } from "../ops/add.js";
import { div } from "../ops/div.js";
import { mul } from "../ops/mul.js";
import { sqrt } from "../ops/sqrt.js";
import { showShape } from "../shape/dims.js";
import { zerosLike } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { descend } from "./descend.js";
import { type LearningRate, rateAt } from "./schedules.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * An optimizer's state for params of type `P`: the number of steps taken, its slots (the
 * velocities, moments…), each with the structure of `P`, and which optimizer made it.
 *
 * @category model
 */
export interface OptState<P extends Params> {
  readonly step: number;
  readonly slots: readonly P[];
  /**
   * The name of the optimizer whose `init` made the state (`"momentum"`; a clipped optimizer's
   * state is its inner optimizer's). A built-in optimizer's `step` refuses a state made by another
   * one, naming both (momentum, nesterov and rmsprop each keep one slot, so the slots alone cannot
   * tell). Absent on a state built by hand or read from a checkpoint that names no built-in
   * optimizer: such a state is checked by its number of slots alone.
   */
  readonly kind?: string;
}

/**
 * A pure optimizer.
 *
 * @example
 * const opt = adam(1e-3)
 * let state = opt.init(params)
 * ;[params, state] = opt.step(params, grads, state)
 * @category model
 */
export interface Optimizer {
  readonly name: string;
  /** The state before the first step (zero slots). */
  init<P extends Params>(params: P): OptState<P>;
  /** One update. */
  step<P extends Params>(params: P, grads: P, state: OptState<P>): [P, OptState<P>];
}

/** The update of one tensor: new value and new slot values. */
type Rule = (w: Tensor, g: Tensor, slots: readonly Tensor[], lr: number, t: number) => [Tensor, Tensor[]];

/** `fn(lr, …)`'s positional arguments, for the message when options come as an object. */
const signatures: Readonly<Record<string, string>> = { momentum: "lr, beta", nesterov: "lr, beta", rmsprop: "lr, beta, eps", adam: "lr, beta1, beta2, eps" };

const unitInterval = (fn: string, arg: string, v: number): number => {
  if (typeof v !== "number") throw new TypeError(`${fn}: argument '${arg}' must be in [0, 1), got ${describeValue(v)} (${fn}'s arguments are positional: ${fn}(${signatures[fn]}))`);
  if (!(v >= 0 && v < 1)) throw new RangeError(`${fn}: argument '${arg}' must be in [0, 1), got ${v}`);
  return v;
};

const nonNegative = (fn: string, arg: string, v: number): number => {
  if (typeof v !== "number") throw new TypeError(`${fn}: argument '${arg}' must be a finite number ≥ 0, got ${describeValue(v)} (${fn}'s arguments are positional: ${fn}(${signatures[fn]}))`);
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${fn}: argument '${arg}' must be a finite number ≥ 0, got ${v}`);
  return v;
};

/** A learning rate is a finite number ≥ 0 or a schedule: checked when the optimizer is made (a schedule's values at each step). */
const learningRate = (fn: string, lr: LearningRate): LearningRate => {
  if (typeof lr === "function") return lr;
  const what = `${fn}: argument 'lr' must be a finite number ≥ 0 or a schedule (a function of the step), got ${describeValue(lr)}`;
  if (typeof lr !== "number") throw new TypeError(what);
  if (!(Number.isFinite(lr) && lr >= 0)) throw new RangeError(what);
  return lr;
};

/** The slots each built-in optimizer keeps, by name. */
const builtinSlotCounts: Readonly<Record<string, number>> = { gd: 0, momentum: 1, nesterov: 1, rmsprop: 1, adam: 2 };

/**
 * The built-in optimizer an optimizer's name is made from (`"adam+clip(5)"` → `"adam"`), the
 * `kind` its states carry, or `undefined` for any other name.
 *
 * @internal
 */
export const builtinKind = (name: string): string | undefined => {
  const base = /^([a-z]+)(\+clip\([^)]*\))*$/.exec(name)?.[1];
  return base !== undefined && Object.hasOwn(builtinSlotCounts, base) ? base : undefined;
};

/**
 * What an optimizer's states hold: how many slots, and the `kind` its `init` tags them with.
 *
 * @internal
 */
export interface StateSpec {
  readonly slots: number;
  readonly kind: string;
}

/**
 * The states the built-in optimizer of this name makes (`withGradientClipping`'s `"adam+clip(5)"`
 * makes adam's), or `undefined` for any other name: `fit` and checkpoints check a given state
 * against its optimizer's name with it (a user's optimizer is free to make what it wants).
 *
 * @internal
 */
export const builtinState = (name: string): StateSpec | undefined => {
  const kind = builtinKind(name);
  return kind === undefined ? undefined : { slots: builtinSlotCounts[kind] as number, kind };
};

/**
 * Why a state is not one of `spec`'s, as data: each caller names its own arguments in the message.
 *
 * @internal
 */
export type StateMismatch =
  /** it holds another number of slots than the optimizer keeps */
  | { readonly mismatch: "slots"; readonly keeps: number; readonly holds: number }
  /** another optimizer made it: `made` is its `kind` (not checked to be a string) */
  | { readonly mismatch: "maker"; readonly made: unknown };

/**
 * How a state holding `holds` slots and tagged `made` (its `kind`) misfits the optimizer whose
 * states are `spec`: the slot count first, then the maker. `undefined` when it fits, and for what
 * cannot be told: no `spec` (an optimizer that is not a built-in one), no `holds` (slots that are
 * no array, left to the caller's own check), no `made` (a state built by hand, or read from a
 * file that named no built-in optimizer, is taken by its slot count). The one check of a state
 * against its optimizer: in `fit`'s options, `encodeModel`'s arguments, a checkpoint's manifest and
 * the built-in `step`.
 *
 * @internal
 */
export const stateMismatch = (spec: StateSpec | undefined, holds: number | undefined, made: unknown): StateMismatch | undefined => {
  if (spec === undefined) return undefined;
  if (holds !== undefined && holds !== spec.slots) return { mismatch: "slots", keeps: spec.slots, holds };
  return made === undefined || made === spec.kind ? undefined : { mismatch: "maker", made };
};

/** An optimizer from a per-tensor rule with `nSlots` zero-initialised slots. */
const leafwise = (name: string, lr: LearningRate, nSlots: number, rule: Rule): Optimizer => {
  learningRate(name, lr);
  // what this optimizer's states hold, and the message for a state that is none of them
  const spec: StateSpec = { slots: nSlots, kind: name };
  const notOurs = `${name}.step: argument 'state' must come from ${name}.init (${nSlots} slots)`;
  return {
    name,
    init: <P extends Params>(params: P): OptState<P> => {
      const { leaves, rebuild } = flattenTree(`${name}.init`, params);
      // no zeros for a rule without slots (gd): they were made, never read, and left to the ring
      const zero = nSlots === 0 ? undefined : (rebuild(leaves.map((w) => zerosLike(w))) as P);
      return { step: 0, slots: Array.from({ length: nSlots }, () => zero as P), kind: name };
    },
    step: <P extends Params>(params: P, grads: P, state: OptState<P>): [P, OptState<P>] => {
      const fn = `${name}.step`;
      // (each gradient's shape is checked below, with the step's own message)
      const { leaves: ws, rebuild, paired: gs } = pairedLeaves(fn, params, grads, false);
      if (state === null || typeof state !== "object" || !Array.isArray(state.slots)) throw new TypeError(notOurs);
      // the maker too: a state from another optimizer with as many slots would be read as this one's
      const mismatch = stateMismatch(spec, state.slots.length, state.kind);
      if (mismatch?.mismatch === "slots") throw new TypeError(notOurs);
      if (mismatch !== undefined)
        throw new TypeError(
          `${fn}: argument 'state' was made by ${typeof mismatch.made === "string" ? mismatch.made : describeValue(mismatch.made)}, not ${name}: step with the optimizer that made the state`,
        );
      const slots = state.slots.map((s) => flattenTree(fn, s).leaves);
      const lrNow = rateAt(fn, lr, state.step);
      const t = state.step + 1;
      const newSlots: Tensor[][] = Array.from({ length: nSlots }, () => []);
      const newWs = ws.map((w, i) => {
        const g = gs[i] as Tensor;
        const ws_ = w.shape as readonly number[];
        const gsh = g.shape as readonly number[];
        if (ws_.length !== gsh.length || ws_.some((d, k) => d !== gsh[k])) throw new TypeError(`${fn}: gradient ${i} has shape ${showShape(gsh)}, its parameter has ${showShape(ws_)}`);
        // the rule's temporaries (g·lr, β·m, …) are seen by no one: their memory goes back at once
        const [w2, s2] = tidy(
          () =>
            rule(
              w,
              g,
              slots.map((s) => s[i] as Tensor),
              lrNow,
              t,
            ),
          ([nw, ns]) => [nw, ...ns],
        );
        s2.forEach((s, k) => {
          (newSlots[k] as Tensor[]).push(s);
        });
        return w2;
      });
      return [rebuild(newWs) as P, { step: t, slots: newSlots.map((s) => rebuild(s) as P), kind: name }];
    },
  };
};

/**
 * `N` tensors, one per slot (an array of tensors when `N` is no literal, or over 16).
 *
 * @category model
 * @since 0.3.0
 */
export type SlotTensors<N extends number, A extends Tensor[] = []> = number extends N ? Tensor[] : A["length"] extends N ? A : A["length"] extends 16 ? Tensor[] : SlotTensors<N, [...A, Tensor]>;

/**
 * The update of one parameter tensor in a {@link leafwiseOptimizer} keeping `N` slots: from the
 * parameter `w`, its gradient `g`, its slots (in order, each of `w`'s shape, zeros before the
 * first step), the learning rate now and the step number `t` (from 1), the new parameter and the
 * new slots.
 *
 * @category model
 * @since 0.3.0
 */
export type LeafRule<N extends number = number> = (w: Tensor, g: Tensor, slots: Readonly<SlotTensors<N>>, lr: number, t: number) => readonly [Tensor, Readonly<SlotTensors<N>>];

/**
 * What {@link leafwiseOptimizer} is made from.
 *
 * @category model
 * @since 0.3.0
 */
export interface LeafwiseOptions<N extends number = number> {
  /** The optimizer's name and its states' `kind` (not a built-in's: `"gd"`, `"momentum"`, `"nesterov"`, `"rmsprop"`, `"adam"`). */
  readonly name: string;
  /** The learning rate: a finite number ≥ 0 or a schedule. */
  readonly lr: LearningRate;
  /** How many slots each parameter keeps (0 to 16): a velocity, the moments… */
  readonly slots: N;
  /** The update of one parameter tensor. */
  readonly update: LeafRule<N>;
}

/** The most slots `leafwiseOptimizer` accepts. */
const MAX_SLOTS = 16;

/**
 * An optimizer from a rule for one parameter tensor, as the built-in ones are made: `init` gives
 * `slots` zero trees of the params' structure, `step` applies `update` to each parameter with its
 * gradient and slots (their temporaries give their memory back at once) and checks its arguments
 * as the built-in optimizers' `step` does, and the states carry `kind: name`. It plugs into `fit`,
 * `trainStep`, `withGradientClipping` and checkpoints like a built-in one. Throws a `TypeError`
 * naming `leafwiseOptimizer` and the option for a bad option, and one naming `name.step` when
 * `update` returns something other than a tensor of the parameter's shape and `slots` such tensors.
 *
 * @example
 * import { add, item, leafwiseOptimizer, mul, sub, tensor } from "typegrad"
 * // momentum by hand: v ← β v + (1 − β) g, w ← w − α v
 * const heavyBall = leafwiseOptimizer({
 *   name: "heavyBall",
 *   lr: 0.1,
 *   slots: 1,
 *   update: (w, g, [v], lr) => {
 *     const v2 = add(mul(v, 0.9), mul(g, 0.1))
 *     return [sub(w, mul(v2, lr)), [v2]]
 *   },
 * })
 * const params = { w: tensor([1]) }
 * const [p1, s1] = heavyBall.step(params, { w: tensor([1]) }, heavyBall.init(params))
 * item(p1.w) // 0.99
 * s1.kind // "heavyBall"
 * @category constructors
 * @since 0.3.0
 */
export const leafwiseOptimizer = <const N extends number>(options: LeafwiseOptions<N>): Optimizer => {
  const fn = "leafwiseOptimizer";
  if (options === null || typeof options !== "object") throw new TypeError(`${fn}: argument 'options' must be { name, lr, slots, update }, got ${describeValue(options)}`);
  const { name, lr, slots, update } = options;
  if (typeof name !== "string" || name === "") throw new TypeError(`${fn}: option 'name' must be a non-empty string, got ${describeValue(name)}`);
  if (builtinKind(name) !== undefined) throw new TypeError(`${fn}: option 'name' must not be a built-in optimizer's name, got "${name}" (its states would pass for ${builtinKind(name)}'s)`);
  if (!Number.isInteger(slots) || slots < 0 || slots > MAX_SLOTS) throw new TypeError(`${fn}: option 'slots' must be an integer from 0 to ${MAX_SLOTS}, got ${describeValue(slots)}`);
  if (typeof update !== "function") throw new TypeError(`${fn}: option 'update' must be a function (w, g, slots, lr, t) => [w, slots], got ${describeValue(update)}`);
  learningRate(fn, lr);
  const checked: Rule = (w, g, s, a, t) => {
    const out: unknown = (update as unknown as LeafRule)(w, g, s, a, t);
    const shape = w.shape as readonly number[];
    const ok = (u: unknown): u is Tensor => isTensor(u) && sameSizes(u.shape as readonly number[], shape);
    if (!Array.isArray(out) || out.length !== 2 || !ok(out[0]) || !Array.isArray(out[1]) || out[1].length !== slots || !out[1].every(ok))
      throw new TypeError(
        `${name}.step: option 'update' of leafwiseOptimizer must return [w, slots]: a tensor of the parameter's shape ${showShape(shape)} and an array of ${slots} such tensors, got ${describeValue(out)}`,
      );
    return [out[0], [...(out[1] as Tensor[])]];
  };
  return leafwise(name, lr, slots, checked);
};

const sameSizes = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Gradient descent, `w ← w − α dw` (seed 001's update; `GradientDescentOptimizer(0.01)`).
 *
 * @example
 * import { gd, tensor, toArray } from "typegrad"
 * const params = { w: tensor([1, 2]) }
 * const grads = { w: tensor([0.5, 0.5]) }
 * const opt = gd(0.1)
 * const [p1] = opt.step(params, grads, opt.init(params))
 * toArray(p1.w) // [0.95, 1.95]
 * @category constructors
 */
export const gd = (lr: LearningRate): Optimizer => leafwise("gd", lr, 0, (w, g, _s, a) => [descend(w, g, a), []]);

/**
 * Momentum: an exponentially weighted average of gradients, `v ← β v + (1 − β) g`, `w ← w − α v`.
 *
 * @example
 * import { item, momentum, tensor } from "typegrad"
 * const params = { w: tensor([1]) }
 * const grads = { w: tensor([1]) }
 * const opt = momentum(0.1, 0.9)
 * const [p1, s1] = opt.step(params, grads, opt.init(params))
 * const [p2] = opt.step(p1, grads, s1)
 * item(p1.w) // 0.99 (v = β·v + (1 − β)·g = 0.1)
 * item(p2.w) // 0.971 (v = 0.19: the steps grow while the gradient keeps its sign)
 * @category constructors
 */
export const momentum = (lr: LearningRate, beta = 0.9): Optimizer => {
  unitInterval("momentum", "beta", beta);
  return leafwise("momentum", lr, 1, (w, g, [v], a) => {
    const v2 = add(mul(v as Tensor, beta), mul(g, 1 - beta));
    return [descend(w, v2, a), [v2]];
  });
};

/**
 * Nesterov momentum: the update looks ahead along the new velocity, `w ← w − α (β v + (1 − β) g)`.
 *
 * @example
 * import { item, nesterov, tensor } from "typegrad"
 * const params = { w: tensor([1]) }
 * const opt = nesterov(0.1, 0.9)
 * const [p1] = opt.step(params, { w: tensor([1]) }, opt.init(params))
 * item(p1.w) < 1 // true
 * @category constructors
 */
export const nesterov = (lr: LearningRate, beta = 0.9): Optimizer => {
  unitInterval("nesterov", "beta", beta);
  return leafwise("nesterov", lr, 1, (w, g, [v], a) => {
    const v2 = add(mul(v as Tensor, beta), mul(g, 1 - beta));
    return [descend(w, add(mul(v2, beta), mul(g, 1 - beta)), a), [v2]];
  });
};

/**
 * RMSProp: divide by a running root mean square of the gradients.
 *
 * @example
 * import { item, rmsprop, tensor } from "typegrad"
 * const params = { w: tensor([1]) }
 * const opt = rmsprop(1e-3)
 * const [p1] = opt.step(params, { w: tensor([4]) }, opt.init(params))
 * item(p1.w) < 1 // true
 * @category constructors
 */
export const rmsprop = (lr: LearningRate, beta = 0.9, eps = 1e-8): Optimizer => {
  unitInterval("rmsprop", "beta", beta);
  nonNegative("rmsprop", "eps", eps);
  return leafwise("rmsprop", lr, 1, (w, g, [s], a) => {
    const s2 = add(mul(s as Tensor, beta), mul(mul(g, g), 1 - beta));
    return [descend(w, div(mul(g, a), add(sqrt(s2), eps)), 1), [s2]];
  });
};

/**
 * Adam (Kingma & Ba): momentum and RMSProp with bias correction.
 *
 * @example
 * import { adam, exponentialDecay, tensor, toArray } from "typegrad"
 * const opt = adam(exponentialDecay(1e-3, 0.92, 63, { staircase: true }))
 * const params = { w: tensor([1, 1]) }
 * const [p1] = opt.step(params, { w: tensor([3, -0.01]) }, opt.init(params))
 * toArray(p1.w) // [0.999, 1.001] (the first step moves each weight by the rate, whatever the gradient's size)
 * @category constructors
 */
export const adam = (lr: LearningRate, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Optimizer => {
  unitInterval("adam", "beta1", beta1);
  unitInterval("adam", "beta2", beta2);
  nonNegative("adam", "eps", eps);
  return leafwise("adam", lr, 2, (w, g, [m, v], a, t) => {
    const m2 = add(mul(m as Tensor, beta1), mul(g, 1 - beta1));
    const v2 = add(mul(v as Tensor, beta2), mul(mul(g, g), 1 - beta2));
    const step = a / (1 - beta1 ** t);
    const denom = add(sqrt(div(v2, 1 - beta2 ** t)), eps);
    return [descend(w, div(mul(m2, step), denom), 1), [m2, v2]];
  });
};
