/**
 * Data files: `.npy` arrays (read and written), CSV and JSON datasets. Each reader returns
 * `Either`, errors under the file's path (`data/iris.csv: line 13: column 'petal_width':
 * expected a number, got "n/a"`); the formats themselves are in `codec/`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { type CsvDataset, type CsvOptions, csvDataset, csvKeys, type JsonDatasetOptions, jsonDataset, jsonDatasetKeys } from "../codec/datasets.js";
import { type DecodeErrors, key } from "../codec/errors.js";
import { encodeNpy, parseNpy } from "../codec/npy.js";
import { type TensorCodecOptions, tensorCodecKeys } from "../codec/tensor.js";
import type { TensorSpecs, TensorsOf } from "../codec/tensors.js";
import { checkLimit } from "../codec/untrusted.js";
import type { SpecDim, SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys, withoutKeys } from "../shape/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkPath, DEFAULT_MAX_BYTES, DEFAULT_MAX_TEXT_BYTES, type ReadOptions, readRegularFile, writeFileAtomic } from "./atomic.js";

const at =
  (path: string) =>
  (errs: DecodeErrors): DecodeErrors => [key(path, errs)];

/** The text of a regular file of at most `maxBytes` (default 256 MiB), decoded as UTF-8. */
const readText = (fn: string, path: string, maxBytes: unknown): E.Either<DecodeErrors, string> =>
  E.map((b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8"))(readRegularFile(path, checkLimit(fn, "maxBytes", maxBytes) ?? DEFAULT_MAX_TEXT_BYTES));

/** Options of `readNpy`: the codec's, and `maxBytes` (default 1 GiB). @category npy @since 0.1.0 */
export interface ReadNpyOptions extends TensorCodecOptions, ReadOptions {}

const readNpyKeys: OptionKeys<ReadNpyOptions> = { ...tensorCodecKeys, maxBytes: true };
const readCsvKeys: OptionKeys<CsvOptions & ReadOptions> = { ...csvKeys, maxBytes: true };
const readJsonKeys: OptionKeys<JsonDatasetOptions & ReadOptions> = { ...jsonDatasetKeys, maxBytes: true };

/**
 * Read an `.npy` file as a tensor, checked against `spec` when given. Regular files only (a
 * FIFO or a device is an error at once), at most `maxBytes` (default 1 GiB), checked before
 * reading; `maxElements` as `parseNpy`.
 *
 * @example
 * import { draw, tensor } from "typegrad"
 * import { readNpy, writeNpy } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * writeNpy("out/doc/read.npy", tensor([[1, 2, 3], [4, 5, 6]]))
 * const r = readNpy("out/doc/read.npy", [2, "n"])
 * E.isRight(r) && r.right // [[1, 2, 3], [4, 5, 6]]
 * const bad = readNpy("out/doc/read.npy", [3, "n"])
 * E.isLeft(bad) && draw(bad.left) // "out/doc/read.npy: dim 0 is 2, expected 3"
 * @category npy
 * @since 0.1.0
 */
export function readNpy<const S extends SpecDim[]>(path: string, spec: readonly [...S], opts?: ReadNpyOptions): E.Either<DecodeErrors, Tensor<SpecShape<S>>>;
export function readNpy(path: string, spec?: undefined, opts?: ReadNpyOptions): E.Either<DecodeErrors, Tensor<Shape>>;
export function readNpy(path: string, spec?: readonly SpecDim[], opts?: ReadNpyOptions): E.Either<DecodeErrors, Tensor> {
  checkPath("readNpy", path);
  checkOptionKeys("readNpy", opts, readNpyKeys);
  const bytes = readRegularFile(path, checkLimit("readNpy", "maxBytes", opts?.maxBytes) ?? DEFAULT_MAX_BYTES);
  const codec = withoutKeys(opts, ["maxBytes"]);
  const r = E.flatMap(bytes, (b: Uint8Array): E.Either<DecodeErrors, Tensor> => (spec === undefined ? parseNpy(b, undefined, codec) : parseNpy(b, spec as SpecDim[], codec)));
  return E.mapLeft(at(path))(r);
}

/**
 * Write a tensor as an `.npy` file (what `np.load` reads), atomically.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { readNpyOrThrow, writeNpy } from "typegrad/node"
 * writeNpy("out/doc/write.npy", tensor([[1, 2], [3, 4]]))
 * readNpyOrThrow("out/doc/write.npy") // [[1, 2], [3, 4]]
 * @category npy
 * @since 0.1.0
 */
export const writeNpy = (path: string, x: Tensor): void => writeFileAtomic("writeNpy", path, encodeNpy(x));

/**
 * Read a CSV dataset (header, numeric features, a label column): `X` is `[features, m]`, `Y`
 * `[1, m]` or one-hot `[classes, m]`. Regular files only, at most `maxBytes` (default 256 MiB),
 * checked before reading; the CSV limits as `csvDataset`.
 *
 * @example
 * import { draw } from "typegrad"
 * import { readCsvDataset } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * import { mkdirSync, writeFileSync } from "node:fs"
 * mkdirSync("out/doc", { recursive: true })
 * writeFileSync("out/doc/flowers.csv", "petal,sepal,species\n1.4,5.1,setosa\n4.7,7.0,versicolor\n")
 * const r = readCsvDataset("out/doc/flowers.csv", { label: "species", labels: "onehot" })
 * E.isRight(r) && r.right.classes // ["setosa", "versicolor"]
 * E.isRight(r) && r.right.Y // [[1, 0], [0, 1]]
 * writeFileSync("out/doc/bad.csv", "x,y\n1,0\nabc,1\n")
 * const bad = readCsvDataset("out/doc/bad.csv", { label: "y" })
 * E.isLeft(bad) && draw(bad.left) // "out/doc/bad.csv: line 3: column 'x': expected a number, got \"abc\""
 * @category datasets
 * @since 0.1.0
 */
export const readCsvDataset = (path: string, opts: CsvOptions & ReadOptions): E.Either<DecodeErrors, CsvDataset> => {
  checkOptionKeys("readCsvDataset", opts, readCsvKeys);
  return E.mapLeft(at(path))(E.flatMap(readText("readCsvDataset", checkPath("readCsvDataset", path), opts?.maxBytes), (text: string) => csvDataset(text, withoutKeys(opts, ["maxBytes"]))));
};

/**
 * Read a JSON dataset of named tensors, checked against `specs` with one binding. Regular files
 * only, at most `maxBytes` (default 256 MiB), checked before reading.
 *
 * @example
 * import { draw } from "typegrad"
 * import { readJsonDataset } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * import { mkdirSync, writeFileSync } from "node:fs"
 * mkdirSync("out/doc", { recursive: true })
 * writeFileSync("out/doc/xor.json", JSON.stringify({ X: [[0, 0, 1, 1], [0, 1, 0, 1]], Y: [[0, 1, 1, 0]] }))
 * const r = readJsonDataset("out/doc/xor.json", { X: [2, "m"], Y: [1, "m"] })
 * E.isRight(r) && r.right.X // Tensor<[2, 4]> (typed Tensor<[2, "m"]>)
 * const bad = readJsonDataset("out/doc/xor.json", { X: [3, "m"] })
 * E.isLeft(bad) && draw(bad.left) // "out/doc/xor.json: X: dim 0 is 2, expected 3"
 * @category datasets
 * @since 0.1.0
 */
export const readJsonDataset = <const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: JsonDatasetOptions & ReadOptions): E.Either<DecodeErrors, TensorsOf<Sp>> => {
  checkOptionKeys("readJsonDataset", opts, readJsonKeys);
  return E.mapLeft(at(path))(E.flatMap(readText("readJsonDataset", checkPath("readJsonDataset", path), opts?.maxBytes), (text: string) => jsonDataset(text, specs, withoutKeys(opts, ["maxBytes"]))));
};
