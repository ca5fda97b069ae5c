/**
 * The WASM SIMD backend: AssemblyScript kernels (`assembly/`, built by `npm run build:wasm`)
 * behind the {@link Backend} interface, float32 and float64, with large matrix products (and,
 * on request, large elementwise kernels) split over every core the host offers. Users never
 * free anything (see `memory.ts` for how memory stays bounded).
 *
 * This module is the dispatch: one method per kernel, placing inputs and outputs in the arena
 * and calling the kernel. The rooms around it: `platform.ts` (everything host-specific),
 * `webassembly.ts` (the WebAssembly API as used), `runtime.ts` (loading, settings, warm-up),
 * `memory.ts` (the ring), `pool.ts` (the worker threads), `parallel.ts` (how kernels are split),
 * `shapes.ts` (shape arithmetic).
 *
 * It is the default backend wherever it loads: in Node it loads itself on first use; in a
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
import { copyRows, packDtype } from "../batches.js";
import { convByWindows } from "../windows.js";
import { BINARY, COSTLY, UNARY } from "./codes.generated.js";
import { col2im, conv, direct, im2col } from "./conv.js";
import type { Block, Placed } from "./memory.js";
import { binary, gemm, logLossGrad, reduce, SPLIT_ELEMENTWISE, SPLIT_UNARY_COSTLY, softmax, unary } from "./parallel.js";
import type { GatherJob, Pool } from "./pool.js";
import { countGathered, load, participants, type Runtime, writeMeta } from "./runtime.js";
import { around, batchIndex, collapse, permuteDims, size } from "./shapes.js";

export { configureWasm, initWasm, loadWasm, type WasmOptions, wasmFile, wasmLoadsSync, wasmStats } from "./runtime.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const REDUCE: Record<ReduceKernel, number> = { sum: 0, max: 1 };

const dtCode = (d: DType): number => (d === "float64" ? 1 : 0);
const bytesOf = (d: DType): number => (d === "float64" ? 8 : 4);

/** A storage of the WASM backend. */
class WasmStorage implements Storage, Placed {
  ptr = -1;
  host: TypedArray | undefined = undefined;
  pin = 0;
  dead = false;
  block: Block | undefined = undefined;
  /** Shared by every tensor of one scalar value (see `fill`): never released. */
  shared = false;
  /** Rows still to be copied in (see `gatherRows`). */
  pending: Pending | undefined = undefined;
  complete: (() => void) | undefined = undefined;
  /** Whether every element is finite, where known without reading them (`sgdUpdate` finds it as it writes them). */
  finite: boolean | undefined = undefined;
  constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    readonly length: number,
  ) {}
}

/**
 * A storage of `gatherRows` whose rows are not all copied in yet: rows `next …` of `rows` of
 * `src` still to go. The main thread copies them a few at a time while it waits for the pool's
 * workers (`Pool.idle`), and the rest at once when the storage is first used, given back or
 * evicted. With `job`, the pool's worker copies them instead (a training set in shared memory):
 * the main thread copies what the worker has not reached when the storage is first used.
 */
interface Pending {
  readonly s: WasmStorage;
  readonly src: Float32Array;
  readonly width: number;
  readonly rows: readonly number[];
  readonly transposed: boolean;
  next: number;
  readonly job?: GatherJob | undefined;
}

/** The batch index map of an unbatched matrix product: its one product. */
const FIRST: readonly number[] = [0];

/** The storages with rows to copy, oldest first. */
const pendings: Pending[] = [];

/** Elements copied per turn of `Pool.idle` (at least one row): about a microsecond and a half. */
const IDLE_ELEMENTS = 4096;

/** Copy rows `job.next … to - 1` of a pending storage into its block (`waiting`: in `Pool.idle`). */
const copyPending = (job: Pending, to: number, waiting = false): void => {
  const s = job.s;
  countGathered((to - job.next) * job.width, waiting);
  const arena = load().arena;
  const view = s.dtype === "float64" ? arena.f64 : arena.f32;
  copyRows(view, s.ptr / bytesOf(s.dtype), job.src, job.width, job.rows, job.next, to, job.transposed);
  job.next = to;
};

