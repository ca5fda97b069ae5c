/**
 * The error models of the law specs (src/ops/spec.ts): the forward tolerance follows the
 * documented formula `TOLERANCE_SAFETY · 2u · (ulps + terms · magnitude)` per dtype, and
 * `inputDims` counts the terms from a case's shapes.
 */
import { describe, expect, it } from "vitest";
import { type Case, domains, errorTolerance, inputDims, oneRounding, TOLERANCE_SAFETY, unitRoundoff } from "../../src/ops/spec.js";

const c: Case<void> = {
  inputs: [
    { shape: [2, 3, 4], domain: domains.real },
    { shape: [5, 7], domain: domains.real },
  ],
  params: undefined,
};

describe("errorTolerance", () => {
  it("one rounding: TOLERANCE_SAFETY · 2u · ulps, per dtype", () => {
    expect(errorTolerance({ ulps: oneRounding }, c, "float32")).toBe(TOLERANCE_SAFETY * 2 * 2 ** -24 * 0.5);
    expect(errorTolerance({ ulps: oneRounding }, c, "float64")).toBe(TOLERANCE_SAFETY * 2 * 2 ** -53 * 0.5);
  });

  it("adds terms · magnitude (magnitude 1 when not given)", () => {
    const terms = (k: Case<void>): number => inputDims(k, 1, 0);
    // 35 terms of magnitude 9
    expect(errorTolerance({ ulps: oneRounding, terms, magnitude: 9 }, c, "float32")).toBe(TOLERANCE_SAFETY * 2 * unitRoundoff.float32 * (0.5 + 35 * 9));
    expect(errorTolerance({ ulps: oneRounding, terms }, c, "float64")).toBe(TOLERANCE_SAFETY * 2 * unitRoundoff.float64 * (0.5 + 35));
  });
});

describe("inputDims", () => {
  it("multiplies dims from..to (end exclusive) of one input, or to the end", () => {
    expect(inputDims(c, 0, 1, 3)).toBe(12);
    expect(inputDims(c, 0, 0)).toBe(24);
    expect(inputDims(c, 1, 1)).toBe(7);
    expect(inputDims(c, 0, 1, 2)).toBe(3);
  });

  it("is the empty product, 1, for an empty range or a missing input", () => {
    expect(inputDims(c, 0, 3)).toBe(1);
    expect(inputDims(c, 2, 0)).toBe(1);
    expect(inputDims({ inputs: [], params: undefined }, 0, 0, 2)).toBe(1);
  });
});
