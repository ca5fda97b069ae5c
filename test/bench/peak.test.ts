/** `npx tsx bench/peak.ts`: the SIMD128 peak of one core and the MLP step's products against it, run at smoke sizes. */
import { describe, expect, it } from "vitest";
import { measurePeak, measureProducts, PRODUCTS } from "../../bench/peak.js";

describe("bench/peak (smoke)", () => {
  it("builds and runs the peak loops (the plain ones at least: relaxed SIMD needs an engine flag this process lacks)", () => {
    const peaks = measurePeak(true);
    expect(peaks.map((p) => p.kernel)).toEqual(expect.arrayContaining(["f32x4 mul + add", "f64x2 mul + add"]));
    for (const p of peaks) expect(p.gflops, p.kernel).toBeGreaterThan(0);
  });

  it("times each of the step's eight products", async () => {
    const rows = await measureProducts(true);
    expect(rows).toHaveLength(PRODUCTS.length);
    for (const r of rows) {
      expect(r.ms, r.name).toBeGreaterThan(0);
      expect(Number.isFinite(r.gflops), r.name).toBe(true);
    }
  });
});
