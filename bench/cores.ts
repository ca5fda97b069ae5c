/**
 * `npm run bench:cores -- [--threads 1,2,4,8,16] [--smoke] [--cold N] [--out file.json]`: how the WASM
 * backend scales with threads (issue 15, "every core"), the figures a many-core machine gives:
 *
 * - matmul f32 2048² and the MLP 784-1024-1024-10 step (batch 256, the bench's `MLP_BIG`), and
 *   the bench's small MLP step, at each thread count (default: 1, 2, 4, 8, 16 up to the host's
 *   cores, and the host's count; `--threads` names others, more than the cores included: then
 *   the threads share cores and the figures say nothing of speed), each after its own warm-up,
 *   medians; speedups against one thread;
 * - the bytes: at each thread count the 2048² product and three seeded steps of the big MLP from
 *   fresh parameters are compared with one thread's (a split never changes an output element's
 *   arithmetic, so they must be equal);
 * - numpy (python3, where it and numpy exist) on the same two workloads with OpenBLAS/OMP/MKL
 *   set to the same thread counts;
 * - on a host of at least 8 cores, the targets: at 8 threads matmul ≥ 5× and the big MLP step
 *   ≥ 3× one thread.
 *
 * With `--cold N`, also the cold ratio of issue 15's "time to peak" at 1, 2, 8 and the host's
 * threads (up to its cores): `N` fresh processes at each count, interleaved, each of which makes
 * the package ready as a user's app does (no engine flag: the plain SIMD build), times the bench's
 * MLP step's first 20 steps and, after 1.5 s of steps, five windows of 20 (the median is the
 * steady figure), as `bench/cold.ts` does on this host's two threads. On a host with spare cores
 * it tells what the ratio is where V8's compiler threads do not take the pool's cores.
 *
 * `--smoke` (`test/bench/cores.test.ts` runs it on 1, 2 and 4 threads, without numpy): 256² and a
 * 64-wide MLP, few repetitions. Prints a Markdown table
 * and, with `--out`, writes the rows as JSON. `bench/gpu-prepare.sh` bundles it for the GPU
 * machine (16 cores), whose `run.sh` runs it before the GPU bench.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { configureWasm, fromArray, matmul, ready, type Tensor, tidy, toFlat, wasm, wasmStats, withBackend } from "../src/index.js";
import { measure } from "./timing.js";
import { initParams, spread, trainStep, typegradMlpStep, wasmReady } from "./typegrad.js";
import { data, MLP, MLP_BIG, type MlpCase } from "./workloads.js";

export interface CoreRow {
  readonly workload: string;
  readonly threads: number;
  readonly median_ms: number;
  /** This row's time against one thread's (1 at one thread). */
  readonly speedup: number;
  /** Whether the workload's bytes at this thread count equal one thread's. */
  readonly same: boolean;
}

export interface CoreRun {
  readonly host_cores: number;
  readonly relaxed_simd: boolean;
  readonly rows: CoreRow[];
  readonly numpy: { readonly workload: string; readonly threads: number; readonly median_ms: number }[];
  readonly targets: { readonly what: string; readonly ratio: number; readonly want: number; readonly met: boolean }[];
}

/** The thread counts to run: `1, 2, 4, 8, 16` up to the host's cores, and the host's count. */
export const defaultThreads = (cores: number): number[] => [...new Set([1, 2, 4, 8, 16].filter((t) => t <= cores).concat(Math.min(cores, 64)))].sort((a, b) => a - b);

const bytesOf = (xs: Float32Array): string => Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength).toString("base64");

/** Three seeded SGD steps of `c` from fresh parameters, the parameters' bytes after them. */
const seededSteps = (c: MlpCase): string =>
  withBackend(wasm, () => {
    let p = initParams(c);
    const X = fromArray([c.batch, c.sizes[0] as number], data(c.batch * (c.sizes[0] as number), 7));
    const Y = fromArray([c.batch, 10], data(c.batch * 10, 8));
    for (let s = 0; s < 3; s++) p = trainStep(p, X, Y, c);
    return Object.values(p)
      .map((t) => bytesOf(Float32Array.from(toFlat(t))))
      .join(";");
  });

/** numpy at `threads` threads on the same workloads, or undefined without python3 + numpy. */
const numpyAt = async (threads: number, n: number, smoke: boolean): Promise<{ workload: string; median_ms: number }[] | undefined> => {
  const { execFileSync } = await import("node:child_process");
  const t = String(threads);
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
  try {
    const out = execFileSync("python3", [new URL("numpy_bench.py", import.meta.url).pathname, "--only", "cores", "--n", String(n), ...(smoke ? ["--smoke"] : [])], {
      env,
      encoding: "utf8",
      timeout: 300_000,
    });
    return (JSON.parse(out) as { rows: { workload: string; median_ms: number }[] }).rows;
  } catch {
    return undefined;
  }
};

