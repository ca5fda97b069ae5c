/**
 * Every core for large kernels: a pool of worker threads, each instantiating the same module over
 * the same shared memory. A split kernel is a *job* of a few *chunks* (row or column tiles of a
 * matrix product, ranges of an elementwise kernel); the main thread posts the job and then takes
 * chunks itself, as do the workers that are awake, each claiming the next chunk with one atomic
 * compare-and-swap. So a job never waits for a worker to wake up (if none does, the main thread
 * runs every chunk), and who ran which chunk changes nothing in the result. The call stays
 * synchronous: requests and completions go through a small `SharedArrayBuffer` control block
 * with `Atomics.wait`/`notify`.
 *
 * Chunks are cut where a kernel's arithmetic for each output element does not depend on the cut
 * (see `parallel.ts`), so the bytes of a result are the same for every thread count.
 *
 * @module
 */
import { isShared } from "../batches.js";
import { canBlock, type HostWorker, startWorker } from "./platform.js";
import type { Kernels, WasmMemory, WasmModule } from "./webassembly.js";

// control block words (Int32)
const SEQ = 0;
/** `(job & 0xfffff) << 11 | next chunk`, or CLOSED while a job's words are being written. */
const TICKET = 1;
const DONE = 2;
const KIND = 3;
const CHUNKS = 4;
/** Threads (main included) that take part in the current job: worker `id` joins when `id < PARTS`. */
const PARTS = 5;
const READY = 6;
/** Bumped (and notified) for every split job, gather job, mail and stop: what a sleeping worker waits on. */
const WAKE = 7;
const ARGS = 8;
const NARGS = 16;
const CLOSED = -1;
/** The last gather job posted (its sequence number). */
const GPOSTED = ARGS + NARGS;
/** Bumped after each message to the gathering worker (it takes its messages when it changes). */
const MAIL = 25;
/** Training sets the gathering worker holds (it writes this word). */
const HELD = 26;
/** The gathering worker claims only blocks below this index of a job (tests set it to make it take all, none or half). */
const LIMIT = 27;
/** Gather job slots: job `g` in slot `g % GSLOTS`, its words from `GBASE + slot · GSTRIDE` (see `gatherJobs`). */
const GBASE = 32;
const GSTRIDE = 16;
const GSLOTS = 4;
const CONTROL_WORDS = GBASE + GSLOTS * GSTRIDE;
/** Rows per block of a gather job (the unit a thread claims). */
export const GATHER_BLOCK = 8;
/** Training sets the gathering worker holds at most (registering another drops the oldest). */
const MAX_SETS = 4;
/** At most this many chunks per job (11 bits of the ticket). */
export const MAX_CHUNKS = 2047;

/** Job kinds. */
export const GEMM_ROWS = 0;
export const GEMM_COLS = 1;
export const UNARY = 2;
export const BINARY = 3;
export const CONV_ROWS = 4;
export const IM2COL = 5;
export const COL2IM = 6;
export const REDUCE_ROWS = 7;
export const SOFTMAX_ROWS = 8;
export const REDUCE_PARTS = 9;
export const LOGLOSS_GRAD = 10;

/** How long an idle worker polls for the next job before it sleeps (ms). */
const SPIN_MS = 0.5;
/**
 * How long a new worker polls before it first sleeps (ms): long enough for the engine to compile
 * the poll (`spinWhile`) on-stack while `ready()` runs, not during the first training steps,
 * where a compile on a background thread takes a core from them.
 */
const FIRST_SPIN_MS = 3;
/** Short-lived 8 KiB arrays a new worker makes before it reports ready (4 MiB: see `workerBody`). */
const START_GARBAGE_ARRAYS = 512;

