/**
 * `npx tsx bench/cold.ts "typegrad wasm"` (the bench's time-to-peak row), one process of each part:
 * import + ready from the installed package in plain Node, then the step process, which runs this
 * checkout's bench bundled for plain Node and imports typegrad as an app does (its built `dist/`,
 * rebuilt first when older than `src/`).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cold = fileURLToPath(new URL("../../bench/cold.ts", import.meta.url));

describe("bench/cold (smoke)", () => {
  it("times the first 20 MLP steps of a fresh process of the installed package against its steady ones", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", cold, "typegrad wasm", "--runs", "1", "--step-runs", "1"], { encoding: "utf8", timeout: 240_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    expect(out.impl).toBe("typegrad wasm");
    expect(out.step_runs).toBe(1);
    const [first, steady] = [out.first20_ms as number, out.steady20_ms as number];
    expect(first).toBeGreaterThan(0);
    expect(steady).toBeGreaterThan(0);
    expect(out.ratios).toEqual([Math.round((first / steady) * 100) / 100]);
    expect(out.first5_ms).toHaveLength(5);
    expect(out.import_ready_ms).toBeGreaterThan(0);
    expect(out.import_ready_child_ms).toBeGreaterThan(0);
    // the split kernels ran on the pool's threads (a share of their chunks on the main thread)
    expect(out.first20_main_share).toBeGreaterThan(0);
    expect(out.first20_main_share).toBeLessThanOrEqual(1);
  }, 300_000);
});
