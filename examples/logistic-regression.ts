/**
 * Seeds 000, 001 and 003: logistic regression as a single neuron on `make_blobs` (100 points, 2
 * features, 2 centres), trained by gradient descent three ways that must agree step by step:
 *
 * 1. the "two for loops" version of seed 003, on plain numbers;
 * 2. the vectorised version, columns are examples: `A = σ(wᵀX + b)`, `dw = (1/m) X (A − Y)ᵀ`,
 *    `db = (1/m) Σ (A − Y)`;
 * 3. the same cost differentiated by `grad`;
 *
 * plus seed 000's convention (rows are examples, `Z = X·W + b`, `dW = (1/m) Xᵀ(A − y)`) and the
 * bias trick (`x₀ = 1`, `θ = [b; w]`, `ŷ = σ(θᵀx)`). Writes `out/logistic-regression.svg`.
 *
 * Run: `npx tsx examples/logistic-regression.ts`
 */
import { writeFileSync } from "node:fs";
import {
  accuracy,
  add,
  concat,
  div,
  fromArray,
  grad,
  item,
  labels,
  logLoss,
  makeBlobs,
  matmul,
  mul,
  ones,
  predictLabels,
  rng,
  sigmoid,
  sub,
  sum,
  type Tensor,
  toArray,
  toFlat,
  toTensors,
  transpose,
  withShape,
  zeros,
} from "typegrad";
import { decisionBoundary } from "typegrad/plot";
import { claim, done, outPath, quick } from "./lib/check.js";

const f64 = { dtype: "float64" } as const;
const data = makeBlobs(rng(0)); // seed 000: 100 points, 2 features, 2 centres
const m = data.m;
const { X, Y } = toTensors(data, "columns", f64); // X: Tensor<[2, "m"]>, Y: Tensor<[1, "m"]>
const alpha = 0.1;
const iterations = quick ? 40 : 400;

// ---------------------------------------------------------------------------------------------
// 1. two for loops (seed 003), plain numbers
// ---------------------------------------------------------------------------------------------
const xs = Array.from({ length: m }, (_, i) => [data.x[2 * i] as number, data.x[2 * i + 1] as number]);
const ys = labels(data);
const loopStep = (w: readonly number[], b: number): { w: number[]; b: number; J: number; dw: number[]; db: number } => {
  let J = 0;
  const dw = [0, 0];
  let db = 0;
  for (let i = 0; i < m; i++) {
    const x = xs[i] as number[];
    const y = ys[i] as number;
    let z = b;
    for (let j = 0; j < 2; j++) z += (w[j] as number) * (x[j] as number);
    const a = 1 / (1 + Math.exp(-z));
    J += -(y * Math.log(a) + (1 - y) * Math.log(1 - a));
    const dz = a - y;
    for (let j = 0; j < 2; j++) dw[j] = (dw[j] as number) + (x[j] as number) * dz;
    db += dz;
  }
  const g = { dw: dw.map((d) => d / m), db: db / m };
  return { w: w.map((wj, j) => wj - alpha * (g.dw[j] as number)), b: b - alpha * g.db, J: J / m, ...g };
};

// ---------------------------------------------------------------------------------------------
// 2. vectorised, columns are examples (seeds 001, 003)
// ---------------------------------------------------------------------------------------------
type Neuron = { readonly w: Tensor<[2, 1]>; readonly b: Tensor<[1, 1]> };
const forward = (p: Neuron) => sigmoid(add(matmul(transpose(p.w), X), p.b)); // A: Tensor<[1, "m"]>
const cost = (p: Neuron) => logLoss(forward(p), Y, { eps: 1e-12 });
const vectorisedGrads = (p: Neuron): Neuron => {
  const dZ = sub(forward(p), Y); // Tensor<[1, "m"]>
  return { w: div(matmul(X, transpose(dZ)), m), b: div(sum(dZ, 1, true), m) };
};
const gdStep = (p: Neuron, g: Neuron): Neuron => ({ w: sub(p.w, mul(g.w, alpha)), b: sub(p.b, mul(g.b, alpha)) });

