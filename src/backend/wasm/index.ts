/**
 * The WASM SIMD backend: AssemblyScript kernels (`assembly/`, built by `npm run build:wasm`)
 * behind the {@link Backend} interface, float32 and float64, with large matrix products and
 * large elementwise kernels optionally split over two threads in Node. Users never free anything (see `memory.ts` for how memory stays
 * bounded).
 *
 It is the default backend wherever it loads: in Node it loads itself on first use; in a
 * browser `await ready()` fetches it once.
 *
 * @example
 * import { getBackend, randn, rng } from "typegrad"
 * const x = randn(rng(0), [128, 784]) // on the WASM backend in Node
 * getBackend().name // "wasm"
 *
 * @module
 */
import { type PatchGeometry, patchesShape } from "../../shape/conv.js";
import type { Sizes } from "../../shape/dims.js";
import type { Backend, BinaryKernel, DType, ReduceKernel, Storage, TypedArray, UnaryKernel } from "../backend.js";
import { BINARY, COSTLY, UNARY } from "./codes.generated.js";
import { writeGeometry } from "./conv.js";
import { canReadSync, fetchBuild, readBuildSync } from "./files.js";
import { Arena, type Block, type MemoryStats, type Placed } from "./memory.js";
import { BINARY as BINARY_JOB, GEMM as GEMM_JOB, Helper, UNARY as UNARY_JOB } from "./threads.js";
import { type Kernels, nodeModule, relaxedSimdAvailable, sharedMemoryAvailable, type WasmMemory, type WasmModule, wasmApi } from "./webassembly.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const REDUCE: Record<ReduceKernel, number> = { sum: 0, max: 1 };

const dtCode = (d: DType): number => (d === "float64" ? 1 : 0);
const bytesOf = (d: DType): number => (d === "float64" ? 8 : 4);

/** Default ring capacity: resident tensor data never exceeds it (see memory.ts). */
const RING_BYTES = 64 << 20;
/** Matrix products with at least this many multiply-adds are split over two threads. */
const SPLIT_MACS = 1 << 20;
/** Room for the broadcast/permute descriptors (i32 words; the upper half is the helper's). */
const META_WORDS = 4096;
/**
 * With `splitElementwise`, elementwise kernels with at least this many output elements are split
 * over two threads: transcendental unary kernels (compute-bound), other unary and binary kernels
 * (memory-bound).
 */
const SPLIT_UNARY_COSTLY = 1 << 14;
const SPLIT_ELEMENTWISE = 1 << 16;

/** A storage of the WASM backend. */
class WasmStorage implements Storage, Placed {
  ptr = -1;
  host: TypedArray | undefined = undefined;
  pin = 0;
  dead = false;
  block: Block | undefined = undefined;
  /** Shared by every tensor of one scalar value (see `fill`): never released. */
  shared = false;
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    readonly length: number,
  ) {}
}

/** A loaded module: kernels, memory, arena, helper thread. */
interface Runtime {
  readonly k: Kernels;
  readonly arena: Arena;
  readonly meta: number;
  readonly scratch: readonly [number, number];
  readonly helper: Helper | undefined;
}

let runtime: Runtime | undefined;
let threads = 2;
/**
 * Off by default: on the 2-core bench machine (2026-11-23, quiet) the split made bias add 4× and
 * sigmoid 1.5× slower than one thread in some memory layouts and faster in others.
 */
let splitElementwise = false;
let ringBytes = RING_BYTES;
/**
 * Which build: `"auto"` loads the relaxed-SIMD one where the engine runs relaxed SIMD as it is
 * (Node 22 and later, current browsers); `true` also on Node 20, by setting V8's flag for this
 * process (the user's explicit choice); `false` the plain build. `TYPEGRAD_RELAXED_SIMD=1` (or
 * `0`) in Node's environment sets the default.
 */
let relaxedSimd: boolean | "auto" = (() => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TYPEGRAD_RELAXED_SIMD;
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
  const scratch1 = scratch0 + scratchBytes;
  const arena = new Arena(memory, scratch1 + scratchBytes, ringBytes);
  arena.ensure(scratch1 + scratchBytes);
  const helper = shared ? Helper.start(module, memory) : undefined;
  return { k, arena, meta, scratch: [scratch0, scratch1], helper };
};

