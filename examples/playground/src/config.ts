/**
 * The playground's whole state, as a plain record, and its URL form (`#data=spiral&layers=8,8&…`):
 * a link reproduces the setup, and with the seed the run, loss for loss. Parsing is total: a bad
 * or missing field falls back to its default and is reported, never thrown.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The data sets: the TensorFlow Playground's four classification and two regression sets, and multi-class ones. */
export const dataSets = ["circle", "xor", "gauss", "spiral", "spiral3", "spiral5", "blobs", "plane", "multigauss"] as const;
export type DataSet = (typeof dataSets)[number];

/** Input features, as in the TensorFlow Playground. */
export const featureNames = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"] as const;
export type FeatureName = (typeof featureNames)[number];

/** Hidden activations: the Playground's four and the course's others (seed 004), all typegrad's. */
export const activations = ["tanh", "relu", "sigmoid", "linear", "leakyRelu", "elu", "prelu", "rrelu"] as const;
export type Activation = (typeof activations)[number];

export const optimizers = ["sgd", "momentum", "rmsprop", "adam"] as const;
export type OptimizerName = (typeof optimizers)[number];

export const regularizations = ["none", "L1", "L2"] as const;
export type Regularization = (typeof regularizations)[number];

/** Online: one example per step; mini-batch: `batch` examples; full: the whole training set. */
export const regimes = ["online", "minibatch", "full"] as const;
export type Regime = (typeof regimes)[number];

export interface State {
  readonly data: DataSet;
  /** Classes of the `blobs` set (2–8). */
  readonly classes: number;
  /** Points in the data set (train + test). */
  readonly points: number;
  /** Noise, 0–50 (percent, as in the Playground). */
  readonly noise: number;
  /** Percentage of the points used for training, 10–90. */
  readonly trainRatio: number;
  readonly regime: Regime;
  /** Mini-batch size, 1–64. */
  readonly batch: number;
  readonly features: readonly FeatureName[];
  /** Hidden layer sizes, 0–6 layers of 1–8 neurons. */
  readonly layers: readonly number[];
  readonly activation: Activation;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly regularization: Regularization;
  readonly regRate: number;
  /** Seed of the data, the initial weights and the shuffling. */
  readonly seed: number;
  readonly discretize: boolean;
  readonly showTest: boolean;
}

export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;
export const learningRates = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;
export const regRates = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

export const defaults: State = {
  data: "circle",
  classes: 4,
  points: 500,
  noise: 0,
  trainRatio: 50,
  regime: "minibatch",
  batch: 10,
  features: ["x1", "x2"],
  layers: [4, 2],
  activation: "tanh",
  optimizer: "sgd",
  lr: 0.03,
  regularization: "none",
  regRate: 0,
  seed: 1,
  discretize: false,
  showTest: false,
};

/** Classification with one logit (two classes), with k logits (softmax), or regression. */
export type Problem = "binary" | "multiclass" | "regression";

export const problemOf = (data: DataSet): Problem =>
  data === "plane" || data === "multigauss" ? "regression" : data === "spiral3" || data === "spiral5" || data === "blobs" ? "multiclass" : "binary";

/** Number of classes (1 for regression). */
export const classesOf = (s: Pick<State, "data" | "classes">): number =>
  s.data === "spiral3" ? 3 : s.data === "spiral5" ? 5 : s.data === "blobs" ? s.classes : problemOf(s.data) === "binary" ? 2 : 1;

/** Output units: one logit for two classes and for regression, k logits otherwise. */
export const outputsOf = (s: Pick<State, "data" | "classes">): number => (problemOf(s.data) === "multiclass" ? classesOf(s) : 1);

/** Layer sizes of the network: inputs, hidden…, outputs. */
export const sizesOf = (s: State): number[] => [s.features.length, ...s.layers, outputsOf(s)];

/** Examples per step. */
export const batchOf = (s: State, trainSize: number): number => (s.regime === "online" ? 1 : s.regime === "full" ? trainSize : Math.min(s.batch, trainSize));

// -------------------------------------------------------------------------------------
// URL
// -------------------------------------------------------------------------------------

