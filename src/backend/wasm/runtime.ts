/**
 * The loaded WASM backend: which build, its memory, its arena and its thread pool, the settings
 * of {@link configureWasm}, and the warm-up that makes the first training steps run at full
 * speed.
 *
 * @module
 */
import { checkOptionKeys, checkOptionsRecord, type OptionKeys } from "../../shape/options.js";
import { BINARY, UNARY } from "./codes.generated.js";
import { Arena, type MemoryStats, touchPages } from "./memory.js";
import { canReadSync, canStartWorkers, envVar, fetchBuild, hostThreads, readBuildSync, type WasmBuild } from "./platform.js";
import { GEMM_ROWS, Pool, UNARY as UNARY_JOB } from "./pool.js";
import { type Kernels, relaxedSimdAvailable, sharedMemoryAvailable, type WasmMemory, type WasmModule, wasmApi } from "./webassembly.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Default ring capacity: resident tensor data never exceeds it (see memory.ts). */
const RING_BYTES = 64 << 20;
/** Room for the broadcast/permute descriptors (i32 words; the upper half describes a split kernel's last chunk). */
export const META_WORDS = 4096;
/** The most threads the backend uses. */
const MAX_THREADS = 64;

/** A loaded module: kernels, memory, arena, thread pool. */
export interface Runtime {
  readonly k: Kernels;
  readonly arena: Arena;
  readonly meta: number;
  /** Participant `p`'s gemm scratch area (0: the main thread). */
  readonly scratch: (p: number) => number;
  /** Worker threads over shared memory, or undefined (one thread). */
  readonly pool: Pool | undefined;
  /** Participants the pool has room for (main thread included). */
  readonly capacity: number;
}

let runtime: Runtime | undefined;

/** The thread count from `TYPEGRAD_THREADS`, else the host's cores. */
const defaultThreads = (): number => {
  const env = envVar("TYPEGRAD_THREADS");
  if (env === undefined) return Math.min(MAX_THREADS, hostThreads());
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new Error(`typegrad: environment variable TYPEGRAD_THREADS must be an integer from 1 to ${MAX_THREADS}, got '${env}'`);
  return n;
};

let threads: number | undefined;
/** The configured thread count (read on first need, so the environment is read lazily). */
const threadCount = (): number => {
  threads ??= defaultThreads();
  return threads;
};

/** Which elementwise kernels are split over the threads (see `WasmOptions.splitElementwise`). */
let splitElementwise: boolean | "costly" = "costly";
let ringBytes = RING_BYTES;
/**
 * Which build: `"auto"` loads the relaxed-SIMD one where the engine runs relaxed SIMD as it is
 * (Node 22 and later, current browsers); `true` also on Node 20, by setting V8's flag for this
 * process (the user's explicit choice); `false` the plain build. `TYPEGRAD_RELAXED_SIMD=1` (or
 * `0`) in Node's environment sets the default.
 */
let relaxedSimd: boolean | "auto" = (() => {
  const env = envVar("TYPEGRAD_RELAXED_SIMD");
  return env === "1" ? true : env === "0" ? false : "auto";
})();

/** Whether the relaxed build is to be loaded (may set V8's flag when the user opted in). */
const useRelaxed = (): boolean => relaxedSimd !== false && relaxedSimdAvailable(relaxedSimd === true);

const instantiate = (module: WasmModule, memory: WasmMemory, shared: boolean): Runtime => {
  if (wasmApi === undefined) throw new Error("wasm backend: this JavaScript host has no WebAssembly");
  const k = new wasmApi.Instance(module, { env: { memory } }).exports as Kernels;
  const meta = k.heapBase();
  const scratch0 = meta + META_WORDS * 4;
  const scratchBytes = Math.ceil(k.SCRATCH.value / 64) * 64;
  const capacity = shared ? Math.max(2, threadCount(), Math.min(MAX_THREADS, hostThreads())) : 1;
  const end = scratch0 + capacity * scratchBytes;
  const arena = new Arena(memory, end, ringBytes);
  arena.ensure(end);
  const scratch = (p: number): number => scratch0 + p * scratchBytes;
  const pool = shared ? new Pool(module, memory, capacity, scratch) : undefined;
  pool?.ensure(threadCount());
  return { k, arena, meta, scratch, pool, capacity };
};

