/**
 * Architectures at the boundary: the io-ts codec of a model's description (`Architecture`, in
 * the nn room), `modelFromArchitecture` that rebuilds a model from untrusted JSON as `Either`,
 * and `diffArchitecture` that says, one leaf per difference, how a stored architecture differs
 * from an expected one (`layer 2: has 64 units, expected 128`).
 *
 * Layers are numbered as their parameters are: from 1 in an `mlp` (`W1`, `b1` are layer 1's),
 * from 0 in a `sequential` (`params[0]`).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { type ActivationName, activationNames } from "../nn/activations.js";
import {
  type Architecture,
  allLayers,
  buildModel,
  type DenseArchitecture,
  type DescribedModel,
  isRecurrentArchitecture,
  type LayerArchitecture,
  type RecurrentModelArchitecture,
} from "../nn/architecture.js";
import { type InitName, initializers } from "../nn/init.js";
import type { BidirectionalArchitecture, RecurrentArchitecture } from "../nn/recurrent.js";
import { type DecodeError, type DecodeErrors, describeValue, fromValidationErrors, index, key, leaf, nonEmpty, toValidationErrors } from "./errors.js";
import { refine, struct } from "./struct.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The most layers an architecture may have (and sizes an `mlp`'s may list, less one).
 *
 * @example
 * import { MAX_LAYERS } from "typegrad"
 * MAX_LAYERS // 10000
 * @category model
 * @since 0.2.0
 */
export const MAX_LAYERS = 10_000;

const fromKeys = <K extends string>(name: string, keys: readonly K[]): t.Type<K> =>
  new t.Type<K>(
    name,
    (u): u is K => typeof u === "string" && (keys as readonly string[]).includes(u),
    (u, c) => (typeof u === "string" && (keys as readonly string[]).includes(u) ? t.success(u as K) : t.failure(u, c, `expected one of ${keys.join(", ")}, got ${describeValue(u)}`)),
    t.identity,
  );

const Units = refine("Units", (n) => Number.isSafeInteger(n) && n >= 1, "an integer ≥ 1");
const Rate = refine("Rate", (n) => n >= 0 && n < 1, "a probability in [0, 1)");
const Finite = refine("Finite", Number.isFinite, "a finite number");
const Activation = fromKeys<ActivationName>("Activation", activationNames);
const Plain = fromKeys<Exclude<ActivationName, "prelu">>(
  "Activation",
  activationNames.filter((a): a is Exclude<ActivationName, "prelu"> => a !== "prelu"),
);
const Layout = fromKeys("Layout", ["columns", "rows"] as const);
const Init = fromKeys<InitName>("Init", Object.keys(initializers) as InitName[]);
const Range: t.Type<readonly [number, number]> = new t.Type<readonly [number, number]>(
  "RreluRange",
  (u): u is readonly [number, number] => Array.isArray(u) && u.length === 2 && typeof u[0] === "number" && typeof u[1] === "number" && 0 <= u[0] && u[0] <= u[1] && u[1] < 1,
  (u, c) => (Range.is(u) ? t.success([u[0], u[1]] as const) : t.failure(u, c, `expected [lower, upper] with 0 ≤ lower ≤ upper < 1, got ${Array.isArray(u) ? JSON.stringify(u) : describeValue(u)}`)),
  t.identity,
);

