/**
 * `dense(nIn, nOut, opts)`: the course's layer, `Z = W·A_prev + b`, `A = g(Z)` (columns are
 * examples, seeds 001–003) or `Z = X·W + b` (rows are examples, seed 000). Its input and output
 * sizes are in its type, like Grenade's layers, and it offers the course's two building blocks:
 *
 * - `forward(params, A_prev) → [A, cache]`, the cache holding `A_prev`, `Z`, `A` (and the dropout
 *   mask or RReLU slopes when training);
 * - `backward(params, dA, cache) → { dA_prev, dW, db }` (plus `dalpha` for PReLU), with
 *   `dZ = dA ⊙ g'(Z)`, `dW = (1/m) dZ A_prevᵀ`, `db = (1/m) Σ_examples dZ`, `dA_prev = Wᵀ dZ`.
 *
 * As in the course, `dA` is the derivative of the per-example loss (`dZ^[L] = A − Y` for a
 * sigmoid output with log-loss) and `dW`, `db` are derivatives of the cost averaged over `m`:
 * exactly what `grad` gives for the composed model (a test checks it).
 *
 * `apply(params, A_prev)` is the same forward pass without the cache, for use under `grad`; for
 * relu, sigmoid and tanh it adds the bias and applies the activation in one kernel (`addAct`),
 * with the same result bit for bit.
 *
 * @module
 */

import { add } from "../ops/add.js";
import { addAct, type FusedActivation } from "../ops/addAct.js";
import { div } from "../ops/div.js";
import { matmul } from "../ops/matmul.js";
import { mul } from "../ops/mul.js";
import { sum } from "../ops/sum.js";
import { transpose } from "../ops/transpose.js";
import type { Check, Dim, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import type { Batch, BatchDim, Layout, WidthBatch } from "../shape/layout.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { type CreateOptions, fill, zeros } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import { bernoulli, type Rng } from "../tensor/random.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type ActivationName, type ActivationSettings, activate, activationBackward, activationNames, type RunContext } from "./activations.js";
import type { DenseArchitecture } from "./architecture.js";
import { type Initializer, type InitName, initializer } from "./init.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The weight shape: `[nOut, nIn]` when columns are examples (`Z = W·A + b`), `[nIn, nOut]` when rows are (`Z = X·W + b`). @category model */
export type WeightShape<L extends Layout, I extends Dim, O extends Dim> = L extends "rows" ? [I, O] : [O, I];

/** The bias shape: `[nOut, 1]` (columns are examples) or `[1, nOut]` (rows). @category model */
export type BiasShape<L extends Layout, O extends Dim> = Batch<L, O, 1>;

/**
 * A dense layer's parameters, a plain record: `W`, `b`, and PReLU's learned `alpha` (one per unit).
 *
 * @example
 * type P = DenseParams<784, 128> // { readonly W: Tensor<[128, 784]>; readonly b: Tensor<[128, 1]> }
 * @category model
 */
export type DenseParams<I extends number, O extends number, L extends Layout = "columns", A extends ActivationName = ActivationName> = A extends "prelu"
  ? { readonly W: Tensor<WeightShape<L, I, O>>; readonly b: Tensor<BiasShape<L, O>>; readonly alpha: Tensor<BiasShape<L, O>> }
  : { readonly W: Tensor<WeightShape<L, I, O>>; readonly b: Tensor<BiasShape<L, O>> };

/** What `forward` keeps for `backward` (the course's cache). @category model */
export type DenseCache<I extends number, O extends number, L extends Layout, M extends Dim> = {
  readonly A_prev: Tensor<Batch<L, I, M>>;
  readonly Z: Tensor<Batch<L, O, M>>;
  readonly A: Tensor<Batch<L, O, M>>;
  /** The inverted-dropout mask (0 or 1/keep) applied to `A`, when training with dropout. */
  readonly mask: Tensor<Batch<L, O, M>> | undefined;
  /** RReLU's slopes, when training. */
  readonly slope: Tensor<Batch<L, O, M>> | undefined;
};

/** What `backward` gives: `dA_prev` and the gradient of each parameter (`dW`, `db`, `dalpha`). @category model */
export type DenseGrads<I extends number, O extends number, L extends Layout, A extends ActivationName, M extends Dim> = {
  readonly dA_prev: Tensor<Batch<L, I, M>>;
} & { readonly [K in keyof DenseParams<I, O, L, A> as `d${K & string}`]: DenseParams<I, O, L, A>[K] };

