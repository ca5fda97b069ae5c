/**
 * A training session: the network of a state (typegrad `dense` layers in a `sequential`), its
 * parameters and optimizer state, the batches in a seeded order, the losses, and what the page
 * draws (every neuron's output over the square, the weights). Pure typegrad; the worker runs it
 * on the WASM backend, the tests in Node.
 *
 * @module
 */
import {
  type AnyDense,
  abs,
  adam,
  add,
  dense,
  fromArray,
  gd,
  logLossFromLogits,
  momentum,
  mse,
  mul,
  type Optimizer,
  type OptState,
  permutation,
  type Rng,
  rmsprop,
  rng,
  type Sequential,
  sequential,
  softmaxCrossEntropy,
  square,
  sum,
  type Tensor,
  toFlat,
  trainStep,
} from "typegrad";
import { batchOf, type FeatureName, outputsOf, problemOf, type State, sizesOf } from "./config.js";
import { type DataSplit, DOMAIN, makeData, type Points } from "./data.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One dense layer's parameters (`alpha` for PReLU). */
export type LayerParams = { readonly W: Tensor; readonly b: Tensor; readonly alpha?: Tensor };
export type NetParams = readonly LayerParams[];

/** What the page shows after a step. */
export interface Progress {
  readonly epoch: number;
  readonly steps: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Accuracy on each set (classification), NaN for regression. */
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
}

/** Every neuron's output over a `size` × `size` grid of the square, layer by layer, and the network's output. */
export interface Heatmaps {
  readonly size: number;
  /** `[layer][neuron]` → size² values; layer 0 is the input features. */
  readonly neurons: readonly (readonly Float32Array[])[];
  /** The output: for two classes P(class 1) mapped to [-1, 1]; for k classes the winning class + its probability in `classOf`/`confidence`; regression the value. */
  readonly output: Float32Array;
  readonly classOf: Uint8Array | undefined;
}

/** The input features, as in the TensorFlow Playground. */
export const featureFns: Record<FeatureName, (a: number, b: number) => number> = {
  x1: (a) => a,
  x2: (_, b) => b,
  x1sq: (a) => a * a,
  x2sq: (_, b) => b * b,
  x1x2: (a, b) => a * b,
  sinx1: (a) => Math.sin(a),
  sinx2: (_, b) => Math.sin(b),
};

/** Features as a columns-as-examples matrix `[features, m]`, flat. */
export const featureMatrix = (features: readonly FeatureName[], x1: ArrayLike<number>, x2: ArrayLike<number>, idx?: readonly number[]): Float32Array => {
  const m = idx === undefined ? x1.length : idx.length;
  const out = new Float32Array(features.length * m);
  features.forEach((f, r) => {
    const fn = featureFns[f];
    for (let j = 0; j < m; j++) {
      const i = idx === undefined ? j : (idx[j] as number);
      out[r * m + j] = fn(x1[i] as number, x2[i] as number);
    }
  });
  return out;
};

/** Targets as `[outputs, m]`, flat: the label for one output (0/1, or the value), one-hot for k. */
export const targetMatrix = (outputs: number, y: ArrayLike<number>, idx?: readonly number[]): Float32Array => {
  const m = idx === undefined ? y.length : idx.length;
  const out = new Float32Array(outputs * m);
  for (let j = 0; j < m; j++) {
    const v = y[idx === undefined ? j : (idx[j] as number)] as number;
    if (outputs === 1) out[j] = v;
    else out[v * m + j] = 1;
  }
  return out;
};

export const optimizerOf = (s: Pick<State, "optimizer" | "lr">): Optimizer =>
  s.optimizer === "adam" ? adam(s.lr) : s.optimizer === "rmsprop" ? rmsprop(s.lr) : s.optimizer === "momentum" ? momentum(s.lr) : gd(s.lr);

/** The cost of the output logits: log-loss (two classes), softmax cross-entropy (k classes), mean squared error. */
export const costOf = (s: Pick<State, "data">): ((out: Tensor, Y: Tensor) => Tensor<[]>) => {
  const p = problemOf(s.data);
  return p === "binary" ? logLossFromLogits : p === "multiclass" ? softmaxCrossEntropy : mse;
};

/** The layers of a state's network: hidden layers with the chosen activation, a linear output. */
export const layersOf = (s: State): AnyDense[] => {
  const sizes = sizesOf(s);
  return sizes.slice(1).map((n, k) => dense(sizes[k] as number, n, { activation: k === sizes.length - 2 ? "linear" : s.activation })) as AnyDense[];
};

