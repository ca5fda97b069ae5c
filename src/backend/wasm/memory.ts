/**
 * Where the WASM backend keeps tensor data, and how it is reclaimed without `dispose`.
 *
 * A storage's elements are *resident* (a block of WASM linear memory) or on the host (a JS typed
 * array the garbage collector owns), or both: tensors are immutable, so two copies never
 * disagree. Resident blocks live in a **ring**: blocks are allocated one after another and, when
 * the ring is full, the oldest are evicted (their elements copied to the host first, unless a
 * host copy exists). Kernel outputs are resident, so chains of ops never copy; an evicted input
 * is copied back in when a kernel needs it.
 *
 * Why not `FinalizationRegistry`: V8 runs finalizers only after a *major* GC and only between
 * tasks, so a synchronous training loop (or an async one whose small JS objects die young)
 * never frees anything; measured here, 600,000 registered objects freed 0 before a task turn.
 * The ring bounds WASM memory by construction: it never holds more than its capacity, whether
 * the loop yields or not, and the host copies of dead tensors are ordinary garbage. The price is
 * one copy-out per evicted tensor that may still be alive, and results written to memory the
 * ring last touched a lap ago (cold in cache). Liveness is not observable from JS, but the
 * library knows which of the tensors it made nobody can see (the cotangents of a pullback, the
 * primals of a finished `grad`, optimizer temporaries, the gradients inside `trainStep`, the
 * parameters `fit` replaced) and releases them: a released block keeps its place in the eviction
 * order but goes to a free list by size, and the next output of that size takes it — still in
 * cache, and never copied out. In a training loop nearly every intermediate is served this way,
 * so the head of the ring moves only for what may stay alive (parameters, values). User code
 * says the same with the public `tidy`: what a `tidy` function made and did not return is
 * released at its end (a plain loop of dropped elementwise results then copies nothing out).
 *
 * The ring is grown on demand: it starts at a quarter of its capacity (16 of the default 64 MiB)
 * and doubles, up to the capacity, only when the head comes round after a lap in which evicted
 * tensors had to be copied back in (more than a quarter of its bytes): a working set larger than
 * the ring. (A lap also evicts the live tensors that took over released blocks in its way, as the
 * parameters of a training loop do: they come back in once per lap, a few percent of its bytes.)
 * A training loop whose intermediates are released never touches more than it needs, so the
 * process's resident memory stays small; a larger working set gets the whole capacity.
 *
 * Blocks larger than an eighth of the ring's capacity, and blocks the ring cannot take during one kernel
 * call without evicting that call's own inputs, go to a *side* region past the ring that is
 * reset after every call; such outputs are copied to the host at once.
 *
 * @module
 */
import { type DType, showBytes, type TypedArray } from "../backend.js";
import { uninitialisedBytes } from "./platform.js";
import type { WasmMemory } from "./webassembly.js";

const PAGE = 65536;
/** WebAssembly linear memory (wasm32) holds at most 65,536 pages: 4 GiB. */
const MAX_PAGES = 65536;
const ALIGN = 64;
/** The operating system's page (the unit of a page fault). */
const OS_PAGE = 4096;

/**
 * Make the pages of bytes `from … to - 1` resident now, with one write of a zero per page (at
 * `from` in the first page, so nothing before `from` is written): the first write to a fresh
 * page of memory takes a page fault, about 2 µs here (4.1 ms of CPU for 8 MiB of shared WASM
 * memory; a read first would take a second fault). Only for bytes that hold nothing (the ring
 * past a head that never wrapped, gemm scratch between calls).
 */
export const touchPages = (u8: Uint8Array, from: number, to: number): void => {
  for (let p = Math.floor(from / OS_PAGE) * OS_PAGE; p < to; p += OS_PAGE) u8[Math.max(p, from)] = 0;
};

const align = (n: number): number => Math.max(ALIGN, Math.ceil(n / ALIGN) * ALIGN);

