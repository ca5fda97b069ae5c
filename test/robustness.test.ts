/**
 * Numerical robustness on extreme inputs: logits of ±1e4 and probabilities of exactly 0 and 1.
 * Activations and losses must give finite values and finite gradients (the stable forms by
 * construction, the probability losses by their documented clipping to [eps, 1 − eps], eps =
 * 1e-7), in float32 and float64.
 */
import { describe, expect, it } from "vitest";
import { crossEntropy, type DType, fromArray, grad, logLoss, logLossFromLogits, logSoftmax, logSumExp, mul, sigmoid, softmax, softmaxCrossEntropy, sum, type Tensor, toFlat } from "../src/index.js";

const dtypes: DType[] = ["float32", "float64"];
const finite = (x: Tensor): boolean => toFlat(x).every(Number.isFinite);
const values = (x: Tensor): number[] => Array.from(toFlat(x));
/** Logits `[3, 4]`, columns are examples: huge positive, huge negative, ties, mixed. */
const logits = [1e4, -1e4, 1e4, 0, -1e4, -1e4, 1e4, 1e4, 0, 0, -1e4, -3];
/** A weighting so gradients are not the trivial all-ones cotangent. */
const weights = [0.3, -1.2, 2, 0.7, -0.4, 1.1, 0.05, -2.5, 1, -0.6, 0.9, 0.2];

describe.each(dtypes)("extreme logits, %s", (dtype) => {
  const Z = fromArray([3, 4], logits, { dtype });
  const W = fromArray([3, 4], weights, { dtype });
  const tol = dtype === "float32" ? 1e-6 : 1e-12;

  it("softmax: finite, in [0, 1], columns sum to 1, exact limits", () => {
    const A = softmax(Z, 0);
    expect(finite(A)).toBe(true);
    const a = values(A);
    for (let j = 0; j < 4; j++) expect(Math.abs((a[j] as number) + (a[4 + j] as number) + (a[8 + j] as number) - 1)).toBeLessThan(1e-6);
    expect(a[0]).toBe(1); // column 0: [1e4, -1e4, 0]
    expect(a[4]).toBe(0);
    expect(a[2]).toBeCloseTo(0.5, 6); // column 2: [1e4, 1e4, -1e4]
    const g = grad((z: Tensor<[3, 4]>) => sum(mul(softmax(z, 0), W)))(Z);
    expect(finite(g)).toBe(true);
  });

  it("logSoftmax: finite everywhere, exact where the softmax underflows", () => {
    const L = logSoftmax(Z, 0);
    expect(finite(L)).toBe(true);
    const l = values(L);
    expect(l[0]).toBe(0);
    expect(l[4]).toBe(-2e4);
    expect(l[8]).toBe(-1e4);
    // 1e4 − (1e4 + ln 2): float32 keeps ln 2 to the spacing of floats near 1e4 (about 1e-3)
    expect(Math.abs((l[2] as number) + Math.LN2)).toBeLessThan(dtype === "float32" ? 1e-3 : 1e-11);
    const g = grad((z: Tensor<[3, 4]>) => sum(mul(logSoftmax(z, 0), W)))(Z);
    expect(finite(g)).toBe(true);
  });

  it("logSumExp: finite for ±1e4, max + log(count of ties)", () => {
    const s = values(logSumExp(Z, 0));
    expect(s.every(Number.isFinite)).toBe(true);
    expect(s[0]).toBe(1e4);
    expect(Math.abs((s[2] as number) - (1e4 + Math.LN2)) / 1e4).toBeLessThan(tol);
    const allLow = values(logSumExp(fromArray([2], [-1e4, -1e4], { dtype })));
    expect(Math.abs((allLow[0] as number) - (-1e4 + Math.LN2)) / 1e4).toBeLessThan(tol);
    const g = grad((z: Tensor<[3, 4]>) => sum(logSumExp(z, 0)))(Z);
    expect(finite(g)).toBe(true);
    expect(values(g)[0]).toBe(1);
  });

  it("sigmoid: exactly 0 and 1 at ∓1e4, finite gradient", () => {
    const s = values(sigmoid(fromArray([4], [1e4, -1e4, 0, 40], { dtype })));
    expect(s.slice(0, 3)).toEqual([1, 0, 0.5]);
    const g = grad((z: Tensor<[4]>) => sum(sigmoid(z)))(fromArray([4], [1e4, -1e4, 0, -40], { dtype }));
    expect(finite(g)).toBe(true);
    expect(values(g)[2]).toBe(0.25);
  });
});

describe.each(dtypes)("losses on extreme inputs, %s", (dtype) => {
  const Y = fromArray([3, 4], [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0], { dtype });

  it("softmaxCrossEntropy: finite, the exact cost, gradient (softmax − y)/m", () => {
    const Z = fromArray([3, 4], logits, { dtype });
    const J = softmaxCrossEntropy(Z, Y);
    expect(finite(J)).toBe(true);
    // −log softmax at the true class, per column: [1e4, −1e4, 0] class 0 → 0; [−1e4, −1e4, 0]
    // class 1 → 1e4; [1e4, 1e4, −1e4] class 0 → ln 2; [0, 1e4, −3] class 1 → 0
    const expected = (0 + 1e4 + Math.LN2 + 0) / 4;
    expect(Math.abs((values(J)[0] as number) - expected) / expected).toBeLessThan(1e-6);
    const g = grad((z: Tensor<[3, 4]>) => softmaxCrossEntropy(z, Y))(Z);
    expect(finite(g)).toBe(true);
    const A = values(softmax(Z, 0));
    values(g).forEach((v, i) => {
      expect(Math.abs(v - ((A[i] as number) - (values(Y)[i] as number)) / 4)).toBeLessThan(1e-6);
    });
  });

  it("logLossFromLogits: finite for ±1e4, gradient (σ(z) − y)/m", () => {
    const Z = fromArray([1, 4], [1e4, -1e4, 1e4, -1e4], { dtype });
    const y = fromArray([1, 4], [1, 0, 0, 1], { dtype });
    expect(values(logLossFromLogits(Z, y))[0]).toBe((0 + 0 + 1e4 + 1e4) / 4);
    const g = values(grad((z: Tensor<[1, 4]>) => logLossFromLogits(z, y))(Z));
    expect(g).toEqual([0, 0, 0.25, -0.25]);
  });

  it("logLoss and crossEntropy: probabilities of exactly 0 and 1 are clipped to [eps, 1 − eps]", () => {
    const A = fromArray([1, 4], [1, 0, 0, 1], { dtype });
    const y = fromArray([1, 4], [1, 0, 1, 0], { dtype });
    const J = values(logLoss(A, y))[0] as number;
    expect(Number.isFinite(J)).toBe(true);
    // two confident mistakes, each costs about −log(eps) = 16.1; the right ones cost about eps
    expect(J).toBeGreaterThan((2 * 15.9) / 4);
    expect(J).toBeLessThan((2 * 16.2) / 4);
    expect(finite(grad((a: Tensor<[1, 4]>) => logLoss(a, y))(A))).toBe(true);
    const P = fromArray([2, 2], [1, 0, 0, 1], { dtype });
    const T = fromArray([2, 2], [0, 0, 1, 1], { dtype });
    const C = values(crossEntropy(P, T))[0] as number;
    expect(Math.abs(C - -Math.log(1e-7) / 2)).toBeLessThan(0.01);
    expect(finite(grad((a: Tensor<[2, 2]>) => crossEntropy(a, T))(P))).toBe(true);
  });
});
