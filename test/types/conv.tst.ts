/**
 * Convolution and pooling shapes (NHWC): the output size `floor((H + 2p − d(k − 1) − 1) / s) + 1`
 * exact at the type level, `"same"` padding `ceil(H / s)`, a named batch dim passing through, and
 * a channel mismatch reported at the kernel argument naming `conv2d` and both shapes.
 */
import { describe, expect, test } from "tstyche";
import { avgPool2d, batchNorm, conv1d, conv2d, conv2dTranspose, flatten, globalAvgPool2d, type Mismatch, maxPool2d, type Tensor } from "../../src/index.js";
import type { Channels, Conv1d, Conv2d, Conv2dTranspose, ConvSize, ConvTransposeSize, GlobalPool2d, Pool2d } from "../../src/shape/conv.js";

describe("ConvSize (the arithmetic)", () => {
  test("valid, explicit padding, stride, dilation", () => {
    expect<ConvSize<28, 5, 1, 0, 1>>().type.toBe<24>();
    expect<ConvSize<28, 3, 1, 1, 1>>().type.toBe<28>();
    expect<ConvSize<28, 3, 2, 0, 1>>().type.toBe<13>();
    expect<ConvSize<224, 7, 2, 3, 1>>().type.toBe<112>();
    expect<ConvSize<13, 3, 2, 1, 2>>().type.toBe<6>();
    expect<ConvSize<10000, 3, 3, 0, 1>>().type.toBe<3333>();
  });
  test("same padding is ceil(H / s)", () => {
    expect<ConvSize<28, 5, 1, "same", 1>>().type.toBe<28>();
    expect<ConvSize<27, 3, 2, "same", 1>>().type.toBe<14>();
  });
  test("a window wider than the padded input is never; an unknown size is number", () => {
    expect<ConvSize<4, 5, 1, 0, 1>>().type.toBe<never>();
    expect<ConvSize<5, 3, 1, 0, 3>>().type.toBe<never>();
    expect<ConvSize<number, 3, 1, 0, 1>>().type.toBe<number>();
  });
  test("transposed sizes", () => {
    expect<ConvTransposeSize<7, 3, 2, "same", 1>>().type.toBe<14>();
    expect<ConvTransposeSize<13, 3, 2, 0, 1>>().type.toBe<27>();
    expect<ConvTransposeSize<13, 3, 2, 1, 1>>().type.toBe<25>();
  });
});

describe("Conv2d (the rule)", () => {
  test("LeNet's convolutions, a named batch dim passing through", () => {
    expect<Conv2d<["m", 28, 28, 1], [5, 5, 1, 6]>>().type.toBe<["m", 24, 24, 6]>();
    expect<Conv2d<[64, 12, 12, 6], [5, 5, 6, 16]>>().type.toBe<[64, 8, 8, 16]>();
    expect<Conv2d<["m", 28, 28, 1], [5, 5, 1, 6], { padding: "same" }>>().type.toBe<["m", 28, 28, 6]>();
  });
  test("stride, dilation and padding per axis", () => {
    expect<Conv2d<["m", 28, 28, 3], [3, 3, 3, 8], { stride: 2; padding: 1 }>>().type.toBe<["m", 14, 14, 8]>();
    expect<Conv2d<["m", 28, 20, 3], [3, 3, 3, 8], { stride: [1, 2]; dilation: [2, 1] }>>().type.toBe<["m", 24, 9, 8]>();
    expect<Conv2d<["m", 10, 10, 3], [3, 3, 3, 8], { padding: [1, 0] }>>().type.toBe<["m", 10, 8, 8]>();
  });
  test("groups: depthwise", () => {
    expect<Conv2d<["m", 12, 12, 16], [3, 3, 1, 16], { groups: 16 }>>().type.toBe<["m", 10, 10, 16]>();
    expect<Conv2d<["m", 12, 12, 16], [3, 3, 4, 8], { groups: 4 }>>().type.toBe<["m", 10, 10, 8]>();
  });
  test("unknown sizes stay unknown", () => {
    expect<Conv2d<["m", number, 28, 1], [5, 5, 1, 6]>>().type.toBe<["m", number, 24, 6]>();
  });
  test("mismatches name conv2d and both shapes", () => {
    expect<Conv2d<["m", 28, 28, 3], [5, 5, 1, 6]>>().type.toBe<Mismatch<"conv2d: the kernel [5, 5, 1, 6] takes 1 input channels but the input ['m', 28, 28, 3] has 3">>();
    expect<Conv2d<["m", 12, 12, 16], [3, 3, 2, 16], { groups: 16 }>>().type.toBe<Mismatch<"conv2d: the kernel [3, 3, 2, 16] takes 32 input channels but the input ['m', 12, 12, 16] has 16">>();
    expect<Conv2d<["m", 4, 28, 1], [5, 5, 1, 6]>>().type.toBe<Mismatch<"conv2d: the window does not fit the input height (['m', 4, 28, 1], kernel [5, 5, 1, 6])">>();
    expect<Conv2d<["m", 28, 28], [5, 5, 1, 6]>>().type.toBe<Mismatch<"conv2d: the input must be NHWC [m, height, width, channels], got ['m', 28, 28]">>();
    expect<Conv2d<["m", 28, 28, 1], [5, 5, 6]>>().type.toBe<Mismatch<"conv2d: the kernel must be [kh, kw, inChannels, outChannels], got [5, 5, 6]">>();
  });
});

