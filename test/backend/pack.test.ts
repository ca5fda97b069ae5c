/**
 * The backends' optional `pack` (one storage of several storages' elements or probes, what `fit`
 * reads after every batch): on every CPU backend and dtype, each copied part equals its storage
 * and each probe is 0 when every element of its storage is finite, NaN when one is not (finite
 * elements whose sum overflows included), from empty to split-sized storages; the WASM backend's
 * answer for a storage its `sgdUpdate` made (found by the update's kernel, nothing read again)
 * equals its answer for the same elements made otherwise, and the reference's; the same bytes on
 * 1 and 2 WASM threads; bad arguments are errors naming the backend, the method and the argument.
 * The WebGPU backend has no `pack`: `fit` there runs the ops (reshape, sum, cast, concat) it
 * replaces, as its agreement tests check.
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

/** Part sizes: empty, tiny, odd (every tail of the kernels' 8- and 4-wide loops), and large. */
const SIZES = [0, 1, 3, 7, 9, 17, 1280, 140_001];
const BACKENDS: [string, Backend][] = [
  ["reference", reference],
  ["wasm", wasm],
];

/** Each size twice, the second copy with `bad` at element 7 where it has one; every other part probed. */
const parts = (be: Backend, dtype: DType, bad?: number): { xs: Storage[]; probed: boolean[] } => {
  const xs = SIZES.flatMap((n, i) => [be.fromArray(dtype, values(n, i + 1)), be.fromArray(dtype, values(n, i + 50, n > 7 ? bad : undefined))]);
  return { xs, probed: xs.map((_, i) => i % 2 === 1) };
};

/** What `pack` must give: the parts' elements, or 0 / NaN as they are all finite or not. */
const expected = (be: Backend, dtype: DType, xs: readonly Storage[], probed: readonly boolean[]): Float32Array | Float64Array => {
  const parts = xs.map((x, i) => {
    const v = be.read(x);
    return probed[i] ? [v.every((e: number) => Number.isFinite(e)) ? 0 : Number.NaN] : v;
  });
  const want = dtype === "float64" ? new Float64Array(parts.reduce((n, p) => n + p.length, 0)) : new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    want.set(p, at);
    at += p.length;
  }
  return want;
};

describe("Backend.pack", () => {
  for (const [name, be] of BACKENDS)
    for (const dtype of ["float32", "float64"] as DType[])
      test(`${name} ${dtype}: the parts copied, each probe 0 when every element is finite, else NaN`, () => {
        for (const bad of [undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const { xs, probed } = parts(be, dtype, bad);
          const got = be.read((be.pack as NonNullable<Backend["pack"]>).call(be, xs, probed));
          expect(bytes(got)).toBe(bytes(expected(be, dtype, xs, probed)));
          expect(got.filter((v) => Number.isNaN(v)).length).toBe(bad === undefined ? 0 : SIZES.filter((n) => n > 7).length);
        }
      });

  for (const [name, be] of BACKENDS)
    test(`${name}: finite elements whose sum overflows probe as finite`, () => {
      for (const dtype of ["float32", "float64"] as DType[]) {
        const huge = dtype === "float32" ? 3e38 : 1.7e308;
        const x = be.fromArray(
          dtype,
          Array.from({ length: 21 }, (_, i) => (i % 3 === 2 ? -1 : huge)),
        );
        expect(Array.from(be.read(be.reduce("sum", x, [21], 0)))[0]).toBe(Number.POSITIVE_INFINITY);
        expect(Array.from(be.read((be.pack as NonNullable<Backend["pack"]>).call(be, [x], [true])))).toEqual([0]);
      }
    });

  for (const [name, be] of BACKENDS)
    test(`${name}: the probe of sgdUpdate's result is that of the same elements made by fromArray`, () => {
      const update = (be.sgdUpdate as NonNullable<Backend["sgdUpdate"]>).bind(be);
      const pack = (be.pack as NonNullable<Backend["pack"]>).bind(be);
      for (const dtype of ["float32", "float64"] as DType[])
        for (const n of [...SIZES.filter((k) => k < 10_000), 70_003]) {
          const w0 = values(n, 3);
          const g = be.fromArray(dtype, values(n, 4));
          // the bad element lands in each of the kernel's loops in turn (8-wide, 4-wide, scalar tail)
          for (const at of [undefined, 0, 5, n - 1]) {
            if (at !== undefined && (at < 0 || at >= n)) continue;
            for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
              const w = [...w0];
              if (at !== undefined) w[at] = bad;
              const made = update(be.fromArray(dtype, w), g, 0.01);
              const copy = be.fromArray(dtype, be.read(made));
              const got = Array.from(be.read(pack([made, copy], [true, true])));
              expect(got, `${dtype} n=${n} bad at ${at}`).toEqual(at === undefined ? [0, 0] : [Number.NaN, Number.NaN]);
            }
          }
        }
      // a product that overflows makes an infinite element from finite ones
      const over = update(be.fromArray("float32", [1, 2, 3, 4, 5]), be.fromArray("float32", [0, 0, 3e38, 0, 0]), -10);
      expect(Array.from(be.read(pack([over], [true])))).toEqual([Number.NaN]);
    });

  test("wasm: the same bytes on 1 and 2 threads, and as the reference's", () => {
    const run = (threads: number) => {
      const prev = configureWasm({ threads });
      try {
        const { xs, probed } = parts(wasm, "float32", Number.NaN);
        return wasm.read((wasm.pack as NonNullable<Backend["pack"]>)(xs, probed));
      } finally {
        configureWasm(prev);
      }
    };
    const one = run(1);
    expect(bytes(run(2))).toBe(bytes(one));
    const { xs, probed } = parts(reference, "float32", Number.NaN);
    expect(bytes(one)).toBe(bytes(reference.read((reference.pack as NonNullable<Backend["pack"]>)(xs, probed))));
  });

  for (const [name, be] of BACKENDS)
    test(`${name}: bad arguments name the backend, the method and the argument`, () => {
      const pack = (be.pack as NonNullable<Backend["pack"]>).bind(be);
      const a = be.fromArray("float32", [1, 2]);
      const b = be.fromArray("float64", [1, 2]);
      expect(() => pack([], [])).toThrow(`${name} backend pack: argument 'xs' must hold at least one storage`);
      expect(() => pack([a, a], [true])).toThrow(`${name} backend pack: argument 'probed' must hold one flag per storage (2), got 1`);
      expect(() => pack([a, b], [false, true])).toThrow(`${name} backend pack: argument 'xs[1]' is float64, 'xs[0]' float32; every storage must have one dtype`);
    });

  test("wasm: a storage of another backend is refused by name", () => {
    expect(() => (wasm.pack as NonNullable<Backend["pack"]>)([reference.fromArray("float32", [1])], [true])).toThrow(
      "wasm backend pack: argument 'xs[0]' must be a storage of the wasm backend, got one of 'reference'",
    );
  });
});
