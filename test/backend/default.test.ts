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
  const { TYPEGRAD_BACKEND: _, ...rest } = process.env;
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
