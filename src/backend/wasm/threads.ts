/**
 * A second core for large matrix products: one `worker_threads` worker that instantiates the
 * same module over the same shared memory and runs a share of a gemm while the main thread runs
 * the rest. Requests and completions go through a small `SharedArrayBuffer` control block with
 * `Atomics.wait`/`notify`, so the call stays synchronous. Where shared memory or workers are
 * unavailable (browsers without cross-origin isolation), everything runs on one thread.
 *
 * @module
 */
import type { Worker } from "node:worker_threads";
import { nodeModule, type WasmMemory, type WasmModule } from "./webassembly.js";

// control block words
const SEQ = 0;
const DONE = 1;
const READY = 2;
const ARGS = 3;
const NARGS = 13;

/** The worker: CommonJS, evaluated from this string so that it needs no file and no loader. */
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(control);
Atomics.store(c, ${READY}, 1);
let seen = 0;
for (;;) {
  for (let spin = 0; spin < 20000 && Atomics.load(c, ${SEQ}) === seen; spin++);
  Atomics.wait(c, ${SEQ}, seen);
  seen = Atomics.load(c, ${SEQ});
  if (seen < 0) break;
  const a = [];
  for (let i = 0; i < ${NARGS}; i++) a.push(c[${ARGS} + i] >>> 0);
  gemm(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]);
  Atomics.store(c, ${DONE}, seen);
  Atomics.notify(c, ${DONE});
}
`;

/** A helper thread for gemm, or nothing. */
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

  /** Hand the worker a gemm (the 13 arguments of the `gemm` export). */
  post(args: readonly number[]): void {
    for (let i = 0; i < NARGS; i++) this.control[ARGS + i] = args[i] as number;
    this.seq++;
    Atomics.store(this.control, SEQ, this.seq);
    Atomics.notify(this.control, SEQ);
  }

  /** Block until the posted gemm is done. */
  join(): void {
    for (let spin = 0; spin < 100000; spin++) if (Atomics.load(this.control, DONE) === this.seq) return;
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done === this.seq) return;
      Atomics.wait(this.control, DONE, done, 1000);
    }
  }

  /** Stop the worker. */
  stop(): void {
    Atomics.store(this.control, SEQ, -1);
    Atomics.notify(this.control, SEQ);
    void this.worker.terminate();
  }
}
