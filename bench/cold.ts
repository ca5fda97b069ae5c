/**
 * Time to peak, in fresh processes.
 *
 * `tsx bench/cold.ts <impl> [--runs N]` (`bench/run.ts` runs it once per implementation):
 * 1. import + ready from the installed package: `N` (default 11) fresh plain `node` processes
 *    (no tsx, no engine flag: `TYPEGRAD_RELAXED_SIMD` is unset for them) each import the
 *    implementation as a user's app does and make it ready (typegrad: `import("typegrad")`,
 *    which resolves to this package's built `dist/` through `exports`, then `ready()`; tfjs:
 *    `setBackend` + `ready`; jax-js: `init`), and report the wall and CPU time of that window;
 *    the medians are `import_ready_ms` and `import_ready_cpu_ms`;
 * 2. `K` (`--step-runs K`, default 9) fresh plain `node` processes (this file bundled, every
 *    library the installed package: typegrad's built `dist/`, as in 1 and as an app runs it), one
 *    after the other, each of which imports, makes ready (`import_ready_child_ms`), builds the MLP
 *    step, times the first 20 steps, warms up for 1.5 s and times 5 windows of 20 more, the
 *    median window being the steady figure (`--steps-only` runs one such process and prints its
 *    line). One process says little: on the 2-core host one steady window of 20 steps varied
 *    0.9–1.35 ms a step between fresh processes (and caught the engine's late compiles: hence
 *    the median of five), so the ratio is given per process (`ratios`), with its median and
 *    maximum.
 * Prints one JSON line: `{ impl, import_ready_ms, import_ready_cpu_ms, import_ready_runs,
 * step_runs, ratios, ratio_median, ratio_max, import_ready_child_ms, first20_ms, steady20_ms,
 * first20_cpu_ms, steady20_cpu_ms, first20_process_cpu_ms, steady20_process_cpu_ms,
 * first20_faults, steady20_faults, first5_ms, first20_main_share, steady20_main_share,
 * loadavg }` (the figures after `ratio_max`: medians over the `K` processes; the `_cpu_` figures:
 * this thread's CPU time from Linux's schedstat, which advances at scheduler ticks and switches,
 * rough per step and fair over 20 steps; `_process_cpu_` every thread's; `_faults` the process's
 * minor page faults; these are read once a window, around its 20 steps, so that reading them does
 * not slow the first steps; `first5_ms` the first five steps' wall times, to see what the first
 * steps pay; `_main_share` (typegrad) the share of the split
 * kernels' chunks that the main thread ran itself, from `wasmStats()`: 0.5 when the one worker
 * of a 2-core host keeps up, more when it was asleep or descheduled).
 *
 * `tsx bench/cold.ts --import-only [--runs N]`: step 1 alone for every implementation,
 * interleaved (one process of each in turn, so load drifts alike), printed as a table of
 * medians and ranges with the load average before and after.
 *
 * typegrad's `dist/` is rebuilt (`npm run build`) when it is missing or older than `src/`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { mlpLoopWith } from "./mlp-step.js";
import { MLP } from "./workloads.js";

const root = join(import.meta.dirname, "..");
const IMPLS = ["typegrad wasm", "tfjs wasm", "tfjs cpu", "jax-js wasm"] as const;
type Impl = (typeof IMPLS)[number];

/** What a user's app runs to import and make ready each implementation (an ES module, plain Node). */
const READY: Record<Impl, string> = {
  "typegrad wasm": `const tg = await import("typegrad"); await tg.ready(); if (tg.getBackend().name !== "wasm") throw new Error("backend " + tg.getBackend().name);`,
  "tfjs wasm": `const tf = await import("@tensorflow/tfjs-core"); await import("@tensorflow/tfjs-backend-wasm"); if (!(await tf.setBackend("wasm"))) throw new Error("no wasm"); await tf.ready();`,
  "tfjs cpu": `const tf = await import("@tensorflow/tfjs-core"); await import("@tensorflow/tfjs-backend-cpu"); if (!(await tf.setBackend("cpu"))) throw new Error("no cpu"); await tf.ready();`,
  "jax-js wasm": `const jax = await import("@jax-js/jax"); await jax.init("wasm"); jax.defaultDevice("wasm");`,
};

