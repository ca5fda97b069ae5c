/**
 * `npm run bench`: typegrad (TS reference backend, WASM 1 thread, WASM on every core) against
 * tfjs-backend-cpu, tfjs-backend-wasm, jax-js (wasm, jit) and numpy (python3, one thread, when
 * present), in one run; medians with warm-up; ratios; time to peak (the first 20 MLP steps of a
 * fresh process, each implementation in its own child process); memory over 10,000 training steps; the
 * type-checker cost of typed models. Writes bench/results.json and prints markdown tables.
 * `npm run bench -- --quick` runs a shorter version; `npm run bench -- --only elementwise,reductions`
 * runs only those groups of rows (bench/select.ts lists them).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { configureWasm, reference, wasm, wasmStats, withBackend } from "../src/index.js";
import { jaxMlpStep, runJax, useJax } from "./jax.js";
import { runLstm } from "./lstm.js";
import { runMnistEpoch } from "./mnist.js";
import { GROUPS, only, runs } from "./select.js";
import { runTfjs, tfjsMlpStep, useTfjs } from "./tfjs.js";
import { measure, measureAsync, type Timing } from "./timing.js";
import { typecheckCost } from "./typecheck.js";
import { fitAgainstCore, fitVsCoreCpu, memorySteps, type Row, runTypegrad, runWasm, spread, typegradMlpStep, wasmReady } from "./typegrad.js";
import { COLD, dropped, flops, isDropped, MLP } from "./workloads.js";

const quick = process.argv.includes("--quick");
const partial = only.size < Object.keys(GROUPS).length;
/** Peers and backends that have rows in the selected groups. */
const rowGroups = runs("matmul") || runs("elementwise") || runs("reductions") || runs("mlp");
const root = fileURLToPath(new URL("..", import.meta.url));
const notes: string[] = [];
const rows: Row[] = [];
const log = (s: string) => process.stderr.write(`${s}\n`);

const attempt = async (name: string, f: () => Promise<Row[]> | Row[]): Promise<void> => {
  log(`bench: ${name}…`);
  try {
    rows.push(...(await f()));
  } catch (e) {
    notes.push(`${name} skipped: ${(e as Error).message.split("\n")[0]}`);
  }
};

const numpy = (): Row[] => {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  // OPENBLAS_CORETYPE/L2_SIZE are set on some machines for old OpenBLAS builds; they slow a current numpy
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const out = execFileSync("python3", [fileURLToPath(new URL("numpy_bench.py", import.meta.url)), "--only", [...only].join(",")], { env, encoding: "utf8", timeout: 600_000 });
  const res = JSON.parse(out) as { numpy: string; blas: string; rows: { workload: string; median_ms: number }[] };
  notes.push(`numpy ${res.numpy} (${res.blas || "unknown BLAS"}), 1 thread`);
  return res.rows.map((r) => ({ workload: r.workload, impl: "numpy 1T", median_ms: r.median_ms }));
};

const threads = await wasmReady();
/** Every core (at least 2: on one core the 2T rows show the pool's overhead). */
const many = Math.max(2, configureWasm({}).threads);
const MANY = `typegrad wasm ${many}T`;
if (threads < many) notes.push(`WASM worker threads unavailable: the '${many}T' rows ran on ${threads} thread(s)`);
if (rowGroups) {
  await attempt(`typegrad wasm ${many} threads`, () => runWasm(many, quick));
  await attempt("typegrad wasm 1 thread", () => runWasm(1, quick));
  await attempt("typegrad reference (TS)", () => runTypegrad("typegrad TS", reference, quick).map((r) => r));
  await attempt("tfjs wasm", () => runTfjs("wasm", quick));
  await attempt("tfjs cpu", () => runTfjs("cpu", quick));
  await attempt("jax-js wasm (jit)", () => runJax());
  await attempt("numpy", () => numpy());
}
if (runs("mnist")) await attempt("MNIST epoch (typegrad)", () => runMnistEpoch(reference, quick));
// time to peak: each implementation in a fresh child process (bench/cold.ts)
/** What bench/cold.ts prints (the figures of the step part: medians over its fresh processes). */
interface Cold {
  readonly import_ready_ms: number;
  readonly first20_ms: number;
  readonly steady20_ms: number;
  readonly step_runs: number;
  readonly ratios: readonly number[];
  readonly ratio_median: number;
  readonly ratio_max: number;
}
const cold = new Map<string, Cold>();
for (const impl of runs("cold") ? ["typegrad wasm", "tfjs wasm", "jax-js wasm"] : []) {
  log(`bench: cold start, ${impl}…`);
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("cold.ts", import.meta.url)), impl], {
      encoding: "utf8",
      timeout: 300_000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const r = JSON.parse(out.trim().split("\n").pop() as string) as Cold;
    cold.set(impl, r);
    rows.push({ workload: COLD, impl: impl === "typegrad wasm" ? MANY : impl, median_ms: r.first20_ms });
  } catch (e) {
    notes.push(`cold start of ${impl} skipped: ${(e as Error).message.split("\n")[0]}`);
  }
}
if (runs("lstm")) {
  await attempt("LSTM train step (typegrad wasm, tfjs wasm)", () => runLstm(quick));
  notes.push(
    "LSTM train step: bench/lstm.ts (`npm run bench:lstm`): typegrad's lstm layer (scan, backprop through time by its pullback) against tfjs-core's basicLSTMCell unrolled on tfjs's tape, interleaved rounds; the CPU row counts every thread",
  );
}
if (runs("mnist"))
  notes.push(
    "MNIST epoch: one epoch of the main job's fit loop (examples/mnist.ts settings, held-out evaluation included, data loading excluded), median of 3 epochs after a warm-up epoch (TS backend: 1); typegrad only, peers are compared on the MLP step",
  );
