/** The bench's `fit` against the core step (`npm run bench -- --only step`), run at smoke size: one round, no warm-up. */
import { describe, expect, it } from "vitest";
import { fitAgainstCore, fitVsCoreCpu, spread } from "../../bench/typegrad.js";
import { MLP } from "../../bench/workloads.js";

describe("bench/typegrad fit rows (smoke)", () => {
  it("times every form of a round: core block and step, the hand-sliced loop, fit's epoch and batch", () => {
    const [r, ...rest] = fitAgainstCore(MLP, 1, 0);
    expect(rest).toHaveLength(0);
    for (const k of ["block", "step", "fresh", "epoch", "batch"] as const) {
      expect(r?.[k], k).toBeGreaterThan(0);
      expect(Number.isFinite(r?.[k]), k).toBe(true);
    }
  });

  it("compares fit with the core step in CPU time on one thread, with the ratios' quartiles", () => {
    const c = fitVsCoreCpu(MLP, 2);
    expect(c.core_ms).toBeGreaterThan(0);
    expect(c.fit_ms).toBeGreaterThan(0);
    expect(c.ratio.q1).toBeLessThanOrEqual(c.ratio.median);
    expect(c.ratio.median).toBeLessThanOrEqual(c.ratio.q3);
  });

  it("spread: the median and quartiles of the sorted values", () => {
    expect(spread([5, 1, 3, 2, 4])).toEqual({ median: 3, q1: 2, q3: 4 });
    expect(spread([7])).toEqual({ median: 7, q1: 7, q3: 7 });
  });
});
