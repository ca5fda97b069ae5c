/**
 * `npm run rnn`: a recurrent network reads each MNIST digit row by row (28 steps of 28 pixels)
 * and classifies it from its last hidden state. The main job's data and split (the 10,000 digits
 * of the `mnist` package, 8,000 to train, 2,000 held out, split with seed 0), an LSTM of
 * `--hidden` units (`--cell gru` for a GRU) chained into a dense softmax head with
 * `recurrentNet`, Adam with gradient clipping by global norm, mini-batches of 128, each training
 * digit shifted at random by up to one pixel (the main job's augmentation), on the WASM SIMD
 * backend.
 *
 * The digits come as rows `["m", 784]`; the model turns a batch into the time-major sequence the
 * recurrent layers read (`[28, "m", 28]`: steps, examples, features) with `reshape` and
 * `permute`, so `fit`, `evaluate` and the split are the main job's own.
 *
 * Writes `out/rnn.json` (`heldOutAccuracy`, `trainSeconds`, the CPU seconds, the settings and
 * the per-epoch history), `out/rnn-curves.svg`, and the trained network as `out/rnn.onnx`
 * (ONNX's `LSTM` or `GRU` and a `Gemm`; input time-major `[T, m, 28]`), which ONNX Runtime
 * (onnxruntime-web) then runs on the held-out digits; checks its claims (held-out accuracy ≥ 0.97
 * by default, ONNX Runtime's digit the same for every held-out image) and exits non-zero when one
 * fails. `--smoke` (or `TYPEGRAD_QUICK=1`, as `npm test`
 * runs it) trains two batches and checks only that the loss is finite and the files are written.
 *
 * Run: `npm run rnn` or `npx tsx examples/rnn.ts --help`
 */

import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { Option, program } from "commander";
import * as ort from "onnxruntime-web";
import {
  adam,
  configureWasm,
  dense,
  evaluate,
  exponentialDecay,
  fit,
  gru,
  lstm,
  oneHot,
  permute,
  predictClasses,
  type RunContext,
  recurrentNet,
  reshape,
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
  withGradientClipping,
} from "typegrad";
import { loadMnist } from "typegrad/datasets";
import { writeFileAtomic } from "typegrad/node";
import { exportOnnx } from "typegrad/onnx";
import { trainingCurves } from "typegrad/plot";
import { claim, done, outPath, quick } from "./lib/check.js";

const opts = program
  .name("rnn")
  .description("Train an LSTM (or GRU) on MNIST read row by row (28 steps × 28 features; 8,000 train / 2,000 held out) and report the held-out accuracy.")
  .option("-e, --epochs <n>", "epochs", (v) => Number.parseInt(v, 10), 15)
  .option("-s, --seed <n>", "seed of the split, initialisation and shuffling", (v) => Number.parseInt(v, 10), 0)
  .option("--hidden <n>", "hidden units", (v) => Number.parseInt(v, 10), 64)
  .addOption(new Option("--cell <kind>", "recurrent cell").choices(["lstm", "gru"]).default("lstm"))
  .option("--lr <rate>", "Adam's initial learning rate", Number.parseFloat, 5e-3)
  .option("--decay <factor>", "learning-rate factor per epoch", Number.parseFloat, 0.85)
  .option("--clip <norm>", "largest global norm of the gradients", Number.parseFloat, 5)
  .option("--shift <pixels>", "largest random shift of a training digit (0 = no augmentation)", (v) => Number.parseInt(v, 10), 1)
  .option("-b, --batch-size <n>", "mini-batch size", (v) => Number.parseInt(v, 10), 128)
  .option("--smoke", "train two batches only (what npm test runs)", quick)
  .option("--min-accuracy <a>", "fail below this held-out accuracy", Number.parseFloat, 0.97)
  .parse()
  .opts<{ epochs: number; seed: number; hidden: number; cell: "lstm" | "gru"; lr: number; decay: number; clip: number; shift: number; batchSize: number; smoke: boolean; minAccuracy: number }>();

for (const [name, v] of Object.entries({ epochs: opts.epochs, hidden: opts.hidden, "batch-size": opts.batchSize })) {
  if (!Number.isInteger(v) || v < 1) program.error(`rnn: option --${name} must be a positive integer, got ${v}`);
}
if (!Number.isInteger(opts.shift) || opts.shift < 0) program.error(`rnn: option --shift must be a non-negative integer, got ${opts.shift}`);
if (!Number.isInteger(opts.seed) || opts.seed < 0) program.error(`rnn: option --seed must be a non-negative integer, got ${opts.seed}`);
if (!(opts.lr > 0) || !(opts.decay > 0) || !(opts.clip > 0)) program.error("rnn: options --lr, --decay and --clip must be positive numbers");

configureWasm({ relaxedSimd: true });
setBackend(wasm);
const digits = oneHot(await loadMnist(), 10);
const [train0, test0] = split(digits, rng(opts.seed), 0.8); // the main job's 8,000 / 2,000
const train = opts.smoke
  ? take(
      train0,
      Array.from({ length: 2 * opts.batchSize }, (_, i) => i),
    )
  : train0;
