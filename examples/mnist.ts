/**
 * The main job (`npm start`): a 784-128-64-10 ReLU network, softmax cross-entropy and Adam on
 * the 10,000 MNIST digits of the `mnist` package, 8,000 to train and 2,000 held out, mini-batches
 * of 128, a progress bar (`fit`'s own `progress` option), SVGs of the loss/accuracy curves and
 * of the first held-out digits with their predictions (`typegrad/plot`), the model saved as a
 * checkpoint that carries its architecture (`saveModel`) and loads back typed (`loadModel`), and
 * `held-out accuracy: 0.xxxx` as the last line. It checks its own claims (accuracy ≥ 0.95,
 * checkpoint round trip) and exits non-zero when one fails.
 *
 * Settings (see `--help`): He initialisation, Adam with learning rate 2e-3 decayed ×0.85 per
 * epoch, 12 epochs, each training digit shifted at random by up to one pixel every time it is
 * seen (augmentation), rows are examples (`X: ["m", 784]`, `Z = X·W + b`; `--layout columns`
 * trains the course's convention), on the WASM SIMD backend (`--backend reference` runs the
 * plain-TypeScript one, about 6× slower).
 *
 * `TYPEGRAD_QUICK=1` trains one epoch on 3,000 digits and asserts a far lower bar (0.8).
 *
 * Run: `npm start` or `npx tsx examples/mnist.ts --help`
 */

import { writeFileSync } from "node:fs";
import { Option, program } from "commander";
import * as E from "fp-ts/lib/Either.js";
import {
  adam,
  configureWasm,
  evaluate,
  exponentialDecay,
  fit,
  type Layout,
  mlp,
  oneHot,
  predictClasses,
  reference,
  rng,
  setBackend,
  shiftImages,
  softmaxCrossEntropy,
  split,
  type Tensor,
  take,
  toFlat,
  wasm,
} from "typegrad";
import { loadMnist } from "typegrad/datasets";
import { loadModel, saveModel } from "typegrad/node";
import { digitGrid, trainingCurves } from "typegrad/plot";
import { claim, outPath, quick } from "./lib/check.js";

const opts = program
  .name("mnist")
  .description("Train a 784-128-64-10 ReLU network on MNIST (8,000 train / 2,000 held out) and report the held-out accuracy.")
  .option("-e, --epochs <n>", "epochs", (v) => Number.parseInt(v, 10), quick ? 1 : 12)
  .option("-s, --seed <n>", "seed of the split, initialisation, shuffling and augmentation", (v) => Number.parseInt(v, 10), 0)
  .option("--lr <rate>", "Adam's initial learning rate", Number.parseFloat, 2e-3)
  .option("--decay <factor>", "learning-rate factor per epoch", Number.parseFloat, 0.85)
  .option("-b, --batch-size <n>", "mini-batch size", (v) => Number.parseInt(v, 10), 128)
  .option("--shift <pixels>", "largest random shift of a training digit (0 = no augmentation)", (v) => Number.parseInt(v, 10), 1)
  .addOption(new Option("--layout <layout>", "which axis holds the examples").choices(["rows", "columns"]).default("rows"))
  .addOption(new Option("--backend <name>", "where tensors live and kernels run").choices(["wasm", "reference"]).default("wasm"))
  .option("--min-accuracy <a>", "fail below this held-out accuracy", Number.parseFloat, quick ? 0.8 : 0.95)
  .parse()
  .opts<{ epochs: number; seed: number; lr: number; decay: number; batchSize: number; shift: number; layout: Layout; backend: string; minAccuracy: number }>();

for (const [name, v] of Object.entries({ epochs: opts.epochs, seed: opts.seed, "batch-size": opts.batchSize, shift: opts.shift })) {
  if (!Number.isInteger(v) || v < 0) program.error(`mnist: option --${name} must be a non-negative integer, got ${v}`);
}
if (!(opts.lr > 0) || !(opts.decay > 0)) program.error("mnist: options --lr and --decay must be positive numbers");