/** The weight penalty: L1 `rate · Σ|W|` or L2 `rate/2 · Σ W²` over the weights (not biases). */
export const regularizerOf = (s: Pick<State, "regularization" | "regRate">): ((p: NetParams) => Tensor<[]>) | undefined => {
  if (s.regularization === "none" || s.regRate === 0) return undefined;
  const term = s.regularization === "L1" ? (W: Tensor) => sum(abs(W)) : (W: Tensor) => sum(square(W));
  const scale = s.regularization === "L1" ? s.regRate : s.regRate / 2;
  return (p) =>
    mul(
      p.map((l) => term(l.W)).reduce((a, b) => add(a, b)),
      scale,
    ) as Tensor<[]>;
};

// -------------------------------------------------------------------------------------
// session
// -------------------------------------------------------------------------------------

export class Session {
  readonly state: State;
  readonly data: DataSplit;
  readonly sizes: readonly number[];
  readonly layers: readonly AnyDense[];
  private readonly net: Sequential<readonly AnyDense[]>;
  private readonly optimizer: Optimizer;
  private readonly cost: (out: Tensor, Y: Tensor) => Tensor<[]>;
  private readonly penalty: ((p: NetParams) => Tensor<[]>) | undefined;
  private readonly shuffle: Rng;
  private readonly noise: Rng;
  private readonly full: { readonly train: readonly [Tensor, Tensor]; readonly test: readonly [Tensor, Tensor] };
  private readonly trainX: Float32Array;
  private readonly trainY: Float32Array;
  params: NetParams;
  private opt: OptState<NetParams>;
  private order: number[];
  private cursor = 0;
  epoch = 0;
  steps = 0;
  /** The last step's mini-batch loss. */
  lastLoss = Number.NaN;
  private grid: { size: number; X: Tensor } | undefined;

  constructor(state: State) {
    this.state = state;
    this.data = makeData(state);
    this.sizes = sizesOf(state);
    this.layers = layersOf(state);
    this.net = sequential(this.layers as never) as unknown as Sequential<readonly AnyDense[]>;
    this.optimizer = optimizerOf(state);
    this.cost = costOf(state);
    this.penalty = regularizerOf(state);
    this.params = this.net.init(rng(state.seed + 1)) as unknown as NetParams;
    this.opt = this.optimizer.init(this.params);
    this.shuffle = rng(state.seed + 2);
    this.noise = rng(state.seed + 3);
    const outputs = outputsOf(state);
    const tensors = (p: Points) => {
      const m = p.y.length;
      return [fromArray([state.features.length, m], featureMatrix(state.features, p.x1, p.x2)), fromArray([outputs, m], targetMatrix(outputs, p.y))] as const;
    };
    this.full = { train: tensors(this.data.train), test: tensors(this.data.test) };
    this.trainX = toFlat(this.full.train[0]) as Float32Array;
    this.trainY = toFlat(this.full.train[1]) as Float32Array;
    this.order = permutation(this.shuffle, this.data.train.y.length);
  }

  get trainSize(): number {
    return this.data.train.y.length;
  }

  /** Examples per step. */
  get batchSize(): number {
    return batchOf(this.state, this.trainSize);
  }

  /** The next mini-batch's columns, from the shuffled order (reshuffled each epoch; full batch: all, in order). */
  private nextBatch(): readonly [Tensor, Tensor] {
    const n = this.trainSize;
    const b = this.batchSize;
    if (b >= n) {
      this.epoch++;
      return this.full.train;
    }
    const take = Math.min(b, n - this.cursor);
    const idx = this.order.slice(this.cursor, this.cursor + take);
    this.cursor += take;
    if (this.cursor >= n) {
      this.cursor = 0;
      this.epoch++;
      this.order = permutation(this.shuffle, n);
    }
    const f = this.state.features.length;
    const o = this.sizes[this.sizes.length - 1] as number;
    const X = new Float32Array(f * take);
    const Y = new Float32Array(o * take);
    for (let r = 0; r < f; r++) for (let j = 0; j < take; j++) X[r * take + j] = this.trainX[r * n + (idx[j] as number)] as number;
    for (let r = 0; r < o; r++) for (let j = 0; j < take; j++) Y[r * take + j] = this.trainY[r * n + (idx[j] as number)] as number;
    return [fromArray([f, take], X), fromArray([o, take], Y)];
  }

  /** One optimizer step on the next batch. */
  step(): number {
    const [X, Y] = this.nextBatch();
    const r = trainStep(this.net as never, this.cost, this.optimizer, this.params, this.opt, X, Y, {
      ctx: { training: true, rng: this.noise },
      ...(this.penalty === undefined ? {} : { regularizer: this.penalty }),
    });
    this.params = r.params;
    this.opt = r.state;
    this.steps++;
    this.lastLoss = r.loss;
    return r.loss;
  }

  /** Steps until the epoch counter moves: one pass over the training set, as the Playground's Step. */
  runEpoch(): void {
    const e = this.epoch;
    while (this.epoch === e) this.step();
  }

