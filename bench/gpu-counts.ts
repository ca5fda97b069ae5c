/**
 * `npm run bench:gpu-counts`: what one training step costs the WebGPU backend in commands, counted
 * by the backend itself (`webgpuInfo()`): dispatches, submits, reads back to the host and buffers
 * created, per MLP step (`trainStepAsync`, gd and Adam) and per `fitAsync` batch. Counts, not
 * times: they are the same on SwiftShader as on a GPU, so this runs anywhere an adapter can be
 * made (`--swiftshader` re-runs itself with the SwiftShader driver, as `bench:gpu` does).
 * `--json` prints one JSON line instead of the table.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { adam, examples, fitAsync, fromArray, gd, mlp, type Optimizer, ready, rng, softmaxCrossEntropy, type Tensor, trainStepAsync, webgpuInfo } from "typegrad";
import { swiftshaderDir, swiftshaderEnv } from "./swiftshader.js";

const args = process.argv.slice(2);
if (args.includes("--swiftshader") && process.env.VK_ICD_FILENAMES === undefined) {
  const dir = swiftshaderDir();
  if (dir === undefined) throw new Error("bench:gpu-counts --swiftshader: no SwiftShader driver (apt-get install chromium, or bash bench/swiftshader.sh)");
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: "inherit", env: swiftshaderEnv(dir) });
  process.exit(r.status ?? 1);
}

/** The backend's counters that a step moves. */
interface Counts {
  readonly dispatches: number;
  readonly submits: number;
  readonly reads: number;
  readonly created: number;
}

const snapshot = (): Counts => {
  const i = webgpuInfo();
  if (i === undefined) throw new Error("bench:gpu-counts: the WebGPU backend is not loaded");
  return { dispatches: i.dispatches, submits: i.submits, reads: i.reads, created: i.created };
};

/** The counters moved by `f`, divided by `per`. */
const counted = async (per: number, f: () => Promise<unknown>): Promise<Counts> => {
  const a = snapshot();
  await f();
  const b = snapshot();
  return { dispatches: (b.dispatches - a.dispatches) / per, submits: (b.submits - a.submits) / per, reads: (b.reads - a.reads) / per, created: (b.created - a.created) / per };
};

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
};
const oneHot = (m: number, k: number): number[][] => Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => (j === (i * 7) % k ? 1 : 0)));

/** The course's MNIST model, 784-128-64-10 ReLU, rows layout; counts do not depend on the batch, so a small one. */
const dims = [784, 128, 64, 10] as const;
const batch = 32;

const main = async (): Promise<void> => {
  await ready("webgpu");
  const net = mlp([...dims], { hidden: "relu", init: "he", layout: "rows" });
  const X = fromArray([batch, dims[0]], rand(batch * dims[0], 1));
  const Y = fromArray([batch, dims[3]], oneHot(batch, dims[3]).flat());
  const rows: [string, Counts][] = [];
  for (const [name, opt] of [
    ["gd", gd(0.1)],
    ["adam", adam(1e-3)],
  ] as const) {
    let params = net.init(rng(0));
    let state = (opt as Optimizer).init(params);
    const step = async () => {
      const r = await trainStepAsync(net, softmaxCrossEntropy, opt as Optimizer, params, state, X as Tensor, Y as Tensor, { layout: "rows" });
      params = r.params;
      state = r.state;
    };
    // the first steps compile the kernels and fill the pool
    for (let i = 0; i < 2; i++) await step();
    const steps = 4;
    rows.push([
      `trainStepAsync, ${name}: per step`,
      await counted(steps, async () => {
        for (let i = 0; i < steps; i++) await step();
      }),
    ]);
  }
  // fitAsync: the steady cost of a batch is what a second epoch adds to a first (no validation)
  const m = 4 * batch;
  const xs = Array.from({ length: m }, (_, i) => Array.from(rand(dims[0], 7 + i)));
  const train = examples<784, 10>(xs, oneHot(m, dims[3]));
  const fitFor = (epochs: number) => () => fitAsync({ model: net, params: net.init(rng(5)), loss: softmaxCrossEntropy, optimizer: gd(0.1), train, layout: "rows", batchSize: batch, epochs, seed: 3 });
  await fitFor(1)();
  const one = await counted(1, fitFor(1));
  const two = await counted(1, fitFor(2));
  const perBatch = m / batch;
  rows.push([
    "fitAsync, gd: per batch",
    {
      dispatches: (two.dispatches - one.dispatches) / perBatch,
      submits: (two.submits - one.submits) / perBatch,
      reads: (two.reads - one.reads) / perBatch,
      created: (two.created - one.created) / perBatch,
    },
  ]);
  const adapter = webgpuInfo()?.adapter;
  if (args.includes("--json")) {
    console.log(JSON.stringify({ adapter, model: dims.join("-"), batch, rows: Object.fromEntries(rows) }));
    return;
  }
  console.log(`# WebGPU commands per training step: MLP ${dims.join("-")} (ReLU, softmax cross-entropy), batch ${batch}, on ${adapter?.vendor} ${adapter?.architecture}`);
  console.log("| what | dispatches | submits | reads | buffers created |");
  console.log("|---|---|---|---|---|");
  for (const [what, c] of rows) console.log(`| ${what} | ${c.dispatches} | ${c.submits} | ${c.reads} | ${c.created} |`);
};

await main();
// Dawn keeps handles open: leave now that everything is printed
process.exit(0);