/**
 * Large blocks are spaced by this many extra bytes, and the side region starts this far (plus
 * half a MiB) past the ring: a kernel whose input and output lie a large power of two apart
 * (two 4 MiB tensors one after the other, or the first ring block and the side region, exactly
 * `ringBytes` apart) runs up to 4× slower, their streams competing for the same cache sets.
 */
const STAGGER = 2048 + ALIGN;
const SIDE_SKEW = (1 << 19) + STAGGER;

/** Ring bytes taken by a block of `bytes`. */
/** The ring starts at this fraction of its capacity (see the module comment). */
const INITIAL_SPAN = 4;

const blockSize = (bytes: number): number => align(bytes) + (bytes >= 1 << 16 ? STAGGER : 0);

/** A storage's placement; `ptr` is a byte offset while resident, -1 otherwise. */
export interface Placed {
  readonly dtype: DType;
  readonly length: number;
  ptr: number;
  host: TypedArray | undefined;
  /** The id of the kernel call that needs this storage resident. */
  pin: number;
  /** Released: the library will not read it again, so eviction need not save it. */
  dead: boolean;
  /** The ring block holding it while resident in the ring. */
  block: Block | undefined;
  /** Writes to its block still to do (a batch copied in later), done before its elements are copied out. */
  complete?: (() => void) | undefined;
}

/**
 * A ring block. It keeps its place in the eviction order for its whole life; its owner changes
 * when a released block is handed to a new storage of the same size.
 */
export class Block {
  /** The storage resident here, or null when the block is free (released) or was evicted. */
  owner: Placed | null;
  /** Neighbours in its size's free list while it is on one (`listed`). */
  prev: Block | null = null;
  next: Block | null = null;
  listed = false;
  constructor(
    readonly ptr: number,
    readonly size: number,
    owner: Placed,
  ) {
    this.owner = owner;
  }
}

/**
 * The released blocks of one size, oldest first: a list threaded through the blocks themselves,
 * so that taking, adding and dropping one allocate nothing (a `Set`'s `values().next()` made an
 * iterator and a result object for every kernel output that reused a block).
 */
class FreeList {
  first: Block | null = null;
  last: Block | null = null;

  push(b: Block): void {
    b.listed = true;
    b.prev = this.last;
    b.next = null;
    if (this.last === null) this.first = b;
    else this.last.next = b;
    this.last = b;
  }

  remove(b: Block): void {
    if (!b.listed) return;
    b.listed = false;
    if (b.prev === null) this.first = b.next;
    else b.prev.next = b.next;
    if (b.next === null) this.last = b.prev;
    else b.next.prev = b.prev;
    b.prev = null;
    b.next = null;
  }
}

/** Counters for the benchmark and the memory test. */
export interface MemoryStats {
  /** Bytes of WASM linear memory. */
  readonly memoryBytes: number;
  /** Capacity of the ring. */
  readonly ringBytes: number;
  /** The part of the ring in use so far (grown on demand up to `ringBytes`). */
  readonly ringSpan: number;
  /** Blocks currently resident in the ring. */
  readonly resident: number;
  /** Evictions so far, and how many of them copied to the host. */
  readonly evictions: number;
  readonly copiedOut: number;
  /** Host-to-WASM copies of evicted or host-only inputs. */
  readonly copiedIn: number;
  /** Kernel outputs that went to the side region. */
  readonly sideOutputs: number;
  /** Storages released by the autodiff core (their blocks are reused or evicted without a copy). */
  readonly released: number;
  /** Ring blocks handed to a new storage after their storage was released. */
  readonly reused: number;
}

