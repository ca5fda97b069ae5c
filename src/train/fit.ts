/**
 * The training loop of seed 004: repeat forward, cost, backward, update, over the examples in
 * one of three regimes —
 *
 * - online: `batchSize: 1`, one update per example;
 * - mini-batch: `batchSize: n_b`, one update per packet of `n_b` examples;
 * - full batch (the notes' "batch"): `batchSize: "full"`, one update per epoch —
 *
 * with seeded shuffling, loss and accuracy on the training and validation sets after every epoch,
 * callbacks per batch and per epoch, early stopping, and a divergence guard: a non-finite cost,
 * gradient, parameter or validation metric, or a cost that explodes, stops the run with reason
 * `"diverged"` and the last good parameters (one small read per update). Everything random is
 * drawn from generators forked from `seed`, so the same call gives the same run, bit for bit.
 *
 * The loop is written once, as a generator (`steps`) that asks its driver for every read and
 * yields after every update: `fit` reads synchronously and runs it to the end at once, `fitAsync`
 * reads with `toFlatAsync` and lets the event loop run between batches, so it also trains on the
 * WebGPU backend, whose tensors read back only asynchronously (`fit` there is an error naming
 * `fitAsync`). An update costs one read: the cost, the divergence probe (whether each new
 * parameter is finite: on the WASM backend the update's kernel finds it as it writes the
 * parameter, so nothing more is read for it) and the batch's output (its correct predictions are
 * counted here; on a device backend they are counted where the output lives and read as one
 * number), packed by the backend in one call where it can (`Backend.pack`). Each batch is made one ahead, gathered by the backend
 * where it can (`Backend.gatherRows`: the WASM backend copies it in while it waits for its
 * workers in the step before). Either stops
 * between batches when its `signal` is aborted, and either returns the run's `TrainState`
 * (optimizer state, counters, generator states after the last whole epoch), from which `resume`
 * continues bit for bit.
 *
 * @module
 */

