/**
 * Architecture as data: every model of this room (`dense`, `sequential`, `mlp`) carries an
 * `architecture`, a plain JSON value holding everything its constructor was given (layer kinds,
 * sizes, activations and their settings, layout, dropout, the initialiser's name), so a
 * checkpoint can store it and `buildModel` can make the same model again:
 *
 * ```
 * mlp([784, 128, 10]).architecture
 * // { kind: "mlp", sizes: [784, 128, 10], layout: "columns", hidden: "relu", output: "linear", dropout: 0 }
 * sequential([dense(784, 128, { activation: "relu" }), dense(128, 10)]).architecture
 * // { kind: "sequential", layers: [{ kind: "dense", nIn: 784, nOut: 128, activation: "relu", layout: "columns", dropout: 0, init: "he" }, …] }
 * ```
 *
 * An initialiser given as a function cannot be stored: the description then has no `init`, and
 * the rebuilt model draws fresh weights with the default (loaded weights are unaffected).
 * Untrusted descriptions are decoded by `modelFromArchitecture` (in the codec room), which
 * returns `Either`; `buildModel` here trusts its argument.
 *
 * @module
 */
import type { Params } from "../autodiff/tree.js";
import type { Layout } from "../shape/layout.js";
import type { CreateOptions } from "../tensor/create.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ActivationName, RunContext } from "./activations.js";
import { avgPool2dLayer, batchNormLayer, conv2dLayer, flattenLayer, globalAvgPool2dLayer, maxPool2dLayer, reshapeLayer } from "./conv.js";
import { dense } from "./dense.js";
import type { InitName } from "./init.js";
import { mlp } from "./mlp.js";
import { type BidirectionalArchitecture, bidirectional, type RecurrentArchitecture, recurrentFrom, recurrentNet } from "./recurrent.js";
import { sequential } from "./sequential.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A dense layer's description: the arguments of `dense(nIn, nOut, opts)`.
 *
 * @example
 * dense(784, 128, { activation: "relu" }).architecture
 * // { kind: "dense", nIn: 784, nOut: 128, activation: "relu", layout: "columns", dropout: 0, init: "he" }
 * @category model
 */
export interface DenseArchitecture {
  readonly kind: "dense";
  readonly nIn: number;
  readonly nOut: number;
  readonly activation: ActivationName;
  readonly layout: Layout;
  /** Drop probability when training (0: none). */
  readonly dropout: number;
  /** The initialiser's name (absent when it was a function). */
  readonly init?: InitName;
  /** Leaky ReLU's slope or ELU's α, when given. */
  readonly alpha?: number;
  /** RReLU's slope range, when given. */
  readonly rreluRange?: readonly [number, number];
  /** PReLU's initial α, when given. */
  readonly alphaInit?: number;
}

/**
 * A `sequential` network's description: its layers', in order.
 *
 * @example
 * sequential([dense(4, 3), dense(3, 2)]).architecture.layers.length // 2
 * @category model
 */
export interface SequentialArchitecture {
  readonly kind: "sequential";
  readonly layers: readonly LayerArchitecture[];
}

/**
 * An `mlp`'s description: the arguments of `mlp(sizes, opts)`.
 *
 * @example
 * mlp([784, 128, 10], { hidden: "tanh" }).architecture
 * // { kind: "mlp", sizes: [784, 128, 10], layout: "columns", hidden: "tanh", output: "linear", dropout: 0 }
 * @category model
 */
export interface MlpArchitecture {
  readonly kind: "mlp";
  readonly sizes: readonly number[];
  readonly layout: Layout;
  readonly hidden: Exclude<ActivationName, "prelu">;
  readonly output: Exclude<ActivationName, "prelu">;
  /** Dropout after each hidden layer when training (0: none). */
  readonly dropout: number;
  /** The initialiser's name, when one was given by name. */
  readonly init?: InitName;
  readonly alpha?: number;
  readonly rreluRange?: readonly [number, number];
}