/** Load synchronously (Node), preferring the shared-memory build with worker threads. */
export const load = (): Runtime => {
  if (runtime !== undefined) return runtime;
  if (wasmApi === undefined) throw new Error("wasm backend: this JavaScript host has no WebAssembly");
  const shared = sharedMemoryAvailable() && canStartWorkers();
  const bytes = readBuildSync(buildName(shared, useRelaxed()));
  if (bytes === undefined) throw new Error("wasm backend: not loaded yet; outside Node call 'await ready()' first");
  runtime = instantiate(new wasmApi.Module(bytes), memoryFor(shared), shared);
  return runtime;
};

const buildName = (shared: boolean, relaxed: boolean): WasmBuild => `typegrad${shared ? "-shared" : ""}${relaxed ? "-relaxed" : ""}.wasm` as WasmBuild;

const memoryFor = (shared: boolean): WasmMemory => {
  if (wasmApi === undefined) throw new Error("wasm backend: this JavaScript host has no WebAssembly");
  return shared ? new wasmApi.Memory({ initial: 64, maximum: 65536, shared: true }) : new wasmApi.Memory({ initial: 64 });
};

/** True where the backend loads itself synchronously on first use (Node, from the package's files). */
export const wasmLoadsSync = (): boolean => wasmApi !== undefined && canReadSync();

/**
 * Load the backend wherever it runs: synchronously from disk in Node, else by fetching a build:
 * the shared-memory one with Web Workers where the page is cross-origin isolated and this code
 * runs in a worker, else the one {@link wasmFile} names (one thread). Then, once, warm the
 * kernels up (see {@link warmKernels}), run `meanwhile` (`ready()` warms the training step's
 * JavaScript there) while the pool's workers start, wait for them, run split jobs through them
 * (see {@link warmPool}) and make resident the memory the first steps write (see
 * {@link prefault}). Used by `ready()`.
 */
export const loadWasm = async (meanwhile?: () => void): Promise<void> => {
  if (runtime === undefined) {
    if (wasmLoadsSync()) load();
    else if (wasmApi !== undefined && threadCount() > 1 && sharedMemoryAvailable() && canStartWorkers()) {
      const module = await wasmApi.compile(await fetchBuild(buildName(true, useRelaxed())));
      runtime ??= instantiate(module, memoryFor(true), true);
    } else await initWasm(await fetchBuild(wasmFile()));
  }
  if (runtime !== undefined && !warmed) {
    warmed = true;
    warmKernels(runtime, WARM_ROUNDS);
    // the workers started when the module was instantiated: this thread's work here overlaps
    // their start (and the engine's background compilation of the kernels warmed above)
    meanwhile?.();
    // the pool's workers start asynchronously: without this wait they came up during the first
    // training step, which then ran on one thread and paid their start-up (a fresh process's
    // first 20 steps took 2.9× twenty steady ones in wall time)
    await runtime.pool?.settled(WORKER_START_LIMIT_MS);
    // once the workers are up: the split kernels' path through them, and the memory the first
    // steps write (see warmPool and prefault)
    warmPool(runtime, POOL_ROUNDS);
    prefault(runtime, PREFAULT_BYTES);
  }
};

/** How long `ready()` waits at most for the pool's workers to start. */
const WORKER_START_LIMIT_MS = 2000;

let warmed = false;
/**
 * Warm-up rounds in `ready()`: measured in fresh Node 20 processes (2 cores, heavily loaded, so
 * roughly), the first 20 MLP steps took 1.6–1.9× the CPU time of 20 steady ones without a
 * warm-up and 1.03–1.1× after one (10–30 rounds; 20 rounds cost about 15–30 ms of CPU).
 */
const WARM_ROUNDS = 20;

/** The loaded runtime, if any (no loading). */
export const loaded = (): Runtime | undefined => runtime;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Load the backend from the bytes of `typegrad.wasm` (single thread), or of
 * `typegrad-relaxed.wasm` where the host runs relaxed SIMD ({@link wasmFile} says which), for
 * hosts where `ready()` cannot find the files itself. A no-op once loaded.
 *
 * @example
 * import { initWasm, wasmFile } from "typegrad"
 * // the files ship in the package under dist/src/chunks/bin/
 * const load = async () => initWasm(new Uint8Array(await (await fetch(`/${wasmFile()}`)).arrayBuffer()))
 * @category constructors
 */
