/**
 * Inference: a trained model's output on new inputs (`predict`) and the predicted class of each
 * example (`predictClasses`, and `predictClassesAsync` for the WebGPU backend, which reads back
 * only asynchronously), always in inference mode (no dropout, RReLU at its mean slope). Inputs
 * are a tensor in the model's layout or `Examples` (their targets are ignored).
 *
 * @module
 */
import type { Params } from "../autodiff/tree.js";
import type { DType } from "../backend/backend.js";
import { type Examples, type Layout, toTensors } from "../data/examples.js";
import { checkOneOf, checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { dtypeOption } from "../tensor/dtype.js";
import { isTensor, storageOf, type Tensor } from "../tensor/tensor.js";
import { checkLayout, type LayoutAsked, type Model, type WidthsOf } from "./fit.js";
import { OUTPUT_KINDS, type OutputKind, predictLabels, predictLabelsAsync } from "./metrics.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link predict}. @category model */
export interface PredictOptions {
  /** Which axis holds the examples (default `"columns"`); must match the model. */
  readonly layout?: Layout;
  /** Element type of the input built from `Examples` (default float32; a tensor is used as it is). */
  readonly dtype?: DType;
}

/** Options of {@link predictClasses}. @category model */
export interface PredictClassesOptions<L extends Layout = Layout> extends PredictOptions {
  /**
   * Which axis holds the examples, and so the classes of each example's output (default
   * `"columns"`); must match the model (at compile time where the model states a literal one,
   * a tensor's input too: see {@link LayoutAsked}).
   */
  readonly layout?: L;
  /** Whether the model outputs logits (default) or probabilities; matters with one output unit. */
  readonly outputs?: OutputKind;
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const predictKeys: OptionKeys<PredictOptions> = { layout: true, dtype: true };
const predictClassesKeys: OptionKeys<PredictClassesOptions> = { ...predictKeys, outputs: true };

/** The input tensor of `fn` (`classes`: predictClasses or its async form, whose option keys and layout check differ). */
const inputOf = (fn: string, model: unknown, X: Tensor | Examples, opts: PredictOptions, classes: boolean): Tensor => {
  checkOptionKeys(fn, opts, classes ? predictClassesKeys : predictKeys);
  // the layout says how Examples become a batch and where predictClasses reads the classes; a
  // tensor goes to predict as it is, so there the model's layout is not compared
  checkLayout(fn, isTensor(X) && !classes ? undefined : model, opts.layout);
  checkOneOf(fn, "outputs", (opts as PredictClassesOptions).outputs, OUTPUT_KINDS);
  if (isTensor(X)) return X;
  if (X !== null && typeof X === "object" && X.x instanceof Float32Array && typeof X.m === "number")
    return toTensors(X, opts.layout ?? "columns", { dtype: dtypeOption("predict", opts.dtype) }).X as Tensor;
  throw new TypeError(`${fn}: argument 'X' must be a Tensor or Examples`);
};

const checkModel = (fn: string, model: unknown): void => {
  if (typeof (model as { apply?: unknown } | null)?.apply !== "function") throw new TypeError(`${fn}: argument 'model' must have an apply(params, X, ctx) method`);
};

/**
 * The model's output on `X` (a tensor in the model's layout, or `Examples`) in inference mode.
 * It reads nothing back, so it has no async form: on the WebGPU backend the output stays on the
 * GPU, for more ops or for `await toArrayAsync(…)` (or `predictClassesAsync` for the classes).
 * Where the model states its input width (an `mlp`'s first size, a `dense` layer's or a
 * `sequential`'s `nIn`) and `X` is `Examples` whose type knows its feature count, they must agree
 * at compile time, as in `fit` (see {@link WidthsOf}); a tensor is checked at run time.
 *
 * @example
 * import { dense, predict, rng, tensor } from "typegrad"
 * const layer = dense(2, 3)
 * predict(layer, layer.init(rng(0)), tensor([[1, 2, 3, 4], [5, 6, 7, 8]])) // Tensor<[3, 4]> (3 outputs of 4 examples)
 * @category operations
 */
export const predict = <P extends Params, F extends number = number, M extends Model<P> = Model<P>>(
  model: M & NoInfer<WidthsOf<M, F, number>>,
  params: P,
  X: Tensor | Examples<F>,
  opts: PredictOptions = {},
): Tensor => {
  checkModel("predict", model);
  return model.apply(params, inputOf("predict", model, X, opts, false), { training: false });
};

/**
 * The predicted class of each example of `X`: with one output unit, 1 where the logit is > 0
 * (the probability > 0.5 with `outputs: "probabilities"`); with several, the index of the largest
 * (as `predictLabels`, in inference mode). On the WebGPU backend use {@link predictClassesAsync}.
 *
 * @example
 * import { examples, mlp, predictClasses, rng } from "typegrad"
 * const net = mlp([2, 4, 3])
 * const classes = predictClasses(net, net.init(rng(0)), examples([[0, 1], [1, 0]], [[0], [0]]))
 * classes.length // 2 (one class index per example)
 * @category operations
 */
export const predictClasses = <P extends Params, F extends number = number, M extends Model<P> = Model<P>, L extends Layout = "columns">(
  model: M & NoInfer<WidthsOf<M, F, number> & LayoutAsked<M, L>>,
  params: P,
  X: Tensor | Examples<F>,
  opts: PredictClassesOptions<L> = {},
): number[] => {
  checkModel("predictClasses", model);
  const out = model.apply(params, inputOf("predictClasses", model, X, opts, true), { training: false });
  const b = storageOf(out).backend;
  if (b.readAsync !== undefined)
    throw new Error(`predictClasses: the output lives on the '${b.name}' backend, which reads back only asynchronously; use 'await predictClassesAsync(…)' with the same arguments`);
  return predictLabels(out, { layout: opts.layout ?? "columns", outputs: opts.outputs ?? "logits" });
};

/**
 * {@link predictClasses}, reading asynchronously: the form for the WebGPU backend, where the
 * classes are computed on the GPU and one read brings back one number per example (see
 * {@link predictLabelsAsync}). On the CPU backends it gives what `predictClasses` gives.
 *
 * @example
 * import { examples, mlp, predictClassesAsync, rng } from "typegrad"
 * const net = mlp([2, 4, 3])
 * const classes = await predictClassesAsync(net, net.init(rng(0)), examples([[0, 1], [1, 0]], [[0], [0]]))
 * classes.length // 2 (one class index per example)
 * @category operations
 */
export const predictClassesAsync = async <P extends Params, F extends number = number, M extends Model<P> = Model<P>, L extends Layout = "columns">(
  model: M & NoInfer<WidthsOf<M, F, number> & LayoutAsked<M, L>>,
  params: P,
  X: Tensor | Examples<F>,
  opts: PredictClassesOptions<L> = {},
): Promise<number[]> => {
  checkModel("predictClassesAsync", model);
  const out = model.apply(params, inputOf("predictClassesAsync", model, X, opts, true), { training: false });
  return predictLabelsAsync(out, { layout: opts.layout ?? "columns", outputs: opts.outputs ?? "logits" });
};