/** Options of {@link dense}. @category model */
export interface DenseOptions<L extends Layout, A extends ActivationName> extends ActivationSettings {
  /** The activation `g` (default `"linear"`). */
  readonly activation?: A;
  /** Which axis holds the examples (default `"columns"`). */
  readonly layout?: L;
  /** How `W` is drawn (default `"he"` for the ReLU family, `"xavierUniform"` otherwise); `b` starts at 0. */
  readonly init?: InitName | Initializer;
  /** Probability of dropping each output unit when training (inverted dropout, default 0). */
  readonly dropout?: number;
  /** PReLU's initial α (default 0.25, He et al.). */
  readonly alphaInit?: number;
}

const denseKeys: OptionKeys<DenseOptions<Layout, ActivationName>> = { activation: true, layout: true, init: true, dropout: true, alphaInit: true, alpha: true, rreluRange: true };

/**
 * A dense layer from `I` to `O` units.
 *
 * @category model
 */
export interface DenseLayer<I extends number, O extends number, L extends Layout = "columns", A extends ActivationName = ActivationName> {
  readonly kind: "dense";
  readonly nIn: I;
  readonly nOut: O;
  readonly layout: L;
  readonly activation: A;
  /** Drop probability when training. */
  readonly dropout: number;
  /** What the layer is, as JSON (`buildModel` makes it again). */
  readonly architecture: DenseArchitecture;
  /** Fresh parameters: `W` from the initialiser, `b = 0` (and `alpha` = `alphaInit`). */
  init(g: Rng, opts?: CreateOptions): DenseParams<I, O, L, A>;
  /** `g(W·A_prev + b)` (with dropout when `ctx.training`). */
  apply<const S extends Shape>(
    params: DenseParams<I, O, L, A>,
    A_prev: Check<WidthBatch<"dense.apply", "A_prev", L, I, S>, Tensor<S>>,
    ctx?: RunContext,
  ): Tensor<Batch<L, O, BatchDim<WidthBatch<"dense.apply", "A_prev", L, I, S>>>>;
  /** The forward block: the activation and the cache. */
  forward<const S extends Shape>(
    params: DenseParams<I, O, L, A>,
    A_prev: Check<WidthBatch<"dense.forward", "A_prev", L, I, S>, Tensor<S>>,
    ctx?: RunContext,
  ): [Tensor<Batch<L, O, BatchDim<WidthBatch<"dense.forward", "A_prev", L, I, S>>>>, DenseCache<I, O, L, BatchDim<WidthBatch<"dense.forward", "A_prev", L, I, S>>>];
  /** The backward block: from `dA` and the cache to `dA_prev` and the parameter gradients. */
  backward<M extends Dim>(params: DenseParams<I, O, L, A>, dA: Tensor<Batch<L, O, M>>, cache: DenseCache<I, O, L, M>): DenseGrads<I, O, L, A, M>;
}

/** Any dense layer. @category model */
export type AnyDense = DenseLayer<number, number, Layout, ActivationName>;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const reluFamily: readonly ActivationName[] = ["relu", "leakyRelu", "prelu", "rrelu", "elu"];

/**
 * A dense layer from `nIn` to `nOut` units.
 *
 * @example
 * import { dense, rng, zeros } from "typegrad"
 * const hidden = dense(784, 128, { activation: "relu" })
 * const p = hidden.init(rng(0))
 * p.W // Tensor<[128, 784]>
 * p.b // Tensor<[128, 1]>
 * const X = zeros([784, 32])
 * const [A1, cache] = hidden.forward(p, X)
 * A1 // Tensor<[128, 32]>
 * const { dA_prev, dW, db } = hidden.backward(p, zeros([128, 32]), cache)
 * dW // Tensor<[128, 784]>
 * @category constructors
 */