/**
 * Copy the rest of `s`'s rows (when it has any left to copy), or with `drop` forget them (`s` was
 * given back: a worker's job is cancelled, and this returns once the worker has written the
 * blocks it claimed, so the block can be reused). A worker's job that the main thread finished
 * while the worker was still copying its last block (the main thread copied it too: the same
 * bytes) stays pending until that block is written: `wait` (eviction, a job slot needed again)
 * waits for it; without `wait` (a kernel or a read about to use `s`: the bytes are all there) it
 * is only checked.
 */
const finishPending = (s: WasmStorage, drop = false, wait = true): void => {
  const job = s.pending;
  if (job === undefined) return;
  const gj = job.job;
  if (gj !== undefined) {
    const pool = load().pool as Pool;
    if (!gj.draining) {
      if (drop) pool.cancelGather(gj);
      else {
        const n = job.rows.length * job.width;
        countGathered(n, false, n - pool.finishGather(gj, load().arena.f32));
      }
    }
    if (gj.draining) {
      if (wait || drop) pool.drainGather(gj);
      else if (!pool.gatherDrained(gj)) return;
    }
    s.pending = undefined;
    s.complete = undefined;
    return;
  }
  s.pending = undefined;
  s.complete = undefined;
  if (!drop) copyPending(job, job.rows.length);
  pendings.splice(pendings.indexOf(job), 1);
};

/** Finish the storage a gather job fills (the pool needs the job's slot). */
const finishJob = (job: GatherJob): void => finishPending(job.owner as WasmStorage);

/** One turn of idle work for the pool's main thread: a few rows of the oldest pending storage; whether any are left. */
const idleRows = (): boolean => {
  const job = pendings[0];
  if (job === undefined) return false;
  copyPending(job, Math.min(job.rows.length, job.next + Math.max(1, Math.floor(IDLE_ELEMENTS / job.width))), true);
  if (job.next === job.rows.length) finishPending(job.s);
  return pendings.length > 0;
};

/** Elements still to copy in over every pending storage (for `Pool.idleLeft`: the products' split). */
const idleLeft = (): number => {
  let n = 0;
  for (const job of pendings) n += (job.rows.length - job.next) * job.width;
  return n;
};

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

class Wasm implements Backend {
  readonly name = "wasm";

  /** What the side region past the ring can hold: 4 GiB less the scratch, the ring and a gap. */
  get maxBytes(): number {
    return load().arena.maxBytes;
  }

  private own(s: Storage, fn: string, arg: string): WasmStorage {
    if (!(s instanceof WasmStorage)) throw new TypeError(`wasm backend ${fn}: argument '${arg}' must be a storage of the wasm backend, got one of '${s.backend.name}'`);
    return s;
  }

  /** A fused loss pullback's operands, owned: the logits (named `x`) and `y` of one dtype and length, `g` one element of it. */
  private lossGradArgs(fn: string, x: string, z: Storage, y: Storage, g: Storage): readonly [WasmStorage, WasmStorage, WasmStorage] {
    const a = this.own(z, fn, x);
    const b = this.own(y, fn, "y");
    const c = this.own(g, fn, "g");
    if (a.dtype !== b.dtype || a.dtype !== c.dtype || a.length !== b.length || c.length !== 1)
      throw new TypeError(
        `wasm backend ${fn}: '${x}' and 'y' must have one dtype and length and 'g' one element of it, got ${a.dtype} × ${a.length}, ${b.dtype} × ${b.length}, ${c.dtype} × ${c.length}`,
      );
    return [a, b, c];
  }

  private make(dtype: DType, n: number): WasmStorage {
    return new WasmStorage(this, dtype, n);
  }

