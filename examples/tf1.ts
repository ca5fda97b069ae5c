/**
 * Seed 004's TensorFlow 1 program, rewritten as typed inputs, a parameter record and a pure step.
 *
 *   TensorFlow 1 (the notes)                        typegrad
 *   X = tf.placeholder(tf.float32, [None, 2])      X: Tensor<["batch", 2]>, checked by withShape when fed
 *   W = tf.Variable(tf.truncated_normal(...))      vars.W1 = truncatedNormal(g, [2, 8], 0.1)
 *   b = tf.Variable(tf.constant(0.1, shape=...))   vars.b1 = fill([1, 8], 0.1)
 *   tf.Variable(..., trainable=False)              a record passed beside the variables, not differentiated
 *   h = tf.nn.tanh(tf.matmul(X, W) + b)            tanh(add(matmul(X, W1), b1))
 *   GradientDescentOptimizer(0.01)                  gd(0.01)
 *   train = optimizer.minimize(cost)                step = (vars, state, X, Y) => [vars', state', cost]
 *   sess.run(tf.initialize_all_variables())         vars = init(rng(seed))
 *   sess.run(train, feed_dict={X: ..., Y: ...})     [vars, state, cost] = step(vars, state, X, Y)
 *
 * There is no graph, session or global state: the "graph" is the function `model`, the "session"
 * is calling it. Trained on the Playground's Gaussian clusters.
 *
 * Run: `npx tsx examples/tf1.ts`
 */
import {
  accuracy,
  add,
  fill,
  fromArray,
  gaussianClusters,
  gd,
  item,
  labels,
  logLossFromLogits,
  matmul,
  mul,
  type OptState,
  predictLabels,
  relu,
  rng,
  type Tensor,
  tanh,
  toFlat,
  toTensors,
  truncatedNormal,
  valueAndGrad,
  withShape,
} from "typegrad";
import { claim, done, quick } from "./lib/check.js";

// placeholders: inputs with declared shapes; "batch" is a named size, fixed when data is fed
type Inputs = { readonly X: Tensor<["batch", 2]>; readonly Y: Tensor<["batch", 1]> };
const feed = (x: Tensor, y: Tensor): Inputs => {
  const X = withShape(x, ["batch", 2]);
  return { X, Y: withShape(y, ["batch", 1]) };
};

// variables: trainable ones in a record (what gradients and the optimizer see) …
type Vars = { readonly W1: Tensor<[2, 8]>; readonly b1: Tensor<[1, 8]>; readonly W2: Tensor<[8, 1]>; readonly b2: Tensor<[1, 1]> };
const init = (seed: number): Vars => {
  const g = rng(seed);
  return { W1: truncatedNormal(g, [2, 8], 0.5), b1: fill([1, 8], 0.1), W2: truncatedNormal(g, [8, 1], 0.5), b2: fill([1, 1], 0.1) };
};
// … and a non-trainable one (trainable=False): an input scale, passed through, never updated
type Frozen = { readonly scale: Tensor<[1, 2]> };
const frozen: Frozen = { scale: fill([1, 2], 0.5) };

// the graph: ops on the inputs and variables
const model = (v: Vars, f: Frozen, X: Tensor<["batch", 2]>) => {
  const h = tanh(add(matmul(mul(X, f.scale), v.W1), v.b1)); // tf.nn.tanh(tf.matmul(X, W1) + b1)
  return add(matmul(relu(h), v.W2), v.b2); // logits: Tensor<["batch", 1]>
};
const cost = (v: Vars, f: Frozen, { X, Y }: Inputs) => logLossFromLogits(model(v, f, X), Y, { layout: "rows" });

// optimizer.minimize(cost): a pure step
const optimizer = gd(0.01);
const step = (v: Vars, s: OptState<Vars>, f: Frozen, inputs: Inputs): [Vars, OptState<Vars>, number] => {
  const [J, grads] = valueAndGrad(cost)(v, f, inputs);
  const [v2, s2] = optimizer.step(v, grads, s);
  return [v2, s2, item(J)];
};

// the "session": initialise, then run the step on fed data
const data = gaussianClusters(rng(7), { m: 200, noise: 1 });
const rows = toTensors(data, "rows");
const inputs = feed(rows.X, rows.Y);
let vars = init(0);
let state = optimizer.init(vars);
const iterations = quick ? 300 : 2000;
const costs: number[] = [];
for (let i = 0; i < iterations; i++) {
  let J: number;
  [vars, state, J] = step(vars, state, frozen, inputs);
  costs.push(J);
}
const acc = accuracy(predictLabels(model(vars, frozen, inputs.X), { layout: "rows" }), labels(data));
console.log(`GradientDescentOptimizer(0.01), ${iterations} steps: cost ${costs[0]?.toFixed(4)} → ${costs[costs.length - 1]?.toFixed(4)}, accuracy ${acc.toFixed(3)}`);
claim((costs[costs.length - 1] as number) < (costs[0] as number), "minimize(cost) lowers the cost");
claim(acc >= 0.9, `the two Gaussian clusters are separated (accuracy ${acc.toFixed(3)})`);
claim(
  Array.from(toFlat(frozen.scale)).every((v) => v === 0.5),
  "the non-trainable variable is unchanged",
);
claim(state.step === iterations, `the optimizer state counted ${state.step} steps`);
let refused = "";
try {
  feed(fromArray([3, 5], new Array(15).fill(0)), fromArray([3, 1], [0, 0, 0]));
} catch (e) {
  refused = (e as Error).message;
}
claim(/withShape: x: dim 1 is 5, expected 2/.test(refused), `feeding a [3, 5] batch to X: ["batch", 2] is refused: ${refused}`);
done("tf1");
