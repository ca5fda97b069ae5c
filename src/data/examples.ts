/**
 * Labelled examples as plain data, and their two tensor views. A set of `m` examples with `F`
 * features and `T` targets is stored example by example (row-major `m × F` and `m × T`) in
 * `Float32Array`s, the element type the backends compute in by default (half the memory of
 * float64, and a batch goes to the WASM backend as a plain copy), so shuffling and
 * mini-batching are index gathers; it becomes tensors in either convention of the
 * course: columns are examples (`X: [F, "m"]`, `Y: [T, "m"]`, the default) or rows are examples
 * (`X: ["m", F]`, `Y: ["m", T]`, seed 000).
 *
 * @module
 */

import { copyRows } from "../backend/batches.js";
import { getBackend } from "../backend/current.js";
import { showShape } from "../shape/dims.js";
import type { Batch, Layout } from "../shape/layout.js";
import { fromArray } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import { dtypeOption } from "../tensor/dtype.js";
import { permutation, type Rng } from "../tensor/random.js";
import { fromStorage, isTensor, type Tensor } from "../tensor/tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * `m` examples of `features` inputs and `targets` outputs, example-major, stored as float32.
 * Immutable by convention: every function here returns a new value.
 *
 * @category model
 */
export interface Examples<F extends number = number, T extends number = number> {
  readonly m: number;
  readonly features: F;
  readonly targets: T;
  /** `m × features`, example i at `x[i * features ...]`. */
  readonly x: Float32Array;
  /** `m × targets`. */
  readonly y: Float32Array;
}

export type { Batch, Layout } from "../shape/layout.js";

/** Inputs and targets as tensors in layout `L`. @category model */
export interface TensorPair<F extends number, T extends number, L extends Layout = "columns", M extends string | number = "m"> {
  readonly X: Tensor<Batch<L, F, M>>;
  readonly Y: Tensor<Batch<L, T, M>>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A zeroed `Float32Array` of `n` elements for a training set's `x` or `y`, on a
 * `SharedArrayBuffer` where the host has one (Node; a cross-origin isolated page), else on an
 * ordinary buffer: the same bytes and API, no extra memory, and the WASM backend's worker can copy
 * `fit`'s batches from it while the main thread runs the step (see `Backend.gatherRows`).
 *
 * @internal
 */
export const sharedFloats = (n: number): Float32Array =>
  typeof SharedArrayBuffer === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);

/** A copy of `a` as float32, in {@link sharedFloats}. @internal */
export const sharedCopy = (a: ArrayLike<number>): Float32Array => {
  const out = sharedFloats(a.length);
  out.set(a);
  return out;
};

/**
 * Let the backend drop `d`'s arrays, which `gatherRows` may have handed to other threads
 * (`Backend.forgetRows`): `fit` and `evaluate` call it as they end.
 *
 * @internal
 */
export const forgetBatches = (d: Examples): void => {
  const be = getBackend();
  be.forgetRows?.(d.x);
  be.forgetRows?.(d.y);
};

const checkCount = (fn: string, arg: string, n: unknown, min = 1): number => {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) throw new TypeError(`${fn}: argument '${arg}' must be an integer ≥ ${min}, got ${String(n)}`);
  return n;
};

/**
 * Examples from nested arrays: `xs[i]` the features and `ys[i]` the targets of example i. The
 * arrays are allocated in shared memory where the host has it (Node; a cross-origin isolated
 * page), as every constructor here that allocates a set does: the WASM backend's worker then
 * gathers `fit`'s batches while the main thread computes.
 *
 * @example
 * import { examples } from "typegrad"
 * const d = examples([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]])
 * d.m // 4
 * @category constructors
 */