/** WASM linear memory: typed views kept current across growth, a ring of blocks, a side region. */
export class Arena {
  f32: Float32Array;
  f64: Float64Array;
  u8: Uint8Array;
  i32: Int32Array;
  private readonly ringStart: number;
  /** The largest block the side region can hold: what one tensor of the backend can be. */
  readonly maxBytes: number;
  private ringEnd: number;
  /** Bytes of the ring in use: `ringEnd - ringStart`, at most `capacity`. */
  private span: number;
  /** Bytes copied back into the ring since the head last came round (the growth signal). */
  private lapCopiedIn = 0;
  private head: number;
  /** Whether the head has ever come back to the ring's start (until then, no block lies past it). */
  private wrapped = false;
  private side: number;
  /**
   * The eviction queue of blocks, oldest first: a circular array, doubled when full. It starts
   * with room for 4,096 blocks (32 KiB): with 1,024 it first filled during a fresh process's first
   * training steps (the warm-up's blocks and the steps'), and its first growth undid the placing
   * code's optimised version there, a call the engine had not seen (`place`, `growQueue`).
   */
  private qs: (Block | null)[] = new Array<Block | null>(4096).fill(null);
  private qh = 0;
  private qn = 0;
  /** Released blocks still in the ring, by size: reused (hot in cache) before the head moves on. */
  private readonly free = new Map<number, FreeList>();
  private call = 0;
  private evictions = 0;
  private copiedOut = 0;
  private copiedIn = 0;
  private sideOutputs = 0;
  private released = 0;
  private reused = 0;