import { bind, giveBackExcept, tidy } from "../autodiff/core.js";
import { namedLeaves, type Params, treeLeaves } from "../autodiff/tree.js";
import { valueAndGradAux } from "../autodiff/vjp.js";
import type { Backend, DType, Storage, TypedArray } from "../backend/backend.js";
import { batcher, checkExamples, type Examples, forgetBatches, type Layout, labelsOnce, takeInto, toTensors } from "../data/examples.js";
import type { RunContext } from "../nn/activations.js";
import { type Architecture, type ParamLayout, paramLayout } from "../nn/architecture.js";
import type { LossOptions } from "../nn/losses.js";
import { add } from "../ops/add.js";
import { concatPrim } from "../ops/concat.js";
import { castPrim } from "../ops/define.js";
import { reshapeSizes } from "../ops/reshapePrim.js";
import { sumPrim } from "../ops/sum.js";
import { builtinState, type Optimizer, type OptState, stateMismatch } from "../optim/optimizers.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { LAYOUTS } from "../shape/layout.js";
import { checkOneOf, checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { toFlat, toFlatAsync } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import { dtypeOption } from "../tensor/dtype.js";
import { permutation, type Rng, rng, rngFromState } from "../tensor/random.js";
import { fromStorage, isTensor, type Release, storageOf, type Tensor } from "../tensor/tensor.js";
import { hitsOf, labelHits, OUTPUT_KINDS, type OutputKind } from "./metrics.js";
import { type ProgressOptions, type ProgressReporter, progressReporter } from "./progress.js";
import type { TrainState } from "./state.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Anything with an `apply(params, X, ctx)`: a `dense` layer, a `sequential`, an `mlp`, or a hand-written model. @category model */
export interface Model<P extends Params> {
  apply(params: P, X: Tensor, ctx?: RunContext): Tensor;
  /**
   * A model with layer state (a `sequential` with batch norm) also has these: `apply` that gives
   * the layers' new state too (batch norm's running statistics in training), and the parameters
   * with a state put in. `fit` and `trainStep` then train with `applyWithState` and return
   * parameters carrying the new state; `evaluate` and `predict` run `apply` in inference mode,
   * which uses it.
   */
  applyWithState?(params: P, X: Tensor, ctx?: RunContext): readonly [Tensor, unknown];
  withState?(params: P, state: unknown): P;
}

/**
 * What `fit` requires of a model's stated widths for data of `F` features and `T` targets: an
 * `mlp`'s `sizes`, input first, output last; the `nIn` and `nOut` of a model that takes the sets'
 * rows as they come (see {@link WidthsOf}), each a width (`Widths<784, 10>`) or, where the model
 * states a shape `[n]` (a `batchNormLayer([n])` first or last), that shape (`Widths<[784], 10>`).
 * A side that is only `number` (or `[number]`, or `unknown`) asks nothing.
 *
 * @category model
 */
export interface Widths<F, T> {
  /** An `mlp`'s sizes: `F` first, `T` last. */
  readonly sizes?: readonly [F, ...number[], T];
  /** A row-fed model's input per example: the width `F` (or the shape `[F]`), or, where `F` is a shape, that shape. */
  readonly nIn?: [F] extends [number] ? F | readonly [F] : F;
  /** A row-fed model's output per example: the width `T` (or the shape `[T]`), or, where `T` is a shape, that shape. */
  readonly nOut?: [T] extends [number] ? T | readonly [T] : T;
}

/**
 * {@link Widths} for model `M` and data of `F` features and `T` targets: where `M` states its
 * input and output widths as literals and the sets' types know theirs, they must agree; any side
 * that is only a `number` (sizes from a config, a set decoded at run time) is checked at the
 * first batch instead. `M` states them as
 *
 * - an `mlp`'s first and last `sizes`;
 * - the `nIn` and `nOut` of a model that takes a batch of rows as `fit` makes it (`[n, m]`, or
 *   `[m, n]` in layout "rows"): a layer with the course's blocks that `sequential` chains
 *   (`dense`, or an image-family layer such as `reshapeLayer` or `batchNormLayer([n])`) or a
 *   `sequential`, where its `nIn` is a width `n` or a shape `[n]`; its `nOut` is checked where
 *   it is one too.
 *
 * Any other model is checked at the first batch only: one whose `nIn` is an image's shape (a
 * `conv2dLayer` first takes `[m, H, W, C]`, not rows), a recurrent one (`lstm`, `recurrentNet`:
 * time-major sequences `[T, m, F]`, whose `nIn` is the features per step), one without widths.
 *
 * What the rule takes as given, as the `mlp` rule did: the output side is asked only with a cost
 * of outputs and targets of one shape (see {@link TargetsAsked}); a model is taken at its stated
 * widths (a `{ ...net, apply }` that feeds `net` otherwise keeps `net`'s); and a generic width
 * against a literal one does not compile (TypeScript cannot tell whether `N` is 784), while one
 * generic width on both sides does.
 *
 * @category model
 */
export type WidthsOf<M, F extends number, T extends number> = M extends { readonly sizes: readonly [infer A extends number, ...number[], infer B extends number] }
  ? Widths<Asked<A, F>, Asked<B, T>>
  : M extends { readonly layers: readonly [infer L0 extends RowLayer & { readonly nIn: unknown }, ...unknown[]] }
    ? M extends { readonly layers: readonly [...unknown[], infer Ln extends { readonly nOut: unknown }] }
      ? Widths<As<L0, L0["nIn"], F, true>, RowsFed<L0, As<Ln, Ln["nOut"], T, true>>>
      : unknown
    : M extends RowLayer & { readonly nIn: unknown; readonly nOut: unknown }
      ? Widths<As<M, M["nIn"], F, false>, RowsFed<M, As<M, M["nOut"], T, false>>>
      : unknown;

/**
 * What `WidthsOf` asks of a layer (or of a sequential's first and last) that the rows may feed:
 * a layer with the course's blocks, as `sequential` chains (the recurrent layers have none: they
 * take sequences). Its `nIn` is not read here, so that a layer of generic widths matches too.
 */
type RowLayer = { readonly kind: string; readonly layout: Layout; readonly forward: unknown; readonly backward: unknown };

/**
 * What is asked of the side `S` (a layer's `nIn` or `nOut`) of layer `L` for data of width `D`:
 * `Asked<S, D>` for a width (a `dense` layer's always: decided by its kind, so that a generic
 * width still matches); for a shape `[n]`, that shape of `Asked<n, D>` in the form the model
 * states it (a sequential's own `nIn` and `nOut` are mutable tuples, `Seq`), so that the model's
 * property and the requirement are one type where they agree: a tuple compared with another type
 * is compared member by member, its array methods included, at a cost (a mapped type makes the
 * one tuple type; a tuple written here would be a deferred reference, another type); `unknown`
 * (nothing asked) for any other shape. The shape is looked at first, so that a layer of a
 * generic shape `[N]` is not taken for a width.
 */
type As<L, S, D extends number, Seq extends boolean> = L extends { readonly kind: "dense" }
  ? Asked<S, D>
  : [S] extends [readonly [number]]
    ? [Seq] extends [true]
      ? { -readonly [K in keyof S]: Asked<S[0 & keyof S], D> }
      : { [K in keyof S]: Asked<S[0 & keyof S], D> }
    : [S] extends [number]
      ? Asked<S, D>
      : unknown;

/** The output side `O` of a model whose first layer is `L0`, where the rows feed `L0` as they come; else `unknown` (nothing asked: an image's shape first). */
type RowsFed<L0 extends { readonly nIn: unknown }, O> = L0 extends { readonly kind: "dense" } ? O : [L0["nIn"]] extends [number | readonly [number]] ? O : unknown;

/**
 * The set's width `D` where the model's `S` and `D` are both literals, else `number` (checked at
 * the first batch). Not distributive and without `infer`, so that where `S` and `D` are one
 * generic `N` (a helper generic in its widths) the model's width is assignable to it. A generic
 * width against a literal one stays a compile error, as it was for an `mlp`: TypeScript cannot
 * tell there whether `N` is 784.
 */
type Asked<S, D extends number> = [number] extends [S] ? number : [number] extends [D] ? number : D;

/**
 * What `fit`, `evaluate` and `predictClasses` ask of a model that states its layout (an `mlp`, a
 * layer, a `sequential`: its `layout` property) where their `layout` option (default `"columns"`)
 * differs: that layout. Assigning the model to it fails at the model, naming the layout asked.
 *
 * @category model
 */
export interface InLayout<L extends Layout> {
  readonly layout: L;
}

/**
 * {@link InLayout} for model `M` and the options' layout `L` where both are literals and differ,
 * else `unknown` (nothing asked): a model in layout "rows" passed with the default layout
 * ("columns") would fail at its first batch, or, in `predictClasses`, read each example's class
 * along the wrong axis. A layout known only at run time (`Layout`, or `never`: a value cast away),
 * a model without one (a plain `{ apply }`), and a model and option of one generic layout (a
 * helper over layouts) ask nothing.
 *
 * @category model
 */
export type LayoutAsked<M, L extends Layout> = M extends { readonly layout: infer ML }
  ? [ML] extends [L]
    ? unknown
    : [L] extends [never]
      ? unknown
      : [Layout] extends [L]
        ? unknown
        : [Layout] extends [ML]
          ? unknown
          : InLayout<L>
  : unknown;

/** A cost of outputs and targets (`softmaxCrossEntropy`, `logLoss`, `mse`…). @category model */
export type Cost = (output: Tensor, Y: Tensor, opts?: LossOptions) => Tensor<[]>;

/**
 * The target count that `fit` and `evaluate` ask of a model's output width for a cost of type
 * `C` and data of `T` targets: `T` where `C`'s type refuses targets of another shape than the
 * outputs (every built-in cost: `softmaxCrossEntropy`, `mse`, `logLoss`…), else `number`, nothing
 * asked: a hand-written cost of `k` outputs against one class index per example (outputs
 * `[m, k]`, targets `[m, 1]`), typed as a `Cost` takes both, and leaves the output width to the
 * first batch. Told apart by whether `C` takes outputs `[2, 3]` with targets `[2, 1]` or `[3, 2]`
 * with `[1, 2]`.
 *
 * @category model
 */
export type TargetsAsked<C, T extends number> = [C] extends [(output: Tensor<[2, 3]>, Y: Tensor<[2, 1]>) => unknown]
  ? number
  : [C] extends [(output: Tensor<[3, 2]>, Y: Tensor<[1, 2]>) => unknown]
    ? number
    : T;

/** Early stopping: stop when `monitor` has not improved by `minDelta` for `patience` epochs. @category model */
export interface EarlyStopping {
  /** Default: `"valLoss"` when there is a validation set, else `"loss"`. */
  readonly monitor?: "loss" | "accuracy" | "valLoss" | "valAccuracy";
  readonly patience?: number;
  readonly minDelta?: number;
  /** Return the parameters of the best epoch (default true). */
  readonly restoreBest?: boolean;
}

/** One epoch's metrics (accuracies are `undefined` for regression). @category model */
export interface EpochRecord {
  readonly epoch: number;
  /** Updates so far. */
  readonly steps: number;
  /** Training cost (including any regulariser). */
  readonly loss: number;
  readonly accuracy: number | undefined;
  readonly valLoss: number | undefined;
  readonly valAccuracy: number | undefined;
  /** The learning rate of the last update is not known here; see the optimizer's schedule. */
}

/** What `onBatch` sees after each update. @category model */
export interface BatchInfo {
  readonly epoch: number;
  /** Batch number within the epoch, from 0. */
  readonly batch: number;
  readonly batches: number;
  /** Updates so far, this one included. */
  readonly step: number;
  /** The batch's cost before the update. */
  readonly loss: number;
  /** The batch's accuracy before the update (classification). */
  readonly accuracy: number | undefined;
}

/** Why training stopped. @category model */
export type StopReason = "epochs" | "earlyStopping" | "diverged" | "callback" | "aborted";

/**
 * What went bad when a run diverged: the training cost (non-finite, or beyond
 * `divergence.lossFactor` times its first value), a gradient or parameter with a non-finite
 * element (named as `namedLeaves` names it), or a non-finite metric on the validation set.
 *
 * @category model
 */
export interface Divergence {
  readonly what: "loss" | "loss explosion" | "gradient" | "parameter" | "validation";
  /** The gradient's or parameter's name (`W1`, `[0].b`…), or the metric (`valLoss`). */
  readonly name?: string;
  /** The offending value (the loss, or the first non-finite element). */
  readonly value: number;
}

/** Options of the divergence guard of {@link fit}. @category model */
export interface DivergenceOptions {
  /**
   * Stop when a batch's cost exceeds this multiple of `max(first batch cost, 1)` of the call
   * (default 1e4): a run that explodes while staying finite, as Adam at a learning rate of 1e6
   * does. `Infinity` turns this check off; non-finite costs, gradients and parameters always stop.
   */
  readonly lossFactor?: number;
}

/** What `fit` needs of an `AbortSignal` (a browser's or Node's `new AbortController().signal` fits). @category model */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Options of {@link fit}. @category model */
export interface FitOptions<P extends Params, F extends number, T extends number, M extends Model<P> = Model<P>, L extends Layout = Layout, C extends Cost = Cost> {
  /**
   * The model. Where it states its widths (an `mlp`'s `sizes`; the `nIn` and `nOut` of a `dense`
   * layer or of a `sequential` whose first layer takes rows) and the sets' types know theirs, they
   * must agree at compile time: `mlp([100, 10])` or `sequential([dense(100, 10)])` with
   * `train: Examples<784, 10>` does not compile (a set of `Examples<number, number>`, decoded at
   * run time, is checked at run time; see {@link WidthsOf}). Where it states its layout, that must
   * be `layout`'s (see {@link LayoutAsked}). The output width is asked only with a cost of outputs
   * and targets of one shape (see {@link TargetsAsked}).
   */
  readonly model: M & NoInfer<WidthsOf<M, F, TargetsAsked<C, T>> & LayoutAsked<M, L>>;
  /** Initial parameters. */
  readonly params: P;
  readonly loss: C;
  readonly optimizer: Optimizer;
  /** Continue from this optimizer state (default: `optimizer.init(params)`). Not with `resume`. */
  readonly optState?: OptState<P>;
  /**
   * Continue a run from a {@link TrainState} (a previous result's `state`, or the one `onEpoch`
   * saw), `params` being the parameters saved at the same point: epochs `state.epoch + 1` to
   * `epochs` are run with the saved optimizer state and generators, so the run goes on bit for bit
   * as if it had not stopped (same options otherwise; `seed` is not used). Early stopping starts
   * afresh: its best value and patience counter are not part of the state.
   */
  readonly resume?: TrainState<P>;
  readonly train: Examples<F, T>;
  readonly validation?: Examples<F, T>;
  /** Which axis holds the examples (default `"columns"`); must match the model (at compile time where the model states a literal one). */
  readonly layout?: L;
  /** 1 = online, n = mini-batch, `"full"` = full batch (default 32). */
  readonly batchSize?: number | "full";
  /** The total number of epochs (when resuming, including those already done). */
  readonly epochs: number;
  /** Seed of the shuffling and of the training randomness (dropout, RReLU). Default 0. */
  readonly seed?: number;
  /** Shuffle the examples every epoch (default true; a full batch is never shuffled). */
  readonly shuffle?: boolean;
  /** A penalty added to the cost, e.g. `(p) => l2Penalty(p, λ, m)`. */
  readonly regularizer?: (params: P) => Tensor<[]>;
  /** `"classification"` (default) adds accuracies; `"regression"` does not. */
  readonly task?: "classification" | "regression";
  /** Whether the model outputs logits (default) or probabilities, for accuracy with one output unit. */
  readonly outputs?: OutputKind;
  /** Training metrics: averaged over the epoch's batches as they were seen (`"running"`, default) or recomputed on the whole set after the epoch (`"full"`). */
  readonly trainMetrics?: "running" | "full";
  readonly earlyStopping?: EarlyStopping;
  /** After each update; return `"stop"` to stop (returning nothing continues; another string is an error). */
  // biome-ignore lint/suspicious/noConfusingVoidType: void, not undefined, so that a callback with a block body or an expression body such as `(i) => console.log(i)` type-checks
  readonly onBatch?: (info: BatchInfo) => void | "stop";
  /**
   * After each epoch, with the parameters and the run's state at that point (save both to resume
   * later); return `"stop"` to stop (returning nothing continues; another string is an error).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: as onBatch
  readonly onEpoch?: (record: EpochRecord, params: P, state: TrainState<P>) => void | "stop";
  /**
   * Show progress (a bar with batch and epoch counters, ETA, running loss and accuracy, then each
   * epoch's metrics) on `process.stderr` or `stream`; one line per epoch when the stream is not a
   * terminal. Off by default, and then free. Where there is no `process.stderr` (a browser),
   * `true` is an error: pass `{ stream }`.
   */
  readonly progress?: boolean | ProgressOptions;
  /** Checked before each batch: once aborted, the run stops (reason `"aborted"`) with the last parameters. */
  readonly signal?: AbortSignalLike;
  /**
   * The divergence guard: `fit` never returns non-finite parameters. After every update it reads,
   * with the cost, whether each new parameter is finite (on the WASM backend the update's kernel
   * finds it, with no second pass over the parameter); on a non-finite cost, gradient or
   * parameter, a non-finite validation metric, or a cost beyond `lossFactor` times the first, it
   * stops with reason `"diverged"` and the last good parameters.
   */
  readonly divergence?: DivergenceOptions;
  /** Element type of the batches (default float32). */
  readonly dtype?: DType;
  /** Transform each training batch before the step (data augmentation, e.g. `shiftImages`), drawing from the run's generator. */
  readonly augment?: (batch: Examples<F, T>, g: Rng) => Examples<F, T>;
}

/** What {@link fit} returns. @category model */
export interface FitResult<P extends Params> {
  readonly params: P;
  readonly optState: OptState<P>;
  /** The epochs of this call (when resuming, those after the resumed one). */
  readonly history: readonly EpochRecord[];
  /**
   * The run's state after its last whole epoch (the resumed state, or the initial one, if it
   * finished none). It goes with `params` when the run stopped at the end of an epoch: reasons
   * `"epochs"`, `"callback"` from `onEpoch`, `"aborted"` before an epoch's first batch (an abort
   * during `onEpoch`), `"earlyStopping"` without restoring an earlier epoch — in short, when
   * `stop.step === state.step` and `params` are the last epoch's. After a stop inside an epoch,
   * resume from it with the parameters `onEpoch` saw at that epoch.
   */
  readonly state: TrainState<P>;
  /** Why and where the run stopped; `diverged` says what went bad when the reason is `"diverged"`. */
  readonly stop: { readonly reason: StopReason; readonly epoch: number; readonly step: number; readonly message: string; readonly diverged?: Divergence };
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** Options of {@link evaluate} and {@link evaluateAsync}. @category model */
export interface EvaluateOptions<L extends Layout = Layout> {
  /** Which axis holds the examples (default `"columns"`); must match the model (at compile time where the model states a literal one). */
  readonly layout?: L;
  /** Examples per forward pass (default 1000). */
  readonly chunk?: number;
  /** `"classification"` (default) adds the accuracy; `"regression"` does not. */
  readonly task?: "classification" | "regression";
  /** Whether the model outputs logits (default) or probabilities, for accuracy with one output unit. */
  readonly outputs?: OutputKind;
  /** Element type of the batches (default float32). */
  readonly dtype?: DType;
}

const evaluateKeys: OptionKeys<EvaluateOptions> = { layout: true, chunk: true, task: true, outputs: true, dtype: true };

/**
 * The loss (and accuracy, for classification) of `params` on `data`, evaluated in chunks of
 * `chunk` examples (default 1000) without dropout. The regulariser is not included. Each chunk
 * costs one read of two numbers (its cost and its correct predictions, counted where the output
 * lives). On the WebGPU backend, which reads back only asynchronously, use {@link evaluateAsync}.
 * A model's stated widths (an `mlp`'s first and last sizes, a `dense` layer's or a `sequential`'s
 * `nIn` and `nOut`) are checked against `data`'s widths at compile time where both types know
 * them, as in `fit` (see {@link WidthsOf}).
 *
 * @example
 * import { evaluate, examples, mlp, rng, softmaxCrossEntropy } from "typegrad"
 * const net = mlp([2, 3])
 * const test = examples([[0, 1], [1, 0]], [[1, 0, 0], [0, 0, 1]])
 * const { loss, accuracy } = evaluate(net, net.init(rng(0)), test, softmaxCrossEntropy)
 * loss > 0 // true
 * accuracy !== undefined && accuracy >= 0 && accuracy <= 1 // true
 * @category operations
 */
export const evaluate = <P extends Params, F extends number, T extends number, M extends Model<P> = Model<P>, L extends Layout = "columns", C extends Cost = Cost>(
  model: M & NoInfer<WidthsOf<M, F, TargetsAsked<C, T>> & LayoutAsked<M, L>>,
  params: P,
  data: Examples<F, T>,
  loss: C,
  opts: EvaluateOptions<L> = {},
): { readonly loss: number; readonly accuracy: number | undefined } =>
  driveSync("evaluate", "'await evaluateAsync(…)' with the same arguments", evaluation("evaluate", "argument 'data'", model, params, data, loss, opts));

/**
 * {@link evaluate}, reading with `toFlatAsync`: the form for the WebGPU backend (on the CPU
 * backends it gives the same numbers as `evaluate`).
 *
 * @example
 * import { evaluateAsync, examples, mlp, rng, softmaxCrossEntropy } from "typegrad"
 * const net = mlp([2, 3])
 * const test = examples([[0, 1], [1, 0]], [[1, 0, 0], [0, 0, 1]])
 * const { loss, accuracy } = await evaluateAsync(net, net.init(rng(0)), test, softmaxCrossEntropy)
 * loss > 0 // true
 * accuracy !== undefined && accuracy >= 0 && accuracy <= 1 // true
 * @category operations
 */
export const evaluateAsync = <P extends Params, F extends number, T extends number, M extends Model<P> = Model<P>, L extends Layout = "columns", C extends Cost = Cost>(
  model: M & NoInfer<WidthsOf<M, F, TargetsAsked<C, T>> & LayoutAsked<M, L>>,
  params: P,
  data: Examples<F, T>,
  loss: C,
  opts: EvaluateOptions<L> = {},
): Promise<{ readonly loss: number; readonly accuracy: number | undefined }> => driveAsync(evaluation("evaluateAsync", "argument 'data'", model, params, data, loss, opts));

/**
 * `e` when it is not a `ShapeError`; else one naming `fn`, the option or argument `arg` that
 * holds `data` and its widths, with `e`'s message after (and `e` as its cause): what a first
 * batch (or chunk) of data of the wrong width throws from the model or the loss.
 */
const dataShapeError = (fn: string, arg: string, data: Examples, what: "batch" | "chunk", e: unknown): unknown => {
  if (!(e instanceof ShapeError)) return e;
  const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
  return new ShapeError(fn, `${arg} (${count(data.features, "feature")}, ${count(data.targets, "target")} per example) does not fit the model: its first ${what} fails with ${e.message}`, {
    cause: e,
  });
};

/** The first few differences between the shapes `expected` by name and the tensors of `tree`, or undefined when it fits (or cannot be walked). */
const shapesMisfit = (expected: readonly (readonly [string, readonly number[]])[], tree: unknown): string | undefined => {
  let got: Map<string, readonly number[]>;
  try {
    got = new Map(namedLeaves("fit", tree as Params).map(([n, t]) => [n, t.shape as readonly number[]]));
  } catch {
    return undefined;
  }
  const bad: string[] = [];
  for (const [n, want] of expected) {
    const s = got.get(n);
    if (s === undefined) bad.push(`${n}: missing, expected ${showShape(want)}`);
    else if (s.length !== want.length || s.some((d, i) => d !== want[i])) bad.push(`${n}: shape ${showShape(s)}, expected ${showShape(want)}`);
  }
  return bad.length === 0 ? undefined : bad.slice(0, 5).join("; ");
};

/** What the differentiation says of a cost that is not a scalar tensor (`vjp.ts`). */
const NOT_SCALAR = "valueAndGradAux: f must return";

/**
 * The `layout` option of `fn`: one of "rows" and "columns" if given, and, at run time, what
 * {@link LayoutAsked} checks at compile time: a model that states its layout (its `layout`
 * property) must be given data in it (`model` undefined: nothing to compare). Without this a model
 * in rows fed columns failed at its first batch with a shape error, `trainStep` took the loss
 * across the batch, and `predictClasses` read each example's class along the wrong axis.
 * @internal
 */
export const checkLayout = (fn: string, model: unknown, layout: Layout | undefined): void => {
  checkOneOf(fn, "layout", layout, LAYOUTS);
  const stated = (model as { readonly layout?: unknown } | null)?.layout;
  const given = layout ?? "columns";
  if ((stated === "rows" || stated === "columns") && stated !== given)
    throw new TypeError(
      `${fn}: the model takes examples in layout '${stated}' but option 'layout' is '${given}'${layout === undefined ? " (the default)" : ""}: pass { layout: '${stated}' }, so that the batches hold the examples where the model reads them`,
    );
};

/** The options as the loop reads them: the model only as a `Model` (what the call's types asked of it, widths and layout, the loop checks again at run time). */
type LoopOptions<P extends Params, F extends number, T extends number> = Omit<FitOptions<P, F, T>, "model"> & { readonly model: Model<P> };

/**
 * A first batch's error when the regularizer (run again on the parameters) or the loss did not
 * return a scalar tensor: the option named, instead of the differentiation's `f`.
 */
const costError = <P extends Params, F extends number, T extends number>(fn: string, o: LoopOptions<P, F, T>, e: unknown): TypeError | undefined => {
  const what = (v: unknown): string | undefined => (!isTensor(v) ? (v === null ? "null" : typeof v) : v.shape.length === 0 ? undefined : `shape ${showShape(v.shape as readonly number[])}`);
  if (typeof o.regularizer === "function") {
    let got: string | undefined;
    try {
      got = what(o.regularizer(o.params));
    } catch {
      got = undefined;
    }
    if (got !== undefined) return new TypeError(`${fn}: option 'regularizer' must return a scalar Tensor<[]>, got ${got}`, { cause: e });
  }
  if (e instanceof TypeError && e.message.startsWith(NOT_SCALAR))
    return new TypeError(`${fn}: option 'loss' must return a scalar Tensor<[]>, got ${e.message.slice(e.message.lastIndexOf("got ") + 4)}`, { cause: e });
  return undefined;
};

/**
 * What a first batch's `ShapeError` is about, looked at only once it failed (nothing is added to
 * a run that works): parameters that do not fit the model's architecture, an optimizer state
 * whose slots do not fit the parameters, or else the data (`dataShapeError`).
 */
const firstBatchError = <P extends Params, F extends number, T extends number>(fn: string, o: LoopOptions<P, F, T>, data: Examples, e: unknown): unknown => {
  const cost = costError(fn, o, e);
  if (cost !== undefined) return cost;
  if (!(e instanceof ShapeError)) return e;
  const architecture = (o.model as { readonly architecture?: unknown }).architecture;
  let layout: ParamLayout | undefined;
  try {
    layout = architecture === undefined ? undefined : paramLayout(architecture as Architecture);
  } catch {
    layout = undefined;
  }
  const params = layout === undefined ? undefined : shapesMisfit(layout.specs, o.params);
  if (params !== undefined) return new ShapeError(fn, `option 'params' does not fit the model: ${params}`, { cause: e });
  const state = o.resume?.optState ?? o.optState;
  if (state !== undefined && Array.isArray(state.slots)) {
    let mine: (readonly [string, readonly number[]])[] = [];
    try {
      mine = namedLeaves(fn, o.params).map(([n, t]) => [n, t.shape as readonly number[]] as const);
    } catch {
      mine = [];
    }
    for (let k = 0; k < state.slots.length; k++) {
      const slot = shapesMisfit(mine, state.slots[k]);
      if (slot !== undefined) return new ShapeError(fn, `option '${o.resume === undefined ? "optState" : "resume"}' does not fit option 'params': slot ${k}: ${slot}`, { cause: e });
    }
  }
  return dataShapeError(fn, "option 'train'", data, "batch", e);
};

/** An ordinary float32 array (a batch to augment: see `takeInto`). */
const plainFloats = (n: number): Float32Array => new Float32Array(n);

function* evaluation<P extends Params>(
  fn: string,
  arg: string,
  model: Model<P>,
  params: P,
  data: Examples,
  loss: Cost,
  opts: EvaluateOptions,
): Loop<{ readonly loss: number; readonly accuracy: number | undefined }> {
  checkOptionKeys(fn, opts, evaluateKeys);
  checkOneOf(fn, "task", opts.task, TASKS);
  checkOneOf(fn, "outputs", opts.outputs, OUTPUT_KINDS);
  checkLayout(fn, model, opts.layout);
  const task = opts.task ?? "classification";
  checkExamples(fn, "data", data, task);
  if (data.m === 0) throw new TypeError(`${fn}: argument 'data' has no examples`);
  const chunk = opts.chunk ?? 1000;
  if (typeof chunk !== "number" || !Number.isInteger(chunk) || chunk < 1) throw new TypeError(`${fn}: option 'chunk' must be an integer ≥ 1, got ${String(chunk)}`);
  const layout = opts.layout ?? "columns";
  const dtype = dtypeOption(fn, opts.dtype);
  const truth = task === "regression" ? undefined : labelsOnce(data);
  let total = 0;
  let hits = 0;
  const batchOf = batcher(data, layout, chunk, { dtype });
  try {
    for (let s = 0; s < data.m; s += chunk) {
      const idx = Array.from({ length: Math.min(chunk, data.m - s) }, (_, i) => s + i);
      const { X, Y } = batchOf(idx);
      let out: Tensor;
      let J: Tensor;
      try {
        out = model.apply(params, X as Tensor, { training: false });
        J = loss(out, Y as Tensor, { layout });
      } catch (e) {
        throw s === 0 ? dataShapeError(fn, arg, data, "chunk", e) : e;
      }
      const got = yield* readPacked(J, out, truth?.slice(s, s + idx.length), layout, opts.outputs ?? "logits", [J, out]);
      total += (got[0] as number) * idx.length;
      hits += got[1] ?? 0;
      // the chunk, the output and the cost were made here and are seen by no one now
      giveBackTrees([{ X, Y, out, J }], [params]);
    }
  } finally {
    forgetBatches(data);
  }
  return { loss: total / data.m, accuracy: truth === undefined ? undefined : hits / data.m };
}

// -------------------------------------------------------------------------------------
// reads: the loops ask, `fit` answers synchronously, `fitAsync` asynchronously
// -------------------------------------------------------------------------------------

/** What a loop asks of its driver: the elements of a tensor, or a turn of the event loop after an update. */
type Ask = { readonly read: Tensor } | { readonly batch: BatchInfo };

/** A loop: it yields its asks, receives each read's elements, and returns its result. */
type Loop<R> = Generator<Ask, R, TypedArray | undefined>;

/** Ask the driver for the elements of `t`. */
function* read(t: Tensor): Loop<TypedArray> {
  return (yield { read: t }) as TypedArray;
}

/**
 * One read for a batch: the cost `J` (a scalar), then, with `truth`, the number of examples whose
 * predicted label (computed from `out` where it lives) is right, then for each tensor of
 * `probed` (the divergence probe) a value that is finite when every element is: 0 or NaN from the
 * backend's `pack`, else its sum (which finite elements may also overflow), joined into one
 * tensor. The temporaries go back to the backend at once, except what `keep` holds.
 */
function* readPacked(
  J: Tensor,
  out: Tensor,
  truth: readonly number[] | undefined,
  layout: Layout,
  outputs: OutputKind,
  keep: readonly Tensor[],
  probed: readonly Tensor[] = [],
): Loop<readonly number[]> {
  // the output is read as it is and the labels counted here: on a CPU backend, and on a device
  // that packs it with the cost (one read of m·k more numbers), cheaper than the four ops that
  // count them where the output lives
  const be = storageOf(out).backend;
  const onDevice = be.readAsync !== undefined;
  const rows = layout === "rows";
  const s = out.shape as readonly number[];
  const [m, k] = rows ? [s[0] as number, s[1] as number] : [s[1] as number, s[0] as number];
  const counted = truth !== undefined && (!onDevice || be.pack !== undefined);
  if (counted && (s.length !== 2 || truth.length !== m)) labelHits(out, truth, { layout, outputs }); // its errors, where the shapes are wrong
  // the backend's `pack`: the cost, the probes and (counted here) the output in one call, one read
  const np = probed.length;
  const packable = be.pack !== undefined && (np > 0 || counted) && (truth === undefined || counted) && storageOf(J).backend === be && samePlace(J, be, probed) && (!counted || samePlace(J, be, [out]));
  if (packable) {
    // the storages to pack, and which of them are probed: made in one pass (once per batch)
    const n = 1 + np + (counted ? 1 : 0);
    const storages = new Array<Storage>(n);
    const flags = new Array<boolean>(n);
    storages[0] = storageOf(J, "fit", "a tensor");
    flags[0] = false;
    for (let i = 0; i < np; i++) {
      storages[i + 1] = storageOf(probed[i] as Tensor, "fit", "a tensor");
      flags[i + 1] = true;
    }
    if (counted) {
      storages[n - 1] = storageOf(out, "fit", "a tensor");
      flags[n - 1] = false;
    }
    const packed = fromStorage((be.pack as NonNullable<typeof be.pack>)(storages, flags), [1 + np + (counted ? out.size : 0)]);
    const got = yield* read(packed);
    giveBackExcept([packed], keep);
    // [cost, hits?, probes…]
    const res = new Array<number>(counted ? np + 2 : np + 1);
    res[0] = got[0] as number;
    let at = 1;
    if (counted) res[at++] = hitsOf(got, 1 + np, m, k, rows, outputs, truth);
    for (let i = 0; i < np; i++) res[at++] = got[1 + i] as number;
    return res;
  }
  const packed = tidy(
    () => {
      const parts = [reshapeSizes(J, [1])];
      if (truth !== undefined && onDevice) parts.push(reshapeSizes(labelHits(out, truth, { layout, outputs }), [1]));
      // each parameter as one row, summed along it: [1], ready to join
      for (const w of probed) parts.push(bind(sumPrim, [reshapeSizes(w, [1, w.size])], { axis: 1 }));
      if (parts.length === 1) return parts[0] as Tensor;
      const dtype = parts.some((t) => t.dtype === "float64") ? "float64" : "float32";
      return bind(
        concatPrim,
        parts.map((t) => (t.dtype === dtype ? t : bind(castPrim, [t], dtype))),
        0,
      );
    },
    (p) => [p],
  );
  const got = Array.from(yield* read(packed));
  giveBackExcept([packed], keep);
  if (!counted) return got;
  const hits = hitsOf(yield* read(out), 0, m, k, rows, outputs, truth);
  return [got[0] as number, hits, ...got.slice(1)];
}

/** Whether every tensor of `ts` has `J`'s dtype and lives on `be` (what `pack` joins). */
const samePlace = (J: Tensor, be: Backend, ts: readonly Tensor[]): boolean => {
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as Tensor;
    if (t.dtype !== J.dtype || storageOf(t).backend !== be) return false;
  }
  return true;
};

/** `toFlat`, or an error naming `instead` where the tensor lives on a backend that reads back only asynchronously (WebGPU). */
const readNow = (fn: string, instead: string, t: Tensor): TypedArray => {
  const b = storageOf(t).backend;
  if (b.readAsync !== undefined) throw new Error(`${fn}: the tensors live on the '${b.name}' backend, which reads back only asynchronously; use ${instead}`);
  return toFlat(t);
};

/** Run a loop to its end, answering its reads synchronously. */
const driveSync = <R>(fn: string, instead: string, loop: Loop<R>): R => {
  let answer: TypedArray | undefined;
  for (;;) {
    const r = loop.next(answer);
    if (r.done === true) return r.value;
    answer = "read" in r.value ? readNow(fn, instead, r.value.read) : undefined;
  }
};

/** Run a loop to its end, answering its reads with `toFlatAsync` and calling `turn` after each update. */
const driveAsync = async <R>(loop: Loop<R>, turn?: () => Promise<void>): Promise<R> => {
  let answer: TypedArray | undefined;
  for (;;) {
    const r = loop.next(answer);
    if (r.done === true) return r.value;
    if ("read" in r.value) answer = await toFlatAsync(r.value.read);
    else {
      answer = undefined;
      await turn?.();
    }
  }
};

/**
 * One pure training step: the cost of `params` on a batch, its gradient, and the optimizer's
 * update. Returns the new parameters and state, the cost and the model's output on the batch.
 *
 * @example
 * import { adam, mlp, rng, softmaxCrossEntropy, tensor, trainStep } from "typegrad"
 * const net = mlp([2, 3])
 * const params = net.init(rng(0))
 * const opt = adam(1e-3)
 * const X = tensor([[0, 1], [1, 0]])
 * const Y = tensor([[1, 0], [0, 0], [0, 1]])
 * const { params: p1, state: s1, loss, output } = trainStep(net, softmaxCrossEntropy, opt, params, opt.init(params), X, Y)
 * output // Tensor<[3, 2]> (the model's output on the batch)
 * p1.W1 // Tensor<[3, 2]>
 * @category operations
 */
export const trainStep = <P extends Params, M extends Model<P> = Model<P>, L extends Layout = "columns">(
  model: M & NoInfer<LayoutAsked<M, L>>,
  loss: Cost,
  optimizer: Optimizer,
  params: P,
  state: OptState<P>,
  X: Tensor,
  Y: Tensor,
  opts: StepOptions<P, L> = {},
): { readonly params: P; readonly state: OptState<P>; readonly loss: number; readonly output: Tensor } => {
  checkOptionKeys("trainStep", opts, stepKeys);
  checkStepArgs("trainStep", model, loss, optimizer, state, opts.layout);
  const donate = donateOption("trainStep", opts);
  return stepResult(driveSync("trainStep", "'await trainStepAsync(…)' with the same arguments", update(model, loss, optimizer, params, state, X, Y, opts, false, undefined, donate)), X, Y);
};

/**
 * {@link trainStep}, reading the cost with `toFlatAsync`: the form for the WebGPU backend, whose
 * tensors read back only asynchronously (`trainStep` there is an error naming this one). The step
 * costs one read of one number; the new parameters, the optimizer state and the output stay where
 * they were computed. On the CPU backends it gives the same numbers as `trainStep`.
 *
 * @example
 * import { adam, mlp, rng, softmaxCrossEntropy, tensor, trainStepAsync } from "typegrad"
 * const net = mlp([2, 3])
 * const params = net.init(rng(0))
 * const opt = adam(1e-3)
 * const X = tensor([[0, 1], [1, 0]])
 * const Y = tensor([[1, 0], [0, 0], [0, 1]])
 * const { params: p1, loss } = await trainStepAsync(net, softmaxCrossEntropy, opt, params, opt.init(params), X, Y)
 * loss > 0 // true
 * p1.W1 // Tensor<[3, 2]>
 * @category operations
 */
export const trainStepAsync = async <P extends Params, M extends Model<P> = Model<P>, L extends Layout = "columns">(
  model: M & NoInfer<LayoutAsked<M, L>>,
  loss: Cost,
  optimizer: Optimizer,
  params: P,
  state: OptState<P>,
  X: Tensor,
  Y: Tensor,
  opts: StepOptions<P, L> = {},
): Promise<{ readonly params: P; readonly state: OptState<P>; readonly loss: number; readonly output: Tensor }> => {
  checkOptionKeys("trainStepAsync", opts, stepKeys);
  checkStepArgs("trainStepAsync", model, loss, optimizer, state, opts.layout);
  const donate = donateOption("trainStepAsync", opts);
  return stepResult(await driveAsync(update(model, loss, optimizer, params, state, X, Y, opts, false, undefined, donate)), X, Y);
};

/**
 * What `trainStep`/`trainStepAsync` hand back of an update: the cost was read into `loss`, so its
 * tensor is seen by no one and its memory goes back now (not when the WASM ring comes round to it).
 */
const stepResult = <P extends Params>(
  r: { readonly params: P; readonly state: OptState<P>; readonly loss: number; readonly output: Tensor; readonly cost: Tensor },
  X: Tensor,
  Y: Tensor,
): { readonly params: P; readonly state: OptState<P>; readonly loss: number; readonly output: Tensor } => {
  giveBackTrees([{ cost: r.cost }], [r.params, ...r.state.slots, r.output, X, Y]);
  return { params: r.params, state: r.state, loss: r.loss, output: r.output };
};

/** Options of {@link trainStep} and {@link trainStepAsync}: the layout, the run context (training mode, generator), a regulariser, donation. @category model */
export interface StepOptions<P extends Params, L extends Layout = Layout> {
  /** Which axis of `X`, `Y` and the output holds the examples (default `"columns"`); must match the model (at compile time where the model states a literal one). */
  readonly layout?: L;
  readonly ctx?: RunContext;
  readonly regularizer?: (params: P) => Tensor<[]>;
  /**
   * The caller will not use `params` and `state` again (the loop `p = trainStep(…, p, …).params`),
   * so the step gives their memory back to the backend once the new ones are computed, as JAX's
   * `donate_argnums` does (default false). Tensors cannot tell when JavaScript drops them: without
   * donation the WASM backend keeps every old parameter readable, copying it out of WASM memory
   * when its ring comes round to it (about a fifth of a small MLP step's CPU time, in copies and
   * the garbage collection they cause). The new parameters are the same bit for bit either way;
   * reading a donated tensor afterwards throws, on every backend (the reference backend has
   * nothing to reclaim, but refuses the read all the same, so a program that runs on one backend
   * runs on all).
   */
  readonly donate?: boolean;
}

const stepKeys: OptionKeys<StepOptions<Params>> = { layout: true, ctx: true, regularizer: true, donate: true };

/** The `donate` option of `fn`, checked. */
const donateOption = (fn: string, opts: { readonly donate?: unknown } | undefined): boolean => {
  const d = opts?.donate ?? false;
  if (typeof d !== "boolean") throw new TypeError(`${fn}: option 'donate' must be a boolean, got ${describeValue(d)}`);
  return d;
};

/**
 * {@link trainStep}, and with `check` the divergence probe: the one read then brings, after the
 * cost, a probe of every new parameter, finite when every element of the parameter is; only when
 * one is not are the gradients and the parameters looked at one by one, to say what went bad (and
 * whether anything did: a probe that is a sum may overflow on finite elements). With `truth` (the
 * batch's labels) the same read also brings the batch's correct predictions. With `donate` the old parameters and state go back to the
 * backend after the update.
 */
function* update<P extends Params>(
  model: Model<P>,
  loss: Cost,
  optimizer: Optimizer,
  params: P,
  state: OptState<P>,
  X: Tensor,
  Y: Tensor,
  opts: StepOptions<P>,
  check: boolean,
  truth?: { readonly labels: readonly number[]; readonly outputs: OutputKind },
  donate = false,
): Loop<{ readonly params: P; readonly state: OptState<P>; readonly loss: number; readonly hits: number; readonly output: Tensor; readonly cost: Tensor; readonly bad?: Divergence }> {
  const layout = opts.layout ?? "columns";
  const ctx = opts.ctx ?? { training: true };
  const stateful = typeof model.applyWithState === "function" && typeof model.withState === "function";
  const [J, grads, [output, layerState]] = valueAndGradAux((p: P) => {
    const [out, st] = stateful ? (model.applyWithState as NonNullable<Model<P>["applyWithState"]>)(p, X, ctx) : [model.apply(p, X, ctx), []];
    const cost = loss(out, Y, { layout });
    return [opts.regularizer === undefined ? cost : add(cost, opts.regularizer(p)), [out, st] as Params] as const;
  })(params) as unknown as [Tensor<[]>, P, [Tensor, Params]];
  const [stepped, nextState] = optimizer.step(params, grads, state);
  // the layers' state (batch norm's running statistics) is not learned: the forward pass gives it
  const next = stateful ? (model.withState as NonNullable<Model<P>["withState"]>)(stepped, layerState) : stepped;
  if (next !== stepped) giveBackTrees([stepped], [params, next, ...nextState.slots]);
  let bad: Divergence | undefined;
  // the probe of every new parameter, read with the cost (its temporaries go back at once)
  const probed = check ? treeLeaves(next) : [];
  const got = yield* readPacked(J, output, truth?.labels, layout, truth?.outputs ?? "logits", [J, output, X, Y], probed);
  const value = got[0] as number;
  if (check && !got.every((v) => Number.isFinite(v))) {
    // (none found: a probe that is a sum overflowed on finite elements, and nothing went bad)
    bad = !Number.isFinite(value) ? { what: "loss", value } : ((yield* firstNonFinite("gradient", grads)) ?? (yield* firstNonFinite("parameter", next)));
  }
  // the gradients were seen only by the optimizer: give their memory back (unless it kept them)
  giveBackTrees([grads], [params, next, ...nextState.slots, output, J, X, Y]);
  // donated: the caller will not read the old parameters and state again
  if (donate) giveBackTrees([params, ...state.slots], [next, ...nextState.slots, output, J, X, Y], "donate");
  return { params: next, state: nextState, loss: value, hits: truth === undefined ? 0 : (got[1] as number), output, cost: J, ...(bad === undefined ? {} : { bad }) };
}

/** The first leaf of `tree` with a non-finite element, by name (only asked once a run has diverged). */
function* firstNonFinite(what: "gradient" | "parameter", tree: Params): Loop<Divergence | undefined> {
  for (const [name, x] of namedLeaves("fit", tree)) {
    const v = (yield* read(x)).find((e) => !Number.isFinite(e));
    if (v !== undefined) return { what, name, value: v };
  }
  return undefined;
}

/** `[0, 1, …, n - 1]`. */
const identity = (n: number): number[] => {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
};

/** Give back the memory of the tensors in the trees `dead` that share none with those in `live`. */
const giveBackTrees = (dead: readonly Params[], live: readonly Params[], why?: Release): void => {
  // a tree listed twice (fit's current, best and epoch parameters are often one record) is walked once
  const leaves = (ts: readonly Params[]) => {
    const out: Tensor[] = [];
    for (let i = 0; i < ts.length; i++) if (ts.indexOf(ts[i] as Params) === i) treeLeaves(ts[i], out);
    return out;
  };
  giveBackExcept(leaves(dead), leaves(live), why);
};

/** A callback's result; a promise (an async callback, from JavaScript) would be ignored, and its rejection unhandled: an error. */
const callback = (fn: string, name: string, r: unknown): unknown => {
  if (r !== null && typeof r === "object" && typeof (r as { then?: unknown }).then === "function")
    throw new TypeError(
      `${fn}: option '${name}' returned a promise; callbacks are synchronous and their result is read at once (return "stop" or nothing): start async work without returning it, or stop the run with an AbortSignal`,
    );
  // a typo'd stop signal ("STOP") must not train on; other values (push's number) continue, as void allows
  if (typeof r === "string" && r !== "stop") throw new TypeError(`${fn}: option '${name}' returned ${JSON.stringify(r)}; return "stop" to stop the run, or nothing to continue`);
  return r;
};

const checkInt = (fn: string, arg: string, v: unknown, min: number): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new TypeError(`${fn}: option '${arg}' must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
};

/** The values of `fit`'s and `evaluate`'s option `task`. */
const TASKS: readonly NonNullable<FitOptions<Params, number, number>["task"]>[] = ["classification", "regression"];

const earlyStoppingKeys: OptionKeys<EarlyStopping> = { monitor: true, patience: true, minDelta: true, restoreBest: true };
const divergenceKeys: OptionKeys<DivergenceOptions> = { lossFactor: true };

/** A nested options record: undefined, or an object with known keys only. */
const checkRecord = (fn: string, name: string, v: unknown, known: Readonly<Record<string, true>>, example: string): void => {
  if (v === undefined) return;
  if (v === null || typeof v !== "object") throw new TypeError(`${fn}: option '${name}' must be a record such as ${example}, got ${describeValue(v)}`);
  checkOptionKeys(fn, v, known, `option '${name}'`);
};

/** `trainStep`'s arguments that the step would otherwise meet as the engine's `TypeError` (`loss is not a function`). */
const checkStepArgs = (fn: string, model: unknown, loss: unknown, optimizer: unknown, state: unknown, layout: Layout | undefined): void => {
  if (typeof (model as { apply?: unknown } | null)?.apply !== "function") throw new TypeError(`${fn}: argument 'model' must have an apply(params, X, ctx) method`);
  if (typeof loss !== "function") throw new TypeError(`${fn}: argument 'loss' must be a cost function such as softmaxCrossEntropy`);
  if (typeof (optimizer as { step?: unknown } | null)?.step !== "function") throw new TypeError(`${fn}: argument 'optimizer' must be an optimizer such as adam(1e-3)`);
  if (state === null || typeof state !== "object" || !Array.isArray((state as { slots?: unknown }).slots))
    throw new TypeError(`${fn}: argument 'state' must be an optimizer state (optimizer.init(params))`);
  checkLayout(fn, model, layout);
};

/**
 * The options `fit` would otherwise read only later (a callback at its first call, the early
 * stopping record at the first epoch's end) or not at all (a misspelt key of a nested record, an
 * enumerated value it compares against one of its values): checked before any work.
 */
const checkLoopOptions = <P extends Params, F extends number, T extends number>(fn: string, o: LoopOptions<P, F, T>): void => {
  checkRecord(fn, "earlyStopping", o.earlyStopping, earlyStoppingKeys, "{ patience: 5 }");
  const es = o.earlyStopping as Record<string, unknown> | undefined;
  if (es?.patience !== undefined && !(typeof es.patience === "number" && Number.isInteger(es.patience) && es.patience >= 0))
    throw new TypeError(`${fn}: option 'earlyStopping.patience' must be an integer ≥ 0, got ${describeValue(es.patience)}`);
  if (es?.minDelta !== undefined && !(typeof es.minDelta === "number" && Number.isFinite(es.minDelta) && es.minDelta >= 0))
    throw new TypeError(`${fn}: option 'earlyStopping.minDelta' must be a finite number ≥ 0, got ${describeValue(es.minDelta)}`);
  if (es?.restoreBest !== undefined && typeof es.restoreBest !== "boolean") throw new TypeError(`${fn}: option 'earlyStopping.restoreBest' must be a boolean, got ${describeValue(es.restoreBest)}`);
  checkRecord(fn, "divergence", o.divergence, divergenceKeys, "{ lossFactor: 1e4 }");
  checkOneOf(fn, "task", o.task, TASKS);
  checkOneOf(fn, "outputs", o.outputs, OUTPUT_KINDS);
  checkOneOf(fn, "trainMetrics", o.trainMetrics, ["running", "full"]);
  checkLayout(fn, o.model, o.layout);
  if (o.shuffle !== undefined && typeof o.shuffle !== "boolean") throw new TypeError(`${fn}: option 'shuffle' must be a boolean, got ${describeValue(o.shuffle)}`);
  for (const name of ["onBatch", "onEpoch", "augment", "regularizer"] as const) {
    const f: unknown = o[name];
    if (f !== undefined && typeof f !== "function") throw new TypeError(`${fn}: option '${name}' must be a function, got ${describeValue(f)}`);
  }
};

/**
 * The training loop, one batch at a time: it yields after every update and returns the result.
 * `fit` drives it to the end at once, `fitAsync` lets the event loop run between batches; both
 * run exactly this code, so they give the same result bit for bit.
 */
function* steps<P extends Params, F extends number, T extends number>(fn: string, o: LoopOptions<P, F, T>): Loop<FitResult<P>> {
  if (o === null || typeof o !== "object") throw new TypeError(`${fn}: expected an options record`);
  if (typeof o.model?.apply !== "function") throw new TypeError(`${fn}: option 'model' must have an apply(params, X, ctx) method`);
  if (typeof o.loss !== "function") throw new TypeError(`${fn}: option 'loss' must be a cost function such as softmaxCrossEntropy`);
  if (typeof o.optimizer?.step !== "function") throw new TypeError(`${fn}: option 'optimizer' must be an optimizer such as adam(1e-3)`);
  checkLoopOptions(fn, o);
  const epochs = checkInt(fn, "epochs", o.epochs, 0);
  const data = checkExamples(fn, "train", o.train, o.task ?? "classification");
  if (data.m < 1) throw new TypeError(`${fn}: option 'train' must hold at least one example`);
  if (o.validation !== undefined && checkExamples(fn, "validation", o.validation, o.task ?? "classification").m < 1) throw new TypeError(`${fn}: option 'validation' must hold at least one example`);
  if (o.validation !== undefined && (o.validation.features !== data.features || o.validation.targets !== data.targets))
    throw new TypeError(`${fn}: option 'validation' has ${o.validation.features} features and ${o.validation.targets} targets, 'train' has ${data.features} and ${data.targets}`);
  const bs = o.batchSize === "full" ? data.m : checkInt(fn, "batchSize", o.batchSize ?? 32, 1);
  const resume = o.resume;
  if (resume !== undefined) {
    if (o.optState !== undefined) throw new TypeError(`${fn}: give either option 'optState' or option 'resume' (which holds one), not both`);
    if (resume === null || typeof resume !== "object" || resume.optState === undefined || resume.rng === undefined)
      throw new TypeError(`${fn}: option 'resume' must be a TrainState (a result's 'state')`);
    checkInt(fn, "resume.epoch", resume.epoch, 0);
    checkInt(fn, "resume.step", resume.step, 0);
  }
  const given0 = resume?.optState ?? o.optState;
  // (a state that is no object, or whose slots are no array, is left to the optimizer's step, which says what it expects)
  const state0 = given0 !== null && typeof given0 === "object" ? given0 : undefined;
  const spec = typeof o.optimizer.name === "string" ? builtinState(o.optimizer.name) : undefined;
  const mismatch = stateMismatch(spec, Array.isArray(state0?.slots) ? state0.slots.length : undefined, state0?.kind);
  const stateOption = resume === undefined ? "optState" : "resume";
  if (mismatch?.mismatch === "slots")
    throw new TypeError(
      `${fn}: option '${stateOption}' holds ${mismatch.holds} optimizer slots, but option 'optimizer' (${o.optimizer.name}) keeps ${mismatch.keeps}: resume with the optimizer that made the state`,
    );
  if (mismatch !== undefined)
    throw new TypeError(
      `${fn}: option '${stateOption}' was made by ${typeof mismatch.made === "string" ? mismatch.made : describeValue(mismatch.made)}, but option 'optimizer' is ${o.optimizer.name}: resume with the optimizer that made the state`,
    );
  const signal = o.signal;
  if (signal !== undefined && (signal === null || typeof signal.aborted !== "boolean")) throw new TypeError(`${fn}: option 'signal' must be an AbortSignal`);
  const lossFactor = o.divergence?.lossFactor ?? 1e4;
  if (typeof lossFactor !== "number" || !(lossFactor > 1)) throw new TypeError(`${fn}: option 'divergence.lossFactor' must be a number > 1 (or Infinity), got ${String(lossFactor)}`);
  let firstLoss: number | undefined;
  const layout = o.layout ?? "columns";
  const task = o.task ?? "classification";
  const outputs = o.outputs ?? "logits";
  const dtype = dtypeOption(fn, o.dtype);
  let shuffler: Rng;
  let noise: Rng;
  let augmenter: Rng;
  if (resume === undefined) {
    const root: Rng = rng(o.seed ?? 0);
    shuffler = root.fork();
    noise = root.fork();
    augmenter = root.fork();
  } else {
    shuffler = rngFromState(resume.rng.shuffle);
    noise = rngFromState(resume.rng.noise);
    augmenter = rngFromState(resume.rng.augment);
  }
  const shuffle = (o.shuffle ?? true) && bs < data.m;
  /** The examples in order (every epoch without shuffling), made once per call. */
  const inOrder = shuffle ? undefined : identity(data.m);
  const truth = labelsOnce(data);
  const batches = Math.ceil(data.m / bs);
  const firstEpoch = (resume?.epoch ?? 0) + 1;
  const fullBatch = bs >= data.m && o.augment === undefined ? toTensors(data, layout, { dtype }) : undefined;
  const gathered = batcher(data, layout, bs, { dtype });
  const augment = o.augment;
  const batchOf = (idx: readonly number[]) => (augment === undefined ? gathered(idx) : toTensors(augment(takeInto(data, idx, plainFloats), augmenter), layout, { dtype }));
  const progress: ProgressReporter | undefined = o.progress === undefined || o.progress === false ? undefined : progressReporter(fn, o.progress, { epochs, firstEpoch, batches });

  const es = o.earlyStopping;
  const monitor = es?.monitor ?? (o.validation === undefined ? "loss" : "valLoss");
  if ((monitor === "valLoss" || monitor === "valAccuracy") && es !== undefined && o.validation === undefined) throw new TypeError(`${fn}: early stopping on '${monitor}' needs a 'validation' set`);
  const maximise = monitor === "accuracy" || monitor === "valAccuracy";
  let best = maximise ? -Infinity : Infinity;
  let bestParams = o.params;
  let sinceBest = 0;

  let params = o.params;
  /** The optimizer state the caller gave (its memory is theirs). */
  const given = resume?.optState ?? o.optState;
  let state = given ?? o.optimizer.init(params);
  let lastGood = params;
  let step = resume?.step ?? 0;
  const snapshot = (epoch: number): TrainState<P> => ({ optState: state, epoch, step, rng: { shuffle: shuffler.state(), noise: noise.state(), augment: augmenter.state() } });
  /** The state after the last whole epoch, and its parameters. */
  let epochState = snapshot(firstEpoch - 1);
  let epochParams = params;
  const history: EpochRecord[] = [];
  /**
   * The next batch of the epoch, made before this one's step: a backend that copies batches in
   * later (the WASM backend, while its main thread waits for its workers) brings it in during the
   * step, where the copy costs no time.
   */
  let ahead: { readonly idx: readonly number[]; readonly X: Tensor; readonly Y: Tensor } | undefined;
  const stop = (reason: StopReason, epoch: number, message: string, p: P, diverged?: Divergence): FitResult<P> => {
    progress?.end();
    if (ahead !== undefined) giveBackTrees([{ X: ahead.X, Y: ahead.Y }], []);
    return { params: p, optState: state, history, state: epochState, stop: { reason, epoch, step, message, ...(diverged === undefined ? {} : { diverged }) } };
  };
  /** Parameters and states a callback has seen (it may keep them). */
  const handedOut = new WeakSet<object>();
  /**
   * Give back the memory of parameters two updates old and of the state an update replaced:
   * nothing refers to them any more unless they came from the caller, went to a callback, or
   * belong to the last epoch's state.
   */
  const retire = (p: P, s: OptState<P>): void =>
    giveBackTrees(
      [...(p === o.params || handedOut.has(p) ? [] : [p]), ...(s === given || handedOut.has(s) ? [] : s.slots)],
      [params, lastGood, bestParams, o.params, epochParams, ...state.slots, ...epochState.optState.slots, ...(given?.slots ?? [])],
    );

  /** The step's options, the same for every batch. */
  const stepOpts: StepOptions<P> = { layout, ctx: { training: true, rng: noise }, ...(o.regularizer === undefined ? {} : { regularizer: o.regularizer }) };
  /** The labels of the batch `idx`, in one array reused from batch to batch (read within its step only). */
  const batchTruth = task === "classification" ? { labels: [] as number[], outputs } : undefined;
  const truthOf = (idx: readonly number[]): typeof batchTruth => {
    if (batchTruth === undefined) return undefined;
    const labels = batchTruth.labels;
    labels.length = idx.length;
    for (let i = 0; i < idx.length; i++) labels[i] = truth[idx[i] as number] as number;
    return batchTruth;
  };

  // the first batch is where data of the wrong width fails: name the option (no cost per batch)
  try {
    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const order = inOrder ?? permutation(shuffler, data.m);
      let lossSum = 0;
      let hits = 0;
      const batch = (b: number) => {
        const idx = order.slice(b * bs, Math.min(data.m, (b + 1) * bs));
        return { idx, ...(fullBatch ?? batchOf(idx)) };
      };
      for (let b = 0; b < batches; b++) {
        if (signal?.aborted === true) return stop("aborted", epoch, `${fn}: aborted at epoch ${epoch}, batch ${b}${signal.reason === undefined ? "" : ` (${String(signal.reason)})`}`, params);
        const { idx, X, Y } = ahead ?? batch(b);
        // (not with `augment`: its calls keep their order among the callbacks)
        ahead = fullBatch === undefined && augment === undefined && b + 1 < batches ? batch(b + 1) : undefined;
        const r = yield* update(o.model, o.loss, o.optimizer, params, state, X as Tensor, Y as Tensor, stepOpts, true, truthOf(idx));
        if (firstLoss === undefined) firstLoss = r.loss;
        const first = firstLoss;
        const exploded = r.bad === undefined && r.loss > lossFactor * Math.max(Math.abs(first), 1);
        if (r.bad !== undefined || exploded) {
          const bad: Divergence = r.bad ?? { what: "loss explosion", value: r.loss };
          // a bad cost condemns the parameters it was computed from; a bad update only the new ones
          const good = bad.what === "loss" || bad.what === "loss explosion" ? lastGood : params;
          const what =
            bad.what === "loss explosion"
              ? `the cost ${r.loss} exceeded ${lossFactor} × max(first cost ${first}, 1)`
              : `${bad.name === undefined ? `the ${bad.what}` : `${bad.what} '${bad.name}'`} became ${bad.value}`;
          return stop("diverged", epoch, `${fn}: diverged at epoch ${epoch}, batch ${b} (step ${step + 1}): ${what}; returning the last good parameters`, good, bad);
        }
        const retired = lastGood;
        const retiredState = state;
        lastGood = params;
        params = r.params;
        state = r.state;
        retire(retired, retiredState);
        step++;
        lossSum += r.loss * idx.length;
        let batchAcc: number | undefined;
        if (task === "classification") {
          hits += r.hits;
          batchAcc = r.hits / idx.length;
        }
        // the batch's tensors, its output and its cost were made here and are seen by no one now:
        // their memory goes back at once, not when the backend's ring comes round to them (which
        // copies them out first: four small copies a batch)
        giveBackTrees(fullBatch === undefined ? [{ X, Y, output: r.output, cost: r.cost }] : [{ output: r.output, cost: r.cost }], [params, lastGood, ...state.slots]);
        const info: BatchInfo = { epoch, batch: b, batches, step, loss: r.loss, accuracy: batchAcc };
        progress?.batch(info);
        if (o.onBatch !== undefined && callback(fn, "onBatch", o.onBatch(info)) === "stop") {
          return stop("callback", epoch, `${fn}: onBatch asked to stop at epoch ${epoch}, batch ${b}`, params);
        }
        yield { batch: info };
      }
      const evalOpts = { layout, task, outputs, dtype } as const;
      const trainM =
        o.trainMetrics === "full"
          ? yield* evaluation(fn, "option 'train'", o.model, params, data, o.loss, evalOpts)
          : { loss: lossSum / data.m, accuracy: task === "classification" ? hits / data.m : undefined };
      const val = o.validation === undefined ? undefined : yield* evaluation(fn, "option 'validation'", o.model, params, o.validation, o.loss, evalOpts);
      const record: EpochRecord = { epoch, steps: step, loss: trainM.loss, accuracy: trainM.accuracy, valLoss: val?.loss, valAccuracy: val?.accuracy };
      const badMetric = (["loss", "accuracy", "valLoss", "valAccuracy"] as const).find((k) => record[k] !== undefined && !Number.isFinite(record[k]));
      if (badMetric !== undefined) {
        // these parameters give a non-finite metric: the last good ones are the previous epoch's
        const value = record[badMetric] as number;
        return stop("diverged", epoch, `${fn}: diverged after epoch ${epoch}: '${badMetric}' is ${value}; returning the parameters of the epoch before`, epochParams, {
          what: badMetric.startsWith("val") ? "validation" : "loss",
          name: badMetric,
          value,
        });
      }
      history.push(record);
      progress?.epoch(record);
      epochState = snapshot(epoch);
      epochParams = params;
      if (o.onEpoch !== undefined) {
        handedOut.add(params);
        handedOut.add(state);
      }
      if (o.onEpoch !== undefined && callback(fn, "onEpoch", o.onEpoch(record, params, epochState)) === "stop")
        return stop("callback", epoch, `${fn}: onEpoch asked to stop after epoch ${epoch}`, params);
      if (es !== undefined) {
        const v = record[monitor];
        if (v === undefined) throw new TypeError(`${fn}: early stopping monitors '${monitor}', which a ${task} run does not compute`);
        const delta = es.minDelta ?? 0;
        if (maximise ? v > best + delta : v < best - delta) {
          best = v;
          bestParams = params;
          sinceBest = 0;
        } else if (++sinceBest >= (es.patience ?? 5)) {
          return stop("earlyStopping", epoch, `${fn}: '${monitor}' did not improve for ${sinceBest} epochs (best ${best})`, (es.restoreBest ?? true) ? bestParams : params);
        }
      }
    }
  } catch (e) {
    throw firstLoss === undefined ? firstBatchError(fn, o, data, e) : e;
  } finally {
    // the backend's worker lets go of the training set (a batch made ahead was given back in `stop`)
    forgetBatches(data);
  }
  return stop("epochs", epochs, `${fn}: ran ${epochs} epochs`, params);
}

