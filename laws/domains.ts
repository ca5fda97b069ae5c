/**
 * Numeric domains, explicit as constraint bags (as fast-check's `noNaN`, `min`, `max`).
 *
 * An elementwise `Domain` (from the op specs) draws every element from `[min, max]`, at least
 * `margin` away from each point of `avoid`, or from a finite set `values` (masks). A
 * `VectorDomain` constrains whole lines along one axis: probability vectors (positive, summing
 * to 1) and one-hot vectors.
 *
 * Elements are drawn through a *level*: an integer in `[-LEVELS, LEVELS]` mapped affinely onto
 * the allowed part of the interval (the avoided neighbourhoods cut out, no clumping at their
 * edges). Levels shrink towards 0, the middle of the domain, and distinct levels are at least
 * `(max - min) / (2 · LEVELS)` apart, far more than a finite-difference step: kinks between
 * elements (`max`, `maximum`) are never crossed by a gradient check.
 *
 * @module
 */
import { type Domain, domains as opDomains } from "../src/ops/spec.js";

export type { Domain } from "../src/ops/spec.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A domain of whole lines along `axis`: probability vectors or one-hot vectors.
 *
 * @category model
 * @since 0.1.0
 */
export interface VectorDomain {
  readonly name: string;
  readonly kind: "probability" | "oneHot";
  readonly axis: number;
}

/**
 * Any domain a tensor can be drawn from.
 *
 * @category model
 * @since 0.1.0
 */
export type TensorDomain = Domain | VectorDomain;

/**
 * Levels on each side of the middle of a domain.
 *
 * @example
 * import { domains, LEVELS, valueAt } from "typegrad/laws"
 * LEVELS // 32768
 * valueAt(domains.real, -LEVELS) // -3
 * @category model
 * @since 0.1.0
 */
export const LEVELS = 1 << 15;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The domains of the op specs, plus the ones the course's identities need.
 *
 * @example
 * import { domains } from "typegrad/laws"
 * domains.positive // { name: "positive", min: 0.2, max: 3 }
 * @category constructors
 * @since 0.1.0
 */
export const domains = {
  ...opDomains,
  /** Large magnitudes, for stability laws (`logSumExp`, `softmax`). */
  huge: { name: "huge", min: -1000, max: 1000 },
  /** Small coefficients (cotangents, directions). */
  direction: { name: "direction", min: -1, max: 1 },
} as const satisfies Record<string, Domain>;

/**
 * `[min, max]` without the `margin`-neighbourhoods of `points` (the kinks of relu, abs, clip…).
 *
 * @example
 * import { awayFrom, inDomain } from "typegrad/laws"
 * // real numbers in [-3, 3] at least 0.1 away from 0
 * const d = awayFrom([0], 0.1)
 * inDomain(d, 0.05) // false
 * inDomain(d, 0.5) // true
 * @category constructors
 * @since 0.1.0
 */
export const awayFrom = (points: readonly number[], margin: number, min = -3, max = 3): Domain => {
  if (!(margin > 0)) throw new RangeError(`awayFrom: argument 'margin' must be positive, got ${margin}`);
  if (!(min < max)) throw new RangeError(`awayFrom: 'min' (${min}) must be below 'max' (${max})`);
  if (allowedLength({ name: "", min, max, avoid: points, margin }) <= 0) throw new RangeError(`awayFrom: nothing of [${min}, ${max}] is ${margin} away from ${points.join(", ")}`);
  return { name: `away from ${points.join(", ")}`, min, max, avoid: points, margin };
};

/**
 * Probability vectors along `axis` (positive, each line sums to 1).
 *
 * @example
 * import { toFlat } from "typegrad"
 * import { arbTensor, inVectorDomain, probability } from "typegrad/laws"
 * import fc from "fast-check"
 * // each column a distribution over 10 classes
 * const [P] = fc.sample(arbTensor([10, 4], probability(0)), { numRuns: 1, seed: 1 })
 * P !== undefined && inVectorDomain(probability(0), [10, 4], toFlat(P)) // true
 * @category constructors
 * @since 0.1.0
 */
export const probability = (axis = -1): VectorDomain => ({ name: `probability along ${axis}`, kind: "probability", axis });

/**
 * One-hot vectors along `axis` (one 1 per line, zeros elsewhere).
 *
 * @example
 * import { sum, toArray } from "typegrad"
 * import { arbTensor, oneHot } from "typegrad/laws"
 * import fc from "fast-check"
 * // each column one label of 10
 * const [Y] = fc.sample(arbTensor([10, 4], oneHot(0)), { numRuns: 1, seed: 1 })
 * Y !== undefined && toArray(sum(Y)) // 4
 * @category constructors
 * @since 0.1.0
 */
export const oneHot = (axis = -1): VectorDomain => ({ name: `one-hot along ${axis}`, kind: "oneHot", axis });

