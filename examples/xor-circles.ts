/**
 * Seeds 001–003: a 2-layer network (tanh hidden layer, sigmoid output) written out as in the
 * notes, forward and backward by hand, trained by gradient descent on XOR and on circles, where
 * logistic regression cannot succeed. Then seed 002's warning: with all-zero initialisation every
 * hidden unit computes the same function forever (symmetry), while a random initialisation learns.
 * Writes `out/xor-boundary.svg` and `out/circles-boundary.svg`.
 *
 * Run: `npx tsx examples/xor-circles.ts`
 */
import { writeFileSync } from "node:fs";
import {
  accuracy,
  add,
  circles,
  div,
  type Examples,
  fromArray,
  grad,
  initializers,
  labels,
  logLoss,
  matmul,
  mul,
  predictLabels,
  rng,
  sigmoid,
  sub,
  sum,
  type Tensor,
  tanh,
  toArray,
  toFlat,
  toTensors,
  transpose,
  xor,
  zeros,
} from "typegrad";
import { decisionBoundary } from "typegrad/plot";
import { claim, done, outPath, quick } from "./lib/check.js";

const f64 = { dtype: "float64" } as const;

/** The parameters of a 2 → H → 1 network, columns are examples. */
type TwoLayer<H extends number> = {
  readonly W1: Tensor<[H, 2]>;
  readonly b1: Tensor<[H, 1]>;
  readonly W2: Tensor<[1, H]>;
  readonly b2: Tensor<[1, 1]>;
};

const init = <H extends number>(h: H, how: "zeros" | "random", seed: number): TwoLayer<H> => {
  const g = rng(seed);
  const draw = how === "zeros" ? initializers.zeros : initializers.xavierNormal;
  return {
    W1: draw(g, [h, 2], { fanIn: 2, fanOut: h }, f64),
    b1: zeros([h, 1], f64),
    W2: draw(g, [1, h], { fanIn: h, fanOut: 1 }, f64),
    b2: zeros([1, 1], f64),
  };
};

/** Forward propagation (seed 001): Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = σ(Z2). */
const forward = <H extends number>(p: TwoLayer<H>, X: Tensor<[2, "m"]>) => {
  const A1 = tanh(add(matmul(p.W1, X), p.b1));
  const A2 = sigmoid(add(matmul(p.W2, A1), p.b2));
  return { A1, A2 };
};

/** Backward propagation (seed 001): dZ2 = A2 − Y, dW2 = (1/m) dZ2 A1ᵀ, …, dZ1 = W2ᵀ dZ2 ⊙ (1 − A1²). */
const backward = <H extends number>(p: TwoLayer<H>, X: Tensor<[2, "m"]>, Y: Tensor<[1, "m"]>): TwoLayer<H> => {
  const m = X.shape[1];
  const { A1, A2 } = forward(p, X);
  const dZ2 = sub(A2, Y);
  const dW2 = div(matmul(dZ2, transpose(A1)), m);
  const db2 = div(sum(dZ2, 1, true), m);
  const dZ1 = mul(matmul(transpose(p.W2), dZ2), sub(1, mul(A1, A1)));
  const dW1 = div(matmul(dZ1, transpose(X)), m);
  const db1 = div(sum(dZ1, 1, true), m);
  return { W1: dW1, b1: db1, W2: dW2, b2: db2 };
};

const update = <H extends number>(p: TwoLayer<H>, g: TwoLayer<H>, alpha: number): TwoLayer<H> => ({
  W1: sub(p.W1, mul(g.W1, alpha)),
  b1: sub(p.b1, mul(g.b1, alpha)),
  W2: sub(p.W2, mul(g.W2, alpha)),
  b2: sub(p.b2, mul(g.b2, alpha)),
});

const train = <H extends number>(p0: TwoLayer<H>, data: Examples<2, 1>, iterations: number, alpha: number) => {
  const { X, Y } = toTensors(data, "columns", f64);
  let p = p0;
  for (let i = 0; i < iterations; i++) p = update(p, backward(p, X, Y), alpha);
  const acc = accuracy(predictLabels(forward(p, X).A2, { outputs: "probabilities" }), labels(data));
  return { p, acc, cost: logLoss(forward(p, X).A2, Y) };
};

const plot = <H extends number>(name: string, title: string, p: TwoLayer<H>, data: Examples<2, 1>) => {
  const svg = decisionBoundary(
    data,
    labels(data),
    (pts) => {
      const P = fromArray([2, pts.length], [...pts.map((q) => q[0]), ...pts.map((q) => q[1])], f64) as unknown as Tensor<[2, "m"]>;
      return predictLabels(forward(p, P).A2, { outputs: "probabilities" });
    },
    { title },
  );
  writeFileSync(outPath(name), svg);
  console.log(`wrote out/${name}`);
};

const iterations = quick ? 600 : 3000;
const H = 4;

// the hand-written backward is the gradient of the cost
{
  const d = xor(rng(1), { m: 20 });
  const { X, Y } = toTensors(d, "columns", f64);
  const p = init(H, "random", 3);
  const byHand = backward(p, X, Y);
  const byGrad = grad((q: TwoLayer<typeof H>) => logLoss(forward(q, X).A2, Y, { eps: 1e-300 }))(p);
  const gap = Math.max(...(["W1", "b1", "W2", "b2"] as const).map((k) => Math.max(...Array.from(toFlat(byHand[k])).map((v, i) => Math.abs(v - (toFlat(byGrad[k])[i] as number))))));
  claim(gap < 1e-12, `the hand-written backward equals grad of the log-loss (max gap ${gap.toExponential(2)})`);
}

for (const [name, data] of [
  ["xor", xor(rng(10), { m: 200 })],
  ["circles", circles(rng(11), { m: 200, noise: 0.05 })],
] as const) {
  const random = train(init(H, "random", 4), data, iterations, 1.0);
  const zero = train(init(H, "zeros", 4), data, iterations, 1.0);
  claim(random.acc >= (quick ? 0.9 : 0.97), `${name}: random initialisation learns (accuracy ${random.acc.toFixed(3)})`);
  claim(zero.acc <= 0.7, `${name}: zero initialisation does not (accuracy ${zero.acc.toFixed(3)})`);
  const rowsOf = (t: Tensor) => toArray(t) as number[][];
  const w1 = rowsOf(zero.p.W1);
  const w2 = (toArray(zero.p.W2) as number[][])[0] as number[];
  const same = w1.every((r) => r.every((v, j) => v === (w1[0] as number[])[j])) && w2.every((v) => v === w2[0]);
  claim(same, `${name}: with zero initialisation all ${H} hidden units stay identical (symmetry): W2 = [${w2.map((v) => v.toFixed(3)).join(", ")}]`);
  plot(`${name}-boundary.svg`, `2-layer tanh net on ${name} (random init)`, random.p, data);
}
done("xor-circles");
