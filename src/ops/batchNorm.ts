/**
 * `batchNorm(x, gamma, beta, state, opts)`: batch normalisation over every axis but the last
 * (the channels; for NHWC images, over examples and pixels), as a pure function of an explicit
 * state: nothing is mutated, the new running statistics are returned.
 *
 * Training (`opts.training`): with the batch's per-channel mean `μ` and (biased) variance `σ²`,
 * `y = γ · (x − μ) / √(σ² + ε) + β`, and the running statistics move towards the batch's:
 * `mean' = momentum · mean + (1 − momentum) · μ`, `variance' = momentum · variance +
 * (1 − momentum) · σ² · N / (N − 1)` (the unbiased estimate, N values per channel). Inference:
 * `y = γ · (x − mean) / √(variance + ε) + β` with the running statistics, and the state comes back
 * unchanged. Defaults: momentum 0.9, ε = 1e-5.
 *
 * A composite: `mean`, `sub`, `square`, `sqrt`, `div` (the running statistics go through
 * `stopGradient`). No backward code.
 *
 * @module
 */
import type { Channels } from "../shape/conv.js";
import type { Check, Dim, Ok, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { expectTensor } from "./define.js";
import { div } from "./div.js";
import { mul } from "./mul.js";
import { domains, inputDims, type OpDef } from "./spec.js";
import { sqrt } from "./sqrt.js";
import { square } from "./square.js";
import { stopGradient } from "./stopGradient.js";
import { sub } from "./sub.js";
import { sumAxis } from "./sum.js";
import { reshapeTo } from "./window.js";

/** The running statistics of a batch norm, per channel: an explicit, immutable state. @category model */
export interface BatchNormState<C extends Dim = number> {
  readonly mean: Tensor<[C]>;
  readonly variance: Tensor<[C]>;
}

/** Options of {@link batchNorm}. @category model */
export interface BatchNormOptions {
  /** Normalise with the batch's statistics and update the running ones (true), or use the running ones (false). */
  readonly training: boolean;
  /** How much of the old running statistics to keep per update (default 0.9). */
  readonly momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  readonly epsilon?: number;
}

/** What `batchNorm` gives: the normalised output and the (new) running statistics. @category model */
export interface BatchNormResult<S extends Shape, C extends Dim> {
  readonly y: Tensor<S>;
  readonly state: BatchNormState<C>;
}

const checkChannel = (x: Tensor, name: string, p: unknown): Tensor => {
  const t = expectTensor("batchNorm", name, p);
  const C = (x.shape as readonly number[])[x.rank - 1];
  if (t.rank !== 1 || t.shape[0] !== C)
    throw new ShapeError("batchNorm", `'${name}' must be [${C}] for the input ${showShape(x.shape as readonly number[])}, got ${showShape(t.shape as readonly number[])}`);
  return t;
};

const batchNormAny = (x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState, opts: BatchNormOptions): BatchNormResult<Shape, number> => {
  expectTensor("batchNorm", "x", x);
  if (x.rank < 2) throw new ShapeError("batchNorm", `the input needs at least 2 axes (examples and channels), got ${showShape(x.shape as readonly number[])}`);
  if (!isTensor(state?.mean) || !isTensor(state.variance)) throw new TypeError("batchNorm: argument 'state' must be { mean, variance } (batchNormState makes one)");
  if (typeof opts?.training !== "boolean") throw new TypeError("batchNorm: argument 'opts' must be { training: boolean, momentum?, epsilon? }");
  const momentum = opts.momentum ?? 0.9;
  const eps = opts.epsilon ?? 1e-5;
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`batchNorm: option 'momentum' must be in [0, 1], got ${momentum}`);
  if (!(eps > 0)) throw new RangeError(`batchNorm: option 'epsilon' must be > 0, got ${eps}`);
  for (const [k, t] of [
    ["gamma", gamma],
    ["beta", beta],
    ["state.mean", state.mean],
    ["state.variance", state.variance],
  ] as const)
    checkChannel(x, k, t);
  const shape = x.shape as readonly number[];
  const C = shape[shape.length - 1] as number;
  const N = x.size / C;
  const rows = reshapeTo(x, [N, C]);
  const scale = (mu: Tensor, v: Tensor): Tensor => reshapeTo(add(mul(div(sub(rows, mu), sqrt(add(v, eps))), gamma), beta), shape);
  if (!opts.training) return { y: scale(state.mean, state.variance), state };
  const mu = div(sumAxis(rows, 0), N);
  const v = div(sumAxis(square(sub(rows, mu)), 0), N);
  const keep = (old: Tensor, now: Tensor): Tensor => add(mul(old, momentum), mul(stopGradient(now), 1 - momentum));
  const next = { mean: keep(state.mean, mu), variance: keep(state.variance, N > 1 ? mul(v, N / (N - 1)) : v) } as BatchNormState;
  return { y: scale(mu, v), state: next };
};

