/**
 * `mlp([784, 128, 64, 10], opts)`: a multilayer perceptron from a literal tuple of sizes, with
 * parameters as one flat record named as in the course, `W1: Tensor<[128, 784]>`,
 * `b1: Tensor<[128, 1]>`, `W2: Tensor<[64, 128]>`, … (rows-as-examples: `W1: Tensor<[784, 128]>`,
 * `b1: Tensor<[1, 128]>`). Hidden layers share one activation; the output layer has its own
 * (`"linear"` by default: logits for the fused losses).
 *
 * @module
 */

import type { Check, Dim, Shape } from "../shape/dims.js";
import type { Batch, BatchDim, Layout, WidthBatch } from "../shape/layout.js";
import { checkOneOf, checkOptionKeys, type OptionKeys } from "../shape/options.js";
import type { CreateOptions } from "../tensor/create.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { type ActivationName, type ActivationSettings, activationNames, type RunContext } from "./activations.js";
import type { MlpArchitecture } from "./architecture.js";
import { type AnyDense, type BiasShape, type DenseCache, dense, type WeightShape } from "./dense.js";
import type { Initializer, InitName } from "./init.js";
import { backwardThrough, sequential } from "./sequential.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Layer numbers of a size tuple: `"1" | "2" | "3"` for `[784, 128, 64, 10]`. */
type LayerNo<S extends readonly number[]> = Exclude<keyof S & `${number}`, "0">;
type At<T, K> = K extends keyof T ? (T[K] extends number ? T[K] : never) : never;
/** The output size of a size tuple. */
type LastSize<S extends readonly number[]> = S extends readonly [...number[], infer X extends number] ? X : number;

/**
 * The parameter record of `mlp(S)`.
 *
 * @example
 * type P = MlpParams<[784, 128, 64, 10]>
 * // { readonly W1: Tensor<[128, 784]>; readonly b1: Tensor<[128, 1]>; … readonly b3: Tensor<[10, 1]> }
 * @category model
 */
export type MlpParams<S extends readonly number[], L extends Layout = "columns"> = {
  readonly [Key in `W${LayerNo<S>}` | `b${LayerNo<S>}`]: Key extends `W${infer K}`
    ? Tensor<WeightShape<L, At<[never, ...S], K>, At<S, K>>>
    : Key extends `b${infer K}`
      ? Tensor<BiasShape<L, At<S, K>>>
      : never;
};

/** Options of {@link mlp}. @category model */
export interface MlpOptions<L extends Layout> extends ActivationSettings {
  /** Hidden activation (default `"relu"`; PReLU needs `sequential`, which keeps its α per layer). */
  readonly hidden?: Exclude<ActivationName, "prelu">;
  /** Output activation (default `"linear"`: logits). */
  readonly output?: Exclude<ActivationName, "prelu">;
  readonly layout?: L;
  /** Weight initialiser of every layer (default: He for the ReLU family, Xavier otherwise). */
  readonly init?: InitName | Initializer;
  /** Dropout probability after each hidden layer, when training (default 0). */
  readonly dropout?: number;
}

const mlpKeys: OptionKeys<MlpOptions<Layout>> = { hidden: true, output: true, layout: true, init: true, dropout: true, alpha: true, rreluRange: true };

/**
 * A multilayer perceptron.
 *
 * @category model
 */
