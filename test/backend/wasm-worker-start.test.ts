/**
 * The pool's workers start from a CommonJS text. A program run as `node --input-type=module -e …`
 * passes that flag on to its workers, which made the text a module without `require`: the worker
 * failed, and its unhandled error ended the process. `ready()` now waits for the workers, so a
 * process that exits right after it sees every thread up.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** `ready()` with two threads in a fresh `node <flags> --input-type=module -e …` process: its exit status, stderr and thread count. */
const readyUnder = (flags: readonly string[]): { status: number | null; stderr: string; threads: unknown } => {
  const code = `import { configureWasm, ready, wasmStats } from ${JSON.stringify(index)};
configureWasm({ threads: 2 });
await ready();
console.log(JSON.stringify({ threads: wasmStats().threads }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", ...flags, "--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, threads: (JSON.parse(r.stdout.trim().split("\n").at(-1) || "{}") as { threads?: unknown }).threads };
};

describe("the WASM pool's workers", () => {
  it("start under an inherited --input-type=module, and ready() returns with them up", () => {
    const r = readyUnder([]);
    expect(r.stderr).not.toMatch(/require is not defined/);
    expect(r.status).toBe(0);
    expect(r.threads).toBe(2);
  }, 90_000);

  // The worker used to get an explicit `execArgv` (the process's, less `--input-type`), which Node
  // checks: an engine or process-wide flag there made the first op of the program throw
  // ERR_WORKER_INVALID_EXEC_ARGV. Workers now inherit the options as they are.
  it("start under engine and process-wide flags (--max-old-space-size, --expose-gc, --stack-size)", () => {
    const r = readyUnder(["--max-old-space-size=512", "--expose-gc", "--stack-size=2000"]);
    expect(r.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV/);
    expect(r.status).toBe(0);
    expect(r.threads).toBe(2);
  }, 90_000);
});
