/**
 * Classification metrics on plain arrays: predicted labels from a network's output, accuracy,
 * and a confusion matrix.
 *
 * @module
 */
import { bind, giveBackExcept, tidy } from "../autodiff/core.js";
import { argmaxPrim } from "../ops/argmax.js";
import { eqPrim } from "../ops/eq.js";
import { gtPrim } from "../ops/gt.js";
import { reshapeSizes } from "../ops/reshapePrim.js";
import { sumAxis } from "../ops/sum.js";
import type { Layout } from "../shape/layout.js";
import { fromArray, toFlat, toFlatAsync } from "../tensor/create.js";
import { storageOf, type Tensor } from "../tensor/tensor.js";

/** What a network outputs: logits (before the sigmoid / softmax) or probabilities. @category model */
export type OutputKind = "logits" | "probabilities";

/** Every {@link OutputKind}, for the checks of an `outputs` option. @internal */
export const OUTPUT_KINDS: readonly OutputKind[] = ["logits", "probabilities"];

/** Options of {@link predictLabels} and {@link predictLabelsAsync}. @category model */
export interface LabelOptions {
  /** Which axis holds the examples (default `"columns"`). */
  readonly layout?: Layout;
  /** Whether the output is logits (default) or probabilities; matters with one output unit. */
  readonly outputs?: OutputKind;
}

/**
 * The predicted class of each example: with one output unit, 1 where the logit is > 0 (the
 * probability > 0.5); with several, the index of the largest (the first on ties). On the WebGPU
 * backend, which reads back only asynchronously, use {@link predictLabelsAsync}.
 *
 * @example
 * import { predictLabels, tensor } from "typegrad"
 * predictLabels(tensor([[0.1, 0.8], [0.9, 0.2]])) // [1, 0] (columns are examples: the index of the largest)
 * predictLabels(tensor([[-0.5, 2]])) // [0, 1] (one output: a logit above 0, or a probability above 0.5)
 * @category operations
 */
export const predictLabels = (output: Tensor, opts: LabelOptions = {}): number[] => {
  const rows = opts.layout === "rows";
  const [m, k] = examplesAndOutputs("predictLabels", output, rows);
  const b = storageOf(output).backend;
  if (b.readAsync !== undefined)
    throw new Error(`predictLabels: the output lives on the '${b.name}' backend, which reads back only asynchronously; use 'await predictLabelsAsync(…)' with the same arguments`);
  return labelsOf(toFlat(output), m, k, rows, opts.outputs);
};

/**
 * The rule of {@link predictLabels} on the elements of an output of `m` examples and `k` units
 * (rows are examples with `rows`). @internal
 */
export const labelsOf = (data: ArrayLike<number>, m: number, k: number, rows: boolean, outputs: OutputKind | undefined): number[] => {
  const at = (i: number, c: number): number => data[rows ? i * k + c : c * m + i] as number;
  const threshold = outputs === "probabilities" ? 0.5 : 0;
  const out = new Array<number>(m);
  for (let i = 0; i < m; i++) {
    if (k === 1) {
      out[i] = at(i, 0) > threshold ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let c = 1; c < k; c++) if (at(i, c) > at(i, best)) best = c;
    out[i] = best;
  }
  return out;
};

/**
 * How many of the `m` examples {@link labelsOf} labels as `truth` does, read from `data` at
 * element `from` on: the same rule, with no array of labels made (it runs once per `fit` batch). @internal
 */
export const hitsOf = (data: ArrayLike<number>, from: number, m: number, k: number, rows: boolean, outputs: OutputKind | undefined, truth: readonly number[]): number => {
  let hits = 0;
  if (k === 1) {
    const threshold = outputs === "probabilities" ? 0.5 : 0;
    for (let i = 0; i < m; i++) if (((data[from + i] as number) > threshold ? 1 : 0) === truth[i]) hits++;
    return hits;
  }
  // element (i, c) at `from + i·di + c·dc`
  const di = rows ? k : 1;
  const dc = rows ? 1 : m;
  for (let i = 0; i < m; i++) {
    const at = from + i * di;
    let best = 0;
    let top = data[at] as number;
    for (let c = 1; c < k; c++) {
      const v = data[at + c * dc] as number;
      if (v > top) {
        best = c;
        top = v;
      }
    }
    if (best === truth[i]) hits++;
  }
  return hits;
};

/** `[m, k]`: the examples and outputs of a 2-D network output. */
const examplesAndOutputs = (fn: string, output: Tensor, rows: boolean): [number, number] => {
  const s = output.shape as readonly number[];
  if (s.length !== 2) throw new TypeError(`${fn}: argument 'output' must be a 2-D tensor of outputs × examples, got rank ${s.length}`);
  return rows ? [s[0] as number, s[1] as number] : [s[1] as number, s[0] as number];
};

