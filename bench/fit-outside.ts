/**
 * `npx tsx bench/fit-outside.ts [--tarball path] [--runs N] [--rounds R] [--epochs E] [--m M] [--threads T] [--data split|flat]`: `fit` against
 * a hand loop of `trainStep`, checked the way an outside reviewer would: from the packed package
 * (`npm pack`, installed into a fresh temporary project), in plain `node` processes, with the
 * library's defaults (the WASM backend on every core, `fit` shuffling). Not part of `npm test`.
 *
 * Each run is a fresh process: MNIST-sized synthetic data (M = 60,000 examples of 784 features, 10
 * classes), the MLP 784-128-64-10 with relu, SGD, batch 128. The training set comes from the public
 * constructors a user calls: `--data split` (the default) `fromFlat` of M + 10,000 examples, then
 * `split` into M for training and 10,000 held out, as MNIST's 60,000/10,000 (so it lies in shared
 * memory, where the pool's worker gathers `fit`'s batches); `--data flat` `fromFlat` of M examples
 * in the user's own plain arrays (the main thread gathers them). R rounds (default 3), each form
 * once per round, the order reversed every other round, after a warm-up round of one epoch each:
 *
 * - `fit`: `fit({ …, batchSize: 128, epochs: E })` as a user writes it (shuffled), timed whole and
 *   divided by its batches (setup, shuffling and the epochs' first batches included);
 * - `fit in order`: the same with `shuffle: false`;
 * - `core`: the issue's core-API step: a loop of `trainStep(…, { donate: true })` on one batch,
 *   as many steps as `fit` takes;
 * - `sliced`: a loop of `trainStep(…, { donate: true })` on batches the user slices in order
 *   from the same set (`fromArray` of a `subarray`).
 *
 * Prints per run the medians over its rounds and the ratios `fit / core`, the share of `fit`'s
 * batch elements the worker copied (`wasmStats().gatheredByWorker`), then the ratios over all runs. `--tarball` reuses a tarball made before (else `npm pack` builds one, ~1–2 minutes).
 * `--threads 1` gives figures a loaded host cannot distort by descheduling the pool's worker.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(arg("--runs", "3"));
const rounds = Number(arg("--rounds", "3"));
/** The WASM backend's threads (`configureWasm`); the library's default (every core) when not given. */
const threads = arg("--threads", "");
const epochs = Number(arg("--epochs", "2"));
const m = Number(arg("--m", "60000"));
const data = arg("--data", "split");
if (data !== "split" && data !== "flat") throw new Error(`fit-outside: --data must be split or flat, got ${data}`);
const root = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "typegrad-fit-outside-"));

const sh = (cmd: string, args: readonly string[], cwd: string): string => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${`${r.stdout}${r.stderr}`.slice(-3000)}`);
  return r.stdout;
};

let tarball = arg("--tarball", "");
if (tarball === "") {
  console.error("fit-outside: npm pack (builds dist/)…");
  const out = sh("npm", ["pack", "--json", "--pack-destination", work], root);
  tarball = join(work, (JSON.parse(out.slice(out.lastIndexOf("\n[\n") + 1)) as { filename: string }[])[0]?.filename as string);
}
const app = join(work, "app");
mkdirSync(app);
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "reviewer", private: true, type: "module", dependencies: { typegrad: `file:${tarball}` } }));
sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app);

// what a reviewer writes: public API only, plain JavaScript
writeFileSync(
  join(app, "check.mjs"),
  `import { configureWasm, fit, fromArray, fromFlat, gd, mlp, ready, rng, softmaxCrossEntropy, split, trainStep, wasmStats } from "typegrad";