/**
 * A `recurrentNet`'s description: its recurrent body (a layer or a bidirectional pair) and its
 * dense head.
 *
 * @example
 * recurrentNet(lstm(28, 64), dense(64, 10, { layout: "rows" })).architecture
 * // { kind: "recurrentNet", body: { kind: "lstm", nIn: 28, nHidden: 64, returns: "last", reverse: false }, head: { kind: "dense", … } }
 * @category model
 */
export interface RecurrentNetArchitecture {
  readonly kind: "recurrentNet";
  readonly body: RecurrentArchitecture | BidirectionalArchitecture;
  readonly head: DenseArchitecture;
}

/**
 * What a model says it is: a plain JSON value from which `buildModel` makes the same model.
 *
 * @example
 * const arch: Architecture = mlp([4, 3, 2]).architecture
 * JSON.parse(JSON.stringify(arch)) // the same value
 * @category model
 */
export type Architecture = DenseArchitecture | SequentialArchitecture | MlpArchitecture | RecurrentArchitecture | BidirectionalArchitecture | RecurrentNetArchitecture;

/** The recurrent architectures: a layer, a bidirectional pair, a recurrent body with a dense head. @category model */
export type RecurrentModelArchitecture = RecurrentArchitecture | BidirectionalArchitecture | RecurrentNetArchitecture;

/**
 * Whether an architecture is a recurrent one (`rnn`, `gru`, `lstm`, `bidirectional`, `recurrentNet`).
 *
 * @example
 * import { isRecurrentArchitecture, lstm, mlp } from "typegrad"
 * isRecurrentArchitecture(lstm(3, 4).architecture) // true
 * isRecurrentArchitecture(mlp([3, 4]).architecture) // false
 * @category operations
 */
export const isRecurrentArchitecture = (arch: Architecture): arch is RecurrentModelArchitecture =>
  arch.kind === "rnn" || arch.kind === "gru" || arch.kind === "lstm" || arch.kind === "bidirectional" || arch.kind === "recurrentNet";

/**
 * A convolution layer as data (`conv2dLayer`'s arguments).
 *
 * @example
 * conv2dLayer([28, 28, 1], 6, 5, { activation: "relu" }).architecture
 * // { kind: "conv2d", inShape: [28, 28, 1], filters: 6, kernel: [5, 5], groups: 1, activation: "relu", dropout: 0, init: "he" }
 * @category model
 */
export interface Conv2dLayerArchitecture {
  readonly kind: "conv2d";
  readonly inShape: readonly [number, number, number];
  readonly filters: number;
  readonly kernel: readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: "valid" | "same" | number | readonly [number, number];
  readonly dilation?: number | readonly [number, number];
  readonly groups: number;
  readonly activation: Exclude<ActivationName, "prelu">;
  readonly dropout: number;
  readonly init?: InitName;
}

/** A max- or average-pooling layer as data. @category model */
export interface MaxPool2dLayerArchitecture {
  readonly kind: "maxPool2d" | "avgPool2d";
  readonly inShape: readonly [number, number, number];
  readonly size: readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: "valid" | "same" | number | readonly [number, number];
}

/** A global average-pooling layer as data. @category model */
export interface GlobalAvgPool2dLayerArchitecture {
  readonly kind: "globalAvgPool2d";
  readonly inShape: readonly [number, number, number];
}

/** A batch-norm layer as data. @category model */
export interface BatchNormLayerArchitecture {
  readonly kind: "batchNorm";
  readonly inShape: readonly number[];
  readonly momentum?: number;
  readonly epsilon?: number;
  readonly activation?: Exclude<ActivationName, "prelu">;
}

/** A flatten layer (`flattenLayer(inShape)`) or a reshape layer (`reshapeLayer(shape)`) as data. @category model */
export type ReshapingLayerArchitecture = { readonly kind: "flatten"; readonly inShape: readonly number[] } | { readonly kind: "reshape"; readonly shape: readonly number[] };

/** One layer of a `sequential` as data: dense, or one of the image layers. @category model */
export type LayerArchitecture = DenseArchitecture | Conv2dLayerArchitecture | MaxPool2dLayerArchitecture | GlobalAvgPool2dLayerArchitecture | BatchNormLayerArchitecture | ReshapingLayerArchitecture;