/**
 * Batch normalisation over every axis but the last, with explicit running statistics.
 *
 * @example
 * import { batchNorm, batchNormState, ones, tensor, toArray, zeros } from "typegrad"
 * const x = tensor([[1, 10], [3, 30]])
 * const { y, state } = batchNorm(x, ones([2]), zeros([2]), batchNormState(2), { training: true, momentum: 0.5, epsilon: 1e-9 })
 * toArray(y).flat().map(Math.round) // [-1, -1, 1, 1]
 * toArray(state.mean) // [1, 10] (halfway from 0 to the batch means 2 and 20)
 * @category operations
 */
export const batchNorm = <const X extends Shape, const G extends Shape>(
  x: Tensor<X>,
  gamma: Check<Channels<X, G>, Tensor<G>>,
  beta: Tensor<NoInfer<G>>,
  state: BatchNormState<Ok<Channels<X, G>>[0]>,
  opts: BatchNormOptions,
): BatchNormResult<X, Ok<Channels<X, G>>[0]> =>
  batchNormAny(x as Tensor, gamma as unknown as Tensor, beta as Tensor, state as unknown as BatchNormState, opts) as unknown as BatchNormResult<X, Ok<Channels<X, G>>[0]>;

// -------------------------------------------------------------------------------------
// law spec
// -------------------------------------------------------------------------------------

/** Parameters of the registered call: the options. */
export type BatchNormParams = Required<BatchNormOptions>;

/** Registry entry (the law runners check `y`; the state update has a test of its own). */
export const batchNormDef: OpDef<BatchNormParams> = {
  name: "batchNorm",
  kind: "composite",
  doc: "γ (x − μ) / √(σ² + ε) + β per channel (batch or running statistics)",
  shape: (ss) => {
    const x = ss[0] as readonly number[];
    if (x.length < 2) throw new ShapeError("batchNorm", `the input needs at least 2 axes (examples and channels), got ${showShape(x)}`);
    return [...x];
  },
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => {
      const C = g.int(1, 3);
      const lead = Array.from({ length: g.int(1, 3) }, () => g.int(1, 3));
      lead[0] = g.int(2, 4);
      return {
        inputs: [
          { shape: [...lead, C], domain: domains.real },
          { shape: [C], domain: domains.real },
          { shape: [C], domain: domains.real },
          { shape: [C], domain: domains.real },
          { shape: [C], domain: domains.positive },
        ],
        params: { training: g.bool(), momentum: 0.9, epsilon: 0.01 },
      };
    },
    call: (xs, p) => {
      const [x, gamma, beta, mean, variance] = xs as [Tensor, Tensor, Tensor, Tensor, Tensor];
      return batchNormAny(x, gamma, beta, { mean, variance } as BatchNormState, p).y;
    },
    // Worst case, training mode (inference, with running variances ≥ 0.2, is far better
    // conditioned), N values per channel of at most 3, |γ| ≤ 3, ε = 0.01:
    // - the batch mean is off by δ ≤ N·u·3; (x − μ) carries δ, and the variance only δ² (the
    //   cross term sums to zero), plus its own N·u·σ²: √(σ² + ε) is off by ≤ (N/2 + 1)·u, relatively;
    // - dividing by √(σ² + ε) ≥ √ε amplifies δ by 1/√ε = 10, and γ by 3: 9N·u/√ε = 90N·u;
    // - the relative errors scale the output, |γ·z| ≤ 3√N (|z| ≤ √N for a batch of N): ≤ 1.5N√N·u;
    // so in units of 2u, with √N ≤ 6 in the sample: N·(45 + 4.5) terms, and about 30 roundings
    error: { ulps: { float32: 30, float64: 30 }, terms: (c) => inputDims(c, 0, 0, -1), magnitude: 50 },
    reference: (xs, { training, epsilon }) => {
      const [x, gamma, beta, rm, rv] = xs as unknown as [{ shape: number[]; data: number[] }, ...{ data: number[] }[]];
      const C = x.shape[x.shape.length - 1] as number;
      const N = x.data.length / C;
      /** The values of channel `c`. */
      const column = (c: number): number[] => Array.from({ length: N }, (_, n) => x.data[n * C + c] as number);
      const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b / N, 0);
      const mu = Array.from({ length: C }, (_, c) => (training ? mean(column(c)) : (rm?.data[c] as number)));
      const v = Array.from({ length: C }, (_, c) => (training ? mean(column(c).map((a) => (a - (mu[c] as number)) ** 2)) : (rv?.data[c] as number)));
      const data = x.data.map((a, k) => ((gamma?.data[k % C] as number) * (a - (mu[k % C] as number))) / Math.sqrt((v[k % C] as number) + epsilon) + (beta?.data[k % C] as number));
      return { shape: x.shape, data };
    },
  },
};