// the relaxed-SIMD build's fused multiply-adds (+15% matmul); on Node 20 this sets V8's flag for this process, by our choice
configureWasm({ relaxedSimd: true });
setBackend(opts.backend === "wasm" ? wasm : reference);
const t0 = performance.now();
// the 10,000 digits are not kept: only the two sets split from them (float32, 25 + 6 MB)
const [train0, test0] = split(oneHot(await loadMnist(), 10), rng(opts.seed), 0.8); // 8,000 / 2,000
const train = quick
  ? take(
      train0,
      Array.from({ length: 3000 }, (_, i) => i),
    )
  : train0;
const test = quick
  ? take(
      test0,
      Array.from({ length: 500 }, (_, i) => i),
    )
  : test0;
console.log(
  `MNIST: ${train.m} training digits, ${test.m} held out; 784-128-64-10 ReLU, Adam ${opts.lr} ×${opts.decay}/epoch, batch ${opts.batchSize}, ${opts.epochs} epochs, shift ±${opts.shift}px, ${opts.layout} are examples, ${opts.backend} backend`,
);

const net = mlp([784, 128, 64, 10], { hidden: "relu", init: "he", layout: opts.layout });
const params0 = net.init(rng(opts.seed + 1));
const batches = Math.ceil(train.m / opts.batchSize);

const result = fit({
  model: net,
  params: params0,
  loss: softmaxCrossEntropy,
  optimizer: adam(exponentialDecay(opts.lr, opts.decay, batches, { staircase: true })),
  train,
  validation: test,
  layout: opts.layout,
  batchSize: opts.batchSize,
  epochs: opts.epochs,
  seed: opts.seed + 2,
  ...(opts.shift > 0 ? { augment: (b: typeof train, g: Parameters<typeof shiftImages>[1]) => shiftImages(b, g, { max: opts.shift }) } : {}),
  // a bar with ETA while an epoch runs, then the epoch's metrics (one line per epoch when stderr is not a terminal)
  progress: true,
});
const seconds = (performance.now() - t0) / 1000;
claim(result.stop.reason === "epochs", `training ran all its epochs (${result.stop.message})`);

writeFileSync(outPath("mnist-curves.svg"), trainingCurves(result.history, { title: "MNIST 784-128-64-10: loss and accuracy per epoch" }));
console.log("wrote out/mnist-curves.svg");

// the first 40 held-out digits with the network's predictions, the wrong ones framed
const shown = take(
  test,
  Array.from({ length: 40 }, (_, i) => i),
);
const predicted = predictClasses(net, result.params, shown, { layout: opts.layout });
writeFileSync(outPath("mnist-digits.svg"), digitGrid(shown, { predicted, title: "MNIST: the first 40 held-out digits" }));
console.log("wrote out/mnist-digits.svg");

const ckpt = outPath("mnist.ckpt");
// the architecture, the parameters, the run's state (to resume it) and metadata, in one file
saveModel(ckpt, { model: net, params: result.params, state: result.state, optimizer: "adam", meta: { epochs: opts.epochs, seed: opts.seed, lr: opts.lr } });
// loading checks the stored architecture against the model the program expects, and types the parameters
const reloaded = E.map((m: { readonly params: typeof result.params }) => m.params)(loadModel(ckpt, net));
const same = (a: Tensor, b: Tensor): boolean => {
  const [x, y] = [toFlat(a), toFlat(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
claim(
  E.isRight(reloaded) && (Object.keys(result.params) as (keyof typeof result.params)[]).every((k) => same(reloaded.right[k], result.params[k])),
  "the model saved to out/mnist.ckpt loads back typed, architecture checked, parameters identical",
);

const final = evaluate(net, result.params, test, softmaxCrossEntropy, { layout: opts.layout });
const acc = final.accuracy ?? 0;
claim(acc >= opts.minAccuracy, `held-out accuracy ${acc.toFixed(4)} ≥ ${opts.minAccuracy} after ${seconds.toFixed(1)} s of loading and training`);
console.log(`held-out accuracy: ${acc.toFixed(4)}`);
