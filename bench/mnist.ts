/**
 * "One MNIST epoch of the main job": the training loop of `examples/mnist.ts` — `fit` with the
 * 784-128-64-10 ReLU `mlp` (rows are examples, He initialisation), softmax cross-entropy, Adam 2e-3
 * decayed ×0.85 per epoch, mini-batches of 128, ±1 px shift augmentation, and the held-out
 * evaluation `fit` runs after the epoch — on the 8,000 / 2,000 split of the `mnist` package.
 * Data loading (and the one-hot encoding and split) is done once and not timed. typegrad only
 * (TS backend, WASM 1 and 2 threads); the peers are compared on the MLP step.
 */

import { loadMnist } from "../src/datasets/index.js";
import { adam, type Backend, configureWasm, exponentialDecay, fit, mlp, oneHot, rng, shiftImages, softmaxCrossEntropy, split, wasm, withBackend } from "../src/index.js";
import type { Row } from "./typegrad.js";

export const MNIST_EPOCH = "MNIST epoch (8000 digits, b128, Adam, eval)";

type Digits = Awaited<ReturnType<typeof loadData>>;

const loadData = async () => {
  const digits = oneHot(await loadMnist(), 10);
  const [train, test] = split(digits, rng(0), 0.8);
  return { train, test };
};

/** One epoch of the main job's loop on backend `be`, in ms (after one untimed warm-up epoch when `warm`). */
const epoch = (be: Backend, { train, test }: Digits, seed: number): number =>
  withBackend(be, () => {
    const net = mlp([784, 128, 64, 10], { hidden: "relu", init: "he", layout: "rows" });
    const params = net.init(rng(seed + 1));
    const batches = Math.ceil(train.m / 128);
    const t0 = performance.now();
    fit({
      model: net,
      params,
      loss: softmaxCrossEntropy,
      optimizer: adam(exponentialDecay(2e-3, 0.85, batches, { staircase: true })),
      train,
      validation: test,
      layout: "rows",
      batchSize: 128,
      epochs: 1,
      seed: seed + 2,
      augment: (b: typeof train, g: Parameters<typeof shiftImages>[1]) => shiftImages(b, g, { max: 1 }),
    });
    return performance.now() - t0;
  });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Rows for the TS reference backend and the WASM backend on 1 and 2 threads (median of `reps` epochs after a warm-up epoch). */
export const runMnistEpoch = async (reference: Backend, quick: boolean): Promise<Row[]> => {
  const data = await loadData();
  const rows: Row[] = [];
  const run = (impl: string, be: Backend, reps: number) => {
    epoch(be, data, 0); // warm-up (JIT, WASM tier-up, the ring)
    const ts = Array.from({ length: reps }, (_, i) => epoch(be, data, i + 1));
    rows.push({ workload: MNIST_EPOCH, impl, median_ms: median(ts) });
  };
  for (const threads of [2, 1] as const) {
    const prev = configureWasm({ threads });
    try {
      run(`typegrad wasm ${threads}T`, wasm, quick ? 1 : 3);
    } finally {
      configureWasm(prev);
    }
  }
  run("typegrad TS", reference, 1);
  return rows;
};
