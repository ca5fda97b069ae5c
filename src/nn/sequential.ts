/**
 * `sequential([...layers])`: a network as a type-level chain of layers (Grenade's `Network`).
 * The compiler checks that each layer takes what the previous one gives with a homomorphic
 * mapped type over the tuple (no recursion, so any depth type-checks; 500 layers are tested),
 * and reports a mismatch on the offending layer:
 *
 * ```
 * sequential([dense(784, 128), dense(128, 64), dense(32, 10)])
 * //                                          ~~~~~~~~~~~~~~
 * // Type 'DenseLayer<32, 10, "columns", "linear">' is not assignable to type
 * // '"sequential: layer 2 takes 32 inputs but layer 1 gives 64"'.
 * ```
 *
 * A dense layer's output per example is a width (`128`), a batch-norm or reshape layer's a shape
 * (`[128]`); the chain treats `n` and `[n]` as the same per-example shape (in layout "rows" both
 * are the batch `[m, n]`), so `dense → batchNormLayer([n]) → dense` chains. Layers other than
 * dense take rows only: a dense layer in layout "columns" next to one is refused, with the fix in
 * the message.
 *
 * Parameters are a tuple of the layers' records; `forward` returns every layer's cache and
 * `backward` consumes them, newest first, giving gradients in the parameters' structure.
 *
 * @module
 */

import type { BatchNormState } from "../ops/batchNorm.js";
import type { Check, Dim, Shape, ShowShape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import type { Batch, BatchDim, LayerBatch, Layout } from "../shape/layout.js";
import type { CreateOptions } from "../tensor/create.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { isTensor } from "../tensor/tensor.js";
import type { ActivationName, RunContext } from "./activations.js";
import type { LayerArchitecture, SequentialArchitecture } from "./architecture.js";
import type { AnyImageLayer, LayerCache } from "./conv.js";
import { type AnyDense, type DenseCache, type DenseParams, gradsAsParams } from "./dense.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A layer's input per example: a size (dense) or a shape (image layers). @category model */
export type InOf<T> = T extends { readonly nIn: infer I extends number | Shape } ? Norm<I> : never;
/** A layer's output per example. @category model */
export type OutOf<T> = T extends { readonly nOut: infer O extends number | Shape } ? Norm<O> : never;
/** A shape as a mutable tuple (`readonly [28, 28, 1]` and `[28, 28, 1]` compare equal). */
type Norm<T> = T extends readonly unknown[] ? [...T] : T;
/** The batch of `M` examples a layer of layout `L` takes, for a size or a per-example shape. @category model */
export type BatchOf<L extends Layout, S, M extends Dim> = S extends number ? Batch<L, S, M> : S extends readonly Dim[] ? [M, ...S] : never;
/** Any layer a sequential chains: dense, or an image layer. @category model */
export type AnyLayer = AnyDense | AnyImageLayer;
/**
 * What `sequential` asks of each element's type: a layer's sizes, layout and description, and its
 * blocks present. Checked member by member, it stays cheap for long chains (the blocks' checked
 * signatures are not compared with `AnyLayer`'s); the chain check `CheckChain` does the rest, and
 * `sequential` checks at run time that each element is a layer.
 *
 * @category model
 */
export interface ChainLayer {
  readonly kind: AnyLayer["kind"];
  readonly nIn: number | Shape;
  readonly nOut: number | Shape;
  readonly layout: Layout;
  readonly architecture: LayerArchitecture;
  readonly init: unknown;
  readonly apply: unknown;
  readonly applyWithState?: unknown;
  readonly forward: unknown;
  readonly backward: unknown;
}
/** A layer's layout. @category model */
export type LayoutOf<T> = T extends { readonly layout: infer L extends Layout } ? L : never;
/** The last element of a tuple. @category model */
export type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer X] ? X : never;

/**
 * The chain's notion of a per-example shape: a width `n` (dense, flatten) is the shape `[n]`
 * (batch norm, reshape): in layout "rows" both are the batch `[m, n]`. Every link compares these.
 */
