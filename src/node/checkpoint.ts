/**
 * Checkpoints on disk: `saveCheckpoint(path, params)` writes the checkpoint format
 * (`codec/checkpoint.ts`: a versioned manifest with names, shapes, dtypes and a checksum, then
 * the data) atomically, so a crash during a save leaves the previous checkpoint intact;
 * `loadCheckpoint(path, model)` returns `Either`: the parameters, checked against the model, or
 * every reason they cannot be (truncated, corrupted, a newer format, mismatched parameters by
 * name). Nothing is ever half-loaded.
 *
 * `saveModel(path, { model, params, meta?, state?, optimizer? })` stores the model's architecture
 * and the training state too, in the same atomic way; `loadModel(path, expected)` checks the file
 * against the model the program builds and gives typed parameters and state back, and
 * `loadModel(path)` rebuilds the model from the stored architecture.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Params } from "../autodiff/tree.js";
import {
  type Checkpoint,
  type DecodeModelOptions,
  decodeCheckpoint,
  decodeManifest,
  decodeModel,
  decodeModelKeys,
  encodeCheckpoint,
  encodeModel,
  type Json,
  type LoadedModel,
  type Manifest,
  type ModelCheckpoint,
  modelCheckpointKeys,
} from "../codec/checkpoint.js";
import { type DecodeErrors, key } from "../codec/errors.js";
import { decodeParams } from "../codec/params.js";
import { type DecodeTensorsOptions, decodeTensorsKeys, type TensorSpecs, type TensorsOf } from "../codec/tensors.js";
import type { Describable, DescribedModel, ParamsOfModel } from "../nn/architecture.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { checkPath, readBytes, removeStaleTemps, writeFileAtomic } from "./atomic.js";

/** The bytes of a checkpoint file, after removing what interrupted saves of it left behind. */
const checkpointBytes = (path: string): E.Either<DecodeErrors, Uint8Array> => {
  removeStaleTemps(path);
  return readBytes(path);
};

/** Options of `saveCheckpoint`. @category model @since 0.1.0 */
export interface SaveOptions {
  /** JSON metadata stored in the manifest (epoch, step, accuracy...). */
  readonly meta?: Readonly<Record<string, Json>>;
}

const saveKeys: OptionKeys<SaveOptions> = { meta: true };

/**
 * Save a params tree (a tensor, or arrays and records of tensors) to `path`, atomically.
 * Returns the manifest written. Throws (naming the function) when the argument is not a params
 * tree or the file system refuses.
 *
 * @example
 * import { zeros } from "typegrad"
 * import { saveCheckpoint } from "typegrad/node"
 * const manifest = saveCheckpoint("out/doc/save.ckpt", { W1: zeros([4, 2]), b1: zeros([4, 1]) }, { meta: { epoch: 1 } })
 * manifest.params.map((p) => p.name) // ["W1", "b1"]
 * manifest.meta // { epoch: 1 }
 * @category checkpoints
 * @since 0.1.0
 */
export const saveCheckpoint = (path: string, params: Params, opts?: SaveOptions): Manifest => {
  checkOptionKeys("saveCheckpoint", opts, saveKeys);
  const bytes = encodeCheckpoint(params, opts?.meta);
  writeFileAtomic("saveCheckpoint", path, bytes);
  const r = decodeCheckpoint(bytes);
  if (E.isLeft(r)) throw new Error("saveCheckpoint: internal error: the encoded checkpoint does not decode");
  return r.right.manifest;
};

/**
 * Read a checkpoint without checking it against a model: its manifest and its parameters by name.
 *
 * @example
 * import { draw, ones } from "typegrad"
 * import { readCheckpoint, saveCheckpoint } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * saveCheckpoint("out/doc/read.ckpt", { W: ones([2, 2]) }, { meta: { epoch: 1 } })
 * const r = readCheckpoint("out/doc/read.ckpt")
 * E.isRight(r) && r.right.manifest.meta // { epoch: 1 }
 * E.isRight(r) && r.right.params.W // [[1, 1], [1, 1]]
 * const bad = readCheckpoint("out/doc/missing.ckpt")
 * E.isLeft(bad) && draw(bad.left) // "out/doc/missing.ckpt: cannot read: ENOENT: no such file or directory, open 'out/doc/missing.ckpt'"
 * @category checkpoints
 * @since 0.1.0
 */
export const readCheckpoint = (path: string): E.Either<DecodeErrors, Checkpoint> => {
  const r = E.flatMap(checkpointBytes(checkPath("readCheckpoint", path)), decodeCheckpoint);
  return E.mapLeft((errs: DecodeErrors): DecodeErrors => [key(path, errs)])(r);
};

