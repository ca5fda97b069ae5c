/**
 * Throwing variants of the file readers, for scripts: the value, or a `DecodeFailure` whose
 * message names the reader and draws every error under the file's path
 * (`readCsvDataset: data/iris.csv: line 13: column 'petal_width': expected a number, got "n/a"`).
 *
 * @module
 */
import type { Params } from "../autodiff/tree.js";
import type { Checkpoint } from "../codec/checkpoint.js";
import type { CsvDataset, CsvOptions, JsonDatasetOptions } from "../codec/datasets.js";
import { orThrow } from "../codec/orThrow.js";
import type { DecodeTensorsOptions, TensorSpecs, TensorsOf } from "../codec/tensors.js";
import type { SpecDim, SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ReadOptions } from "./atomic.js";
import { loadCheckpoint, readCheckpoint } from "./checkpoint.js";
import { type ReadNpyOptions, readCsvDataset, readJsonDataset, readNpy } from "./files.js";

/**
 * `readCsvDataset`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { examplesFrom } from "typegrad"
 * import { readCsvDatasetOrThrow } from "typegrad/node"
 * import { mkdirSync, writeFileSync } from "node:fs"
 * mkdirSync("out/doc", { recursive: true })
 * writeFileSync("out/doc/iris.csv", "petal,sepal,species\n1.4,5.1,setosa\n4.7,7.0,versicolor\n1.5,5.0,setosa\n")
 * const iris = readCsvDatasetOrThrow("out/doc/iris.csv", { label: "species", labels: "onehot" })
 * iris.X // [[1.4, 4.7, 1.5], [5.1, 7.0, 5.0]]
 * examplesFrom(iris).m // 3
 * @category datasets
 * @since 0.1.0
 */
export const readCsvDatasetOrThrow = (path: string, opts: CsvOptions & ReadOptions): CsvDataset => orThrow("readCsvDataset")(readCsvDataset(path, opts));

/**
 * `readJsonDataset`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { readJsonDatasetOrThrow } from "typegrad/node"
 * import { mkdirSync, writeFileSync } from "node:fs"
 * mkdirSync("out/doc", { recursive: true })
 * writeFileSync("out/doc/xor-or-throw.json", JSON.stringify({ X: [[0, 0, 1, 1], [0, 1, 0, 1]], Y: [[0, 1, 1, 0]] }))
 * const { X, Y } = readJsonDatasetOrThrow("out/doc/xor-or-throw.json", { X: [2, "m"], Y: [1, "m"] })
 * X // Tensor<[2, 4]> (typed Tensor<[2, "m"]>)
 * Y // [[0, 1, 1, 0]]
 * @category datasets
 * @since 0.1.0
 */
export const readJsonDatasetOrThrow = <const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: JsonDatasetOptions & ReadOptions): TensorsOf<Sp> =>
  orThrow("readJsonDataset")(readJsonDataset(path, specs, opts));

/**
 * `readNpy`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { DecodeFailure, ones } from "typegrad"
 * import { readNpyOrThrow, writeNpy } from "typegrad/node"
 * writeNpy("out/doc/read-or-throw.npy", ones([2, 3]))
 * readNpyOrThrow("out/doc/read-or-throw.npy", [2, 3]) // [[1, 1, 1], [1, 1, 1]]
 * const thrown = (f: () => unknown): unknown => { try { return f() } catch (e) { return e } }
 * const e = thrown(() => readNpyOrThrow("out/doc/read-or-throw.npy", [3, 2]))
 * e instanceof DecodeFailure && e.message // "readNpy: out/doc/read-or-throw.npy: dim 0 is 2, expected 3\nout/doc/read-or-throw.npy: dim 1 is 3, expected 2"
 * @category npy
 * @since 0.1.0
 */
export function readNpyOrThrow<const S extends SpecDim[]>(path: string, spec: readonly [...S], opts?: ReadNpyOptions): Tensor<SpecShape<S>>;
export function readNpyOrThrow(path: string, spec?: undefined, opts?: ReadNpyOptions): Tensor<Shape>;
export function readNpyOrThrow(path: string, spec?: readonly SpecDim[], opts?: ReadNpyOptions): Tensor {
  return orThrow("readNpy")(spec === undefined ? readNpy(path, undefined, opts) : readNpy(path, spec as SpecDim[], opts));
}

/**
 * `readCheckpoint`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { zeros } from "typegrad"
 * import { readCheckpointOrThrow, saveCheckpoint } from "typegrad/node"
 * saveCheckpoint("out/doc/read-or-throw.ckpt", { W: zeros([2, 2]) }, { meta: { epoch: 1 } })
 * readCheckpointOrThrow("out/doc/read-or-throw.ckpt").manifest.meta // { epoch: 1 }
 * @category checkpoints
 * @since 0.1.0
 */
export const readCheckpointOrThrow = (path: string): Checkpoint => orThrow("readCheckpoint")(readCheckpoint(path));

/**
 * `loadCheckpoint`, throwing a `DecodeFailure` instead of returning `Left` (every mismatched
 * parameter, under the file's path).
 *
 * @example
 * import { DecodeFailure, mlp, rng } from "typegrad"
 * import { loadCheckpointOrThrow, saveCheckpoint } from "typegrad/node"
 * const net = mlp([2, 4, 1])
 * saveCheckpoint("out/doc/net.ckpt", net.init(rng(0)))
 * const params = loadCheckpointOrThrow("out/doc/net.ckpt", net.init(rng(1)))
 * params.W1 // Tensor<[4, 2]> (typed MlpParams<[2, 4, 1]>)
 * const thrown = (f: () => unknown): unknown => { try { return f() } catch (e) { return e } }
 * const e = thrown(() => loadCheckpointOrThrow("out/doc/net.ckpt", mlp([2, 3, 1]).init(rng(0))))
 * e instanceof DecodeFailure && e.message.split("\n")[0] // "loadCheckpoint: out/doc/net.ckpt: W1: dim 0 is 4, expected 3"
 * @category checkpoints
 * @since 0.1.0
 */
export function loadCheckpointOrThrow<const Sp extends TensorSpecs>(path: string, specs: Sp, opts?: DecodeTensorsOptions): TensorsOf<Sp>;
export function loadCheckpointOrThrow<P extends Params>(path: string, model: P, opts?: DecodeTensorsOptions): P;
export function loadCheckpointOrThrow(path: string, model: TensorSpecs | Params, opts?: DecodeTensorsOptions): unknown {
  return orThrow("loadCheckpoint")(loadCheckpoint(path, model as TensorSpecs, opts));
}
