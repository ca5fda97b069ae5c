/**
 * A second core for large matrix products and large elementwise kernels: one `worker_threads`
 * worker that instantiates the same module over the same shared memory and runs a share of a
 * kernel (a gemm, a unary or a binary kernel) while the main thread runs the rest. Requests
 * and completions go through a small `SharedArrayBuffer` control block with
 * `Atomics.wait`/`notify`, so the call stays synchronous. The main thread runs the worker's
 * share itself when the worker has not picked it up by the time its own share is done. Where shared memory or workers are
 * unavailable (browsers without cross-origin isolation), everything runs on one thread.
 *
 * @module
 */
import type { Worker } from "node:worker_threads";
import { type Kernels, nodeModule, type WasmMemory, type WasmModule } from "./webassembly.js";

// control block words
const SEQ = 0;
const DONE = 1;
const READY = 2;
const KIND = 3;
/** The number of the last request taken, by the worker or by the main thread (see `join`). */
const CLAIM = 4;
const ARGS = 5;
const NARGS = 13;

/** Request kinds: which export the worker calls (`gemm`, `unary`, `binary`). */
export const GEMM = 0;
export const UNARY = 1;
export const BINARY = 2;
/** How long the idle worker polls for the next request before it sleeps. */
const SPIN_MS = 0.5;

/** The worker: CommonJS, evaluated from this string so that it needs no file and no loader. */
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const { gemm, unary, binary } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
Atomics.store(c, ${READY}, 1);
let seen = 0;
for (;;) {
  // spin for up to SPIN_MS before sleeping: a training step posts several gemms a millisecond
  // or so apart, and waking from Atomics.wait costs tens of microseconds
  const until = performance.now() + ${SPIN_MS};
  for (let spin = 1; Atomics.load(c, ${SEQ}) === seen; spin++) if ((spin & 1023) === 0 && performance.now() > until) break;
  Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  if (seen < 0) break;
  // take request \`seen\` unless the main thread, done with its own share first, took it
  if (Atomics.compareExchange(c, ${CLAIM}, seen - 1, seen) !== seen - 1) continue;
  const a = [];
  for (let i = 0; i < ${NARGS}; i++) a.push(c[${ARGS} + i] >>> 0);
  const kind = c[${KIND}];
  if (kind === ${GEMM}) gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
  else if (kind === ${UNARY}) unary(a[0], a[1], a[2], a[3], a[4]);
  else binary(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

/** A helper thread, or nothing. */
export class Helper {
  private readonly control: Int32Array;
  private seq = 0;

  private constructor(
    private readonly worker: Worker,
    control: SharedArrayBuffer,
  ) {
    this.control = new Int32Array(control);
  }

  /** Start the worker (it becomes ready asynchronously); undefined outside Node. */
  static start(module: WasmModule, memory: WasmMemory): Helper | undefined {
    const wt = nodeModule<typeof import("node:worker_threads")>("node:worker_threads");
    if (wt === undefined) return undefined;
    const control = new SharedArrayBuffer(4 * (ARGS + NARGS));
    const worker = new wt.Worker(workerSource, { eval: true, workerData: { module, memory, control } });
    worker.unref();
    return new Helper(worker, control);
  }

  /** True once the worker has instantiated the module. */
  get ready(): boolean {
    return Atomics.load(this.control, READY) === 1;
  }

  /** Hand the worker a kernel: `kind` (GEMM, UNARY, BINARY) and the arguments of that export. */
  post(kind: number, args: readonly number[]): void {
    this.kind = kind;
    this.args = args;
    this.control[KIND] = kind;
    for (let i = 0; i < args.length; i++) this.control[ARGS + i] = args[i] as number;
    this.seq++;
    Atomics.store(this.control, SEQ, this.seq);
    Atomics.notify(this.control, SEQ);
  }

  private kind = GEMM;
  private args: readonly number[] = [];

  /**
   * Finish the posted kernel: if the worker has not taken it yet (asleep, or its core is busy
   * with other work), run it here with `k`; otherwise block until the worker is done. So a
   * split kernel never waits for a worker to wake up, and the result does not depend on who
   * ran which share.
   */
  join(k: Kernels): void {
    const c = this.control;
    if (Atomics.compareExchange(c, CLAIM, this.seq - 1, this.seq) === this.seq - 1) {
      const a = this.args as number[];
      if (this.kind === GEMM)
        k.gemm(
          a[0] as number,
          a[1] as number,
          a[2] as number,
          a[3] as number,
          a[4] as number,
          a[5] as number,
          a[6] as number,
          a[7] as number,
          a[8] as number,
          a[9] as number,
          a[10] as number,
          a[11] as number,
          a[12] as number,
        );
      else if (this.kind === UNARY) k.unary(a[0] as number, a[1] as number, a[2] as number, a[3] as number, a[4] as number);
      else k.binary(a[0] as number, a[1] as number, a[2] as number, a[3] as number, a[4] as number, a[5] as number, a[6] as number, a[7] as number);
      return;
    }
    for (let spin = 0; spin < 100000; spin++) if (Atomics.load(c, DONE) === this.seq) return;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === this.seq) return;
      Atomics.wait(c, DONE, done, 1000);
    }
  }

  /** Stop the worker. */
  stop(): void {
    Atomics.store(this.control, SEQ, -1);
    Atomics.notify(this.control, SEQ);
    void this.worker.terminate();
  }
}
