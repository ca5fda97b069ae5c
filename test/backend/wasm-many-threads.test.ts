/**
 * A 16-core host's pool on any host: this file asks for 16 threads before the first load, so the
 * pool starts 15 workers whatever the host's cores, and runs the same-bytes suite
 * (`threads-suite.ts`) on 1, 8 and 16 threads. On a 2-core host the threads share the cores, so
 * this checks what a many-core machine relies on (every worker comes up, a job's chunks go to
 * many workers, the bytes stay those of one thread), not its speed (`bench/cores.ts` measures it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { onThreads, untilThreads } from "./threads.js";
import { sameBytesSuite } from "./threads-suite.js";

configureWasm({ threads: 16 });

describe("wasm thread pool, 16 threads", () => {
  beforeAll(async () => {
    await untilThreads(16);
  });

  it("has sixteen threads when asked for sixteen", () => {
    expect(wasmStats().threads).toBe(16);
    expect(onThreads(8, () => wasmStats().threads)).toBe(8);
  });

  it("splits a 1024-row product into 16 chunks on 16 threads, and workers run some of them", () => {
    const a = wasm.fromArray(
      "float32",
      Array.from({ length: 1024 * 256 }, (_, i) => Math.sin(i)),
    );
    const b = wasm.fromArray(
      "float32",
      Array.from({ length: 256 * 256 }, (_, i) => Math.cos(i)),
    );
    const s0 = wasmStats();
    for (let r = 0; r < 20; r++) wasm.release?.(wasm.matmul(a, [1024, 256], b, [256, 256], false, false, [1024, 256]));
    const s1 = wasmStats();
    expect(s1.splitChunks - s0.splitChunks).toBe(20 * 16);
    // spinning or woken workers claim chunks; the main thread takes what they leave
    expect(s1.splitChunksOnMain - s0.splitChunksOnMain).toBeLessThan(20 * 16);
  });

  sameBytesSuite([1, 8, 16]);
});