export const dense = <const I extends number, const O extends number, const L extends Layout = "columns", const A extends ActivationName = "linear">(
  nIn: I,
  nOut: O,
  opts: DenseOptions<L, A> = {},
): DenseLayer<I, O, L, A> => {
  checkOptionKeys("dense", opts, denseKeys);
  for (const [arg, v] of [
    ["nIn", nIn],
    ["nOut", nOut],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new TypeError(`dense: argument '${arg}' must be an integer ≥ 1, got ${String(v)}`);
  }
  const activation = (opts.activation ?? "linear") as A;
  if (!activationNames.includes(activation)) throw new TypeError(`dense: option 'activation' must be one of ${activationNames.join(", ")}, got ${JSON.stringify(activation)}`);
  const layout = (opts.layout ?? "columns") as L;
  if (layout !== "columns" && layout !== "rows") throw new TypeError(`dense: option 'layout' must be "columns" or "rows", got ${JSON.stringify(layout)}`);
  const drop = opts.dropout ?? 0;
  if (!(drop >= 0 && drop < 1)) throw new RangeError(`dense: option 'dropout' must be in [0, 1), got ${drop}`);
  const initName = opts.init ?? (reluFamily.includes(activation) ? "he" : "xavierUniform");
  const init = initializer("dense", initName);
  const rows = layout === "rows";
  const exAxis = rows ? 0 : 1;
  const unitAxis = rows ? 1 : 0;
  const settings: ActivationSettings = { ...(opts.alpha === undefined ? {} : { alpha: opts.alpha }), ...(opts.rreluRange === undefined ? {} : { rreluRange: opts.rreluRange }) };

  type P = { readonly W: Tensor; readonly b: Tensor; readonly alpha?: Tensor };
  const which = `a ${nIn} → ${nOut} layer, ${layout} are examples`;
  const prelu = activation === "prelu";
  const wShape = rows ? [nIn, nOut] : [nOut, nIn];
  const bShape = rows ? [1, nOut] : [nOut, 1];
  /** A parameter's shape against the layer's: two comparisons, off every kernel. */
  const checkParam = (fn: string, name: string, x: Tensor, want: readonly number[]): void => {
    const s = x.shape as readonly number[];
    if (s.length !== 2 || s[0] !== want[0] || s[1] !== want[1]) throw new ShapeError(`dense.${fn}`, `argument 'params': ${name} has shape ${showShape(s)}, expected ${showShape(want)} (${which})`);
  };
  const checkInput = (fn: string, p: P, a: Tensor): void => {
    if (p === null || typeof p !== "object" || !isTensor(p.W) || !isTensor(p.b) || (prelu && !isTensor(p.alpha)))
      throw new TypeError(`dense.${fn}: argument 'params' must be a record { W, b${prelu ? ", alpha" : ""} } from init`);
    checkParam(fn, "W", p.W, wShape);
    checkParam(fn, "b", p.b, bShape);
    if (prelu) checkParam(fn, "alpha", p.alpha as Tensor, bShape);
    if (!isTensor(a)) throw new TypeError(`dense.${fn}: argument 'A_prev' must be a Tensor`);
    const s = a.shape as readonly number[];
    if (s.length !== 2 || s[unitAxis] !== nIn) {
      throw new ShapeError(`dense.${fn}`, `A_prev has shape ${showShape(s)}, expected ${rows ? `[m, ${nIn}]` : `[${nIn}, m]`} (${which})`);
    }
  };

  const fusable = activation === "relu" || activation === "sigmoid" || activation === "tanh";
  const forward = (p: P, A_prev: Tensor, ctx: RunContext = {}): [Tensor, DenseCache<number, number, Layout, Dim>] => {
    checkInput("forward", p, A_prev);
    const Z: Tensor = add(rows ? matmul(A_prev, p.W) : matmul(p.W, A_prev), p.b);
    const { A: G, slope } = activate(activation, Z, unitAxis, ctx, settings, p.alpha);
    let A = G;
    let mask: Tensor | undefined;
    if (ctx.training === true && drop > 0) {
      if (ctx.rng === undefined) throw new TypeError("dense.forward: dropout in training needs a generator, pass { training: true, rng }");
      mask = div(bernoulli(ctx.rng, Z.shape as number[], 1 - drop, { dtype: Z.dtype }), 1 - drop);
      A = mul(G, mask);
    }
    return [A, { A_prev, Z, A: G, mask, slope } as DenseCache<number, number, Layout, Dim>];
  };

  const backward = (p: P, dA: Tensor, cache: DenseCache<number, number, Layout, Dim>): Record<string, Tensor> => {
    const c: unknown = cache;
    if (c === null || typeof c !== "object" || !isTensor(cache.A_prev) || !isTensor(cache.Z) || !isTensor(cache.A))
      throw new TypeError(`dense.backward: argument 'cache' must be the cache from forward ({ A_prev, Z, A }), got ${describeValue(c)}`);
    checkInput("backward", p, cache.A_prev as Tensor);
    if (!isTensor(dA)) throw new TypeError(`dense.backward: argument 'dA' must be a Tensor, got ${describeValue(dA)}`);
    const { A_prev, Z, A, mask, slope } = cache as { [K in keyof typeof cache]: Tensor };
    const zs = Z.shape as readonly number[];
    const ds = dA.shape as readonly number[];
    if (ds.length !== zs.length || ds.some((d, i) => d !== zs[i]))
      throw new ShapeError("dense.backward", `dA has shape ${showShape(ds)}, expected ${showShape(zs)} (the output of this ${nIn} → ${nOut} layer in the cache from forward, ${layout} are examples)`);
    const m = zs[exAxis] as number;
    const dG = mask === undefined ? dA : mul(dA, mask);
    const { dZ, dAlpha } = activationBackward(activation, dG, Z, A, unitAxis, settings, p.alpha, slope);
    const Aprev2 = A_prev as Tensor<[number, number]>;
    const W2 = p.W as Tensor<[number, number]>;
    const dW = div(rows ? matmul(transpose(Aprev2), dZ) : matmul(dZ, transpose(Aprev2)), m);
    const db = div(sum(dZ, exAxis, true), m);
    const dA_prev = rows ? matmul(dZ, transpose(W2)) : matmul(transpose(W2), dZ);
    return dAlpha === undefined ? { dA_prev, dW, db } : { dA_prev, dW, db, dalpha: div(sum(dAlpha, exAxis, true), m) };
  };

  const architecture: DenseArchitecture = {
    kind: "dense",
    nIn,
    nOut,
    activation,
    layout,
    dropout: drop,
    ...(typeof initName === "string" ? { init: initName } : {}),
    ...(opts.alpha === undefined ? {} : { alpha: opts.alpha }),
    ...(opts.rreluRange === undefined ? {} : { rreluRange: [opts.rreluRange[0], opts.rreluRange[1]] as const }),
    ...(opts.alphaInit === undefined ? {} : { alphaInit: opts.alphaInit }),
  };
  const layer = {
    kind: "dense" as const,
    nIn,
    nOut,
    layout,
    activation,
    dropout: drop,
    architecture,
    init: (g: Rng, copts?: CreateOptions) => {
      const W = init(g, (rows ? [nIn, nOut] : [nOut, nIn]) as [number, number], { fanIn: nIn, fanOut: nOut }, copts);
      const bs = rows ? [1, nOut] : [nOut, 1];
      const b = zeros(bs, copts);
      return activation === "prelu" ? { W, b, alpha: fill(bs, opts.alphaInit ?? 0.25, copts) } : { W, b };
    },
    apply: (p: P, A_prev: Tensor, ctx: RunContext = {}) => {
      // checked here too, so that an error names apply even where forward does the work
      checkInput("apply", p, A_prev);
      if (fusable && !(ctx.training === true && drop > 0)) {
        return addAct(rows ? matmul(A_prev, p.W) : matmul(p.W, A_prev), p.b as Tensor<number[]>, activation as FusedActivation);
      }
      return forward(p, A_prev, ctx)[0];
    },
    forward,
    backward,
  };
  return layer as unknown as DenseLayer<I, O, L, A>;
};

/**
 * A layer's gradients (`dW`, `db`, `dalpha`) as a record of the params' structure (`W`, `b`, `alpha`).
 *
 * @example
 * import { dense, gradsAsParams, rng, zeros } from "typegrad"
 * const layer = dense(3, 2)
 * const p = layer.init(rng(0))
 * const [, cache] = layer.forward(p, zeros([3, 4]))
 * Object.keys(gradsAsParams(layer.backward(p, zeros([2, 4]), cache))).sort() // ["W", "b"] (from dW, db)
 * @category operations
 */
export const gradsAsParams = (g: Readonly<Record<string, Tensor>>): Record<string, Tensor> => {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(g)) if (k !== "dA_prev" && k.startsWith("d")) out[k.slice(1)] = v;
  return out;
};