export const initWasm = async (bytes: Uint8Array): Promise<void> => {
  if (runtime !== undefined) return;
  if (wasmApi === undefined) throw new Error("initWasm: this JavaScript host has no WebAssembly");
  if (!(bytes instanceof Uint8Array)) throw new TypeError("initWasm: argument 'bytes' must be a Uint8Array holding typegrad.wasm or typegrad-relaxed.wasm");
  const module = await wasmApi.compile(bytes);
  if (runtime !== undefined) return;
  runtime = instantiate(module, memoryFor(false), false);
};

/**
 * The build that {@link initWasm} should get on this host: `typegrad-relaxed.wasm`
 * where relaxed SIMD runs (fused multiply-adds in the matrix product), else `typegrad.wasm`.
 *
 * @example
 * import { wasmFile } from "typegrad"
 * wasmFile().endsWith(".wasm") // true ("typegrad.wasm" or "typegrad-relaxed.wasm")
 * @category constructors
 */
export const wasmFile = (): "typegrad.wasm" | "typegrad-relaxed.wasm" => (useRelaxed() ? "typegrad-relaxed.wasm" : "typegrad.wasm");

/** Options of {@link configureWasm}. @category model */
export interface WasmOptions {
  /**
   * Threads for large kernels, the calling one included: by default every core the host offers
   * (Node's `os.availableParallelism()`; in a browser worker of a cross-origin isolated page,
   * `navigator.hardwareConcurrency`; 1 elsewhere), or `TYPEGRAD_THREADS` from Node's
   * environment. Results are the same bytes for every count. More threads than the host had
   * cores when the backend loaded (at least 2) run on that many.
   */
  readonly threads?: number;
  /**
   * Bytes of WASM memory for resident tensors (default 64 MiB, at least 1 MiB); tensors larger
   * than an eighth of it stay on the JS heap. Only before the backend is first used.
   */
  readonly ringBytes?: number;
  /**
   * Which large elementwise kernels are split over the threads (by ranges; the bytes of a result
   * are the same for every thread count): `"costly"` (the default) the transcendental unary ones
   * (exp, sigmoid, tanh, log, …: compute-bound), `true` also the memory-bound ones (relu, add,
   * …), `false` none. Measured on 2 cores (bench/NOTES.md, "Elementwise"): splitting sigmoid
   * over 1e6 values nearly halves its time, while a memory-bound kernel gains little and loses
   * when the host is loaded.
   */
  readonly splitElementwise?: boolean | "costly";
  /**
   * The relaxed-SIMD build: its matrix product uses fused multiply-adds (+15% GF/s here), so its
   * last bits differ from the plain build's and may differ between machines. `"auto"` (the
   * default) loads it where the engine runs relaxed SIMD as it is (Node 22 and later, current
   * browsers); `true` also on Node 20, by setting V8's `--experimental-wasm-relaxed-simd` for
   * this process (a process-wide engine flag, so only on request); `false` never. Node's
   * environment variable `TYPEGRAD_RELAXED_SIMD=1` (or `0`) sets the default. Only before the
   * backend is first used.
   */
  readonly relaxedSimd?: boolean | "auto";
}

const wasmKeys: OptionKeys<WasmOptions> = { threads: true, ringBytes: true, splitElementwise: true, relaxedSimd: true };

/**
 * Configure the WASM backend; returns the previous settings.
 *
 * @example
 * import { configureWasm } from "typegrad"
 * // benchmark a single core
 * const previous = configureWasm({ threads: 1 })
 * configureWasm({ threads: previous.threads })
 * @category constructors
 */
