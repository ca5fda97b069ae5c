/**
 * Inverted dropout, in `dense` and standalone: in training each unit is kept with probability
 * `1 − rate` and the kept ones are scaled by `1 / (1 − rate)` (not `1 / rate`, not unscaled), so the
 * expected activation is unchanged and inference needs no rescaling; the gradient flows through the
 * same mask. Rates other than 0.5 tell `1 / (1 − rate)` from `1 / rate`.
 */
import { describe, expect, test } from "vitest";
import { grad } from "../../src/autodiff/vjp.js";
import { dense } from "../../src/nn/dense.js";
import { dropout } from "../../src/nn/dropout.js";
import { sum } from "../../src/ops/sum.js";
import { toFlat } from "../../src/tensor/create.js";
import { randn, rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;

/** Every element of `out` is 0 or `base / keep` (to rounding); returns the fraction kept. */
const invertedDropoutOf = (out: ArrayLike<number>, base: ArrayLike<number>, keep: number): number => {
  let kept = 0;
  for (let i = 0; i < out.length; i++) {
    const o = out[i] as number;
    const b = base[i] as number;
    if (o === 0) continue;
    kept++;
    expect(Math.abs(o - b / keep), `element ${i}: ${o}, expected 0 or ${b} / ${keep}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(o)));
  }
  return kept / out.length;
};

describe("inverted dropout", () => {
  for (const rate of [0.2, 0.7]) {
    test(`dense(…, { dropout: ${rate} }): kept units scaled by 1/(1 − rate), mask in the cache, kept fraction ≈ 1 − rate`, () => {
      const layer = dense(6, 40, { activation: "tanh", dropout: rate });
      const p = layer.init(rng(0), f64);
      const X = randn(rng(1), [6, 50], f64);
      const [A, cache] = layer.forward(p, X, { training: true, rng: rng(2) });
      // cache.A is g(Z) before dropout; A is what the next layer sees
      const kept = invertedDropoutOf(toFlat(A), toFlat(cache.A), 1 - rate);
      expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.05);
      const mask = toFlat(cache.mask as Tensor);
      expect(new Set(Array.from(mask, (v) => (v === 0 ? 0 : Math.round(v * (1 - rate) * 1e9) / 1e9)))).toEqual(new Set([0, 1]));
      // inference: no dropout, no rescaling
      expect(toFlat(layer.apply(p, X))).toEqual(toFlat(cache.A));
      // backward: dA flows through the same mask, dZ = dA ⊙ mask ⊙ tanh'(Z), db = mean over examples
      const dA = randn(rng(3), [40, 50], f64);
      const { db } = layer.backward(p, dA, cache);
      const G = toFlat(cache.A);
      const dAf = toFlat(dA);
      const want = Array.from({ length: 40 }, (_, u) => {
        let s = 0;
        for (let j = 0; j < 50; j++) {
          const k = u * 50 + j;
          s += (dAf[k] as number) * (mask[k] as number) * (1 - (G[k] as number) ** 2);
        }
        return s / 50;
      });
      toFlat(db).forEach((v, u) => {
        expect(v).toBeCloseTo(want[u] as number, 10);
      });
    });

    test(`dropout(A, ${rate}): 0 or A/(1 − rate) in training, A itself at inference, grad through the mask`, () => {
      const A = randn(rng(4), [30, 40], f64);
      const out = toFlat(dropout(A, rate, { training: true, rng: rng(9) }));
      const kept = invertedDropoutOf(out, toFlat(A), 1 - rate);
      expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.05);
      expect(dropout(A, rate)).toBe(A);
      expect(dropout(A, rate, { training: false, rng: rng(9) })).toBe(A);
      // the same draws: d/dA Σ dropout(A) is the mask itself, 0 or 1/(1 − rate)
      const g = toFlat(grad((x: Tensor<[30, 40]>) => sum(dropout(x, rate, { training: true, rng: rng(9) })))(A));
      g.forEach((v, i) => {
        expect(v === 0 ? Math.abs(out[i] as number) : Math.abs(v - 1 / (1 - rate))).toBeLessThan(1e-12);
      });
    });
  }

  test("rate 0 in training is the identity", () => {
    const A = randn(rng(4), [3, 4], f64);
    expect(dropout(A, 0, { training: true, rng: rng(1) })).toBe(A);
  });
});
