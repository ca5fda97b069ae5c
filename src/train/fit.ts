/**
 * The training loop of seed 004: repeat forward, cost, backward, update, over the examples in
 * one of three regimes —
 *
 * - online: `batchSize: 1`, one update per example;
 * - mini-batch: `batchSize: n_b`, one update per packet of `n_b` examples;
 * - full batch (the notes' "batch"): `batchSize: "full"`, one update per epoch —
 *
 * with seeded shuffling, loss and accuracy on the training and validation sets after every epoch,
 * callbacks per batch and per epoch, early stopping, and a guard that stops at the first
 * non-finite cost and returns the last parameters whose cost was finite. Everything random is
 * drawn from generators forked from `seed`, so the same call gives the same run, bit for bit.
 *
 * @module
 */
import { flattenTree, type Params } from "../autodiff/tree.js";
import { valueAndGradAux } from "../autodiff/vjp.js";
import type { DType } from "../backend/backend.js";
import { type Examples, type Layout, labels, take, toTensors } from "../data/examples.js";
import type { RunContext } from "../nn/activations.js";
import type { LossOptions } from "../nn/losses.js";
import { add } from "../ops/add.js";
import type { Optimizer, OptState } from "../optim/optimizers.js";
import { item } from "../tensor/create.js";
import { permutation, type Rng, rng } from "../tensor/random.js";
import { giveBack, storageOf, type Tensor } from "../tensor/tensor.js";
import { accuracy, type OutputKind, predictLabels } from "./metrics.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Anything with an `apply(params, X, ctx)`: a `dense` layer, a `sequential`, an `mlp`, or a hand-written model. @category model */
export interface Model<P extends Params> {
  apply(params: P, X: Tensor, ctx?: RunContext): Tensor;
}

/** A cost of outputs and targets (`softmaxCrossEntropy`, `logLoss`, `mse`…). @category model */
export type Cost = (output: Tensor, Y: Tensor, opts?: LossOptions) => Tensor<[]>;

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
export type StopReason = "epochs" | "earlyStopping" | "nonFinite" | "callback";

/** Options of {@link fit}. @category model */
export interface FitOptions<P extends Params, F extends number, T extends number> {
  readonly model: Model<P>;
  /** Initial parameters. */
  readonly params: P;
  readonly loss: Cost;
  readonly optimizer: Optimizer;
  /** Continue from this optimizer state (default: `optimizer.init(params)`). */
  readonly optState?: OptState<P>;
  readonly train: Examples<F, T>;
  readonly validation?: Examples<F, T>;
  /** Which axis holds the examples (default `"columns"`); must match the model. */
  readonly layout?: Layout;
  /** 1 = online, n = mini-batch, `"full"` = full batch (default 32). */
  readonly batchSize?: number | "full";
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
  /** After each update; return `"stop"` to stop. */
  readonly onBatch?: (info: BatchInfo) => undefined | "stop";
  /** After each epoch; return `"stop"` to stop. */
  readonly onEpoch?: (record: EpochRecord, params: P) => undefined | "stop";
  /** Element type of the batches (default float32). */
  readonly dtype?: DType;
  /** Transform each training batch before the step (data augmentation, e.g. `shiftImages`), drawing from the run's generator. */
  readonly augment?: (batch: Examples<F, T>, g: Rng) => Examples<F, T>;
}

