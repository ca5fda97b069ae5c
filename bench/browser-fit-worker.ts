/**
 * The browser side of `bench/browser-fit.ts`, bundled there and run in a module Web Worker of a
 * cross-origin isolated page: `fit` per batch against the core-API step, on the WASM backend with
 * 2 threads, with the pool's worker gathering the shuffled batches (a training set in shared
 * memory, as `split` makes it) and without (the same set in plain arrays: the main thread copies),
 * and in order (`shuffle: false`, the plain set: what `fit` costs beyond the step without the
 * shuffled gather's scattered reads).
 * MNIST-sized synthetic data as `bench/fit-outside.ts` (M examples of 784 features, 10 classes;
 * the MLP 784-128-64-10 with relu, SGD, batch 128). Rounds alternate the order of the forms.
 * Before and after each timed form it posts `{ mark }` and waits for the page's go, so that the
 * driver can read this thread's CPU time (and the pool's worker's). Posts `{ result }` or
 * `{ error }` to the page.
 */
import { configureWasm, fit, fromArray, fromFlat, gd, mlp, ready, rng, softmaxCrossEntropy, split, trainStep, wasmStats } from "../src/index.js";

const scope = globalThis as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: unknown) => void) | null;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency: number };
  location: { search: string };
};
/** Tell the driver that form `label` starts or ends (it reads the threads' CPU times) and wait for its go. */
const mark = (label: string): Promise<void> =>
  new Promise((resolve) => {
    scope.onmessage = () => resolve();
    scope.postMessage({ mark: label });
  });
const params = new URLSearchParams(scope.location.search);
const m = Number(params.get("m") ?? "60000");
const epochs = Number(params.get("epochs") ?? "1");
const rounds = Number(params.get("rounds") ?? "3");

const run = async () => {
  configureWasm({ threads: 2 });
  await ready();
  for (let i = 0; i < 1000 && wasmStats().threads < 2; i++) await new Promise((r) => setTimeout(r, 10));
  const F = 784;
  const C = 10;
  const bs = 128;
  let s = 12345;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const all = m + 10000;
  const x = new Float32Array(all * F);
  for (let i = 0; i < x.length; i++) x[i] = rand();
  const y = new Float32Array(all * C);
  for (let i = 0; i < all; i++) y[i * C + Math.floor(rand() * C)] = 1;
  const shared = split(fromFlat(F, C, x, y), rng(0), m / all)[0];
  const plain = fromFlat(F, C, Float32Array.from(shared.x), Float32Array.from(shared.y));
  const net = mlp([F, 128, 64, C], { hidden: "relu", layout: "rows" });
  const opt = gd(0.01);
  const batches = Math.ceil(m / bs);
  const X1 = fromArray([bs, F], shared.x.subarray(0, bs * F));
  const Y1 = fromArray([bs, C], shared.y.subarray(0, bs * C));
  const byWorker: Record<string, number[]> = { shared: [], plain: [] };
  /** The share of the split kernels' chunks the main thread ran (no worker had claimed them). */
  const onMain: Record<string, number[]> = { shared: [], plain: [], "in order": [] };
  const fitOn =
    (name: "shared" | "plain" | "in order", data: typeof shared, shuffle = true) =>
    (n: number) => {
      const before = wasmStats();
      const t0 = performance.now();
      fit({ model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: opt, train: data, layout: "rows", batchSize: bs, epochs: n, shuffle });
      const t = (performance.now() - t0) / (n * batches);
      const after = wasmStats();
      byWorker[name]?.push((after.gatheredByWorker - before.gatheredByWorker) / (after.gathered - before.gathered));
      onMain[name]?.push((after.splitChunksOnMain - before.splitChunksOnMain) / (after.splitChunks - before.splitChunks));
      return t;
    };
  const forms: Record<string, (n: number) => number> = {
    "fit, shared set (the worker gathers)": fitOn("shared", shared),
    "fit, plain set (the main thread copies)": fitOn("plain", plain),
    "fit in order, plain set": fitOn("in order", plain, false),
    core: (n) => {
      let p = net.init(rng(1));
      let st = opt.init(p);
      const t0 = performance.now();
      for (let i = 0; i < n * batches; i++) ({ params: p, state: st } = trainStep(net, softmaxCrossEntropy, opt, p, st, X1, Y1, { layout: "rows", donate: true }));
      return (performance.now() - t0) / (n * batches);
    },
  };
  const names = Object.keys(forms);
  for (const k of names) forms[k]?.(1);
  const ts: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++)
    for (const k of r % 2 === 0 ? names : [...names].reverse()) {
      await mark(`start ${k}`);
      ts[k]?.push((forms[k] as (n: number) => number)(epochs));
      await mark(`end ${k}`);
    }
  return {
    crossOriginIsolated: scope.crossOriginIsolated === true,
    hardwareConcurrency: scope.navigator.hardwareConcurrency,
    threads: wasmStats().threads,
    relaxedSimd: wasmStats().relaxedSimd,
    m,
    epochs,
    batches: epochs * batches,
    ms: ts,
    byWorker,
    onMain,
  };
};

run().then(
  (result) => scope.postMessage({ result }),
  (e: unknown) => scope.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