const test = opts.smoke
  ? take(
      test0,
      Array.from({ length: 256 }, (_, i) => i),
    )
  : test0;
const H = opts.hidden;
const epochs = opts.smoke ? 1 : opts.epochs;
console.log(
  `MNIST row by row: ${train.m} training digits, ${test.m} held out; ${opts.cell} ${H} → dense 10, Adam ${opts.lr} ×${opts.decay}/epoch, clip ${opts.clip}, shift ±${opts.shift}px, batch ${opts.batchSize}, ${epochs} epochs; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
);

const body = opts.cell === "lstm" ? lstm(28, H) : gru(28, H);
const net = recurrentNet(body as ReturnType<typeof lstm<28, number>>, dense(H, 10, { layout: "rows" }));
type P = ReturnType<typeof net.init>;

/** A batch of rows `[m, 784]` as the sequence of its 28 pixel rows, time-major `[28, m, 28]`. */
const rowsAsSteps = (X: Tensor<[number, 784]>): Tensor<[28, number, 28]> => permute(reshape(X, [X.shape[0], 28, 28]) as Tensor<[number, 28, 28]>, [1, 0, 2]);
const model = { apply: (p: P, X: Tensor, ctx?: RunContext) => net.apply(p, rowsAsSteps(X as Tensor<[number, 784]>), ctx) };

const batches = Math.ceil(train.m / opts.batchSize);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = fit({
  model,
  params: net.init(rng(opts.seed + 1)),
  loss: softmaxCrossEntropy,
  optimizer: withGradientClipping(adam(exponentialDecay(opts.lr, opts.decay, batches, { staircase: true })), opts.clip),
  train,
  validation: test,
  layout: "rows",
  batchSize: opts.batchSize,
  epochs,
  seed: opts.seed + 2,
  progress: !opts.smoke,
  ...(opts.shift > 0 ? { augment: (b: typeof train, g: Parameters<typeof shiftImages>[1]) => shiftImages(b, g, { max: opts.shift }) } : {}),
});
const trainSeconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
claim(result.stop.reason === "epochs", `training ran all its epochs (${result.stop.message})`);

const final = evaluate(model, result.params, test, softmaxCrossEntropy, { layout: "rows" });
const acc = final.accuracy ?? 0;
writeFileSync(outPath("rnn-curves.svg"), trainingCurves(result.history, { title: `MNIST row by row (${opts.cell} ${H}): loss and accuracy per epoch` }));
writeFileSync(
  outPath("rnn.json"),
  `${JSON.stringify(
    {
      heldOutAccuracy: acc,
      heldOutLoss: final.loss,
      trainSeconds,
      cpuSeconds,
      loadAverage: loadavg()[0],
      cores: cpus().length,
      smoke: opts.smoke,
      settings: { cell: opts.cell, hidden: H, epochs, lr: opts.lr, decay: opts.decay, clip: opts.clip, shift: opts.shift, batchSize: opts.batchSize, seed: opts.seed, train: train.m, heldOut: test.m },
      history: result.history,
    },
    null,
    2,
  )}\n`,
);
console.log("wrote out/rnn.json and out/rnn-curves.svg");

// the trained network as ONNX (the recurrent op, then the head's Gemm), run by ONNX Runtime on the held-out digits
const onnxFile = outPath("rnn.onnx");
writeFileAtomic("rnn", onnxFile, exportOnnx(net, result.params));
ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";
const session = await ort.InferenceSession.create(onnxFile);
const heldOut: Tensor = toTensors(test, "rows").X;
const steps = rowsAsSteps(heldOut as Tensor<[number, 784]>); // [28, m, 28], what the file takes
const theirs = ((await session.run({ X: new ort.Tensor("float32", toFlat(steps) as Float32Array, [28, test.m, 28]) })).Y?.data ?? new Float32Array(0)) as Float32Array;
const ours = toFlat(net.apply(result.params, steps));
let scale = 0;
let diff = 0;
ours.forEach((v, i) => {
  scale = Math.max(scale, Math.abs(v));
  diff = Math.max(diff, Math.abs(v - (theirs[i] ?? Number.NaN)));
});
const ortClass = (j: number): number => Array.from({ length: 10 }, (_, c) => c).reduce((b, c) => ((theirs[j * 10 + c] as number) > (theirs[j * 10 + b] as number) ? c : b), 0);
const classes = predictClasses(model, result.params, test, { layout: "rows" });
claim(
  theirs.length === ours.length && diff <= 1e-5 * scale && classes.every((c, j) => c === ortClass(j)),
  `out/rnn.onnx runs in ONNX Runtime: the same digit for all ${test.m} held-out images, logits within ${(diff / scale).toExponential(1)} of their scale`,
);
await session.release();
if (opts.smoke) claim(Number.isFinite(final.loss), `two batches trained: held-out loss ${final.loss.toFixed(3)} is finite`);
else claim(acc >= opts.minAccuracy, `held-out accuracy ${acc.toFixed(4)} ≥ ${opts.minAccuracy} after ${trainSeconds.toFixed(1)} s of training (${cpuSeconds.toFixed(1)} CPU s)`);
console.log(`held-out accuracy: ${acc.toFixed(4)}`);
done("rnn");
