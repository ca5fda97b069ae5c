/**
 * Axis ticks people read easily: on a linear axis, multiples of 1, 2 or 5 × 10ᵏ that cover the
 * data (the first tick ≤ the smallest value, the last ≥ the largest); on a log axis, powers of
 * ten (with 2× and 5× between them when the data spans few decades). Labels print exactly the
 * digits the step needs, with a true minus sign.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Tick values and their labels, ascending; the axis runs from the first tick to the last. @category model */
export interface Ticks {
  readonly values: readonly number[];
  readonly labels: readonly string[];
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const minus = (s: string): string => s.replace("-", "\u2212");

/** A tick value `i · m · 10ᵖ` computed so that it is the double nearest the decimal. */
const tickValue = (i: number, m: number, p: number): number => (p >= 0 ? i * m * 10 ** p : (i * m) / 10 ** -p);

const label = (v: number, p: number, big: number): string => {
  if (v === 0) return "0";
  if (big >= 1e6 || p < -6)
    return minus(
      v
        .toExponential(Math.max(0, Math.min(20, Math.floor(Math.log10(Math.abs(v)) + 1e-9) - p)))
        .replace(/\.?0+e/, "e")
        .replace("e+", "e"),
    );
  return minus(v.toFixed(Math.max(0, -p)));
};

/**
 * About `count` nice ticks covering `[lo, hi]` (`lo ≤ hi`, both finite). A span of zero (or below
 * 10⁻⁹ of the values, or 10⁻²⁰⁰) is widened around its middle by 10% of it (by 1 around 0). With `integer`, the step is at least 1 (for epochs, counts).
 *
 * @example niceTicks(0.13, 0.92, 5).labels // ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
 * @category operations
 */
export const niceTicks = (lo: number, hi: number, count: number, integer = false): Ticks => {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`niceTicks: arguments 'lo' and 'hi' must be finite with lo ≤ hi, got ${lo} and ${hi}`);
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (hi - lo <= big * 1e-9 || hi - lo < 1e-200) {
    // a span too small to resolve next to the values' size: widen it around the middle
    const mid = lo + (hi - lo) / 2;
    const pad = integer || Math.abs(mid) < 1e-100 ? 1 : Math.abs(mid) * 0.1;
    [lo, hi] = [mid - pad, mid + pad];
  }
  const raw = (hi - lo) / Math.max(1, count);
  let p = Math.floor(Math.log10(raw));
  const r = raw / 10 ** p;
  let m = r >= Math.sqrt(50) ? 10 : r >= Math.sqrt(10) ? 5 : r >= Math.sqrt(2) ? 2 : 1;
  if (m === 10) [m, p] = [1, p + 1];
  if (integer && p < 0) [m, p] = [1, 0];
  const unit = p >= 0 ? m * 10 ** p : m / 10 ** -p;
  let i0 = Math.floor(lo / unit + 1e-9);
  let i1 = Math.ceil(hi / unit - 1e-9);
  if (tickValue(i0, m, p) > lo) i0--;
  if (tickValue(i1, m, p) < hi || i1 === i0) i1++;
  const values: number[] = [];
  if (!(i1 - i0 <= 10 * count + 10)) throw new Error(`niceTicks: internal error, ${i1 - i0} ticks for [${lo}, ${hi}], ${count}`);
  for (let i = i0; i <= i1; i++) values.push(tickValue(i, m, p));
  const top = Math.max(Math.abs(values[0] as number), Math.abs(values[values.length - 1] as number));
  return { values, labels: values.map((v) => label(v, p, top)) };
};

/**
 * Ticks on a log axis covering `[lo, hi]` (`0 < lo ≤ hi`): the powers of ten around the data,
 * and 2× and 5× each power when the data spans at most two decades.
 *
 * @example logTicks(0.02, 0.9).labels // ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"]
 * @category operations
 */
export const logTicks = (lo: number, hi: number): Ticks => {
  if (!(lo > 0) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`logTicks: arguments 'lo' and 'hi' must be finite with 0 < lo ≤ hi, got ${lo} and ${hi}`);
  const e0 = Math.floor(Math.log10(lo) + 1e-9);
  let e1 = Math.ceil(Math.log10(hi) - 1e-9);
  if (e1 === e0) e1++;
  const dense = e1 - e0 <= 2;
  const values: number[] = [];
  const labels: string[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of dense && e < e1 ? [1, 2, 5] : [1]) {
      values.push(tickValue(1, m, e));
      labels.push(e >= -4 && e <= 5 ? minus(e >= 0 ? String(m * 10 ** e) : (m / 10 ** -e).toFixed(-e)) : minus(`${m}e${e}`));
    }
  }
  return { values, labels };
};