/**
 * Run chunk `i` of a job: the one definition of what a chunk is, used by the main thread and,
 * through its source text, by the workers (so it refers to nothing outside itself).
 *
 * - GEMM_ROWS `[dt, ta, tb, M, N, K, A, lda, B, ldb, C, ldc, rows, sz, first]`: chunk 0 rows
 *   `0 … first - 1`, chunk `i ≥ 1` rows `first + (i − 1)·rows …` (`first` = `rows` for an even
 *   split; a smaller one leaves the main thread time for `Pool.idle`: see `parallel.ts`);
 * - GEMM_COLS `[dt, ta, tb, M, N, K, A, lda, B, ldb, C, ldc, cols, sz]`: columns `i·cols …`;
 * - UNARY `[dt, op, x, o, n, len, sz]`: elements `i·len …`;
 * - BINARY `[dt, op, a, b, o, rank, metaFull, metaLast, then, d0, len, aStep, bStep, oStep]`:
 *   outer indices `i·len …` (`metaLast` describes a shorter last chunk; steps in bytes);
 * - CONV_ROWS `[dt, x, w, o, geometry, len, rows]`: output rows `i·len …` of the direct convolution;
 * - IM2COL `[dt, x, o, geometry, len, m, padLo, padHi]`: examples `i·len …` (the pad value's
 *   float64 bits in two words);
 * - COL2IM `[dt, cols, o, geometry, len, m]`: examples `i·len …`;
 * - REDUCE_ROWS `[dt, op, x, o, outer, n, inner, len, sz]`: rows `i·len …` of a reduction of
 *   `[outer, n, inner]` along its middle axis;
 * - SOFTMAX_ROWS `[dt, log, x, o, outer, n, inner, len, sz]`: the same rows of a softmax;
 * - REDUCE_PARTS `[dt, op, x, part, n, C, G, sz]`: pieces `i·G … i·G + G - 1` of a vector of `n`
 *   elements cut into pieces of `C`, piece `c` reduced to `part[c]`;
 * - LOGLOSS_GRAD `[dt, z, y, g, o, n, len, sz, mLo, mHi]`: elements `i·len …` of the log-loss's
 *   pullback (`m`'s float64 bits in two words).
 */
export const runChunk = (k: Kernels, kind: number, a: readonly number[], i: number, scratch: number): void => {
  // no helper functions in here: the text must run as it is in a worker
  if (kind === 0 || kind === 1) {
    const ta = a[1] as number;
    const tb = a[2] as number;
    const M = (a[3] as number) >>> 0;
    const N = (a[4] as number) >>> 0;
    const A = (a[6] as number) >>> 0;
    const lda = (a[7] as number) >>> 0;
    const B = (a[8] as number) >>> 0;
    const ldb = (a[9] as number) >>> 0;
    const C = (a[10] as number) >>> 0;
    const ldc = (a[11] as number) >>> 0;
    const len = (a[12] as number) >>> 0;
    const sz = (a[13] as number) >>> 0;
    if (kind === 0) {
      const first = (a[14] as number) >>> 0;
      const s = i === 0 ? 0 : first + (i - 1) * len;
      const rows = Math.min(i === 0 ? first : len, M - s);
      k.gemm(a[0] as number, ta, tb, rows, N, a[5] as number, ta === 1 ? A + s * sz : A + s * lda * sz, lda, B, ldb, C + s * ldc * sz, ldc, scratch);
      return;
    }
    const s = i * len;
    k.gemm(a[0] as number, ta, tb, M, Math.min(len, N - s), a[5] as number, A, lda, tb === 1 ? B + s * ldb * sz : B + s * sz, ldb, C + s * sz, ldc, scratch);
  } else if (kind === 2) {
    const len = (a[5] as number) >>> 0;
    const sz = (a[6] as number) >>> 0;
    const s = i * len;
    k.unary(a[0] as number, a[1] as number, ((a[2] as number) >>> 0) + s * sz, ((a[3] as number) >>> 0) + s * sz, Math.min(len, ((a[4] as number) >>> 0) - s));
  } else if (kind === 4) {
    const len = (a[5] as number) >>> 0;
    const s = i * len;
    k.conv2d(a[0] as number, (a[1] as number) >>> 0, (a[2] as number) >>> 0, (a[3] as number) >>> 0, (a[4] as number) >>> 0, s, Math.min(s + len, (a[6] as number) >>> 0), scratch);
  } else if (kind === 5) {
    const len = (a[4] as number) >>> 0;
    const s = i * len;
    const pad = new Float64Array(new Int32Array([a[6] as number, a[7] as number]).buffer)[0] as number;
    k.im2col(a[0] as number, (a[1] as number) >>> 0, (a[2] as number) >>> 0, (a[3] as number) >>> 0, pad, s, Math.min(s + len, (a[5] as number) >>> 0));
  } else if (kind === 7 || kind === 8) {
    const outer = (a[4] as number) >>> 0;
    const n = (a[5] as number) >>> 0;
    const inner = (a[6] as number) >>> 0;
    const len = (a[7] as number) >>> 0;
    const sz = (a[8] as number) >>> 0;
    const s = i * len;
    const x = ((a[2] as number) >>> 0) + s * n * inner * sz;
    if (kind === 7) k.reduce(a[0] as number, a[1] as number, x, ((a[3] as number) >>> 0) + s * inner * sz, Math.min(len, outer - s), n, inner);
    else k.softmax(a[0] as number, a[1] as number, x, ((a[3] as number) >>> 0) + s * n * inner * sz, Math.min(len, outer - s), n, inner);
  } else if (kind === 9) {
    const n = (a[4] as number) >>> 0;
    const C = (a[5] as number) >>> 0;
    const G = (a[6] as number) >>> 0;
    const sz = (a[7] as number) >>> 0;
    const end = Math.min((i + 1) * G, Math.ceil(n / C));
    for (let c = i * G; c < end; c++) k.reduce(a[0] as number, a[1] as number, ((a[2] as number) >>> 0) + c * C * sz, ((a[3] as number) >>> 0) + c * sz, 1, Math.min(C, n - c * C), 1);
  } else if (kind === 10) {
    const len = (a[6] as number) >>> 0;
    const sz = (a[7] as number) >>> 0;
    const s = i * len;
    const m = new Float64Array(new Int32Array([a[8] as number, a[9] as number]).buffer)[0] as number;
    k.logLossGrad(
      a[0] as number,
      ((a[1] as number) >>> 0) + s * sz,
      ((a[2] as number) >>> 0) + s * sz,
      (a[3] as number) >>> 0,
      m,
      ((a[4] as number) >>> 0) + s * sz,
      Math.min(len, ((a[5] as number) >>> 0) - s),
    );
  } else if (kind === 6) {
    const len = (a[4] as number) >>> 0;
    const s = i * len;
    k.col2im(a[0] as number, (a[1] as number) >>> 0, (a[2] as number) >>> 0, (a[3] as number) >>> 0, s, Math.min(s + len, (a[5] as number) >>> 0));
  } else {
    const len = (a[10] as number) >>> 0;
    const s = i * len;
    const meta = Math.min(len, ((a[9] as number) >>> 0) - s) === len ? a[6] : a[7];
    k.binary(
      a[0] as number,
      a[1] as number,
      ((a[2] as number) >>> 0) + s * ((a[11] as number) >>> 0),
      ((a[3] as number) >>> 0) + s * ((a[12] as number) >>> 0),
      ((a[4] as number) >>> 0) + s * ((a[13] as number) >>> 0),
      a[5] as number,
      meta as number,
      a[8] as number,
    );
  }
};

