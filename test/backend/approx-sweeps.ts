/**
 * The float32 approximations' worst errors over dense sweeps, against the bounds documented in
 * `src/backend/wasm/assembly/approx.ts`, for whichever build the calling test file loaded (the
 * relaxed-SIMD build evaluates the exp polynomial with fused multiply-adds, the plain one
 * without): `wasm.test.ts` and `wasm-plain.test.ts` both call `approximationSweeps()`.
 */
import { describe, expect, it } from "vitest";
import type { DType, UnaryKernel } from "../../src/backend/backend.js";
import { wasm } from "../../src/backend/wasm/index.js";

/** Units in the last place between two float32 (or float64) values; 0 when both are NaN. */
export const ulps = (a: number, b: number, dtype: DType): number => {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  if (dtype === "float32") {
    const bits = (x: number): number => {
      const i = new Int32Array(new Float32Array([x]).buffer)[0] as number;
      return i < 0 ? -2147483648 - i : i;
    };
    return Math.abs(bits(a) - bits(b));
  }
  const m = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) / (2 ** Math.floor(Math.log2(m)) * 2 ** -52);
};

/** Define the sweep tests (call at the top level of a test file). */
export const approximationSweeps = (): void => {
  describe("float32 approximations: worst error over dense sweeps", () => {
    /** The largest ulp error of `op` over `xs`, against the float64 function rounded to float32. */
    const worst = (op: UnaryKernel, xs: Float32Array, f: (x: number) => number): number => {
      const got = wasm.read(wasm.unary(op, wasm.fromArray("float32", xs)));
      let m = 0;
      for (let i = 0; i < xs.length; i++) m = Math.max(m, ulps(got[i] as number, Math.fround(f(xs[i] as number)), "float32"));
      return m;
    };
    const sweep = (lo: number, hi: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

    it("exp ≤ 1 ulp on [-103.9, 88.7] (subnormal results included)", () => expect(worst("exp", sweep(-103.9, 88.7, 200_001), Math.exp)).toBeLessThanOrEqual(1));
    it("log ≤ 1 ulp from subnormals to the largest float", () => {
      // every 9973rd float32 bit pattern of the positive finite numbers
      const bits = Int32Array.from({ length: Math.floor(2_139_095_039 / 9973) }, (_, i) => 1 + i * 9973);
      expect(worst("log", new Float32Array(bits.buffer), Math.log)).toBeLessThanOrEqual(1);
    });
    it("tanh ≤ 1 ulp", () => expect(worst("tanh", sweep(-10, 10, 200_001), Math.tanh)).toBeLessThanOrEqual(1));
    it("sigmoid ≤ 2 ulp where the result is normal (x ≥ -87)", () => expect(worst("sigmoid", sweep(-87, 88, 200_001), (x) => 1 / (1 + Math.exp(-x)))).toBeLessThanOrEqual(2));
    it("softmax ≤ 8 ulp of float64's where x − max is exact (rows of 1001, x − max down to −40)", () => {
      // multiples of 1/64 in [-20, 20]: x − max is exact in float32, so what is measured is the
      // kernel's exponentials, sum and scaling (6 ulp at worst here; 37 with inexact x − max,
      // where that subtraction's rounding, amplified by the exponential, dominates)
      const R = 64;
      const N = 1001;
      const xs = Float32Array.from({ length: R * N }, (_, i) => Math.round(64 * 20 * Math.sin(i * 0.7)) / 64);
      const got = wasm.read(wasm.softmax(wasm.fromArray("float32", xs), [R, N], 1, false));
      let worst = 0;
      for (let r = 0; r < R; r++) {
        const row = Array.from(xs.subarray(r * N, (r + 1) * N));
        const m = Math.max(...row);
        const s = row.reduce((acc, x) => acc + Math.exp(x - m), 0);
        row.forEach((x, j) => {
          worst = Math.max(worst, ulps(got[r * N + j] as number, Math.fround(Math.exp(x - m) / s), "float32"));
        });
      }
      expect(worst).toBeLessThanOrEqual(8);
    });
    it("sigmoid is within 1.2e-38 of the truth below -87, and 0 where the result would be subnormal (x < -87.34)", () => {
      const xs = sweep(-100, -87, 2001);
      const got = wasm.read(wasm.unary("sigmoid", wasm.fromArray("float32", xs)));
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i] as number;
        expect(Math.abs((got[i] as number) - 1 / (1 + Math.exp(-x)))).toBeLessThan(1.2e-38);
        if (x < -87.34) expect(got[i]).toBe(0);
      }
    });
  });
};
