/**
 * Layers for images, rows are examples in NHWC (`["m", H, W, C]`): `conv2dLayer`,
 * `maxPool2dLayer`, `batchNormLayer`, `flattenLayer` (images to the rows `dense` takes) and
 * `reshapeLayer` (rows to images, for data that arrives flat, as MNIST's 784 pixels). Each
 * layer's input and output shapes (per example) are in its type and computed there, so
 * `sequential` checks a chain of them together with `dense` layers:
 *
 * ```
 * sequential([conv2dLayer([28, 28, 1], 16, 3), maxPool2dLayer([13, 13, 16], 2)])
 * //                                           ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 * // sequential: layer 1 takes [13, 13, 16] but layer 0 gives [26, 26, 16]
 * ```
 *
 * They offer the course's blocks like `dense`: `apply` (under `grad`), `forward` → `[A, cache]`
 * and `backward(params, dA, cache)` → `{ dA_prev, dW, db, … }` with the parameter gradients of the
 * cost averaged over the `m` examples (`dA` being the derivative of the per-example loss), here
 * computed by `vjp` through the ops.
 *
 * @module
 */
import { vjp } from "../autodiff/vjp.js";
import { add } from "../ops/add.js";
import { addAct, type FusedActivation } from "../ops/addAct.js";
import { avgPool2d } from "../ops/avgPool2d.js";
import { type BatchNormState, batchNorm } from "../ops/batchNorm.js";
import { conv2dAny } from "../ops/conv2d.js";
import { div } from "../ops/div.js";
import { globalAvgPool2d } from "../ops/globalAvgPool2d.js";
import { maxPool2d, poolSize } from "../ops/maxPool2d.js";
import { reshapeTo } from "../ops/window.js";
import type { DivMod, Product } from "../shape/arith.js";
import { type Conv2d, type Conv2dOptions, conv2d as convRule, type Pair, type Pool2d, type WindowOptions, windowGeometry } from "../shape/conv.js";
import { type Check, type Dim, type Mismatch, type Ok, type Shape, ShapeError, showShape } from "../shape/dims.js";
import type { BatchDim, LayerBatch } from "../shape/layout.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { type CreateOptions, fill, zeros } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import type { Rng } from "../tensor/random.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type ActivationName, activate, activationNames, type RunContext } from "./activations.js";
import type { LayerArchitecture } from "./architecture.js";
import { dropout } from "./dropout.js";
import { type Initializer, type InitName, initializer } from "./init.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An image's shape per example: `[height, width, channels]`. @category model */
export type ImageShape = readonly [number, number, number];

/**
 * A layer of the image family: its per-example input and output shapes, its parameters `P`, and
 * the blocks of `dense` (`init`, `apply`, `forward`, `backward`).
 *
 * @category model
 */
export interface ImageLayer<K extends string, In extends Shape | number, Out extends Shape | number, P extends Record<string, Tensor>> {
  readonly kind: K;
  /** The input per example (a shape, or a width for flat rows). */
  readonly nIn: In;
  /** The output per example. */
  readonly nOut: Out;
  readonly layout: "rows";
  /** What the layer is, as JSON (`buildModel` makes it again). */
  readonly architecture: LayerArchitecture;
  init(g: Rng, opts?: CreateOptions): P;
  apply<const S extends Shape>(
    params: P,
    A_prev: Check<LayerBatch<`${K}Layer.apply`, "A_prev", "rows", In, S>, Tensor<S>>,
    ctx?: RunContext,
  ): Tensor<Rows<Out, BatchDim<LayerBatch<`${K}Layer.apply`, "A_prev", "rows", In, S>>>>;
  forward<const S extends Shape>(
    params: P,
    A_prev: Check<LayerBatch<`${K}Layer.forward`, "A_prev", "rows", In, S>, Tensor<S>>,
    ctx?: RunContext,
  ): [Tensor<Rows<Out, BatchDim<LayerBatch<`${K}Layer.forward`, "A_prev", "rows", In, S>>>>, LayerCache];
  /**
   * `apply` (under `grad` too) that also gives the layer's new state: batch norm in training
   * gives its new running statistics; every other layer, and batch norm at inference, `undefined`.
   */
  applyWithState<const S extends Shape>(
    params: P,
    A_prev: Check<LayerBatch<`${K}Layer.applyWithState`, "A_prev", "rows", In, S>, Tensor<S>>,
    ctx?: RunContext,
  ): [Tensor<Rows<Out, BatchDim<LayerBatch<`${K}Layer.applyWithState`, "A_prev", "rows", In, S>>>>, BatchNormState | undefined];
  backward<M extends Dim>(params: P, dA: Tensor<Rows<Out, M>>, cache: LayerCache): { readonly dA_prev: Tensor<Rows<In, M>> } & { readonly [Q in keyof P as `d${Q & string}`]: P[Q] };
}