/**
 * Claim and run chunks of job `seq` until none is left; the words of the job are read before the
 * claim, and a claim succeeds only while the ticket still names this job, so a thread that read
 * a half-written job never runs any of it. Returns the chunks this thread ran. Shared by the main
 * thread and the workers (as text).
 */
const work = (c: Int32Array, seq: number, k: Kernels, scratch: number, run: typeof runChunk): number => {
  let ran = 0;
  const tag = (seq & 0xfffff) << 11;
  const kind = Atomics.load(c, 3);
  const n = Atomics.load(c, 4);
  const a: number[] = [];
  for (let j = 0; j < 16; j++) a.push(Atomics.load(c, 8 + j));
  for (;;) {
    const t = Atomics.load(c, 1);
    if (t === -1 || (t & ~0x7ff) !== tag || (t & 0x7ff) >= n) return ran;
    if (Atomics.compareExchange(c, 1, t, t + 1) !== t) continue;
    run(k, kind, a, t & 0x7ff, scratch);
    ran++;
    if (Atomics.add(c, 2, 1) + 1 === n) Atomics.notify(c, 2);
  }
};

/**
 * An idle worker's poll: spin until the control word `wake` moves from `seen` or `ms` have
 * passed. A function of its own (run in the worker only, as text), so that the engine compiles
 * this small loop on-stack (about 2 ms) while a new worker waits in it, not the worker's whole
 * loop with the chunk runner inlined (10–21 ms, then again each time a job took a path its first
 * compile had not seen: three times in the first training steps of a fresh process).
 */
const spinWhile = (c: Int32Array, wake: number, seen: number, ms: number): void => {
  const until = performance.now() + ms;
  // (from 0: the first pass reads the clock, so that the engine has seen that call when it
  // compiles the loop, which it may do before a 1,024th pass)
  for (let spin = 0; Atomics.load(c, wake) === seen; spin++) if ((spin & 1023) === 0 && performance.now() > until) return;
};

/**
 * Copy block `b` of a gather job into `out` from element `dst`: rows `b · GATHER_BLOCK …` of a
 * batch of `count` rows, row `k` being row `idx[at + k]` of the row-major `src` (rows of `width`),
 * or with `transposed` (1) the same rows as columns of its `width` × `count` transpose. One `set`
 * per row (the fastest a single thread copies scattered rows, measured). Shared by the main thread
 * and the gathering worker (as text), so both write the same bytes.
 */
