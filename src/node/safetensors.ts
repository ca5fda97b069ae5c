/**
 * safetensors files: `writeSafetensors(path, params)` writes atomically (`writeFileAtomic`);
 * `readSafetensors(path)` and `loadSafetensors(path, model)` read a regular file of at most
 * `maxBytes` (default 1 GiB), streaming from disk: the 8-byte length and the header first,
 * checked (limits, dtypes, shapes, in-order non-overlapping offsets covering the file) before any
 * tensor's bytes are read, then each tensor's bytes straight into its own buffer. The format is in
 * `codec/safetensors.ts`.
 *
 * @module
 */
import { readSync } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import type { Params } from "../autodiff/tree.js";
import { type DecodeErrors, key, leaf } from "../codec/errors.js";
import { paramsFromFound } from "../codec/modelTensors.js";
import {
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  foundTensors,
  headerLength,
  parseHeader,
  readEntry,
  type Safetensors,
  type SafetensorsDType,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsLimits,
  type SafetensorsParamsOptions,
  safetensorsLimitKeys,
  safetensorsLimits,
  safetensorsName,
  safetensorsParamsKeys,
} from "../codec/safetensors.js";
import { checkLimit, setOwn } from "../codec/untrusted.js";
import type { Describable, ParamsOfModel } from "../nn/architecture.js";
import type { OptionKeys } from "../shape/options.js";
import { fromArray } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkPath, DEFAULT_MAX_BYTES, type ReadOptions, withRegularFile, writeFileAtomic } from "./atomic.js";

/** Options of the safetensors file readers: the codec's limits and `maxBytes`. @category safetensors @since 0.3.0 */
export interface ReadSafetensorsOptions extends SafetensorsLimits, ReadOptions {}

const readKeys: OptionKeys<ReadSafetensorsOptions> = { ...safetensorsLimitKeys, maxBytes: true };

/** Options of `loadSafetensors`: the codec's (`dtype`, limits) and `maxBytes`. @category safetensors @since 0.3.0 */
export interface LoadSafetensorsOptions extends SafetensorsParamsOptions, ReadOptions {}

const loadKeys: OptionKeys<LoadSafetensorsOptions> = { ...safetensorsParamsKeys, maxBytes: true };

/** An open, checked safetensors file: its header and a reader of each tensor's bytes. */
interface Opened {
  readonly header: SafetensorsHeader;
  readonly read: (e: SafetensorsEntry) => Uint8Array;
}

/** Exactly `n` bytes of `fd` at `position`, or fewer when the file ends early. */
const readAt = (fd: number, n: number, position: number): Uint8Array => {
  const out = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const got = readSync(fd, out, off, n - off, position + off);
    if (got === 0) break;
    off += got;
  }
  return off === n ? out : out.subarray(0, off);
};

/** Open `path`, check it is a regular file within `maxBytes` and its header is valid, then run `use`; the file is closed after. */
const withFile = <A>(fn: string, path: string, opts: unknown, known: Readonly<Record<string, true>>, use: (o: Opened) => A): E.Either<DecodeErrors, A> => {
  const limits = safetensorsLimits(fn, opts, known);
  const maxBytes = checkLimit(fn, "maxBytes", (opts as ReadOptions | undefined)?.maxBytes) ?? DEFAULT_MAX_BYTES;
  checkPath(fn, path);
  const at = (errs: DecodeErrors): DecodeErrors => [key(path, errs)];
  const fail = (why: string): E.Either<DecodeErrors, A> => E.left(at([leaf(path, `cannot read: ${why}`)]));
  const r = withRegularFile(path, maxBytes, (file, size): E.Either<DecodeErrors, A> => {
    const n = headerLength(readAt(file, 8, 0), size, limits.maxHeaderBytes);
    if (E.isLeft(n)) return E.left(at(n.left));
    const text = readAt(file, n.right, 8);
    const start = 8 + n.right;
    const header = parseHeader(text, size - start, limits.maxElements);
    if (E.isLeft(header)) return E.left(at(header.left));
    const read = (e: SafetensorsEntry): Uint8Array => {
      const b = readAt(file, e.end - e.begin, start + e.begin);
      if (b.length !== e.end - e.begin) throw new Error(`the file shrank while it was read (${b.length} of ${e.end - e.begin} bytes)`);
      return b;
    };
    return E.right(use({ header: header.right, read }));
  });
  return E.isLeft(r) ? fail(r.left) : r.right;
};

