/**
 * `typegrad/onnx`: models that travel. `exportOnnx` writes a typegrad model (`dense`,
 * `sequential` with dense and image layers, `mlp`, either layout; the recurrent `rnn`, `gru`,
 * `lstm`, `bidirectional` and `recurrentNet`) and its parameters as an ONNX model (opset 17, a
 * symbolic batch dimension, and sequence length) that ONNX Runtime runs anywhere, GPU servers included; `importOnnx` reads an
 * ONNX file's parameters back, typed by the model and checked against it. Needs the optional
 * peer dependency `onnx-proto` (the ONNX schema for protobufjs), which only this entry loads.
 *
 * safetensors files are read and written by the root entry (`encodeSafetensors`,
 * `decodeSafetensorsParams`) and `typegrad/node` (`writeSafetensors`, `loadSafetensors`).
 *
 * @module typegrad/onnx
 */
export { type ExportOnnxOptions, exportOnnx, ONNX_OPSET, type OnnxNames } from "./export.js";
export { onnxOps } from "./graph.js";
export { type ImportOnnxOptions, importOnnx } from "./import.js";
