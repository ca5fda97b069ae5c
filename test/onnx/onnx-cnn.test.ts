/**
 * ONNX export of the image layers, checked by ONNX Runtime (onnxruntime-web's WASM execution
 * provider, in Node): convolutions (padding valid / same / explicit, stride, dilation, groups,
 * depthwise, every activation family), max and average pooling (padding too), global average
 * pooling, batch norm in its inference form (on images and on a dense layer's rows), flatten and reshape, in networks that start from
 * flat rows or from images and end in dense logits or in an image. ONNX Runtime's output on
 * random inputs must agree with typegrad's `predict` within 1e-5 of the outputs' scale
 * (float32; the worst seen is printed); importing the file back gives the parameters bit for bit
 * (convolution kernels are stored as ONNX's `[F, C/g, kh, kw]` and permuted back). The graph
 * keeps typegrad's NHWC at its edges, with one `Transpose` at each end of a run of image layers.
 */
import * as E from "fp-ts/lib/Either.js";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ActivationName,
  activationNames,
  avgPool2dLayer,
  batchNormLayer,
  conv2dLayer,
  type DescribedModel,
  dense,
  draw,
  exp,
  flattenLayer,
  globalAvgPool2dLayer,
  maxPool2dLayer,
  mul,
  namedLeaves,
  type Params,
  predict,
  randn,
  reshapeLayer,
  rng,
  sequential,
  type Tensor,
  toFlat,
} from "../../src/index.js";
import { exportOnnx, importOnnx } from "../../src/onnx/index.js";
import { onnx } from "../../src/onnx/proto.js";
import { bits, comparisons, randomParams as randomParamsOf, relative, TOLERANCE } from "./harness.js";

const measured = comparisons(" (image layers)");

/** Random parameters, seeded; running variances positive (e^(0.3 z)). */
const randomParams = (model: DescribedModel, seed: number): Params => randomParamsOf(model, seed, (n, z) => (n.endsWith("variance") ? exp(mul(z, 0.3)) : z));

/** Export, run ONNX Runtime on batches of 1 and 5, compare with `predict`; import back, compare bits. Returns the graph's ops. */
const check = async (what: string, model: DescribedModel, inShape: readonly number[], seed: number): Promise<string[]> => {
  const params = randomParams(model, seed);
  const bytes = exportOnnx(model, params as never);
  const session = await ort.InferenceSession.create(bytes);
  for (const m of [1, 5]) {
    const X = randn(rng(seed + m), [m, ...inShape]);
    const mine = predict(model, params, X, { layout: "rows" });
    const out = await session.run({ X: new ort.Tensor("float32", toFlat(X) as Float32Array, [m, ...inShape]) });
    const y = out.Y as ort.Tensor;
    expect([...y.dims], what).toEqual([...mine.shape]);
    const rel = relative(y.data as Float32Array, toFlat(mine));
    measured.push({ what: `${what}, m = ${m}`, rel });
    expect(rel, `${what}, m = ${m}`).toBeLessThanOrEqual(TOLERANCE);
  }
  await session.release();
  const back = importOnnx(bytes, model);
  if (E.isLeft(back)) throw new Error(draw(back.left));
  const got = new Map(namedLeaves("test", back.right as Params));
  for (const [n, x] of namedLeaves("test", params)) expect(bits(got.get(n) as Tensor), `${what}: ${n}`).toBe(bits(x));
  return (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType ?? "");
};