const args = process.argv.slice(2);
const count = (flag: string, fallback: number): number => {
  const at = args.indexOf(flag);
  const n = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench/cold.ts: ${flag} wants a positive integer, got '${args[at + 1]}'`);
  return n;
};
const runs = count("--runs", 11);
// nine: on the 2-core host a process's ratio ranges over 1.5–2.5 for one build, so the median of
// five moved by ±0.2 between runs
const stepRuns = count("--step-runs", 9);
const isImpl = (s: string): s is Impl => (IMPLS as readonly string[]).includes(s);

// -------------------------------------------------------------------------------------
// import + ready from the installed package, in fresh plain Node processes
// -------------------------------------------------------------------------------------

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith(".ts") ? statSync(p).mtimeMs : 0);
  }, 0);

/** `npm run build` when dist/ is missing or older than src/ (the child processes import the built package). */
const ensureBuilt = (): void => {
  const built = join(root, "dist", "src", "index.js");
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, "src"))) return;
  console.error("bench/cold.ts: building typegrad (npm run build)");
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`bench/cold.ts: npm run build exited ${r.status}`);
};

/**
 * This file bundled for plain Node, every package left to be imported as installed
 * (`build/bench/cold.mjs`, inside this package so that `import("typegrad")` is its built
 * `dist/`): the step processes run it, not this file through tsx, whose module loader thread and
 * compiler service shared the host's two cores with the first steps timed.
 */
const stepsScript = async (): Promise<string> => {
  const outfile = join(root, "build", "bench", "cold.mjs");
  const { buildSync } = await import("esbuild");
  buildSync({ entryPoints: [join(import.meta.dirname, "cold.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "warning" });
  return outfile;
};

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** One fresh `node` process: the wall and CPU milliseconds from before the import to after ready. */
const importReady = (impl: Impl): Sample => {
  const code = `const c0 = process.cpuUsage(); const t0 = performance.now(); ${READY[impl]} const t1 = performance.now(); const c = process.cpuUsage(c0); console.log(JSON.stringify({ wall: t1 - t0, cpu: (c.user + c.system) / 1000 })); process.exit(0);`;
  const env = { ...process.env };
  delete env.TYPEGRAD_RELAXED_SIMD;
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`bench/cold.ts: import + ready of ${impl} exited ${r.status}: ${(r.stderr ?? "").slice(-800)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as Sample;
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

if (args.includes("--import-only")) {
  ensureBuilt();
  const before = load();
  const samples = new Map<Impl, Sample[]>(IMPLS.map((i) => [i, []]));
  for (let r = 0; r < runs; r++) for (const impl of IMPLS) samples.get(impl)?.push(importReady(impl));
  const after = load();
  const base = median((samples.get("typegrad wasm") ?? []).map((s) => s.wall));
  console.log(`import + ready from the installed packages, ${runs} fresh Node ${process.version} processes each (interleaved); load average ${before} before, ${after} after\n`);
  console.log("| implementation | wall ms (median) | wall range | CPU ms (median) | CPU range | wall vs typegrad |");
  console.log("|---|---|---|---|---|---|");
  for (const [impl, s] of samples) {
    const w = s.map((x) => x.wall);
    const c = s.map((x) => x.cpu);
    const range = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    console.log(`| ${impl} | ${median(w).toFixed(0)} | ${range(w)} | ${median(c).toFixed(0)} | ${range(c)} | ${(median(w) / base).toFixed(2)}× |`);
  }
  process.exit(0);
}

// -------------------------------------------------------------------------------------
// one implementation: import + ready (installed, fresh processes), then the first steps here
// -------------------------------------------------------------------------------------

const impl = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--runs" && args[i - 1] !== "--step-runs") ?? "typegrad wasm";
if (!isImpl(impl)) throw new Error(`bench/cold.ts: unknown implementation '${impl}' (one of ${IMPLS.join(", ")})`);

/** What one fresh process of the step part prints (`--steps-only`). */
interface Steps {
  readonly import_ready_child_ms: number;
  readonly first20_ms: number;
  readonly steady20_ms: number;
  /** The wall time of each steady window, in order (`steady20_ms` is their median). */
  readonly steady20_windows_ms: readonly number[];
  readonly first20_cpu_ms: number;
  readonly steady20_cpu_ms: number;
  readonly first20_process_cpu_ms: number;
  readonly steady20_process_cpu_ms: number;
  readonly first20_faults: number;
  readonly steady20_faults: number;
  readonly first5_ms: readonly number[];
  readonly first20_main_share: number | null;
  readonly steady20_main_share: number | null;
}

if (!args.includes("--steps-only")) {
  if (impl === "typegrad wasm") ensureBuilt();
  const loadBefore = load();
  const installed = Array.from({ length: runs }, () => importReady(impl));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const all: Steps[] = [];
  const child = await stepsScript();
  for (let r = 0; r < stepRuns; r++) {
    const c = spawnSync(process.execPath, [child, impl, "--steps-only"], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
    if (c.status !== 0) throw new Error(`bench/cold.ts: the steps of ${impl} exited ${c.status}: ${(c.stderr ?? "").slice(-800)}`);
    all.push(JSON.parse(c.stdout.trim().split("\n").pop() as string) as Steps);
  }
  const med = (f: (s: Steps) => number): number => median(all.map(f));
  const medEach = (f: (s: Steps) => readonly number[]): number[] => (all[0] === undefined ? [] : f(all[0]).map((_, i) => Math.round(med((s) => f(s)[i] as number) * 100) / 100));
  const share = (f: (s: Steps) => number | null): number | null => (all.every((s) => f(s) !== null) ? Math.round(med((s) => f(s) as number) * 1000) / 1000 : null);
  const ratios = all.map((s) => s.first20_ms / s.steady20_ms);
  console.log(
    JSON.stringify({
      impl,
      import_ready_ms: median(installed.map((s) => s.wall)),
      import_ready_cpu_ms: median(installed.map((s) => s.cpu)),
      import_ready_runs: runs,
      step_runs: stepRuns,
      ratios: ratios.map((x) => Math.round(x * 100) / 100),
      ratio_median: median(ratios),
      ratio_max: Math.max(...ratios),
      import_ready_child_ms: med((s) => s.import_ready_child_ms),
      first20_ms: med((s) => s.first20_ms),
      steady20_ms: med((s) => s.steady20_ms),
      first20_cpu_ms: med((s) => s.first20_cpu_ms),
      steady20_cpu_ms: med((s) => s.steady20_cpu_ms),
      first20_process_cpu_ms: med((s) => s.first20_process_cpu_ms),
      steady20_process_cpu_ms: med((s) => s.steady20_process_cpu_ms),
      first20_faults: med((s) => s.first20_faults),
      steady20_faults: med((s) => s.steady20_faults),
      first5_ms: medEach((s) => s.first5_ms),
      first20_main_share: share((s) => s.first20_main_share),
      steady20_main_share: share((s) => s.steady20_main_share),
      loadavg: `${loadBefore} / ${load()}`,
    }),
  );
  process.exit(0);
}

// -------------------------------------------------------------------------------------
// --steps-only: one fresh process of the step part
// -------------------------------------------------------------------------------------

/** The share of split chunks the main thread ran since the last call (typegrad only; null elsewhere). */
let chunkShare: () => number | null = () => null;
const t0 = performance.now();
let step: () => void | Promise<void>;
if (impl === "typegrad wasm") {
  // the installed package, as an app imports it (this package's built `dist/`, through
  // `exports`): the code a user's first steps run, not this checkout's sources through tsx
  const installed: string = "typegrad";
  const tg = (await import(installed)) as typeof import("../src/index.js");
  await tg.ready();
  const s = tg.withBackend(tg.wasm, () => mlpLoopWith(tg, MLP));
  step = () => tg.withBackend(tg.wasm, s);
  let [chunks, onMain] = [tg.wasmStats().splitChunks, tg.wasmStats().splitChunksOnMain];
  chunkShare = () => {
    const st = tg.wasmStats();
    const share = (st.splitChunksOnMain - onMain) / Math.max(1, st.splitChunks - chunks);
    [chunks, onMain] = [st.splitChunks, st.splitChunksOnMain];
    return share;
  };
} else if (impl === "tfjs wasm" || impl === "tfjs cpu") {
  const { tfjsMlpStep, useTfjs } = await import("./tfjs.js");
  await useTfjs(impl === "tfjs wasm" ? "wasm" : "cpu");
  step = tfjsMlpStep(MLP).step;
} else {
  const { jaxMlpStep, useJax } = await import("./jax.js");
  await useJax();
  step = jaxMlpStep(MLP).step;
}
const t1 = performance.now();
/** This (main) thread's CPU time in ms, from Linux's schedstat (ns); NaN elsewhere. On a loaded host it shows the work the steps did where wall time shows mostly the wait for a core. */
const threadCpu = (): number => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
};
/** The process's CPU time in ms, every thread (the pool's workers, the engine's compiler and GC threads) included. */
const processCpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
/** The process's minor page faults so far: the first write to a fresh page of memory takes one (about 2 µs here). */
const faults = (): number => process.resourceUsage().minorPageFault;
/** Windows of twenty steady steps (odd): the steady figure is their median. */
const STEADY_WINDOWS = 5;
// only the wall clock per step (reading the thread's CPU time or the page faults is a file read or
// a system call, whose own JavaScript runs in the interpreter in the first steps): CPU time and
// faults are taken over the whole window
const twenty = async (): Promise<{ wall: number; cpu: number; processCpu: number; faults: number; eachWall: number[]; mainShare: number | null }> => {
  chunkShare();
  const eachWall: number[] = [];
  const [s, c, pc, f] = [performance.now(), threadCpu(), processCpu(), faults()];
  for (let i = 0; i < 20; i++) {
    const wi = performance.now();
    const r = step();
    if (r !== undefined) await r;
    eachWall.push(performance.now() - wi);
  }
  const wall = performance.now() - s;
  return { wall, cpu: threadCpu() - c, processCpu: processCpu() - pc, faults: faults() - f, eachWall, mainShare: chunkShare() };
};
const first = await twenty();
const w0 = performance.now();
while (performance.now() - w0 < 1500) await step();
// the steady figure: the median of STEADY_WINDOWS windows of twenty (by wall time). One window
// alone caught the engine's late optimising compiles or a collection often enough to vary
// 24–50 ms between fresh processes of the same build (2-core host): that flattered the ratio.
const windows: Awaited<ReturnType<typeof twenty>>[] = [];
for (let i = 0; i < STEADY_WINDOWS; i++) windows.push(await twenty());
const steady = [...windows].sort((a, b) => a.wall - b.wall)[(STEADY_WINDOWS - 1) / 2] as (typeof windows)[number];
const round2 = (x: number): number => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    import_ready_child_ms: t1 - t0,
    first20_ms: first.wall,
    steady20_ms: steady.wall,
    steady20_windows_ms: windows.map((w) => round2(w.wall)),
    first20_cpu_ms: first.cpu,
    steady20_cpu_ms: steady.cpu,
    first20_process_cpu_ms: first.processCpu,
    steady20_process_cpu_ms: steady.processCpu,
    first20_faults: first.faults,
    steady20_faults: steady.faults,
    first5_ms: first.eachWall.slice(0, 5).map(round2),
    first20_main_share: first.mainShare,
    steady20_main_share: steady.mainShare,
  } satisfies Steps),
);
process.exit(0);
