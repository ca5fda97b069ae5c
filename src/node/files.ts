/**
 * Data files: `.npy` arrays (read and written), CSV and JSON datasets. Each reader returns
 * `Either`, errors under the file's path (`data/iris.csv: line 13: column 'petal_width':
 * expected a number, got "n/a"`); the formats themselves are in `codec/`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import { type CsvDataset, type CsvOptions, csvDataset, jsonDataset } from "../codec/datasets.js";
import { type DecodeErrors, key, leaf } from "../codec/errors.js";
import { encodeNpy, parseNpy } from "../codec/npy.js";
import type { TensorCodecOptions } from "../codec/tensor.js";
import type { DecodeTensorsOptions, TensorSpecs, TensorsOf } from "../codec/tensors.js";
import type { SpecDim, SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { readBytes, writeFileAtomic } from "./atomic.js";

const at =
  (path: string) =>
  (errs: DecodeErrors): DecodeErrors => [key(path, errs)];

const readText = (path: string): E.Either<DecodeErrors, string> => {
  try {
    return E.right(readFileSync(path, "utf8"));
  } catch (e) {
    return E.left([leaf(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`)]);
  }
};

/**
 * Read an `.npy` file as a tensor, checked against `spec` when given.
 *
 * @example
 * import { readNpy } from "typegrad/node"
 * readNpy("test/fixtures/npy/f4_2x3.npy", [2, 3]) // Right(Tensor<[2, 3]>)
 * @category npy
 * @since 0.1.0
 */
export function readNpy<const S extends SpecDim[]>(path: string, spec: readonly [...S], opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor<SpecShape<S>>>;
export function readNpy(path: string): E.Either<DecodeErrors, Tensor<Shape>>;
export function readNpy(path: string, spec?: readonly SpecDim[], opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor> {
  const r = E.flatMap(readBytes(path), (b: Uint8Array): E.Either<DecodeErrors, Tensor> => (spec === undefined ? parseNpy(b) : parseNpy(b, spec as SpecDim[], opts)));
  return E.mapLeft(at(path))(r);
}

/**
 * Write a tensor as an `.npy` file (what `np.load` reads), atomically.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { writeNpy } from "typegrad/node"
 * writeNpy("out/x.npy", tensor([[1, 2], [3, 4]]))
 * @category npy
 * @since 0.1.0
 */
export const writeNpy = (path: string, x: Tensor): void => writeFileAtomic("writeNpy", path, encodeNpy(x));

/**
 * Read a CSV dataset (header, numeric features, a label column): `X` is `[features, m]`, `Y`
 * `[1, m]` or one-hot `[classes, m]`.
 *
 * @example
 * import { readCsvDataset } from "typegrad/node"
 * readCsvDataset("test/fixtures/csv/iris-small.csv", { label: "species", labels: "onehot" })
 * @category datasets
 * @since 0.1.0
 */
export const readCsvDataset = (path: string, opts: CsvOptions): E.Either<DecodeErrors, CsvDataset> => E.mapLeft(at(path))(E.flatMap(readText(path), (text: string) => csvDataset(text, opts)));

/**
 * Read a JSON dataset of named tensors, checked against `specs` with one binding.
 *
 * @example
 * import { readJsonDataset } from "typegrad/node"
 * readJsonDataset("data/xor.json", { X: [2, "m"], Y: [1, "m"] }) // Right({ X: Tensor<[2, "m"]>, Y: Tensor<[1, "m"]> })
 * @category datasets
 * @since 0.1.0
 */
export const readJsonDataset = <const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, TensorsOf<Sp>> =>
  E.mapLeft(at(path))(E.flatMap(readText(path), (text: string) => jsonDataset(text, specs, opts)));