export const gatherBlock = (out: Float32Array, dst: number, src: Float32Array, width: number, idx: Int32Array, at: number, count: number, b: number, transposed: number): void => {
  const end = Math.min(count, (b + 1) * 8);
  if (transposed === 1) {
    for (let k = b * 8; k < end; k++) {
      const base = (idx[at + k] as number) * width;
      for (let j = 0; j < width; j++) out[dst + j * count + k] = src[base + j] as number;
    }
    return;
  }
  for (let k = b * 8; k < end; k++) {
    const r = (idx[at + k] as number) * width;
    out.set(src.subarray(r, r + width), dst + k * width);
  }
};

/** What the gathering worker knows: its training sets by id, the row indices' buffer and its generation, its view of the memory, its next job and the mail it has read. */
interface GatherState {
  readonly sets: Map<number, Float32Array>;
  idx: Int32Array | undefined;
  gen: number;
  out: Float32Array;
  readonly memory: { readonly buffer: ArrayBufferLike };
  next: number;
  mail: number;
}

/**
 * Take one message of the gathering worker's mail: a training set given (`set` and `data`) or
 * dropped (`set` alone), or a new buffer of row indices (`idx` and its generation `gen`). Runs in
 * the worker only (as text: it refers to nothing outside itself).
 */
const takeMail = (st: GatherState, m: { set?: number; data?: Float32Array; idx?: Int32Array; gen?: number }): void => {
  if (m.set !== undefined) {
    if (m.data === undefined) st.sets.delete(m.set);
    else st.sets.set(m.set, m.data);
  }
  if (m.idx !== undefined) {
    st.idx = m.idx;
    st.gen = m.gen as number;
  }
};

/**
 * The gathering worker's turn: claim and copy blocks of the gather jobs posted since its last
 * turn, oldest first, until none is left or a split job is posted (`SEQ` no longer `seen`: split jobs come
 * first; the worker comes back to the gather after it). A job's slot words (from `GBASE + 16 ·
 * (g % 4)`): `[ticket, done, set, dst, width, count, transposed, at, blocks, gen]`, the ticket
 * `(g & 0xfffff) << 11 | next block` (CLOSED while the words are written or once cancelled), so a
 * claim succeeds only while the slot still holds job `g`. A job whose set or index buffer the
 * worker does not have (its message not taken yet, or dropped) is left to the main thread.
 * Runs in the worker only (as text: it refers to nothing outside itself).
 */
const gatherJobs = (c: Int32Array, seen: number, st: GatherState, copy: typeof gatherBlock): void => {
  const posted = Atomics.load(c, 24);
  for (let g = Math.max(st.next, posted - 3); g <= posted; g++) {
    const base = 32 + (g & 3) * 16;
    const tag = (g & 0xfffff) << 11;
    let t = Atomics.load(c, base);
    const src = st.sets.get(Atomics.load(c, base + 2));
    const dst = Atomics.load(c, base + 3);
    const width = Atomics.load(c, base + 4);
    const count = Atomics.load(c, base + 5);
    const transposed = Atomics.load(c, base + 6);
    const at = Atomics.load(c, base + 7);
    const blocks = Atomics.load(c, base + 8);
    const idx = st.idx;
    if (t !== -1 && (t & ~0x7ff) === tag && src !== undefined && idx !== undefined && Atomics.load(c, base + 9) === st.gen) {
      if (st.out.length < dst + count * width) st.out = new Float32Array(st.memory.buffer);
      for (;;) {
        if (Atomics.load(c, 0) !== seen) return;
        t = Atomics.load(c, base);
        if (t === -1 || (t & ~0x7ff) !== tag || (t & 0x7ff) >= blocks || (t & 0x7ff) >= Atomics.load(c, 27)) break;
        if (Atomics.compareExchange(c, base, t, t + 1) !== t) continue;
        copy(st.out, dst, src, width, idx, at, count, t & 0x7ff, transposed);
        Atomics.add(c, base + 1, 1);
        Atomics.notify(c, base + 1);
      }
    }
    st.next = g + 1;
  }
};

/**
 * The worker, as the text of a function of its start data and of `receive`, the host's way to
 * take a message synchronously (Node's `receiveMessageOnPort`), or undefined where the worker
 * takes messages only from its event loop (browsers' Web Workers). It sleeps on `WAKE`, runs its
 * share of each new split job, and between split jobs (worker 1 only) takes its mail (`MAIL` moved)
 * and copies batches.
 *
 * Without `receive`, the worker leaves its loop when mail is waiting (`MAIL` ahead of the messages
 * it took) and returns to its event loop the function that takes each message; once it has taken
 * as many as `MAIL` counts, that function runs the loop again. While it is out, split jobs need
 * nothing from it (the main thread claims every chunk no worker claims) and its gather jobs are
 * the main thread's (`finishGather`); a job naming a set whose message it has not taken yet is
 * left to the main thread as in Node. `MAIL` is bumped after the message is posted, so the message
 * may come before the bump shows: the worker leaves only while `MAIL` is ahead of it. Both count
 * from 0, the pool's start: a message sent before the worker's body ran (`Pool.gathers` asks for
 * any worker ready, not this one) waits in its queue, and is counted the same.
 */