export const configureWasm = (opts: WasmOptions): Required<WasmOptions> => {
  checkOptionsRecord("configureWasm", opts, "{ threads: 2 }");
  checkOptionKeys("configureWasm", opts, wasmKeys);
  const prev = { threads: threadCount(), ringBytes, splitElementwise, relaxedSimd };
  if (opts.splitElementwise !== undefined && typeof opts.splitElementwise !== "boolean" && opts.splitElementwise !== "costly")
    throw new TypeError(`configureWasm: option 'splitElementwise' must be a boolean or "costly", got ${String(opts.splitElementwise)}`);
  if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 1 || opts.threads > MAX_THREADS))
    throw new TypeError(`configureWasm: option 'threads' must be an integer from 1 to ${MAX_THREADS}, got ${String(opts.threads)}`);
  if (opts.ringBytes !== undefined && opts.ringBytes !== ringBytes) {
    if (!Number.isInteger(opts.ringBytes) || opts.ringBytes < 1 << 20) throw new RangeError(`configureWasm: option 'ringBytes' must be an integer of at least 1 MiB, got ${String(opts.ringBytes)}`);
    if (runtime !== undefined) throw new Error("configureWasm: option 'ringBytes' can only be set before the wasm backend is first used");
    ringBytes = opts.ringBytes;
  }
  if (opts.relaxedSimd !== undefined && opts.relaxedSimd !== relaxedSimd) {
    if (typeof opts.relaxedSimd !== "boolean" && opts.relaxedSimd !== "auto") throw new TypeError(`configureWasm: option 'relaxedSimd' must be a boolean or "auto", got ${String(opts.relaxedSimd)}`);
    if (runtime !== undefined) throw new Error("configureWasm: option 'relaxedSimd' can only be set before the wasm backend is first used");
    relaxedSimd = opts.relaxedSimd;
  }
  if (opts.threads !== undefined) {
    threads = opts.threads;
    runtime?.pool?.ensure(Math.min(threads, runtime.capacity));
  }
  if (opts.splitElementwise !== undefined) splitElementwise = opts.splitElementwise;
  return prev;
};

/**
 * Threads (main included) a split kernel of the loaded runtime uses now: the configured count,
 * bounded by the pool's room and by the workers that are up.
 */
export const participants = (rt: Runtime): number => {
  const t = threadCount();
  if (t === 1 || rt.pool === undefined) return 1;
  return Math.min(t, rt.capacity, 1 + rt.pool.ready);
};

/** Whether an elementwise kernel (`costly`: a transcendental unary one) is split. */
export const splitsElementwise = (costly: boolean): boolean => splitElementwise === true || (costly && splitElementwise === "costly");

/** Elementwise kernels split so far (see `splitElementwise`). */
let elementwiseSplits = 0;
export const countElementwiseSplit = (): void => {
  elementwiseSplits++;
};

/**
 * Elements the backend's `gatherRows` copied in (`fit`'s batches), those of them copied while the
 * main thread waited for the workers, and those the pool's worker copied.
 */
let gathered = 0;
let gatheredWhileWaiting = 0;
let gatheredByWorker = 0;
export const countGathered = (elements: number, waiting: boolean, byWorker = 0): void => {
  gathered += elements;
  if (waiting) gatheredWhileWaiting += elements;
  gatheredByWorker += byWorker;
};

/**
 * Memory counters of the WASM backend (loads it if needed), with the threads a split kernel
 * uses now, and how many of the elements of `fit`'s batches (`gathered`) were copied in while
 * the main thread waited for the workers (`gatheredWhileWaiting`), where it costs no time, or by
 * the pool's worker while the main thread ran the step alone (`gatheredByWorker`: a training set
 * on a `SharedArrayBuffer`, as `examples`, `take`, `split` and the loaders make it in Node and in
 * a cross-origin isolated page, where typegrad runs in a Web Worker; the rest of such a batch the
 * main thread copied when the step needed it). `workerSets` counts the
 * training sets the worker holds (`fit` and `evaluate` let go of theirs as they end: 0 after).
 * `splitChunks` counts the chunks of every split kernel so far and `splitChunksOnMain` those the
 * main thread ran itself because no worker had claimed them yet: with two threads and workers
 * that keep up, about half; more means the workers were asleep, late or descheduled (a loaded
 * host), and the split kernels ran nearer one-thread speed.
 *
 * @example
 * import { wasmStats } from "typegrad"
 * wasmStats().memoryBytes > 0 // true
 * @category destructors
 */
export const wasmStats = (): MemoryStats & {
  readonly threads: number;
  readonly elementwiseSplits: number;
  readonly relaxedSimd: boolean;
  readonly gathered: number;
  readonly gatheredWhileWaiting: number;
  readonly gatheredByWorker: number;
  readonly workerSets: number;
  readonly splitChunks: number;
  readonly splitChunksOnMain: number;
} => {
  const rt = load();
  return {
    ...rt.arena.stats(),
    threads: participants(rt),
    elementwiseSplits,
    relaxedSimd: rt.k.RELAXED_SIMD.value === 1,
    gathered,
    gatheredWhileWaiting,
    gatheredByWorker,
    workerSets: rt.pool?.workerSets ?? 0,
    splitChunks: rt.pool?.chunks ?? 0,
    splitChunksOnMain: rt.pool?.chunksOnMain ?? 0,
  };
};