  /** Run one kernel: place inputs, reserve the output, call, settle. */
  private run(inputs: readonly WasmStorage[], out: WasmStorage, kernel: (rt: Runtime, ptrs: readonly number[], o: number) => void): WasmStorage {
    const rt = load();
    const arena = rt.arena;
    for (const s of inputs) if (s.pending !== undefined) finishPending(s, false, false);
    arena.begin();
    for (const s of inputs) s.pin = -1;
    const ptrs: number[] = [];
    for (const s of inputs) ptrs.push(arena.input(s));
    const o = arena.output(out, out.length * bytesOf(out.dtype));
    kernel(rt, ptrs, o);
    arena.settle(out, o);
    return out;
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
    finishPending(x, false, false);
    if (x.ptr >= 0) return load().arena.copyOut(x);
    return load().arena.host(x).slice();
  }

  /** The pool's worker drops `src` (a training set it was given by `gatherRows`; `fit` and `evaluate` call this as they end). */
  forgetRows(src: Float32Array): void {
    load().pool?.forgetSet(src);
  }

  release(s: Storage): void {
    const x = this.own(s, "release", "s");
    finishPending(x, true);
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
    const costly = COSTLY.has(op);
    return this.run([a], this.make(a.dtype, n), (rt, [p], o) => unary(rt, dtCode(a.dtype), code, p as number, o, n, bytesOf(a.dtype), costly ? SPLIT_UNARY_COSTLY : SPLIT_ELEMENTWISE, costly));
  }

  binary(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, out: Sizes, then?: UnaryKernel): Storage {
    const x = this.own(a, "binary", "a");
    const y = this.own(b, "binary", "b");
    const code = BINARY[op];
    if (code === undefined) throw new RangeError(`wasm backend binary: unknown op '${String(op)}'`);
    const post = then === undefined ? -1 : UNARY[then];
    if (post === undefined) throw new RangeError(`wasm backend binary: unknown op '${String(then)}' for argument 'then'`);
    const n = size(out);
    return this.run([x, y], this.make(x.dtype, n), (rt, [pa, pb], o) => {
      if (n === 0) return;
      const { dims, strides } = collapse(out, [aShape, bShape]);
      binary(rt, dtCode(x.dtype), code, pa as number, pb as number, o, dims, strides, post, bytesOf(x.dtype));
    });
  }

  /**
   * `w − lr·g` in one pass over `w` and `g` (the kernel `sgdUpdate`: each element rounded as the
   * product, then the difference, so the bytes are those of `mul` then `sub`); not split over the
   * pool: it is memory-bound, like the binary kernels `splitElementwise: "costly"` leaves whole.
   * The kernel also says whether every new element is finite, kept on the result for `pack`.
   */
  sgdUpdate(w: Storage, g: Storage, lr: number): Storage {
    const x = this.own(w, "sgdUpdate", "w");
    const y = this.own(g, "sgdUpdate", "g");
    if (x.dtype !== y.dtype || x.length !== y.length)
      throw new TypeError(`wasm backend sgdUpdate: arguments 'w' and 'g' must have one dtype and length, got ${x.dtype} × ${x.length} and ${y.dtype} × ${y.length}`);
    const n = x.length;
    const dt = dtCode(x.dtype);
    const out = this.make(x.dtype, n);
    return this.run([x, y], out, (rt, [pw, pg], o) => {
      out.finite = n === 0 || rt.k.sgdUpdate(dt, pw as number, pg as number, lr, o, n) === 0;
    });
  }

  /**
   * The log-loss's pullback `(σ(z) − y) · (g / m)` in one pass (the kernel `logLossGrad`: each
   * element rounded as `sigmoid`, `sub` and `mul` round it, `g / m` as `div`), split over the pool
   * as the sigmoid kernel is.
   */
  logLossGrad(z: Storage, y: Storage, g: Storage, m: number): Storage {
    const [a, b, c] = this.lossGradArgs("logLossGrad", "z", z, y, g);
    const n = a.length;
    return this.run([a, b, c], this.make(a.dtype, n), (rt, [pz, py, pg], o) => {
      if (n > 0) logLossGrad(rt, dtCode(a.dtype), pz as number, py as number, pg as number, m, o, n, bytesOf(a.dtype));
    });
  }

