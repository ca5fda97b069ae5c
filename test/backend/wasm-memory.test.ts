/**
 * The WASM backend's memory without `dispose`: with a ring of 1 MiB (so that it wraps hundreds
 * of times), a long synchronous loop computes the same values as the reference backend, tensors
 * kept from early iterations still read back correctly after eviction and can be used again,
 * tensors larger than an eighth of the ring work (host-resident, copied in per kernel), and the
 * WASM memory does not grow after the first laps.
 */
import { describe, expect, it } from "vitest";
import type { Backend, DType, Storage } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";

configureWasm({ ringBytes: 1 << 20 });

/** One step of a small model: W ← W − 0.01·(Xᵀ·tanh(X·W) + W), on backend `be`. */
const step = (be: Backend, dtype: DType, X: Storage, W: Storage, n: number, d: number): Storage => {
  const Z = be.unary("tanh", be.matmul(X, [n, d], W, [d, d], false, false, [n, d]));
  const G = be.binary("add", be.matmul(X, [n, d], Z, [n, d], true, false, [d, d]), [d, d], W, [d, d], [d, d]);
  return be.binary("sub", W, [d, d], be.binary("mul", G, [d, d], be.fill(dtype, 1, 0.01), [], [d, d]), [d, d], [d, d]);
};

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number): boolean => {
  if (got.length !== want.length) return false;
  for (let i = 0; i < got.length; i++) if (!(Math.abs((got[i] as number) - (want[i] as number)) <= tol * Math.max(1, Math.abs(want[i] as number)))) return false;
  return true;
};

describe("wasm backend memory (1 MiB ring)", () => {
  it.each(["float32", "float64"] as const)("a long synchronous loop matches the reference, keeps old tensors readable, and stays flat (%s)", (dtype) => {
    const n = 32;
    const d = 24;
    const x = Array.from({ length: n * d }, (_, i) => Math.sin(i) / 4);
    const w0 = Array.from({ length: d * d }, (_, i) => Math.cos(i) / 8);
    const Xr = reference.fromArray(dtype, x);
    const Xw = wasm.fromArray(dtype, x);
    let Wr = reference.fromArray(dtype, w0);
    let Ww = wasm.fromArray(dtype, w0);
    const kept: [Storage, Storage][] = [];
    let memoryAfterWarmup = 0;
    const before = wasmStats();
    for (let t = 0; t < 600; t++) {
      Wr = step(reference, dtype, Xr, Wr, n, d);
      Ww = step(wasm, dtype, Xw, Ww, n, d);
      if (t % 100 === 0) kept.push([Wr, Ww]);
      if (t === 100) memoryAfterWarmup = wasmStats().memoryBytes;
    }
    const tol = dtype === "float32" ? 1e-4 : 1e-12;
    expect(close(wasm.read(Ww), reference.read(Wr), tol)).toBe(true);
    // old tensors were evicted (copied to the host) and still read back and compute correctly
    for (const [r, w] of kept) {
      expect(close(wasm.read(w), reference.read(r), tol)).toBe(true);
      const again = wasm.read(step(wasm, dtype, Xw, w, n, d));
      expect(close(again, reference.read(step(reference, dtype, Xr, r, n, d)), tol)).toBe(true);
    }
    const after = wasmStats();
    expect(after.evictions - before.evictions).toBeGreaterThan(1000);
    expect(after.copiedIn - before.copiedIn).toBeGreaterThan(0);
    expect(after.memoryBytes).toBe(memoryAfterWarmup);
  });

  it("tensors larger than an eighth of the ring live on the host and still compute correctly", () => {
    const m = 300; // 300×300 float32 = 360 KB > 1 MiB / 8
    const a = Array.from({ length: m * m }, (_, i) => Math.sin(i));
    const b = Array.from({ length: m * m }, (_, i) => Math.cos(i));
    const [ar, aw] = [reference.fromArray("float32", a), wasm.fromArray("float32", a)];
    const [br, bw] = [reference.fromArray("float32", b), wasm.fromArray("float32", b)];
    const side = wasmStats().sideOutputs;
    const cw = wasm.matmul(aw, [m, m], bw, [m, m], false, true, [m, m]);
    const cr = reference.matmul(ar, [m, m], br, [m, m], false, true, [m, m]);
    expect(close(wasm.read(cw), reference.read(cr), 1e-4)).toBe(true);
    const sw = wasm.binary("add", cw, [m, m], aw, [m, m], [m, m]);
    expect(close(wasm.read(sw), reference.read(reference.binary("add", cr, [m, m], ar, [m, m], [m, m])), 1e-4)).toBe(true);
    expect(wasmStats().sideOutputs - side).toBe(2);
  });
});