/** The batch of `M` examples of per-example shape (or width) `S`, rows are examples. @category model */
export type Rows<S extends Shape | number, M extends Dim> = S extends number ? [M, S] : S extends Shape ? [M, ...S] : never;

/**
 * What an image layer's `forward` keeps for `backward`: the input, the output, the pullback of the
 * layer's function, and (batch norm in training) the new running statistics.
 *
 * @category model
 */
export interface LayerCache {
  readonly A_prev: Tensor;
  readonly A: Tensor;
  readonly pullback: (dA: Tensor) => Record<string, Tensor>;
  readonly state?: BatchNormState;
}

/** Options of {@link conv2dLayer}. @category model */
export interface Conv2dLayerOptions<A extends ActivationName = ActivationName> extends Conv2dOptions {
  readonly activation?: A;
  /** How `W` is drawn (default `"he"` for the ReLU family, `"xavierUniform"` otherwise), with fan-in `kh·kw·C/groups`; `b` starts at 0. */
  readonly init?: InitName | Initializer;
  /** Probability of dropping each output when training (inverted dropout, default 0). */
  readonly dropout?: number;
}

const conv2dLayerKeys: OptionKeys<Conv2dLayerOptions> = { stride: true, padding: true, dilation: true, groups: true, activation: true, init: true, dropout: true };

type PairFirst<K> = K extends readonly [infer A extends number, number] ? A : K & number;
type PairSecond<K> = K extends readonly [number, infer B extends number] ? B : K & number;
type GroupsOf<O> = O extends { readonly groups: infer G extends number } ? G : 1;

/** The kernel shape of a convolution layer: `[kh, kw, C / groups, F]`. @category model */
export type KernelShape<In extends ImageShape, F extends number, K, O> = [PairFirst<K>, PairSecond<K>, DivMod<In[2], GroupsOf<O>>[0], F];

type Unbatch<R, Op extends string> = R extends readonly [1, ...infer T extends Dim[]] ? T : R extends Mismatch<infer M> ? Mismatch<M> : Mismatch<`${Op}: unexpected shape`>;

/** The per-example output of a convolution layer, or a `Mismatch`. @category model */
export type Conv2dLayerOut<In extends ImageShape, F extends number, K, O> = Unbatch<Conv2d<[1, ...In], KernelShape<In, F, K, O>, O>, "conv2dLayer">;

/** The per-example output of a pooling layer, or a `Mismatch`. @category model */
export type Pool2dLayerOut<In extends ImageShape, K, O, Op extends string = "maxPool2dLayer"> = Unbatch<Pool2d<[1, ...In], K, O, Op>, Op>;

type CheckArg<R, T> = R extends Mismatch<infer M> ? M : T;

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const reluFamily: readonly ActivationName[] = ["relu", "leakyRelu", "rrelu", "elu"];

const imageShape = (fn: string, s: unknown): ImageShape => {
  if (!Array.isArray(s) || s.length !== 3 || !s.every((d) => Number.isInteger(d) && d >= 1))
    throw new TypeError(`${fn}: argument 'inShape' must be [height, width, channels] (integers ≥ 1), got ${JSON.stringify(s)}`);
  return [s[0], s[1], s[2]];
};