  constructor(
    private readonly memory: WasmMemory,
    /** First byte of the ring. */
    start: number,
    /** Ring capacity in bytes. */
    readonly capacity: number,
  ) {
    this.ringStart = align(start);
    this.span = Math.max(Math.min(capacity, 1 << 20), Math.floor(capacity / INITIAL_SPAN / ALIGN) * ALIGN);
    this.ringEnd = this.ringStart + this.span;
    this.head = this.ringStart;
    this.side = this.ringEnd + SIDE_SKEW;
    this.maxBytes = Math.floor((MAX_PAGES * PAGE - (this.ringStart + capacity + SIDE_SKEW)) / ALIGN) * ALIGN;
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  /** Grow linear memory so that bytes below `end` exist; refresh the views. */
  ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // grow by at least 64 MiB (or the memory's size), but never past the 4 GiB a memory can
      // have when `end` itself fits
      const need = Math.ceil((end - have) / PAGE);
      const pages = Math.max(need, Math.min(Math.ceil(Math.min(have, 64 << 20) / PAGE), MAX_PAGES - have / PAGE));
      try {
        this.memory.grow(pages);
      } catch (e) {
        throw new RangeError(
          `wasm backend: out of memory: one kernel call needs ${showBytes(end)} of WebAssembly memory for its inputs and output, more than it can grow to (4 GiB at most; the engine says: ${e instanceof Error ? e.message : String(e)})`,
        );
      }
    }
    if (this.u8.byteLength !== this.memory.buffer.byteLength) {
      const b = this.memory.buffer;
      this.f32 = new Float32Array(b);
      this.f64 = new Float64Array(b);
      this.u8 = new Uint8Array(b);
      this.i32 = new Int32Array(b);
    }
  }

  /**
   * Make the next `bytes` of the ring past the head resident (see {@link touchPages}), so that
   * the first kernels writing there do not each pay page faults (a fresh process's first MLP
   * training step wrote about 2 MB of fresh pages). Only while the head has never wrapped: no
   * block lies past it then. Returns the bytes made resident.
   */
  prefault(bytes: number): number {
    if (this.wrapped) return 0;
    const end = Math.min(this.ringEnd, this.head + bytes);
    if (end <= this.head) return 0;
    this.ensure(end);
    touchPages(this.u8, this.head, end);
    return end - this.head;
  }

  /** Start a kernel call: a new pin id, an empty side region. */
  begin(): number {
    this.side = this.ringEnd + SIDE_SKEW;
    return ++this.call;
  }

  /** A host copy of a resident block. */
  copyOut(p: Placed): TypedArray {
    return this.hostCopy(p.ptr, p.dtype, p.length);
  }

  /**
   * A host copy of `n` elements at byte offset `at`. In Node the array comes from
   * `Buffer.allocUnsafeSlow` (not zero-filled: it is overwritten at once), which for the sizes
   * of a training step's tensors costs a fraction of `TypedArray.slice`'s zeroed allocation.
   */
  hostCopy(at: number, dtype: DType, n: number): TypedArray {
    const f64 = dtype === "float64";
    const start = at / (f64 ? 8 : 4);
    if (uninitialisedBytes === undefined || n < 64) return f64 ? this.f64.slice(start, start + n) : this.f32.slice(start, start + n);
    const buf = uninitialisedBytes(n * (f64 ? 8 : 4));
    const out = f64 ? new Float64Array(buf.buffer, buf.byteOffset, n) : new Float32Array(buf.buffer, buf.byteOffset, n);
    out.set(f64 ? this.f64.subarray(start, start + n) : this.f32.subarray(start, start + n));
    return out;
  }

  /** The host copy of a block that is not resident (an error once a released block is gone). */
  host(p: Placed): TypedArray {
    if (p.host === undefined) throw new Error("wasm backend: a released tensor was read after its memory was reused (a bug in typegrad: please report it)");
    return p.host;
  }

  /** `p` will not be read again: its block (if any) is free for a storage of the same size. */
  release(p: Placed): void {
    if (p.dead) return;
    p.dead = true;
    this.released++;
    const b = p.block;
    if (b === undefined) return;
    p.block = undefined;
    p.ptr = -1;
    b.owner = null;
    let list = this.free.get(b.size);
    if (list === undefined) {
      list = new FreeList();
      this.free.set(b.size, list);
    }
    list.push(b);
  }

  /** Write host data into a block. */
  copyIn(ptr: number, dtype: DType, data: ArrayLike<number>): void {
    if (dtype === "float64") this.f64.set(data, ptr / 8);
    else this.f32.set(data, ptr / 4);
  }

  /** A block of `bytes` in the side region (valid until the next `begin`). */
  sideBlock(bytes: number): number {
    const at = this.side;
    this.side += align(bytes);
    this.ensure(this.side);
    return at;
  }

  /**
   * A ring block for `p` (made resident, pinned for call `call`): a released block of the same
   * size if there is one, else the next one at the head, evicting the oldest blocks; false when
   * the block is too large, or when the way is blocked by this call's own blocks more than a few
   * times over.
   *
   * A block of this call in the way (an input the head has come round to) is stepped over: the
   * blocks before it are evicted, it moves to the back of the eviction order as if just
   * allocated, and the head continues after it. The queue stays in address order from the head,
   * so eviction stays correct; and an input used by every call (an elementwise kernel applied
   * again and again to one tensor) no longer sends every later output to the side region.
   */
  place(p: Placed, bytes: number): boolean {
    const size = blockSize(bytes);
    if (size > this.capacity / 8) return false;
    const list = this.free.get(size);
    const b = list?.first;
    if (list !== undefined && b != null) {
      list.remove(b);
      this.reused++;
      return this.own(b, p);
    }
    for (let fence = 0; ; fence++) {
      if (this.head + size > this.ringEnd) this.lapEnd();
      // plan: how many queue entries must go (no closures here: this runs once per kernel output)
      const qs = this.qs;
      const len = qs.length;
      let h = this.head;
      let k = 0;
      let wrap = false;
      let pinned = -1;
      if (h + size > this.ringEnd) {
        for (; k < this.qn; k++) {
          const b = qs[(this.qh + k) % len] as Block;
          if (b.ptr < h) break;
          if (b.owner?.pin === this.call) {
            pinned = k;
            break;
          }
        }
        h = this.ringStart;
        wrap = true;
      }
      if (pinned < 0)
        for (; k < this.qn; k++) {
          const b = qs[(this.qh + k) % len] as Block;
          if (b.ptr < h || b.ptr >= h + size) break;
          if (b.owner?.pin === this.call) {
            pinned = k;
            break;
          }
        }
      if (pinned >= 0) {
        if (fence >= 8) return false;
        // step over it: evict what precedes it, move it to the back, continue after it
        this.evictFront(pinned);
        const b = this.qs[this.qh] as Block;
        this.qs[this.qh] = null;
        this.qh = (this.qh + 1) % this.qs.length;
        this.qs[(this.qh + this.qn - 1) % this.qs.length] = b;
        this.head = b.ptr + b.size;
        continue;
      }
      this.evictFront(k);
      if (wrap) {
        this.head = this.ringStart;
        this.wrapped = true;
      }
      const ptr = this.head;
      this.head = ptr + size;
      this.ensure(this.head);
      if (this.qn === this.qs.length) this.growQueue();
      const b = new Block(ptr, size, p);
      this.qs[(this.qh + this.qn) % this.qs.length] = b;
      this.qn++;
      return this.own(b, p);
    }
  }

  /**
   * The head has come round: grow the ring (double it, up to its capacity) when the lap just
   * finished copied more than a quarter of its bytes back in, unless this call has blocks in the side
   * region (which starts right after the ring); else the head wraps and the next lap is counted.
   */
  private lapEnd(): void {
    const grow = this.span < this.capacity && this.lapCopiedIn > this.span / 4 && this.side === this.ringEnd + SIDE_SKEW;
    this.lapCopiedIn = 0;
    if (!grow) return;
    this.span = Math.min(this.capacity, 2 * this.span);
    this.ringEnd = this.ringStart + this.span;
    this.side = this.ringEnd + SIDE_SKEW;
  }

  /** Evict the `k` oldest blocks (copying a live one to the host unless it has a copy there). */
  private evictFront(k: number): void {
    const qs = this.qs;
    const len = qs.length;
    for (let j = 0; j < k; j++) {
      const i = this.qh;
      const b = qs[i] as Block;
      const old = b.owner;
      if (old !== null) {
        old.complete?.();
        if (old.host === undefined && !old.dead) {
          old.host = this.copyOut(old);
          this.copiedOut++;
        }
        old.ptr = -1;
        old.block = undefined;
      } else this.free.get(b.size)?.remove(b);
      b.owner = null;
      qs[i] = null;
      this.qh = (i + 1) % len;
      this.qn--;
      this.evictions++;
    }
  }

  /** Make `b` the home of `p`, pinned for the current call. */
  private own(b: Block, p: Placed): true {
    b.owner = p;
    p.block = b;
    p.ptr = b.ptr;
    p.pin = this.call;
    return true;
  }

  private growQueue(): void {
    const n = this.qs.length;
    const qs = new Array<Block | null>(2 * n).fill(null);
    for (let j = 0; j < this.qn; j++) qs[j] = this.qs[(this.qh + j) % n] as Block;
    this.qs = qs;
    this.qh = 0;
  }

  /** The byte offset of `p`'s elements for the current call, copying them in if needed. */
  input(p: Placed): number {
    if (p.ptr >= 0) {
      p.pin = this.call;
      return p.ptr;
    }
    const host = this.host(p);
    const bytes = host.byteLength;
    this.copiedIn++;
    if (this.place(p, bytes)) {
      this.lapCopiedIn += bytes;
      this.copyIn(p.ptr, p.dtype, host);
      return p.ptr;
    }
    const at = this.sideBlock(bytes);
    this.copyIn(at, p.dtype, host);
    return at;
  }

  /** The byte offset where a kernel writes `p`'s elements: a ring block, else a side block. */
  output(p: Placed, bytes: number): number {
    if (this.place(p, bytes)) return p.ptr;
    this.sideOutputs++;
    return this.sideBlock(bytes);
  }

  /** After the kernel: an output written to the side region is copied to the host. */
  settle(p: Placed, at: number): void {
    if (p.ptr !== at) p.host = this.hostCopy(at, p.dtype, p.length);
  }

  stats(): MemoryStats {
    return {
      memoryBytes: this.memory.buffer.byteLength,
      ringBytes: this.capacity,
      ringSpan: this.span,
      resident: this.qn,
      evictions: this.evictions,
      copiedOut: this.copiedOut,
      copiedIn: this.copiedIn,
      sideOutputs: this.sideOutputs,
      released: this.released,
      reused: this.reused,
    };
  }
}
