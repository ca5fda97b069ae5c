/**
 * The WebGPU backend: every {@link Backend} kernel as a WGSL compute shader (`kernels.ts`),
 * tensors resident in GPU buffers, float32 only. It is never the default: `await
 * ready("webgpu")` finds an adapter (the host's `navigator.gpu`, or in Node the optional
 * `webgpu` package) and makes it the creation backend.
 *
 * Reads: WebGPU reads back only asynchronously, so `read` (behind `toArray`, `toFlat`, `item`)
 * throws an error naming `toArrayAsync` / `toFlatAsync` / `itemAsync`, which use `readAsync`.
 *
 * Memory: users never free anything. Buffers come from a pool bucketed by size; a storage's
 * buffer goes back to the pool when the autodiff core says nobody can see it (`release`, from
 * `tidy`/`giveBack`) or when the storage is garbage-collected (a `FinalizationRegistry`). WebGPU
 * runs a queue's commands in order, so a buffer handed out again is written only after every
 * earlier command that read it.
 *
 * Commands are recorded into one encoder and submitted in batches (at a read, at a host write,
 * or every {@link BATCH} dispatches).
 *
 * @module
 */
import type { PatchGeometry } from "../../shape/conv.js";
import type { Sizes } from "../../shape/dims.js";
import { checkOptionKeys, checkOptionsRecord, type OptionKeys } from "../../shape/options.js";
import type { Backend, BinaryKernel, DType, ReduceKernel, Storage, TypedArray, UnaryKernel } from "../backend.js";
import { isShared, packDtype } from "../batches.js";
import { convByWindows, isPointwise } from "../windows.js";
import { BufferUsage, type GpuAdapterInfo, type GpuBuffer, type GpuContext, type GpuDevice, type GpuEncoder, type GpuPipeline, MAP_READ, requestGpuDevice } from "./gpu.js";
import {
  binaryShader,
  col2imShader,
  columnShader,
  columnsShader,
  convShader,
  copyShader,
  fillShader,
  im2colShader,
  type LineOp,
  logLossGradShader,
  type MatmulTile,
  matmulShader,
  packShader,
  ROW,
  rowShader,
  SHORT_AXIS,
  sgdShader,
  unaryShader,
  vec4Fits,
  WG,
  whereShader,
} from "./kernels.js";

export type { GpuAdapterInfo } from "./gpu.js";
export type { MatmulTile } from "./kernels.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Dispatches recorded before the encoder is submitted. */
const BATCH = 64;
/** Pooled bytes kept beyond which released buffers are destroyed instead. */
const POOL_BYTES = 512 << 20;
const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** A storage of the WebGPU backend: a pooled buffer of at least `length` float32s. */
class GpuStorage implements Storage {
  readonly dtype = "float32" as const;
  /** One of the backend's cached scalars (see `fill`): never given back. */
  shared = false;
  constructor(
    readonly backend: Backend,
    readonly length: number,
    readonly slot: Slot,
  ) {}
}

/** A matrix product recorded but not yet encoded (see `deferred` in the backend). */
interface PendingMatmul {
  readonly kind: "matmul";
  readonly tile: MatmulTile;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly vecA: boolean;
  readonly vecB: boolean;
  /** The params: [M, N, K, batches, bias strides (0, 0), offsets…]. */
  readonly words: readonly number[];
  readonly a: GpuBuffer;
  readonly b: GpuBuffer;
  readonly out: GpuStorage;
  /** The product's shape `[...batch, M, N]`. */
  readonly outShape: Sizes;
  readonly M: number;
  readonly N: number;
  readonly nb: number;
}

/** An implicit-GEMM convolution recorded but not yet encoded (see `WebGPU.deferred`). */
interface PendingConv {
  readonly kind: "conv";
  readonly tile: MatmulTile;
  readonly vecX: boolean;
  readonly vecW: boolean;
  /** The params of `convShader` without the bias strides. */
  readonly words: readonly number[];
  readonly x: GpuBuffer;
  readonly w: GpuBuffer;
  readonly out: GpuStorage;
  /** The output rows `m · outH · outW` and channels `F`. */
  readonly M: number;
  readonly N: number;
  readonly grid: readonly [number, number, number];
}

/** What a bias epilogue adds to a deferred command: the bias and its strides, the activation, the output `D`. */
interface EpilogueArgs {
  readonly bias: GpuBuffer;
  readonly si: number;
  readonly sj: number;
  /** The bias offset of each batch of a batched product. */
  readonly offsets: readonly number[];
  readonly act: UnaryKernel | undefined;
  readonly d: GpuStorage;
}

/** A buffer and its pool bucket; `free` once it is back in the pool. */
interface Slot {
  readonly buffer: GpuBuffer;
  readonly bytes: number;
  free: boolean;
  /** The device generation that made the buffer: one from a lost device never goes back to the pool. */
  readonly generation: number;
}

const size = (s: Sizes): number => {
  let n = 1;
  for (const d of s) n *= d;
  return n;
};

const around = (shape: Sizes, axis: number): [number, number, number] => [size(shape.slice(0, axis)), shape[axis] as number, size(shape.slice(axis + 1))];

/** Row-major strides of `shape` right-aligned against `out`, 0 where broadcast. */
const bstrides = (shape: Sizes, out: Sizes): number[] => {
  const st = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i] as number;
    st[out.length - i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return st;
};

/** The bits of `x` rounded to float32, as a parameter word. */
const f32Bits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0] as number;

/** Storages one `pack` dispatch takes at most (fewer where the GPU binds fewer storage buffers). */
const PACK_MAX = 16;

const sameSizes = (a: Sizes, b: Sizes): boolean => a.length === b.length && a.every((d, k) => d === b[k]);

/**
 * The one stride `s` with which the row-major index `i` over `dims` walks `strides` (`Σ_k
 * coord_k(i) · strides[k] = i · s`), or undefined where there is none (a bias broadcast along
 * some of the flattened axes and not others).
 */
const rowStride = (dims: Sizes, strides: readonly number[]): number | undefined => {
  let s: number | undefined;
  let inner = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k] as number;
    if (d === 1) continue;
    const st = strides[k] as number;
    if (s === undefined) {
      if (st % inner !== 0) return undefined;
      s = st / inner;
    } else if (st !== s * inner) return undefined;
    inner *= d;
  }
  return s ?? 0;
};

/** For each index `t` of the row-major batch `dims`, the element offset `Σ_k coord_k(t) · strides[k]`. */
const batchOffsets = (dims: Sizes, strides: readonly number[]): number[] => {
  const idx = contiguous(dims);
  return Array.from({ length: size(dims) }, (_, t) => {
    let off = 0;
    for (let k = 0; k < dims.length; k++) off += (Math.floor(t / (idx[k] as number)) % (dims[k] as number)) * (strides[k] as number);
    return off;
  });
};

const contiguous = (dims: Sizes): number[] => {
  const st = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= dims[i] as number;
  }
  return st;
};

