/**
 * `examplesFrom(dataset)`: a decoded dataset (`csvDataset`, `jsonDataset`, their file readers in
 * `typegrad/node`, or any `{ X, Y }` pair of tensors) as the `Examples` that `fit`, `split` and
 * `standardize` take. The inverse of `toTensors`: `examplesFrom(toTensors(d))` is `d` again.
 * Feature and target counts that the tensors' types know (`Tensor<[4, "m"]>`) flow into
 * `Examples<4, …>`.
 *
 * @module
 */
import type { Dim } from "../shape/dims.js";
import { toFlat } from "../tensor/create.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type Examples, type Layout, oneHot, sharedCopy, sharedFloats } from "./examples.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link examplesFrom}. @category model */
export interface ExamplesFromOptions<L extends Layout = "columns", K extends number = number> {
  /** Which axis of `X` and `Y` holds the examples (default `"columns"`: `X` is `[features, m]`, as every decoder here returns it). */
  readonly layout?: L;
  /** One-hot integer class labels (`Y` of one row, values `0..K-1`) into `K` targets. */
  readonly oneHot?: K;
}

/** The feature count of a dataset's `X` (a literal when its type knows it). @category model */
export type FeaturesOf<X, L extends Layout = "columns"> =
  X extends Tensor<infer S> ? (L extends "rows" ? (S extends readonly [Dim, infer F extends number] ? F : number) : S extends readonly [infer F extends number, Dim] ? F : number) : number;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The examples held by a dataset of two tensors, examples as columns (`X: [features, m]`,
 * `Y: [targets, m]`, what `csvDataset`, `jsonDataset` and `toTensors` give) or, with
 * `{ layout: "rows" }`, as rows. `{ oneHot: k }` turns integer labels (`Y: [1, m]`) into `k`
 * one-hot targets. Throws, naming the argument, when the tensors are not 2-D or disagree on `m`.
 *
 * @example
 * import { examplesFrom, tensor } from "typegrad"
 * const X = tensor([[1, 3], [2, 4]])
 * const Y = tensor([[0, 2]])
 * examplesFrom({ X, Y }, { oneHot: 3 }) // { m: 2, features: 2, targets: 3 }
 * examplesFrom({ X, Y }).x // [1, 2, 3, 4] (example-major)
 * @category constructors
 */
export function examplesFrom<X extends Tensor, Y extends Tensor, const K extends number>(
  dataset: { readonly X: X; readonly Y: Y },
  opts: ExamplesFromOptions<"columns", K> & { readonly oneHot: K },
): Examples<FeaturesOf<X>, K>;
export function examplesFrom<X extends Tensor, Y extends Tensor, const K extends number>(
  dataset: { readonly X: X; readonly Y: Y },
  opts: ExamplesFromOptions<"rows", K> & { readonly layout: "rows"; readonly oneHot: K },
): Examples<FeaturesOf<X, "rows">, K>;
export function examplesFrom<X extends Tensor, Y extends Tensor>(
  dataset: { readonly X: X; readonly Y: Y },
  opts: ExamplesFromOptions<"rows"> & { readonly layout: "rows" },
): Examples<FeaturesOf<X, "rows">, FeaturesOf<Y, "rows">>;
export function examplesFrom<X extends Tensor, Y extends Tensor>(dataset: { readonly X: X; readonly Y: Y }, opts?: ExamplesFromOptions<"columns">): Examples<FeaturesOf<X>, FeaturesOf<Y>>;
export function examplesFrom(dataset: { readonly X: Tensor; readonly Y: Tensor }, opts: ExamplesFromOptions<Layout> = {}): Examples {
  const fn = "examplesFrom";
  if (dataset === null || typeof dataset !== "object" || !isTensor(dataset.X) || !isTensor(dataset.Y)) throw new TypeError(`${fn}: argument 'dataset' must have tensors 'X' and 'Y'`);
  if (opts === null || typeof opts !== "object") throw new TypeError(`${fn}: argument 'opts' must be an object`);
  const layout = opts.layout ?? "columns";
  if (layout !== "columns" && layout !== "rows") throw new TypeError(`${fn}: option 'layout' must be "columns" or "rows", got ${JSON.stringify(layout)}`);
  const rows = layout === "rows";
  const dims = (name: "X" | "Y"): [m: number, n: number] => {
    const s = dataset[name].shape as readonly number[];
    if (s.length !== 2) throw new TypeError(`${fn}: argument 'dataset.${name}' must be 2-D (${rows ? "examples × values" : "values × examples"}), got shape [${s.join(", ")}]`);
    return rows ? [s[0] as number, s[1] as number] : [s[1] as number, s[0] as number];
  };
  const [m, features] = dims("X");
  const [mY, targets] = dims("Y");
  if (m !== mY) throw new TypeError(`${fn}: 'dataset.X' holds ${m} examples but 'dataset.Y' holds ${mY} (layout "${layout}")`);
  /** Example-major copy of a tensor of `n` values per example. */
  const major = (t: Tensor, n: number): Float32Array => {
    const src = toFlat(t);
    if (rows) return sharedCopy(src);
    const out = sharedFloats(m * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) out[i * n + j] = src[j * m + i] as number;
    return out;
  };
  const d: Examples = { m, features, targets, x: major(dataset.X, features), y: major(dataset.Y, targets) };
  if (opts.oneHot === undefined) return d;
  if (targets !== 1) throw new TypeError(`${fn}: option 'oneHot' needs integer labels (one target per example), 'dataset.Y' has ${targets}`);
  const k: number = opts.oneHot;
  if (!Number.isInteger(k) || k < 2) throw new TypeError(`${fn}: option 'oneHot' must be an integer ≥ 2 (the number of classes), got ${String(k)}`);
  try {
    return oneHot(d as Examples<number, 1>, k);
  } catch (e) {
    throw e instanceof RangeError ? new RangeError(`${fn}: option 'oneHot': ${e.message.replace(/^oneHot: /, "")}`) : e;
  }
}