/**
 * Write a kernel's descriptor words (dims, then each stride list) into the meta area (the upper
 * half with `upper`: a split kernel's last chunk); returns its byte offset.
 */
export const writeMeta = (rt: Runtime, dims: readonly number[], strides: readonly (readonly number[])[], upper = false): number => {
  const r = dims.length;
  if ((strides.length + 2) * r > META_WORDS / 2) throw new RangeError(`wasm backend: rank ${r} is too large (at most ${Math.floor(META_WORDS / 12)} after merging axes)`);
  const w = rt.arena.i32;
  const at = rt.meta + (upper ? META_WORDS * 2 : 0);
  const base = at / 4;
  w.set(dims, base);
  for (let i = 0; i < strides.length; i++) w.set(strides[i] as readonly number[], base + (i + 1) * r);
  return at;
};

// -------------------------------------------------------------------------------------
// warm-up
// -------------------------------------------------------------------------------------

/**
 * The elementwise kernels of common training steps (a dense network's step with SGD or Adam uses
 * add, sub, mul, div, gt, relu fused into add, exp and sqrt), and the usual activations. Each
 * (op, dtype) is a function of its own, which the engine optimises once it has run for a while:
 * the other ops are optimised when a program first uses them (a few ms of compiler time each).
 */
const HOT_UNARY = [UNARY.relu, UNARY.exp, UNARY.log, UNARY.sqrt, UNARY.sigmoid, UNARY.tanh, UNARY.neg];
const HOT_BINARY = [BINARY.add, BINARY.sub, BINARY.mul, BINARY.div, BINARY.gt, BINARY.reluGrad];
/**
 * Elements and calls per hot elementwise kernel: measured on Node 20 (V8 11.3), the engine
 * optimises a float32 add after about 200,000 elements (its budget counts the code run); 64 calls
 * of 4,096 go past that with some margin, at about 0.3 ms each.
 */
const WARM_ELEMENTS = 4096;
const WARM_CALLS = 64;

/**
 * Run every float32 kernel a few times on small data, so that the engine, which first runs
 * WebAssembly with its baseline compiler and recompiles a function with its optimising one
 * (in the background) once the function has run for a while, has the optimised code ready by
 * the first real steps. No engine flag is involved. Uses the side region of the arena, which
 * every kernel call resets; returns the milliseconds spent.
 */
export const warmKernels = (rt: Runtime, rounds: number): number => {
  const t0 = performance.now();
  const { k, arena } = rt;
  arena.begin();
  const n = 32;
  const bytes = WARM_ELEMENTS * 4;
  const [x, y, o] = [arena.sideBlock(bytes), arena.sideBlock(bytes), arena.sideBlock(bytes)];
  const f = arena.f32;
  for (let i = 0; i < WARM_ELEMENTS; i++) {
    f[x / 4 + i] = Math.sin(i);
    f[y / 4 + i] = Math.cos(i);
  }
  const flat = (len: number): number => writeMeta(rt, [len], [[1], [1]]);
  const rows = (): number =>
    writeMeta(
      rt,
      [n, n],
      [
        [n, 1],
        [0, 1],
      ],
    );
  // the elementwise kernels first: each is its own function, and the sooner its budget is spent,
  // the sooner the engine starts optimising it (in the background, while the rest runs)
  for (const op of HOT_BINARY) {
    k.binary(0, op, x, y, o, 2, rows(), op === BINARY.add ? UNARY.relu : -1);
    const meta = flat(WARM_ELEMENTS);
    for (let c = 0; c < WARM_CALLS; c++) k.binary(0, op, x, y, o, 1, meta, -1);
  }
  for (const op of HOT_UNARY) for (let c = 0; c < WARM_CALLS; c++) k.unary(0, op, x, o, WARM_ELEMENTS);
  for (let c = 0; c < WARM_CALLS; c++) k.sgdUpdate(0, x, y, 0.5, o, WARM_ELEMENTS);
  for (let c = 0; c < WARM_CALLS; c++) k.allFinite(0, o, WARM_ELEMENTS);
  for (let r = 0; r < rounds; r++) {
    for (let t = 0; t < 4; t++) k.gemm(0, t & 1, t >> 1, n, n, n, x, n, y, n, o, n, rt.scratch(0));
    for (let log = 0; log < 2; log++) k.softmax(0, log, x, o, n, n, 1);
    k.softmaxXentGrad(0, x, y, y, n, o, n, n, 1);
    k.logLossGrad(0, x, y, y, n, o, n * n);
    for (let op = 0; op < 2; op++) {
      k.reduce(0, op, x, o, n, n, 1);
      k.reduce(0, op, x, o, 1, n, n);
    }
    k.argmax(0, x, o, n, n, 1);
    k.transpose(0, x, o, 1, n, n);
    k.broadcast(0, x, o, 2, writeMeta(rt, [n, n], [[0, 1]]));
    k.where(
      0,
      0,
      x,
      y,
      x,
      o,
      2,
      writeMeta(
        rt,
        [n, n],
        [
          [0, 1],
          [n, 1],
          [n, 1],
        ],
      ),
    );
    k.copyRows(x, n * 4, o, n * 4, n * 4, n);
    k.cast(0, 0, x, o, n * n);
    k.zero(o, n * n * 4);
  }
  return performance.now() - t0;
};