await ready();
${threads === "" ? "" : `configureWasm({ threads: ${Number(threads)} });`}
const [m, epochs, rounds] = [${m}, ${epochs}, ${rounds}];
const F = 784, C = 10, bs = 128;
// MNIST-sized synthetic data: pixels in [0, 1), one-hot labels
let s = 12345;
const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const all = ${data === "split" ? "m + 10000" : "m"};
let train;
{
  const x = new Float32Array(all * F);
  for (let i = 0; i < x.length; i++) x[i] = rand();
  const y = new Float32Array(all * C);
  for (let i = 0; i < all; i++) y[i * C + Math.floor(rand() * C)] = 1;
  train = ${data === "split" ? "split(fromFlat(F, C, x, y), rng(0), m / all)[0]" : "fromFlat(F, C, x, y)"};
}
if (train.m !== m) throw new Error("fit-outside: the training set has " + train.m + " examples");
const { x, y } = train;
const net = mlp([F, 128, 64, C], { hidden: "relu", layout: "rows" });
const opt = gd(0.01);
const batches = Math.ceil(m / bs);
const steps = epochs * batches;
const X1 = fromArray([bs, F], x.subarray(0, bs * F));
const Y1 = fromArray([bs, C], y.subarray(0, bs * C));
const forms = {
  fit: (n) => {
    const params = net.init(rng(1));
    const before = wasmStats();
    const t0 = performance.now();
    fit({ model: net, params, loss: softmaxCrossEntropy, optimizer: opt, train, layout: "rows", batchSize: bs, epochs: n });
    const t = (performance.now() - t0) / (n * batches);
    const after = wasmStats();
    byWorker.push((after.gatheredByWorker - before.gatheredByWorker) / (after.gathered - before.gathered));
    return t;
  },
  "fit in order": (n) => {
    const params = net.init(rng(1));
    const t0 = performance.now();
    fit({ model: net, params, loss: softmaxCrossEntropy, optimizer: opt, train, layout: "rows", batchSize: bs, epochs: n, shuffle: false });
    return (performance.now() - t0) / (n * batches);
  },
  core: (n) => {
    let params = net.init(rng(1));
    let state = opt.init(params);
    const t0 = performance.now();
    for (let i = 0; i < n * batches; i++) ({ params, state } = trainStep(net, softmaxCrossEntropy, opt, params, state, X1, Y1, { layout: "rows", donate: true }));
    return (performance.now() - t0) / (n * batches);
  },
  sliced: (n) => {
    let params = net.init(rng(1));
    let state = opt.init(params);
    const t0 = performance.now();
    for (let i = 0; i < n * batches; i++) {
      const b = i % batches, from = b * bs, to = Math.min(m, from + bs);
      const X = fromArray([to - from, F], x.subarray(from * F, to * F));
      const Y = fromArray([to - from, C], y.subarray(from * C, to * C));
      ({ params, state } = trainStep(net, softmaxCrossEntropy, opt, params, state, X, Y, { layout: "rows", donate: true }));
    }
    return (performance.now() - t0) / (n * batches);
  },
};
const byWorker = [];
const names = Object.keys(forms);
for (const k of names) forms[k](1);
// the main thread's CPU time (Linux: /proc, in clock ticks of 10 ms), which a loaded host does not
// inflate by descheduling it: what the step costs the thread that runs it
const { readFileSync } = process.getBuiltinModule("node:fs");
const mainCpu = () => {
  try {
    const f = readFileSync("/proc/self/task/" + process.pid + "/stat", "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
};
const ts = Object.fromEntries(names.map((k) => [k, []]));
const cpu = Object.fromEntries(names.map((k) => [k, []]));
for (let r = 0; r < rounds; r++)
  for (const k of r % 2 === 0 ? names : [...names].reverse()) {
    const c0 = mainCpu();
    ts[k].push(forms[k](epochs));
    cpu[k].push((mainCpu() - c0) / (epochs * batches));
  }
const med = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const ratios = (k) => ts[k].map((v, i) => v / ts.core[i]);
console.log(JSON.stringify({ cpuMs: Object.fromEntries(names.map((k) => [k, med(cpu[k])])), cpuFitOverCore: med(cpu.fit.map((v, i) => v / cpu.core[i])), ms: Object.fromEntries(names.map((k) => [k, med(ts[k])])), fitOverCore: med(ratios("fit")), inOrderOverCore: med(ratios("fit in order")), slicedOverCore: med(ratios("sliced")), byWorker: med(byWorker), fitOverSliced: med(ts.fit.map((v, i) => v / ts.sliced[i])), perRound: ratios("fit") }));
process.exit(0);
`,
);

const all: { fit: number; inOrder: number; sliced: number }[] = [];
for (let r = 0; r < runs; r++) {
  const out = sh(process.execPath, ["check.mjs"], app).trim().split("\n").pop() as string;
  const res = JSON.parse(out) as {
    cpuMs: Record<string, number>;
    cpuFitOverCore: number;
    ms: Record<string, number>;
    fitOverCore: number;
    inOrderOverCore: number;
    slicedOverCore: number;
    fitOverSliced: number;
    byWorker: number;
    perRound: number[];
  };
  all.push({ fit: res.fitOverCore, inOrder: res.inOrderOverCore, sliced: res.slicedOverCore });
  console.log(
    `run ${r + 1}: ms per step ${Object.entries(res.ms)
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(
        ", ",
      )}; fit / core ${res.fitOverCore.toFixed(3)}× (rounds ${res.perRound.map((v) => v.toFixed(2)).join(", ")}), fit in order / core ${res.inOrderOverCore.toFixed(3)}×, sliced / core ${res.slicedOverCore.toFixed(3)}×, fit / sliced ${res.fitOverSliced.toFixed(3)}×; fit's batch elements copied by the worker ${(100 * res.byWorker).toFixed(1)}%; main thread's CPU ms per step ${Object.entries(
      res.cpuMs,
    )
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(", ")}, fit / core ${res.cpuFitOverCore.toFixed(3)}×`,
  );
}
const fmt = (k: "fit" | "inOrder" | "sliced") => all.map((a) => `${a[k].toFixed(3)}×`).join(", ");
console.log(`fit / core over ${runs} runs: ${fmt("fit")}; fit in order / core: ${fmt("inOrder")}; sliced / core: ${fmt("sliced")}`);
rmSync(work, { recursive: true, force: true });
