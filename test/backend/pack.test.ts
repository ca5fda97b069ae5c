/**
 * The backends' optional `pack` (one storage of several storages' elements or sums, what `fit`
 * reads after every batch): on every CPU backend and dtype, each copied part equals its storage
 * and each sum equals that backend's `reduce("sum")` over the storage as one row, bit for bit,
 * from empty to split-sized storages; the same bytes on 1 and 2 WASM threads; the WASM sums agree
 * with the reference's (the oracle) to rounding; bad arguments are errors naming the backend, the
 * method and the argument. The WebGPU backend has no `pack`: `fit` there runs the ops (reshape,
 * sum, cast, concat) it replaces, as its agreement tests check.
 */
import { describe, expect, test } from "vitest";
import type { Backend, DType, Storage } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm } from "../../src/backend/wasm/index.js";
import { rng } from "../../src/tensor/random.js";

const bytes = (a: Float32Array | Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

/** Values over many binades, with a NaN or an infinity where asked. */
const values = (n: number, seed: number, bad?: number): number[] => {
  const g = rng(seed);
  return Array.from({ length: n }, (_, i) => (i === 7 && bad !== undefined ? bad : (g.uniform() - 0.5) * 2 ** Math.floor(g.uniform() * 30 - 15)));
};

/** Part sizes: empty, tiny, odd, and one past `reduce`'s split (2 × 65,536 elements). */
const SIZES = [0, 1, 3, 17, 1280, 140_001];
const BACKENDS: [string, Backend][] = [
  ["reference", reference],
  ["wasm", wasm],
];

const parts = (be: Backend, dtype: DType, bad?: number): { xs: Storage[]; summed: boolean[] } => {
  const xs = SIZES.flatMap((n, i) => [be.fromArray(dtype, values(n, i + 1)), be.fromArray(dtype, values(n, i + 50, n > 7 ? bad : undefined))]);
  return { xs, summed: xs.map((_, i) => i % 2 === 1) };
};

describe("Backend.pack", () => {
  for (const [name, be] of BACKENDS)
    for (const dtype of ["float32", "float64"] as DType[])
      test(`${name} ${dtype}: the parts copied, the sums those of reduce("sum"), bit for bit`, () => {
        for (const bad of [undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
          const { xs, summed } = parts(be, dtype, bad);
          const pack = be.pack as NonNullable<Backend["pack"]>;
          const got = be.read(pack.call(be, xs, summed));
          expect(got.length).toBe(xs.reduce((n, x, i) => n + (summed[i] ? 1 : x.length), 0));
          const want = dtype === "float64" ? new Float64Array(got.length) : new Float32Array(got.length);
          let at = 0;
          xs.forEach((x, i) => {
            const part = be.read(summed[i] ? be.reduce("sum", x, [x.length], 0) : x);
            want.set(part, at);
            at += part.length;
          });
          expect(bytes(got)).toBe(bytes(want));
          if (bad !== undefined) expect(got.filter((v) => !Number.isFinite(v)).length).toBeGreaterThan(0);
        }
      });

  test("wasm: the same bytes on 1 and 2 threads; sums within rounding of the reference's", () => {
    const run = (threads: number) => {
      const prev = configureWasm({ threads });
      try {
        const { xs, summed } = parts(wasm, "float32");
        return wasm.read((wasm.pack as NonNullable<Backend["pack"]>)(xs, summed));
      } finally {
        configureWasm(prev);
      }
    };
    const one = run(1);
    expect(bytes(run(2))).toBe(bytes(one));
    const { xs, summed } = parts(reference, "float32");
    const oracle = reference.read((reference.pack as NonNullable<Backend["pack"]>)(xs, summed));
    expect(one.length).toBe(oracle.length);
    let worst = 0;
    for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs((one[i] as number) - (oracle[i] as number)) / Math.max(1, Math.abs(oracle[i] as number)));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  for (const [name, be] of BACKENDS)
    test(`${name}: bad arguments name the backend, the method and the argument`, () => {
      const pack = (be.pack as NonNullable<Backend["pack"]>).bind(be);
      const a = be.fromArray("float32", [1, 2]);
      const b = be.fromArray("float64", [1, 2]);
      expect(() => pack([], [])).toThrow(`${name} backend pack: argument 'xs' must hold at least one storage`);
      expect(() => pack([a, a], [true])).toThrow(`${name} backend pack: argument 'summed' must hold one flag per storage (2), got 1`);
      expect(() => pack([a, b], [false, true])).toThrow(`${name} backend pack: argument 'xs[1]' is float64, 'xs[0]' float32; every storage must have one dtype`);
    });

  test("wasm: a storage of another backend is refused by name", () => {
    expect(() => (wasm.pack as NonNullable<Backend["pack"]>)([reference.fromArray("float32", [1])], [true])).toThrow(
      "wasm backend pack: argument 'xs[0]' must be a storage of the wasm backend, got one of 'reference'",
    );
  });
});