/** Load synchronously (Node), preferring the shared-memory build with a helper thread. */
const load = (): Runtime => {
  if (runtime !== undefined) return runtime;
  if (wasmApi === undefined) throw new Error("wasm backend: this JavaScript host has no WebAssembly");
  const shared = sharedMemoryAvailable() && nodeModule("node:worker_threads") !== undefined;
  const relaxed = useRelaxed();
  const bytes = readBuildSync(`typegrad${shared ? "-shared" : ""}${relaxed ? "-relaxed" : ""}.wasm`);
  if (bytes === undefined) throw new Error("wasm backend: not loaded yet; outside Node call 'await ready()' first");
  const memory = shared ? new wasmApi.Memory({ initial: 64, maximum: 65536, shared: true }) : new wasmApi.Memory({ initial: 64 });
  runtime = instantiate(new wasmApi.Module(bytes), memory, shared);
  return runtime;
};

/** True where the backend loads itself synchronously on first use (Node, from the package's files). */
export const wasmLoadsSync = (): boolean => wasmApi !== undefined && canReadSync();

/**
 * Load the backend wherever it runs: synchronously from disk in Node, else by fetching the build
 * {@link wasmFile} names (browsers; single thread). Used by `ready()`; a no-op once loaded.
 */
export const loadWasm = async (): Promise<void> => {
  if (runtime !== undefined) return;
  if (wasmLoadsSync()) {
    load();
    return;
  }
  await initWasm(await fetchBuild(wasmFile()));
};

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
 * // the files ship in the package under dist/src/backend/wasm/bin/
 * const load = async () => initWasm(new Uint8Array(await (await fetch(`/${wasmFile()}`)).arrayBuffer()))
 * @category constructors
 */
export const initWasm = async (bytes: Uint8Array): Promise<void> => {
  if (runtime !== undefined) return;
  if (wasmApi === undefined) throw new Error("initWasm: this JavaScript host has no WebAssembly");
  if (!(bytes instanceof Uint8Array)) throw new TypeError("initWasm: argument 'bytes' must be a Uint8Array holding typegrad.wasm or typegrad-relaxed.wasm");
  const module = await wasmApi.compile(bytes);
  if (runtime !== undefined) return;
  runtime = instantiate(module, new wasmApi.Memory({ initial: 64 }), false);
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
  /** 1 or 2: threads for large matrix products (2 by default where shared memory and workers exist). */
  readonly threads?: 1 | 2;
  /**
   * Bytes of WASM memory for resident tensors (default 64 MiB, at least 1 MiB); tensors larger
   * than an eighth of it stay on the JS heap. Only before the backend is first used.
   */
  readonly ringBytes?: number;
  /** Also split large elementwise kernels over the two threads (off by default: see the bench). */
  readonly splitElementwise?: boolean;
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
  const prev = { threads: threads as 1 | 2, ringBytes, splitElementwise, relaxedSimd };
  if (opts.splitElementwise !== undefined && typeof opts.splitElementwise !== "boolean")
    throw new TypeError(`configureWasm: option 'splitElementwise' must be a boolean, got ${String(opts.splitElementwise)}`);
  if (opts.threads !== undefined && opts.threads !== 1 && opts.threads !== 2) throw new TypeError(`configureWasm: option 'threads' must be 1 or 2, got ${String(opts.threads)}`);
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
  if (opts.threads !== undefined) threads = opts.threads;
  if (opts.splitElementwise !== undefined) splitElementwise = opts.splitElementwise;
  return prev;
};

/**
 * Memory counters of the WASM backend (loads it if needed).
 *
 * @example
 * import { wasmStats } from "typegrad"
 * wasmStats().memoryBytes > 0 // true
 * @category destructors
 */
