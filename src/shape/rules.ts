/**
 * The shape rules, type level and runtime twins side by side: `shapes.matmul([128, 784], [784, 10])`
 * computes at run time what `MatMul<[128, 784], [784, 10]>` computes in the compiler.
 *
 * @example
 * import { shapes } from "typegrad"
 * shapes.matmul([128, 784], [784, 10]) // [128, 10]
 * const inCompiler: shapes.MatMul<[128, 784], [784, 10]> = [128, 10]
 * shapes.broadcast([2, 1], [3]) // [2, 3]
 *
 * @category shapes
 * @module
 */
export { type Broadcast, type BroadcastTo, broadcast, broadcastTo } from "./broadcast.js";
export { type Concat, concat } from "./concat.js";
export {
  type Channels,
  type Conv1d,
  type Conv2d,
  type Conv2dOptions,
  type Conv2dTranspose,
  type ConvSize,
  type ConvTransposeSize,
  conv2d,
  conv2dTranspose,
  convSize,
  type GlobalPool2d,
  type Padding,
  type Pair,
  type PatchGeometry,
  type Pool2d,
  patchesShape,
  type WindowOptions,
  windowGeometry,
} from "./conv.js";
export { type MatMul, matmul } from "./matmul.js";
export { type Reduce, reduce } from "./reduce.js";
export { type Flatten, flatten, type Reshape, reshape } from "./reshape.js";
export { type Pad, pad, type Slice, slice } from "./slice.js";
export { type Permute, permute, type Transpose, transpose } from "./transpose.js";