/**
 * Train `model` from `params`: see the module comment for the regimes and guarantees.
 *
 * @example
 * import { adam, fit, mlp, rng, logLossFromLogits, xor } from "typegrad"
 * const net = mlp([2, 8, 1], { hidden: "tanh" })
 * const { params, history, stop } = fit({
 *   model: net, params: net.init(rng(1)), loss: logLossFromLogits, optimizer: adam(0.05),
 *   train: xor(rng(0), { m: 64 }), batchSize: 16, epochs: 60, seed: 1,
 * })
 * stop.reason // "epochs"
 * @category operations
 */
export const fit = <P extends Params, F extends number, T extends number, M extends Model<P> = Model<P>, L extends Layout = "columns", C extends Cost = Cost>(
  o: FitOptions<P, F, T, M, L, C>,
): FitResult<P> => {
  checkOptionKeys("fit", o, fitKeys);
  return driveSync("fit", "'await fitAsync(…)' with the same options", steps("fit", o));
};

const fitKeys: OptionKeys<FitOptions<Params, number, number>> = {
  model: true,
  params: true,
  loss: true,
  optimizer: true,
  optState: true,
  resume: true,
  train: true,
  validation: true,
  layout: true,
  batchSize: true,
  epochs: true,
  seed: true,
  shuffle: true,
  regularizer: true,
  task: true,
  outputs: true,
  trainMetrics: true,
  earlyStopping: true,
  onBatch: true,
  onEpoch: true,
  progress: true,
  signal: true,
  divergence: true,
  dtype: true,
  augment: true,
};
const fitAsyncKeys: OptionKeys<FitAsyncOptions<Params, number, number>> = { ...fitKeys, yieldEvery: true };