/**
 * A model that describes itself: an architecture, fresh parameters, a forward pass. `dense`,
 * `sequential` and `mlp` models are all of this type.
 *
 * @example
 * const m: DescribedModel = mlp([4, 3, 2])
 * @category model
 */
export interface DescribedModel<P extends Params = Params> extends Describable<P> {
  apply(params: P, X: Tensor, ctx?: RunContext): Tensor;
}

/**
 * What checkpoints need of a model: its description and its parameters' structure (`init`).
 * Every model of typegrad is one, the recurrent ones included (whose `apply` takes time-major
 * sequences, so they are not `DescribedModel`s).
 *
 * @example
 * const m: Describable = recurrentNet(lstm(28, 64), dense(64, 10, { layout: "rows" }))
 * @category model
 */
export interface Describable<P extends Params = Params> {
  readonly architecture: Architecture;
  init(g: Rng, opts?: CreateOptions): P;
}

/**
 * The parameter type of a model: `MlpParams<[784, 128, 10]>` for `mlp([784, 128, 10])`.
 *
 * @example
 * type P = ParamsOfModel<Mlp<[4, 3, 2]>> // MlpParams<[4, 3, 2]>
 * @category model
 */
export type ParamsOfModel<M> = M extends { init(g: Rng, opts?: CreateOptions): infer P extends Params } ? P : never;

/**
 * Where a model's parameters are: their names (as `namedLeaves` names them, in its order) and
 * shapes, and how to put named tensors back into the model's parameter structure.
 *
 * @example
 * const { specs, build } = paramLayout(mlp([4, 3, 2]).architecture)
 * build({ W1, b1, W2, b2 }) // { W1, b1, W2, b2 }, in the order init gives them
 * @category model
 */