const workerBody = `function (d, receive) {
  const run = ${runChunk.toString()};
  const work = ${work.toString()};
  const copy = ${gatherBlock.toString()};
  const takeMail = ${takeMail.toString()};
  const spinWhile = ${spinWhile.toString()};
  const gatherJobs = ${gatherJobs.toString()};
  const k = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  const c = new Int32Array(d.control);
  const gathers = d.id === 1;
  const st = { sets: new Map(), idx: undefined, gen: -1, out: new Float32Array(d.memory.buffer), memory: d.memory, next: 1, mail: 0 };
  // a fresh worker's first young-generation collections copy what its start left (1.5–2.7 ms
  // each): made here, with short-lived arrays, they no longer hold up a chunk of the first steps
  for (let i = 0, junk; i < ${START_GARBAGE_ARRAYS}; i++) junk = new Array(1024);
  Atomics.add(c, ${READY}, 1);
  let seen = 0;
  let spinMs = ${FIRST_SPIN_MS};
  // returns when the worker stops, or (no receive) when mail waits for it in its event loop
  const loop = () => {
    for (;;) {
      const wake = Atomics.load(c, ${WAKE});
      const seq = Atomics.load(c, ${SEQ});
      if (seq < 0) return;
      if (seq !== seen) {
        seen = seq;
        if (d.id < Atomics.load(c, ${PARTS})) work(c, seen, k, d.scratch, run);
        continue;
      }
      if (gathers) {
        const mail = Atomics.load(c, ${MAIL});
        if (mail !== st.mail) {
          if (receive === undefined) {
            if (((mail - st.mail) | 0) > 0) return;
          } else {
            st.mail = mail;
            for (let m = receive(); m !== undefined; m = receive()) takeMail(st, m);
            Atomics.store(c, ${HELD}, st.sets.size);
          }
        }
        gatherJobs(c, seen, st, copy);
        if (Atomics.load(c, ${SEQ}) !== seen) continue;
      }
      // spin for up to SPIN_MS before sleeping: a training step posts several jobs a millisecond
      // or so apart, and waking from Atomics.wait costs tens of microseconds (the first spin is
      // longer: see FIRST_SPIN_MS)
      spinWhile(c, ${WAKE}, wake, spinMs);
      spinMs = ${SPIN_MS};
      Atomics.wait(c, ${WAKE}, wake);
    }
  };
  loop();
  if (receive !== undefined) return undefined;
  return (m) => {
    takeMail(st, m);
    st.mail = (st.mail + 1) | 0;
    Atomics.store(c, ${HELD}, st.sets.size);
    if (((Atomics.load(c, ${MAIL}) - st.mail) | 0) <= 0) loop();
  };
}`;

/** A gather job posted to the pool (see {@link Pool.gather}). */
export interface GatherJob {
  /** What the job fills (the backend's storage), for `finish`. */
  readonly owner: object;
  readonly g: number;
  readonly src: Float32Array;
  readonly dst: number;
  readonly width: number;
  readonly count: number;
  readonly transposed: number;
  readonly blocks: number;
  readonly at: number;
  /** Finished by the main thread while the worker may still write its last block (see `Pool.finishGather`). */
  draining: boolean;
}

/** Worker threads over one shared memory; the main thread is participant 0. */
export class Pool {
  private readonly control: Int32Array;
  private readonly workers: HostWorker[] = [];
  private seq = 0;
  private readonly blocking = canBlock();
  /**
   * Work for the main thread while it waits for the workers to finish a job's last chunks: one
   * short turn per call, true while more is left (the WASM backend's batches copied in ahead).
   */
  idle: (() => boolean) | undefined = undefined;
  /** Elements of idle work left (0 when none), for a split that leaves the main thread time for it. */
  idleLeft: (() => number) | undefined = undefined;
  /** Chunks of every job run so far, and those of them the main thread ran (no worker had claimed them first). */
  chunks = 0;
  chunksOnMain = 0;

  /**
   * A pool with room for `capacity` participants (no worker started yet: see `ensure`);
   * participant `p` uses the gemm scratch area at `scratch(p)`.
   */
  constructor(
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly capacity: number,
    private readonly scratch: (p: number) => number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
    this.control[TICKET] = CLOSED;
    for (let i = 0; i < GSLOTS; i++) this.control[GBASE + i * GSTRIDE] = CLOSED;
    this.control[LIMIT] = MAX_CHUNKS;
  }

