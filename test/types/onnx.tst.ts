/**
 * Types at the boundary of model files: `importOnnx`, `decodeSafetensorsParams` and
 * `loadSafetensors` give parameters typed by the model passed in; `exportOnnx` takes only that
 * model's parameters. Recurrent models (whose `apply` takes time-major sequences, so they are
 * `Describable` but not `DescribedModel`s) are taken by both.
 */
import type * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "tstyche";
import { bidirectional, type DecodeErrors, decodeSafetensorsParams, dense, gru, lstm, type MlpParams, mlp, recurrentNet, rng, sequential, type Tensor } from "../../src/index.js";
import { loadSafetensors } from "../../src/node/index.js";
import { exportOnnx, importOnnx } from "../../src/onnx/index.js";

declare const bytes: Uint8Array;

describe("importOnnx / decodeSafetensorsParams / loadSafetensors", () => {
  test("the parameters are typed by the model", () => {
    const r = importOnnx(bytes, mlp([784, 128, 10]));
    expect(r).type.toBe<E.Either<DecodeErrors, MlpParams<readonly [784, 128, 10]>>>();
    if (r._tag === "Right") {
      expect(r.right.W1).type.toBe<Tensor<[128, 784]>>();
      // @ts-expect-error Property 'W3' does not exist
      r.right.W3;
    }
    const s = decodeSafetensorsParams(bytes, mlp([784, 128, 10], { layout: "rows" }));
    if (s._tag === "Right") expect(s.right.b2).type.toBe<Tensor<[1, 10]>>();
    const q = loadSafetensors("m.safetensors", sequential([dense(4, 3, { activation: "prelu" }), dense(3, 2)]));
    if (q._tag === "Right") expect(q.right[0].alpha).type.toBe<Tensor<[3, 1]>>();
  });
});

describe("exportOnnx", () => {
  test("takes the model's own parameters only", () => {
    const model = mlp([4, 3, 2]);
    expect(exportOnnx(model, model.init(rng(0)))).type.toBe<Uint8Array>();
    // @ts-expect-error Argument of type 'MlpParams<readonly [4, 5, 2], "columns">' is not assignable to parameter of type 'MlpParams<readonly [4, 3, 2], "columns">'
    exportOnnx(model, mlp([4, 5, 2]).init(rng(0)));
    // @ts-expect-error Type 'number' is not assignable to type 'string'
    exportOnnx(model, model.init(rng(0)), { input: 3 });
  });
});

describe("recurrent models", () => {
  test("exportOnnx takes a recurrent model and its own parameters", () => {
    const net = recurrentNet(bidirectional(lstm(28, 16)), dense(32, 10, { layout: "rows" }));
    expect(exportOnnx(net, net.init(rng(0)), { lengths: "lengths", steps: "T" })).type.toBe<Uint8Array>();
    const layer = gru(3, 4, { returns: "sequence" });
    expect(exportOnnx(layer, layer.init(rng(0)))).type.toBe<Uint8Array>();
    // @ts-expect-error Property 'bh' is missing
    exportOnnx(layer, lstm(3, 4).init(rng(0)));
    // @ts-expect-error Type 'boolean' is not assignable to type 'string'
    exportOnnx(layer, layer.init(rng(0)), { lengths: true });
  });

  test("importOnnx types a recurrent model's parameters", () => {
    const r = importOnnx(bytes, recurrentNet(lstm(28, 64), dense(64, 10, { layout: "rows" })));
    if (r._tag === "Right") {
      expect(r.right.body.U).type.toBe<Tensor<[64, 256]>>();
      expect(r.right.head.W).type.toBe<Tensor<[64, 10]>>();
    }
    const b = importOnnx(bytes, bidirectional(gru(3, 5)));
    if (b._tag === "Right") expect(b.right.backward.bh).type.toBe<Tensor<[1, 15]>>();
  });
});
