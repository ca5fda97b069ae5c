/**
 * The backends' optional `gatherRows` (`fit`'s batches, copied straight from the examples): rows
 * in any order, repeated or in runs, and their transpose, equal the gather by hand on the reference
 * backend (the oracle) and on the WASM backend, both dtypes. On WASM with a pool the copy is
 * deferred: the rows arrive while the main thread waits for its workers, or at the latest when
 * the storage is first used — read, given to a kernel, or evicted by the ring (a small one here,
 * so a batch no kernel touched is evicted) — and one given back first is never copied. A `fit`
 * run gives the same bytes on 1 and 2 threads, shuffled, in both layouts, from plain arrays and
 * from shared memory (the pool's worker gathers: see `wasm-gather.test.ts`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Backend, DType, Storage } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { fromFlat, gd, mlp, rng, softmaxCrossEntropy, type Tensor, take, toFlat, fit as train, withBackend } from "../../src/index.js";
import { onThreads, untilThreads } from "./threads.js";

const MiB = 1 << 20;
configureWasm({ threads: 2, ringBytes: 8 * MiB });

const values = (n: number, seed: number): Float32Array => {
  const g = rng(seed);
  return Float32Array.from({ length: n }, () => g.normal());
};

/** The gather by hand. */
const byHand = (src: Float32Array, width: number, rows: readonly number[], transposed: boolean): number[] => {
  const out = new Array<number>(rows.length * width);
  rows.forEach((r, k) => {
    for (let j = 0; j < width; j++) out[transposed ? j * rows.length + k : k * width + j] = src[r * width + j] as number;
  });
  return out;
};

const gatherOf = (be: Backend) => (be.gatherRows as NonNullable<Backend["gatherRows"]>).bind(be);

/** Rows with runs, repeats and jumps. */
const ROWS = [5, 6, 7, 8, 0, 0, 63, 1, 2, 40, 41, 9];

describe("Backend.gatherRows", () => {
  beforeAll(async () => {
    await untilThreads(2);
  });

  for (const [name, be] of [
    ["reference", reference],
    ["wasm", wasm],
  ] as const)
    for (const dtype of ["float32", "float64"] as DType[])
      it(`${name} ${dtype}: rows and their transpose, as gathered by hand`, () => {
        for (const width of [1, 3, 784]) {
          const src = values(64 * width, width);
          for (const transposed of [false, true]) {
            const want = byHand(src, width, ROWS, transposed);
            for (const threads of [1, 2]) expect(Array.from(onThreads(threads, () => be.read(gatherOf(be)(dtype, src, width, ROWS, transposed))))).toEqual(want);
          }
          expect(be.read(gatherOf(be)(dtype, src, width, [], false)).length).toBe(0);
        }
      });

  it("wasm, 2 threads: a deferred batch is right when a kernel uses it, when the ring evicts it untouched, and one given back is never copied", () => {
    expect(wasmStats().threads).toBe(2);
    const width = 784;
    const src = values(256 * width, 9);
    const rows = Array.from({ length: 128 }, (_, k) => (k * 37) % 256);
    const want = byHand(src, width, rows, false);
    // used by a kernel: the product with a ones column sums each row
    const ones = wasm.fill("float32", width, 1);
    const used = gatherOf(wasm)("float32", src, width, rows, false);
    const sums = wasm.read(wasm.matmul(used, [128, width], ones, [width, 1], false, false, [128, 1]));
    const rowSum = (k: number) => want.slice(k * width, (k + 1) * width).reduce((a, b) => a + b, 0);
    for (let k = 0; k < 128; k++) expect(sums[k]).toBeCloseTo(rowSum(k), 2);
    // evicted untouched: 400 KiB behind 12 MiB of small unsplit outputs in a 2 MiB ring
    const before = wasmStats();
    const given: Storage[] = [];
    const evicted = gatherOf(wasm)("float32", src, width, rows, false);
    const dropped = gatherOf(wasm)("float32", src, width, rows, true);
    wasm.release?.(dropped);
    const x = wasm.fromArray("float32", values(16 * 1024, 1));
    for (let i = 0; i < 200; i++) given.push(wasm.binary("add", x, [16 * 1024], x, [16 * 1024], [16 * 1024]));
    const after = wasmStats();
    expect(after.evictions - before.evictions).toBeGreaterThan(100);
    expect(Array.from(wasm.read(evicted))).toEqual(want);
    // the given-back batch's rows were never copied: only `evicted`'s were, at its eviction
    expect(after.gathered - before.gathered).toBe(128 * width);
  });

  it("fit gives the same bytes on 1 and 2 threads, shuffled, in rows and in columns, from plain arrays and from shared memory (the worker gathers)", () => {
    const m = 512;
    const examples = fromFlat(
      20,
      4,
      values(m * 20, 3),
      Float32Array.from({ length: m * 4 }, (_, i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0)),
    );
    // `take` copies the set into shared memory, where the pool's worker gathers the batches
    const sharedSet = take(
      examples,
      Array.from({ length: m }, (_, i) => i),
    );
    expect(sharedSet.x.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const layout of ["rows", "columns"] as const) {
      const run = (threads: number, data = examples) =>
        onThreads(threads, () =>
          withBackend(wasm, () => {
            const net = mlp([20, 64, 4], { hidden: "relu", layout });
            const r = train({ model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: gd(0.1), train: data, layout, batchSize: 64, epochs: 2, seed: 4 });
            return [...Object.values(r.params as Record<string, Tensor>).map((t) => Array.from(toFlat(t)).join()), JSON.stringify(r.history)];
          }),
        );
      const want = run(1);
      expect(run(2)).toEqual(want);
      expect(run(2, sharedSet)).toEqual(want);
    }
  });
});
