/**
 * The main job (`npm start`): a 784-128-64-10 ReLU network, softmax cross-entropy and Adam on
 * the 10,000 MNIST digits of the `mnist` package, 8,000 to train and 2,000 held out, mini-batches
 * of 128, a progress bar, SVGs of the loss/accuracy curves and of the first held-out digits with
 * their predictions (`typegrad/plot`), the parameters saved as a checkpoint, and
 * `held-out accuracy: 0.xxxx` as the last line. It checks
 * its own claims (accuracy ≥ 0.95, checkpoint round trip) and exits non-zero when one fails.
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
import { SingleBar } from "cli-progress";
import { Option, program } from "commander";
import * as E from "fp-ts/lib/Either.js";
import {
  adam,
  evaluate,
  exponentialDecay,
  fit,
  type Layout,
  loadMnist,
  mlp,
  oneHot,
  predictLabels,
  reference,
  rng,
  setBackend,
  shiftImages,
  softmaxCrossEntropy,
  split,
  type Tensor,
  take,
  toFlat,
  toTensors,
  wasm,
} from "../src/index.js";
import { loadCheckpoint, saveCheckpoint } from "../src/node/checkpoint.js";
import { digitGrid, trainingCurves } from "../src/plot/index.js";
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

setBackend(opts.backend === "wasm" ? wasm : reference);
const t0 = performance.now();
const digits = oneHot(await loadMnist(), 10);
const [train0, test0] = split(digits, rng(opts.seed), 0.8); // 8,000 / 2,000
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
const bar = new SingleBar({ format: "epoch {epoch} [{bar}] {value}/{total} batches | loss {loss} | acc {acc}", hideCursor: true, clearOnComplete: false });
let running = { loss: 0, hits: 0, seen: 0 };

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
  onBatch: (i) => {
    if (i.batch === 0) {
      running = { loss: 0, hits: 0, seen: 0 };
      bar.start(i.batches, 0, { epoch: i.epoch, loss: "-", acc: "-" });
    }
    const n = i.batch === i.batches - 1 ? train.m - i.batch * opts.batchSize : opts.batchSize;
    running = { loss: running.loss + i.loss * n, hits: running.hits + (i.accuracy ?? 0) * n, seen: running.seen + n };
    bar.update(i.batch + 1, { epoch: i.epoch, loss: (running.loss / running.seen).toFixed(4), acc: (running.hits / running.seen).toFixed(4) });
    if (i.batch === i.batches - 1) bar.stop();
    return undefined;
  },
  onEpoch: (r) => {
    console.log(
      `epoch ${String(r.epoch).padStart(2)}: train loss ${r.loss.toFixed(4)} acc ${r.accuracy?.toFixed(4)} | held-out loss ${r.valLoss?.toFixed(4)} acc ${r.valAccuracy?.toFixed(4)} | ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return undefined;
  },
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
const predicted = predictLabels(net.apply(result.params, toTensors(shown, opts.layout).X), { layout: opts.layout });
writeFileSync(outPath("mnist-digits.svg"), digitGrid(shown, { predicted, title: "MNIST: the first 40 held-out digits" }));
console.log("wrote out/mnist-digits.svg");

const ckpt = outPath("mnist.ckpt");
saveCheckpoint(ckpt, result.params, { meta: { epochs: opts.epochs, seed: opts.seed, lr: opts.lr } });
const reloaded = loadCheckpoint(ckpt, result.params);
const same = (a: Tensor, b: Tensor): boolean => {
  const [x, y] = [toFlat(a), toFlat(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
claim(
  E.isRight(reloaded) && (Object.keys(result.params) as (keyof typeof result.params)[]).every((k) => same(reloaded.right[k], result.params[k])),
  "the parameters saved to out/mnist.ckpt load back identical",
);

const final = evaluate(net, result.params, test, softmaxCrossEntropy, { layout: opts.layout });
const acc = final.accuracy ?? 0;
claim(acc >= opts.minAccuracy, `held-out accuracy ${acc.toFixed(4)} ≥ ${opts.minAccuracy} after ${seconds.toFixed(1)} s of loading and training`);
console.log(`held-out accuracy: ${acc.toFixed(4)}`);