export const wasmStats = (): MemoryStats & { readonly threads: number; readonly elementwiseSplits: number; readonly relaxedSimd: boolean } => {
  const rt = load();
  return { ...rt.arena.stats(), threads: threads === 2 && rt.helper?.ready === true ? 2 : 1, elementwiseSplits, relaxedSimd: rt.k.RELAXED_SIMD.value === 1 };
};

// -------------------------------------------------------------------------------------
// shape helpers
// -------------------------------------------------------------------------------------

const size = (s: Sizes): number => {
  let n = 1;
  for (const d of s) n *= d;
  return n;
};

const around = (shape: Sizes, axis: number): [number, number, number] => [size(shape.slice(0, axis)), shape[axis] as number, size(shape.slice(axis + 1))];

/**
 * Collapse a broadcast: drop axes of size 1 in `out`, merge neighbours that every input either
 * has or broadcasts alike, and give each input its element strides (0 where broadcast).
 */
const collapse = (out: Sizes, inputs: readonly Sizes[]): { dims: number[]; strides: number[][] } => {
  // fast path: every input has out's size (same shape up to leading 1s) or is a single element
  const n = size(out);
  let plain = true;
  for (const s of inputs) {
    const m = size(s);
    if (m !== n && m !== 1) {
      plain = false;
      break;
    }
  }
  if (plain) return { dims: [n], strides: inputs.map((s) => [size(s) === n && n !== 1 ? 1 : 0]) };
  const r = out.length;
  const present = inputs.map((s) => out.map((d, k) => k >= r - s.length && (s[k - (r - s.length)] as number) === d));
  const dims: number[] = [];
  const flags: boolean[][] = [];
  for (let k = 0; k < r; k++) {
    const d = out[k] as number;
    if (d === 1) continue;
    const f = present.map((p) => p[k] as boolean);
    const last = flags[flags.length - 1];
    if (last !== undefined && f.every((x, i) => x === last[i])) dims[dims.length - 1] = (dims[dims.length - 1] as number) * d;
    else {
      dims.push(d);
      flags.push(f);
    }
  }
  if (dims.length === 0) return { dims: [1], strides: inputs.map(() => [0]) };
  const strides = inputs.map((_, i) => {
    const st = new Array<number>(dims.length).fill(0);
    let acc = 1;
    for (let k = dims.length - 1; k >= 0; k--) {
      if ((flags[k] as boolean[])[i]) {
        st[k] = acc;
        acc *= dims[k] as number;
      }
    }
    return st;
  });
  return { dims, strides };
};

/** Output axes of a permutation with their input strides, size-1 axes dropped, runs merged. */
const permuteDims = (shape: Sizes, axes: readonly number[]): { dims: number[]; strides: number[] } => {
  const inStride = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    inStride[i] = acc;
    acc *= shape[i] as number;
  }
  const dims: number[] = [];
  const strides: number[] = [];
  for (const ax of axes) {
    const d = shape[ax] as number;
    if (d === 1) continue;
    const st = inStride[ax] as number;
    const j = dims.length - 1;
    if (j >= 0 && strides[j] === st * d) {
      dims[j] = (dims[j] as number) * d;
      strides[j] = st;
    } else {
      dims.push(d);
      strides.push(st);
    }
  }
  if (dims.length === 0) return { dims: [1], strides: [1] };
  return { dims, strides };
};

/** For each output batch index, the flat batch index of an input broadcast to `out`. */
const batchIndex = (shape: Sizes, out: Sizes): number[] => {
  const n = size(out);
  const st = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i] as number;
    st[out.length - i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  const idx: number[] = [];
  for (let t = 0; t < n; t++) {
    let rem = t;
    let off = 0;
    for (let k = out.length - 1; k >= 0; k--) {
      const d = out[k] as number;
      off += (rem % d) * (st[k] as number);
      rem = Math.floor(rem / d);
    }
    idx.push(off);
  }
  return idx;
};

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

class Wasm implements Backend {
  readonly name = "wasm";

  private own(s: Storage, fn: string, arg: string): WasmStorage {
    if (!(s instanceof WasmStorage)) throw new TypeError(`wasm backend ${fn}: argument '${arg}' must be a storage of the wasm backend, got one of '${s.backend.name}'`);
    return s;
  }