export const examples = <F extends number = number, T extends number = number>(xs: readonly (readonly number[])[], ys: readonly (readonly number[])[]): Examples<F, T> => {
  if (!Array.isArray(xs) || !Array.isArray(ys)) throw new TypeError("examples: arguments 'xs' and 'ys' must be arrays of arrays of numbers");
  if (xs.length !== ys.length) throw new TypeError(`examples: 'xs' has ${xs.length} examples but 'ys' has ${ys.length}`);
  const m = xs.length;
  const features = (xs[0]?.length ?? 0) as F;
  const targets = (ys[0]?.length ?? 0) as T;
  const x = sharedFloats(m * features);
  const y = sharedFloats(m * targets);
  for (let i = 0; i < m; i++) {
    const xi = row("xs", i, xs[i]);
    const yi = row("ys", i, ys[i]);
    if (xi.length !== features) throw new TypeError(`examples: xs[${i}] has ${xi.length} features, xs[0] has ${features}`);
    if (yi.length !== targets) throw new TypeError(`examples: ys[${i}] has ${yi.length} targets, ys[0] has ${targets}`);
    x.set(xi, i * features);
    y.set(yi, i * targets);
  }
  return { m, features, targets, x, y };
};

/** `xs[i]` when it is an array of numbers (a typed array set would read null as 0, "1" as 1, a hole as NaN). */
const row = (arg: string, i: number, r: unknown): readonly number[] => {
  if (ArrayBuffer.isView(r) && !(r instanceof DataView)) return r as unknown as readonly number[];
  if (!Array.isArray(r)) throw new TypeError(`examples: ${arg}[${i}] must be an array of numbers, got ${describeValue(r)}`);
  for (let j = 0; j < r.length; j++) if (typeof r[j] !== "number") throw new TypeError(`examples: ${arg}[${i}][${j}] must be a number, got ${describeValue(r[j])}`);
  return r;
};

/**
 * Examples from flat example-major arrays: `Float32Array`s are taken as they are (not copied),
 * a `Float64Array` or a plain array is rounded to float32 in a copy (in shared memory where the
 * host has it: Node, and a cross-origin isolated page). Put a large `Float32Array` on a
 * `SharedArrayBuffer` (`new Float32Array(new SharedArrayBuffer(4 * n))`), or copy it with
 * `take`/`split`, to let the WASM backend's worker gather `fit`'s batches from it (in Node, and in
 * a browser where typegrad runs in a Web Worker of a cross-origin isolated page); from a plain one
 * the main thread gathers.
 *
 * @example
 * import { fromFlat } from "typegrad"
 * const d = fromFlat(2, 1, new Float32Array([0, 0, 1, 1]), new Float32Array([0, 1]))
 * d // { m: 2, features: 2, targets: 1 }
 * fromFlat(1, 1, [0.5, 2], [0, 1]).x // [0.5, 2] (a Float32Array)
 * @category constructors
 */
export const fromFlat = <F extends number, T extends number>(
  features: F,
  targets: T,
  x: Float32Array | Float64Array | readonly number[],
  y: Float32Array | Float64Array | readonly number[],
): Examples<F, T> => {
  checkCount("fromFlat", "features", features);
  checkCount("fromFlat", "targets", targets);
  const values = (name: string, a: unknown): Float32Array => {
    if (a instanceof Float32Array) return a;
    if (a instanceof Float64Array || Array.isArray(a)) return sharedCopy(a as ArrayLike<number>);
    throw new TypeError(`fromFlat: argument '${name}' must be a Float32Array, a Float64Array or an array of numbers, got ${a === null ? "null" : typeof a}`);
  };
  const xs = values("x", x);
  const ys = values("y", y);
  if (xs.length % features !== 0 || ys.length / targets !== xs.length / features) {
    throw new TypeError(`fromFlat: 'x' (${xs.length} values) and 'y' (${ys.length} values) do not hold the same number of examples of ${features} features and ${targets} targets`);
  }
  return { m: xs.length / features, features, targets, x: xs, y: ys };
};

