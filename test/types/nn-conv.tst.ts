/**
 * Image layers in the typed `sequential`: per-example shapes computed in the layers' types, the
 * chain checked against them (a mismatch names both shapes at the wrong layer), parameters typed.
 */
import { describe, expect, test } from "tstyche";
import {
  avgPool2dLayer,
  type BatchNormParams,
  batchNormLayer,
  conv2dLayer,
  dense,
  flattenLayer,
  globalAvgPool2dLayer,
  maxPool2dLayer,
  reshapeLayer,
  rng,
  sequential,
  type Tensor,
} from "../../src/index.js";

declare const X: Tensor<["m", 784]>;

describe("image layers", () => {
  test("output shapes are computed in the types", () => {
    expect(conv2dLayer([28, 28, 1], 6, 5).nOut).type.toBe<[24, 24, 6]>();
    expect(conv2dLayer([28, 28, 1], 16, 3, { stride: 2, padding: "same" }).nOut).type.toBe<[14, 14, 16]>();
    expect(maxPool2dLayer([24, 24, 6], 2).nOut).type.toBe<[12, 12, 6]>();
    expect(avgPool2dLayer([24, 24, 6], 3, { stride: 2, padding: "same" }).nOut).type.toBe<[12, 12, 6]>();
    expect(globalAvgPool2dLayer([7, 7, 64]).nOut).type.toBe<64>();
    expect(flattenLayer([4, 4, 16]).nOut).type.toBe<256>();
    expect(reshapeLayer([28, 28, 1]).nIn).type.toBe<784>();
    expect(conv2dLayer([28, 28, 8], 16, 3, { groups: 8 }).init(rng(0)).W).type.toBe<Tensor<[3, 3, 1, 16]>>();
  });
  test("a window that does not fit is an error at the kernel", () => {
    // @ts-expect-error conv2d: the window does not fit the input height ([1, 4, 28, 1], kernel [5, 5, 1, 6])
    conv2dLayer([4, 28, 1], 6, 5);
    // @ts-expect-error avgPool2dLayer: the window 3×3 does not fit the input height ([1, 2, 8, 3])
    avgPool2dLayer([2, 8, 3], 3);
  });
});

describe("sequential with image layers", () => {
  test("LeNet: a checked chain from flat rows to logits", () => {
    const net = sequential([
      reshapeLayer([28, 28, 1]),
      conv2dLayer([28, 28, 1], 6, 5, { activation: "relu", padding: "same" }),
      maxPool2dLayer([28, 28, 6], 2),
      conv2dLayer([14, 14, 6], 16, 5, { activation: "relu" }),
      batchNormLayer([10, 10, 16]),
      maxPool2dLayer([10, 10, 16], 2),
      flattenLayer([5, 5, 16]),
      dense(400, 120, { activation: "relu", layout: "rows" }),
      dense(120, 10, { layout: "rows" }),
    ]);
    const p = net.init(rng(0));
    expect(p[1].W).type.toBe<Tensor<[5, 5, 1, 6]>>();
    expect(p[4].gamma).type.toBe<Tensor<[16]>>();
    // its parameters are the four named ones: a misspelt name does not compile (before, an index signature typed it as a Tensor)
    expect(p[4]).type.not.toHaveProperty("gama");
    expect(batchNormLayer([10, 10, 16]).init(rng(0))).type.toBe<BatchNormParams<16>>();
    expect(p[7].W).type.toBe<Tensor<[400, 120]>>();
    expect(net.apply(p, X)).type.toBe<Tensor<["m", 10]>>();
  });
  test("a shape mismatch names both shapes at the wrong layer", () => {
    sequential([
      conv2dLayer([28, 28, 1], 16, 3),
      // @ts-expect-error sequential: layer 1 takes [13, 13, 16] but layer 0 gives [26, 26, 16]
      maxPool2dLayer([13, 13, 16], 2),
    ]);
    sequential([
      conv2dLayer([8, 8, 1], 4, 3),
      // @ts-expect-error sequential: layer 1 takes [144] but layer 0 gives [6, 6, 4]
      dense(144, 10, { layout: "rows" }),
    ]);
    sequential([
      conv2dLayer([8, 8, 1], 4, 3),
      globalAvgPool2dLayer([6, 6, 4]),
      // @ts-expect-error sequential: layer 2 takes 5 inputs but layer 1 gives 4
      dense(5, 10, { layout: "rows" }),
    ]);
    // a global pool feeds dense rows
    expect(sequential([conv2dLayer([8, 8, 1], 4, 3), globalAvgPool2dLayer([6, 6, 4]), dense(4, 10, { layout: "rows" })]).nOut).type.toBe<10>();
  });
});
