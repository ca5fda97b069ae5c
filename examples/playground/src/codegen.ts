/**
 * The code panel: the current network as a typed typegrad program that compiles as is (strict
 * TypeScript) and, run with `npx tsx`, trains the same network on the same data in the same
 * order as the page, with every shape in the types (`Tensor<[4, 250]>`, `dense(4, 8)`…).
 *
 * @module
 */
import { batchOf, classesOf, type DataSet, type FeatureName, outputsOf, problemOf, type State, sizesOf, stateToHash } from "./config.js";
import { DOMAIN } from "./data.js";

const featureExpr: Record<FeatureName, string> = {
  x1: "a",
  x2: "b",
  x1sq: "a * a",
  x2sq: "b * b",
  x1x2: "a * b",
  sinx1: "Math.sin(a)",
  sinx2: "Math.sin(b)",
};

/** A number as TypeScript source (exact: the shortest text that reads back to the same double). */
const num = (x: number): string => (Object.is(x, -0) ? "0" : String(x));

/** The statement that draws the points (`xs` scaled coordinates, `ys` targets) from `g`; mirrors `allPoints`. */
const dataCode = (s: State): { imports: string[]; code: string } => {
  const m = s.points;
  const n = s.noise / 100;
  const toy = (call: string, scale: number, fn: string): { imports: string[]; code: string } => ({
    imports: [fn, "labels", "toTensors"],
    code: [
      `const toy = ${call};`,
      `const raw = toFlat(toTensors(toy, "rows", { dtype: "float64" }).X); // [x1, x2, x1, x2, …]`,
      `const xs = Array.from(raw, (v) => v * ${num(scale)});`,
      "const ys = labels(toy);",
    ].join("\n"),
  });
  const regression = (f: string): { imports: string[]; code: string } => ({
    imports: [],
    code: [
      `const xs: number[] = [];`,
      `const ys: number[] = [];`,
      `for (let i = 0; i < ${m}; i++) {`,
      `  const a = ${DOMAIN} * (2 * g.uniform() - 1);`,
      `  const b = ${DOMAIN} * (2 * g.uniform() - 1);`,
      `  xs.push(a + ${num(n * 0.1 * DOMAIN)} * g.normal(), b + ${num(n * 0.1 * DOMAIN)} * g.normal());`,
      `  ys.push(Math.max(-1, Math.min(1, ${f})));`,
      "}",
    ].join("\n"),
  });
  const sets: Record<DataSet, () => { imports: string[]; code: string }> = {
    circle: () => toy(`circles(g, { m: ${m}, noise: ${num(n * 0.5)}, factor: 0.5 })`, 5, "circles"),
    xor: () => toy(`xor(g, { m: ${m}, noise: ${num(n * 0.5)}, margin: 0.06 })`, 5, "xor"),
    gauss: () => toy(`gaussianClusters(g, { m: ${m}, noise: ${num(0.6 + 3 * n)} })`, 1, "gaussianClusters"),
    spiral: () => toy(`spiral(g, { m: ${m}, classes: 2, noise: ${num(n * 0.3)}, turns: 1.75 })`, 5.5, "spiral"),
    spiral3: () => toy(`spiral(g, { m: ${m}, classes: 3, noise: ${num(n * 0.3)}, turns: 1.25 })`, 5.5, "spiral"),
    spiral5: () => toy(`spiral(g, { m: ${m}, classes: 5, noise: ${num(n * 0.3)}, turns: 1 })`, 5.5, "spiral"),
    blobs: () => toy(`makeBlobs(g, { m: ${m}, centers: ${classesOf(s)}, features: 2, std: ${num(0.6 + 3 * n)}, box: [-4, 4] })`, 1, "makeBlobs"),
    plane: () => regression(`(a + b) / ${2 * DOMAIN}`),
    multigauss: () =>
      regression(
        "[[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]].reduce((acc, [cx, cy, sign]) => acc + (sign as number) * Math.exp(-((a - (cx as number)) ** 2 + (b - (cy as number)) ** 2) / 3), 0)",
      ),
  };
  return sets[s.data]();
};

const optimizerCode = (s: State): { name: string; call: string } =>
  s.optimizer === "adam"
    ? { name: "adam", call: `adam(${num(s.lr)})` }
    : s.optimizer === "rmsprop"
      ? { name: "rmsprop", call: `rmsprop(${num(s.lr)})` }
      : s.optimizer === "momentum"
        ? { name: "momentum", call: `momentum(${num(s.lr)})` }
        : { name: "gd", call: `gd(${num(s.lr)})` };