/**
 * Load a checkpoint and check it against the model: a record of parameter specs
 * (`{ W1: [128, 784], b1: [128, 1] }`), or the model's own params tree (then the result has its
 * structure and dtypes). Every problem is reported, under the file's path:
 * `out/mnist.ckpt: W1: dim 1 is 783, expected 784`, `out/mnist.ckpt: truncated: ...`.
 *
 * @example
 * import { draw, ones, zeros } from "typegrad"
 * import { loadCheckpoint, saveCheckpoint } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * saveCheckpoint("out/doc/load.ckpt", { W1: ones([4, 2]), b1: zeros([4, 1]) })
 * const r = loadCheckpoint("out/doc/load.ckpt", { W1: [4, 2], b1: [4, 1] })
 * E.isRight(r) && r.right.W1 // Tensor<[4, 2]>
 * const bad = loadCheckpoint("out/doc/load.ckpt", { W1: [4, 3], b1: [4, 1] })
 * E.isLeft(bad) && draw(bad.left) // "out/doc/load.ckpt: W1: dim 1 is 2, expected 3"
 * @category checkpoints
 * @since 0.1.0
 */
export function loadCheckpoint<const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, TensorsOf<Sp>>;
export function loadCheckpoint<P extends Params>(path: string, model: P, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, P>;
export function loadCheckpoint(path: string, model: TensorSpecs | Params, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, unknown> {
  checkOptionKeys("loadCheckpoint", opts, decodeTensorsKeys);
  const ckpt = readCheckpoint(checkPath("loadCheckpoint", path));
  if (E.isLeft(ckpt)) return ckpt;
  const r: E.Either<DecodeErrors, unknown> = decodeParams(model as TensorSpecs, ckpt.right.params, { allowNonFinite: true, ...opts });
  return E.mapLeft((errs: DecodeErrors): DecodeErrors => [key(path, errs)])(r);
}

/**
 * Save a model, its parameters, and optionally metadata and the training state `fit` returns
 * (with the optimizer, whose name is stored) to `path`, atomically. Returns the manifest written.
 * Throws (naming the function and the argument) when the parameters or the state do not fit the
 * model, or the file system refuses.
 *
 * @example
 * import { mlp, rng } from "typegrad"
 * import { saveModel } from "typegrad/node"
 * const model = mlp([4, 3, 2])
 * const manifest = saveModel("out/doc/save-model.ckpt", { model, params: model.init(rng(0)), meta: { epoch: 0 } })
 * manifest.version // 2
 * manifest.architecture?.kind // "mlp"
 * @category checkpoints
 * @since 0.2.0
 */
export const saveModel = <M extends Describable>(path: string, input: ModelCheckpoint<M>): Manifest => {
  checkOptionKeys("saveModel", input, modelCheckpointKeys);
  const bytes = encodeModel(input);
  writeFileAtomic("saveModel", path, bytes);
  const r = decodeManifest(bytes);
  if (E.isLeft(r)) throw new Error("saveModel: internal error: the encoded checkpoint does not decode");
  return r.right.manifest;
};

/**
 * Load a model checkpoint. With `expected` (the model the program builds): the stored
 * architecture must be that model's and every tensor must fit it; the parameters and the
 * training state come back typed by it. Without: the model is rebuilt from the stored
 * architecture. Every problem is reported under the file's path:
 * `out/mnist.ckpt: architecture: layer 2: has 64 units, expected 128`. Version-1 checkpoints
 * (parameters only) load with `expected`, checked by their parameters' names and shapes.
 *
 * @example
 * import { draw, mlp, rng } from "typegrad"
 * import { loadModel, saveModel } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 3, 2])
 * saveModel("out/doc/model.ckpt", { model, params: model.init(rng(0)), meta: { epoch: 5 } })
 * const r = loadModel("out/doc/model.ckpt", mlp([4, 3, 2]))
 * E.isRight(r) && r.right.params.W1 // Tensor<[3, 4]> (typed MlpParams<[4, 3, 2]>)
 * E.isRight(r) && r.right.meta // { epoch: 5 }
 * const bad = loadModel("out/doc/model.ckpt", mlp([4, 5, 2]))
 * E.isLeft(bad) && draw(bad.left) // "out/doc/model.ckpt: architecture: layer 1: has 3 units, expected 5"
 * @category checkpoints
 * @since 0.2.0
 */
export function loadModel<const M extends Describable>(path: string, expected: M, opts?: DecodeModelOptions): E.Either<DecodeErrors, LoadedModel<M, ParamsOfModel<M>>>;
export function loadModel(path: string, expected?: undefined, opts?: DecodeModelOptions): E.Either<DecodeErrors, LoadedModel<DescribedModel, Params>>;
export function loadModel(path: string, expected?: DescribedModel, opts?: DecodeModelOptions): E.Either<DecodeErrors, LoadedModel<DescribedModel, Params>> {
  checkOptionKeys("loadModel", opts, decodeModelKeys);
  const r = E.flatMap(checkpointBytes(checkPath("loadModel", path)), (bytes) => (expected === undefined ? decodeModel(bytes, undefined, opts) : decodeModel(bytes, expected, opts)));
  return E.mapLeft((errs: DecodeErrors): DecodeErrors => [key(path, errs)])(r);
}
