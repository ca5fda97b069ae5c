/** `npx tsx bench/cores.ts`: the thread-scaling rows a many-core machine gives, run at smoke sizes on 1, 2 and 4 threads (more threads than this host's cores share them: the bytes are checked, not the speed). */
import { describe, expect, it } from "vitest";
import { coldRun, coldThreads, coreRun, defaultThreads } from "../../bench/cores.js";

describe("bench/cores (smoke)", () => {
  it("times each workload at each thread count, and each gives one thread's bytes", async () => {
    const run = await coreRun([1, 2, 4], true, false);
    const names = [...new Set(run.rows.map((r) => r.workload))];
    expect(names).toEqual(["matmul f32 256", "MLP train step 784-64-64-10 b32", "MLP train step 784-128-64-10 b128"]);
    expect(run.rows.map((r) => r.threads)).toEqual([1, 1, 1, 2, 2, 2, 4, 4, 4]);
    for (const r of run.rows) {
      expect(r.median_ms, `${r.workload} at ${r.threads}`).toBeGreaterThan(0);
      expect(r.same, `${r.workload} at ${r.threads} threads gave other bytes than one thread`).toBe(true);
      if (r.threads === 1) expect(r.speedup).toBe(1);
    }
    // targets are judged only at full sizes on a host of at least 8 cores
    expect(run.targets).toEqual([]);
  });

  it("runs 1, 2, 4, 8, 16 up to the host's cores, and the host's count", () => {
    expect(defaultThreads(2)).toEqual([1, 2]);
    expect(defaultThreads(6)).toEqual([1, 2, 4, 6]);
    expect(defaultThreads(16)).toEqual([1, 2, 4, 8, 16]);
    expect(defaultThreads(96)).toEqual([1, 2, 4, 8, 16, 64]);
  });

  it("the cold ratio: fresh processes at each thread count, each ready as a user's app is, first 20 steps against steady ones", () => {
    const rows = coldRun([1, 2], 1, 200);
    expect(rows.map((r) => r.threads)).toEqual([1, 2]);
    for (const r of rows) {
      expect(r.ratios).toHaveLength(1);
      expect(r.ratio_median).toBe(r.ratios[0]);
      expect(r.first20_ms, `first 20 steps on ${r.threads} threads`).toBeGreaterThan(0);
      expect(r.steady20_ms, `20 steady steps on ${r.threads} threads`).toBeGreaterThan(0);
      expect(r.ratio_median).toBeCloseTo(r.first20_ms / r.steady20_ms, 10);
    }
    expect(coldThreads(2)).toEqual([1, 2]);
    expect(coldThreads(4)).toEqual([1, 2, 4]);
    expect(coldThreads(16)).toEqual([1, 2, 8, 16]);
  });
});