/**
 * Check that `d` is a consistent set of examples, as `fit` and `evaluate` do before they use it:
 * `m`, `features`, `targets` are integers, `x` holds exactly `m × features` and `y` exactly
 * `m × targets` finite values; with `task: "classification"`, a single target is a class label
 * (an integer ≥ 0) and several targets are in [0, 1] (one-hot or soft labels). Throws a
 * `TypeError` naming the function, the argument and the first bad value; returns `d`.
 *
 * @example
 * import { checkExamples, fromFlat } from "typegrad"
 * const d = fromFlat(2, 1, new Float32Array([0, 1, 1, 0]), new Float32Array([1, 0]))
 * checkExamples("myApp", "train", d, "classification") === d // true
 * @category constructors
 */
export const checkExamples = <E extends Examples>(fn: string, arg: string, d: E, task?: "classification" | "regression"): E => {
  if (d === null || typeof d !== "object") throw new TypeError(`${fn}: '${arg}' must be Examples ({ m, features, targets, x, y }), got ${d === null ? "null" : typeof d}`);
  const { m, features, targets, x, y } = d;
  // a set already checked (examples are immutable by convention) is not scanned again: fit(…)
  // called epoch by epoch on the same data pays the O(m × features) scan once
  const seen = checked.get(d);
  if (seen !== undefined && seen.x === x && seen.y === y && seen.m === m && (task !== "classification" || seen.classification)) return d;
  const count = (name: string, v: unknown, min: number): number => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new TypeError(`${fn}: '${arg}.${name}' must be an integer ≥ ${min}, got ${String(v)}`);
    return v;
  };
  count("m", m, 0);
  count("features", features, 1);
  count("targets", targets, 1);
  const values = (name: "x" | "y", a: unknown, width: number, what: string): Float32Array => {
    if (!(a instanceof Float32Array))
      throw new TypeError(
        `${fn}: '${arg}.${name}' must be a Float32Array, got ${a === null ? "null" : a instanceof Float64Array ? "a Float64Array (make examples with fromFlat, which rounds it to float32)" : typeof a}`,
      );
    if (a.length !== m * width) throw new TypeError(`${fn}: '${arg}.${name}' holds ${a.length} values, expected m × ${name === "x" ? "features" : "targets"} = ${m} × ${width} = ${m * width}`);
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new TypeError(`${fn}: '${arg}.${name}[${i}]' (example ${Math.floor(i / width)}, ${what} ${i % width}) is ${a[i]}; values must be finite`);
    }
    return a;
  };
  values("x", x, features, "feature");
  const ys = values("y", y, targets, "target");
  if (task === "classification") {
    for (let i = 0; i < ys.length; i++) {
      const v = ys[i] as number;
      if (targets === 1 ? !(Number.isInteger(v) && v >= 0) : !(v >= 0 && v <= 1))
        throw new TypeError(
          `${fn}: '${arg}': the target of example ${Math.floor(i / targets)} is ${v}; ${targets === 1 ? "a class label must be an integer ≥ 0" : "one-hot (or soft) labels must lie in [0, 1]"}`,
        );
    }
  }
  checked.set(d, { x, y, m, classification: task === "classification" || (seen?.classification ?? false) });
  return d;
};

/**
 * `d` for an operation on examples: a tensor is named as such with `hint`; the counts and the
 * arrays' types and lengths are checked (O(1); the values are not scanned: `take` and `split` may
 * carry NaNs that the caller will fill before `fit` refuses them).
 */
const examplesArg = (fn: string, d: unknown, hint: string): void => {
  if (isTensor(d))
    throw new TypeError(`${fn}: argument 'd' must be Examples ({ m, features, targets, x, y }: from examples or fromFlat), got a Tensor ${showShape(d.shape as readonly number[])} (${hint})`);
  if (d === null || typeof d !== "object") throw new TypeError(`${fn}: 'd' must be Examples ({ m, features, targets, x, y }), got ${describeValue(d)}`);
  const { m, features, targets, x, y } = d as Record<string, unknown>;
  for (const [name, v, min] of [
    ["m", m, 0],
    ["features", features, 1],
    ["targets", targets, 1],
  ] as const)
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new TypeError(`${fn}: 'd.${name}' must be an integer ≥ ${min}, got ${String(v)}`);
  for (const [name, a, width] of [
    ["x", x, features],
    ["y", y, targets],
  ] as const)
    if (!(a instanceof Float32Array) || a.length !== (m as number) * (width as number))
      throw new TypeError(
        `${fn}: 'd.${name}' must be a Float32Array of m × ${name === "x" ? "features" : "targets"} = ${(m as number) * (width as number)} values, got ${describeValue(a)}${a instanceof Float32Array ? ` of ${a.length}` : ""}`,
      );
};