/** Split jobs in the pool warm-up: enough for the engine to compile the path's JavaScript. */
const POOL_ROUNDS = 16;

/**
 * Run split jobs through the pool: a matrix product of 128×64 by 64×128 (the smallest size that
 * is split, as in a training step) and a split sigmoid of its 16,384 outputs, `rounds` times,
 * with every participant that is up. Without this a fresh process's first training step was the
 * first to run the pool's path (this thread's job posting and claiming, each worker's loop and
 * chunk runner, in the engine's interpreter at first) and the first to write the workers'
 * scratch areas, while the warm-up's small kernels all run on this thread alone. The last
 * round's jobs take the main thread's sleeping wait for their last chunk (see `Pool.spins`).
 * Uses the side region of the arena, which every kernel call resets; returns the milliseconds
 * spent.
 */
export const warmPool = (rt: Runtime, rounds: number): number => {
  const t0 = performance.now();
  const parts = participants(rt);
  if (rt.pool === undefined || parts < 2) return 0;
  const { arena } = rt;
  arena.begin();
  const [M, N, K] = [128, 128, 64];
  const [a, b, c, o] = [arena.sideBlock(M * K * 4), arena.sideBlock(K * N * 4), arena.sideBlock(M * N * 4), arena.sideBlock(M * N * 4)];
  const f = arena.f32;
  for (let i = 0; i < M * K; i++) {
    f[a / 4 + i] = Math.sin(i);
    f[b / 4 + i] = Math.cos(i);
  }
  const rows = Math.ceil(M / parts / 4) * 4;
  const len = Math.ceil((M * N) / (4 * parts) / 16) * 16;
  const spins = rt.pool.spins;
  try {
    for (let r = 0; r < rounds; r++) {
      // the last round's jobs go to the main thread's sleeping wait at once (see Pool.spins)
      if (r === rounds - 1) rt.pool.spins = 0;
      rt.pool.run(rt.k, rt.scratch(0), GEMM_ROWS, [0, 0, 0, M, N, K, a, K, b, N, c, N, rows, 4, rows], Math.ceil(M / rows), parts);
      rt.pool.run(rt.k, rt.scratch(0), UNARY_JOB, [0, UNARY.sigmoid, c, o, M * N, len, 4], Math.ceil((M * N) / len), parts);
    }
  } finally {
    rt.pool.spins = spins;
  }
  return performance.now() - t0;
};

/** Bytes of the ring made resident by `ready()` (see {@link prefault}). */
const PREFAULT_BYTES = 4 << 20;
/** At most this many participants' gemm scratch areas are made resident by `ready()`. */
const PREFAULT_PARTICIPANTS = 8;

/**
 * Make resident the memory the first training steps write, so that they do not pay its page
 * faults one by one: the next `bytes` of the ring (bounded by its span; where the head never
 * wrapped), and the gemm scratch areas of the participants that are up (at most
 * {@link PREFAULT_PARTICIPANTS}). In a fresh process the first MLP step (784-128-64-10, batch
 * 128) took about 600 page faults (2 µs each here), 100 after this. Returns the bytes touched.
 */
export const prefault = (rt: Runtime, bytes: number): number => {
  const ring = rt.arena.prefault(bytes);
  const parts = Math.min(participants(rt), PREFAULT_PARTICIPANTS);
  touchPages(rt.arena.u8, rt.scratch(0), rt.scratch(parts));
  return ring + rt.scratch(parts) - rt.scratch(0);
};