/** Run every thread count, 1 first (the pool must have room for the largest: see `configureWasm` before the first load). */
export const coreRun = async (threadCounts: readonly number[], smoke: boolean, withNumpy = true): Promise<CoreRun> => {
  if (threadCounts[0] !== 1) throw new Error(`bench/cores: the thread counts must start at 1, got ${threadCounts.join(", ")}`);
  const n = smoke ? 256 : 2048;
  const big: MlpCase = smoke ? { ...MLP_BIG, name: "MLP train step 784-64-64-10 b32", sizes: [784, 64, 64, 10], batch: 32 } : MLP_BIG;
  const [budget, reps] = smoke ? [50, 3] : [1000, 5];
  const most = Math.max(...threadCounts);
  configureWasm({ threads: most });
  await wasmReady(most, 10_000);
  const a = withBackend(wasm, () => fromArray([n, n], data(n * n, 1))) as Tensor<[number, number]>;
  const b = withBackend(wasm, () => fromArray([n, n], data(n * n, 2))) as Tensor<[number, number]>;
  const product = (): string => withBackend(wasm, () => tidy(() => bytesOf(Float32Array.from(toFlat(matmul(a, b))))));
  const workloads: [string, MlpCase | undefined][] = [
    [`matmul f32 ${n}`, undefined],
    [big.name, big],
    [MLP.name, MLP],
  ];
  const rows: CoreRow[] = [];
  const one = new Map<string, { ms: number; bytes: string }>();
  for (const threads of threadCounts) {
    configureWasm({ threads });
    const used = wasmStats().threads;
    if (used !== threads) throw new Error(`bench/cores: asked for ${threads} threads, the pool runs ${used}`);
    for (const [name, c] of workloads) {
      const ms =
        c === undefined
          ? measure(() => withBackend(wasm, () => tidy(() => void matmul(a, b))), budget, reps, 2).median_ms
          : (() => {
              const step = withBackend(wasm, () => typegradMlpStep(c));
              return measure(() => withBackend(wasm, step), budget, reps, 3).median_ms;
            })();
      // the bytes: the product, or three seeded steps from fresh parameters
      const bytes = c === undefined ? product() : seededSteps(c);
      if (threads === 1) one.set(name, { ms, bytes });
      const base = one.get(name) as { ms: number; bytes: string };
      rows.push({ workload: name, threads, median_ms: ms, speedup: base.ms / ms, same: bytes === base.bytes });
    }
  }
  const numpy: CoreRun["numpy"][number][] = [];
  if (withNumpy) for (const threads of threadCounts) for (const r of (await numpyAt(threads, n, smoke)) ?? []) numpy.push({ ...r, threads });
  const cores = availableParallelism();
  const targets: CoreRun["targets"][number][] = [];
  const at8 = (name: string) => rows.find((r) => r.workload === name && r.threads === 8);
  if (cores >= 8 && !smoke)
    for (const [name, want] of [
      [`matmul f32 ${n}`, 5],
      [big.name, 3],
    ] as const) {
      const r = at8(name);
      if (r !== undefined) targets.push({ what: `${name} at 8 threads against 1`, ratio: r.speedup, want, met: r.speedup >= want });
    }
  return { host_cores: cores, relaxed_simd: wasmStats().relaxedSimd, rows, numpy, targets };
};

/** The cold ratio at one thread count: each fresh process's first 20 steps against its 20 steady ones. */
export interface ColdRow {
  readonly threads: number;
  /** Per process: first 20 steps' time over the steady 20's. */
  readonly ratios: number[];
  readonly ratio_median: number;
  /** Medians over the processes, ms. */
  readonly first20_ms: number;
  readonly steady20_ms: number;
}

/** What one `--cold-child` process prints. */
interface ColdChild {
  readonly threads: number;
  readonly first20_ms: number;
  readonly steady20_ms: number;
}

/** The thread counts of the cold ratio: 1, 2, 8 and the host's, up to its cores. */
export const coldThreads = (cores: number): number[] => [...new Set([1, 2, 8, cores].filter((t) => t <= cores))].sort((a, b) => a - b);

/**
 * The cold ratio in `runs` fresh processes at each of `threadCounts` (interleaved, so that load
 * drifts alike), each spending `warmMs` of steps before its steady windows. The children run this
 * file (through tsx where it is TypeScript, as in `npm run bench:cores` and the tests; as it is
 * where it was bundled, as on the GPU machine).
 */
export const coldRun = (threadCounts: readonly number[], runs: number, warmMs = 1500): ColdRow[] => {
  const self = fileURLToPath(import.meta.url);
  const argv = [...(self.endsWith(".ts") ? ["--import", "tsx"] : []), self, "--cold-child", String(warmMs)];
  const got = new Map<number, ColdChild[]>(threadCounts.map((t) => [t, []]));
  for (let i = 0; i < runs; i++)
    for (const threads of threadCounts) {
      const env: NodeJS.ProcessEnv = { ...process.env, TYPEGRAD_THREADS: String(threads), TYPEGRAD_RELAXED_SIMD: "0" };
      const c = spawnSync(process.execPath, argv, { env, encoding: "utf8", timeout: 60_000 });
      const line = c.stdout.trim().split("\n").at(-1) ?? "";
      if (c.status !== 0 || !line.startsWith("{")) throw new Error(`bench/cores: a cold process on ${threads} threads failed (status ${c.status}): ${c.stderr.slice(-500)}`);
      const child = JSON.parse(line) as ColdChild;
      if (child.threads !== threads) throw new Error(`bench/cores: a cold process asked for ${threads} threads ran ${child.threads}`);
      (got.get(threads) as ColdChild[]).push(child);
    }
  return threadCounts.map((threads) => {
    const all = got.get(threads) as ColdChild[];
    const ratios = all.map((c) => c.first20_ms / c.steady20_ms);
    return {
      threads,
      ratios,
      ratio_median: spread(ratios).median,
      first20_ms: spread(all.map((c) => c.first20_ms)).median,
      steady20_ms: spread(all.map((c) => c.steady20_ms)).median,
    };
  });
};