/** Options of {@link fitAsync}: those of {@link fit}, and how often to let the event loop run. @category model */
export interface FitAsyncOptions<P extends Params, F extends number, T extends number, M extends Model<P> = Model<P>, L extends Layout = Layout, C extends Cost = Cost>
  extends FitOptions<P, F, T, M, L, C> {
  /**
   * Let the event loop run (a page redraw, input, an abort) once at least this many milliseconds
   * of training have passed since the last time; checked after each batch. Default 0: after
   * every batch.
   */
  readonly yieldEvery?: number;
}

/**
 * A macrotask turn: `setImmediate` where there is one (Node: its check phase comes after the
 * timers and I/O; a `MessageChannel` turn there starved timers, so a timeout's abort waited for
 * the run's end), else `MessageChannel` (browsers: no 4 ms clamp), else `setTimeout(0)`.
 */
const macrotasks = (): { readonly next: () => Promise<void>; readonly close: () => void } => {
  type Port = { onmessage: ((e: unknown) => void) | null; postMessage(m: unknown): void; close(): void };
  const immediate = (globalThis as unknown as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (typeof immediate === "function") return { next: () => new Promise<void>((resolve) => void immediate(resolve)), close: () => {} };
  const MC = (globalThis as unknown as { MessageChannel?: new () => { port1: Port; port2: Port } }).MessageChannel;
  if (MC === undefined) return { next: () => new Promise((resolve) => globalThis.setTimeout(resolve, 0)), close: () => {} };
  const ch = new MC();
  const waiting: (() => void)[] = [];
  ch.port1.onmessage = () => waiting.shift()?.();
  return {
    next: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        ch.port2.postMessage(0);
      }),
    close: () => {
      ch.port1.close();
      ch.port2.close();
    },
  };
};

