/**
 * The ONNX protobuf schema, compiled for protobufjs (`onnx-proto`, an optional peer dependency
 * of typegrad): the only module that loads it, so nothing outside `typegrad/onnx` needs it.
 *
 * @module
 */
import onnxProto from "onnx-proto";

/** The `onnx` namespace of the schema: `ModelProto`, `TensorProto`… @internal */
export const onnx = onnxProto.onnx;

/** An int64 field's value (a number, or protobufjs's `Long`) as a number; `NaN` when it is not a safe integer. @internal */
export const int64 = (v: unknown): number => {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : Number.NaN;
  if (v !== null && typeof v === "object" && typeof (v as { toString?: unknown }).toString === "function") {
    const n = Number(String(v));
    return Number.isSafeInteger(n) ? n : Number.NaN;
  }
  return Number.NaN;
};
