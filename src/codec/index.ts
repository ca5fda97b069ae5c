/**
 * The boundary: io-ts codecs for tensors and named tensors, parameter records, `.npy` bytes,
 * checkpoint bytes and CSV/JSON datasets. Everything here is pure and browser-safe; files live in
 * `typegrad/node`. Errors are data (`DecodeError` forests) until `draw` turns them into text.
 *
 * @module
 */

export { namedLeaves } from "../autodiff/tree.js";
export { ArchitectureCodec, diffArchitecture, MAX_LAYERS, modelFromArchitecture } from "./architecture.js";
export { crc32 } from "./bytes.js";
export {
  CHECKPOINT_VERSION,
  type Checkpoint,
  type DecodeModelOptions,
  decodeCheckpoint,
  decodeManifest,
  decodeModel,
  encodeCheckpoint,
  encodeModel,
  type Json,
  type LoadedModel,
  MANIFEST_LIMITS,
  Manifest,
  type ModelCheckpoint,
  type TensorEntry,
  type TrainingManifest,
} from "./checkpoint.js";
export {
  type CsvDataset,
  type CsvLimits,
  type CsvOptions,
  type CsvRecord,
  csvDataset,
  DEFAULT_MAX_CLASSES,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_ROWS,
  type JsonDatasetOptions,
  jsonDataset,
  parseCsv,
} from "./datasets.js";
export {
  type DecodeError,
  type DecodeErrors,
  draw,
  fromValidationErrors,
  index as decodeIndex,
  key as decodeKey,
  leaf as decodeLeaf,
  paths as errorPaths,
  toValidationErrors,
} from "./errors.js";
export { encodeNpy, type NpyHeader, parseNpy, parseNpyHeader } from "./npy.js";
export { csvDatasetOrThrow, DecodeFailure, decodeParamsOrThrow, decodeTensorOrThrow, decodeTensorsOrThrow, jsonDatasetOrThrow, orThrow } from "./orThrow.js";
export { decodeParams, paramSpecs, rebuildParams } from "./params.js";
export { type StructOf, struct } from "./struct.js";
export {
  type Checked,
  checkTensor,
  decodeTensor,
  encodeTensor,
  type FlatTensorJson,
  MAX_RANK,
  showSpec,
  type TensorCodec,
  type TensorCodecOptions,
  type TensorJson,
  type TensorSpec,
  tensorCodec,
} from "./tensor.js";
export { type DecodeTensorsOptions, decodeTensors, type TensorSpecs, type TensorsOf, tensorsCodec } from "./tensors.js";
export { DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_LENGTH, RESERVED_NAMES, type TensorLimits } from "./untrusted.js";
