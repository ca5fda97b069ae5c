/**
 * The browsers' path of the pool's gathering worker, run in Node: the workers of this file take
 * their messages from their event loop, as Web Workers do (platform's `"events"` host), so the
 * gathering worker leaves its loop to take a training set and comes back to it. The checks of
 * `gather-suite.ts` hold as on Node's own path; a set mailed while split jobs run leaves the split
 * results bit-identical to one thread's (the main thread claims the chunks of the worker that is
 * out of its loop) and every batch right; the worker gathers again once it has taken its mail.
 * This file runs in its own vitest worker, so its pool is started with the host it sets.
 */
import { describe, expect, it } from "vitest";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { setNodeWorkerHost } from "../../src/backend/wasm/platform.js";
import { type GatherJob, MAX_CHUNKS } from "../../src/backend/wasm/pool.js";
import { byHand, gather, gatherSuite, jobOf, made, pool, shared, shuffled, until } from "./gather-suite.js";
import { onThreads } from "./threads.js";

setNodeWorkerHost("events");
configureWasm({ threads: 2 });

gatherSuite("workers that take their mail from their event loop, as browsers' Web Workers");

describe("the gathering worker on the event-loop host", () => {
  it("takes sets mailed while split jobs run: products bit-identical to one thread's, every batch right, and it gathers again after", async () => {
    await until(() => wasmStats().threads === 2 && pool().gathers, "the worker");
    const M = 96;
    const K = 200;
    const N = 160;
    const a = wasm.fromArray(
      "float32",
      Array.from({ length: M * K }, (_, i) => Math.sin(i)),
    );
    const b = wasm.fromArray(
      "float32",
      Array.from({ length: K * N }, (_, i) => Math.cos(i)),
    );
    const product = () => Array.from(wasm.read(wasm.matmul(a, [M, K], b, [K, N], false, false, [M, N])));
    const want = onThreads(1, product);
    const width = 30;
    const stats0 = wasmStats();
    try {
      for (let i = 0; i < 24; i++) {
        // a new set each time: mailed (the worker leaves its loop for it), then a gather job and split jobs at once
        const src = shared(200 * width, 100 + i);
        const rows = shuffled(64, 200, i);
        const s = gather(src, width, rows, i % 2 === 1);
        expect(product()).toEqual(want);
        expect(product()).toEqual(want);
        expect(Array.from(wasm.read(s))).toEqual(byHand(src, width, rows, i % 2 === 1));
        wasm.forgetRows?.(src);
        if (i % 4 === 3) await new Promise((r) => setTimeout(r, 1));
      }
      const stats1 = wasmStats();
      // the split jobs ran on two threads (the main thread took what the worker did not)
      expect(stats1.splitChunks - stats0.splitChunks).toBeGreaterThan(0);
      // back in its loop with every message taken: it holds no set, and copies a whole batch by itself
      await until(() => wasmStats().workerSets === 0, "the worker to drop every set");
      const src = shared(300 * width, 7);
      const rows = shuffled(128, 300, 7);
      pool().gatherLimit = MAX_CHUNKS;
      const before = wasmStats().gatheredByWorker;
      const s = gather(src, width, rows, false);
      const job = jobOf(s) as GatherJob;
      expect(job).toBeDefined();
      await until(() => pool().gatherDone(job) === job.blocks, "the worker's blocks");
      expect(Array.from(wasm.read(s))).toEqual(byHand(src, width, rows, false));
      expect(wasmStats().gatheredByWorker - before).toBe(rows.length * width);
      await until(() => wasmStats().workerSets === 1, "the worker to hold the set");
    } finally {
      for (const x of made.splice(0)) wasm.forgetRows?.(x);
    }
  });
});