// ---------------------------------------------------------------------------------------------
// seed 000's convention: rows are examples, Z = X·W + b
// ---------------------------------------------------------------------------------------------
const R = toTensors(data, "rows", f64); // R.X: Tensor<["m", 2]>, R.Y: Tensor<["m", 1]>
type RowNeuron = { readonly W: Tensor<[2, 1]>; readonly b: Tensor<[1, 1]> };
const rowGrads = (p: RowNeuron): RowNeuron => {
  const dZ = sub(sigmoid(add(matmul(R.X, p.W), p.b)), R.Y); // Tensor<["m", 1]>
  return { W: div(matmul(transpose(R.X), dZ), m), b: div(sum(dZ, 0, true), m) };
};

// ---------------------------------------------------------------------------------------------
// train the versions side by side
// ---------------------------------------------------------------------------------------------
let loop = { w: [0, 0], b: 0 };
let vec: Neuron = { w: zeros([2, 1], f64), b: zeros([1, 1], f64) };
let byGrad: Neuron = vec;
let rows: RowNeuron = { W: zeros([2, 1], f64), b: zeros([1, 1], f64) };
let worst = 0;
const gap = (a: readonly number[], b: ArrayLike<number>) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
let firstJ = Number.NaN;
let lastJ = Number.NaN;
for (let it = 0; it < iterations; it++) {
  const l = loopStep(loop.w, loop.b);
  const gv = vectorisedGrads(vec);
  const gg = grad(cost)(byGrad);
  const gr = rowGrads(rows);
  worst = Math.max(worst, gap(l.dw, toFlat(gv.w)), gap([l.db], toFlat(gv.b)), gap(l.dw, toFlat(gg.w)), gap([l.db], toFlat(gg.b)), gap(l.dw, toFlat(gr.W)), gap([l.db], toFlat(gr.b)));
  if (it === 0) firstJ = l.J;
  lastJ = l.J;
  loop = { w: l.w, b: l.b };
  vec = gdStep(vec, gv);
  byGrad = gdStep(byGrad, gg);
  rows = { W: sub(rows.W, mul(gr.W, alpha)), b: sub(rows.b, mul(gr.b, alpha)) };
}
console.log(`after ${iterations} iterations: w = [${loop.w.map((v) => v.toFixed(4)).join(", ")}], b = ${loop.b.toFixed(4)}, J: ${firstJ.toFixed(4)} → ${lastJ.toFixed(4)}`);
claim(worst < 1e-12, `two loops, vectorised (columns), rows and grad give the same gradients at every step (max gap ${worst.toExponential(2)})`);
claim(gap([...loop.w, loop.b], [...toFlat(vec.w), ...toFlat(vec.b)]) < 1e-12, "and the same final parameters");
claim(Math.abs(item(cost(vec)) - loopStep(loop.w, loop.b).J) < 1e-12, "the vectorised log-loss equals the looped one");
claim(lastJ < firstJ / 2, `gradient descent lowers the cost (${firstJ.toFixed(4)} → ${lastJ.toFixed(4)})`);
const acc = accuracy(predictLabels(forward(vec), { outputs: "probabilities" }), ys);
claim(acc >= 0.95, `the two blobs are separated: training accuracy ${acc.toFixed(2)}`);

// bias trick: x₀ = 1, θ = [b; w], ŷ = σ(θᵀx̃)
const Xt = concat([withShape(ones([1, m], f64), [1, "m"]), X], 0); // Tensor<[3, "m"]>
const theta = concat([vec.b, vec.w], 0); // Tensor<[3, 1]>
const trick = sigmoid(matmul(transpose(theta), Xt));
claim(gap(Array.from(toFlat(trick)), toFlat(forward(vec))) < 1e-12, "the bias trick θ = [b; w], x₀ = 1 gives the same predictions");

// the probability σ(wᵀx + b) over the plane, in bands, with its 0.5 contour: the decision boundary is the line wᵀx + b = 0
const boundary = decisionBoundary(
  data,
  ys,
  (pts) => {
    const P = fromArray([2, pts.length], [...pts.map((p) => p[0]), ...pts.map((p) => p[1])], f64);
    return toArray(sigmoid(add(matmul(transpose(vec.w), P), vec.b)))[0] as number[];
  },
  { title: "Logistic regression on make_blobs: σ(wᵀx + b)", output: "probabilities" },
);
writeFileSync(outPath("logistic-regression.svg"), boundary);
console.log("wrote out/logistic-regression.svg");
done("logistic-regression");
