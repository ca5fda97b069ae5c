/**
 * `typegrad/node`: files. The only part of typegrad that imports `node:*` — checkpoints saved
 * atomically and loaded as `Either`, `.npy` arrays, CSV and JSON datasets.
 *
 * @module typegrad/node
 */
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_TEXT_BYTES, type ReadOptions, readBytes, removeStaleTemps, tempPrefix, writeFileAtomic } from "./atomic.js";
export { loadCheckpoint, loadModel, readCheckpoint, type SaveOptions, saveCheckpoint, saveModel } from "./checkpoint.js";
export { type ReadNpyOptions, readCsvDataset, readJsonDataset, readNpy, writeNpy } from "./files.js";
export { loadCheckpointOrThrow, readCheckpointOrThrow, readCsvDatasetOrThrow, readJsonDatasetOrThrow, readNpyOrThrow } from "./orThrow.js";