/** The sets `checkExamples` passed, with what it saw (a replaced array or count is checked anew). */
const checked = new WeakMap<object, { readonly x: unknown; readonly y: unknown; readonly m: unknown; readonly classification: boolean }>();

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * The examples at `idx`, in that order (a gather; indices may repeat), in shared memory where the
 * host has it (a training set made by `take` or `split` is gathered by the WASM backend's worker).
 *
 * @example
 * import { examples, take } from "typegrad"
 * const d = examples([[0], [1], [2], [3]], [[0], [1], [0], [1]])
 * take(d, [3, 0]).x // [3, 0]
 * @category operations
 */
export const take = <F extends number, T extends number>(d: Examples<F, T>, idx: readonly number[]): Examples<F, T> => takeInto(d, idx, sharedFloats);

/**
 * {@link take} into arrays from `alloc`: `fit`'s batches to augment take ordinary arrays (a
 * `SharedArrayBuffer` of a batch's size costs about twice an ordinary buffer to allocate, ~30 µs
 * more for 128 × 784 here, and no thread gathers from it).
 *
 * @internal
 */
export const takeInto = <F extends number, T extends number>(d: Examples<F, T>, idx: readonly number[], alloc: (n: number) => Float32Array): Examples<F, T> => {
  examplesArg("take", d, "for a tensor's rows, use slice");
  if (!Array.isArray(idx) && !(ArrayBuffer.isView(idx) && !(idx instanceof DataView)))
    throw new TypeError(
      `take: argument 'idx' must be an array of example indices, got ${isTensor(idx) ? `a Tensor ${showShape(idx.shape as readonly number[])} (toArray gives its values)` : describeValue(idx)}`,
    );
  const { features: nf, targets: nt } = d;
  const x = alloc(idx.length * nf);
  const y = alloc(idx.length * nt);
  idx.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= d.m) throw new RangeError(`take: index ${i} (position ${k}) is out of range for ${d.m} examples`);
    x.set(d.x.subarray(i * nf, (i + 1) * nf), k * nf);
    y.set(d.y.subarray(i * nt, (i + 1) * nt), k * nt);
  });
  return { m: idx.length, features: nf, targets: nt, x, y };
};

/**
 * Shuffle with `g`, then split: the first `fraction` of the examples, and the rest.
 *
 * @example
 * import { moons, rng, split } from "typegrad"
 * const [train, test] = split(moons(rng(0), { m: 100 }), rng(1), 0.8)
 * train.m // 80
 * test.m // 20
 * @category operations
 */
export const split = <F extends number, T extends number>(d: Examples<F, T>, g: Rng, fraction: number): [Examples<F, T>, Examples<F, T>] => {
  if (typeof fraction !== "number" || !(fraction > 0 && fraction < 1)) throw new RangeError(`split: argument 'fraction' must be in (0, 1), got ${String(fraction)}`);
  const p = permutation(g, d.m);
  const n = Math.round(d.m * fraction);
  return [take(d, p.slice(0, n)), take(d, p.slice(n))];
};

/**
 * Replace one integer label per example (`targets = 1`, values `0..k-1`) by its one-hot vector.
 *
 * @example
 * import { examples, oneHot } from "typegrad"
 * const d = oneHot(examples([[5.1], [6.3]], [[0], [2]]), 3)
 * d.y // [1, 0, 0, 0, 0, 1]
 * @category operations
 */