  /**
   * The rows, copied in later. Where `src` lies on a `SharedArrayBuffer` (the training sets of
   * `examples`, `take`, `split`, `loadMnist`, … in Node and in a cross-origin isolated page) and
   * the batch is float32, the pool's worker copies them between its split jobs, while the main
   * thread runs the step's JavaScript and small kernels alone (a browser's worker leaves its loop
   * for a moment to take a new set from its event loop: the main thread copies meanwhile). Else
   * the main thread copies a few rows at a time while it waits for the pool's workers in the
   * kernels that follow. Either way a batch made ahead of a training step arrives during it, and
   * the rest is copied when the storage is first used, given back or evicted. At once where there
   * is no pool, or where the block lies outside the ring (a large batch, in the side region for
   * one call).
   */
  gatherRows(dtype: DType, src: Float32Array, width: number, rows: readonly number[], transposed: boolean): Storage {
    const out = this.make(dtype, rows.length * width);
    return this.run([], out, (rt, _p, o) => {
      if (out.ptr !== o || rt.pool === undefined || participants(rt) === 1) {
        countGathered(out.length, false);
        copyRows(dtype === "float64" ? rt.arena.f64 : rt.arena.f32, o / bytesOf(dtype), src, width, rows, 0, rows.length, transposed);
        return;
      }
      const posted = dtype === "float32" ? rt.pool.gather(out, src, width, rows, transposed, o / 4, finishJob) : undefined;
      if (posted !== undefined) {
        out.pending = { s: out, src, width, rows, transposed, next: 0, job: posted };
        out.complete = () => finishPending(out);
        return;
      }
      const job: Pending = { s: out, src, width, rows, transposed, next: 0 };
      out.pending = job;
      out.complete = () => finishPending(out);
      pendings.push(job);
      rt.pool.idle ??= idleRows;
      rt.pool.idleLeft ??= idleLeft;
    });
  }

  /**
   * Each storage's elements (copied), or whether they are all finite (0, else NaN): known for a
   * storage `sgdUpdate` made (neither placed nor read here), else found by the kernel `allFinite`
   * (and kept). One call.
   */
  pack(xs: readonly Storage[], probed: readonly boolean[]): Storage {
    const parts = xs.map((s, i) => this.own(s, "pack", `xs[${i}]`));
    const dtype = packDtype(this.name, parts, probed);
    const sz = bytesOf(dtype);
    const dt = dtCode(dtype);
    let n = 0;
    for (const [i, x] of parts.entries()) n += probed[i] === true ? 1 : x.length;
    const known = (x: WasmStorage, i: number): boolean => probed[i] === true && x.finite !== undefined;
    return this.run(
      parts.filter((x, i) => !known(x, i)),
      this.make(dtype, n),
      (rt, ptrs, o) => {
        const view = dtype === "float64" ? rt.arena.f64 : rt.arena.f32;
        let at = o;
        let next = 0;
        for (const [i, x] of parts.entries()) {
          if (probed[i] === true) {
            if (x.finite === undefined) {
              const p = ptrs[next++] as number;
              x.finite = x.length === 0 || rt.k.allFinite(dt, p, x.length) === 0;
            }
            view[at / sz] = x.finite ? 0 : Number.NaN;
            at += sz;
          } else {
            const p = ptrs[next++] as number;
            if (x.length > 0) rt.k.copyRows(p, x.length * sz, at, x.length * sz, x.length * sz, 1);
            at += x.length * sz;
          }
        }
      },
    );
  }

