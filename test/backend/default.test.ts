/**
 * The default backend a user gets, in a fresh Node process without TYPEGRAD_BACKEND (the rest of
 * the suite runs with TYPEGRAD_BACKEND=reference, the oracle): the WASM backend, loaded on first
 * use with no call; `ready()` resolves to it; the variable overrides it; a bad value is an error.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

const run = (code: string, env: Record<string, string | undefined>): string => {
  const { TYPEGRAD_BACKEND: _, TYPEGRAD_RELAXED_SIMD: __, ...rest } = process.env;
  return execFileSync(tsx, ["--eval", code], { cwd: root, env: { ...rest, ...env }, encoding: "utf8" }).trim();
};

const probe = `
(async () => {
  const { getBackend, ones, ready, sum, item } = await import("./src/index.ts");
  const { storageOf } = await import("./src/tensor/tensor.ts");
  const first = getBackend().name;
  const x = ones([3, 4]);
  const b = await ready();
  console.log(JSON.stringify({ first, storage: storageOf(x).backend.name, total: item(sum(x)), ready: b.name }));
})();
`;

const relaxedProbe = `
(async () => {
  const { ones, sum, item, wasmStats } = await import("./src/index.ts");
  const { RELAXED_PROBE } = await import("./src/backend/wasm/webassembly.ts");
  item(sum(ones([2, 2])));
  console.log(JSON.stringify({ relaxed: wasmStats().relaxedSimd, engineRunsIt: WebAssembly.validate(RELAXED_PROBE) }));
})();
`;

describe("relaxed SIMD", () => {
  const nativeRelaxed = Number(process.versions.v8.split(".")[0]) >= 12;
  it("by default: the relaxed build only where the engine runs it as it is; no engine flag is set", () => {
    const r = JSON.parse(run(relaxedProbe, {}));
    expect(r).toEqual({ relaxed: nativeRelaxed, engineRunsIt: nativeRelaxed });
  });
  it("TYPEGRAD_RELAXED_SIMD=1 opts in (on Node 20 by setting V8's flag for the process)", () => {
    expect(JSON.parse(run(relaxedProbe, { TYPEGRAD_RELAXED_SIMD: "1" }))).toEqual({ relaxed: true, engineRunsIt: true });
  });
  it("TYPEGRAD_RELAXED_SIMD=0 keeps the plain build", () => {
    expect(JSON.parse(run(relaxedProbe, { TYPEGRAD_RELAXED_SIMD: "0" })).relaxed).toBe(false);
  });
});

describe("the default backend", () => {
  it("is the WASM backend in Node, with no call", () => {
    expect(JSON.parse(run(probe, {}))).toEqual({ first: "wasm", storage: "wasm", total: 12, ready: "wasm" });
  });
  it("TYPEGRAD_BACKEND=reference overrides it; ready() still loads and selects the WASM backend", () => {
    expect(JSON.parse(run(probe, { TYPEGRAD_BACKEND: "reference" }))).toEqual({ first: "reference", storage: "reference", total: 12, ready: "wasm" });
  });
  it("a bad TYPEGRAD_BACKEND is a clear error", () => {
    expect(() => run(probe, { TYPEGRAD_BACKEND: "gpu" })).toThrow(/TYPEGRAD_BACKEND must be 'wasm' or 'reference', got 'gpu'/);
  });
});