export const oneHot = <F extends number, K extends number>(d: Examples<F, 1>, k: K): Examples<F, K> => {
  examplesArg("oneHot", d, "make examples of the labels first: fromFlat(features, 1, x, labels)");
  checkCount("oneHot", "k", k, 2);
  if (d.m * k > 2 ** 32) throw new RangeError(`oneHot: argument 'k' = ${k} classes for ${d.m} examples is ${d.m * k} values, more than a typed array holds (2^32)`);
  if (d.targets !== 1) throw new TypeError(`oneHot: expected examples with one integer label each, got ${d.targets} targets`);
  const y = sharedFloats(d.m * k);
  d.y.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`oneHot: label ${c} of example ${i} is not an integer in [0, ${k})`);
    y[i * k + c] = 1;
  });
  return { m: d.m, features: d.features, targets: k, x: d.x, y };
};

/**
 * The integer label of each example: the index of the largest target (or the rounded target when there is one).
 *
 * @example
 * import { examples, labels } from "typegrad"
 * labels(examples([[0], [1]], [[0.1, 0.9], [0.8, 0.2]])) // [1, 0]
 * @category operations
 */
export const labels = (d: Examples): number[] => {
  const out: number[] = [];
  for (let i = 0; i < d.m; i++) {
    if (d.targets === 1) {
      out.push(Math.round(d.y[i] as number));
      continue;
    }
    let best = 0;
    for (let k = 1; k < d.targets; k++) if ((d.y[i * d.targets + k] as number) > (d.y[i * d.targets + best] as number)) best = k;
    out.push(best);
  }
  return out;
};

/** `labels` of the sets `fit` and `evaluate` saw, with the targets they were read from (a replaced array is read anew). */
const labelled = new WeakMap<Examples, { readonly y: Float32Array; readonly m: number; readonly targets: number; readonly labels: readonly number[] }>();

/**
 * `labels(d)`, read once per set (examples are immutable by convention): `fit` called epoch by
 * epoch on the same data reads its m × targets values once.
 *
 * @internal
 */
export const labelsOnce = (d: Examples): readonly number[] => {
  const seen = labelled.get(d);
  if (seen !== undefined && seen.y === d.y && seen.m === d.m && seen.targets === d.targets) return seen.labels;
  const out = labels(d);
  labelled.set(d, { y: d.y, m: d.m, targets: d.targets, labels: out });
  return out;
};

/**
 * Standardise each feature with the mean and deviation of `ref` (default: `d` itself), so a test
 * set uses the training set's statistics.
 *
 * @example
 * import { examples, standardize } from "typegrad"
 * const train = examples([[1], [3]], [[0], [1]])
 * const test = examples([[5]], [[1]])
 * standardize(train).x // [-1, 1]
 * standardize(test, train).x // [3] (the training set's mean and deviation)
 * @category operations
 */
export const standardize = <F extends number, T extends number>(d: Examples<F, T>, ref: Examples<F, number> = d): Examples<F, T> => {
  if (ref.features !== d.features) throw new TypeError(`standardize: 'ref' has ${ref.features} features, 'd' has ${d.features}`);
  const nf = d.features;
  const mu = new Float64Array(nf);
  const sd = new Float64Array(nf);
  for (let i = 0; i < ref.m; i++) for (let j = 0; j < nf; j++) mu[j] = (mu[j] as number) + (ref.x[i * nf + j] as number) / ref.m;
  for (let i = 0; i < ref.m; i++) for (let j = 0; j < nf; j++) sd[j] = (sd[j] as number) + ((ref.x[i * nf + j] as number) - (mu[j] as number)) ** 2 / ref.m;
  const x = d.x.map((v, i) => (v - (mu[i % nf] as number)) / (Math.sqrt(sd[i % nf] as number) || 1));
  return { ...d, x };
};

/**
 * The examples as tensors, columns are examples (`X: [F, "m"]`, `Y: [T, "m"]`, the course's
 * convention) unless `layout` is `"rows"` (`X: ["m", F]`, seed 000).
 *
 * @example
 * import { makeBlobs, rng, toTensors } from "typegrad"
 * const blobs = makeBlobs(rng(0), { m: 100 })
 * const { X, Y } = toTensors(blobs)
 * X // Tensor<[2, 100]> (typed Tensor<[2, "m"]>)
 * Y // Tensor<[1, 100]>
 * toTensors(blobs, "rows").X // Tensor<[100, 2]> (typed Tensor<["m", 2]>)
 * @category operations
 */
