/**
 * Checkpoints on disk: `saveCheckpoint(path, params)` writes the checkpoint format
 * (`codec/checkpoint.ts`: a versioned manifest with names, shapes, dtypes and a checksum, then
 * the data) atomically, so a crash during a save leaves the previous checkpoint intact;
 * `loadCheckpoint(path, model)` returns `Either`: the parameters, checked against the model, or
 * every reason they cannot be (truncated, corrupted, a newer format, mismatched parameters by
 * name). Nothing is ever half-loaded.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { Params } from "../autodiff/tree.js";
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint, type Json, type Manifest } from "../codec/checkpoint.js";
import { type DecodeErrors, key } from "../codec/errors.js";
import { decodeParams } from "../codec/params.js";
import type { DecodeTensorsOptions, TensorSpecs, TensorsOf } from "../codec/tensors.js";
import { readBytes, writeFileAtomic } from "./atomic.js";

/** Options of `saveCheckpoint`. @category model @since 0.1.0 */
export interface SaveOptions {
  /** JSON metadata stored in the manifest (epoch, step, accuracy...). */
  readonly meta?: Readonly<Record<string, Json>>;
}

/**
 * Save a params tree (a tensor, or arrays and records of tensors) to `path`, atomically.
 * Returns the manifest written. Throws (naming the function) when the argument is not a params
 * tree or the file system refuses.
 *
 * @example
 * import { zeros } from "typegrad"
 * import { saveCheckpoint } from "typegrad/node"
 * saveCheckpoint("out/model.ckpt", { W1: zeros([4, 2]), b1: zeros([4, 1]) }, { meta: { epoch: 1 } })
 * @category checkpoints
 * @since 0.1.0
 */
export const saveCheckpoint = (path: string, params: Params, opts?: SaveOptions): Manifest => {
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
 * import { readCheckpoint } from "typegrad/node"
 * readCheckpoint("out/model.ckpt") // Right({ manifest: { version: 1, params: [...] }, params: { W1, b1 } })
 * @category checkpoints
 * @since 0.1.0
 */
export const readCheckpoint = (path: string): E.Either<DecodeErrors, Checkpoint> => {
  const r = E.flatMap(readBytes(path), decodeCheckpoint);
  return E.mapLeft((errs: DecodeErrors): DecodeErrors => [key(path, errs)])(r);
};

/**
 * Load a checkpoint and check it against the model: a record of parameter specs
 * (`{ W1: [128, 784], b1: [128, 1] }`), or the model's own params tree (then the result has its
 * structure and dtypes). Every problem is reported, under the file's path:
 * `out/mnist.ckpt: W1: dim 1 is 783, expected 784`, `out/mnist.ckpt: truncated: ...`.
 *
 * @example
 * import { loadCheckpoint } from "typegrad/node"
 * const r = loadCheckpoint("out/model.ckpt", { W1: [4, 2], b1: [4, 1] }) // Either<DecodeErrors, { W1: Tensor<[4, 2]>, b1: Tensor<[4, 1]> }>
 * @category checkpoints
 * @since 0.1.0
 */
export function loadCheckpoint<const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, TensorsOf<Sp>>;
export function loadCheckpoint<P extends Params>(path: string, model: P, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, P>;
export function loadCheckpoint(path: string, model: TensorSpecs | Params, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, unknown> {
  const ckpt = readCheckpoint(path);
  if (E.isLeft(ckpt)) return ckpt;
  const r: E.Either<DecodeErrors, unknown> = decodeParams(model as TensorSpecs, ckpt.right.params, { allowNonFinite: true, ...opts });
  return E.mapLeft((errs: DecodeErrors): DecodeErrors => [key(path, errs)])(r);
}