  private make(dtype: DType, n: number): WasmStorage {
    return new WasmStorage(this, dtype, n);
  }

  /** Run one kernel: place inputs, reserve the output, call, settle. */
  private run(inputs: readonly WasmStorage[], out: WasmStorage, kernel: (rt: Runtime, ptrs: readonly number[], o: number) => void): WasmStorage {
    const rt = load();
    const arena = rt.arena;
    arena.begin();
    for (const s of inputs) s.pin = -1;
    const ptrs: number[] = [];
    for (const s of inputs) ptrs.push(arena.input(s));
    const o = arena.output(out, out.length * bytesOf(out.dtype));
    kernel(rt, ptrs, o);
    arena.settle(out, o);
    return out;
  }

  /** Write the meta words (dims, then each stride list, then room for counters); `helper` uses the upper half. */
  private meta(rt: Runtime, dims: readonly number[], strides: readonly (readonly number[])[], helper = false): number {
    const r = dims.length;
    if ((strides.length + 2) * r > META_WORDS / 2) throw new RangeError(`wasm backend: rank ${r} is too large (at most ${Math.floor(META_WORDS / 12)} after merging axes)`);
    const w = rt.arena.i32;
    const at = rt.meta + (helper ? META_WORDS * 2 : 0);
    const base = at / 4;
    w.set(dims, base);
    for (let i = 0; i < strides.length; i++) w.set(strides[i] as readonly number[], base + (i + 1) * r);
    return at;
  }

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    const out = this.make(dtype, data.length);
    return this.run([], out, (rt, _p, o) => {
      if (out.ptr === o) rt.arena.copyIn(o, dtype, data);
      else (dtype === "float64" ? rt.arena.f64 : rt.arena.f32).set(data, o / bytesOf(dtype));
    });
  }

  read(s: Storage): TypedArray {
    const x = this.own(s, "read", "s");
    if (x.ptr >= 0) return load().arena.copyOut(x);
    return load().arena.host(x).slice();
  }

  release(s: Storage): void {
    const x = this.own(s, "release", "s");
    if (!x.shared) load().arena.release(x);
  }

  /**
   * Scalars made by `fill` (every `add(x, 1)`, every `relu`), by dtype and value: storages are
   * immutable, so one storage serves every tensor that needs the same scalar.
   */
  private readonly scalars = new Map<number, WasmStorage>();
  private readonly scalars64 = new Map<number, WasmStorage>();

  fill(dtype: DType, n: number, value: number): Storage {
    if (n === 1) {
      const cache = dtype === "float64" ? this.scalars64 : this.scalars;
      const key = dtype === "float64" ? value : Math.fround(value);
      const hit = Object.is(key, -0) ? undefined : cache.get(key);
      if (hit !== undefined) return hit;
      const s = this.fillNew(dtype, 1, value);
      if (!Object.is(key, -0) && !Number.isNaN(key)) {
        s.shared = true;
        if (cache.size >= 256) cache.clear();
        cache.set(key, s);
      }
      return s;
    }
    return this.fillNew(dtype, n, value);
  }

  private fillNew(dtype: DType, n: number, value: number): WasmStorage {
    return this.run([], this.make(dtype, n), (rt, _p, o) => {
      const v = dtype === "float64" ? rt.arena.f64 : rt.arena.f32;
      const i = o / bytesOf(dtype);
      v.fill(value, i, i + n);
    });
  }

  cast(x: Storage, dtype: DType): Storage {
    const a = this.own(x, "cast", "x");
    return this.run([a], this.make(dtype, a.length), (rt, [p], o) => rt.k.cast(dtCode(a.dtype), dtCode(dtype), p as number, o, a.length));
  }

  unary(op: UnaryKernel, x: Storage): Storage {
    const a = this.own(x, "unary", "x");
    const code = UNARY[op];
    if (code === undefined) throw new RangeError(`wasm backend unary: unknown op '${String(op)}'`);
    const n = a.length;
    const dt = dtCode(a.dtype);
    const h = elementwiseHelper(n, COSTLY.has(op) ? SPLIT_UNARY_COSTLY : SPLIT_ELEMENTWISE);
    return this.run([a], this.make(a.dtype, n), (rt, [p], o) => {
      if (h === undefined) return rt.k.unary(dt, code, p as number, o, n);
      // the helper takes the upper half (elementwise: the same result as one thread, bit for bit)
      const half = Math.floor(n / 32) * 16;
      const sz = bytesOf(a.dtype);
      h.post(UNARY_JOB, [dt, code, (p as number) + half * sz, o + half * sz, n - half]);
      rt.k.unary(dt, code, p as number, o, half);
      h.join(rt.k);
    });
  }

  binary(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, out: Sizes, then?: UnaryKernel): Storage {
    const x = this.own(a, "binary", "a");
    const y = this.own(b, "binary", "b");
    const code = BINARY[op];
    if (code === undefined) throw new RangeError(`wasm backend binary: unknown op '${String(op)}'`);
    const post = then === undefined ? -1 : UNARY[then];
    if (post === undefined) throw new RangeError(`wasm backend binary: unknown op '${String(then)}' for argument 'then'`);
    const n = size(out);
    const h = elementwiseHelper(n, SPLIT_ELEMENTWISE);
    return this.run([x, y], this.make(x.dtype, n), (rt, [pa, pb], o) => {
      if (n === 0) return;
      const { dims, strides } = collapse(out, [aShape, bShape]);
      const dt = dtCode(x.dtype);
      const d0 = dims[0] as number;
      if (h === undefined || d0 < 2) return rt.k.binary(dt, code, pa as number, pb as number, o, dims.length, this.meta(rt, dims, strides), post);
      // split the outermost merged axis: the helper takes its upper part, with its own meta words
      const [sa, sb] = strides as [number[], number[]];
      const inner = n / d0;
      const half = dims.length === 1 ? Math.floor(d0 / 32) * 16 : Math.floor(d0 / 2);
      const sz = bytesOf(x.dtype);
      const rest = dims.slice(1);
      const hm = this.meta(rt, [d0 - half, ...rest], strides, true);
      h.post(BINARY_JOB, [dt, code, (pa as number) + half * (sa[0] as number) * sz, (pb as number) + half * (sb[0] as number) * sz, o + half * inner * sz, dims.length, hm, post]);
      rt.k.binary(dt, code, pa as number, pb as number, o, dims.length, this.meta(rt, [half, ...rest], strides), post);
      h.join(rt.k);
    });
  }

  where(cond: Storage, cShape: Sizes, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, out: Sizes): Storage {
    const c = this.own(cond, "where", "cond");
    const x = this.own(a, "where", "a");
    const y = this.own(b, "where", "b");
    const n = size(out);
    return this.run([c, x, y], this.make(x.dtype, n), (rt, [pc, pa, pb], o) => {
      if (n === 0) return;
      const { dims, strides } = collapse(out, [cShape, aShape, bShape]);
      rt.k.where(dtCode(c.dtype), dtCode(x.dtype), pc as number, pa as number, pb as number, o, dims.length, this.meta(rt, dims, strides));
    });
  }

  matmul(a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, out: Sizes): Storage {
    const x = this.own(a, "matmul", "a");
    const y = this.own(b, "matmul", "b");
    const r = out.length;
    const M = out[r - 2] as number;
    const N = out[r - 1] as number;
    const K = (transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]) as number;
    const batch = out.slice(0, -2);
    const nb = size(batch);
    const ia = batchIndex(aShape.slice(0, -2), batch);
    const ib = batchIndex(bShape.slice(0, -2), batch);
    const sz = bytesOf(x.dtype);
    const dt = dtCode(x.dtype);
    return this.run([x, y], this.make(x.dtype, nb * M * N), (rt, [pa, pb], o) => {
      if (M === 0 || N === 0) return;
      const lda = transA ? M : K;
      const ldb = transB ? K : N;
      for (let t = 0; t < nb; t++) {
        const A = (pa as number) + (ia[t] as number) * M * K * sz;
        const B = (pb as number) + (ib[t] as number) * K * N * sz;
        const C = o + t * M * N * sz;
        gemm(rt, dt, transA, transB, M, N, K, A, lda, B, ldb, C, sz);
      }
    });
  }

  reduce(op: ReduceKernel, x: Storage, shape: Sizes, axis: number): Storage {
    const a = this.own(x, "reduce", "x");
    const code = REDUCE[op];
    if (code === undefined) throw new RangeError(`wasm backend reduce: unknown op '${String(op)}'`);
    const [outer, n, inner] = around(shape, axis);
    return this.run([a], this.make(a.dtype, outer * inner), (rt, [p], o) => rt.k.reduce(dtCode(a.dtype), code, p as number, o, outer, n, inner));
  }

  softmax(x: Storage, shape: Sizes, axis: number, log: boolean): Storage {
    const a = this.own(x, "softmax", "x");
    const [outer, n, inner] = around(shape, axis);
    return this.run([a], this.make(a.dtype, a.length), (rt, [p], o) => rt.k.softmax(dtCode(a.dtype), log ? 1 : 0, p as number, o, outer, n, inner));
  }

  argmax(x: Storage, shape: Sizes, axis: number): Storage {
    const a = this.own(x, "argmax", "x");
    const [outer, n, inner] = around(shape, axis);
    return this.run([a], this.make(a.dtype, outer * inner), (rt, [p], o) => rt.k.argmax(dtCode(a.dtype), p as number, o, outer, n, inner));
  }

  broadcastTo(x: Storage, shape: Sizes, out: Sizes): Storage {
    const a = this.own(x, "broadcastTo", "x");
    const n = size(out);
    return this.run([a], this.make(a.dtype, n), (rt, [p], o) => {
      if (n === 0) return;
      const { dims, strides } = collapse(out, [shape]);
      rt.k.broadcast(dtCode(a.dtype), p as number, o, dims.length, this.meta(rt, dims, strides));
    });
  }

  permute(x: Storage, shape: Sizes, axes: readonly number[]): Storage {
    const a = this.own(x, "permute", "x");
    return this.run([a], this.make(a.dtype, a.length), (rt, [p], o) => {
      if (a.length === 0) return;
      const { dims, strides } = permuteDims(shape, axes);
      const dt = dtCode(a.dtype);
      const [d0, d1, d2] = dims;
      const [s0, s1, s2] = strides;
      if (dims.length === 2 && s1 === d0 && s0 === 1) rt.k.transpose(dt, p as number, o, 1, d1 as number, d0 as number);
      else if (dims.length === 3 && s1 === 1 && s2 === d1 && s0 === (d1 as number) * (d2 as number)) rt.k.transpose(dt, p as number, o, d0 as number, d2 as number, d1 as number);
      else rt.k.gather(dt, p as number, o, dims.length, this.meta(rt, dims, [strides]));
    });
  }

  slice(x: Storage, shape: Sizes, axis: number, start: number, end: number): Storage {
    const a = this.own(x, "slice", "x");
    const [outer, n, inner] = around(shape, axis);
    const m = end - start;
    const sz = bytesOf(a.dtype);
    return this.run([a], this.make(a.dtype, outer * m * inner), (rt, [p], o) => {
      if (m * inner === 0 || outer === 0) return;
      rt.k.copyRows((p as number) + start * inner * sz, n * inner * sz, o, m * inner * sz, m * inner * sz, outer);
    });
  }

  pad(x: Storage, shape: Sizes, axis: number, before: number, after: number): Storage {
    const a = this.own(x, "pad", "x");
    const [outer, n, inner] = around(shape, axis);
    const m = n + before + after;
    const sz = bytesOf(a.dtype);
    return this.run([a], this.make(a.dtype, outer * m * inner), (rt, [p], o) => {
      rt.k.zero(o, outer * m * inner * sz);
      if (n * inner > 0) rt.k.copyRows(p as number, n * inner * sz, o + before * inner * sz, m * inner * sz, n * inner * sz, outer);
    });
  }

  concat(xs: readonly Storage[], shapes: readonly Sizes[], axis: number): Storage {
    const parts = xs.map((s, i) => this.own(s, "concat", `xs[${i}]`));
    const first = shapes[0] as Sizes;
    const outer = size(first.slice(0, axis));
    const inner = size(first.slice(axis + 1));
    const total = shapes.reduce((s, sh) => s + (sh[axis] as number), 0);
    const dtype = (parts[0] as WasmStorage).dtype;
    const sz = bytesOf(dtype);
    return this.run(parts, this.make(dtype, outer * total * inner), (rt, ptrs, o) => {
      let at = 0;
      parts.forEach((_, k) => {
        const n = (shapes[k] as Sizes)[axis] as number;
        if (n * inner > 0) rt.k.copyRows(ptrs[k] as number, n * inner * sz, o + at * inner * sz, total * inner * sz, n * inner * sz, outer);
        at += n;
      });
    });
  }

  im2col(x: Storage, shape: Sizes, g: PatchGeometry, padValue: number): Storage {
    const a = this.own(x, "im2col", "x");
    const n = size(patchesShape(shape, g));
    return this.run([a], this.make(a.dtype, n), (rt, [p], o) => {
      if (n > 0) rt.k.im2col(dtCode(a.dtype), p as number, o, writeGeometry(rt.arena.i32, rt.meta, shape, g), padValue);
    });
  }

  col2im(cols: Storage, g: PatchGeometry, out: Sizes): Storage {
    const a = this.own(cols, "col2im", "cols");
    const n = size(out);
    return this.run([a], this.make(a.dtype, n), (rt, [p], o) => {
      if (n > 0) rt.k.col2im(dtCode(a.dtype), p as number, o, writeGeometry(rt.arena.i32, rt.meta, out, g));
    });
  }
}

