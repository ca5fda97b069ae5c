/**
 * `typegrad/node`: files. The only part of typegrad that imports `node:*` — checkpoints saved
 * atomically and loaded as `Either`, `.npy` arrays, CSV and JSON datasets.
 *
 * @module
 */
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_TEXT_BYTES, type ReadOptions, readBytes, tempPrefix, writeFileAtomic } from "./atomic.js";
export { loadCheckpoint, readCheckpoint, type SaveOptions, saveCheckpoint } from "./checkpoint.js";
export { type ReadNpyOptions, readCsvDataset, readJsonDataset, readNpy, writeNpy } from "./files.js";