/**
 * {@link predictLabels}, reading asynchronously: the form for the WebGPU backend. There the
 * labels are computed where the output lives (an argmax, or a comparison with the threshold) and
 * one read brings back `m` numbers instead of the whole output. On the CPU backends it gives
 * what `predictLabels` gives.
 *
 * @example
 * import { predictLabelsAsync, tensor } from "typegrad"
 * await predictLabelsAsync(tensor([[0.1, 0.8], [0.9, 0.2]])) // [1, 0]
 * await predictLabelsAsync(tensor([[0.1, 0.9], [0.8, 0.2]]), { layout: "rows" }) // [1, 0] (rows are examples)
 * @category operations
 */
export const predictLabelsAsync = async (output: Tensor, opts: LabelOptions = {}): Promise<number[]> => {
  const rows = opts.layout === "rows";
  const [m, k] = examplesAndOutputs("predictLabelsAsync", output, rows);
  if (storageOf(output).backend.readAsync === undefined) return predictLabels(output, opts);
  const labels = tidy(
    () => predictedOn(output, m, k, opts),
    (t) => [t],
  );
  try {
    return Array.from(await toFlatAsync(labels));
  } finally {
    giveBackExcept([labels], [output]);
  }
};

/** The predicted labels (`[m]`, as floats) computed where `output` lives: the rule of {@link predictLabels}. */
const predictedOn = (output: Tensor, m: number, k: number, opts: LabelOptions): Tensor => {
  const threshold = fromArray([], [opts.outputs === "probabilities" ? 0.5 : 0], { dtype: output.dtype });
  return k === 1 ? reshapeSizes(bind(gtPrim, [output, threshold], undefined), [m]) : bind(argmaxPrim, [output], { axis: opts.layout === "rows" ? 1 : 0 });
};

/**
 * How many of `output`'s predicted labels (the rule of {@link predictLabels}) equal `truth`
 * (`[m]`, the labels as numbers), as a scalar tensor computed where `output` lives: a GPU
 * training loop reads this one number instead of the whole output.
 *
 * @internal
 */
export const labelHits = (output: Tensor, truth: readonly number[], opts: LabelOptions = {}): Tensor => {
  const rows = opts.layout === "rows";
  const [m, k] = examplesAndOutputs("predictLabels", output, rows);
  if (truth.length !== m) throw new TypeError(`predictLabels: 'output' has ${m} examples, the labels ${truth.length}`);
  return sumAxis(bind(eqPrim, [predictedOn(output, m, k, opts), fromArray([m], truth, { dtype: output.dtype })], undefined));
};

/**
 * The fraction of equal labels.
 *
 * @example
 * import { accuracy } from "typegrad"
 * accuracy([0, 1, 1], [0, 1, 0]) // 0.666…
 * @category operations
 */
export const accuracy = (predicted: readonly number[], actual: readonly number[]): number => {
  if (predicted.length !== actual.length) throw new TypeError(`accuracy: 'predicted' has ${predicted.length} labels, 'actual' has ${actual.length}`);
  if (predicted.length === 0) throw new TypeError("accuracy: no labels");
  let ok = 0;
  predicted.forEach((p, i) => {
    if (p === actual[i]) ok++;
  });
  return ok / predicted.length;
};

/** The most classes `confusionMatrix` counts (16.8 million counts). */
const MAX_CONFUSION_CLASSES = 4096;

/**
 * `k × k` counts (`k` from 1 to 4096): row = actual class, column = predicted class; labels are integers in [0, k).
 *
 * @example
 * import { confusionMatrix } from "typegrad"
 * confusionMatrix([0, 1, 1], [0, 1, 0], 2) // [[1, 1], [0, 1]]
 * @category operations
 */
export const confusionMatrix = (predicted: readonly number[], actual: readonly number[], k: number): number[][] => {
  if (predicted.length !== actual.length) throw new TypeError(`confusionMatrix: 'predicted' has ${predicted.length} labels, 'actual' has ${actual.length}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= MAX_CONFUSION_CLASSES))
    throw new RangeError(`confusionMatrix: argument 'k' must be an integer from 1 to ${MAX_CONFUSION_CLASSES} (the matrix holds k² counts), got ${k}`);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  predicted.forEach((p, i) => {
    const a = actual[i] as number;
    const row = Number.isInteger(a) ? m[a] : undefined;
    if (row === undefined || !Number.isInteger(p) || p < 0 || p >= k) throw new RangeError(`confusionMatrix: label out of range at example ${i} (actual ${a}, predicted ${p}, k = ${k})`);
    row[p] = (row[p] as number) + 1;
  });
  return m;
};