const boundedArray = <A>(item: t.Type<A>, name: string, min: number): t.Type<readonly A[]> => {
  const arr = t.array(item);
  return new t.Type<readonly A[]>(
    name,
    (u): u is readonly A[] => Array.isArray(u) && u.length >= min && u.length <= MAX_LAYERS && u.every(item.is),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected an array, got ${describeValue(u)}`);
      if (u.length < min || u.length > MAX_LAYERS) return t.failure(u, c, `expected ${min} to ${MAX_LAYERS} entries, got ${u.length}`);
      return arr.validate(u, c);
    },
    t.identity,
  );
};

const DenseArch: t.Type<DenseArchitecture> = struct(
  "DenseArchitecture",
  { kind: t.literal("dense"), nIn: Units, nOut: Units, activation: Activation, layout: Layout, dropout: Rate },
  { init: Init, alpha: Finite, rreluRange: Range, alphaInit: Finite },
);

/** A tuple of `n` sizes (integers ≥ 1, or ≥ 0 with `zero`). */
const sizes = (name: string, n: number, zero = false): t.Type<readonly number[]> =>
  new t.Type<readonly number[]>(
    name,
    (u): u is readonly number[] => Array.isArray(u) && u.length === n && u.every((d) => Number.isSafeInteger(d) && d >= (zero ? 0 : 1)),
    (u, c) =>
      Array.isArray(u) && u.length === n && u.every((d) => Number.isSafeInteger(d) && d >= (zero ? 0 : 1))
        ? t.success([...u])
        : t.failure(u, c, `expected ${n} integers ≥ ${zero ? 0 : 1}, got ${Array.isArray(u) ? JSON.stringify(u) : describeValue(u)}`),
    t.identity,
  );
const Count = refine("Count", (n) => Number.isSafeInteger(n) && n >= 0, "an integer ≥ 0");
const PairOf = (name: string, item: t.Type<number>, zero: boolean) => t.union([item, sizes(name, 2, zero)], name) as unknown as t.Type<number | readonly [number, number]>;
const Stride = PairOf("Stride", Units, false);
const Padding = t.union([t.literal("valid"), t.literal("same"), PairOf("Padding", Count, true)], "Padding") as unknown as t.Type<"valid" | "same" | number | readonly [number, number]>;
const Shape = boundedArray(Units, "Shape", 1);
const Unit01 = refine("Momentum", (n) => n >= 0 && n <= 1, "a number in [0, 1]");
const Positive = refine("Epsilon", (n) => n > 0 && Number.isFinite(n), "a finite number > 0");

const imageArchs: Record<string, t.Type<LayerArchitecture>> = {
  conv2d: struct(
    "Conv2dLayerArchitecture",
    { kind: t.literal("conv2d"), inShape: sizes("ImageShape", 3), filters: Units, kernel: sizes("Kernel", 2), groups: Units, activation: Plain, dropout: Rate },
    { stride: Stride, padding: Padding, dilation: Stride, init: Init },
  ) as unknown as t.Type<LayerArchitecture>,
  maxPool2d: struct(
    "MaxPool2dLayerArchitecture",
    { kind: t.literal("maxPool2d"), inShape: sizes("ImageShape", 3), size: sizes("Window", 2) },
    { stride: Stride, padding: Padding },
  ) as unknown as t.Type<LayerArchitecture>,
  avgPool2d: struct(
    "AvgPool2dLayerArchitecture",
    { kind: t.literal("avgPool2d"), inShape: sizes("ImageShape", 3), size: sizes("Window", 2) },
    { stride: Stride, padding: Padding },
  ) as unknown as t.Type<LayerArchitecture>,
  globalAvgPool2d: struct("GlobalAvgPool2dLayerArchitecture", { kind: t.literal("globalAvgPool2d"), inShape: sizes("ImageShape", 3) }, {}) as unknown as t.Type<LayerArchitecture>,
  batchNorm: struct("BatchNormLayerArchitecture", { kind: t.literal("batchNorm"), inShape: Shape }, { momentum: Unit01, epsilon: Positive, activation: Plain }) as unknown as t.Type<LayerArchitecture>,
  flatten: struct("FlattenLayerArchitecture", { kind: t.literal("flatten"), inShape: Shape }, {}) as unknown as t.Type<LayerArchitecture>,
  reshape: struct("ReshapeLayerArchitecture", { kind: t.literal("reshape"), shape: Shape }, {}) as unknown as t.Type<LayerArchitecture>,
};

/** One layer of a sequential: dense or an image layer, by its `kind`. */
const LayerArch: t.Type<LayerArchitecture> = new t.Type<LayerArchitecture>(
  "LayerArchitecture",
  (u): u is LayerArchitecture => E.isRight(LayerArch.validate(u, [])),
  (u, c) => {
    const kind = u !== null && typeof u === "object" ? (u as { kind?: unknown }).kind : undefined;
    const codec = kind === "dense" ? DenseArch : typeof kind === "string" && Object.hasOwn(imageArchs, kind) ? imageArchs[kind] : undefined;
    if (codec === undefined)
      return t.failure(
        kind,
        [...c, { key: "kind", type: LayerArch, actual: kind }],
        `expected one of "dense", ${Object.keys(imageArchs)
          .map((k) => `"${k}"`)
          .join(", ")}, got ${describeValue(kind)}`,
      );
    return codec.validate(u, c);
  },
  t.identity,
);

const RecurrentArch: t.Type<RecurrentArchitecture> = struct(
  "RecurrentArchitecture",
  { kind: fromKeys("CellKind", ["rnn", "gru", "lstm"] as const), nIn: Units, nHidden: Units, returns: fromKeys("Returns", ["last", "sequence"] as const), reverse: t.boolean },
  {},
);
const BidirectionalArch: t.Type<BidirectionalArchitecture> = struct("BidirectionalArchitecture", { kind: t.literal("bidirectional"), layer: RecurrentArch }, {});
const RecurrentBody = new t.Type<RecurrentArchitecture | BidirectionalArchitecture>(
  "RecurrentBody",
  (u): u is RecurrentArchitecture | BidirectionalArchitecture => RecurrentArch.is(u) || BidirectionalArch.is(u),
  (u, c) => ((u as { kind?: unknown } | null)?.kind === "bidirectional" ? BidirectionalArch.validate(u, c) : RecurrentArch.validate(u, c)),
  t.identity,
);
const RecurrentNetArch = struct("RecurrentNetArchitecture", { kind: t.literal("recurrentNet"), body: RecurrentBody, head: DenseArch }, {});

const SequentialArch = struct("SequentialArchitecture", { kind: t.literal("sequential"), layers: boundedArray(LayerArch, "Layers", 1) }, {});

const MlpArch = struct(
  "MlpArchitecture",
  { kind: t.literal("mlp"), sizes: boundedArray(Units, "Sizes", 2), layout: Layout, hidden: Plain, output: Plain, dropout: Rate },
  { init: Init, alpha: Finite, rreluRange: Range },
);

/** A chain whose sizes or layouts do not line up: the errors, by layer. */
const chainErrors = (arch: Architecture): DecodeError[] => {
  if (arch.kind !== "sequential") return [];
  const out: DecodeError[] = [];
  arch.layers.forEach((l, k) => {
    // image layers' chains are checked when the model is built (their sizes are computed)
    if (l.kind !== "dense") return;
    const prev = arch.layers[k - 1];
    if (prev?.kind === "dense" && prev.nOut !== l.nIn) out.push(key("layers", [index(k, [key("nIn", [leaf(l.nIn, `layer ${k} takes ${l.nIn} inputs but layer ${k - 1} gives ${prev.nOut}`)])])]));
    const first = arch.layers[0] as DenseArchitecture;
    if (first.kind === "dense" && l.layout !== first.layout)
      out.push(key("layers", [index(k, [key("layout", [leaf(l.layout, `layer ${k} has layout "${l.layout}" but layer 0 has "${first.layout}"`)])])]));
  });
  return out;
};

/**
 * The io-ts codec of architectures: decoding checks every field (kinds, sizes ≥ 1, activation
 * and initialiser names, dropout in [0, 1), the chain of a `sequential`) and drops unknown keys.
 *
 * @example
 * import { ArchitectureCodec, draw, fromValidationErrors } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * E.isRight(ArchitectureCodec.decode({ kind: "mlp", sizes: [4, 2], layout: "columns", hidden: "relu", output: "linear", dropout: 0 })) // true
 * const r = ArchitectureCodec.decode({ kind: "mlp", sizes: [4, 0], layout: "columns", hidden: "relu", output: "linear", dropout: 0 })
 * E.isLeft(r) && draw(fromValidationErrors(r.left)) // "sizes: index 1: expected an integer ≥ 1, got 0"
 * @category model
 * @since 0.2.0
 */
export const ArchitectureCodec: t.Type<Architecture> = new t.Type<Architecture>(
  "Architecture",
  (u): u is Architecture => ArchitectureCodec.validate(u, [])._tag === "Right",
  (u, c) => {
    if (u === null || typeof u !== "object" || Array.isArray(u)) return t.failure(u, c, `expected an architecture object, got ${describeValue(u)}`);
    const kind = (u as { kind?: unknown }).kind;
    const codecs: Record<Architecture["kind"], t.Decoder<unknown, unknown>> = {
      dense: DenseArch,
      sequential: SequentialArch,
      mlp: MlpArch,
      rnn: RecurrentArch,
      gru: RecurrentArch,
      lstm: RecurrentArch,
      bidirectional: BidirectionalArch,
      recurrentNet: RecurrentNetArch,
    };
    const codec = typeof kind === "string" && Object.hasOwn(codecs, kind) ? codecs[kind as Architecture["kind"]] : undefined;
    if (codec === undefined)
      return t.failure(
        kind,
        [...c, { key: "kind", type: ArchitectureCodec, actual: kind }],
        `expected one of ${Object.keys(codecs)
          .map((k) => `"${k}"`)
          .join(", ")}, got ${describeValue(kind)}`,
      );
    const r = codec.validate(u, c);
    if (E.isLeft(r)) return r;
    const chain = chainErrors(r.right as Architecture);
    return chain.length === 0 ? t.success(r.right as Architecture) : t.failures(toValidationErrors(chain, c, ArchitectureCodec));
  },
  t.identity,
);

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The model an untrusted architecture describes (from a checkpoint, a file, a request), or every
 * reason it is not one, with a path to each bad field.
 *
 * @example
 * import { draw, mlp, modelFromArchitecture } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * E.isRight(modelFromArchitecture(mlp([4, 3, 2]).architecture)) // true (a 4 → 3 → 2 mlp)
 * const r = modelFromArchitecture({ kind: "mlp", sizes: [4, 0], layout: "columns", hidden: "relu", output: "linear", dropout: 0 })
 * E.isLeft(r) && draw(r.left) // "sizes: index 1: expected an integer ≥ 1, got 0"
 * @category constructors
 * @since 0.2.0
 */
export const modelFromArchitecture = (arch: unknown): E.Either<DecodeErrors, DescribedModel> => {
  const r = ArchitectureCodec.decode(arch);
  if (E.isLeft(r)) return E.left(nonEmpty(fromValidationErrors(r.left)) ?? [leaf(arch, "expected an architecture")]);
  try {
    return E.right(buildModel(r.right));
  } catch (e) {
    return E.left([leaf(arch, e instanceof Error ? e.message : String(e))]);
  }
};

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

const an = (kind: Architecture["kind"]): string =>
  ({ dense: "a dense layer", sequential: "a sequential", mlp: "an mlp", rnn: "an rnn", gru: "a gru", lstm: "an lstm", bidirectional: "a bidirectional layer", recurrentNet: "a recurrentNet" })[kind];

/** The differences of two recurrent layers, as leaf messages (`has 32 hidden units, expected 64`). */
const recurrentLayerDiffs = (a: RecurrentArchitecture, b: RecurrentArchitecture): DecodeError[] => {
  const out: DecodeError[] = [];
  if (a.kind !== b.kind) out.push(leaf(a.kind, `is ${an(a.kind)}, expected ${an(b.kind)}`));
  if (a.nIn !== b.nIn) out.push(leaf(a.nIn, `takes ${a.nIn} features, expected ${b.nIn}`));
  if (a.nHidden !== b.nHidden) out.push(leaf(a.nHidden, `has ${a.nHidden} hidden units, expected ${b.nHidden}`));
  if (a.returns !== b.returns) out.push(leaf(a.returns, `returns "${a.returns}", expected "${b.returns}"`));
  if (a.reverse !== b.reverse) out.push(leaf(a.reverse, `reverse is ${a.reverse}, expected ${b.reverse}`));
  return out;
};

/** The differences of two recurrent models: the layer, the pair's layer under `layer`, the body and head of a recurrentNet under `body` and `head`. */
const recurrentDiffs = (a: RecurrentModelArchitecture, b: RecurrentModelArchitecture): DecodeError[] => {
  const under = (k: string, ds: DecodeError[]): DecodeError[] => {
    const ne = nonEmpty(ds);
    return ne === undefined ? [] : [key(k, ne)];
  };
  if (a.kind === "recurrentNet" && b.kind === "recurrentNet") return [...under("body", recurrentDiffs(a.body, b.body)), ...under("head", layerDiffs(a.head, b.head, true))];
  if (a.kind === "bidirectional" && b.kind === "bidirectional") return under("layer", recurrentLayerDiffs(a.layer, b.layer));
  if (a.kind !== "bidirectional" && a.kind !== "recurrentNet" && b.kind !== "bidirectional" && b.kind !== "recurrentNet") return recurrentLayerDiffs(a, b);
  return [leaf(a.kind, `is ${an(a.kind)}, expected ${an(b.kind)}`)];
};
const sizesOf = (ls: readonly LayerArchitecture[]): string =>
  ls.every((l) => l.kind === "dense") ? `[${[(ls[0] as DenseArchitecture | undefined)?.nIn, ...ls.map((l) => (l as DenseArchitecture).nOut)].join(", ")}]` : `[${ls.map((l) => l.kind).join(", ")}]`;
/** An image layer's description without its initialiser's name (which does not change what loaded parameters compute). */
const described = (l: LayerArchitecture): string => {
  const { init: _init, ...rest } = l as LayerArchitecture & { init?: unknown };
  return JSON.stringify(rest);
};
const DEFAULT_ALPHA: Partial<Record<ActivationName, number>> = { leakyRelu: 0.01, elu: 1 };
const DEFAULT_RANGE: readonly [number, number] = [1 / 8, 1 / 3];

/** The differences of two dense layers, as leaf messages (`has 64 units, expected 128`). */
const layerDiffs = (a: DenseArchitecture, b: DenseArchitecture, first: boolean): DecodeError[] => {
  const out: DecodeError[] = [];
  if (first && a.nIn !== b.nIn) out.push(leaf(a.nIn, `takes ${a.nIn} inputs, expected ${b.nIn}`));
  if (a.nOut !== b.nOut) out.push(leaf(a.nOut, `has ${a.nOut} units, expected ${b.nOut}`));
  if (a.activation !== b.activation) out.push(leaf(a.activation, `activation is "${a.activation}", expected "${b.activation}"`));
  if (a.layout !== b.layout) out.push(leaf(a.layout, `layout is "${a.layout}", expected "${b.layout}"`));
  if (a.dropout !== b.dropout) out.push(leaf(a.dropout, `dropout is ${a.dropout}, expected ${b.dropout}`));
  if (a.activation === b.activation) {
    const dflt = DEFAULT_ALPHA[a.activation];
    const [x, y] = [a.alpha ?? dflt, b.alpha ?? dflt];
    if (dflt !== undefined && x !== y) out.push(leaf(x, `${a.activation} alpha is ${x}, expected ${y}`));
    if (a.activation === "rrelu") {
      const [p, q] = [a.rreluRange ?? DEFAULT_RANGE, b.rreluRange ?? DEFAULT_RANGE];
      if (p[0] !== q[0] || p[1] !== q[1]) out.push(leaf(p, `rreluRange is [${p.join(", ")}], expected [${q.join(", ")}]`));
    }
  }
  return out;
};

/**
 * How architecture `stored` differs from `expected`, one leaf per difference (an empty list when
 * they describe the same function): kinds, layer counts, and per layer its input size (first
 * layer), units, activation and its settings, layout and dropout. The initialiser is not
 * compared: it does not change what loaded parameters compute.
 *
 * @example
 * import { diffArchitecture, draw, mlp } from "typegrad"
 * diffArchitecture(mlp([4, 3, 2]).architecture, mlp([4, 3, 2]).architecture) // []
 * const diffs = diffArchitecture(mlp([4, 3, 2], { hidden: "tanh" }).architecture, mlp([4, 5, 2]).architecture)
 * draw(diffs) // 'layer 1: has 3 units, expected 5\nlayer 1: activation is "tanh", expected "relu"'
 * @category operations
 * @since 0.2.0
 */
export const diffArchitecture = (stored: Architecture, expected: Architecture): DecodeError[] => {
  if (isRecurrentArchitecture(stored) && isRecurrentArchitecture(expected)) return recurrentDiffs(stored, expected);
  if (isRecurrentArchitecture(stored) || isRecurrentArchitecture(expected)) return [leaf(stored.kind, `is ${an(stored.kind)}, expected ${an(expected.kind)}`)];
  const la = allLayers(stored);
  const lb = allLayers(expected);
  if (stored.kind !== expected.kind) return [leaf(stored.kind, `is ${an(stored.kind)} ${sizesOf(la)}, expected ${an(expected.kind)} ${sizesOf(lb)}`)];
  if (la.length !== lb.length) return [leaf(la.length, `has ${la.length} layers (sizes ${sizesOf(la)}), expected ${lb.length} (sizes ${sizesOf(lb)})`)];
  const base = stored.kind === "mlp" ? 1 : 0;
  const out: DecodeError[] = [];
  la.forEach((a, k) => {
    const b = lb[k] as LayerArchitecture;
    const d = a.kind === "dense" && b.kind === "dense" ? layerDiffs(a, b, k === 0) : described(a) === described(b) ? [] : [leaf(a.kind, `is ${described(a)}, expected ${described(b)}`)];
    const ne = nonEmpty(d);
    if (ne !== undefined) out.push(...(stored.kind === "dense" ? ne : [key(`layer ${k + base}`, ne)]));
  });
  return out;
};