/** The program of a state; `epochs` passes over the training set. */
export const program = (s: State, epochs = 100): string => {
  const sizes = sizesOf(s);
  const F = s.features.length;
  const O = outputsOf(s);
  const m = s.points;
  const nTrain = Math.max(1, Math.min(m - 1, Math.round((m * s.trainRatio) / 100)));
  const nTest = m - nTrain;
  const problem = problemOf(s.data);
  const cost = problem === "binary" ? "logLossFromLogits" : problem === "multiclass" ? "softmaxCrossEntropy" : "mse";
  const data = dataCode(s);
  const opt = optimizerCode(s);
  const b = batchOf(s, nTrain);
  const layers = sizes.slice(1).map((n, k) => (k === sizes.length - 2 ? `dense(${sizes[k]}, ${n})` : `dense(${sizes[k]}, ${n}, { activation: "${s.activation}" })`));
  const reg = s.regularization !== "none" && s.regRate !== 0;
  const imports = new Set<string>(["dense", "fromArray", "permutation", "rng", "sequential", "toFlat", "trainStep", "type Tensor", cost, opt.name, ...data.imports]);
  if (reg) for (const i of ["add", "mul", s.regularization === "L1" ? "abs" : "square", "sum"]) imports.add(i);
  const sorted = [...imports].sort((x, y) => x.replace("type ", "").localeCompare(y.replace("type ", "")));
  const target = O === 1 ? "out[j] = ys[i] as number;" : "out[(ys[i] as number) * idx.length + j] = 1;";
  const penalty = reg
    ? `\n/** ${s.regularization} penalty on the weights: ${s.regularization === "L1" ? `${num(s.regRate)} · Σ|W|` : `${num(s.regRate)}/2 · Σ W²`}. */\nconst regularizer = (p: typeof params) => mul(${sizes
        .slice(1)
        .map((_, k) => `sum(${s.regularization === "L1" ? "abs" : "square"}(p[${k}].W))`)
        .reduce((a, x) => `add(${a}, ${x})`)}, ${num(s.regularization === "L1" ? s.regRate : s.regRate / 2)});\n`
    : "";
  const stepOpts = `{ ctx: { training: true, rng: noise }${reg ? ", regularizer" : ""} }`;
  const loop =
    b >= nTrain
      ? [`  // full batch: every training example each step`, `  ({ params, state } = trainStep(net, ${cost}, optimizer, params, state, Xtrain, Ytrain, ${stepOpts}));`]
      : [
          `  // ${s.regime === "online" ? "online: one example per step" : `mini-batches of ${b}`}, in a new order each epoch`,
          `  for (let i = 0; i < ${nTrain}; i += ${b}) {`,
          `    const idx = order.slice(i, i + ${b}).map((k) => train[k] as number);`,
          `    ({ params, state } = trainStep(net, ${cost}, optimizer, params, state, features(idx), targets(idx), ${stepOpts}));`,
          "  }",
          `  order = permutation(shuffle, ${nTrain});`,
        ];
  return `/**
 * The typegrad playground's network as a program: ${sizes.join(" → ")} (${s.layers.length === 0 ? "no hidden layer" : `${s.activation} hidden layers`}), ${cost}, ${opt.call}.
 * Setup: ${stateToHash(s)}
 * Run: npx tsx playground.ts
 */
import { ${sorted.join(", ")} } from "typegrad";

// the data: ${m} points of "${s.data}" drawn from rng(${s.seed}), ${nTrain} for training, ${nTest} for testing
const g = rng(${s.seed});
${data.code}
const split = permutation(g, ${m});
const train = split.slice(0, ${nTrain});
const test = split.slice(${nTrain});

/** The features ${s.features.join(", ")} of points \`idx\`, one column per point. */
const features = (idx: readonly number[]): Tensor<[${F}, number]> => {
  const out = new Float32Array(${F} * idx.length);
  idx.forEach((i, j) => {
    const a = xs[2 * i] as number;
    const b = xs[2 * i + 1] as number;
    [${s.features.map((f) => featureExpr[f]).join(", ")}].forEach((v, r) => {
      out[r * idx.length + j] = v;
    });
  });
  return fromArray([${F}, idx.length], out);
};
/** The targets of points \`idx\`${O === 1 ? (problem === "regression" ? " (values)" : " (labels 0/1)") : ` (one-hot over ${O} classes)`}. */
const targets = (idx: readonly number[]): Tensor<[${O}, number]> => {
  const out = new Float32Array(${O} * idx.length);
  idx.forEach((i, j) => {
    ${target}
  });
  return fromArray([${O}, idx.length], out);
};
const Xtrain = fromArray([${F}, ${nTrain}], toFlat(features(train))); // Tensor<[${F}, ${nTrain}]>
const Ytrain = fromArray([${O}, ${nTrain}], toFlat(targets(train))); // Tensor<[${O}, ${nTrain}]>
const Xtest = fromArray([${F}, ${nTest}], toFlat(features(test))); // Tensor<[${F}, ${nTest}]>
const Ytest = fromArray([${O}, ${nTest}], toFlat(targets(test))); // Tensor<[${O}, ${nTest}]>

// the network: each layer's shapes are in its type; a layer that does not fit the previous one does not compile
const net = sequential([
${layers.map((l) => `  ${l},`).join("\n")}
]);
let params = net.init(rng(${s.seed + 1}));
${sizes
  .slice(1)
  .map((n, k) => `params[${k}].W satisfies Tensor<[${n}, ${sizes[k]}]>;`)
  .join("\n")}
const optimizer = ${opt.call};
let state = optimizer.init(params);
const shuffle = rng(${s.seed + 2});
const noise = rng(${s.seed + 3});
${penalty}
const yhat: Tensor<[${O}, ${nTest}]> = net.apply(params, Xtest);
const loss = (X: Tensor<[${F}, number]>, Y: Tensor<[${O}, number]>): number => toFlat(${cost}(net.apply(params, X), Y))[0] as number;
console.log(\`before training: test loss \${loss(Xtest, Ytest).toFixed(4)} (\${yhat.shape.join(" × ")} outputs)\`);
let order = permutation(shuffle, ${nTrain});
const epochs = Number(process.argv[2] ?? ${epochs});
for (let epoch = 1; epoch <= epochs; epoch++) {
${loop.join("\n")}
}
console.log(JSON.stringify({ epochs, trainLoss: loss(Xtrain, Ytrain), testLoss: loss(Xtest, Ytest) }));
`;
};
