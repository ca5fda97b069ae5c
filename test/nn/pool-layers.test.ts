/**
 * The average-pooling layers: what they compute, forward and backward (a mean spreads its
 * cotangent evenly), that `avgPool2dLayer` averages where `maxPool2dLayer` picks the largest, and
 * that their errors name them.
 */
import { describe, expect, it } from "vitest";
import { avgPool2dLayer, globalAvgPool2dLayer, maxPool2dLayer } from "../../src/nn/conv.js";
import { tensor, toArray, zeros } from "../../src/tensor/create.js";

const f64 = { dtype: "float64" } as const;
// one 2×2 image, 2 channels: channel 0 is 1..4, channel 1 is 10·(1..4)
const X = tensor(
  [
    [
      [
        [1, 10],
        [2, 20],
      ],
      [
        [3, 30],
        [4, 40],
      ],
    ],
  ],
  f64,
);

describe("average pooling layers", () => {
  it("avgPool2dLayer averages each window; maxPool2dLayer takes its largest", () => {
    expect(avgPool2dLayer([2, 2, 2], 2).kind).toBe("avgPool2d");
    expect(toArray(avgPool2dLayer([2, 2, 2], 2).apply({}, X))).toEqual([[[[2.5, 25]]]]);
    expect(toArray(maxPool2dLayer([2, 2, 2], 2).apply({}, X))).toEqual([[[[4, 40]]]]);
  });
  it("globalAvgPool2dLayer: the mean of each channel, [m, C]; its backward spreads dA over the image", () => {
    const gap = globalAvgPool2dLayer([2, 2, 2]);
    expect(gap.kind).toBe("globalAvgPool2d");
    expect(gap.init(undefined as never)).toEqual({});
    expect(toArray(gap.apply({}, X))).toEqual([[2.5, 25]]);
    const [A, cache] = gap.forward({}, X);
    expect(toArray(A)).toEqual([[2.5, 25]]);
    const g = gap.backward({}, tensor([[4, 8]], f64), cache);
    expect(toArray(g.dA_prev as never)).toEqual([
      [
        [
          [1, 2],
          [1, 2],
        ],
        [
          [1, 2],
          [1, 2],
        ],
      ],
    ]);
  });
  it("their errors name them", () => {
    expect(() => avgPool2dLayer([2, 2, 2], 2).apply({}, zeros([1, 2, 2, 3]) as never)).toThrow("avgPool2dLayer.apply: A_prev has shape [1, 2, 2, 3], expected [m, 2, 2, 2] (rows are examples)");
    expect(() => avgPool2dLayer([2, 2] as never, 2 as never)).toThrow("avgPool2dLayer: argument 'inShape' must be [height, width, channels] (integers ≥ 1), got [2,2]");
    expect(() => globalAvgPool2dLayer([2, 2, 2]).apply({}, zeros([1, 2, 2]) as never)).toThrow("globalAvgPool2dLayer.apply: A_prev has shape [1, 2, 2], expected [m, 2, 2, 2] (rows are examples)");
    expect(() => globalAvgPool2dLayer([2, 2] as never)).toThrow("globalAvgPool2dLayer: argument 'inShape' must be [height, width, channels] (integers ≥ 1), got [2,2]");
  });
});