/** `--cold-child`: this fresh process's first 20 steps after `ready()`, and the median of five windows of 20 after `warmMs` of steps. */
const coldChild = async (warmMs: number): Promise<ColdChild> => {
  await ready();
  const step = withBackend(wasm, () => typegradMlpStep(MLP));
  const twenty = (): number => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) withBackend(wasm, step);
    return performance.now() - t0;
  };
  const first20_ms = twenty();
  const w0 = performance.now();
  while (performance.now() - w0 < warmMs) withBackend(wasm, step);
  const windows = [twenty(), twenty(), twenty(), twenty(), twenty()];
  return { threads: wasmStats().threads, first20_ms, steady20_ms: spread(windows).median };
};

const main = import.meta.url === `file://${process.argv[1]}`;
if (main && process.argv[2] === "--cold-child") {
  console.log(JSON.stringify(await coldChild(Number(process.argv[3]))));
  process.exit(0);
} else if (main) {
  const args = process.argv.slice(2);
  const opt = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  // Node 20 runs relaxed SIMD behind this flag (as `npm run bench` sets TYPEGRAD_RELAXED_SIMD=1)
  if (process.env.TYPEGRAD_RELAXED_SIMD !== "0") setFlagsFromString("--experimental-wasm-relaxed-simd");
  const smoke = args.includes("--smoke");
  const listed = opt("--threads");
  const threads = listed === undefined ? defaultThreads(availableParallelism()) : listed.split(",").map(Number);
  if (threads.length === 0 || threads.some((t) => !Number.isInteger(t) || t < 1 || t > 64)) throw new Error(`bench/cores: --threads wants integers from 1 to 64, got '${listed}'`);
  if (!threads.includes(1)) threads.push(1);
  threads.sort((x, y) => x - y);
  const coldRuns = opt("--cold") === undefined ? 0 : Number(opt("--cold"));
  if (!Number.isInteger(coldRuns) || coldRuns < 0) throw new Error(`bench/cores: --cold wants a count of processes, got '${opt("--cold")}'`);
  const run = await coreRun(threads, smoke);
  console.log(`WASM backend by thread count: ${run.host_cores} cores here (Node ${process.versions.node}, ${run.relaxed_simd ? "relaxed" : "plain"} SIMD build)${smoke ? ", smoke sizes" : ""}\n`);
  console.log("| workload | threads | median ms | × one thread | same bytes as one thread | numpy ms |");
  console.log("|---|---|---|---|---|---|");
  for (const r of run.rows) {
    const np = run.numpy.find((q) => q.threads === r.threads && q.workload === r.workload);
    console.log(`| ${r.workload} | ${r.threads} | ${r.median_ms.toFixed(3)} | ${r.speedup.toFixed(2)} | ${r.same ? "yes" : "**no**"} | ${np === undefined ? "" : np.median_ms.toFixed(3)} |`);
  }
  const over = threads.filter((t) => t > run.host_cores);
  if (over.length > 0) console.log(`\n${over.join(", ")} threads share this host's ${run.host_cores} cores: those rows check the bytes, not the speed`);
  for (const t of run.targets) console.log(`target: ${t.what} ≥ ${t.want}×: ${t.ratio.toFixed(2)}× ${t.met ? "met" : "NOT met"}`);
  if (run.targets.length === 0 && !smoke) console.log(`targets: judged on a host of at least 8 cores (this one has ${run.host_cores})`);
  const cold = coldRuns > 0 ? coldRun(coldThreads(run.host_cores), coldRuns) : [];
  if (cold.length > 0) {
    console.log(`\nCold: the first 20 MLP steps after ready() against 20 steady ones, ${coldRuns} fresh processes per thread count (issue 15 asks at most 2×)\n`);
    console.log("| threads | ratio (median) | ratios | first 20 steps ms | 20 steady steps ms |");
    console.log("|---|---|---|---|---|");
    for (const c of cold) console.log(`| ${c.threads} | ${c.ratio_median.toFixed(2)} | ${c.ratios.map((r) => r.toFixed(2)).join(", ")} | ${c.first20_ms.toFixed(1)} | ${c.steady20_ms.toFixed(1)} |`);
  }
  const out = opt("--out");
  if (out !== undefined) (await import("node:fs")).writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.versions.node, ...run, cold }, null, 1)}\n`);
  process.exit(run.rows.every((r) => r.same) ? 0 : 1);
}