export interface Parsed {
  readonly state: State;
  /** What was ignored, one line per field (`layers: expected up to 6 sizes 1–8, got "9,x"`). */
  readonly problems: readonly string[];
}

const oneOf = <T extends string>(all: readonly T[], v: string): T | undefined => ((all as readonly string[]).includes(v) ? (v as T) : undefined);
const intIn =
  (lo: number, hi: number) =>
  (v: string): number | undefined => {
    const n = Number(v);
    return v.trim() !== "" && Number.isInteger(n) && n >= lo && n <= hi ? n : undefined;
  };
const numIn =
  (lo: number, hi: number) =>
  (v: string): number | undefined => {
    const n = Number(v);
    return v.trim() !== "" && Number.isFinite(n) && n >= lo && n <= hi ? n : undefined;
  };
const bool = (v: string): boolean | undefined => (v === "true" || v === "1" ? true : v === "false" || v === "0" ? false : undefined);

/** Each field: how to read it from text, and what it expects (for the report). */
const readers: { readonly [K in keyof State]: readonly [(v: string) => State[K] | undefined, string] } = {
  data: [(v) => oneOf(dataSets, v), `one of ${dataSets.join(", ")}`],
  classes: [intIn(2, 8), "an integer 2–8"],
  points: [intIn(20, 2000), "an integer 20–2000"],
  noise: [intIn(0, 50), "an integer 0–50"],
  trainRatio: [intIn(10, 90), "an integer 10–90"],
  regime: [(v) => oneOf(regimes, v), `one of ${regimes.join(", ")}`],
  batch: [intIn(1, 64), "an integer 1–64"],
  features: [
    (v) => {
      const fs = v === "" ? [] : v.split(",");
      return fs.length > 0 && fs.every((f) => oneOf(featureNames, f) !== undefined) && new Set(fs).size === fs.length ? featureNames.filter((f) => fs.includes(f)) : undefined;
    },
    `a non-empty comma list of ${featureNames.join(", ")}`,
  ],
  layers: [
    (v) => {
      const ls = v === "" ? [] : v.split(",").map(Number);
      return ls.length <= MAX_LAYERS && ls.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS) ? ls : undefined;
    },
    `up to ${MAX_LAYERS} comma-separated sizes 1–${MAX_NEURONS}`,
  ],
  activation: [(v) => oneOf(activations, v), `one of ${activations.join(", ")}`],
  optimizer: [(v) => oneOf(optimizers, v), `one of ${optimizers.join(", ")}`],
  lr: [numIn(1e-6, 10), "a number in [1e-6, 10]"],
  regularization: [(v) => oneOf(regularizations, v), `one of ${regularizations.join(", ")}`],
  regRate: [numIn(0, 10), "a number in [0, 10]"],
  seed: [intIn(0, 2 ** 31 - 1), "an integer 0–2147483647"],
  discretize: [bool, "true or false"],
  showTest: [bool, "true or false"],
};

const keys = Object.keys(defaults) as (keyof State)[];

/** The state of a URL hash or query (`#data=xor&lr=0.1`); unknown keys and bad values are reported. */
export const parseState = (hash: string): Parsed => {
  const params = new URLSearchParams(hash.replace(/^[#?]/, ""));
  const out: Record<string, unknown> = { ...defaults };
  const problems: string[] = [];
  for (const [k, v] of params) {
    if (!Object.hasOwn(readers, k)) {
      problems.push(`${k}: unknown setting`);
      continue;
    }
    const [read, expected] = readers[k as keyof State];
    const value = read(v);
    if (value === undefined) problems.push(`${k}: expected ${expected}, got ${JSON.stringify(v)}`);
    else out[k] = value;
  }
  return { state: out as unknown as State, problems };
};

const show = (v: State[keyof State]): string => (Array.isArray(v) ? v.join(",") : String(v));

/** The URL hash of a state (every field, in a fixed order, so equal states give equal links). */
export const stateToHash = (s: State): string => `#${keys.map((k) => `${k}=${encodeURIComponent(show(s[k])).replace(/%2C/g, ",")}`).join("&")}`;