  /** Start workers until `participants - 1` exist (they become ready asynchronously). */
  ensure(participants: number): void {
    const want = Math.min(participants, this.capacity) - 1;
    while (this.workers.length < want) {
      const id = this.workers.length + 1;
      const w = startWorker(workerBody, { module: this.module, memory: this.memory, control: this.control.buffer, id, scratch: this.scratch(id) });
      if (w === undefined) return;
      this.workers.push(w);
    }
  }

  /** Workers started (ready or not). */
  get size(): number {
    return this.workers.length;
  }

  /** Workers that have instantiated the module. */
  get ready(): number {
    return Atomics.load(this.control, READY);
  }

  /**
   * Resolves once every started worker has instantiated the module, or after `limitMs` (a worker
   * that cannot start must not hold `ready()` up: jobs run on the workers that are up).
   */
  async settled(limitMs: number): Promise<void> {
    const end = Date.now() + limitMs;
    while (this.ready < this.workers.length && Date.now() < end) await new Promise((r) => setTimeout(r, 1));
  }

  /**
   * Run a job of `chunks` chunks of kind `kind` with arguments `args` (see `runChunk`), with
   * the main thread and workers `1 … parts - 1`; returns when every chunk is done. With
   * `mainFirst`, chunk 0 is the main thread's (no worker can claim it): a split that made it
   * smaller than the others, for the main thread's idle work, must not hand it to a worker. The
   * main thread then claims what no worker has (a worker that is late or descheduled) before it
   * turns to its idle work, as without `mainFirst`: so with no worker to help, the main thread
   * does the even split's work in the same order (copying first measured no better on the
   * loaded 2-core host).
   */
  run(k: Kernels, scratch: number, kind: number, args: readonly number[], chunks: number, parts: number, mainFirst = false): void {
    const c = this.control;
    const seq = ++this.seq;
    Atomics.store(c, TICKET, CLOSED);
    Atomics.store(c, KIND, kind);
    Atomics.store(c, CHUNKS, chunks);
    Atomics.store(c, PARTS, parts);
    for (let j = 0; j < args.length; j++) Atomics.store(c, ARGS + j, args[j] as number);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, TICKET, ((seq & 0xfffff) << 11) | (mainFirst ? 1 : 0));
    Atomics.store(c, SEQ, seq);
    Atomics.add(c, WAKE, 1);
    Atomics.notify(c, WAKE);
    if (mainFirst) {
      runChunk(k, kind, args, 0, scratch);
      Atomics.add(c, DONE, 1);
    }
    this.chunks += chunks;
    this.chunksOnMain += work(c, seq, k, scratch, runChunk) + (mainFirst ? 1 : 0);
    const idle = this.idle;
    if (idle !== undefined) while (Atomics.load(c, DONE) !== chunks && idle()) {}
    for (let spin = 0; spin < this.spins; spin++) if (Atomics.load(c, DONE) === chunks) return;
    this.sleepUntilDone(chunks);
  }

  /**
   * How many times the main thread polls for a job's last chunk before it turns to
   * `sleepUntilDone`. `ready()`'s pool warm-up sets 0 for its last round, so that the engine has
   * seen `run` call it: the first time a step waited for a late worker had undone `run`'s
   * optimised code (a call it had no feedback for) and had it compiled again. @internal
   */
  spins = 100000;

  /** Sleep (where this thread may block) until the current job's `chunks` chunks are done. */
  private sleepUntilDone(chunks: number): void {
    const c = this.control;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === chunks) return;
      if (this.blocking) Atomics.wait(c, DONE, done, 1000);
    }
  }

  /** Stop the workers. */
  stop(): void {
    Atomics.store(this.control, SEQ, -1);
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
    for (const w of this.workers) w.terminate();
  }

  // -----------------------------------------------------------------------------------
  // gather jobs: the worker copies the next batch while the main thread runs alone
  // -----------------------------------------------------------------------------------

  /** Training sets handed to the gathering worker, by array, oldest first. */
  private readonly sets = new Map<Float32Array, number>();
  private setIds = 0;
  /** The row indices of the jobs in flight: `GSLOTS` regions of `idxRows` rows; `idxGen` counts the buffers. */
  private idx: Int32Array | undefined = undefined;
  private idxRows = 0;
  private idxGen = 0;
  /** The job in each slot until it is finished or cancelled. */
  private readonly slots: (GatherJob | undefined)[] = new Array<GatherJob | undefined>(GSLOTS).fill(undefined);
  private gseq = 0;

  /** Training sets the gathering worker holds now (it updates the count when it takes its mail). */
  get workerSets(): number {
    return Atomics.load(this.control, HELD);
  }

  /** Whether gather jobs can go to a worker: worker 1 is up and can be sent messages (Node's and browsers' workers). */
  get gathers(): boolean {
    return this.workers[0]?.mail !== undefined && this.ready >= 1;
  }

  /**
   * The gathering worker claims only the blocks below `n` of each job it reaches from now on
   * (`MAX_CHUNKS`: all, the default; 0: none): for tests that make it take all, none or half.
   *
   * @internal
   */
  set gatherLimit(n: number) {
    Atomics.store(this.control, LIMIT, n);
  }

  /** Blocks of `job` written so far (by either thread; for tests). @internal */
  gatherDone(job: GatherJob): number {
    return this.slots[job.g % GSLOTS] === job ? Atomics.load(this.control, GBASE + (job.g % GSLOTS) * GSTRIDE + 1) : job.blocks;
  }

  /** Send the gathering worker a message and wake it. */
  private mail(m: unknown): void {
    (this.workers[0] as HostWorker).mail?.(m);
    Atomics.add(this.control, MAIL, 1);
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
  }

  /**
   * Post a job copying rows `rows` of the shared `src` (rows of `width`) into the float32 view of
   * the memory from element `dst` (with `transposed`, as columns of the transpose): the worker
   * copies its blocks while no split job is pending, and {@link finishGather} copies the rest.
   * Undefined where it cannot be posted: no gathering worker, `src` not on a SharedArrayBuffer,
   * no rows or more than a job holds. A job still in the slot the new one takes is finished
   * first (by `finish`, which completes its owner).
   */
  gather(owner: object, src: Float32Array, width: number, rows: readonly number[], transposed: boolean, dst: number, finish: (job: GatherJob) => void): GatherJob | undefined {
    const count = rows.length;
    if (!this.gathers || count === 0 || count > MAX_CHUNKS * GATHER_BLOCK || !isShared(src)) return undefined;
    const c = this.control;
    let id = this.sets.get(src);
    if (id === undefined) {
      if (this.sets.size >= MAX_SETS) this.forgetSet(this.sets.keys().next().value as Float32Array);
      id = ++this.setIds;
      this.sets.set(src, id);
      this.mail({ set: id, data: src });
    }
    const g = this.gseq + 1;
    const slot = g % GSLOTS;
    const old = this.slots[slot];
    if (old !== undefined) finish(old);
    if (count > this.idxRows) {
      // a new buffer: every job still reading the old one is finished first
      for (const j of this.slots) if (j !== undefined) finish(j);
      this.idxRows = Math.max(count, 2 * this.idxRows, 256);
      this.idx = new Int32Array(new SharedArrayBuffer(4 * GSLOTS * this.idxRows));
      this.mail({ idx: this.idx, gen: ++this.idxGen });
    }
    const idx = this.idx as Int32Array;
    const at = slot * this.idxRows;
    for (let k = 0; k < count; k++) idx[at + k] = rows[k] as number;
    const job: GatherJob = { owner, g, src, dst, width, count, transposed: transposed ? 1 : 0, blocks: Math.ceil(count / GATHER_BLOCK), at, draining: false };
    const base = GBASE + slot * GSTRIDE;
    Atomics.store(c, base, CLOSED);
    Atomics.store(c, base + 1, 0);
    Atomics.store(c, base + 2, id);
    Atomics.store(c, base + 3, dst);
    Atomics.store(c, base + 4, width);
    Atomics.store(c, base + 5, count);
    Atomics.store(c, base + 6, job.transposed);
    Atomics.store(c, base + 7, at);
    Atomics.store(c, base + 8, job.blocks);
    Atomics.store(c, base + 9, this.idxGen);
    Atomics.store(c, base, (g & 0xfffff) << 11);
    this.gseq = g;
    this.slots[slot] = job;
    Atomics.store(c, GPOSTED, g);
    Atomics.add(c, WAKE, 1);
    Atomics.notify(c, WAKE);
    return job;
  }

  /** Wait until `blocks` blocks of the job in slot `base` are done (a worker copying its last claimed block). */
  private awaitBlocks(base: number, blocks: number): void {
    const c = this.control;
    for (let spin = 0; spin < 100000; spin++) if (Atomics.load(c, base + 1) >= blocks) return;
    for (;;) {
      const done = Atomics.load(c, base + 1);
      if (done >= blocks) return;
      if (this.blocking) Atomics.wait(c, base + 1, done, 1);
    }
  }

  /**
   * Finish `job` into `out` (the memory's float32 view): claim and copy the blocks the worker has
   * not reached, and copy too the one it may still be copying (the same bytes: a worker descheduled
   * in the middle of a block must not hold the step up; at a load of 5 on 2 cores such waits took
   * up to 35 ms). Returns the elements the main thread copied. Where the worker may still write that
   * block (the same bytes), it sets `job.draining`: the storage's block must not be reused, nor the
   * job's slot, before {@link drainGather} (or {@link gatherDrained} is true).
   */
  finishGather(job: GatherJob, out: Float32Array): number {
    const c = this.control;
    const slot = job.g % GSLOTS;
    if (this.slots[slot] !== job || job.draining) return 0;
    const base = GBASE + slot * GSTRIDE;
    const tag = (job.g & 0xfffff) << 11;
    const idx = this.idx as Int32Array;
    const rows = (b: number) => (Math.min(job.count, (b + 1) * GATHER_BLOCK) - b * GATHER_BLOCK) * job.width;
    let mine = 0;
    let mineBlocks = 0;
    let claimed: Uint8Array | undefined;
    for (;;) {
      const t = Atomics.load(c, base);
      if (t === CLOSED || (t & ~0x7ff) !== tag || (t & 0x7ff) >= job.blocks) break;
      if (Atomics.compareExchange(c, base, t, t + 1) !== t) continue;
      const b = t & 0x7ff;
      gatherBlock(out, job.dst, job.src, job.width, idx, job.at, job.count, b, job.transposed);
      mine += rows(b);
      mineBlocks++;
      claimed ??= new Uint8Array(job.blocks);
      claimed[b] = 1;
      Atomics.add(c, base + 1, 1);
    }
    const done = Atomics.load(c, base + 1);
    if (done >= job.blocks) {
      this.closeSlot(job);
      return mine;
    }
    // the worker claims and finishes its blocks one at a time, in increasing order: those it has
    // finished are the first `done - mineBlocks` of the blocks this thread did not claim
    let finished = done - mineBlocks;
    for (let b = 0; b < job.blocks; b++) {
      if (claimed?.[b] === 1) continue;
      if (finished > 0) finished--;
      else {
        gatherBlock(out, job.dst, job.src, job.width, idx, job.at, job.count, b, job.transposed);
        mine += rows(b);
      }
    }
    job.draining = true;
    return mine;
  }

  /** Whether a draining job's worker has written its last block (its slot is then free: see {@link finishGather}). */
  gatherDrained(job: GatherJob): boolean {
    const slot = job.g % GSLOTS;
    if (this.slots[slot] !== job) return true;
    if (Atomics.load(this.control, GBASE + slot * GSTRIDE + 1) < job.blocks) return false;
    this.closeSlot(job);
    return true;
  }

  /** Wait until a draining job's worker has written its last block, and free its slot. */
  drainGather(job: GatherJob): void {
    const slot = job.g % GSLOTS;
    if (this.slots[slot] !== job) return;
    this.awaitBlocks(GBASE + slot * GSTRIDE, job.blocks);
    this.closeSlot(job);
  }

  private closeSlot(job: GatherJob): void {
    const slot = job.g % GSLOTS;
    Atomics.store(this.control, GBASE + slot * GSTRIDE, CLOSED);
    this.slots[slot] = undefined;
  }

  /**
   * Cancel `job` (its storage was given back before it was used): no block is claimed after this,
   * and it returns once the blocks already claimed are written, so the memory can be reused.
   */
  cancelGather(job: GatherJob): void {
    const c = this.control;
    const slot = job.g % GSLOTS;
    if (this.slots[slot] !== job) return;
    if (job.draining) {
      this.drainGather(job);
      return;
    }
    const base = GBASE + slot * GSTRIDE;
    const t = Atomics.exchange(c, base, CLOSED);
    const claimed = t === CLOSED || (t & ~0x7ff) !== (job.g & 0xfffff) << 11 ? 0 : t & 0x7ff;
    this.awaitBlocks(base, claimed);
    this.slots[slot] = undefined;
  }

  /** The index of a job's first control word (tests play the worker with it). @internal */
  gatherWords(job: GatherJob): { readonly control: Int32Array; readonly base: number } {
    return { control: this.control, base: GBASE + (job.g % GSLOTS) * GSTRIDE };
  }

  /** Tell the gathering worker to drop its reference to `src` (no job of `src` is left to it after this). */
  forgetSet(src: Float32Array): void {
    const id = this.sets.get(src);
    if (id === undefined) return;
    this.sets.delete(src);
    this.mail({ set: id });
  }
}
