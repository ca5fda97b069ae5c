/**
 * The plain-SIMD build (no relaxed SIMD: a multiply and an add where the relaxed build fuses
 * them), which browsers without relaxed SIMD load: its matrix product agrees with the reference
 * within the same error bound as the relaxed build's (test/backend/wasm.test.ts), on the
 * benchmark's shapes and on random ones across the cache blocks, in both dtypes and with both
 * threads; its float32 exp/log/tanh/sigmoid meet the documented ulp bounds over the same sweeps. This file runs in its own worker, so the option applies before the first load.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { DType } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { approximationSweeps } from "./approx-sweeps.js";
import { untilThreads } from "./threads.js";

configureWasm({ relaxedSimd: false, threads: 2 });

const EPS: Record<DType, number> = { float32: 2 ** -23, float64: 2 ** -52 };
const TINY: Record<DType, number> = { float32: 2 ** -149, float64: 2 ** -1074 };

const check = (dtype: DType, M: number, K: number, N: number, transA: boolean, transB: boolean, seed: number): void => {
  const a = Array.from({ length: M * K }, (_, i) => Math.sin(seed + i));
  const b = Array.from({ length: K * N }, (_, i) => Math.cos(seed + 3 * i));
  const aShape = transA ? [K, M] : [M, K];
  const bShape = transB ? [N, K] : [K, N];
  const want = reference.read(reference.matmul(reference.fromArray(dtype, a), aShape, reference.fromArray(dtype, b), bShape, transA, transB, [M, N]));
  const scale = reference.read(reference.matmul(reference.fromArray(dtype, a.map(Math.abs)), aShape, reference.fromArray(dtype, b.map(Math.abs)), bShape, transA, transB, [M, N]));
  const got = wasm.read(wasm.matmul(wasm.fromArray(dtype, a), aShape, wasm.fromArray(dtype, b), bShape, transA, transB, [M, N]));
  for (let i = 0; i < want.length; i++) {
    const bound = 2 * (K + 1) * (EPS[dtype] * (scale[i] as number) + TINY[dtype]);
    if (!(Math.abs((got[i] as number) - (want[i] as number)) <= bound)) expect.fail(`${dtype} ${M}x${K}x${N} ${transA}/${transB}: element ${i} is ${got[i]}, expected ${want[i]}`);
  }
};

describe("wasm backend, plain-SIMD build", () => {
  beforeAll(async () => {
    await untilThreads(2);
  });
  it("is the build that was loaded, with its helper thread", () => {
    expect(wasmStats().relaxedSimd).toBe(false);
    expect(wasmStats().threads).toBe(2);
  });
  it("matmul agrees with the reference on the benchmark's shapes, on one and two threads", () => {
    for (const threads of [1, 2] as const) {
      const prev = configureWasm({ threads });
      try {
        for (const dtype of ["float32", "float64"] as const) {
          check(dtype, 128, 784, 128, false, false, 1);
          check(dtype, 784, 128, 128, true, false, 2);
          check(dtype, 128, 128, 784, false, true, 3);
          check(dtype, 128, 64, 10, false, false, 4);
        }
      } finally {
        configureWasm(prev);
      }
    }
  });
  it("matmul agrees with the reference on random shapes across the cache blocks", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DType>("float32", "float64"),
        fc.integer({ min: 1, max: 110 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        (dtype, M, K, N, ta, tb) => check(dtype, M, K, N, ta, tb, M + K + N),
      ),
      { numRuns: 30 },
    );
  });
});

approximationSweeps();