const checkInput = (fn: string, nIn: readonly number[], a: unknown): Tensor => {
  if (!isTensor(a)) throw new TypeError(`${fn}: argument 'A_prev' must be a Tensor`);
  const s = a.shape as readonly number[];
  if (s.length !== nIn.length + 1 || nIn.some((d, i) => s[i + 1] !== d)) throw new ShapeError(fn, `A_prev has shape ${showShape(s)}, expected [m, ${nIn.join(", ")}] (rows are examples)`);
  return a;
};

/** An image layer's activation option (default `"linear"`; PReLU's learned α has no place in these layers). */
const activationOption = (fn: string, a: unknown): ActivationName => {
  const activation = a ?? "linear";
  if (!activationNames.includes(activation as ActivationName) || activation === "prelu")
    throw new TypeError(`${fn}: option 'activation' must be one of ${activationNames.filter((n) => n !== "prelu").join(", ")}, got ${JSON.stringify(activation)}`);
  return activation as ActivationName;
};

/** A layer's parameters by name, with the shape each must have. */
type ParamSpecs = readonly (readonly [string, readonly number[]])[];

/** The params are there and of the layer's shapes (as dense's: params of another layer are named here, not in the op they reach). */
const checkParams = (fn: string, p: unknown, specs: ParamSpecs, which: string): Record<string, Tensor> => {
  if (p === null || typeof p !== "object" || specs.some(([n]) => !isTensor((p as Record<string, unknown>)[n])))
    throw new TypeError(`${fn}: argument 'params' must be a record { ${specs.map(([n]) => n).join(", ")} } from init`);
  for (const [n, want] of specs) {
    const s = (p as Record<string, Tensor>)[n]?.shape as readonly number[];
    if (s.length !== want.length || s.some((d, i) => d !== want[i])) throw new ShapeError(fn, `argument 'params': ${n} has shape ${showShape(s)}, expected ${showShape(want)} (${which})`);
  }
  return p as Record<string, Tensor>;
};

/**
 * The blocks of a layer whose output is `f(params, A_prev, ctx)`: `forward` keeps the pullback of
 * `f`, `backward` gives `dA_prev` and the parameter gradients averaged over the `m` examples.
 */
