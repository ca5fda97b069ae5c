/**
 * Ticks: nice steps (1, 2 or 5 × 10ᵏ), evenly spaced, covering the data, labels that read back
 * as the values; log ticks at powers of ten around the data.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { logTicks, niceTicks } from "../../src/plot/ticks.js";
import { isNiceStep } from "./xml.js";

const read = (label: string): number => Number(label.replace("\u2212", "-"));

describe("niceTicks", () => {
  test("examples", () => {
    expect(niceTicks(0.13, 0.92, 5).labels).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    expect(niceTicks(1, 12, 6, true).values).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(1, 3, 10, true).values).toEqual([1, 2, 3]);
    expect(niceTicks(-3.2, 4.1, 6).labels[0]).toBe("\u22124");
    expect(niceTicks(0.3, 0.7, 4).values).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(2, 2, 5).values[0]).toBeLessThan(2);
  });

  test("nice, evenly spaced, covering the data, about `count` of them, labels read back", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e-3, noNaN: true })),
        fc.integer({ min: 2, max: 12 }),
        fc.boolean(),
        (lo, span, count, integer) => {
          const hi = lo + span;
          const t = niceTicks(lo, hi, count, integer);
          const v = t.values;
          expect(v.length).toBeGreaterThanOrEqual(2);
          expect(v.length).toBeLessThanOrEqual(3 * count + 3);
          expect(v[0] as number).toBeLessThanOrEqual(lo);
          expect(v[v.length - 1] as number).toBeGreaterThanOrEqual(hi);
          const step = (v[1] as number) - (v[0] as number);
          // each tick is the double nearest its decimal (half an ulp of |v| off), so the difference
          // of two is off by up to an ulp of |v|: for a step near 1e-9·|v| that is 1e-7 of it
          const ulps = (4 * Number.EPSILON * Math.max(Math.abs(v[0] as number), Math.abs(v[1] as number))) / step;
          expect(isNiceStep(step, ulps)).toBe(true);
          if (integer) expect(step).toBeGreaterThanOrEqual(1);
          for (let i = 1; i < v.length; i++) expect(Math.abs((v[i] as number) - (v[i - 1] as number) - step)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v[i] as number)));
          // the ticks overshoot the data by less than one step at each end (a span too small to
          // resolve is widened: judged, as niceTicks judges it, on hi − lo as computed, which may
          // differ from \`span\` by the rounding of lo + span)
          const resolved = hi - lo > 1e-9 * Math.max(Math.abs(lo), Math.abs(hi)) && hi - lo >= 1e-200;
          if (resolved) expect(lo - (v[0] as number)).toBeLessThan(step * (1 + 1e-9));
          if (resolved) expect((v[v.length - 1] as number) - hi).toBeLessThan(step * (1 + 1e-9));
          t.labels.forEach((l, i) => {
            expect(Math.abs(read(l) - (v[i] as number))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v[i] as number)));
          });
          expect(new Set(t.labels).size).toBe(t.labels.length);
        },
      ),
      // found by random runs: span is 1e-9·|lo| to one ulp above, lo + span rounds back under it;
      // span just above 1e-9·|lo|, the ticks' differences hold 6 digits of the step
      {
        examples: [
          [-1.3817869297355066e-76, 1.381786929735507e-85, 2, false],
          [-1.4825990630000002e-98, 1.482599025765991e-107, 2, false],
        ],
      },
    );
  });

  test("rejects a reversed or infinite range", () => {
    expect(() => niceTicks(2, 1, 5)).toThrow(RangeError);
    expect(() => niceTicks(0, Infinity, 5)).toThrow("niceTicks: arguments 'lo' and 'hi' must be finite");
  });
});

describe("logTicks", () => {
  test("examples", () => {
    expect(logTicks(0.02, 0.9).labels).toEqual(["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"]);
    expect(logTicks(1e-5, 3).labels).toEqual(["1e\u22125", "0.0001", "0.001", "0.01", "0.1", "1", "10"]);
  });
  test("powers of ten covering the data, labels read back", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1e12, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }), (lo, ratio) => {
        const hi = lo * ratio;
        fc.pre(Number.isFinite(hi));
        const t = logTicks(lo, hi);
        const v = t.values;
        expect(v[0] as number).toBeLessThanOrEqual(lo * (1 + 1e-12));
        expect(v[v.length - 1] as number).toBeGreaterThanOrEqual(hi * (1 - 1e-12));
        expect(Math.log10(v[0] as number) % 1).toBeCloseTo(0, 9);
        expect(Math.log10(v[v.length - 1] as number) % 1).toBeCloseTo(0, 9);
        t.labels.forEach((l, i) => {
          expect(read(l.replace("e\u2212", "e-"))).toBeCloseTo(v[i] as number, 12);
        });
      }),
    );
  });
  test("rejects values ≤ 0", () => {
    expect(() => logTicks(0, 1)).toThrow("logTicks: arguments 'lo' and 'hi' must be finite with 0 < lo ≤ hi");
  });
});