  /** The network's output (logits) on examples. */
  apply(X: Tensor): Tensor {
    return this.net.apply(this.params as never, X as never);
  }

  /** Cost and accuracy (classification; NaN for regression) on a set, from one forward pass. */
  private evaluateOn([X, Y]: readonly [Tensor, Tensor]): { readonly loss: number; readonly accuracy: number } {
    const logits = this.apply(X);
    const loss = toFlat(this.cost(logits, Y))[0] as number;
    if (problemOf(this.state.data) === "regression") return { loss, accuracy: Number.NaN };
    const out = toFlat(logits);
    const y = toFlat(Y);
    const o = this.sizes[this.sizes.length - 1] as number;
    const m = y.length / o;
    let right = 0;
    for (let j = 0; j < m; j++) {
      if (o === 1) right += (out[j] as number) > 0 === (y[j] as number) > 0.5 ? 1 : 0;
      else {
        let best = 0;
        for (let r = 1; r < o; r++) if ((out[r * m + j] as number) > (out[best * m + j] as number)) best = r;
        right += (y[best * m + j] as number) === 1 ? 1 : 0;
      }
    }
    return { loss, accuracy: right / m };
  }

  progress(): Progress {
    const train = this.evaluateOn(this.full.train);
    const test = this.evaluateOn(this.full.test);
    return { epoch: this.epoch, steps: this.steps, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy, testAccuracy: test.accuracy };
  }

  /** Every neuron's output over a `size` × `size` grid of the square (row 0 at the top, x2 = +6). */
  heatmaps(size: number): Heatmaps {
    if (this.grid === undefined || this.grid.size !== size) {
      const x1 = new Float64Array(size * size);
      const x2 = new Float64Array(size * size);
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) {
          x1[r * size + c] = -DOMAIN + ((c + 0.5) * 2 * DOMAIN) / size;
          x2[r * size + c] = DOMAIN - ((r + 0.5) * 2 * DOMAIN) / size;
        }
      this.grid = { size, X: fromArray([this.state.features.length, size * size], featureMatrix(this.state.features, x1, x2)) };
    }
    const n = size * size;
    const split = (flat: ArrayLike<number>, units: number): Float32Array[] => {
      const all = Float32Array.from(flat);
      return Array.from({ length: units }, (_, u) => all.slice(u * n, (u + 1) * n));
    };
    const neurons: Float32Array[][] = [split(toFlat(this.grid.X), this.state.features.length)];
    let A: Tensor = this.grid.X;
    this.layers.forEach((layer, k) => {
      A = layer.apply(this.params[k] as never, A as never) as Tensor;
      neurons.push(split(toFlat(A), this.sizes[k + 1] as number));
    });
    const logits = neurons[neurons.length - 1] as Float32Array[];
    const p = problemOf(this.state.data);
    const output = new Float32Array(n);
    let classOf: Uint8Array | undefined;
    if (p === "binary")
      for (let j = 0; j < n; j++) output[j] = Math.tanh((logits[0]?.[j] as number) / 2); // 2σ(z) − 1
    else if (p === "regression") output.set(logits[0] as Float32Array);
    else {
      classOf = new Uint8Array(n);
      for (let j = 0; j < n; j++) {
        let best = 0;
        let total = 0;
        const top = Math.max(...logits.map((l) => l[j] as number));
        logits.forEach((l, r) => {
          total += Math.exp((l[j] as number) - top);
          if ((l[j] as number) > (logits[best]?.[j] as number)) best = r;
        });
        classOf[j] = best;
        output[j] = 1 / total; // the winning class's probability
      }
    }
    return { size, neurons, output, classOf };
  }

  /** The weights of layer `k` (`[out, in]`, flat) and its biases. */
  weights(): { readonly W: Float32Array[]; readonly b: Float32Array[] } {
    return { W: this.params.map((l) => Float32Array.from(toFlat(l.W))), b: this.params.map((l) => Float32Array.from(toFlat(l.b))) };
  }

  /** Set one weight (`to` is the neuron of layer k+1, `from` the neuron or feature of layer k), as a click on a link does. */
  setWeight(k: number, to: number, from: number, value: number): void {
    const l = this.params[k];
    const nIn = this.sizes[k];
    const nOut = this.sizes[k + 1];
    if (l === undefined || nIn === undefined || nOut === undefined || !(to >= 0 && to < nOut && from >= 0 && from < nIn)) throw new RangeError(`setWeight: no weight ${k}:${to}←${from}`);
    if (!Number.isFinite(value)) throw new RangeError(`setWeight: argument 'value' must be finite, got ${value}`);
    const W = Float32Array.from(toFlat(l.W));
    W[to * nIn + from] = value;
    this.params = this.params.map((p, i) => (i === k ? { ...p, W: fromArray([nOut, nIn], W) } : p));
  }
}
