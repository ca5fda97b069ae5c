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

describe("the WASM pool's workers", () => {
  it("start under an inherited --input-type=module, and ready() returns with them up", () => {
    const code = `import { configureWasm, ready, wasmStats } from ${JSON.stringify(index)};
configureWasm({ threads: 2 });
await ready();
console.log(JSON.stringify({ threads: wasmStats().threads }));`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).not.toMatch(/require is not defined/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({ threads: 2 });
  }, 90_000);
});
