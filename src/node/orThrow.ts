/**
 * Throwing variants of the file readers, for scripts: the value, or a `DecodeFailure` whose
 * message names the reader and draws every error under the file's path
 * (`readCsvDataset: data/iris.csv: line 13: column 'petal_width': expected a number, got "n/a"`).
 *
 * @module
 */
import type { Params } from "../autodiff/tree.js";
import type { Checkpoint } from "../codec/checkpoint.js";
import type { CsvDataset, CsvOptions } from "../codec/datasets.js";
import { orThrow } from "../codec/orThrow.js";
import type { TensorCodecOptions } from "../codec/tensor.js";
import type { DecodeTensorsOptions, TensorSpecs, TensorsOf } from "../codec/tensors.js";
import type { SpecDim, SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { loadCheckpoint, readCheckpoint } from "./checkpoint.js";
import { readCsvDataset, readJsonDataset, readNpy } from "./files.js";

/**
 * `readCsvDataset`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { examplesFrom } from "typegrad"
 * import { readCsvDatasetOrThrow } from "typegrad/node"
 * const iris = examplesFrom(readCsvDatasetOrThrow("test/fixtures/csv/iris-small.csv", { label: "species", labels: "onehot" }))
 * @category datasets
 * @since 0.1.0
 */
export const readCsvDatasetOrThrow = (path: string, opts: CsvOptions): CsvDataset => orThrow("readCsvDataset")(readCsvDataset(path, opts));

/**
 * `readJsonDataset`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { readJsonDatasetOrThrow } from "typegrad/node"
 * const { X, Y } = readJsonDatasetOrThrow("data/xor.json", { X: [2, "m"], Y: [1, "m"] }) // X: Tensor<[2, "m"]>, Y: Tensor<[1, "m"]>
 * @category datasets
 * @since 0.1.0
 */
export const readJsonDatasetOrThrow = <const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: DecodeTensorsOptions): TensorsOf<Sp> =>
  orThrow("readJsonDataset")(readJsonDataset(path, specs, opts));

/**
 * `readNpy`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { readNpyOrThrow } from "typegrad/node"
 * readNpyOrThrow("test/fixtures/npy/f4_2x3.npy", [2, 3]) // Tensor<[2, 3]>
 * @category npy
 * @since 0.1.0
 */
export function readNpyOrThrow<const S extends SpecDim[]>(path: string, spec: readonly [...S], opts?: TensorCodecOptions): Tensor<SpecShape<S>>;
export function readNpyOrThrow(path: string): Tensor<Shape>;
export function readNpyOrThrow(path: string, spec?: readonly SpecDim[], opts?: TensorCodecOptions): Tensor {
  return orThrow("readNpy")(spec === undefined ? readNpy(path) : readNpy(path, spec as SpecDim[], opts));
}

/**
 * `readCheckpoint`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { readCheckpointOrThrow } from "typegrad/node"
 * readCheckpointOrThrow("out/model.ckpt").manifest.meta // { epoch: 1 }
 * @category checkpoints
 * @since 0.1.0
 */
export const readCheckpointOrThrow = (path: string): Checkpoint => orThrow("readCheckpoint")(readCheckpoint(path));

/**
 * `loadCheckpoint`, throwing a `DecodeFailure` instead of returning `Left` (every mismatched
 * parameter, under the file's path).
 *
 * @example
 * import { mlp, rng } from "typegrad"
 * import { loadCheckpointOrThrow } from "typegrad/node"
 * const net = mlp([2, 4, 1])
 * const params = loadCheckpointOrThrow("out/model.ckpt", net.init(rng(0))) // MlpParams<[2, 4, 1]>, or throws "loadCheckpoint: out/model.ckpt: W1: ..."
 * @category checkpoints
 * @since 0.1.0
 */
export function loadCheckpointOrThrow<const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: DecodeTensorsOptions): TensorsOf<Sp>;
export function loadCheckpointOrThrow<P extends Params>(path: string, model: P, opts?: DecodeTensorsOptions): P;
export function loadCheckpointOrThrow(path: string, model: TensorSpecs | Params, opts?: DecodeTensorsOptions): unknown {
  return orThrow("loadCheckpoint")(loadCheckpoint(path, model as TensorSpecs, opts));
}