/**
 * {@link fit}, letting the event loop run between batches (see `yieldEvery`), so a page stays
 * responsive and a `signal` can be aborted from a button while training. The same loop as
 * `fit`: for the same options the result is the same, bit for bit.
 *
 * @example
 * import { adam, fitAsync, mlp, rng, logLossFromLogits, xor } from "typegrad"
 * const net = mlp([2, 8, 1], { hidden: "tanh" })
 * const stopButton = new AbortController()
 * const { params, stop } = await fitAsync({
 *   model: net, params: net.init(rng(1)), loss: logLossFromLogits, optimizer: adam(0.05),
 *   train: xor(rng(0), { m: 64 }), batchSize: 16, epochs: 60, signal: stopButton.signal,
 * })
 * stop.reason // "epochs" (or "aborted" once stopButton.abort() was called)
 * @category operations
 */
export const fitAsync = async <P extends Params, F extends number, T extends number, M extends Model<P> = Model<P>, L extends Layout = "columns", C extends Cost = Cost>(
  o: FitAsyncOptions<P, F, T, M, L, C>,
): Promise<FitResult<P>> => {
  checkOptionKeys("fitAsync", o, fitAsyncKeys);
  const every = o?.yieldEvery ?? 0;
  if (typeof every !== "number" || !(every >= 0)) throw new TypeError(`fitAsync: option 'yieldEvery' must be a number of milliseconds ≥ 0, got ${String(every)}`);
  const turns = macrotasks();
  try {
    let last = performance.now();
    return await driveAsync(steps("fitAsync", o), async () => {
      if (performance.now() - last >= every) {
        await turns.next();
        last = performance.now();
      }
    });
  } finally {
    turns.close();
  }
};