/** Drop size-1 output axes and merge neighbours whose strides chain, for every stride list at once. */
const simplify = (dims: Sizes, strides: readonly (readonly number[])[]): { dims: number[]; strides: number[][] } => {
  const ds: number[] = [];
  const ss: number[][] = strides.map(() => []);
  for (let k = 0; k < dims.length; k++) {
    const d = dims[k] as number;
    if (d === 1) continue;
    const j = ds.length - 1;
    if (j >= 0 && strides.every((st, s) => ((ss[s] as number[])[j] as number) === (st[k] as number) * d)) {
      ds[j] = (ds[j] as number) * d;
      strides.forEach((st, s) => {
        (ss[s] as number[])[j] = st[k] as number;
      });
    } else {
      ds.push(d);
      strides.forEach((st, s) => {
        (ss[s] as number[]).push(st[k] as number);
      });
    }
  }
  if (ds.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims: ds, strides: ss };
};

/**
 * Await a GPU promise with a timer running: Node's `webgpu` package (Dawn) does not keep the event
 * loop alive while the GPU works, so without it Node may exit with the promise pending.
 */
const keepAlive = async <T>(p: Promise<T>): Promise<T> => {
  const timer = setInterval(() => undefined, 1 << 30);
  try {
    return await p;
  } finally {
    clearInterval(timer);
  }
};

/**
 * The compiler's messages for a shader module, each with its WGSL line and the line itself, or
 * `fallback` (the error scope's message) where the host has no `getCompilationInfo`.
 */
const compilerMessages = async (module: unknown, source: string, fallback: string): Promise<string> => {
  const m = module as { getCompilationInfo?: () => Promise<{ readonly messages: readonly { readonly message: string; readonly type: string; readonly lineNum: number; readonly linePos: number }[] }> };
  if (typeof m.getCompilationInfo !== "function") return fallback;
  const info = await m.getCompilationInfo();
  const lines = source.split("\n");
  const errors = info.messages.filter((x) => x.type === "error");
  if (errors.length === 0) return fallback;
  return errors.map((x) => `line ${x.lineNum}:${x.linePos}: ${x.message} (${(lines[x.lineNum - 1] ?? "").trim()})`).join("; ");
};

/** The default matmul tile (64 × 64 per workgroup, 4 × 4 per thread, 256 threads). */
const DEFAULT_TILE: MatmulTile = { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };

/** How `conv2d` runs on the GPU (see {@link WebGPUOptions.conv}). @category model */
export type ConvMethod = "auto" | "implicit" | "windows";

/** Whether the implicit convolution can use tile `t`: positive sizes, tm | bm, tn | bn, at most 256 threads and a multiple of `bk`, both staged tiles within 16 KiB. */
const convTileOk = (t: MatmulTile): boolean => {
  const ok = (v: number) => Number.isInteger(v) && v >= 1;
  const { bm, bn, bk, tm, tn } = t;
  const threads = [bm, bn, bk, tm, tn].every(ok) && bm % tm === 0 && bn % tn === 0 ? (bm / tm) * (bn / tn) : 0;
  return threads > 0 && threads <= 256 && threads % bk === 0 && (bm + bn) * bk * 4 <= 16384;
};

/**
 * The implicit convolution's tile for `og` output channels per group: narrow ones for few
 * channels (a depthwise convolution has one), where a 64-wide tile would be mostly idle;
 * otherwise `wide` (the matmul's tile), or the default one where the matmul's does not suit it.
 */
const convTileFor = (og: number, wide: MatmulTile): MatmulTile =>
  og === 1
    ? { bm: 256, bn: 1, bk: 8, tm: 4, tn: 1 }
    : og <= 4
      ? { bm: 256, bn: 4, bk: 8, tm: 4, tn: 4 }
      : og <= 16
        ? { bm: 128, bn: 16, bk: 16, tm: 4, tn: 4 }
        : convTileOk(wide)
          ? wide
          : DEFAULT_TILE;

const checkConvTile = (t: MatmulTile, fn: string): void => {
  if (!convTileOk(t))
    throw new RangeError(
      `${fn}: a convolution tile needs positive integer sizes with tm | bm, tn | bn, (bm/tm)·(bn/tn) ≤ 256 threads a multiple of bk, and (bm + bn)·bk ≤ 4096, got ${JSON.stringify(t)}`,
    );
};

const checkTile = (t: MatmulTile): void => {
  const ok = (v: number) => Number.isInteger(v) && v >= 1;
  const { bm, bn, bk, tm, tn } = t;
  if (![bm, bn, bk, tm, tn].every(ok) || bm % tm !== 0 || bn % tn !== 0)
    throw new RangeError(`configureWebGPU: option 'tile' must have positive integer sizes with tm | bm and tn | bn, got ${JSON.stringify(t)}`);
  const threads = (bm / tm) * (bn / tn);
  if (threads > 256 || (bm * bk) % threads !== 0 || (bn * bk) % threads !== 0)
    throw new RangeError(`configureWebGPU: option 'tile' needs (bm/tm)·(bn/tn) ≤ 256 threads dividing bm·bk and bn·bk, got ${JSON.stringify(t)}`);
};

// -------------------------------------------------------------------------------------
// the backend
// -------------------------------------------------------------------------------------

class WebGPU implements Backend {
  readonly name = "webgpu";
  private ctx: GpuContext | undefined;
  private loading: Promise<GpuContext> | undefined;
  private readonly pipelines = new Map<string, GpuPipeline>();
  private readonly pool = new Map<number, GpuBuffer[]>();
  private readonly layouts = new Map<GpuPipeline, { module: unknown; layout: unknown }>();
  private pooledBytes = 0;
  private encoder: GpuEncoder | undefined;
  private pending = 0;
  /** Parameter buffers of the commands not yet submitted (destroyed after the submit). */
  private paramBuffers: GpuBuffer[] = [];
  private readonly finalizer = new FinalizationRegistry<Slot>((slot) => this.recycle(slot));
  tile: MatmulTile = DEFAULT_TILE;
  /** How `conv2d` runs, and (for `"auto"`) the window buffer beyond which it gathers windows on the fly. */
  conv: ConvMethod = "auto";
  convWindowBytes: number | "auto" = "auto";
  /** Counters: buffers created, buffers reused from the pool, dispatches, submits, reads back to the host, bias epilogues fused into a product, convolutions run by the implicit kernel. */
  readonly counts = { created: 0, reused: 0, dispatches: 0, submits: 0, reads: 0, fused: 0, implicitConvs: 0 };

  /** Find an adapter and a device (once). */
  async load(): Promise<GpuContext> {
    if (this.ctx !== undefined) return this.ctx;
    this.loading ??= requestGpuDevice().catch((e: unknown) => {
      this.loading = undefined;
      throw e;
    });
    const ctx = await this.loading;
    this.ctx = ctx;
    void ctx.device.lost.then((info) => {
      if (this.ctx === ctx) {
        this.ctx = undefined;
        this.loading = undefined;
        this.lostMessage = info.message;
        this.forget();
      }
    });
    return ctx;
  }

  /** The device that made the buffers of the slots now handed out (see `Slot.device`). */
  private generation = 0;

  /**
   * Drop everything tied to a lost device (its pipelines, pooled buffers, cached scalars, the
   * commands being recorded), so that the next `ready("webgpu")` starts clean on a new one.
   */
  private forget(): void {
    this.generation++;
    this.pipelines.clear();
    this.layouts.clear();
    this.pool.clear();
    this.pooledBytes = 0;
    this.scalars.clear();
    this.encoder = undefined;
    this.pending = 0;
    this.paramBuffers = [];
    this.deferred = undefined;
    this.held = [];
    this.checks = [];
  }

