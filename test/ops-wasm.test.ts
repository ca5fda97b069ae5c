/**
 * The registry-driven op laws of `ops.test.ts` again, with the WASM SIMD backend holding every
 * tensor: forward against the references, the float64 gradient laws, shapes. The per-kernel
 * agreement test (`test/backend`) checks kernels one by one; this checks every op and its
 * pullback end to end on the fast backend. Fewer cases than on the reference backend.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { opProperties } from "../laws/checkOp.js";
import { lawRuns, runProperties } from "../laws/outcome.js";
import type { Backend } from "../src/backend/backend.js";
import { getBackend, setBackend } from "../src/backend/current.js";
import { wasm } from "../src/backend/wasm/index.js";
import { registeredOps } from "../src/ops/registry.js";

const numRuns = Math.max(5, Math.floor(lawRuns(20) / 2));
let previous: Backend;

beforeAll(() => {
  previous = setBackend(wasm);
});
afterAll(() => {
  setBackend(previous);
});

describe.each(registeredOps.map((def) => [def.name, def] as const))("%s on wasm", (name, def) => {
  it.each(opProperties(def).map((p) => [p.law, p] as const))("%s", (_law, p) => {
    expect(getBackend()).toBe(wasm);
    const created = vi.spyOn(wasm, "fromArray");
    try {
      const [outcome] = runProperties(name, [p], { numRuns });
      expect(outcome?.ok, outcome?.message).toBe(true);
      expect(created.mock.calls.length, "the law's tensors were created on the wasm backend").toBeGreaterThan(0);
    } finally {
      created.mockRestore();
    }
  });
});
