/**
 * Types at the boundary of model files: `importOnnx`, `decodeSafetensorsParams` and
 * `loadSafetensors` give parameters typed by the model passed in; `exportOnnx` takes only that
 * model's parameters.
 */
import type * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "tstyche";
import { type DecodeErrors, decodeSafetensorsParams, dense, type MlpParams, mlp, rng, sequential, type Tensor } from "../../src/index.js";
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