  private lostMessage: string | undefined;

  /** Destroy the device and wait until the backend has seen it lost (tests). */
  async loseDevice(): Promise<void> {
    const ctx = this.ctx;
    if (ctx === undefined) return;
    ctx.device.destroy();
    await keepAlive(ctx.device.lost);
    await Promise.resolve();
  }

  get info(): GpuAdapterInfo | undefined {
    return this.ctx?.info;
  }

  private get device(): GpuDevice {
    if (this.ctx === undefined) {
      throw new Error(
        this.lostMessage === undefined
          ? "webgpu backend: not loaded; call 'await ready(\"webgpu\")' before using it"
          : `webgpu backend: the GPU device was lost (${this.lostMessage}); call 'await ready("webgpu")' again`,
      );
    }
    return this.ctx.device;
  }

  // ---- memory ------------------------------------------------------------------------

  private bucket(n: number): number {
    const bytes = Math.max(16, n * 4);
    // powers of two and 1.5 × powers of two: at most a third wasted
    const p = 2 ** Math.ceil(Math.log2(bytes));
    return (p * 3) / 4 >= bytes && p >= 64 ? (p * 3) / 4 : p;
  }

  private alloc(n: number, fn: string): GpuStorage {
    const device = this.device;
    const bytes = this.bucket(n);
    if (bytes > device.limits.maxStorageBufferBindingSize)
      throw new RangeError(`webgpu backend ${fn}: a tensor of ${n} elements needs ${bytes} bytes, more than this GPU binds (${device.limits.maxStorageBufferBindingSize})`);
    const list = this.pool.get(bytes);
    let buffer = list?.pop();
    if (buffer !== undefined) {
      this.pooledBytes -= bytes;
      this.counts.reused++;
    } else {
      buffer = device.createBuffer({ size: bytes, usage: STORAGE_USAGE });
      this.counts.created++;
    }
    const slot: Slot = { buffer, bytes, free: false, generation: this.generation };
    const s = new GpuStorage(this, n, slot);
    this.finalizer.register(s, slot, s);
    return s;
  }

  private recycle(slot: Slot): void {
    if (slot.free) return;
    slot.free = true;
    // the deferred command still reads this buffer: it goes back to the pool once that command is
    // encoded (or dropped), so that nothing can write it first. Encoding it now would lose the
    // epilogue (im2col's windows are released right after their product is recorded).
    const d = this.deferred;
    if (d !== undefined && (d.kind === "matmul" ? d.a === slot.buffer || d.b === slot.buffer : d.x === slot.buffer || d.w === slot.buffer)) {
      this.held.push(slot);
      return;
    }
    this.toPool(slot);
  }

  /** Buffers released while the deferred command reads them (see `recycle`). */
  private held: Slot[] = [];

  private toPool(slot: Slot): void {
    if (slot.generation !== this.generation) return;
    if (this.pooledBytes + slot.bytes > POOL_BYTES) {
      slot.buffer.destroy();
      return;
    }
    const list = this.pool.get(slot.bytes);
    if (list === undefined) this.pool.set(slot.bytes, [slot.buffer]);
    else list.push(slot.buffer);
    this.pooledBytes += slot.bytes;
  }

  release(s: Storage): void {
    if (!(s instanceof GpuStorage) || s.backend !== this || s.shared) return;
    // a deferred command nobody will read need not run
    if (this.deferred?.out === s) {
      this.deferred = undefined;
      this.releaseHeld();
    }
    this.finalizer.unregister(s);
    this.recycle(s.slot);
  }

  private slot(s: Storage, fn: string): GpuBuffer {
    if (!(s instanceof GpuStorage) || s.backend !== this) throw new Error(`webgpu backend ${fn}: got a storage of backend '${s.backend.name}'`);
    if (s.slot.free) throw new Error(`webgpu backend ${fn}: this tensor's memory was given back (it was an intermediate the library released); this is a bug in typegrad`);
    return s.slot.buffer;
  }

  private f32(fn: string, dtype: DType): void {
    if (dtype !== "float32") throw new TypeError(`webgpu backend ${fn}: dtype '${dtype}' is not supported on the GPU (float32 only); float64 stays on the CPU backends (wasm, reference)`);
  }

  // ---- commands ----------------------------------------------------------------------

  /**
   * The pipeline of kernel `key` (compiled once from `code()`), for the backend op `op` (named in
   * errors). Compiling is synchronous in WebGPU but its errors arrive asynchronously: they are
   * captured in an error scope (so nothing reaches the console) and thrown, naming the kernel,
   * the op and each compiler message with its WGSL line, by the next `readAsync` or `sync`.
   */
  private pipeline(key: string, code: () => string, op: string): GpuPipeline {
    let p = this.pipelines.get(key);
    if (p === undefined) {
      const device = this.device;
      const source = code();
      device.pushErrorScope("validation");
      const module = device.createShaderModule({ code: source });
      p = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
      const made = p;
      // the module and the layout live as long as the pipeline (dawn.node has crashed when they were collected)
      this.layouts.set(made, { module, layout: made.getBindGroupLayout(0) });
      this.checks.push(
        device.popErrorScope().then(async (error) => {
          if (error === null) return undefined;
          this.pipelines.delete(key);
          return new Error(`webgpu backend: the WGSL kernel '${key}' (op ${op}) does not compile: ${await compilerMessages(module, source, error.message)}`);
        }),
      );
      this.pipelines.set(key, made);
    }
    return p;
  }

  /** Errors found by the GPU since the last check (compiling kernels, validating batches), oldest first. */
  private checks: Promise<Error | undefined>[] = [];

  /** Throw the first error the GPU reported for the commands recorded so far (see `pipeline`). */
  private async settle(): Promise<void> {
    const checks = this.checks;
    this.checks = [];
    const errors = (await Promise.all(checks)).filter((e): e is Error => e !== undefined);
    if (errors.length > 0) throw errors[0];
  }