const blocks = (
  fn: string,
  nIn: readonly number[],
  nOut: readonly number[],
  specs: ParamSpecs,
  f: (p: Record<string, Tensor>, A_prev: Tensor, ctx: RunContext) => { readonly A: Tensor; readonly state?: BatchNormState },
) => {
  const names = specs.map(([n]) => n);
  const which = `a ${showShape(nIn)} → ${showShape(nOut)} layer`;
  const apply = (p: Record<string, Tensor>, A_prev: Tensor, ctx: RunContext = {}): Tensor => f(checkParams(`${fn}.apply`, p, specs, which), checkInput(`${fn}.apply`, nIn, A_prev), ctx).A;
  const applyWithState = (p: Record<string, Tensor>, A_prev: Tensor, ctx: RunContext = {}): [Tensor, BatchNormState | undefined] => {
    const r = f(checkParams(`${fn}.applyWithState`, p, specs, which), checkInput(`${fn}.applyWithState`, nIn, A_prev), ctx);
    return [r.A, r.state];
  };
  const forward = (p: Record<string, Tensor>, A_prev: Tensor, ctx: RunContext = {}): [Tensor, LayerCache] => {
    checkParams(`${fn}.forward`, p, specs, which);
    checkInput(`${fn}.forward`, nIn, A_prev);
    let state: BatchNormState | undefined;
    const [A, back] = vjp(
      (q: Record<string, Tensor>) => {
        const r = f(q, q.A_prev as Tensor, ctx);
        state = r.state;
        return r.A;
      },
      { ...p, A_prev },
    );
    const pullback = (dA: Tensor): Record<string, Tensor> => back(dA) as Record<string, Tensor>;
    return [A, state === undefined ? { A_prev, A, pullback } : { A_prev, A, pullback, state }];
  };
  const backward = (p: Record<string, Tensor>, dA: Tensor, cache: LayerCache): Record<string, Tensor> => {
    checkParams(`${fn}.backward`, p, specs, which);
    if (cache === null || typeof cache !== "object" || typeof cache.pullback !== "function" || !isTensor(cache.A))
      throw new TypeError(`${fn}.backward: argument 'cache' must be the cache from forward`);
    if (!isTensor(dA)) throw new TypeError(`${fn}.backward: argument 'dA' must be a Tensor, got ${describeValue(dA)}`);
    const as = cache.A.shape as readonly number[];
    const ds = dA.shape as readonly number[];
    if (ds.length !== as.length || ds.some((d, i) => d !== as[i]))
      throw new ShapeError(
        `${fn}.backward`,
        `dA has shape ${showShape(ds)}, expected ${showShape(as)} (the output of this ${showShape(nIn)} → ${showShape(nOut)} layer in the cache from forward, rows are examples)`,
      );
    const g = cache.pullback(dA);
    const m = as[0] as number;
    const out: Record<string, Tensor> = { dA_prev: g.A_prev as Tensor };
    for (const n of names) out[`d${n}`] = div(g[n] as Tensor, m);
    return out;
  };
  return { apply, applyWithState, forward, backward };
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A convolution layer: `A = g(conv2d(A_prev, W) + b)` on images `[m, H, W, C]`, `filters`
 * output channels, a `kernel × kernel` (or `[kh, kw]`) window; options of `conv2d` (stride,
 * padding, dilation, groups), an activation, an initialiser (fan-in `kh·kw·C/groups`, fan-out
 * `kh·kw·F/groups`) and dropout. A window that does not fit is a compile error at `kernel`.
 * With relu, sigmoid or tanh the bias add and the activation are one op (`addAct`, the same
 * values bit for bit); the WebGPU backend runs it, or a plain bias add, as the convolution's epilogue.
 *
 * @example
 * import { conv2dLayer, rng, zeros } from "typegrad"
 * const c1 = conv2dLayer([28, 28, 1], 6, 5, { activation: "relu" })
 * c1.nOut // [24, 24, 6]
 * const p = c1.init(rng(0))
 * p.W // Tensor<[5, 5, 1, 6]>
 * c1.apply(p, zeros([8, 28, 28, 1])) // Tensor<[8, 24, 24, 6]>
 * @category constructors
 */
export const conv2dLayer = <const In extends ImageShape, const F extends number, const K extends Pair, const O extends Conv2dLayerOptions = {}>(
  inShape: In,
  filters: F,
  kernel: CheckArg<Conv2dLayerOut<In, F, K, O>, K>,
  opts?: O,
): ImageLayer<"conv2d", In, Ok<Conv2dLayerOut<In, F, K, O>>, { readonly W: Tensor<[...KernelShape<In, F, K, O>]>; readonly b: Tensor<[F]> }> => {
  const fn = "conv2dLayer";
  const s = imageShape(fn, inShape);
  if (!(Number.isInteger(filters) && filters >= 1)) throw new TypeError(`${fn}: argument 'filters' must be an integer ≥ 1, got ${String(filters)}`);
  const k = typeof kernel === "number" ? [kernel, kernel] : kernel;
  if (!Array.isArray(k) || k.length !== 2 || !k.every((d) => Number.isInteger(d) && d >= 1))
    throw new TypeError(`${fn}: argument 'kernel' must be an integer ≥ 1 or a pair of them, got ${JSON.stringify(kernel)}`);
  checkOptionKeys(fn, opts, conv2dLayerKeys);
  const o: Conv2dLayerOptions = opts ?? {};
  const groups = o.groups ?? 1;
  if (!(Number.isInteger(groups) && groups >= 1 && s[2] % groups === 0 && filters % groups === 0))
    throw new TypeError(`${fn}: option 'groups' must divide the ${s[2]} input channels and the ${filters} filters, got ${JSON.stringify(groups)}`);
  const activation = activationOption(fn, o.activation);
  const drop = o.dropout ?? 0;
  if (!(drop >= 0 && drop < 1)) throw new RangeError(`${fn}: option 'dropout' must be in [0, 1), got ${drop}`);
  const initName = o.init ?? (reluFamily.includes(activation) ? "he" : "xavierUniform");
  const init = initializer(fn, initName);
  const wShape = [k[0] as number, k[1] as number, s[2] / groups, filters];
  const convOpts: Conv2dOptions = {
    ...(o.stride === undefined ? {} : { stride: o.stride }),
    ...(o.padding === undefined ? {} : { padding: o.padding }),
    ...(o.dilation === undefined ? {} : { dilation: o.dilation }),
    groups,
  };
  const out = convRule([1, ...s], wShape, convOpts).shape.slice(1);
  const fansIn = (k[0] as number) * (k[1] as number) * (s[2] / groups);
  const fansOut = ((k[0] as number) * (k[1] as number) * filters) / groups;
  const fusable = activation === "relu" || activation === "sigmoid" || activation === "tanh";
  const { apply, applyWithState, forward, backward } = blocks(
    fn,
    s,
    out,
    [
      ["W", wShape],
      ["b", [filters]],
    ],
    (p, A_prev, ctx) => {
      const Y = conv2dAny(A_prev, p.W as Tensor, convOpts);
      const A = fusable ? addAct(Y, p.b as Tensor, activation as FusedActivation) : activate(activation, add(Y, p.b as Tensor), 3, ctx, {}, undefined).A;
      return { A: drop > 0 ? dropout(A, drop, ctx) : A };
    },
  );
  const architecture: LayerArchitecture = {
    kind: "conv2d",
    inShape: s,
    filters,
    kernel: [k[0] as number, k[1] as number],
    ...convOpts,
    activation,
    dropout: drop,
    ...(typeof initName === "string" ? { init: initName } : {}),
  } as LayerArchitecture;
  return {
    kind: "conv2d",
    nIn: inShape,
    nOut: out,
    layout: "rows",
    architecture,
    init: (g: Rng, copts?: CreateOptions) => ({ W: init(g, wShape, { fanIn: fansIn, fanOut: fansOut }, copts), b: zeros([filters], copts) }),
    apply,
    applyWithState,
    forward,
    backward,
  } as never;
};

/** A pooling layer's per-example window options: stride (default: the window) and padding. @category model */
export type Pool2dLayerOptions = Omit<WindowOptions, "dilation">;

const poolKeys: OptionKeys<Pool2dLayerOptions> = { stride: true, padding: true };

const poolLayer = (fn: string, kind: "maxPool2d" | "avgPool2d", inShape: unknown, size: unknown, opts: unknown) => {
  const s = imageShape(fn, inShape);
  checkOptionKeys(fn, opts, poolKeys);
  const k = poolSize(fn, size);
  const o = (opts ?? {}) as Pool2dLayerOptions;
  const g = windowGeometry(fn, [1, ...s], k, o, k);
  // as the pooling ops check it at each call: no window of padding only
  if (g.padTop >= k[0] || g.padLeft >= k[1]) throw new RangeError(`${fn}: explicit padding must be smaller than the window (${k[0]}×${k[1]}), got ${JSON.stringify(o.padding)}`);
  const out = [g.outH, g.outW, s[2]];
  const pool = (kind === "maxPool2d" ? maxPool2d : avgPool2d) as unknown as (x: Tensor, k: readonly [number, number], o: object) => Tensor;
  const { apply, applyWithState, forward, backward } = blocks(fn, s, out, [], (_p, A_prev) => ({ A: pool(A_prev, k, o) }));
  return {
    kind,
    nIn: inShape,
    nOut: out,
    layout: "rows",
    architecture: { kind, inShape: s, size: [k[0], k[1]], ...o } as LayerArchitecture,
    init: () => ({}),
    apply,
    applyWithState,
    forward,
    backward,
  } as never;
};

/**
 * A max-pooling layer over images `[m, H, W, C]`: the window `size` (default stride: the size);
 * no parameters.
 *
 * @example
 * import { maxPool2dLayer, zeros } from "typegrad"
 * const pool = maxPool2dLayer([24, 24, 6], 2)
 * pool.nOut // [12, 12, 6]
 * pool.apply({}, zeros([8, 24, 24, 6])) // Tensor<[8, 12, 12, 6]>
 * @category constructors
 */
export const maxPool2dLayer = <const In extends ImageShape, const K extends Pair, const O extends Pool2dLayerOptions = {}>(
  inShape: In,
  size: CheckArg<Pool2dLayerOut<In, K, O>, K>,
  opts?: O,
): ImageLayer<"maxPool2d", In, Ok<Pool2dLayerOut<In, K, O>>, Record<string, never>> => poolLayer("maxPool2dLayer", "maxPool2d", inShape, size, opts);

/**
 * An average-pooling layer over images `[m, H, W, C]`: the mean of each window (padding cells
 * not counted), the window `size` (default stride: the size); no parameters.
 *
 * @example
 * import { avgPool2dLayer, zeros } from "typegrad"
 * const pool = avgPool2dLayer([24, 24, 6], 2)
 * pool.nOut // [12, 12, 6]
 * pool.apply({}, zeros([8, 24, 24, 6])) // Tensor<[8, 12, 12, 6]>
 * @category constructors
 */
export const avgPool2dLayer = <const In extends ImageShape, const K extends Pair, const O extends Pool2dLayerOptions = {}>(
  inShape: In,
  size: CheckArg<Pool2dLayerOut<In, K, O, "avgPool2dLayer">, K>,
  opts?: O,
): ImageLayer<"avgPool2d", In, Ok<Pool2dLayerOut<In, K, O, "avgPool2dLayer">>, Record<string, never>> => poolLayer("avgPool2dLayer", "avgPool2d", inShape, size, opts);

/**
 * A global average-pooling layer: the mean of each channel over the image, `[m, H, W, C] →
 * [m, C]` (rows, what `dense(…, { layout: "rows" })` takes); no parameters.
 *
 * @example
 * import { globalAvgPool2dLayer, zeros } from "typegrad"
 * const gap = globalAvgPool2dLayer([7, 7, 64])
 * gap.nOut // 64
 * gap.apply({}, zeros([8, 7, 7, 64])) // Tensor<[8, 64]>
 * @category constructors
 */
export const globalAvgPool2dLayer = <const In extends ImageShape>(inShape: In): ImageLayer<"globalAvgPool2d", In, In[2], Record<string, never>> => {
  const fn = "globalAvgPool2dLayer";
  const s = imageShape(fn, inShape);
  const gap = globalAvgPool2d as unknown as (x: Tensor) => Tensor;
  const { apply, applyWithState, forward, backward } = blocks(fn, s, [s[2]], [], (_p, A_prev) => ({ A: gap(A_prev) }));
  return {
    kind: "globalAvgPool2d",
    nIn: inShape,
    nOut: s[2],
    layout: "rows",
    architecture: { kind: "globalAvgPool2d", inShape: s } as LayerArchitecture,
    init: () => ({}),
    apply,
    applyWithState,
    forward,
    backward,
  } as never;
};

/**
 * The parameters of a batch-norm layer: learned `gamma`, `beta`, and the running statistics. A
 * type alias, not an interface, so that it is a `Record<string, Tensor>` as it is (an interface
 * has no implicit index signature) and no `& Record<string, Tensor>` widens it to every name.
 *
 * @category model
 */
export type BatchNormParams<C extends number> = {
  readonly gamma: Tensor<[C]>;
  readonly beta: Tensor<[C]>;
  /** Running mean (not learned: its gradient is 0 in training; `updateState` moves it). */
  readonly mean: Tensor<[C]>;
  /** Running variance (likewise). */
  readonly variance: Tensor<[C]>;
};

/** Options of {@link batchNormLayer}. @category model */
export interface BatchNormLayerOptions {
  /** Weight of the old running statistics in each update (default 0.9). */
  readonly momentum?: number;
  /** Added to the variance before its square root (default 1e-5). */
  readonly epsilon?: number;
  /** Applied to the normalised output, `A = g(γ ẑ + β)` (default `"linear"`): batch norm on `Z` before the activation, as in the course. */
  readonly activation?: Exclude<ActivationName, "prelu">;
}

const batchNormLayerKeys: OptionKeys<BatchNormLayerOptions> = { momentum: true, epsilon: true, activation: true };

/** The last entry of a shape. */
type LastDim<S> = S extends readonly [...unknown[], infer C extends number] ? C : number;

/**
 * A batch-normalisation layer over the last axis (the channels) of `inShape`: in training
 * (`ctx.training`) it normalises with the batch's statistics and its `forward` cache carries the
 * new running statistics (`sequential(...).updateState(params, caches)` puts them into new
 * parameters, nothing is mutated; `fit` does it for you); at inference it uses the running
 * statistics. On images `inShape` is `[H, W, C]`; on a dense layer's output (`Z` of a fully
 * connected net, rows are examples) it is `[n]`, and `sequential` chains it between
 * `dense(…, { layout: "rows" })` layers.
 *
 * @example
 * import { batchNormLayer, dense, rng, sequential, zeros } from "typegrad"
 * const bn = batchNormLayer([12, 12, 16])
 * const p = bn.init(rng(0))
 * p.gamma // Tensor<[16]>
 * const [, cache] = bn.forward(p, zeros([4, 12, 12, 16]), { training: true })
 * cache.state?.mean.shape // [16] (the new running mean, momentum 0.9)
 * // batch norm on a dense layer's output
 * const net = sequential([dense(784, 128, { layout: "rows", activation: "relu" }), batchNormLayer([128]), dense(128, 10, { layout: "rows" })])
 * const q = net.init(rng(0))
 * q[1].mean // Tensor<[128]>
 * net.apply(q, zeros([4, 784])) // Tensor<[4, 10]>
 * @category constructors
 */
export const batchNormLayer = <const In extends readonly number[]>(inShape: In, opts: BatchNormLayerOptions = {}): ImageLayer<"batchNorm", In, In, BatchNormParams<LastDim<In>>> => {
  const fn = "batchNormLayer";
  if (!Array.isArray(inShape) || inShape.length < 1 || !inShape.every((d) => Number.isInteger(d) && d >= 1))
    throw new TypeError(`${fn}: argument 'inShape' must be a non-empty array of sizes, got ${JSON.stringify(inShape)}`);
  checkOptionKeys(fn, opts, batchNormLayerKeys);
  const C = inShape[inShape.length - 1] as number;
  const activation = activationOption(fn, opts.activation);
  const { momentum, epsilon } = opts as { momentum?: unknown; epsilon?: unknown };
  if (momentum !== undefined && !(typeof momentum === "number" && momentum >= 0 && momentum <= 1))
    throw new RangeError(`${fn}: option 'momentum' must be a number in [0, 1], got ${typeof momentum === "string" ? JSON.stringify(momentum) : String(momentum)}`);
  if (epsilon !== undefined && !(Number.isFinite(epsilon) && (epsilon as number) > 0)) throw new RangeError(`${fn}: option 'epsilon' must be a finite number > 0, got ${String(epsilon)}`);
  const bnOpts = { ...(opts.momentum === undefined ? {} : { momentum: opts.momentum }), ...(opts.epsilon === undefined ? {} : { epsilon: opts.epsilon }) };
  const bn = batchNorm as unknown as (x: Tensor, g: Tensor, b: Tensor, s: BatchNormState, o: object) => { y: Tensor; state: BatchNormState };
  const { apply, applyWithState, forward, backward } = blocks(
    fn,
    inShape,
    inShape,
    [
      ["gamma", [C]],
      ["beta", [C]],
      ["mean", [C]],
      ["variance", [C]],
    ],
    (p, A_prev, ctx) => {
      const r = bn(A_prev, p.gamma as Tensor, p.beta as Tensor, { mean: p.mean as Tensor<[number]>, variance: p.variance as Tensor<[number]> }, { ...bnOpts, training: ctx.training === true });
      const A = activate(activation, r.y, inShape.length, ctx, {}, undefined).A;
      return ctx.training === true ? { A, state: r.state } : { A };
    },
  );
  return {
    kind: "batchNorm",
    nIn: inShape,
    nOut: inShape,
    layout: "rows",
    architecture: { kind: "batchNorm", inShape: [...inShape], ...bnOpts, ...(opts.activation === undefined ? {} : { activation }) } as LayerArchitecture,
    init: (_g: Rng, copts?: CreateOptions) => ({ gamma: fill([C], 1, copts), beta: zeros([C], copts), mean: zeros([C], copts), variance: fill([C], 1, copts) }),
    apply,
    applyWithState,
    forward,
    backward,
  } as never;
};

/**
 * Flattens each example to a row: `[m, ...inShape] → [m, Π inShape]`, what `dense(…, { layout:
 * "rows" })` takes. No parameters.
 *
 * @example
 * import { flattenLayer, zeros } from "typegrad"
 * const f = flattenLayer([4, 4, 16])
 * f.nOut // 256
 * f.apply({}, zeros([8, 4, 4, 16])) // Tensor<[8, 256]>
 * @category constructors
 */
export const flattenLayer = <const In extends readonly number[]>(inShape: In): ImageLayer<"flatten", In, Product<In>, Record<string, never>> =>
  reshaping("flattenLayer", "flatten", inShape, [inShape.reduce((a, b) => a * b, 1)]) as never;

/**
 * Reshapes each row to an image (or any shape): `[m, Π shape] → [m, ...shape]`, for data that
 * arrives flat (MNIST's 784 pixels to `[28, 28, 1]`). No parameters.
 *
 * @example
 * import { reshapeLayer, zeros } from "typegrad"
 * const r = reshapeLayer([28, 28, 1])
 * r.nIn // 784
 * r.apply({}, zeros([8, 784])) // Tensor<[8, 28, 28, 1]>
 * @category constructors
 */
export const reshapeLayer = <const Out extends readonly number[]>(shape: Out): ImageLayer<"reshape", Product<Out>, Out, Record<string, never>> =>
  reshaping("reshapeLayer", "reshape", [shape.reduce((a, b) => a * b, 1)], shape) as never;

const reshaping = (fn: string, kind: "flatten" | "reshape", nIn: readonly number[], nOut: readonly number[]) => {
  for (const s of [nIn, nOut])
    if (!Array.isArray(s) || s.length < 1 || !s.every((d) => Number.isInteger(d) && d >= 1)) throw new TypeError(`${fn}: the shape must be a non-empty array of sizes, got ${JSON.stringify(s)}`);
  const { apply, applyWithState, forward, backward } = blocks(fn, nIn, nOut, [], (_p, A_prev) => ({ A: reshapeTo(A_prev, [A_prev.shape[0] as number, ...nOut]) }));
  const flat = (s: readonly number[]): number | readonly number[] => (s.length === 1 ? (s[0] as number) : s);
  return {
    kind,
    nIn: flat(nIn),
    nOut: flat(nOut),
    layout: "rows" as const,
    architecture: (kind === "flatten" ? { kind, inShape: [...nIn] } : { kind, shape: [...nOut] }) as LayerArchitecture,
    init: () => ({}),
    apply,
    applyWithState,
    forward,
    backward,
  };
};

/** Any image layer. @category model */
export type AnyImageLayer = ImageLayer<string, Shape | number, Shape | number, Record<string, Tensor>>;
