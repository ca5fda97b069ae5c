/**
 * An axis: its domain (from the first tick to the last), ticks, scale type and title, and the
 * map from data values to pixels.
 *
 * @module
 */
import { logTicks, niceTicks, type Ticks } from "./ticks.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One axis of a panel. @category model */
export interface Axis {
  readonly ticks: Ticks;
  readonly log: boolean;
  readonly title: string;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An axis covering the finite `values` (all of them positive when `log`); with none, `[0, 1]`.
 *
 * @example axis([1, 2, 3], { title: "epoch", count: 5, integer: true }).ticks.values // [1, 2, 3]
 * @category constructors
 */
export const axis = (values: Iterable<number>, opts: { readonly title: string; readonly count: number; readonly log?: boolean; readonly integer?: boolean }): Axis => {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const log = opts.log === true;
  if (lo > hi) [lo, hi] = log ? [0.1, 1] : [0, 1];
  return { ticks: log ? logTicks(lo, hi) : niceTicks(lo, hi, opts.count, opts.integer === true), log, title: opts.title };
};

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** The first and last tick. @example domain(axis([0.3, 0.7], { title: "", count: 4 })) // [0.3, 0.7] @category operations */
export const domain = (a: Axis): readonly [number, number] => [a.ticks.values[0] as number, a.ticks.values[a.ticks.values.length - 1] as number];

/**
 * The map from a value to a pixel, `from` at the axis's first tick and `to` at its last.
 *
 * @example scale(axis([0, 10], { title: "", count: 5 }), 0, 100)(5) // 50
 * @category operations
 */
export const scale = (a: Axis, from: number, to: number): ((v: number) => number) => {
  const [lo, hi] = domain(a);
  if (a.log) {
    const [l0, l1] = [Math.log10(lo), Math.log10(hi)];
    return (v) => from + ((Math.log10(v) - l0) / (l1 - l0)) * (to - from);
  }
  return (v) => from + ((v - lo) / (hi - lo)) * (to - from);
};