  private params(words: readonly number[]): GpuBuffer {
    const device = this.device;
    const data = new Uint32Array(Math.max(4, Math.ceil(words.length / 4) * 4));
    data.set(words);
    // a fresh buffer: the write lands before the submit that holds the only command reading it
    const b = device.createBuffer({ size: data.byteLength, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, data);
    this.paramBuffers.push(b);
    return b;
  }

  /** Record one dispatch: binding 0 the params, then `buffers` in order. */
  private dispatch(pipe: GpuPipeline, words: readonly number[], buffers: readonly GpuBuffer[], x: number, y = 1, z = 1): void {
    if (x === 0 || y === 0 || z === 0) return;
    const device = this.device;
    const encoder = this.recording();
    const entries = [this.params(words), ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = device.createBindGroup({ layout: this.layouts.get(pipe)?.layout ?? pipe.getBindGroupLayout(0), entries });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    this.counts.dispatches++;
    if (++this.pending >= BATCH) this.flush();
  }

  /** Workgroups for `n` threads of an elementwise shader, on a grid when more than 65535. */
  private grid(n: number, per = WG): [number, number] {
    const groups = Math.ceil(n / per);
    return groups <= ROW ? [groups, 1] : [ROW, Math.ceil(groups / ROW)];
  }

  /** Submit what is recorded. */
  flush(): void {
    this.settleDeferred();
    if (this.encoder === undefined) return;
    const device = this.device;
    device.queue.submit([this.encoder.finish()]);
    this.checks.push(device.popErrorScope().then((e) => (e === null ? undefined : new Error(`webgpu backend: the GPU rejected a batch of commands: ${e.message}`))));
    this.counts.submits++;
    this.encoder = undefined;
    this.pending = 0;
    for (const b of this.paramBuffers) b.destroy();
    this.paramBuffers = [];
  }

  /** The encoder of the batch being recorded; a new one opens an error scope that `flush` closes. */
  private recording(): GpuEncoder {
    this.settleDeferred();
    if (this.encoder === undefined) {
      this.device.pushErrorScope("validation");
      this.encoder = this.device.createCommandEncoder();
    }
    return this.encoder;
  }

  /** Wait until the GPU has run every command submitted so far (for benchmarks), and throw what it reported. */
  async sync(): Promise<void> {
    this.flush();
    await keepAlive(this.device.queue.onSubmittedWorkDone());
    await this.settle();
  }

  // ---- transfers ---------------------------------------------------------------------

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    this.f32("fromArray", dtype);
    const out = this.alloc(data.length, "fromArray");
    if (data.length > 0) {
      // the pooled buffer may still be read by recorded commands: submit them first, so this
      // write (queued now) lands after them
      this.flush();
      // a view of shared memory (a training set of `examples`, `split`, … in Node) is copied
      // first: Node's Dawn crashes the process on one (SIGSEGV inside writeBuffer)
      const a = data instanceof Float32Array && !isShared(data) ? data : Float32Array.from(data);
      this.device.queue.writeBuffer(out.slot.buffer, 0, a);
    }
    return out;
  }

  read(s: Storage): TypedArray {
    this.slot(s, "read");
    throw new Error(
      "webgpu backend: a GPU tensor cannot be read synchronously (toArray, toFlat, item, printing); use 'await toArrayAsync(t)', 'await toFlatAsync(t)' or 'await itemAsync(t)', or move it with the values those give",
    );
  }

  async readAsync(s: Storage): Promise<TypedArray> {
    const src = this.slot(s, "readAsync");
    const n = s.length;
    this.counts.reads++;
    if (n === 0) return new Float32Array(0);
    const device = this.device;
    const staging = device.createBuffer({ size: Math.ceil((n * 4) / 16) * 16, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    this.recording().copyBufferToBuffer(src, 0, staging, 0, staging.size);
    this.flush();
    try {
      await keepAlive(staging.mapAsync(MAP_READ));
      await this.settle();
    } catch (e) {
      staging.destroy();
      throw e;
    }
    const out = new Float32Array(staging.getMappedRange().slice(0, n * 4));
    staging.unmap();
    staging.destroy();
    return out;
  }

  /**
   * Scalars made by `fill` (every `mul(x, 0.5)`, a cost's `1 / m`, the seed of a gradient), by their
   * float32 bits: storages are immutable, so one serves every tensor that needs that scalar, and a
   * training step's constants cost no dispatch after its first run (as the WASM backend's).
   */
  private readonly scalars = new Map<number, GpuStorage>();

  fill(dtype: DType, n: number, value: number): Storage {
    this.f32("fill", dtype);
    const bits = f32Bits(value);
    if (n === 1) {
      const hit = this.scalars.get(bits);
      if (hit !== undefined && !hit.slot.free) return hit;
    }
    const out = this.filled(n, bits, "fill");
    if (n === 1) {
      out.shared = true;
      if (this.scalars.size >= 256) this.scalars.clear();
      this.scalars.set(bits, out);
    }
    return out;
  }

  /** A new storage of `n` elements of the float32 `bits` (never a cached scalar: `pad` writes into it). */
  private filled(n: number, bits: number, fn: string): GpuStorage {
    const out = this.alloc(n, fn);
    this.dispatch(this.pipeline("fill", fillShader, fn), [n, bits], [out.slot.buffer], ...this.grid(n));
    return out;
  }

  cast(x: Storage, dtype: DType): Storage {
    this.f32("cast", dtype);
    return this.copy(x, [x.length], [1], 0, [1], 0, x.length, "cast");
  }

  // ---- elementwise -------------------------------------------------------------------

  unary(op: UnaryKernel, x: Storage): Storage {
    const src = this.slot(x, "unary");
    const out = this.alloc(x.length, "unary");
    this.dispatch(
      this.pipeline(`u:${op}`, () => unaryShader(op), `unary ${op}`),
      [x.length],
      [src, out.slot.buffer],
      ...this.grid(x.length),
    );
    return out;
  }

  binary(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, outShape: Sizes, then?: UnaryKernel): Storage {
    const fused = this.fuseBias(op, a, aShape, b, bShape, outShape, then);
    if (fused !== undefined) return fused;
    const ba = this.slot(a, "binary");
    const bb = this.slot(b, "binary");
    const n = size(outShape);
    const out = this.alloc(n, "binary");
    // same element order as the output (equal size) or a single element: no index arithmetic
    const plain = (a.length === n || a.length === 1) && (b.length === n || b.length === 1);
    if (plain) {
      this.dispatch(
        this.pipeline(`b:${op}:${then ?? ""}:plain`, () => binaryShader(op, then, true), `binary ${op}${then === undefined ? "" : ` then ${then}`}`),
        [n, a.length === 1 ? 1 : 0, b.length === 1 ? 1 : 0],
        [ba, bb, out.slot.buffer],
        ...this.grid(n),
      );
      return out;
    }
    const { dims, strides } = simplify(outShape, [bstrides(aShape, outShape), bstrides(bShape, outShape)]);
    this.dispatch(
      this.pipeline(`b:${op}:${then ?? ""}`, () => binaryShader(op, then, false), `binary ${op}${then === undefined ? "" : ` then ${then}`}`),
      [n, dims.length, ...dims, ...(strides[0] as number[]), ...(strides[1] as number[])],
      [ba, bb, out.slot.buffer],
      ...this.grid(n),
    );
    return out;
  }

  where(cond: Storage, cShape: Sizes, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, outShape: Sizes): Storage {
    const bc = this.slot(cond, "where");
    const ba = this.slot(a, "where");
    const bb = this.slot(b, "where");
    const n = size(outShape);
    const out = this.alloc(n, "where");
    const { dims, strides } = simplify(outShape, [bstrides(cShape, outShape), bstrides(aShape, outShape), bstrides(bShape, outShape)]);
    this.dispatch(this.pipeline("where", whereShader, "where"), [n, dims.length, ...dims, ...strides.flat()], [bc, ba, bb, out.slot.buffer], ...this.grid(n));
    return out;
  }

  // ---- matrix product ----------------------------------------------------------------

  matmul(a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, outShape: Sizes): Storage {
    return this.matmulWith(this.tile, a, aShape, b, bShape, transA, transB, outShape);
  }

  /** The matrix product with an explicit tile (the benchmark's sweep). */
  matmulWith(tile: MatmulTile, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, outShape: Sizes): Storage {
    const ba = this.slot(a, "matmul");
    const bb = this.slot(b, "matmul");
    const r = outShape.length;
    const M = outShape[r - 2] as number;
    const N = outShape[r - 1] as number;
    const K = (transA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]) as number;
    const batchOut = outShape.slice(0, -2);
    const nb = size(batchOut);
    const out = this.alloc(nb * M * N, "matmul");
    if (nb === 0 || M === 0 || N === 0) return out;
    if (K === 0) {
      this.dispatch(this.pipeline("fill", fillShader, "matmul"), [nb * M * N, 0], [out.slot.buffer], ...this.grid(nb * M * N));
      return out;
    }
    if (nb > this.device.limits.maxComputeWorkgroupsPerDimension)
      throw new RangeError(`webgpu backend matmul: ${nb} batched products exceed this GPU's ${this.device.limits.maxComputeWorkgroupsPerDimension} per dispatch`);
    const aOff = batchOffsets(batchOut, bstrides(aShape.slice(0, -2), batchOut)).map((o) => o * M * K);
    const bOff = batchOffsets(batchOut, bstrides(bShape.slice(0, -2), batchOut)).map((o) => o * K * N);
    const fits = vec4Fits(tile, transA, transB);
    const four = (xs: readonly number[]) => xs.every((x) => x % 4 === 0);
    // settle an earlier deferred command first: one at a time, in order
    this.settleDeferred();
    this.deferred = {
      kind: "matmul",
      tile,
      transA,
      transB,
      vecA: fits.a && (transA ? M : K) % 4 === 0 && four(aOff),
      vecB: fits.b && (transB ? K : N) % 4 === 0 && four(bOff),
      words: [M, N, K, nb, 0, 0, ...aOff, ...bOff],
      a: ba,
      b: bb,
      out,
      outShape,
      M,
      N,
      nb,
    };
    return out;
  }

  /**
   * The matrix product or implicit-GEMM convolution recorded last, not yet encoded: if the next
   * command is a bias add (with or without an activation) on its output, both run as one kernel
   * (the bias epilogue); anything else encodes it first (`settleDeferred`, from `recording` and
   * `flush`).
   */
  private deferred: PendingMatmul | PendingConv | undefined;

  /** Encode the deferred product or convolution now, with no epilogue (also the benchmark's way to time the bias add on its own). */
  settleDeferred(): void {
    const d = this.deferred;
    if (d === undefined) return;
    this.deferred = undefined;
    this.encodeDeferred(d, undefined);
  }

  /** Encode the (taken) deferred command, with its epilogue or none, then give back the buffers it held. */
  private encodeDeferred(d: PendingMatmul | PendingConv, epi: EpilogueArgs | undefined): void {
    if (d.kind === "matmul") this.encodeMatmul(d, epi);
    else this.encodeConv(d, epi);
    this.releaseHeld();
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const slot of held) this.toPool(slot);
  }

  private encodeMatmul(m: PendingMatmul, epi: EpilogueArgs | undefined): void {
    const { tile, transA, transB, vecA, vecB } = m;
    const variant = { vecA, vecB, epilogue: epi === undefined ? ("none" as const) : ("bias" as const), act: epi?.act };
    const key = `mm:${transA ? 1 : 0}${transB ? 1 : 0}:${tile.bm},${tile.bn},${tile.bk},${tile.tm},${tile.tn}:${vecA ? 4 : 1}${vecB ? 4 : 1}${epi === undefined ? "" : `:bias:${epi.act ?? ""}`}`;
    const words = [...m.words];
    if (epi !== undefined) {
      words[4] = epi.si;
      words[5] = epi.sj;
      words.push(...epi.offsets);
    }
    this.dispatch(
      this.pipeline(key, () => matmulShader(transA, transB, tile, variant), epi === undefined ? "matmul" : `matmul with bias${epi.act === undefined ? "" : ` then ${epi.act}`}`),
      words,
      epi === undefined ? [m.a, m.b, m.out.slot.buffer] : [m.a, m.b, m.out.slot.buffer, epi.bias, epi.d.slot.buffer],
      Math.ceil(m.N / tile.bn),
      Math.ceil(m.M / tile.bm),
      m.nb,
    );
  }

  /**
   * `then(z + bias)` as the epilogue of the deferred product or convolution `z` when `binary` is
   * that: an add of its output (either operand) and a bias broadcast to it. A product's output
   * `[...batch, M, N]` (batched or not, either operand transposed) takes a bias broadcast to that
   * shape (a row, a column, a scalar, one per batch, …). The output of a convolution, or of a
   * 2-D product seen with its rows split (im2col's product as `[m, outH, outW, F]`), takes a
   * bias whose strides along the split rows are one stride (a per-channel `[F]`, a scalar, a
   * full tensor). The product is still written (the caller holds it); the separate pass over
   * it is saved.
   */
  private fuseBias(op: BinaryKernel, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, outShape: Sizes, then: UnaryKernel | undefined): GpuStorage | undefined {
    const m = this.deferred;
    if (m === undefined || op !== "add") return undefined;
    const zFirst = a === m.out;
    if (zFirst === (b === m.out)) return undefined;
    const [bias, biasShape, zShape] = zFirst ? [b, bShape, aShape] : [a, aShape, bShape];
    // the product itself is not broadcast: the add's output is the product's shape
    if (!sameSizes(zShape, outShape)) return undefined;
    const st = bstrides(biasShape, outShape);
    const r = outShape.length;
    let strides: { si: number; sj: number; offsets: readonly number[] };
    if (m.kind === "matmul" && sameSizes(outShape, m.outShape)) {
      strides = { si: st[r - 2] as number, sj: st[r - 1] as number, offsets: batchOffsets(outShape.slice(0, -2), st.slice(0, -2)) };
    } else {
      // rows × columns: the output's last axis is the columns (channels), the others its rows
      if ((m.kind === "matmul" && m.nb !== 1) || r === 0 || outShape[r - 1] !== m.N || size(outShape) !== m.M * m.N) return undefined;
      const si = rowStride(outShape.slice(0, -1), st.slice(0, -1));
      if (si === undefined) return undefined;
      strides = { si, sj: st[r - 1] as number, offsets: [0] };
    }
    const bb = this.slot(bias, "binary");
    const d = this.alloc(m.out.length, "binary");
    this.deferred = undefined;
    this.encodeDeferred(m, { bias: bb, ...strides, act: then, d });
    this.counts.fused++;
    return d;
  }

  /** An elementwise kernel from WGSL source (params `[n]`, bindings `x`, `out`): the tests' way to compile a bad shader. */
  unaryFrom(key: string, op: string, code: string, x: Storage): Storage {
    const src = this.slot(x, op);
    const out = this.alloc(x.length, op);
    this.dispatch(
      this.pipeline(`custom:${key}`, () => code, op),
      [x.length],
      [src, out.slot.buffer],
      ...this.grid(x.length),
    );
    return out;
  }

  // ---- rows --------------------------------------------------------------------------

  /** A line kernel along `axis` of `shape`; `more` are the inputs after `x` and the params after [outer, n, inner] (softmax cross-entropy's pullback). */
  private rows(
    op: LineOp,
    x: Storage,
    shape: Sizes,
    axis: number,
    fn: string,
    more: { readonly inputs: readonly GpuBuffer[]; readonly words: readonly number[] } = { inputs: [], words: [] },
  ): Storage {
    const src = this.slot(x, fn);
    const [outer, n, inner] = around(shape, axis);
    const whole = op === "softmax" || op === "logSoftmax" || op === "crossEntropyGrad";
    const out = this.alloc(whole ? x.length : outer * inner, fn);
    if (n === 0) {
      // an empty axis: sum 0, max -Infinity, argmax 0 (as the reference backend)
      const value = op === "max" ? -Infinity : 0;
      if (!whole) this.dispatch(this.pipeline("fill", fillShader, fn), [outer * inner, f32Bits(value)], [out.slot.buffer], ...this.grid(outer * inner));
      return out;
    }
    if (n <= SHORT_AXIS) {
      this.dispatch(
        this.pipeline(`col:${op}`, () => columnShader(op), `${fn} ${op}`),
        [outer, n, inner, ...more.words],
        [src, ...more.inputs, out.slot.buffer],
        ...this.grid(outer * inner),
      );
    } else {
      // a workgroup per C neighbouring lines: one row (inner == 1), or as many lines as inner has, up to 32 (the rest of the threads are lanes along the axis)
      const C = inner === 1 ? 1 : Math.min(32, 2 ** Math.ceil(Math.log2(inner)));
      this.dispatch(
        this.pipeline(inner === 1 ? `row:${op}` : `cols:${op}:${C}`, () => (inner === 1 ? rowShader(op) : columnsShader(op, C)), `${fn} ${op}`),
        [outer, n, inner, ...more.words],
        [src, ...more.inputs, out.slot.buffer],
        ...this.grid(outer * inner, C),
      );
    }
    return out;
  }

  reduce(op: ReduceKernel, x: Storage, shape: Sizes, axis: number): Storage {
    return this.rows(op, x, shape, axis, "reduce");
  }

  softmax(x: Storage, shape: Sizes, axis: number, log: boolean): Storage {
    return this.rows(log ? "logSoftmax" : "softmax", x, shape, axis, "softmax");
  }

  argmax(x: Storage, shape: Sizes, axis: number): Storage {
    return this.rows("argmax", x, shape, axis, "argmax");
  }

  // ---- fused training kernels --------------------------------------------------------

  /** `(e^ls · Σ_axis y − y) · (g / m)` in one dispatch: a line kernel (one thread per short line, a workgroup per long one). */
  softmaxCrossEntropyGrad(ls: Storage, y: Storage, shape: Sizes, axis: number, g: Storage, m: number): Storage {
    const fn = "softmaxCrossEntropyGrad";
    this.sameLength(fn, ls, "ls", y, "y");
    return this.rows("crossEntropyGrad", ls, shape, axis, fn, { inputs: [this.slot(y, fn), this.slot(g, fn)], words: [f32Bits(m)] });
  }

  /** `(σ(z) − y) · (g / m)` in one dispatch. */
  logLossGrad(z: Storage, y: Storage, g: Storage, m: number): Storage {
    const fn = "logLossGrad";
    this.sameLength(fn, z, "z", y, "y");
    const out = this.alloc(z.length, fn);
    this.dispatch(this.pipeline("logLossGrad", logLossGradShader, fn), [z.length, f32Bits(m)], [this.slot(z, fn), this.slot(y, fn), this.slot(g, fn), out.slot.buffer], ...this.grid(z.length));
    return out;
  }

  /** `w − g·lr` in one dispatch, rounded as `binary("sub", w, binary("mul", g, [lr]))` (see `sgdShader`). */
  sgdUpdate(w: Storage, g: Storage, lr: number): Storage {
    const fn = "sgdUpdate";
    this.sameLength(fn, w, "w", g, "g");
    const out = this.alloc(w.length, fn);
    this.dispatch(this.pipeline("sgd", sgdShader, fn), [w.length, f32Bits(lr), 0], [this.slot(w, fn), this.slot(g, fn), out.slot.buffer], ...this.grid(w.length));
    return out;
  }

  /**
   * Each storage's elements, or probed 0 (every element finite) or NaN, one after the other: one
   * dispatch per {@link PACK_MAX} storages (as many as the GPU binds), a workgroup each.
   */
  pack(xs: readonly Storage[], probed: readonly boolean[]): Storage {
    packDtype(this.name, xs, probed);
    const buffers = xs.map((x) => this.slot(x, "pack"));
    const at: number[] = [];
    let total = 0;
    xs.forEach((x, i) => {
      at.push(total);
      total += probed[i] === true ? 1 : x.length;
    });
    const out = this.alloc(total, "pack");
    const per = this.packPerDispatch();
    for (let from = 0; from < xs.length; from += per) {
      const K = Math.min(per, xs.length - from);
      const words: number[] = [];
      for (let q = from; q < from + K; q++) words.push((xs[q] as Storage).length, probed[q] === true ? 1 : 0, at[q] as number);
      this.dispatch(
        this.pipeline(`pack:${K}`, () => packShader(K), "pack"),
        words,
        [...buffers.slice(from, from + K), out.slot.buffer],
        K,
      );
    }
    return out;
  }

  /** The storages one `pack` dispatch takes: {@link PACK_MAX}, or fewer where the GPU binds fewer storage buffers (the params and the output take two). */
  packPerDispatch(): number {
    return Math.max(1, Math.min(PACK_MAX, this.device.limits.maxStorageBuffersPerShaderStage - 2));
  }

  /** Two storages of one length, or an error naming the function and both arguments. */
  private sameLength(fn: string, a: Storage, aName: string, b: Storage, bName: string): void {
    if (a.length !== b.length) throw new RangeError(`webgpu backend ${fn}: '${aName}' has ${a.length} elements, '${bName}' ${b.length}; they must have one length`);
  }

  // ---- patches (convolution) ---------------------------------------------------------

  private patchParams(total: number, shape: Sizes, g: PatchGeometry, padValue: number): number[] {
    return [total, ...(shape as number[]), g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, g.outH, g.outW, f32Bits(padValue)];
  }

  im2col(x: Storage, shape: Sizes, g: PatchGeometry, padValue: number): Storage {
    const src = this.slot(x, "im2col");
    const [m, , , C] = shape as [number, number, number, number];
    const total = m * g.outH * g.outW * g.kh * g.kw * C;
    const out = this.alloc(total, "im2col");
    this.dispatch(this.pipeline("im2col", im2colShader, "im2col"), this.patchParams(total, shape, g, padValue), [src, out.slot.buffer], ...this.grid(total));
    return out;
  }

  col2im(cols: Storage, g: PatchGeometry, outShape: Sizes): Storage {
    const src = this.slot(cols, "col2im");
    const total = size(outShape);
    const out = this.alloc(total, "col2im");
    this.dispatch(this.pipeline("col2im", col2imShader, "col2im"), this.patchParams(total, outShape, g, 0), [src, out.slot.buffer], ...this.grid(total));
    return out;
  }
  /**
   * Two ways: `im2col` then the tuned product (`convByWindows`), or the implicit-GEMM kernel
   * (`convShader`), which gathers the windows on the fly. `"auto"` takes the first while the
   * whole batch's window buffer stays within the bound (`convWindowLimit`), the second beyond.
   */
  conv2d(x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number): Storage {
    const method = this.conv === "auto" ? (windowBytes(xShape, g) > this.convWindowLimit() ? "implicit" : "windows") : this.conv;
    if (method === "windows") return convByWindows(this, x, xShape, w, wShape, g, groups);
    return this.convImplicit(undefined, x, xShape, w, wShape, g, groups);
  }

  /** The window-buffer bound of `"auto"`: the configured bytes, or a quarter of the largest buffer this device binds. */
  convWindowLimit(): number {
    return this.convWindowBytes === "auto" ? Math.floor(Math.min(...this.bufferLimits()) / 4) : this.convWindowBytes;
  }

  /** The device's `maxStorageBufferBindingSize` and `maxBufferSize`. */
  bufferLimits(): [number, number] {
    const { maxStorageBufferBindingSize, maxBufferSize } = this.device.limits;
    return [maxStorageBufferBindingSize, maxBufferSize];
  }

  /**
   * The implicit-GEMM convolution, with the tile for its channels or an explicit one (the
   * benchmark's); row tiles beyond `foldRows` fold into the grid's x (a test lowers it).
   */
  convImplicit(given: MatmulTile | undefined, x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number, foldRows = ROW): Storage {
    const bx = this.slot(x, "conv2d");
    const bw = this.slot(w, "conv2d");
    const [m, H, W, C] = xShape as [number, number, number, number];
    const [kh, kw, ci, F] = wShape as [number, number, number, number];
    const og = F / groups;
    const M = m * g.outH * g.outW;
    const K = kh * kw * ci;
    const out = this.alloc(M * F, "conv2d");
    if (M === 0 || F === 0) return out;
    if (K === 0) {
      this.dispatch(this.pipeline("fill", fillShader, "conv2d"), [M * F, 0], [out.slot.buffer], ...this.grid(M * F));
      return out;
    }
    if (groups > this.device.limits.maxComputeWorkgroupsPerDimension)
      throw new RangeError(`webgpu backend conv2d: ${groups} groups exceed this GPU's ${this.device.limits.maxComputeWorkgroupsPerDimension} workgroups per dispatch`);
    const tile = given ?? convTileFor(og, this.tile);
    const vecX = ci % 4 === 0 && C % 4 === 0 && tile.bk % 4 === 0;
    const vecW = og % 4 === 0 && tile.bn % 4 === 0;
    const colTiles = Math.ceil(og / tile.bn);
    const rowTiles = Math.ceil(M / tile.bm);
    // more than foldRows row tiles fold into x (x = column tile + fold · colTiles)
    const fold = Math.ceil(rowTiles / foldRows);
    // recorded, not yet encoded: a bias add next becomes its epilogue (see `fuseBias`)
    this.settleDeferred();
    this.deferred = {
      kind: "conv",
      tile,
      vecX,
      vecW,
      words: [M, og, K, H, W, C, F, g.outH * g.outW, g.outW, kw, ci, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft, colTiles, foldRows],
      x: bx,
      w: bw,
      out,
      M,
      N: F,
      grid: [colTiles * fold, Math.min(rowTiles, foldRows), groups],
    };
    this.counts.implicitConvs++;
    return out;
  }

  private encodeConv(c: PendingConv, epi: EpilogueArgs | undefined): void {
    const { tile, vecX, vecW } = c;
    const key = `conv:${tile.bm},${tile.bn},${tile.bk},${tile.tm},${tile.tn}:${vecX ? 4 : 1}${vecW ? 4 : 1}${epi === undefined ? "" : `:bias:${epi.act ?? ""}`}`;
    const variant = { vecX, vecW, epilogue: epi === undefined ? ("none" as const) : ("bias" as const), act: epi?.act };
    this.dispatch(
      this.pipeline(key, () => convShader(tile, variant), epi === undefined ? "conv2d" : `conv2d with bias${epi.act === undefined ? "" : ` then ${epi.act}`}`),
      epi === undefined ? c.words : [...c.words, epi.si, epi.sj],
      epi === undefined ? [c.x, c.w, c.out.slot.buffer] : [c.x, c.w, c.out.slot.buffer, epi.bias, epi.d.slot.buffer],
      ...c.grid,
    );
  }

  // ---- data movement (all one strided copy) ----------------------------------------

  /** Copy `dims` elements from `x` (strides `inSt` from `inOff`) into `into` or a new storage of `total`. */
  private copy(x: Storage, dims: Sizes, inSt: readonly number[], inOff: number, outSt: readonly number[], outOff: number, total: number, fn: string, into?: GpuStorage): GpuStorage {
    const src = this.slot(x, fn);
    const out = into ?? this.alloc(total, fn);
    const n = size(dims);
    const s = simplify(dims, [inSt, outSt]);
    this.dispatch(
      this.pipeline("copy", copyShader, fn),
      [n, s.dims.length, inOff, outOff, ...s.dims, ...(s.strides[0] as number[]), ...(s.strides[1] as number[])],
      [src, out.slot.buffer],
      ...this.grid(n),
    );
    return out;
  }

  broadcastTo(x: Storage, shape: Sizes, outShape: Sizes): Storage {
    return this.copy(x, outShape, bstrides(shape, outShape), 0, contiguous(outShape), 0, size(outShape), "broadcastTo");
  }

  permute(x: Storage, shape: Sizes, axes: readonly number[]): Storage {
    const inSt = contiguous(shape);
    const outShape = axes.map((ax) => shape[ax] as number);
    return this.copy(
      x,
      outShape,
      axes.map((ax) => inSt[ax] as number),
      0,
      contiguous(outShape),
      0,
      x.length,
      "permute",
    );
  }

  slice(x: Storage, shape: Sizes, axis: number, start: number, end: number): Storage {
    const [outer, n, inner] = around(shape, axis);
    const m = end - start;
    return this.copy(x, [outer, m, inner], [n * inner, inner, 1], start * inner, [m * inner, inner, 1], 0, outer * m * inner, "slice");
  }

  pad(x: Storage, shape: Sizes, axis: number, before: number, after: number): Storage {
    const [outer, n, inner] = around(shape, axis);
    const m = n + before + after;
    const total = outer * m * inner;
    const out = this.filled(total, 0, "pad");
    return this.copy(x, [outer, n, inner], [n * inner, inner, 1], 0, [m * inner, inner, 1], before * inner, total, "pad", out);
  }

  concat(xs: readonly Storage[], shapes: readonly Sizes[], axis: number): Storage {
    const first = shapes[0] as Sizes;
    const outer = size(first.slice(0, axis));
    const inner = size(first.slice(axis + 1));
    const total = shapes.reduce((s, sh) => s + (sh[axis] as number), 0);
    const out = this.alloc(outer * total * inner, "concat");
    let at = 0;
    xs.forEach((s, k) => {
      const n = (shapes[k] as Sizes)[axis] as number;
      this.copy(s, [outer, n, inner], [n * inner, inner, 1], 0, [total * inner, inner, 1], at * inner, 0, "concat", out);
      at += n;
    });
    return out;
  }
}

/** The bytes of the window buffer `im2col` would fill for the whole batch (none for a 1×1, stride-1, unpadded conv: the image is its own windows). */
const windowBytes = (xShape: Sizes, g: PatchGeometry): number => (isPointwise(xShape, g) ? 0 : (xShape[0] as number) * g.outH * g.outW * g.kh * g.kw * (xShape[3] as number) * 4);

const instance = new WebGPU();

/**
 * The WebGPU backend (float32, tensors resident on the GPU). Load it with `await
 * ready("webgpu")`, which also makes it the creation backend (or pass it to `setBackend` once
 * loaded). Read its tensors with {@link toArrayAsync}, {@link toFlatAsync} or {@link itemAsync}:
 * the synchronous reads throw. Never chosen by default.
 *
 * @example
 * import { add, getBackend, ready, reference, setBackend, tensor, toArrayAsync, webgpu } from "typegrad"
 * const onGpu = async () => {
 *   const previous = getBackend()
 *   await ready("webgpu") // throws, saying why, where the host has no WebGPU adapter
 *   const y = add(tensor([1, 2]), 1) // computed on the GPU
 *   const values = await toArrayAsync(y) // [2, 3]
 *   setBackend(previous)
 *   return values
 * }
 * webgpu.name // "webgpu"
 * @category backend
 */
export const webgpu: Backend = instance;

/** Load the WebGPU backend (used by `ready("webgpu")`). @internal */
export const loadWebGPU = async (): Promise<Backend> => {
  await instance.load();
  return instance;
};

/** Options of {@link configureWebGPU}. @category model */
export interface WebGPUOptions {
  /** The matrix product's tile sizes (default `{ bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 }`); also the implicit convolution's for more than 16 output channels per group, where it suits that kernel (threads a multiple of `bk`, staged tiles within 16 KiB; otherwise the default). */
  readonly tile?: MatmulTile;
  /**
   * How `conv2d` runs (default `"auto"`): `"windows"` gathers every window into a buffer
   * (`im2col`, `batch·outH·outW·kh·kw·C` floats, in slices of examples when large) and runs the
   * tuned matrix product on it; `"implicit"` is one kernel that gathers the windows on the fly
   * (implicit GEMM, no window buffer); `"auto"` takes `"windows"` while the whole batch's window
   * buffer fits in `convWindowBytes`, `"implicit"` beyond.
   */
  readonly conv?: ConvMethod;
  /** The window buffer, in bytes, beyond which `"auto"` runs the implicit kernel (default `"auto"`: a quarter of the largest buffer the GPU binds). */
  readonly convWindowBytes?: number | "auto";
}

const webgpuKeys: OptionKeys<WebGPUOptions> = { tile: true, conv: true, convWindowBytes: true };
const tileKeys: OptionKeys<MatmulTile> = { bm: true, bn: true, bk: true, tm: true, tn: true };

/**
 * Configure the WebGPU backend; returns the previous settings.
 *
 * @example
 * import { configureWebGPU } from "typegrad"
 * const previous = configureWebGPU({ tile: { bm: 32, bn: 32, bk: 16, tm: 2, tn: 2 } })
 * configureWebGPU(previous)
 * // conv2d without a window buffer whenever it would exceed 64 MiB
 * configureWebGPU({ conv: "auto", convWindowBytes: 64 << 20 }).conv // "auto"
 * configureWebGPU({ convWindowBytes: "auto" }).convWindowBytes // 67108864
 * @category constructors
 */
export const configureWebGPU = (opts: WebGPUOptions): Required<WebGPUOptions> => {
  checkOptionsRecord("configureWebGPU", opts, '{ conv: "auto" }');
  checkOptionKeys("configureWebGPU", opts, webgpuKeys);
  if (opts.tile !== undefined) checkOptionKeys("configureWebGPU", opts.tile, tileKeys, "option 'tile'");
  const prev = { tile: instance.tile, conv: instance.conv, convWindowBytes: instance.convWindowBytes };
  const { tile, conv, convWindowBytes } = opts;
  if (tile !== undefined) checkTile(tile);
  if (conv !== undefined && conv !== "auto" && conv !== "implicit" && conv !== "windows")
    throw new RangeError(`configureWebGPU: option 'conv' must be "auto", "implicit" or "windows", got ${JSON.stringify(conv)}`);
  if (convWindowBytes !== undefined && convWindowBytes !== "auto" && !(Number.isSafeInteger(convWindowBytes) && convWindowBytes >= 0))
    throw new RangeError(
      `configureWebGPU: option 'convWindowBytes' must be "auto" or an integer number of bytes ≥ 0, got ${typeof convWindowBytes === "number" ? String(convWindowBytes) : JSON.stringify(convWindowBytes)}`,
    );
  if (tile !== undefined) instance.tile = { ...tile };
  if (conv !== undefined) instance.conv = conv;
  if (convWindowBytes !== undefined) instance.convWindowBytes = convWindowBytes;
  return prev;
};

/**
 * What the loaded WebGPU backend runs on and its counters (buffers created and reused from the
 * pool, dispatches, submits, reads back to the host, bias adds and activations fused into the
 * preceding matrix product, convolutions run by the implicit-GEMM kernel); `undefined` before
 * `await ready("webgpu")`.
 *
 * @example
 * import { webgpuInfo } from "typegrad"
 * // undefined until ready("webgpu") has found an adapter
 * const info = webgpuInfo()
 * info === undefined || typeof info.adapter.vendor === "string" // true
 * @category destructors
 */
export const webgpuInfo = ():
  | {
      readonly adapter: GpuAdapterInfo;
      readonly created: number;
      readonly reused: number;
      readonly dispatches: number;
      readonly submits: number;
      readonly reads: number;
      readonly fused: number;
      readonly implicitConvs: number;
    }
  | undefined => {
  const adapter = instance.info;
  return adapter === undefined ? undefined : { adapter, ...instance.counts };
};

/**
 * Internals for the benchmark and tests: run a matrix product with an explicit tile, wait for
 * the GPU. @internal
 */
export const webgpuInternals = {
  matmulWith: (tile: MatmulTile, a: Storage, aShape: Sizes, b: Storage, bShape: Sizes, transA: boolean, transB: boolean, out: Sizes): Storage => {
    checkTile(tile);
    return instance.matmulWith(tile, a, aShape, b, bShape, transA, transB, out);
  },
  sync: (): Promise<void> => instance.sync(),
  /** Encode the deferred product or convolution now: a bias add that follows runs as its own kernel (the benchmark's unfused rows). */
  settle: (): void => instance.settleDeferred(),
  /** The implicit-GEMM convolution with an explicit tile (`undefined`: the one `conv2d` picks), folding the grid beyond `foldRows` row tiles (default 65535). */
  convImplicit: (tile: MatmulTile | undefined, x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number, foldRows?: number): Storage => {
    if (tile !== undefined) checkConvTile(tile, "webgpuInternals.convImplicit");
    if (foldRows !== undefined && !(Number.isInteger(foldRows) && foldRows >= 1 && foldRows <= ROW))
      throw new RangeError(`webgpuInternals.convImplicit: 'foldRows' must be an integer in 1 … ${ROW}, got ${foldRows}`);
    return instance.convImplicit(tile, x, xShape, w, wShape, g, groups, foldRows);
  },
  /** The device's `maxStorageBufferBindingSize` and `maxBufferSize`. */
  bufferLimits: (): [number, number] => instance.bufferLimits(),
  /** The storages one `pack` dispatch takes on this device. */
  packPerDispatch: (): number => instance.packPerDispatch(),
  /** Destroy the device, as a driver reset would lose it (the test of `ready("webgpu")` after a loss); resolves once the backend has seen the loss. */
  loseDevice: (): Promise<void> => instance.loseDevice(),
  /** The window-buffer bound `conv2d`'s `"auto"` uses on this device, in bytes. */
  convWindowLimit: (): number => instance.convWindowLimit(),
  /** Run an elementwise kernel given as WGSL (`x`, `out`, params `[n]`), named `key` for the backend op `op`. */
  unaryFrom: (key: string, op: string, code: string, x: Storage): Storage => instance.unaryFrom(key, op, code, x),
};