export interface Mlp<S extends readonly number[], L extends Layout = "columns"> {
  readonly sizes: S;
  readonly layout: L;
  /** What the network is, as JSON (`buildModel` makes it again). */
  readonly architecture: MlpArchitecture;
  /** The dense layers, first to last. */
  readonly layers: readonly AnyDense[];
  init(g: Rng, opts?: CreateOptions): MlpParams<S, L>;
  apply<const XS extends Shape>(
    params: MlpParams<S, L>,
    X: Check<WidthBatch<"mlp.apply", "X", L, S[0], XS>, Tensor<XS>>,
    ctx?: RunContext,
  ): Tensor<Batch<L, LastSize<S>, BatchDim<WidthBatch<"mlp.apply", "X", L, S[0], XS>>>>;
  forward<const XS extends Shape>(
    params: MlpParams<S, L>,
    X: Check<WidthBatch<"mlp.forward", "X", L, S[0], XS>, Tensor<XS>>,
    ctx?: RunContext,
  ): [Tensor<Batch<L, LastSize<S>, BatchDim<WidthBatch<"mlp.forward", "X", L, S[0], XS>>>>, readonly DenseCache<number, number, L, BatchDim<WidthBatch<"mlp.forward", "X", L, S[0], XS>>>[]];
  backward<M extends Dim>(
    params: MlpParams<S, L>,
    dA: Tensor<Batch<L, LastSize<S>, M>>,
    caches: readonly DenseCache<number, number, L, M>[],
  ): { readonly dX: Tensor<Batch<L, S[0], M>>; readonly grads: MlpParams<S, L> };
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A multilayer perceptron from layer sizes (input first).
 *
 * @example
 * import { grad, mlp, rng, softmaxCrossEntropy, zeros } from "typegrad"
 * const net = mlp([784, 128, 64, 10], { hidden: "relu" })
 * const params = net.init(rng(0))
 * params.W1 // Tensor<[128, 784]>
 * params.b3 // Tensor<[10, 1]>
 * const X = zeros([784, 32])
 * const Y = zeros([10, 32])
 * net.apply(params, X) // Tensor<[10, 32]>
 * const cost = (p: typeof params) => softmaxCrossEntropy(net.apply(p, X), Y)
 * grad(cost)(params).W2 // Tensor<[64, 128]> (same record type as params)
 * @category constructors
 */
export const mlp = <const S extends readonly number[], const L extends Layout = "columns">(sizes: S, opts: MlpOptions<L> = {}): Mlp<S, L> => {
  checkOptionKeys("mlp", opts, mlpKeys);
  checkOneOf("mlp", "hidden", opts.hidden, activationNames);
  checkOneOf("mlp", "output", opts.output, activationNames);
  if (!Array.isArray(sizes) || sizes.length < 2) throw new TypeError(`mlp: argument 'sizes' must list at least an input and an output size, got ${JSON.stringify(sizes)}`);
  const layout = (opts.layout ?? "columns") as L;
  const n = sizes.length - 1;
  const layers = Array.from({ length: n }, (_, k) =>
    dense(sizes[k] as number, sizes[k + 1] as number, {
      activation: k === n - 1 ? (opts.output ?? "linear") : (opts.hidden ?? "relu"),
      layout,
      ...(opts.init === undefined ? {} : { init: opts.init }),
      ...(opts.alpha === undefined ? {} : { alpha: opts.alpha }),
      ...(opts.rreluRange === undefined ? {} : { rreluRange: opts.rreluRange }),
      ...(k < n - 1 && opts.dropout !== undefined ? { dropout: opts.dropout } : {}),
    }),
  ) as unknown as readonly AnyDense[];
  const net = sequential(layers as never) as unknown as {
    init(g: Rng, o?: CreateOptions): Record<string, Tensor>[];
    apply(p: unknown, X: Tensor, ctx?: RunContext): Tensor;
    forward(p: unknown, X: Tensor, ctx?: RunContext): [Tensor, unknown[]];
    backward(p: unknown, dA: Tensor, caches: unknown): { dX: Tensor; grads: Record<string, Tensor>[] };
  };
  const toRecord = (ps: readonly Record<string, Tensor>[]): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    ps.forEach((p, k) => {
      out[`W${k + 1}`] = p.W as Tensor;
      out[`b${k + 1}`] = p.b as Tensor;
    });
    return out;
  };
  const fromRecord = (fn: string, r: unknown): Record<string, Tensor>[] => {
    if (r === null || typeof r !== "object") throw new TypeError(`mlp.${fn}: argument 'params' must be the record from init`);
    const rec = r as Record<string, Tensor | undefined>;
    return Array.from({ length: n }, (_, k) => {
      const W = rec[`W${k + 1}`];
      const b = rec[`b${k + 1}`];
      if (W === undefined || b === undefined) throw new TypeError(`mlp.${fn}: argument 'params' has no W${k + 1} or b${k + 1}`);
      return { W, b };
    });
  };
  const architecture: MlpArchitecture = {
    kind: "mlp",
    sizes: [...sizes],
    layout,
    hidden: opts.hidden ?? "relu",
    output: opts.output ?? "linear",
    dropout: opts.dropout ?? 0,
    ...(typeof opts.init === "string" ? { init: opts.init } : {}),
    ...(opts.alpha === undefined ? {} : { alpha: opts.alpha }),
    ...(opts.rreluRange === undefined ? {} : { rreluRange: [opts.rreluRange[0], opts.rreluRange[1]] as const }),
  };
  const model = {
    sizes,
    layout,
    architecture,
    layers,
    init: (g: Rng, o?: CreateOptions) => toRecord(net.init(g, o)),
    apply: (p: unknown, X: Tensor, ctx?: RunContext) => net.apply(fromRecord("apply", p), X, ctx),
    forward: (p: unknown, X: Tensor, ctx?: RunContext) => net.forward(fromRecord("forward", p), X, ctx),
    backward: (p: unknown, dA: Tensor, caches: unknown) => {
      const { dX, grads } = backwardThrough("mlp.backward", layers, fromRecord("backward", p), dA, caches, (k) => `layer ${k + 1} (W${k + 1}, b${k + 1})`);
      return { dX, grads: toRecord(grads) };
    },
  };
  return model as unknown as Mlp<S, L>;
};
