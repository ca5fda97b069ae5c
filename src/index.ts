/**
 * typegrad: deep learning in TypeScript with tensor shapes as literal types, pure autodiff and
 * verified math. This is the whole public API of the root entry, one deliberate list; files and
 * checkpoints are in `typegrad/node`, the law kit in `typegrad/laws`, plots in `typegrad/plot`,
 * the MNIST and Iris loaders in `typegrad/datasets`, ONNX export and import in
 * `typegrad/onnx`.
 *
 * Nothing here imports `node:*` or a dataset package: the root entry runs in browsers as is.
 *
 * @module typegrad
 */

export { type Cotangents, customVjp } from "./autodiff/customVjp.js";
export { mapParams } from "./autodiff/map.js";
export { type ScanOptions, scan } from "./autodiff/scan.js";
export { tidy } from "./autodiff/tidy.js";
// autodiff
export { type DifferentiableIn, type IsParamTree, namedLeaves, type Params, RESERVED_NAMES } from "./autodiff/tree.js";
export { grad, valueAndGrad, valueAndGradAux, vjp } from "./autodiff/vjp.js";
// backends
export type { Backend, BinaryKernel, DType, ReduceKernel, Storage, TypedArray, UnaryKernel } from "./backend/backend.js";
export { type BackendName, getBackend, setBackend, withBackend } from "./backend/current.js";
export { reference } from "./backend/reference.js";
export { configureWasm, initWasm, type WasmOptions, wasm, wasmFile, wasmStats } from "./backend/wasm/index.js";
export { type ConvMethod, configureWebGPU, type GpuAdapterInfo, type MatmulTile, type WebGPUOptions, webgpu, webgpuInfo } from "./backend/webgpu/index.js";
export { convByWindows } from "./backend/windows.js";
// the boundary: io-ts codecs (files: typegrad/node)
export { ArchitectureCodec, diffArchitecture, MAX_LAYERS, modelFromArchitecture } from "./codec/architecture.js";
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
} from "./codec/checkpoint.js";
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
} from "./codec/datasets.js";
export { type DecodeError, type DecodeErrors, draw, fromValidationErrors, paths as errorPaths, toValidationErrors } from "./codec/errors.js";
export { encodeNpy, type NpyHeader, parseNpy, parseNpyHeader } from "./codec/npy.js";
export { csvDatasetOrThrow, DecodeFailure, decodeParamsOrThrow, decodeTensorOrThrow, decodeTensorsOrThrow, jsonDatasetOrThrow, orThrow } from "./codec/orThrow.js";
export { decodeParams } from "./codec/params.js";
export {
  decodeSafetensors,
  decodeSafetensorsParams,
  type EncodeSafetensorsOptions,
  encodeSafetensors,
  SAFETENSORS_MAX_HEADER_BYTES,
  type Safetensors,
  type SafetensorsDType,
  type SafetensorsLimits,
  type SafetensorsParamsOptions,
} from "./codec/safetensors.js";
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
} from "./codec/tensor.js";
export { type DecodeTensorsOptions, decodeTensors, type TensorSpecs, type TensorsOf, tensorsCodec } from "./codec/tensors.js";
export { DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_LENGTH, type TensorLimits } from "./codec/untrusted.js";
// data: examples, the course's toy sets, augmentation (MNIST and Iris: typegrad/datasets)
export { type ShiftOptions, shiftImages } from "./data/augment.js";
export { checkExamples, type Examples, examples, fromFlat, labels, oneHot, split, standardize, type TensorPair, take, toTensors } from "./data/examples.js";
export { type ExamplesFromOptions, examplesFrom, type FeaturesOf } from "./data/fromTensors.js";
export { type BlobsOptions, circles, gaussianClusters, makeBlobs, moons, parity, spiral, type ToyOptions, xor } from "./data/toys.js";
// layers, losses, initialisers
export {
  type Activated,
  type ActivationName,
  type ActivationSettings,
  activate,
  activationBackward,
  activationNames,
  prelu,
  type RunContext,
  rrelu,
} from "./nn/activations.js";
export {
  type Architecture,
  allLayers,
  architectureLayers,
  type BatchNormLayerArchitecture,
  type Conv2dLayerArchitecture,
  type DenseArchitecture,
  type Describable,
  type DescribedModel,
  type GlobalAvgPool2dLayerArchitecture,
  isRecurrentArchitecture,
  type LayerArchitecture,
  type MaxPool2dLayerArchitecture,
  type MlpArchitecture,
  type ParamsOfModel,
  type RecurrentModelArchitecture,
  type RecurrentNetArchitecture,
  type ReshapingLayerArchitecture,
  type SequentialArchitecture,
} from "./nn/architecture.js";
export { batchNormState } from "./nn/batchNorm.js";
export {
  type AnyImageLayer,
  avgPool2dLayer,
  type BatchNormLayerOptions,
  type BatchNormParams,
  batchNormLayer,
  type Conv2dLayerOptions,
  type Conv2dLayerOut,
  conv2dLayer,
  flattenLayer,
  globalAvgPool2dLayer,
  type ImageLayer,
  type ImageShape,
  type KernelShape,
  type LayerCache,
  maxPool2dLayer,
  type Pool2dLayerOptions,
  type Pool2dLayerOut,
  type Rows,
  reshapeLayer,
} from "./nn/conv.js";
export {
  type AnyDense,
  type BiasShape,
  type DenseCache,
  type DenseGrads,
  type DenseLayer,
  type DenseOptions,
  type DenseParams,
  dense,
  gradsAsParams,
  type WeightShape,
} from "./nn/dense.js";
export { dropout } from "./nn/dropout.js";
export { type Fans, type Initializer, type InitName, initializer, initializers } from "./nn/init.js";
export { type ClipOptions, crossEntropy, type Loss, type LossOptions, logLoss, logLossFromLogits, mse, softmaxCrossEntropy } from "./nn/losses.js";
export { type Mlp, type MlpOptions, type MlpParams, mlp } from "./nn/mlp.js";
export {
  type AnyRecurrent,
  type Bidirectional,
  type BidirectionalArchitecture,
  type BodyParams,
  bidirectional,
  type CarryOf,
  type Cell,
  type CellKind,
  type CellParams,
  type GatesOf,
  gru,
  gruCell,
  type HeadOf,
  lstm,
  lstmCell,
  type RecurrentArchitecture,
  type RecurrentBody,
  type RecurrentLayer,
  type RecurrentNet,
  type RecurrentOptions,
  type RecurrentRun,
  type Returns,
  recurrentNet,
  rnn,
  rnnCell,
  type StepIn,
  type StepsIn,
  type StepsOut,
} from "./nn/recurrent.js";
export {
  type AnyLayer,
  type BatchOf,
  type CachesOf,
  type ChainLayer,
  type CheckChain,
  type DenseOf,
  type InOf,
  type Last,
  type LayerStates,
  type LayoutOf,
  type OutOf,
  type ParamsOf,
  type Sequential,
  sequential,
} from "./nn/sequential.js";
export type { FusedActivation } from "./ops/addAct.js";
export type { BatchNormOptions, BatchNormResult, BatchNormState } from "./ops/batchNorm.js";
export type { BroadcastToShape } from "./ops/broadcastTo.js";
export type { ConcatAlong, ShapesOf } from "./ops/concat.js";
export type { Conv1dOptions } from "./ops/conv1d.js";
export type { FlattenFrom } from "./ops/flatten.js";
// ops: every op function of the registry (generated by `npm run gen:kernels`)
export * from "./ops/index.generated.js";
export type { MatMulBy } from "./ops/matmul.js";
export type { PoolOptions } from "./ops/maxPool2d.js";
export type { PadBy } from "./ops/pad.js";
export type { PermuteBy } from "./ops/permute.js";
export type { ReshapeTo } from "./ops/reshape.js";
export { swish } from "./ops/silu.js";
export type { SliceBy } from "./ops/slice.js";
export type { ReduceBy, Reduction } from "./ops/sum.js";
export type { AddActOp, AxisOp, BinaryBy, BinaryOp, UnaryOp, UnaryOpWith } from "./ops/types.js";
export type { Where, WhereBy } from "./ops/where.js";
// optimizers
export { clipByGlobalNorm, globalNorm, withGradientClipping } from "./optim/clip.js";
export { addL2Grads, l2Penalty, type WeightFilter } from "./optim/l2.js";
export { adam, gd, type LeafRule, type LeafwiseOptions, leafwiseOptimizer, momentum, nesterov, type Optimizer, type OptState, rmsprop, type SlotTensors } from "./optim/optimizers.js";
export { constant, cosineDecay, exponentialDecay, inverseTimeDecay, type LearningRate, rateAt, type Schedule, warmup } from "./optim/schedules.js";
// shapes: type-level rules with runtime twins, named dims, errors
export type { Add, DivMod, Mul, Product, Sub } from "./shape/arith.js";
export { assertBound, type Binding, bindingWith, bindShapes, type DimMismatch, emptyBinding, matchShape, type SpecDim, type SpecShape } from "./shape/bind.js";
export type { Conv2dOptions, Padding, Pair, PatchGeometry, WindowOptions } from "./shape/conv.js";
export {
  type Check,
  type Dim,
  type DimsAgree,
  type IsTuple,
  type IsUnknownDim,
  type Mismatch,
  type NormAxis,
  type NoUnify,
  normAxis,
  type Ok,
  type Rank,
  type Same,
  type Shape,
  ShapeError,
  type ShowDim,
  type ShowShape,
  type Sizes,
  showShape,
  sizeOf,
  type TupleOf,
  type Unify,
} from "./shape/dims.js";
export type { Batch, BatchDim, BatchIn, LayerBatch, Layout, WidthBatch } from "./shape/layout.js";
export * as shapes from "./shape/rules.js";
// tensors: the type, creation, random generation
export {
  type CreateOptions,
  fill,
  fromArray,
  fullLike,
  item,
  itemAsync,
  type Nested,
  type NestedOf,
  type NestedShape,
  ones,
  onesLike,
  tensor,
  toArray,
  toArrayAsync,
  toFlat,
  toFlatAsync,
  zeros,
  zerosLike,
} from "./tensor/create.js";
export { bernoulli, permutation, Rng, type RngState, randn, rng, rngFromState, truncatedNormal, uniform } from "./tensor/random.js";
export { isTensor, type SizesOf, Tensor } from "./tensor/tensor.js";
export { withShape } from "./tensor/withShape.js";
// training
export {
  type AbortSignalLike,
  type BatchInfo,
  type Cost,
  type Divergence,
  type DivergenceOptions,
  type EarlyStopping,
  type EpochRecord,
  type EvaluateOptions,
  evaluate,
  evaluateAsync,
  type FitAsyncOptions,
  type FitOptions,
  type FitResult,
  fit,
  fitAsync,
  type InLayout,
  type LayoutAsked,
  type Model,
  type StepOptions,
  type StopReason,
  type TargetsAsked,
  trainStep,
  trainStepAsync,
  type Widths,
  type WidthsOf,
} from "./train/fit.js";
export { accuracy, confusionMatrix, type LabelOptions, type OutputKind, predictLabels, predictLabelsAsync } from "./train/metrics.js";
export { type PredictClassesOptions, type PredictOptions, predict, predictClasses, predictClassesAsync } from "./train/predict.js";
export type { ProgressOptions, ProgressStream } from "./train/progress.js";
export { ready } from "./train/ready.js";
export type { TrainState } from "./train/state.js";