/** The helper thread when two threads are configured and it is up, else undefined. */
const helperOf = (): Helper | undefined => {
  const h = threads === 2 ? load().helper : undefined;
  return h?.ready === true ? h : undefined;
};

/** Elementwise kernels split over two threads so far (see `splitElementwise`). */
let elementwiseSplits = 0;

/** The helper thread for an elementwise kernel of `n` outputs, when it is to be split. */
const elementwiseHelper = (n: number, threshold: number): Helper | undefined => {
  const h = splitElementwise && n >= threshold ? helperOf() : undefined;
  if (h !== undefined) elementwiseSplits++;
  return h;
};

/** One gemm, split by rows (or by columns when there are few rows) over two threads when large. */
const gemm = (rt: Runtime, dt: number, transA: boolean, transB: boolean, M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, sz: number): void => {
  const ta = transA ? 1 : 0;
  const tb = transB ? 1 : 0;
  const [s0, s1] = rt.scratch;
  const h = rt.helper;
  if (threads === 2 && h !== undefined && M * N * K >= SPLIT_MACS && h.ready && (M >= 16 || N >= 32)) {
    if (M >= 16) {
      const m1 = Math.ceil(M / 8) * 4;
      const A1 = transA ? A + m1 * sz : A + m1 * lda * sz;
      h.post(GEMM_JOB, [dt, ta, tb, M - m1, N, K, A1, lda, B, ldb, C + m1 * N * sz, N, s1]);
      rt.k.gemm(dt, ta, tb, m1, N, K, A, lda, B, ldb, C, N, s0);
    } else {
      const n1 = Math.ceil(N / 16) * 8;
      const B1 = transB ? B + n1 * ldb * sz : B + n1 * sz;
      h.post(GEMM_JOB, [dt, ta, tb, M, N - n1, K, A, lda, B1, ldb, C + n1 * sz, N, s1]);
      rt.k.gemm(dt, ta, tb, M, n1, K, A, lda, B, ldb, C, N, s0);
    }
    h.join(rt.k);
    return;
  }
  rt.k.gemm(dt, ta, tb, M, N, K, A, lda, B, ldb, C, N, s0);
};

/**
 * The WASM SIMD backend.
 *
 * @example
 * import { getBackend, setBackend, wasm } from "typegrad"
 * const previous = setBackend(wasm)
 * getBackend().name // "wasm"
 * setBackend(previous)
 * @category instances
 */
export const wasm: Backend = new Wasm();
