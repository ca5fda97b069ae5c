/**
 * Seeds 001 and 003: an L-layer network from its building blocks. Each layer is a forward block
 * (`A_prev → A`, keeping a cache) and a backward block (`dA, cache → dA_prev, dW, db`); the
 * network is their composition, and training repeats forward, cost, backward, update:
 *
 *   for l = 1..L:   A[l], cache[l] = layer[l].forward(params[l], A[l-1])
 *   cost = logLoss(A[L], Y)
 *   dA[L] = −(Y / A[L] − (1 − Y) / (1 − A[L]))
 *   for l = L..1:   dA[l-1], dW[l], db[l] = layer[l].backward(params[l], dA[l], cache[l])
 *   W[l] -= α dW[l];  b[l] -= α db[l]
 *
 * written out for a 4-layer ReLU net with a sigmoid output on the moons, then checked against
 * `sequential`'s own loop and against `grad` of the composed model.
 *
 * Run: `npx tsx examples/l-layer.ts`
 */

import { writeFileSync } from "node:fs";
import { accuracy, add, dense, div, grad, item, labels, logLoss, moons, mul, predictLabels, rng, sequential, sub, type Tensor, toFlat, toTensors } from "typegrad";
import { decisionBoundary } from "typegrad/plot";
import { claim, done, outPath, quick } from "./lib/check.js";

const f64 = { dtype: "float64" } as const;
const data = moons(rng(0), { m: 200, noise: 0.1 });
const { X, Y } = toTensors(data, "columns", f64); // X: Tensor<[2, "m"]>, Y: Tensor<[1, "m"]>

// the layers: sizes in the types, W^[l]: (n^[l], n^[l-1]), b^[l]: (n^[l], 1)
const layer1 = dense(2, 16, { activation: "relu" });
const layer2 = dense(16, 8, { activation: "relu" });
const layer3 = dense(8, 4, { activation: "relu" });
const layer4 = dense(4, 1, { activation: "sigmoid" });
const net = sequential([layer1, layer2, layer3, layer4]);
type P = ReturnType<typeof net.init>;

/** One iteration written with the blocks, layer by layer. */
const iteration = (p: P, alpha: number): { next: P; cost: number; grads: P } => {
  const [p1, p2, p3, p4] = p;
  // forward, keeping the caches
  const [A1, cache1] = layer1.forward(p1, X); // Tensor<[16, "m"]>
  const [A2, cache2] = layer2.forward(p2, A1); // Tensor<[8, "m"]>
  const [A3, cache3] = layer3.forward(p3, A2); // Tensor<[4, "m"]>
  const [A4, cache4] = layer4.forward(p4, A3); // Tensor<[1, "m"]>
  const cost = item(logLoss(A4, Y, { eps: 1e-300 }));
  // backward, last layer first
  const dA4 = mul(sub(div(Y, A4), div(sub(1, Y), sub(1, A4))), -1);
  const g4 = layer4.backward(p4, dA4, cache4);
  const g3 = layer3.backward(p3, g4.dA_prev, cache3);
  const g2 = layer2.backward(p2, g3.dA_prev, cache2);
  const g1 = layer1.backward(p1, g2.dA_prev, cache1);
  const grads: P = [
    { W: g1.dW, b: g1.db },
    { W: g2.dW, b: g2.db },
    { W: g3.dW, b: g3.db },
    { W: g4.dW, b: g4.db },
  ];
  // update
  const step = <T extends { readonly W: Tensor; readonly b: Tensor }>(q: T, g: T): T => ({ ...q, W: sub(q.W, mul(g.W, alpha)), b: sub(q.b, mul(g.b, alpha)) });
  const next: P = [step(p1, grads[0]), step(p2, grads[1]), step(p3, grads[2]), step(p4, grads[3])];
  return { next, cost, grads };
};

const gapOf = (a: P, b: P): number => {
  let worst = 0;
  a.forEach((pa, l) => {
    for (const k of ["W", "b"] as const) {
      const x = toFlat(pa[k]);
      const y = toFlat((b[l] as (typeof b)[number])[k]);
      x.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - (y[i] as number)));
      });
    }
  });
  return worst;
};

let params = net.init(rng(1), f64);
// the explicit blocks, sequential's loop and grad agree
{
  const { grads } = iteration(params, 0);
  const [AL, caches] = net.forward(params, X);
  const dAL = mul(sub(div(Y, AL), div(sub(1, Y), sub(1, AL))), -1); // its sigmoid block turns it into dZ[L] = A[L] − Y
  const { grads: bySequential } = net.backward(params, dAL, caches);
  const byGrad = grad((q: P) => logLoss(net.apply(q, X), Y, { eps: 1e-300 }))(params);
  claim(gapOf(grads, bySequential) < 1e-12, `the written-out blocks equal sequential.backward (gap ${gapOf(grads, bySequential).toExponential(2)})`);
  claim(gapOf(grads, byGrad) < 1e-12, `and grad of the composed cost (gap ${gapOf(grads, byGrad).toExponential(2)})`);
}

const iterations = quick ? 300 : 3000;
const costs: number[] = [];
for (let i = 0; i < iterations; i++) {
  const r = iteration(params, 0.3);
  params = r.next;
  costs.push(r.cost);
  if (i % Math.floor(iterations / 5) === 0) console.log(`iteration ${i}: cost ${r.cost.toFixed(4)}`);
}
const acc = accuracy(predictLabels(net.apply(params, X), { outputs: "probabilities" }), labels(data));
claim((costs[costs.length - 1] as number) < (costs[0] as number) / 3, `the cost falls from ${costs[0]?.toFixed(4)} to ${costs[costs.length - 1]?.toFixed(4)}`);
claim(acc >= (quick ? 0.85 : 0.97), `training accuracy on the moons ${acc.toFixed(3)}`);
const boundary = decisionBoundary(
  data,
  labels(data),
  (pts) => {
    const P2 = toTensors({ m: pts.length, features: 2, targets: 1, x: Float32Array.from(pts.flat()), y: new Float32Array(pts.length) }, "columns", f64).X;
    return predictLabels(add(net.apply(params, P2), 0), { outputs: "probabilities" });
  },
  { title: "4-layer ReLU net on the moons" },
);
writeFileSync(outPath("l-layer-moons.svg"), boundary);
console.log("wrote out/l-layer-moons.svg");
done("l-layer");