if (runs("elementwise"))
  notes.push(
    "Elementwise and softmax rows: typegrad's result is made in a scope that gives its memory back at once (`tidy`), as tfjs and jax-js dispose theirs; the ratios and the targets are on this form. The plain form, the result dropped with nothing disposed (a dropped 4 MB result is copied to the JS heap when the WASM ring comes round to it), is in the table after the ratios",
  );
if (partial) notes.push(`a partial run: \`--only ${[...only].join(",")}\``);

// The targets are ratios on the MLP step, and this host's speed drifts by up to 1.5x over
// minutes: the block measurements above put minutes between the implementations. So the
// step is also measured interleaved, in rounds, each implementation once per round.
log("bench: MLP step, interleaved rounds…");
const interleaved = await (async () => {
  const out = new Map<string, number[]>();
  if (!runs("step")) return out;
  try {
    await useTfjs("wasm");
    const tfjsStep = tfjsMlpStep();
    await useJax();
    const jaxStep = jaxMlpStep();
    const ours = withBackend(wasm, () => typegradMlpStep());
    const kept = withBackend(wasm, () => typegradMlpStep(MLP, false));
    const onWasm =
      (threads: number, s = ours) =>
      () => {
        configureWasm({ threads });
        withBackend(wasm, s);
      };
    const impls: [string, () => Timing | Promise<Timing>][] = [
      ["typegrad wasm 1T", () => measure(onWasm(1), 300, 10, 3)],
      [MANY, () => measure(onWasm(many), 300, 10, 3)],
      [`${MANY} kept`, () => measure(onWasm(many, kept), 300, 10, 3)],
      ["tfjs wasm", () => measure(tfjsStep.step, 300, 10, 3)],
      ["jax-js wasm", () => measureAsync(jaxStep.step, 300, 10, 3)],
    ];
    for (let round = 0; round < (quick ? 2 : 7); round++) for (const [name, run] of impls) out.set(name, [...(out.get(name) ?? []), (await run()).median_ms]);
    tfjsStep.dispose();
  } catch (e) {
    notes.push(`interleaved MLP step skipped: ${(e as Error).message.split("\n")[0]}`);
  }
  return out;
})();

// `fit` against the core-API step: its own interleaved rounds, every form once per round, the order
// reversed every other round; then in CPU time on one thread
if (runs("step")) log("bench: fit against the core-API step, interleaved rounds…");
const fitRounds = (() => {
  if (!runs("step")) return undefined;
  configureWasm({ threads: many });
  const s0 = wasmStats();
  const r = fitAgainstCore(MLP, quick ? 4 : 24);
  const s1 = wasmStats();
  const gathered = Math.max(1, s1.gathered - s0.gathered);
  return { rounds: r, waiting: (s1.gatheredWhileWaiting - s0.gatheredWhileWaiting) / gathered, byWorker: (s1.gatheredByWorker - s0.gatheredByWorker) / gathered };
})();
if (runs("step")) log("bench: fit against the core-API step, CPU time…");
const fitCpu = runs("step") ? fitVsCoreCpu(undefined, quick ? 5 : 25) : undefined;

const steps = quick ? 1000 : 10_000;
if (runs("memory")) log("bench: memory over training steps…");
const mem = runs("memory") ? memorySteps(steps) : undefined;