type PerExample<T> = T extends number ? [T] : T extends readonly unknown[] ? [...T] : never;
/** Both sides of a link as a message prints them, in one convention: widths (`32 inputs`, `64`) when both are widths, else shapes (`[64]`, `[128]`). */
type ShowLink<I, P> = [I, P] extends [infer A extends number, infer B extends number] ? [`${A} inputs`, `${B}`] : [ShowShape<PerExample<I>>, ShowShape<PerExample<P>>];
/** A layer other than dense takes rows only (image, batch-norm, flatten and reshape layers). */
type RowsOnly<T> = T extends { readonly kind: "dense" } ? false : true;
/** What a layout mismatch should add when a rows-only layer is involved. */
type LayoutHint<L, R0> = true extends RowsOnly<L> | R0 ? ` (every layer must share one layout: image and batch-norm layers take rows, so give the dense layers { layout: 'rows' })` : "";

/** The output size of each element's predecessor (`never` for the first). */
type PrevOut<Ls extends readonly unknown[]> = [never, ...{ [J in keyof Ls]: OutOf<Ls[J]> }];
/** The key of each element's predecessor. */
type PrevKey<Ls extends readonly unknown[]> = ["", ...{ [J in keyof Ls]: J }];

type LinkMessage<I, P, K extends string, PK> =
  ShowLink<I, P> extends [infer SI extends string, infer SP extends string] ? `sequential: layer ${K} takes ${SI} but layer ${PK & string} gives ${SP}` : never;

type Link<L, P, K extends string, PK, L0, R0> = [LayoutOf<L>] extends [L0]
  ? [PerExample<InOf<L>>] extends [PerExample<P>]
    ? [PerExample<P>] extends [PerExample<InOf<L>>]
      ? L
      : LinkMessage<InOf<L>, P, K, PK>
    : LinkMessage<InOf<L>, P, K, PK>
  : `sequential: layer ${K} has layout '${LayoutOf<L>}' but layer 0 has '${L0 & string}'${LayoutHint<L, R0>}`;

/**
 * The chain check: each element must take the previous element's output per example (a width
 * `n` and a shape `[n]` are the same) and share the first layer's layout; a wrong element's type
 * becomes the message.
 *
 * @category model
 */
export type CheckChain<Ls extends readonly unknown[]> = {
  [K in keyof Ls]: K extends "0" ? Ls[K] : Link<Ls[K], PrevOut<Ls>[K & keyof PrevOut<Ls>], K & string, PrevKey<Ls>[K & keyof PrevKey<Ls>], LayoutOf<Ls[0]>, RowsOnly<Ls[0]>>;
};

/**
 * A dense layer's sizes, layout and activation, as properties: `T extends DenseOf<infer I, …>`
 * reads them without inferring through `DenseLayer<…>` (which would measure that interface's
 * variance, costly with its checked methods).
 *
 * @category model
 */
export type DenseOf<I extends number, O extends number, L extends Layout, A extends ActivationName> = {
  readonly kind: "dense";
  readonly nIn: I;
  readonly nOut: O;
  readonly layout: L;
  readonly activation: A;
};

/** The parameters of a chain: one record per layer. @category model */
export type ParamsOf<Ls extends readonly unknown[]> = {
  -readonly [K in keyof Ls]: Ls[K] extends DenseOf<infer I, infer O, infer L, infer A> ? DenseParams<I, O, L, A> : Ls[K] extends { init(g: Rng, opts?: CreateOptions): infer P } ? P : never;
};

/** The caches of a chain's forward pass, one per layer. @category model */
export type CachesOf<Ls extends readonly unknown[], M extends Dim> = {
  -readonly [K in keyof Ls]: Ls[K] extends DenseOf<infer I, infer O, infer L, ActivationName> ? DenseCache<I, O, L, M> : LayerCache;
};

/**
 * The state of a chain's layers, one entry per layer: a batch-norm layer's running statistics
 * (`{ mean, variance }`), `{}` for a layer without state. A parameter tree, so `valueAndGradAux`
 * can return it.
 *
 * @category model
 */
