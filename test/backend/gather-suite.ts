/**
 * The byte-level checks of the pool's gathering worker, shared by `wasm-gather.test.ts` (Node's
 * workers, their mail taken by `receiveMessageOnPort` inside their loop) and
 * `wasm-gather-events.test.ts` (workers that take their mail from their event loop, as browsers'
 * Web Workers do): a batch holds exactly the bytes the main thread's copy gives, whoever copied
 * which block — the worker all of them, none, or half (forced through the pool's `gatherLimit`),
 * shuffled or not, transposed or not, two batches and more pending at once, one given back before
 * it is used (its job cancelled: nothing is written into its block after that). `fit` gives the
 * same bytes from shared and from plain arrays on 1 and 2 threads, and the worker holds no
 * training set once `fit` or `evaluate` has returned. The caller picks the host and sets
 * `configureWasm({ threads: 2 })` before any WASM work.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Storage } from "../../src/backend/backend.js";
import { wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { readBuildSync } from "../../src/backend/wasm/platform.js";
import { GATHER_BLOCK, type GatherJob, MAX_CHUNKS, Pool } from "../../src/backend/wasm/pool.js";
import { load } from "../../src/backend/wasm/runtime.js";
import { type WasmApi, wasmApi } from "../../src/backend/wasm/webassembly.js";
import { evaluate, examples, fromFlat, gd, mlp, oneHot, rng, softmaxCrossEntropy, type Tensor, toFlat, fit as train, withBackend } from "../../src/index.js";
import { onThreads } from "./threads.js";

/** The shared arrays a test made: the worker is told to drop them after it. */
export const made: Float32Array[] = [];
export const shared = (n: number, seed: number): Float32Array => {
  const g = rng(seed);
  const out = new Float32Array(new SharedArrayBuffer(4 * n));
  made.push(out);
  for (let i = 0; i < n; i++) out[i] = g.normal();
  return out;
};

/** The gather by hand. */
export const byHand = (src: Float32Array, width: number, rows: readonly number[], transposed: boolean): number[] => {
  const out = new Array<number>(rows.length * width);
  rows.forEach((r, k) => {
    for (let j = 0; j < width; j++) out[transposed ? j * rows.length + k : k * width + j] = src[r * width + j] as number;
  });
  return out;
};

export const gather = (src: Float32Array, width: number, rows: readonly number[], transposed: boolean): Storage =>
  (wasm.gatherRows as NonNullable<typeof wasm.gatherRows>).call(wasm, "float32", src, width, rows, transposed);

export const pool = (): Pool => load().pool as Pool;
export const jobOf = (s: Storage): GatherJob | undefined => (s as unknown as { pending?: { job?: GatherJob } }).pending?.job;

/** Wait (the event loop turning) until `done()`, at most 10 s. */
export const until = async (done: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!done()) expect.fail(`timed out waiting for ${what}`);
};

export const shuffled = (n: number, m: number, seed: number): number[] => {
  const g = rng(seed);
  return Array.from({ length: n }, () => g.int(m));
};

/**
 * The byte-level checks of the pool's gathering worker, run by `wasm-gather.test.ts` on Node's
 * workers (their mail taken by `receiveMessageOnPort` inside their loop) and by
 * `wasm-gather-events.test.ts` on workers that take their mail from their event loop, as browsers'
 * Web Workers do. The caller sets the host and `configureWasm({ threads: 2 })` first.
 */