export const toTensors = <F extends number, T extends number, L extends Layout = "columns">(d: Examples<F, T>, layout?: L, opts?: { readonly dtype?: "float32" | "float64" }): TensorPair<F, T, L> => {
  if (layout !== undefined && layout !== "rows" && layout !== "columns") throw new TypeError(`toTensors: argument 'layout' must be "columns" or "rows", got ${JSON.stringify(layout)}`);
  return gather(d, undefined, layout === "rows", opts) as unknown as TensorPair<F, T, L>;
};

/**
 * Tensors of batches of `d`, for `fit` and `evaluate`: `(idx)` gives the examples at `idx` (at
 * most `size` of them, valid indices; neither `idx` nor `d`'s arrays may change until the
 * tensors are used) in `layout`. A backend with `gatherRows` copies them straight from `d`'s
 * arrays, perhaps later (the WASM backend: while it waits for its workers, so a batch made ahead
 * of a training step arrives during it); for another, they are gathered into two buffers reused
 * from batch to batch (the backends copy what they are given). Either way a batch costs one copy
 * of its values into the backend and no garbage.
 */
export const batcher = (d: Examples, layout: Layout, size: number, opts?: { readonly dtype?: "float32" | "float64" }): ((idx: readonly number[]) => TensorPair<number, number, Layout>) => {
  const n = Math.min(size, d.m);
  let scratch: { readonly x: Float32Array; readonly y: Float32Array } | undefined;
  const buffers = () => {
    scratch ??= { x: new Float32Array(n * d.features), y: new Float32Array(n * d.targets) };
    return scratch;
  };
  return (idx) => gather(d, idx, layout === "rows", opts, buffers) as unknown as TensorPair<number, number, Layout>;
};

/** The examples at `idx` (all, in order, when undefined) as tensors, through the buffers of `scratch` when given. */
const gather = (
  d: Examples,
  idx: readonly number[] | undefined,
  rows: boolean,
  opts: { readonly dtype?: "float32" | "float64" } | undefined,
  scratch?: () => { readonly x: Float32Array; readonly y: Float32Array },
): { X: Tensor; Y: Tensor } => {
  const n = idx === undefined ? d.m : idx.length;
  // consecutive examples in rows (an unshuffled batch, an evaluation chunk) are one slice of the
  // data: the backend copies it once, with no gather into the scratch first
  const start = idx === undefined ? 0 : (idx[0] ?? 0);
  let consecutive = rows;
  if (idx !== undefined) for (let k = 0; consecutive && k < n; k++) consecutive = idx[k] === start + k;
  // a backend that gathers rows itself copies them once, straight from the data, and perhaps later
  // (the WASM backend: while it waits for its workers in the step before the batch is used)
  const be = getBackend();
  const dtype = dtypeOption("gather", opts?.dtype);
  const view = (src: Float32Array, width: number, buf: (() => Float32Array) | undefined): Tensor => {
    if (idx !== undefined && be.gatherRows !== undefined) return fromStorage(be.gatherRows(dtype, src, width, idx, !rows), rows ? [n, width] : [width, n]);
    let out: Float32Array;
    if (consecutive) out = idx === undefined ? src : src.subarray(start * width, (start + n) * width);
    else {
      out = buf === undefined ? new Float32Array(n * width) : buf().subarray(0, n * width);
      copyRows(out, 0, src, width, idx ?? Array.from({ length: n }, (_, k) => k), 0, n, !rows);
    }
    return rows ? fromArray([n, width], out, opts) : fromArray([width, n], out, opts);
  };
  return { X: view(d.x, d.features, scratch && (() => scratch().x)), Y: view(d.y, d.targets, scratch && (() => scratch().y)) };
};