/**
 * Write a params tree as a safetensors file, atomically (tensors named as `namedLeaves` names
 * them; options as `encodeSafetensors`).
 *
 * @example
 * import { mlp, rng } from "typegrad"
 * import { readSafetensors, writeSafetensors } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 3, 2])
 * writeSafetensors("out/doc/model.safetensors", model.init(rng(0)), { metadata: { epoch: "3" } })
 * const r = readSafetensors("out/doc/model.safetensors")
 * E.isRight(r) && Object.keys(r.right.tensors) // ["W1", "b1", "W2", "b2"]
 * E.isRight(r) && r.right.metadata // { epoch: "3" }
 * @category safetensors
 * @since 0.3.0
 */
export const writeSafetensors = (path: string, params: Params, opts?: EncodeSafetensorsOptions): void => writeFileAtomic("writeSafetensors", path, encodeSafetensors(params, opts));

/**
 * Every tensor of a safetensors file, by name, with its dtype in the file and the metadata; or
 * why the file cannot be read (errors under its path).
 *
 * @example
 * import { draw, tensor } from "typegrad"
 * import { readSafetensors, writeSafetensors } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * writeSafetensors("out/doc/read.safetensors", { x: tensor([1, 2, 3]) })
 * const r = readSafetensors("out/doc/read.safetensors")
 * E.isRight(r) && r.right.tensors.x // [1, 2, 3]
 * const big = readSafetensors("out/doc/read.safetensors", { maxElements: 2 })
 * E.isLeft(big) && draw(big.left) // "out/doc/read.safetensors: x: shape [3] has 3 elements, above the limit maxElements = 2"
 * @category safetensors
 * @since 0.3.0
 */
export const readSafetensors = (path: string, opts?: ReadSafetensorsOptions): E.Either<DecodeErrors, Safetensors> =>
  withFile("readSafetensors", path, opts, readKeys, ({ header, read }) => {
    const tensors: Record<string, Tensor> = {};
    const dtypes: Record<string, SafetensorsDType> = {};
    for (const [name, e] of header.entries) {
      const data = readEntry(e, read(e));
      setOwn(tensors, name, fromArray(e.shape as number[], data, { dtype: data instanceof Float64Array ? "float64" : "float32" }));
      setOwn(dtypes, name, e.dtype);
    }
    return { tensors, dtypes, metadata: header.metadata };
  });

/**
 * A model's parameters from a safetensors file, typed by the model and checked against it as
 * `decodeSafetensorsParams` checks them (names, dtypes, shapes); errors under the file's path.
 * Only the header is read until every tensor is known to fit.
 *
 * @example
 * import { draw, mlp, rng } from "typegrad"
 * import { loadSafetensors, writeSafetensors } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 3, 2])
 * writeSafetensors("out/doc/load.safetensors", model.init(rng(0)))
 * const r = loadSafetensors("out/doc/load.safetensors", model)
 * E.isRight(r) && r.right.W2 // Tensor<[2, 3]>
 * const bad = loadSafetensors("out/doc/load.safetensors", mlp([4, 3, 2, 1]))
 * E.isLeft(bad) && draw(bad.left) // "out/doc/load.safetensors: W3: missing: expected a F32 tensor of shape [1, 2]\nout/doc/load.safetensors: b3: missing: expected a F32 tensor of shape [1, 1]"
 * @category safetensors
 * @since 0.3.0
 */
export const loadSafetensors = <const M extends Describable>(path: string, model: M, opts?: LoadSafetensorsOptions): E.Either<DecodeErrors, ParamsOfModel<M>> => {
  const { dtype } = safetensorsLimits("loadSafetensors", opts, loadKeys);
  const r = withFile("loadSafetensors", path, opts, loadKeys, ({ header, read }) => paramsFromFound(model, foundTensors(header, read), dtype, safetensorsName));
  return E.flatMap(r, (p: E.Either<DecodeErrors, ParamsOfModel<M>>) => E.mapLeft((errs: DecodeErrors): DecodeErrors => [key(path, errs)])(p));
};