export type LayerStates = readonly (BatchNormState | Readonly<Record<string, never>>)[];

/**
 * A checked chain of layers.
 *
 * @category model
 */
export interface Sequential<Ls extends readonly ChainLayer[]> {
  readonly layers: Ls;
  readonly nIn: InOf<Ls[0]>;
  readonly nOut: OutOf<Last<Ls>>;
  readonly layout: LayoutOf<Ls[0]>;
  /** What the network is, as JSON: its layers' descriptions (`buildModel` makes it again). */
  readonly architecture: SequentialArchitecture;
  /** Fresh parameters, one record per layer, each layer from its own fork of `g`. */
  init(g: Rng, opts?: CreateOptions): ParamsOf<Ls>;
  /** The network's output (under `grad` too). */
  apply<const S extends Shape>(
    params: ParamsOf<Ls>,
    X: Check<LayerBatch<"sequential.apply", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>, Tensor<S>>,
    ctx?: RunContext,
  ): Tensor<BatchOf<LayoutOf<Ls[0]>, OutOf<Last<Ls>>, BatchDim<LayerBatch<"sequential.apply", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>>>>;
  /**
   * `apply` (under `grad` too) that also gives every layer's new state: in training
   * (`ctx.training`), batch norm's new running statistics; `{}` elsewhere. `fit` trains with it
   * and puts the state into the new parameters with `withState`.
   */
  applyWithState<const S extends Shape>(
    params: ParamsOf<Ls>,
    X: Check<LayerBatch<"sequential.applyWithState", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>, Tensor<S>>,
    ctx?: RunContext,
  ): [Tensor<BatchOf<LayoutOf<Ls[0]>, OutOf<Last<Ls>>, BatchDim<LayerBatch<"sequential.applyWithState", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>>>>, LayerStates];
  /**
   * The parameters with each layer's state replaced by `states[k]` (from `applyWithState`): batch
   * norm's running statistics; other parameters are the same tensors. Pure: nothing is mutated.
   */
  withState(params: ParamsOf<Ls>, states: LayerStates): ParamsOf<Ls>;
  /** The forward blocks in turn: the output and every cache. */
  forward<const S extends Shape>(
    params: ParamsOf<Ls>,
    X: Check<LayerBatch<"sequential.forward", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>, Tensor<S>>,
    ctx?: RunContext,
  ): [
    Tensor<BatchOf<LayoutOf<Ls[0]>, OutOf<Last<Ls>>, BatchDim<LayerBatch<"sequential.forward", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>>>>,
    CachesOf<Ls, BatchDim<LayerBatch<"sequential.forward", "X", LayoutOf<Ls[0]>, InOf<Ls[0]>, S>>>,
  ];
  /** The backward blocks, last layer first: `dX` and the gradients in the parameters' structure. */
  backward<M extends Dim>(
    params: ParamsOf<Ls>,
    dA: Tensor<BatchOf<LayoutOf<Ls[0]>, OutOf<Last<Ls>>, M>>,
    caches: CachesOf<Ls, M>,
  ): { readonly dX: Tensor<BatchOf<LayoutOf<Ls[0]>, InOf<Ls[0]>, M>>; readonly grads: ParamsOf<Ls> };
  /**
   * The parameters with the running statistics of every batch-norm layer replaced by those its
   * training `forward` computed (found in `caches`); other layers' parameters are the same
   * tensors. Pure: nothing is mutated.
   */
  updateState<M extends Dim>(params: ParamsOf<Ls>, caches: CachesOf<Ls, M>): ParamsOf<Ls>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

type Untyped = {
  readonly kind?: string;
  init(g: Rng, opts?: CreateOptions): Record<string, Tensor>;
  apply(p: Record<string, Tensor>, a: Tensor, ctx?: RunContext): Tensor;
  applyWithState?(p: Record<string, Tensor>, a: Tensor, ctx?: RunContext): [Tensor, BatchNormState | undefined];
  forward(p: Record<string, Tensor>, a: Tensor, ctx?: RunContext): [Tensor, unknown];
  backward(p: Record<string, Tensor>, dA: Tensor, cache: unknown): Record<string, Tensor>;
  readonly nIn: number | readonly number[];
  readonly nOut: number | readonly number[];
  readonly layout: Layout;
  readonly architecture: LayerArchitecture;
};

/** The runtime twin of `PerExample`: a width `n` is the shape `[n]`. */
const perExample = (v: number | readonly number[]): readonly number[] => (typeof v === "number" ? [v] : v);
const sameIO = (a: number | readonly number[], b: number | readonly number[]): boolean => showShape(perExample(a)) === showShape(perExample(b));
/** The runtime twin of `LinkMessage`: widths when both sides are widths, else shapes. */
const linkMessage = (k: number, nIn: number | readonly number[], prev: number | readonly number[]): string =>
  typeof nIn === "number" && typeof prev === "number"
    ? `sequential: layer ${k} takes ${nIn} inputs but layer ${k - 1} gives ${prev}`
    : `sequential: layer ${k} takes ${showShape(perExample(nIn))} but layer ${k - 1} gives ${showShape(perExample(prev))}`;
/** The runtime twin of `LayoutHint`. */
const layoutHint = (l: Untyped, first: Untyped): string =>
  l.kind !== "dense" || first.kind !== "dense" ? " (every layer must share one layout: image and batch-norm layers take rows, so give the dense layers { layout: 'rows' })" : "";

/**
 * The backward blocks of `layers`, last first: `dX` and each layer's gradients in its parameters'
 * structure. A layer's refusal is rethrown under `fn` and the layer's name (`layer 2: dense.backward:
 * dA has shape …`), so that a message says which of several alike layers failed. `mlp` shares it.
 *
 * @internal
 */
export const backwardThrough = (
  fn: string,
  layers: readonly unknown[],
  p: readonly Record<string, Tensor>[],
  dA: Tensor,
  caches: unknown,
  layerName: (k: number) => string,
): { dX: Tensor; grads: Record<string, Tensor>[] } => {
  if (!Array.isArray(caches) || caches.length !== layers.length) throw new TypeError(`${fn}: argument 'caches' must be the ${layers.length} caches from forward`);
  const grads: Record<string, Tensor>[] = new Array(layers.length);
  let d = dA;
  for (let k = layers.length - 1; k >= 0; k--) {
    let g: Record<string, Tensor>;
    try {
      g = (layers[k] as Untyped).backward(p[k] as Record<string, Tensor>, d, caches[k]);
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(fn, `${layerName(k)}: ${e.message}`, { cause: e });
      if (e instanceof TypeError) throw new TypeError(`${fn}: ${layerName(k)}: ${e.message}`, { cause: e });
      throw e;
    }
    grads[k] = gradsAsParams(g);
    d = g.dA_prev as Tensor;
  }
  return { dX: d, grads };
};

/**
 * A network from a non-empty tuple of layers, checked at compile time (and at run time, for
 * untyped callers).
 *
 * @example
 * import { dense, rng, sequential, zeros } from "typegrad"
 * const net = sequential([dense(784, 128, { activation: "relu" }), dense(128, 10)])
 * const params = net.init(rng(0))
 * params[1].W // Tensor<[10, 128]>
 * net.apply(params, zeros([784, 32])) // Tensor<[10, 32]>
 * @category constructors
 */
export const sequential = <const Ls extends readonly ChainLayer[]>(layers: CheckChain<Ls>): Sequential<Ls> => {
  const ls = layers as unknown as readonly Untyped[];
  if (!Array.isArray(ls) || ls.length === 0) throw new TypeError("sequential: argument 'layers' must be a non-empty array of layers");
  ls.forEach((l, k) => {
    if (l === null || typeof l !== "object" || typeof l.forward !== "function" || typeof l.apply !== "function") throw new TypeError(`sequential: layer ${k} is not a layer`);
    const prev = ls[k - 1];
    const first = ls[0] as Untyped;
    if (l.layout !== first.layout) throw new TypeError(`sequential: layer ${k} has layout '${l.layout}' but layer 0 has '${first.layout}'${layoutHint(l, first)}`);
    if (prev !== undefined && !sameIO(prev.nOut, l.nIn)) throw new TypeError(linkMessage(k, l.nIn, prev.nOut));
  });
  const checkParams = (fn: string, ps: unknown): readonly Record<string, Tensor>[] => {
    if (!Array.isArray(ps) || ps.length !== ls.length) throw new TypeError(`sequential.${fn}: argument 'params' must be an array of ${ls.length} layer records (from init)`);
    return ps;
  };
  const withState = (fn: string, p: readonly Record<string, Tensor>[], states: unknown): readonly Record<string, Tensor>[] => {
    if (!Array.isArray(states) || states.length !== ls.length) throw new TypeError(`sequential.${fn}: argument 'states' must hold one state per layer (${ls.length}), from applyWithState`);
    return p.map((q, k) => {
      const st = states[k] as Partial<BatchNormState> | null;
      if (st === null || typeof st !== "object") throw new TypeError(`sequential.${fn}: the state of layer ${k} must be a record ({} for none)`);
      if (Object.keys(st).length === 0) return q;
      for (const n of ["mean", "variance"] as const) {
        const t = st[n];
        const old = q[n];
        if (!isTensor(t) || !isTensor(old) || showShape(t.shape) !== showShape(old.shape))
          throw new TypeError(`sequential.${fn}: the state of layer ${k} must be { mean, variance } shaped like the layer's ${old === undefined ? "(which has no state)" : showShape(old.shape)}`);
      }
      return { ...q, mean: st.mean as Tensor, variance: st.variance as Tensor };
    });
  };
  const forward = (ps: unknown, X: Tensor, ctx?: RunContext): [Tensor, unknown[]] => {
    const p = checkParams("forward", ps);
    const caches: unknown[] = [];
    let A = X;
    ls.forEach((l, k) => {
      const [a, c] = l.forward(p[k] as Record<string, Tensor>, A, ctx);
      caches.push(c);
      A = a;
    });
    return [A, caches];
  };
  const net = {
    layers,
    nIn: (ls[0] as Untyped).nIn,
    nOut: (ls[ls.length - 1] as Untyped).nOut,
    layout: (ls[0] as Untyped).layout,
    architecture: { kind: "sequential", layers: ls.map((l) => l.architecture) } satisfies SequentialArchitecture,
    init: (g: Rng, opts?: CreateOptions) => ls.map((l) => l.init(g.fork(), opts)),
    apply: (ps: unknown, X: Tensor, ctx?: RunContext) => {
      const p = checkParams("apply", ps);
      return ls.reduce((A, l, k) => l.apply(p[k] as Record<string, Tensor>, A, ctx), X);
    },
    forward,
    backward: (ps: unknown, dA: Tensor, caches: unknown) => backwardThrough("sequential.backward", ls, checkParams("backward", ps), dA, caches, (k) => `layer ${k}`),
    applyWithState: (ps: unknown, X: Tensor, ctx?: RunContext) => {
      const p = checkParams("applyWithState", ps);
      const states: (BatchNormState | Record<string, never>)[] = [];
      const A = ls.reduce((a, l, k) => {
        const q = p[k] as Record<string, Tensor>;
        if (l.applyWithState === undefined) {
          states.push({});
          return l.apply(q, a, ctx);
        }
        const [out, st] = l.applyWithState(q, a, ctx);
        states.push(st ?? {});
        return out;
      }, X);
      return [A, states];
    },
    withState: (ps: unknown, states: unknown) => withState("withState", checkParams("withState", ps), states),
    updateState: (ps: unknown, caches: unknown) => {
      const p = checkParams("updateState", ps);
      if (!Array.isArray(caches) || caches.length !== ls.length || caches.some((c) => c === null || typeof c !== "object"))
        throw new TypeError(`sequential.updateState: argument 'caches' must be the ${ls.length} caches from forward`);
      return withState(
        "updateState",
        p,
        caches.map((c) => (c as Partial<LayerCache>).state ?? {}),
      );
    },
  };
  return net as unknown as Sequential<Ls>;
};