const typecheck = (() => {
  if (!runs("types")) return { rows: [], notes: [] };
  if (quick) return typecheckCost([{ name: "tsc 5.9", cmd: process.execPath, args: [`${root}/node_modules/typescript/bin/tsc`] }], [10, 50]);
  log("bench: type-checker cost…");
  return typecheckCost([
    { name: "tsc 5.9", cmd: process.execPath, args: [`${root}/node_modules/typescript/bin/tsc`] },
    { name: "tsc 7", cmd: "npx", args: ["-y", "-p", "typescript@7.0.2", "tsc"] },
  ]);
})();
notes.push(...typecheck.notes);

// -------------------------------------------------------------------------------------
// report
// -------------------------------------------------------------------------------------

const workloads = [...new Set(rows.map((r) => r.workload))].filter((w) => !isDropped(w));
/** Workloads that also have a result-dropped row (the scoped form is the one in the main table). */
const droppedToo = workloads.filter((w) => rows.some((r) => r.workload === dropped(w)));
const impls = ["typegrad TS", "typegrad wasm 1T", MANY, "tfjs cpu", "tfjs wasm", "jax-js wasm", "numpy 1T"].filter((i) => rows.some((r) => r.impl === i));
const get = (w: string, i: string) => rows.find((r) => r.workload === w && r.impl === i)?.median_ms;
const fmt = (ms: number | undefined, w: string) => {
  if (ms === undefined) return "–";
  const f = flops(w);
  return f === undefined ? `${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms` : `${ms < 1 ? ms.toFixed(3) : ms.toFixed(1)} ms (${(f / ms / 1e6).toFixed(1)} GF/s)`;
};