/** What {@link fit} returns. @category model */
export interface FitResult<P extends Params> {
  readonly params: P;
  readonly optState: OptState<P>;
  readonly history: readonly EpochRecord[];
  readonly stop: { readonly reason: StopReason; readonly epoch: number; readonly step: number; readonly message: string };
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * The loss (and accuracy, for classification) of `params` on `data`, evaluated in chunks of
 * `chunk` examples (default 1000) without dropout. The regulariser is not included.
 *
 * @example const { loss, accuracy } = evaluate(net, params, test, softmaxCrossEntropy)
 * @category operations
 */
export const evaluate = <P extends Params>(
  model: Model<P>,
  params: P,
  data: Examples,
  loss: Cost,
  opts: { readonly layout?: Layout; readonly chunk?: number; readonly task?: "classification" | "regression"; readonly outputs?: OutputKind; readonly dtype?: DType } = {},
): { readonly loss: number; readonly accuracy: number | undefined } => {
  if (data.m === 0) throw new TypeError("evaluate: argument 'data' has no examples");
  const chunk = opts.chunk ?? 1000;
  const layout = opts.layout ?? "columns";
  const truth = labels(data);
  let total = 0;
  const predicted: number[] = [];
  for (let s = 0; s < data.m; s += chunk) {
    const idx = Array.from({ length: Math.min(chunk, data.m - s) }, (_, i) => s + i);
    const { X, Y } = toTensors(take(data, idx), layout, { dtype: opts.dtype ?? "float32" });
    const out = model.apply(params, X as Tensor, { training: false });
    total += item(loss(out, Y as Tensor, { layout })) * idx.length;
    if (opts.task !== "regression") predicted.push(...predictLabels(out, { layout, outputs: opts.outputs ?? "logits" }));
  }
  return { loss: total / data.m, accuracy: opts.task === "regression" ? undefined : accuracy(predicted, truth) };
};

/**
 * One pure training step: the cost of `params` on a batch, its gradient, and the optimizer's
 * update. Returns the new parameters and state, the cost and the model's output on the batch.
 *
 * @example
 * const { params: p1, state: s1, loss } = trainStep(net, softmaxCrossEntropy, adam(1e-3), params, state, X, Y)
 * @category operations
 */
export const trainStep = <P extends Params>(
  model: Model<P>,
  loss: Cost,
  optimizer: Optimizer,
  params: P,
  state: OptState<P>,
  X: Tensor,
  Y: Tensor,
  opts: { readonly layout?: Layout; readonly ctx?: RunContext; readonly regularizer?: (params: P) => Tensor<[]> } = {},
): { readonly params: P; readonly state: OptState<P>; readonly loss: number; readonly output: Tensor } => {
  const layout = opts.layout ?? "columns";
  const [J, grads, output] = valueAndGradAux((p: P) => {
    const out = model.apply(p, X, opts.ctx ?? { training: true });
    const cost = loss(out, Y, { layout });
    return [opts.regularizer === undefined ? cost : add(cost, opts.regularizer(p)), out] as const;
  })(params);
  const [next, nextState] = optimizer.step(params, grads, state);
  // the gradients were seen only by the optimizer: give their memory back (unless it kept them)
  giveBackTrees([grads], [params, next, ...nextState.slots, output, J, X, Y]);
  return { params: next, state: nextState, loss: item(J), output };
};

/** Give back the memory of the tensors in `dead` that share none with those in `live`. */
const giveBackTrees = (dead: readonly Params[], live: readonly Params[]): void => {
  const leaves = (ts: readonly Params[]) => ts.flatMap((t) => flattenTree("fit", t).leaves.map(storageOf));
  const keep = new Set(leaves(live));
  giveBack(leaves(dead).filter((st) => !keep.has(st)));
};

const checkInt = (arg: string, v: unknown, min: number): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new TypeError(`fit: option '${arg}' must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
};

/**
 * Train `model` from `params`: see the module comment for the regimes and guarantees.
 *
 * @example
 * const { params, history } = fit({
 *   model: net, params: net.init(rng(0)), loss: softmaxCrossEntropy, optimizer: adam(1e-3),
 *   train, validation: test, batchSize: 128, epochs: 10, seed: 1,
 * })
 * @category operations
 */
export const fit = <P extends Params, F extends number, T extends number>(o: FitOptions<P, F, T>): FitResult<P> => {
  if (o === null || typeof o !== "object") throw new TypeError("fit: expected an options record");
  if (typeof o.model?.apply !== "function") throw new TypeError("fit: option 'model' must have an apply(params, X, ctx) method");
  if (typeof o.loss !== "function") throw new TypeError("fit: option 'loss' must be a cost function such as softmaxCrossEntropy");
  if (typeof o.optimizer?.step !== "function") throw new TypeError("fit: option 'optimizer' must be an optimizer such as adam(1e-3)");
  const epochs = checkInt("epochs", o.epochs, 0);
  const data = o.train;
  if (data === undefined || data.m < 1) throw new TypeError("fit: option 'train' must hold at least one example");
  const bs = o.batchSize === "full" ? data.m : checkInt("batchSize", o.batchSize ?? 32, 1);
  const layout = o.layout ?? "columns";
  const task = o.task ?? "classification";
  const outputs = o.outputs ?? "logits";
  const dtype = o.dtype ?? "float32";
  const root: Rng = rng(o.seed ?? 0);
  const shuffler = root.fork();
  const noise = root.fork();
  const shuffle = (o.shuffle ?? true) && bs < data.m;
  const truth = labels(data);
  const batches = Math.ceil(data.m / bs);
  const augmenter = root.fork();
  const fullBatch = bs >= data.m && o.augment === undefined ? toTensors(data, layout, { dtype }) : undefined;
  const batchOf = (idx: readonly number[]) => {
    const b = take(data, idx);
    return toTensors(o.augment === undefined ? b : o.augment(b, augmenter), layout, { dtype });
  };

  const es = o.earlyStopping;
  const monitor = es?.monitor ?? (o.validation === undefined ? "loss" : "valLoss");
  if ((monitor === "valLoss" || monitor === "valAccuracy") && es !== undefined && o.validation === undefined) throw new TypeError(`fit: early stopping on '${monitor}' needs a 'validation' set`);
  const maximise = monitor === "accuracy" || monitor === "valAccuracy";
  let best = maximise ? -Infinity : Infinity;
  let bestParams = o.params;
  let sinceBest = 0;

  let params = o.params;
  let state = o.optState ?? o.optimizer.init(params);
  let lastGood = params;
  let step = 0;
  const history: EpochRecord[] = [];
  const stop = (reason: StopReason, epoch: number, message: string, p: P): FitResult<P> => ({ params: p, optState: state, history, stop: { reason, epoch, step, message } });
  /** Parameters a callback has seen (it may keep them). */
  const handedOut = new WeakSet<object>();
  /**
   * Give back the memory of parameters two updates old and of the state an update replaced:
   * nothing refers to them any more unless they came from the caller or went to a callback.
   */
  const retire = (p: P, s: OptState<P>): void =>
    giveBackTrees([...(p === o.params || handedOut.has(p) ? [] : [p]), ...(s === o.optState ? [] : s.slots)], [params, lastGood, bestParams, o.params, ...state.slots, ...(o.optState?.slots ?? [])]);

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffle ? permutation(shuffler, data.m) : Array.from({ length: data.m }, (_, i) => i);
    let lossSum = 0;
    let hits = 0;
    for (let b = 0; b < batches; b++) {
      const idx = order.slice(b * bs, Math.min(data.m, (b + 1) * bs));
      const { X, Y } = fullBatch ?? batchOf(idx);
      const r = trainStep(o.model, o.loss, o.optimizer, params, state, X as Tensor, Y as Tensor, {
        layout,
        ctx: { training: true, rng: noise },
        ...(o.regularizer === undefined ? {} : { regularizer: o.regularizer }),
      });
      if (!Number.isFinite(r.loss)) {
        return stop("nonFinite", epoch, `fit: the cost became ${r.loss} at epoch ${epoch}, batch ${b}; returning the last parameters with a finite cost`, lastGood);
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
        const pred = predictLabels(r.output, { layout, outputs });
        const ok = pred.reduce((s, p, i) => s + (p === truth[idx[i] as number] ? 1 : 0), 0);
        hits += ok;
        batchAcc = ok / idx.length;
      }
      if (o.onBatch?.({ epoch, batch: b, batches, step, loss: r.loss, accuracy: batchAcc }) === "stop") {
        return stop("callback", epoch, `fit: onBatch asked to stop at epoch ${epoch}, batch ${b}`, params);
      }
    }
    const evalOpts = { layout, task, outputs, dtype } as const;
    const trainM = o.trainMetrics === "full" ? evaluate(o.model, params, data, o.loss, evalOpts) : { loss: lossSum / data.m, accuracy: task === "classification" ? hits / data.m : undefined };
    const val = o.validation === undefined ? undefined : evaluate(o.model, params, o.validation, o.loss, evalOpts);
    const record: EpochRecord = { epoch, steps: step, loss: trainM.loss, accuracy: trainM.accuracy, valLoss: val?.loss, valAccuracy: val?.accuracy };
    history.push(record);
    if (o.onEpoch !== undefined) handedOut.add(params);
    if (o.onEpoch?.(record, params) === "stop") return stop("callback", epoch, `fit: onEpoch asked to stop after epoch ${epoch}`, params);
    if (es !== undefined) {
      const v = record[monitor];
      if (v === undefined) throw new TypeError(`fit: early stopping monitors '${monitor}', which a ${task} run does not compute`);
      const delta = es.minDelta ?? 0;
      if (maximise ? v > best + delta : v < best - delta) {
        best = v;
        bestParams = params;
        sinceBest = 0;
      } else if (++sinceBest >= (es.patience ?? 5)) {
        return stop("earlyStopping", epoch, `fit: '${monitor}' did not improve for ${sinceBest} epochs (best ${best})`, (es.restoreBest ?? true) ? bestParams : params);
      }
    }
  }
  return stop("epochs", epochs, `fit: ran ${epochs} epochs`, params);
};
