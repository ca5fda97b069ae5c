/**
 * Types of model checkpoints: `loadModel(path, expected)` and `decodeModel(bytes, expected)` give
 * the parameters and training state typed by the expected model (`MlpParams<[784, 128, 10]>`,
 * `TrainState<…>`); without a model they are untyped; misuse does not compile.
 */
import type * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "tstyche";
import {
  type DecodeErrors,
  type DescribedModel,
  decodeModel,
  dense,
  encodeModel,
  type LoadedModel,
  type MlpParams,
  mlp,
  type Params,
  type ParamsOfModel,
  rng,
  sequential,
  type Tensor,
  type TrainState,
} from "../../src/index.js";
import { loadModel, saveModel } from "../../src/node/index.js";

declare const bytes: Uint8Array;

describe("loadModel", () => {
  test("with the expected model, the parameters and state are typed by it", () => {
    const r = loadModel("out/mnist.ckpt", mlp([784, 128, 10]));
    expect(r).type.toBe<E.Either<DecodeErrors, LoadedModel<ReturnType<typeof mlp<readonly [784, 128, 10], "columns">>, MlpParams<readonly [784, 128, 10]>>>>();
    if (r._tag === "Right") {
      expect(r.right.params.W1).type.toBe<Tensor<[128, 784]>>();
      expect(r.right.params.b2).type.toBe<Tensor<[10, 1]>>();
      expect(r.right.state).type.toBe<TrainState<MlpParams<readonly [784, 128, 10]>> | undefined>();
      expect(r.right.state?.optState.slots[0]?.W2).type.toBe<Tensor<[10, 128]> | undefined>();
      // @ts-expect-error Property 'W3' does not exist
      r.right.params.W3;
      // @ts-expect-error Type 'Tensor<[128, 784]>' is not assignable to type 'Tensor<[64, 784]>'
      const wrong: Tensor<[64, 784]> = r.right.params.W1;
      void wrong;
    }
  });
  test("rows-as-examples and sequential models type their parameters too", () => {
    const r = loadModel("m.ckpt", mlp([784, 128, 10], { layout: "rows" }));
    if (r._tag === "Right") expect(r.right.params.W1).type.toBe<Tensor<[784, 128]>>();
    const s = loadModel("s.ckpt", sequential([dense(4, 3, { activation: "prelu" }), dense(3, 2)]));
    if (s._tag === "Right") {
      expect(s.right.params[0].alpha).type.toBe<Tensor<[3, 1]>>();
      expect(s.right.params[1].W).type.toBe<Tensor<[2, 3]>>();
    }
  });
  test("without a model, the model and parameters are untyped", () => {
    const r = loadModel("out/mnist.ckpt");
    expect(r).type.toBe<E.Either<DecodeErrors, LoadedModel<DescribedModel, Params>>>();
  });
  test("misuse does not compile", () => {
    // a params record is not a model
    // @ts-expect-error No overload matches this call
    loadModel("m.ckpt", { W1: null as unknown as Tensor<[2, 3]> });
    // @ts-expect-error Argument of type 'number' is not assignable to parameter of type 'string'
    loadModel(42, mlp([4, 2]));
    // @ts-expect-error Argument of type 'string' is not assignable to parameter of type 'Uint8Array<ArrayBufferLike>'
    decodeModel("m.ckpt", mlp([4, 2]));
  });
});

describe("saveModel / encodeModel / decodeModel", () => {
  test("the parameters must be the model's", () => {
    const model = mlp([4, 3, 2]);
    saveModel("m.ckpt", { model, params: model.init(rng(0)) });
    encodeModel({ model, params: model.init(rng(0)), meta: { epoch: 1 } });
    // @ts-expect-error Type 'MlpParams<readonly [4, 5, 2], "columns">' is not assignable to type 'MlpParams<readonly [4, 3, 2], "columns">'
    encodeModel({ model, params: mlp([4, 5, 2]).init(rng(0)) });
    // @ts-expect-error Type 'Date' is not assignable to type 'Json'
    encodeModel({ model, params: model.init(rng(0)), meta: { when: new Date() } });
  });
  test("decodeModel is typed like loadModel", () => {
    const r = decodeModel(bytes, mlp([4, 3, 2]));
    if (r._tag === "Right") expect(r.right.params.W2).type.toBe<Tensor<[2, 3]>>();
    expect<ParamsOfModel<ReturnType<typeof mlp<readonly [4, 3, 2], "columns">>>>().type.toBe<MlpParams<readonly [4, 3, 2]>>();
  });
});