const load = (() => {
  try {
    return execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
})();
const machine = `${cpus().length}× ${cpus()[0]?.model ?? "?"}, Node ${process.version}, load average ${load}`;
const lines: string[] = [];
lines.push(
  `### typegrad benchmark (${new Date().toISOString().slice(0, 10)}, ${machine}, \`npm run bench${quick || partial ? " --" : ""}${quick ? " --quick" : ""}${partial ? ` --only ${[...only].join(",")}` : ""}\`)`,
  "",
);
lines.push(`| workload | ${impls.join(" | ")} |`, `|---|${impls.map(() => "---").join("|")}|`);
for (const w of workloads) lines.push(`| ${w} | ${impls.map((i) => fmt(get(w, i), w)).join(" | ")} |`);
lines.push("", "Ratios (peer time / typegrad wasm time; > 1 means typegrad is faster):", "");
const ours = (w: string) => Math.min(get(w, MANY) ?? Infinity, get(w, "typegrad wasm 1T") ?? Infinity);
const peers = impls.filter((i) => !i.startsWith("typegrad"));
lines.push(`| workload | ${peers.map((p) => `vs ${p}`).join(" | ")} | 1T vs tfjs wasm |`, `|---|${peers.map(() => "---").join("|")}|---|`);
for (const w of workloads) {
  const one = get(w, "typegrad wasm 1T");
  const tw = get(w, "tfjs wasm");
  lines.push(
    `| ${w} | ${peers.map((p) => (get(w, p) === undefined ? "–" : `${((get(w, p) as number) / ours(w)).toFixed(2)}×`)).join(" | ")} | ${one !== undefined && tw !== undefined ? `${(tw / one).toFixed(2)}×` : "–"} |`,
  );
}
if (droppedToo.length > 0) {
  const forms = [MANY, "typegrad wasm 1T"].filter((i) => rows.some((r) => r.impl === i));
  lines.push(
    "",
    "typegrad's result scoped (`tidy`: its memory given back at once, as the peers dispose) against dropped (nothing disposed: the plain pattern), and tfjs-wasm (disposed):",
    "",
    `| workload | ${forms.map((f) => `${f} scoped | ${f} dropped`).join(" | ")} | tfjs wasm | tfjs wasm / scoped | tfjs wasm / dropped |`,
    `|---|${forms.map(() => "---|---").join("|")}|---|---|---|`,
  );
  for (const w of droppedToo) {
    const tw = get(w, "tfjs wasm");
    const best = (d: boolean) => Math.min(...forms.map((f) => get(d ? dropped(w) : w, f) ?? Infinity));
    const ratio = (d: boolean) => (tw === undefined || best(d) === Infinity ? "–" : `${(tw / best(d)).toFixed(2)}×`);
    lines.push(`| ${w} | ${forms.map((f) => `${fmt(get(w, f), w)} | ${fmt(get(dropped(w), f), w)}`).join(" | ")} | ${fmt(tw, w)} | ${ratio(false)} | ${ratio(true)} |`);
  }
}
if (interleaved.size > 0) {
  const med = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const names = [...interleaved.keys()];
  const m = new Map(names.map((n) => [n, med(interleaved.get(n) as number[])]));
  const best = Math.min(m.get("typegrad wasm 1T") ?? Infinity, m.get(MANY) ?? Infinity);
  const numpyStep = get(MLP.name, "numpy 1T");
  lines.push(
    "",
    `MLP train step, interleaved: ${(interleaved.get(names[0] as string) as number[]).length} rounds, each implementation once per round (0.3 s each); the median of the round medians, and the ratio to typegrad's faster configuration (numpy from its block above). typegrad's step donates the old parameters (\`trainStep(…, { donate: true })\`), as the peers free or overwrite theirs; \`kept\` is the same step without donation (every old parameter kept readable, copied out of WASM memory):`,
    "",
    `| ${names.join(" | ")} | numpy 1T |`,
    `|${names.map(() => "---").join("|")}|---|`,
    `| ${names.map((n) => `${(m.get(n) as number).toFixed(3)} ms`).join(" | ")} | ${numpyStep === undefined ? "–" : `${numpyStep.toFixed(3)} ms`} |`,
    `| ${names.map((n) => (n.startsWith("typegrad") ? "" : `${((m.get(n) as number) / best).toFixed(2)}×`)).join(" | ")} | ${numpyStep === undefined ? "–" : `${(numpyStep / best).toFixed(2)}×`} |`,
    "",
    "",
    `Round medians (ms): ${names.map((n) => `${n} ${(interleaved.get(n) as number[]).map((v) => v.toFixed(2)).join(", ")}`).join("; ")}.`,
  );
}
if (fitRounds !== undefined && fitRounds.rounds.length > 0) {
  const rs = fitRounds.rounds;
  const col = (k: keyof (typeof rs)[number]) => spread(rs.map((r) => r[k]));
  const ratio = (a: keyof (typeof rs)[number], b: keyof (typeof rs)[number]) => spread(rs.map((r) => r[a] / r[b]));
  const show = (x: { median: number; q1: number; q3: number }, unit: string) => `${x.median.toFixed(unit === "×" ? 3 : 3)}${unit} (${x.q1.toFixed(3)}–${x.q3.toFixed(3)})`;
  lines.push(
    "",
    `\`fit\` against the core-API step on ${many} threads (MLP 784-128-64-10, batch 128, SGD; a set of 40 batches on shared memory, as \`loadMnist\`, \`examples\`, \`take\` and \`split\` make it in Node; no shuffle): ${rs.length} interleaved rounds, each form once per round, the order reversed every other round; medians and quartiles (q1–q3) of the per-round figures. \`core\`: the issue's core-API step, on one resident batch (40 steps timed whole: \`block\`; and one by one: \`step\`). \`fresh\`: a hand loop of \`trainStep\` that slices a new batch from the set each step (\`fromArray\` of a \`subarray\`). \`fit epoch\`: one \`fit\` call of 40 batches timed whole (its setup and first batch included), on the shared set and on the same values in the user's own plain \`Float32Array\`s (\`fromFlat\`; the main thread gathers those); \`fit batch\`: the median over single batches (\`onBatch\` to \`onBatch\`). Of \`fit\`'s batch elements (both sets), ${(fitRounds.byWorker * 100).toFixed(0)}% were copied by the pool's worker and ${(fitRounds.waiting * 100).toFixed(0)}% by the main thread while it waited for the workers.`,
    "",
    "| form | ms per step (q1–q3) | against the core step (q1–q3) |",
    "|---|---|---|",
    `| core block | ${show(col("block"), " ms")} | |`,
    `| core step (median of single steps) | ${show(col("step"), " ms")} | |`,
    `| fresh batch (hand loop) | ${show(col("fresh"), " ms")} | ${show(ratio("fresh", "block"), "×")} of block |`,
    `| fit epoch | ${show(col("epoch"), " ms")} | **${show(ratio("epoch", "block"), "×")}** of block; ${show(ratio("epoch", "fresh"), "×")} of fresh |`,
    `| fit epoch, the user's plain arrays | ${show(col("epochPlain"), " ms")} | ${show(ratio("epochPlain", "block"), "×")} of block |`,
    `| fit batch | ${show(col("batch"), " ms")} | **${show(ratio("batch", "step"), "×")}** of step |`,
    ...(fitCpu === undefined ? [] : [`| fit epoch, CPU time, 1 thread | ${fitCpu.fit_ms.toFixed(3)} ms (core ${fitCpu.core_ms.toFixed(3)} ms) | **${show(fitCpu.ratio, "×")}** |`]),
  );
}
if (cold.size > 0) {
  lines.push(
    "",
    "Time to peak (bench/cold.ts): import and make ready in fresh plain-Node processes (median), then, in each of nine fresh plain-Node processes of the installed packages (typegrad: its built `dist/`), the first 20 MLP steps (784-128-64-10 b128) against 20 steady steps (after a 1.5 s warm-up, the median of five windows of 20; times: medians over the processes; first / steady: the median of the per-process ratios, their maximum, and each):",
    "",
    "| implementation | import + ready ms | first 20 steps ms | steady 20 steps ms | first / steady (median) | max | per process |",
    "|---|---|---|---|---|---|---|",
  );
  for (const [impl, r] of cold)
    lines.push(
      `| ${impl} | ${r.import_ready_ms.toFixed(0)} | ${r.first20_ms.toFixed(1)} | ${r.steady20_ms.toFixed(1)} | ${r.ratio_median.toFixed(2)}× | ${r.ratio_max.toFixed(2)}× | ${r.ratios.map((x) => x.toFixed(2)).join(", ")} |`,
    );
}
if (mem !== undefined) {
  lines.push(
    "",
    `Memory, one synchronous loop of ${steps} MLP steps on the WASM backend (${mem.ms_per_step.toFixed(2)} ms/step; ${mem.stats.evictions} evictions, ${mem.stats.copiedOut} copied out, ${mem.stats.copiedIn} copied in; ${mem.stats.ringSpan / 2 ** 20} of the ring's ${mem.stats.ringBytes / 2 ** 20} MiB in use):`,
    "",
  );
  lines.push("| step | RSS MB | JS heap MB | WASM memory MB |", "|---|---|---|---|");
  for (const s of mem.samples) lines.push(`| ${s.step} | ${s.rss_mb} | ${s.heap_mb} | ${s.wasm_mb} |`);
}
if (typecheck.rows.length > 0) {
  lines.push("", "Type-checker cost (generated models; typed = typegrad shape types, untyped = same code over a plain type):", "");
  lines.push("| compiler | model | layers | check s | total s | instantiations |", "|---|---|---|---|---|---|");
  for (const r of typecheck.rows) lines.push(`| ${r.compiler} | ${r.model} | ${r.layers} | ${r.check_s} | ${r.total_s} | ${r.instantiations} |`);
}
if (notes.length > 0) lines.push("", ...notes.map((n) => `- ${n}`));
console.log(lines.join("\n"));

const results = [
  ...[...interleaved].map(([impl, ms]) => ({ workload: `${MLP.name}, interleaved`, impl, median_ms: [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)], rounds_ms: ms })),
  ...[...cold].map(([impl, r]) => ({ workload: "cold start", impl, median_ms: r.first20_ms, ...r })),
  ...rows.map((r) => ({ ...r, gflops: flops(r.workload) === undefined ? undefined : (flops(r.workload) as number) / r.median_ms / 1e6 })),
  ...(fitCpu === undefined
    ? []
    : [
        {
          workload: "fit vs core-API step, CPU time, 1 thread",
          impl: "typegrad wasm 1T",
          median_ms: fitCpu.fit_ms,
          core_ms: fitCpu.core_ms,
          ratio: fitCpu.ratio.median,
          ratio_q1: fitCpu.ratio.q1,
          ratio_q3: fitCpu.ratio.q3,
        },
      ]),
  ...(fitRounds === undefined
    ? []
    : [
        {
          workload: "fit vs core-API step, interleaved rounds",
          impl: MANY,
          median_ms: spread(fitRounds.rounds.map((r) => r.epoch)).median,
          waiting: fitRounds.waiting,
          by_worker: fitRounds.byWorker,
          rounds: fitRounds.rounds,
        },
      ]),
  ...(mem?.samples ?? []).map((s) => ({ workload: `memory after ${s.step} steps`, impl: "typegrad wasm", median_ms: mem?.ms_per_step, rss_mb: s.rss_mb, heap_mb: s.heap_mb, wasm_mb: s.wasm_mb })),
  ...typecheck.rows.map((r) => ({ workload: `typecheck ${r.model} ${r.layers} layers`, impl: r.compiler, median_ms: r.check_s * 1000, total_s: r.total_s, instantiations: r.instantiations })),
];
// a partial run leaves the full run's results.json alone
if (partial) log(`bench: partial run (--only ${[...only].join(",")}): bench/results.json not written`);
else writeFileSync(fileURLToPath(new URL("results.json", import.meta.url)), `${JSON.stringify({ date: new Date().toISOString(), machine, quick, notes, results }, null, 2)}\n`);
process.exit(0);