  where(cond: Storage, cShape: Sizes, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, out: Sizes): Storage {
    const c = this.own(cond, "where", "cond");
    const x = this.own(a, "where", "a");
    const y = this.own(b, "where", "b");
    const n = size(out);
    return this.run([c, x, y], this.make(x.dtype, n), (rt, [pc, pa, pb], o) => {
      if (n === 0) return;
      const { dims, strides } = collapse(out, [cShape, aShape, bShape]);
      rt.k.where(dtCode(c.dtype), dtCode(x.dtype), pc as number, pa as number, pb as number, o, dims.length, writeMeta(rt, dims, strides));
    });
  }

  matmul(a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, out: Sizes): Storage {
    const x = this.own(a, "matmul", "a");
    const y = this.own(b, "matmul", "b");
    const r = out.length;
    const M = out[r - 2] as number;
    const N = out[r - 1] as number;
    const K = (transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]) as number;
    // no batch axes (a dense layer's products): one product at offset 0, no index maps to build
    const batch = r === 2 ? undefined : out.slice(0, -2);
    const nb = batch === undefined ? 1 : size(batch);
    const ia = batch === undefined ? FIRST : batchIndex(aShape.slice(0, -2), batch);
    const ib = batch === undefined ? FIRST : batchIndex(bShape.slice(0, -2), batch);
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
    return this.run([a], this.make(a.dtype, outer * inner), (rt, [p], o) => reduce(rt, dtCode(a.dtype), code, p as number, o, outer, n, inner, bytesOf(a.dtype)));
  }

  softmax(x: Storage, shape: Sizes, axis: number, log: boolean): Storage {
    const a = this.own(x, "softmax", "x");
    const [outer, n, inner] = around(shape, axis);
    return this.run([a], this.make(a.dtype, a.length), (rt, [p], o) => softmax(rt, dtCode(a.dtype), log ? 1 : 0, p as number, o, outer, n, inner, bytesOf(a.dtype)));
  }

  /**
   * Softmax cross-entropy's pullback in one pass (the kernel `softmaxXentGrad`: each element
   * rounded as `exp`, `mul`, `sub`, `mul` round it); not split over the pool (a loss's logits
   * are small next to the products around them).
   */
  softmaxCrossEntropyGrad(ls: Storage, y: Storage, shape: Sizes, axis: number, g: Storage, m: number): Storage {
    const [a, b, c] = this.lossGradArgs("softmaxCrossEntropyGrad", "ls", ls, y, g);
    const [outer, n, inner] = around(shape, axis);
    return this.run([a, b, c], this.make(a.dtype, a.length), (rt, [pl, py, pg], o) => {
      if (a.length > 0) rt.k.softmaxXentGrad(dtCode(a.dtype), pl as number, py as number, pg as number, m, o, outer, n, inner);
    });
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
      rt.k.broadcast(dtCode(a.dtype), p as number, o, dims.length, writeMeta(rt, dims, strides));
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
      else rt.k.gather(dt, p as number, o, dims.length, writeMeta(rt, dims, [strides]));
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
      if (n > 0) im2col(rt, dtCode(a.dtype), p as number, shape, g, padValue, o);
    });
  }

  col2im(cols: Storage, g: PatchGeometry, out: Sizes): Storage {
    const a = this.own(cols, "col2im", "cols");
    const n = size(out);
    return this.run([a], this.make(a.dtype, n), (rt, [p], o) => {
      if (n > 0) col2im(rt, dtCode(a.dtype), p as number, out, g, o);
    });
  }

  /** The direct kernel (`assembly/conv.ts`) where it applies (`direct`), else `im2col` and the gemm. */
  conv2d(x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number): Storage {
    const a = this.own(x, "conv2d", "x");
    const b = this.own(w, "conv2d", "w");
    if (!direct(load(), xShape, wShape, g, groups)) return convByWindows(this, a, xShape, b, wShape, g, groups);
    const n = (xShape[0] as number) * g.outH * g.outW * (wShape[3] as number);
    return this.run([a, b], this.make(a.dtype, n), (rt, [px, pw], o) => {
      if (n > 0) conv(rt, dtCode(a.dtype), px as number, xShape, pw as number, wShape, g, groups, o);
    });
  }
}

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
