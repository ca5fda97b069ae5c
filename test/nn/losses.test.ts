/**
 * Costs: values against hand-computed references, the fused forms against the unfused ones where
 * both are finite, stability at logits of ±1e4, the gradient `(softmax(z) − y)/m`, and the
 * initialisers' statistics.
 */
import { describe, expect, test } from "vitest";
import { allClose } from "../../laws/approx.js";
import { grad } from "../../src/autodiff/vjp.js";
import { crossEntropy, initializers, logLoss, logLossFromLogits, mse, softmaxCrossEntropy } from "../../src/nn/index.js";
import { div } from "../../src/ops/div.js";
import { sigmoid } from "../../src/ops/sigmoid.js";
import { softmax } from "../../src/ops/softmax.js";
import { softplus } from "../../src/ops/softplus.js";
import { sub } from "../../src/ops/sub.js";
import { ShapeError } from "../../src/shape/dims.js";
import { fromArray, item, tensor, toFlat, zeros } from "../../src/tensor/create.js";
import { randn, rng } from "../../src/tensor/random.js";

const f64 = { dtype: "float64" } as const;

describe("losses", () => {
  test("log-loss from probabilities is −(1/m) Σ y log a + (1−y) log(1−a)", () => {
    const A = tensor([[0.9, 0.2, 0.6]], f64);
    const Y = tensor([[1, 0, 0]], f64);
    const want = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3;
    expect(item(logLoss(A, Y))).toBeCloseTo(want, 12);
    // rows layout: the same examples as a column
    expect(item(logLoss(tensor([[0.9], [0.2], [0.6]], f64), tensor([[1], [0], [0]], f64), { layout: "rows" }))).toBeCloseTo(want, 12);
  });

  test("log-loss clips: a = 0 with y = 1 costs −log(eps)/m, not ∞", () => {
    const v = item(logLoss(tensor([[0, 1]], f64), tensor([[1, 1]], f64), { eps: 1e-7 }));
    expect(v).toBeCloseTo(-Math.log(1e-7) / 2, 6);
  });

  test("fused log-loss equals log-loss of the sigmoid, and stays finite with gradient (σ(z) − y)/m at ±1e4", () => {
    const g = rng(1);
    const Z = randn(g, [1, 8], f64);
    const Y = fromArray([1, 8], [1, 0, 1, 1, 0, 0, 1, 0], f64);
    expect(item(logLossFromLogits(Z, Y))).toBeCloseTo(item(logLoss(sigmoid(Z), Y, { eps: 1e-300 })), 12);
    const big = tensor([[1e4, -1e4, 1e4, -1e4]], f64);
    const Yb = tensor([[1, 0, 0, 1]], f64);
    expect(item(logLossFromLogits(big, Yb))).toBeCloseTo((1e4 + 1e4) / 4, 6);
    const dZ = grad((z: typeof big) => logLossFromLogits(z, Yb))(big);
    expect(Array.from(toFlat(dZ))).toEqual([0, 0, 0.25, -0.25]);
  });

  test("softplus(z) = log(1 + e^z) without overflow", () => {
    expect(Array.from(toFlat(softplus(tensor([-1e4, 0, 1e4], f64))))).toEqual([0, Math.log(2), 1e4]);
  });

  test("softmax cross-entropy: fused = unfused, stable at ±1e4, gradient (softmax(z) − y)/m", () => {
    const g = rng(2);
    const Z = randn(g, [4, 5], f64);
    const Y = fromArray([4, 5], [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0], f64);
    expect(item(softmaxCrossEntropy(Z, Y))).toBeCloseTo(item(crossEntropy(softmax(Z, 0), Y, { eps: 1e-300 })), 12);
    const dZ = grad((z: typeof Z) => softmaxCrossEntropy(z, Y))(Z);
    expect(allClose(toFlat(dZ), toFlat(div(sub(softmax(Z, 0), Y), 5)), 1e-12)).toBe(true);
    const big = tensor(
      [
        [1e4, -1e4],
        [-1e4, 1e4],
        [0, 0],
      ],
      f64,
    );
    const Yb = tensor(
      [
        [0, 0],
        [1, 1],
        [0, 0],
      ],
      f64,
    );
    expect(item(softmaxCrossEntropy(big, Yb))).toBeCloseTo(2e4 / 2, 6);
    const g2 = toFlat(grad((z: typeof big) => softmaxCrossEntropy(z, Yb))(big));
    expect(g2.every(Number.isFinite)).toBe(true);
    expect(Array.from(g2)).toEqual([0.5, 0, -0.5, 0, 0, 0]);
    // rows layout: classes on the last axis
    const R = randn(g, [5, 4], f64);
    const YR = fromArray(
      [5, 4],
      Array.from(toFlat(Y)).map((_, i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0)),
      f64,
    );
    const dR = grad((z: typeof R) => softmaxCrossEntropy(z, YR, { layout: "rows" }))(R);
    expect(allClose(toFlat(dR), toFlat(div(sub(softmax(R, 1), YR), 5)), 1e-12)).toBe(true);
  });

  test("MSE is (1/m) Σ (a − y)² and mismatched shapes are refused with the function's name", () => {
    expect(
      item(
        mse(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            f64,
          ),
          tensor(
            [
              [0, 0],
              [0, 0],
            ],
            f64,
          ),
        ),
      ),
    ).toBeCloseTo(30 / 2, 12);
    expect(() => mse(tensor([[1, 2]]), tensor([[1], [2]]) as never)).toThrow(/mse: predictions \[1, 2\] and targets \[2, 1\]/);
  });

  test("an empty batch (m = 0) is refused naming the loss and the examples' axis, not a NaN cost", () => {
    const losses = [
      ["logLoss", logLoss],
      ["logLossFromLogits", logLossFromLogits],
      ["mse", mse],
      ["crossEntropy", crossEntropy],
      ["softmaxCrossEntropy", softmaxCrossEntropy],
    ] as const;
    for (const [fn, loss] of losses) {
      // before: NaN (0 · 1/0)
      expect(() => loss(zeros([3, 0]), zeros([3, 0]))).toThrow(
        new ShapeError(fn, 'predictions and targets [3, 0] hold no examples (m = 0 on axis 1, the examples\' axis with layout "columns"): a cost is a mean over at least one example'),
      );
      expect(() => loss(zeros([0, 3]), zeros([0, 3]), { layout: "rows" })).toThrow(/hold no examples \(m = 0 on axis 0, the examples' axis with layout "rows"\)/);
      // no units but some examples is a sum over nothing: 0, as before
      expect(Math.abs(item(loss(zeros([0, 2]), zeros([0, 2]))))).toBe(0);
    }
  });
});

describe("initialisers", () => {
  const stats = (a: ArrayLike<number>) => {
    let s = 0;
    let s2 = 0;
    let mx = 0;
    for (let i = 0; i < a.length; i++) {
      const v = a[i] as number;
      s += v;
      s2 += v * v;
      mx = Math.max(mx, Math.abs(v));
    }
    return { mean: s / a.length, std: Math.sqrt(s2 / a.length - (s / a.length) ** 2), max: mx };
  };
  const fans = { fanIn: 400, fanOut: 100 };
  test.each([
    ["small", 0.01, Infinity],
    ["xavierNormal", Math.sqrt(2 / 500), Infinity],
    ["xavierUniform", Math.sqrt(6 / 500) / Math.sqrt(3), Math.sqrt(6 / 500)],
    ["he", Math.sqrt(2 / 400), Infinity],
    ["heUniform", Math.sqrt(6 / 400) / Math.sqrt(3), Math.sqrt(6 / 400)],
  ] as const)("%s has the documented deviation", (name, std, bound) => {
    const W = initializers[name](rng(0), [100, 400], fans, f64);
    const s = stats(toFlat(W));
    expect(Math.abs(s.mean)).toBeLessThan(std / 20);
    expect(s.std / std).toBeGreaterThan(0.97);
    expect(s.std / std).toBeLessThan(1.03);
    expect(s.max).toBeLessThanOrEqual(bound);
  });
  test("zeros are zeros", () => {
    expect(stats(toFlat(initializers.zeros(rng(0), [3, 4], fans))).max).toBe(0);
  });
});