describe("exportOnnx: image layers in ONNX Runtime", () => {
  beforeAll(async () => {
    await ort.InferenceSession.create(exportOnnx(dense(1, 1), dense(1, 1).init(rng(0))));
  });

  it("flat rows → reshape → conv (same, ReLU) → batch norm → max-pool → grouped strided conv (explicit padding, tanh) → avg-pool (same) → flatten → dense", async () => {
    const net = sequential([
      reshapeLayer([8, 8, 2]),
      conv2dLayer([8, 8, 2], 4, 3, { padding: "same", activation: "relu" }),
      batchNormLayer([8, 8, 4], { epsilon: 1e-3 }),
      maxPool2dLayer([8, 8, 4], 2),
      conv2dLayer([4, 4, 4], 6, 3, { stride: 2, padding: 1, groups: 2, activation: "tanh" }),
      avgPool2dLayer([2, 2, 6], 2, { stride: 1, padding: "same" }),
      flattenLayer([2, 2, 6]),
      dense(24, 7, { layout: "rows", activation: "elu", dropout: 0.2 }),
      dense(7, 3, { layout: "rows" }),
    ]);
    const ops = await check("LeNet-like", net as DescribedModel, [128], 1);
    // one Transpose into NCHW after the reshape, one back before the flatten
    expect(ops).toEqual(["Constant", "Reshape", "Transpose", "Conv", "Relu", "BatchNormalization", "MaxPool", "Conv", "Tanh", "AveragePool", "Transpose", "Flatten", "Gemm", "Elu", "Gemm"]);
  });

  it("images in: dilated valid conv, depthwise conv, odd sizes and asymmetric same padding, global average pool → dense softmax", async () => {
    const net = sequential([
      conv2dLayer([9, 7, 3], 6, [3, 2], { dilation: [2, 1], activation: "leakyRelu" }),
      conv2dLayer([5, 6, 6], 6, 3, { groups: 6, stride: 2, padding: "same", activation: "sigmoid" }),
      maxPool2dLayer([3, 3, 6], 2, { stride: 2, padding: "same" }),
      batchNormLayer([2, 2, 6]),
      globalAvgPool2dLayer([2, 2, 6]),
      dense(6, 4, { layout: "rows", activation: "softmax" }),
    ]);
    await check("images in", net as DescribedModel, [9, 7, 3], 2);
  });

  it("an image out: the output is transposed back to NHWC", async () => {
    const net = sequential([conv2dLayer([5, 5, 2], 3, 3, { padding: [1, 0] }), batchNormLayer([5, 3, 3]), avgPool2dLayer([5, 3, 3], [2, 3], { padding: 1, stride: [2, 1] })]);
    const ops = await check("image out", net as DescribedModel, [5, 5, 2], 3);
    expect(ops[0]).toBe("Transpose");
    expect(ops[ops.length - 1]).toBe("Transpose");
  });

  it("batch norm on a dense layer's output (rows [N, C], no Transpose): dense → batch norm → dense → batch norm", async () => {
    const net = sequential([dense(12, 16, { layout: "rows", activation: "relu" }), batchNormLayer([16], { epsilon: 1e-3 }), dense(16, 5, { layout: "rows", activation: "tanh" }), batchNormLayer([5])]);
    const ops = await check("dense + batch norm", net as DescribedModel, [12], 5);
    expect(ops).toEqual(["Gemm", "Relu", "BatchNormalization", "Gemm", "Tanh", "BatchNormalization"]);
  });

  it("batch norm with an activation (BN on Z, then g): every activation on rows, softmax over an image's channels", async () => {
    const acts = activationNames.filter((a): a is Exclude<ActivationName, "prelu"> => a !== "prelu");
    const rows = sequential([dense(12, 8, { layout: "rows" }), ...acts.map((activation) => batchNormLayer([8], { activation })), dense(8, 3, { layout: "rows" })] as never) as DescribedModel;
    const ops = await check("batch norm + every activation", rows, [12], 6);
    expect(ops.filter((o) => o === "BatchNormalization")).toHaveLength(acts.length);
    const image = sequential([conv2dLayer([5, 5, 2], 3, 3, { padding: "same" }), batchNormLayer([5, 5, 3], { activation: "softmax" }), flattenLayer([5, 5, 3])]);
    expect(await check("image batch norm + softmax", image as DescribedModel, [5, 5, 2], 7)).toEqual(["Transpose", "Conv", "BatchNormalization", "Softmax", "Transpose", "Flatten"]);
  });

  it("the CNN example's network (npm run cnn) exports and agrees", async () => {
    const net = sequential([
      reshapeLayer([28, 28, 1]),
      conv2dLayer([28, 28, 1], 16, 5, { activation: "relu", padding: "same" }),
      maxPool2dLayer([28, 28, 16], 2),
      conv2dLayer([14, 14, 16], 32, 5, { activation: "relu" }),
      maxPool2dLayer([10, 10, 32], 2),
      flattenLayer([5, 5, 32]),
      dense(800, 128, { activation: "relu", layout: "rows", dropout: 0.3 }),
      dense(128, 10, { layout: "rows" }),
    ]);
    await check("npm run cnn's network", net as DescribedModel, [784], 4);
  });

  it("importOnnx: a kernel of the wrong shape is a Left naming ONNX's layout", () => {
    const small = sequential([conv2dLayer([4, 4, 1], 2, 3), flattenLayer([2, 2, 2])]);
    const other = sequential([conv2dLayer([4, 4, 1], 2, 3, { padding: "same" }), flattenLayer([4, 4, 2])]);
    const bytes = exportOnnx(small, small.init(rng(0)));
    const r = importOnnx(bytes, other);
    expect(E.isLeft(r) && draw(r.left)).toContain("graph: output 'Y': shape [m, 8], expected [batch, 32] (rows are examples)");
    const wider = sequential([conv2dLayer([4, 4, 1], 3, 3), flattenLayer([2, 2, 3])]);
    const w = importOnnx(exportOnnx(wider, wider.init(rng(0))), small);
    expect(E.isLeft(w) && draw(w.left)).toContain("[0].W: shape [3, 1, 3, 3], expected [2, 1, 3, 3] (a convolution kernel, ONNX's [filters, channels / groups, kh, kw])");
  });
});