// -------------------------------------------------------------------------------------
// guards
// -------------------------------------------------------------------------------------

/**
 * True for a vector domain.
 *
 * @example
 * import { domains, isVectorDomain, probability } from "typegrad/laws"
 * isVectorDomain(probability(0)) // true
 * isVectorDomain(domains.real) // false
 * @category guards
 * @since 0.1.0
 */
export const isVectorDomain = (d: TensorDomain): d is VectorDomain => "kind" in d;

/**
 * True for a domain of finitely many values (masks): such inputs are held constant by the gradient laws.
 *
 * @example
 * import { domains, isDiscrete, oneHot } from "typegrad/laws"
 * isDiscrete(oneHot(0)) // true
 * isDiscrete(domains.real) // false
 * @category guards
 * @since 0.1.0
 */
export const isDiscrete = (d: TensorDomain): boolean => (isVectorDomain(d) ? d.kind === "oneHot" : d.values !== undefined);

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** The allowed sub-intervals of an elementwise domain, in order. */
const intervals = (d: Domain): [number, number][] => {
  const m = d.margin ?? 0;
  const cuts = [...(d.avoid ?? [])].filter((p) => p + m > d.min && p - m < d.max).sort((a, b) => a - b);
  const out: [number, number][] = [];
  let lo = d.min;
  for (const p of cuts) {
    if (p - m > lo) out.push([lo, p - m]);
    lo = Math.max(lo, p + m);
  }
  if (d.max >= lo) out.push([lo, d.max]);
  return out;
};

const allowedLength = (d: Domain): number => intervals(d).reduce((s, [a, b]) => s + (b - a), 0);

/**
 * The element of domain `d` at level `k` (an integer in `[-LEVELS, LEVELS]`; 0 is the middle).
 * A discrete domain cycles through its values (level 0 is the first).
 *
 * @example
 * import { domains, LEVELS, valueAt } from "typegrad/laws"
 * valueAt(domains.real, 0) // 0
 * valueAt(domains.real, LEVELS) // 3
 * @category operations
 * @since 0.1.0
 */
export const valueAt = (d: Domain, k: number): number => {
  if (d.values !== undefined) {
    const n = d.values.length;
    return d.values[(((k % n) + n) % n) as number] as number;
  }
  const parts = intervals(d);
  let t = ((k + LEVELS) / (2 * LEVELS)) * allowedLength(d);
  for (const [a, b] of parts) {
    if (t <= b - a) return a + t;
    t -= b - a;
  }
  const last = parts[parts.length - 1];
  return last === undefined ? d.min : last[1];
};

/**
 * True when `x` belongs to domain `d` (with a slack of 1e-12 for rounding at the edges).
 *
 * @example
 * import { domains, inDomain } from "typegrad/laws"
 * inDomain(domains.awayFromZero, 0.05) // false
 * @category guards
 * @since 0.1.0
 */
export const inDomain = (d: Domain, x: number): boolean => {
  if (d.values !== undefined) return d.values.includes(x);
  const slack = 1e-12 * Math.max(1, Math.abs(x));
  if (!(x >= d.min - slack && x <= d.max + slack)) return false;
  const m = d.margin ?? 0;
  return (d.avoid ?? []).every((p) => Math.abs(x - p) >= m - slack);
};

/**
 * The flat indices of every line of `shape` along `axis` (negative axes count from the end).
 *
 * @example
 * import { linesAlong } from "typegrad/laws"
 * linesAlong([2, 3], 0) // [[0, 3], [1, 4], [2, 5]]
 * @category operations
 * @since 0.1.0
 */
export const linesAlong = (shape: readonly number[], axis: number): number[][] => {
  const ax = axis < 0 ? axis + shape.length : axis;
  if (!(ax >= 0 && ax < shape.length)) throw new RangeError(`linesAlong: axis ${axis} is out of range for shape [${shape.join(", ")}]`);
  const d = shape[ax] as number;
  const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, ax).reduce((a, b) => a * b, 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out.push(Array.from({ length: d }, (_, j) => o * d * inner + j * inner + i));
  return out;
};

/**
 * True when `data` (of shape `shape`) belongs to the vector domain `d`.
 *
 * @example
 * import { inVectorDomain, probability } from "typegrad/laws"
 * inVectorDomain(probability(0), [2, 1], [0.25, 0.75]) // true
 * @category guards
 * @since 0.1.0
 */
export const inVectorDomain = (d: VectorDomain, shape: readonly number[], data: ArrayLike<number>): boolean =>
  linesAlong(shape, d.axis).every((line) => {
    const v = line.map((i) => data[i] as number);
    if (d.kind === "oneHot") return v.filter((x) => x === 1).length === 1 && v.every((x) => x === 0 || x === 1);
    return v.every((x) => x > 0) && Math.abs(v.reduce((a, b) => a + b, 0) - 1) <= 1e-12 * v.length;
  });