export interface ParamLayout {
  readonly specs: readonly (readonly [string, readonly number[]])[];
  /** The params tree from tensors by name (every name of `specs` must be there). */
  build(byName: Readonly<Record<string, Tensor>>): Params;
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const withSettings = (a: { readonly alpha?: number | undefined; readonly rreluRange?: readonly [number, number] | undefined }) => ({
  ...(a.alpha === undefined ? {} : { alpha: a.alpha }),
  ...(a.rreluRange === undefined ? {} : { rreluRange: a.rreluRange }),
});

/**
 * The dense layers an architecture amounts to, first to last (an `mlp`'s made explicit); a
 * `TypeError` for a sequential with image layers (see `allLayers`).
 *
 * @example
 * import { architectureLayers, mlp } from "typegrad"
 * architectureLayers(mlp([4, 3, 2]).architecture).map((l) => [l.nIn, l.nOut, l.activation]) // [[4, 3, "relu"], [3, 2, "linear"]]
 * @category operations
 */
export const architectureLayers = (arch: Architecture): readonly DenseArchitecture[] => {
  const ls = allLayers(arch);
  const image = ls.find((l) => l.kind !== "dense");
  if (image !== undefined) throw new TypeError(`architectureLayers: the model has a '${image.kind}' layer; only dense networks are lists of dense layers`);
  return ls as readonly DenseArchitecture[];
};

/**
 * Every layer an architecture amounts to, first to last: dense and image layers.
 *
 * @example
 * import { allLayers, conv2dLayer, flattenLayer, dense, sequential } from "typegrad"
 * allLayers(sequential([conv2dLayer([8, 8, 1], 4, 3), flattenLayer([6, 6, 4]), dense(144, 10, { layout: "rows" })]).architecture).map((l) => l.kind) // ["conv2d", "flatten", "dense"]
 * @category operations
 */
export const allLayers = (arch: Architecture): readonly LayerArchitecture[] => {
  if (isRecurrentArchitecture(arch))
    throw new TypeError(`allLayers: the model is ${arch.kind === "recurrentNet" ? "a recurrentNet" : `a recurrent layer (${arch.kind})`}, not a chain of dense and image layers`);
  switch (arch.kind) {
    case "dense":
      return [arch];
    case "sequential":
      return arch.layers;
    case "mlp": {
      const n = arch.sizes.length - 1;
      return Array.from({ length: n }, (_, k) => ({
        kind: "dense" as const,
        nIn: arch.sizes[k] as number,
        nOut: arch.sizes[k + 1] as number,
        activation: k === n - 1 ? arch.output : arch.hidden,
        layout: arch.layout,
        dropout: k === n - 1 ? 0 : arch.dropout,
        ...(arch.init === undefined ? {} : { init: arch.init }),
        ...withSettings(arch),
      }));
    }
  }
};

/** The parameters of one layer of a sequential: names and shapes. */
const layerShapes = (l: LayerArchitecture): [string, number[]][] => {
  switch (l.kind) {
    case "dense":
      return denseShapes(l);
    case "conv2d":
      return [
        ["W", [l.kernel[0], l.kernel[1], l.inShape[2] / l.groups, l.filters]],
        ["b", [l.filters]],
      ];
    case "batchNorm": {
      const C = l.inShape[l.inShape.length - 1] as number;
      return [
        ["gamma", [C]],
        ["beta", [C]],
        ["mean", [C]],
        ["variance", [C]],
      ];
    }
    default:
      return [];
  }
};

const denseShapes = (l: DenseArchitecture): [string, number[]][] => {
  const rows = l.layout === "rows";
  const bias = rows ? [1, l.nOut] : [l.nOut, 1];
  const out: [string, number[]][] = [
    ["W", rows ? [l.nIn, l.nOut] : [l.nOut, l.nIn]],
    ["b", bias],
  ];
  if (l.activation === "prelu") out.push(["alpha", bias]);
  return out;
};

const GATES = { rnn: 1, gru: 3, lstm: 4 } as const;

/** The parameters of a recurrent model, named as `namedLeaves` names them (`W`, `forward.W`, `body.W`, `head.b`), in `init`'s order. */
const recurrentShapes = (a: RecurrentModelArchitecture): [string, number[]][] => {
  const under = (prefix: string, xs: [string, number[]][]): [string, number[]][] => xs.map(([n, sh]) => [`${prefix}.${n}`, sh]);
  switch (a.kind) {
    case "bidirectional":
      return [...under("forward", recurrentShapes(a.layer)), ...under("backward", recurrentShapes(a.layer))];
    case "recurrentNet":
      return [...under("body", recurrentShapes(a.body)), ...under("head", denseShapes(a.head))];
    default: {
      const G = GATES[a.kind] * a.nHidden;
      const out: [string, number[]][] = [
        ["W", [a.nIn, G]],
        ["U", [a.nHidden, G]],
        ["b", [1, G]],
      ];
      if (a.kind === "gru") out.push(["bh", [1, G]]);
      return out;
    }
  }
};

/** Records nested by the dots of the names (`body.W` → `{ body: { W } }`), in order. */
const nested = (pairs: readonly (readonly [string, Tensor])[]): Params => {
  const root: Record<string, unknown> = {};
  for (const [name, x] of pairs) {
    const path = name.split(".");
    let at = root;
    for (const k of path.slice(0, -1)) {
      if (!Object.hasOwn(at, k)) at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    at[path[path.length - 1] as string] = x;
  }
  return root as Params;
};

/**
 * The parameter names and shapes of an architecture's model, and how to rebuild its params tree
 * from tensors by name: `W1`, `b1`, … for an `mlp`, `[0].W`, `[0].b`, … for a `sequential`.
 *
 * @example
 * paramLayout(mlp([4, 3, 2]).architecture).specs // [["W1", [3, 4]], ["b1", [3, 1]], ["W2", [2, 3]], ["b2", [2, 1]]]
 * @category operations
 */
export const paramLayout = (arch: Architecture): ParamLayout => {
  const pick = (byName: Readonly<Record<string, Tensor>>, name: string): Tensor => {
    const x = byName[name];
    if (x === undefined) throw new TypeError(`paramLayout: no tensor named '${name}'`);
    return x;
  };
  switch (arch.kind) {
    case "dense": {
      const specs = denseShapes(arch);
      return { specs, build: (byName) => Object.fromEntries(specs.map(([n]) => [n, pick(byName, n)])) };
    }
    case "sequential": {
      const per = arch.layers.map(layerShapes);
      return {
        specs: per.flatMap((s, k) => s.map(([n, shape]) => [`[${k}].${n}`, shape] as const)),
        build: (byName) => per.map((s, k) => Object.fromEntries(s.map(([n]) => [n, pick(byName, `[${k}].${n}`)]))),
      };
    }
    case "rnn":
    case "gru":
    case "lstm":
    case "bidirectional":
    case "recurrentNet": {
      const specs = recurrentShapes(arch);
      return { specs, build: (byName) => nested(specs.map(([n]) => [n, pick(byName, n)])) };
    }
    case "mlp": {
      const specs = architectureLayers(arch).flatMap((l, k) =>
        denseShapes(l)
          .filter(([n]) => n !== "alpha")
          .map(([n, shape]) => [`${n}${k + 1}`, shape] as const),
      );
      return { specs, build: (byName) => Object.fromEntries(specs.map(([n]) => [n, pick(byName, n)])) };
    }
  }
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const denseFrom = (l: DenseArchitecture) =>
  dense(l.nIn, l.nOut, {
    activation: l.activation,
    layout: l.layout,
    dropout: l.dropout,
    ...(l.init === undefined ? {} : { init: l.init }),
    ...(l.alphaInit === undefined ? {} : { alphaInit: l.alphaInit }),
    ...withSettings(l),
  });

/** One layer of a sequential from its description. */
const layerFrom = (l: LayerArchitecture): unknown => {
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as { [P in K]: V }));
  switch (l.kind) {
    case "dense":
      return denseFrom(l);
    case "conv2d":
      return conv2dLayer(l.inShape, l.filters, l.kernel as never, {
        groups: l.groups,
        activation: l.activation,
        dropout: l.dropout,
        ...opt("stride", l.stride),
        ...opt("padding", l.padding),
        ...opt("dilation", l.dilation),
        ...opt("init", l.init),
      });
    case "maxPool2d":
      return maxPool2dLayer(l.inShape, l.size as never, { ...opt("stride", l.stride), ...opt("padding", l.padding) });
    case "avgPool2d":
      return avgPool2dLayer(l.inShape, l.size as never, { ...opt("stride", l.stride), ...opt("padding", l.padding) });
    case "globalAvgPool2d":
      return globalAvgPool2dLayer(l.inShape);
    case "batchNorm":
      return batchNormLayer(l.inShape, { ...opt("momentum", l.momentum), ...opt("epsilon", l.epsilon), ...opt("activation", l.activation) });
    case "flatten":
      return flattenLayer(l.inShape);
    case "reshape":
      return reshapeLayer(l.shape);
  }
};

/**
 * The model an architecture describes (trusted input: the constructors' own checks throw; use
 * `modelFromArchitecture` for untrusted JSON). Its `architecture` equals `arch`.
 *
 * @example
 * const net = buildModel(mlp([4, 3, 2]).architecture) // a 4 → 3 → 2 mlp
 * net.apply(net.init(rng(0)), X) // X: Tensor<[4, "m"]>
 * @category constructors
 */
export const buildModel = (arch: Architecture): DescribedModel => {
  switch (arch.kind) {
    case "dense":
      return denseFrom(arch) as unknown as DescribedModel;
    case "sequential":
      return sequential(arch.layers.map(layerFrom) as never) as unknown as DescribedModel;
    case "rnn":
    case "gru":
    case "lstm":
      return recurrentFrom(arch) as unknown as DescribedModel;
    case "bidirectional":
      return bidirectional(recurrentFrom(arch.layer) as never) as unknown as DescribedModel;
    case "recurrentNet":
      return recurrentNet(
        (arch.body.kind === "bidirectional" ? bidirectional(recurrentFrom(arch.body.layer) as never) : recurrentFrom(arch.body)) as never,
        denseFrom(arch.head) as never,
      ) as unknown as DescribedModel;
    case "mlp":
      return mlp(arch.sizes, {
        layout: arch.layout,
        hidden: arch.hidden,
        output: arch.output,
        dropout: arch.dropout,
        ...(arch.init === undefined ? {} : { init: arch.init }),
        ...withSettings(arch),
      }) as unknown as DescribedModel;
  }
};