describe("Conv1d, Conv2dTranspose, pooling, batch norm (the rules)", () => {
  test("conv1d", () => {
    expect<Conv1d<["m", 100, 8], [3, 8, 16], { padding: "same" }>>().type.toBe<["m", 100, 16]>();
    expect<Conv1d<["m", 100, 8], [5, 8, 16], { stride: 2 }>>().type.toBe<["m", 48, 16]>();
    expect<Conv1d<["m", 100, 8], [5, 4, 16]>>().type.toBe<Mismatch<"conv1d: the kernel [5, 4, 16] takes 4 input channels but the input ['m', 100, 8] has 8">>();
  });
  test("conv2dTranspose", () => {
    expect<Conv2dTranspose<["m", 7, 7, 16], [3, 3, 8, 16], { stride: 2; padding: "same" }>>().type.toBe<["m", 14, 14, 8]>();
    expect<Conv2dTranspose<["m", 7, 7, 16], [3, 3, 8, 4]>>().type.toBe<Mismatch<"conv2dTranspose: the kernel [3, 3, 8, 4] takes 4 input channels but the input ['m', 7, 7, 16] has 16">>();
  });
  test("pooling", () => {
    expect<Pool2d<["m", 24, 24, 6], 2>>().type.toBe<["m", 12, 12, 6]>();
    expect<Pool2d<["m", 25, 25, 6], 2>>().type.toBe<["m", 12, 12, 6]>();
    expect<Pool2d<["m", 25, 25, 6], 3, { stride: 2; padding: "same" }>>().type.toBe<["m", 13, 13, 6]>();
    expect<Pool2d<["m", 1, 25, 6], 2, {}, "maxPool2d">>().type.toBe<Mismatch<"maxPool2d: the window 2×2 does not fit the input height (['m', 1, 25, 6])">>();
    expect<GlobalPool2d<["m", 7, 7, 64]>>().type.toBe<["m", 64]>();
  });
  test("per-channel parameters", () => {
    expect<Channels<["m", 12, 12, 16], [16]>>().type.toBe<[16]>();
    expect<Channels<["m", 12, 12, 16], [12]>>().type.toBe<Mismatch<"batchNorm: a per-channel parameter must be [16] for the input ['m', 12, 12, 16], got [12]">>();
  });
});

declare const images: Tensor<["m", 28, 28, 1]>;
declare const rgb: Tensor<[8, 32, 32, 3]>;
declare const K: Tensor<[5, 5, 1, 6]>;
declare const K3: Tensor<[5, 5, 3, 6]>;
declare const gamma: Tensor<[6]>;
declare const beta: Tensor<[6]>;
declare const state: { mean: Tensor<[6]>; variance: Tensor<[6]> };

describe("conv2d, pooling, flatten: programs that compile", () => {
  test("LeNet's feature extractor, the named batch passing through", () => {
    const a = conv2d(images, K);
    expect(a).type.toBe<Tensor<["m", 24, 24, 6]>>();
    const p = maxPool2d(a, 2);
    expect(p).type.toBe<Tensor<["m", 12, 12, 6]>>();
    expect(flatten(p, 1)).type.toBe<Tensor<["m", 864]>>();
    expect(avgPool2d(a, 3, { stride: 2, padding: "same" })).type.toBe<Tensor<["m", 12, 12, 6]>>();
    expect(globalAvgPool2d(a)).type.toBe<Tensor<["m", 6]>>();
    expect(batchNorm(a, gamma, beta, state, { training: true }).y).type.toBe<Tensor<["m", 24, 24, 6]>>();
  });
  test("options", () => {
    expect(conv2d(rgb, K3, { stride: 2, padding: "same" })).type.toBe<Tensor<[8, 16, 16, 6]>>();
    expect(conv2dTranspose(conv2d(rgb, K3, { stride: 2, padding: "same" }), K3, { stride: 2, padding: "same" })).type.toBe<Tensor<[8, 32, 32, 3]>>();
    expect(conv1d(null as unknown as Tensor<["m", 100, 8]>, null as unknown as Tensor<[3, 8, 16]>, { padding: "same" })).type.toBe<Tensor<["m", 100, 16]>>();
  });
});

describe("conv2d, pooling, batch norm: programs that do not compile", () => {
  test("a channel mismatch is reported at the kernel, naming conv2d and both shapes", () => {
    conv2d(
      rgb,
      // @ts-expect-error conv2d: the kernel [5, 5, 1, 6] takes 1 input channels but the input [8, 32, 32, 3] has 3
      K,
    );
  });
  test("a window that does not fit is reported at the image", () => {
    // @ts-expect-error maxPool2d: the window 2×2 does not fit the input height (['m', 1, 4, 6])
    maxPool2d(null as unknown as Tensor<["m", 1, 4, 6]>, 2);
  });
  test("a per-channel parameter of the wrong size is reported at gamma", () => {
    batchNorm(
      conv2d(images, K),
      // @ts-expect-error batchNorm: a per-channel parameter must be [6] for the input ['m', 24, 24, 6], got [5]
      null as unknown as Tensor<[5]>,
      null as unknown as Tensor<[5]>,
      state,
      { training: true },
    );
  });
});