export const gatherSuite = (host: string): void => {
  describe(`the pool's worker gathers batches from shared memory (${host})`, () => {
    beforeAll(async () => {
      wasmStats();
      await until(() => wasmStats().threads === 2 && pool().gathers, "the worker");
    });
    afterEach(() => {
      for (const a of made.splice(0)) wasm.forgetRows?.(a);
    });

    for (const share of ["all", "none", "half"] as const)
      it(`gives the main thread's bytes when the worker copies ${share} of the blocks, transposed or not, shuffled or in order`, async () => {
        for (const width of [1, 3, 784]) {
          const m = 300;
          const src = shared(m * width, width);
          for (const transposed of [false, true])
            for (const rows of [shuffled(128, m, width), Array.from({ length: 77 }, (_, k) => 100 + k)]) {
              const blocks = Math.ceil(rows.length / GATHER_BLOCK);
              const limit = share === "all" ? MAX_CHUNKS : share === "none" ? 0 : Math.floor(blocks / 2);
              pool().gatherLimit = limit;
              try {
                const before = wasmStats();
                const s = gather(src, width, rows, transposed);
                const job = jobOf(s);
                expect(job, "a job for the worker").toBeDefined();
                if (share !== "none") await until(() => pool().gatherDone(job as GatherJob) >= Math.min(limit, blocks), "the worker's blocks");
                const got = Array.from(wasm.read(s));
                expect(got).toEqual(byHand(src, width, rows, transposed));
                const after = wasmStats();
                const byWorker = after.gatheredByWorker - before.gatheredByWorker;
                expect(after.gathered - before.gathered).toBe(rows.length * width);
                if (share === "all") expect(byWorker).toBe(rows.length * width);
                if (share === "none") expect(byWorker).toBe(0);
                if (share === "half") expect(byWorker).toBe(limit * GATHER_BLOCK * width);
              } finally {
                pool().gatherLimit = MAX_CHUNKS;
              }
            }
        }
      });

    it("keeps several batches pending at once (more than its job slots), each right, used in any order", () => {
      const width = 50;
      const src = shared(1000 * width, 7);
      const rows = Array.from({ length: 7 }, (_, i) => shuffled(60 + i * 13, 1000, i));
      for (const limit of [0, MAX_CHUNKS]) {
        pool().gatherLimit = limit;
        try {
          const batches = rows.map((r, i) => gather(src, width, r, i % 2 === 1));
          for (const i of [3, 0, 6, 1, 5, 2, 4]) expect(Array.from(wasm.read(batches[i] as Storage))).toEqual(byHand(src, width, rows[i] as number[], i % 2 === 1));
        } finally {
          pool().gatherLimit = MAX_CHUNKS;
        }
      }
      // more rows than the index buffer held: a new buffer, every job finished first
      const big = shuffled(4000, 1000, 9);
      const a = gather(src, 3, shuffled(100, 1000, 1), false);
      const b = gather(src, width, big, false);
      expect(Array.from(wasm.read(b))).toEqual(byHand(src, width, big, false));
      expect(Array.from(wasm.read(a))).toEqual(byHand(src, 3, shuffled(100, 1000, 1), false));
    });

    it("cancels a batch given back before it is used: its block, reused, is never written by the worker", async () => {
      const width = 784;
      const src = shared(512 * width, 3);
      const rows = shuffled(128, 512, 4);
      const blocks = rows.length / GATHER_BLOCK;
      const ptr = (x: Storage) => (x as unknown as { ptr: number }).ptr;
      const before = wasmStats();
      try {
        // given back with half the blocks written by the worker, then (the worker racing) at once
        pool().gatherLimit = blocks / 2;
        const s = gather(src, width, rows, false);
        await until(() => pool().gatherDone(jobOf(s) as GatherJob) >= blocks / 2, "half the blocks");
        pool().gatherLimit = MAX_CHUNKS;
        let reused = 0;
        for (let i = 0; i < 40; i++) {
          const b = i === 0 ? s : gather(src, width, rows, i % 2 === 1);
          const at = ptr(b);
          for (let spin = 0; spin < i * 50; spin++) Math.sqrt(spin);
          wasm.release?.(b);
          // the same size again takes the released block: filled by the kernel, never overwritten
          const f = wasm.fill("float32", rows.length * width, i + 0.5);
          if (ptr(f) === at) reused++;
          await new Promise((r) => setTimeout(r, 1));
          expect(wasm.read(f).every((v) => v === i + 0.5)).toBe(true);
          wasm.release?.(f);
        }
        expect(reused).toBeGreaterThan(20);
        // a given-back batch is not counted as gathered
        expect(wasmStats().gathered - before.gathered).toBe(0);
      } finally {
        pool().gatherLimit = MAX_CHUNKS;
      }
    });

    it("does not wait for a block the worker is still copying: the main thread copies it too, and the storage's block is reused only once the worker is done", () => {
      const width = 100;
      const src = shared(400 * width, 11);
      const rows = shuffled(60, 400, 12);
      const want = byHand(src, width, rows, false);
      pool().gatherLimit = 0;
      try {
        const before = wasmStats();
        const s = gather(src, width, rows, false);
        const job = jobOf(s) as GatherJob;
        // play a worker descheduled in the middle of block 0: claimed, not done
        const { control, base } = pool().gatherWords(job);
        const t = Atomics.load(control, base);
        expect(Atomics.compareExchange(control, base, t, t + 1)).toBe(t);
        // the read does not wait for it (it would hang here), and has every byte
        expect(Array.from(wasm.read(s))).toEqual(want);
        expect(job.draining).toBe(true);
        expect(pool().gatherDrained(job)).toBe(false);
        const sum = wasm.read(wasm.reduce("sum", s, [rows.length * width], 0))[0] as number;
        expect(sum).toBeCloseTo(
          want.reduce((a, b) => a + b, 0),
          1,
        );
        expect(wasmStats().gatheredByWorker - before.gatheredByWorker).toBe(0);
        // the worker writes its block: now the storage can be given back
        Atomics.add(control, base + 1, 1);
        expect(pool().gatherDrained(job)).toBe(true);
        wasm.release?.(s);
        expect(Array.from(wasm.read(gather(src, width, rows, true)))).toEqual(byHand(src, width, rows, true));
      } finally {
        pool().gatherLimit = MAX_CHUNKS;
      }
    });

    it("takes plain arrays, float64 batches, one thread and a worker it cannot mail on the main thread's path", () => {
      const width = 20;
      const src = shared(100 * width, 5);
      const plain = Float32Array.from(src);
      const rows = shuffled(40, 100, 6);
      expect(jobOf(gather(plain, width, rows, false))).toBeUndefined();
      expect(jobOf((wasm.gatherRows as NonNullable<typeof wasm.gatherRows>).call(wasm, "float64", src, width, rows, false))).toBeUndefined();
      onThreads(1, () => expect(jobOf(gather(src, width, rows, false))).toBeUndefined());
      // a worker that cannot be sent messages: the main thread copies
      const workers = (pool() as unknown as { workers: { terminate(): void; mail?: unknown }[] }).workers;
      const w = workers[0] as { terminate(): void; mail?: unknown };
      workers[0] = { terminate: w.terminate };
      try {
        expect(pool().gathers).toBe(false);
        const s = gather(src, width, rows, true);
        expect(jobOf(s)).toBeUndefined();
        expect(Array.from(wasm.read(s))).toEqual(byHand(src, width, rows, true));
      } finally {
        workers[0] = w;
      }
    });

    it("fit gives the same bytes from shared and plain arrays on 1 and 2 threads, and the worker lets go of the set when fit and evaluate end", async () => {
      const m = 600;
      const g = rng(8);
      const xs = Array.from({ length: m }, () => Array.from({ length: 20 }, () => g.normal()));
      const ys = Array.from({ length: m }, (_, i) => [i % 3]);
      const sharedSet = oneHot(examples<20, 1>(xs, ys), 3);
      expect(sharedSet.x.buffer).toBeInstanceOf(SharedArrayBuffer);
      const plainSet = fromFlat(20, 3, Float32Array.from(sharedSet.x), Float32Array.from(sharedSet.y));
      const before = wasmStats();
      for (const layout of ["rows", "columns"] as const) {
        const run = (threads: number, data: typeof plainSet) =>
          onThreads(threads, () =>
            withBackend(wasm, () => {
              const net = mlp([20, 64, 3], { hidden: "relu", layout });
              const r = train({ model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: gd(0.1), train: data, layout, batchSize: 64, epochs: 2, seed: 4 });
              const e = evaluate(net, r.params, data, softmaxCrossEntropy, { layout, chunk: 128 });
              return [...Object.values(r.params as Record<string, Tensor>).map((t) => Array.from(toFlat(t)).join()), JSON.stringify(r.history), JSON.stringify(e)];
            }),
          );
        const want = run(1, plainSet);
        expect(run(2, plainSet)).toEqual(want);
        expect(run(2, sharedSet)).toEqual(want);
        expect(run(1, sharedSet)).toEqual(want);
      }
      expect(wasmStats().gathered).toBeGreaterThan(before.gathered);
      await until(() => wasmStats().workerSets === 0, "the worker to drop the training set");
    });

    it("takes a set mailed before it started (a pool whose other worker came up first): counted from its first message", async () => {
      // a pool of its own over a memory of its own, so that the set is mailed before its worker runs
      const api = wasmApi as WasmApi;
      const module = new api.Module(readBuildSync("typegrad-shared.wasm") as Uint8Array);
      const memory = new api.Memory({ initial: 64, maximum: 1024, shared: true });
      const own = new Pool(module, memory, 2, () => 0);
      try {
        own.ensure(2);
        const mail = (m: unknown) => (own as unknown as { mail(m: unknown): void }).mail(m);
        expect(own.ready).toBe(0);
        mail({ set: 7, data: shared(8, 3) });
        await until(() => own.ready === 1, "the pool's worker");
        await until(() => own.workerSets === 1, "the worker to hold the set mailed before it started");
        mail({ set: 7 });
        await until(() => own.workerSets === 0, "the worker to drop it");
      } finally {
        own.stop();
      }
    });

    it("drops sets it is no longer given beyond four, and after forgetRows", async () => {
      const sets = Array.from({ length: 6 }, (_, i) => shared(64 * 4, i));
      for (const s of sets) wasm.read(gather(s, 4, [1, 2, 3], false));
      await until(() => wasmStats().workerSets === 4, "four sets held");
      for (const s of sets) wasm.forgetRows?.(s);
      await until(() => wasmStats().workerSets === 0, "no set held");
    });
  });
};
