/**
 * The WASM ring grows on demand: it starts at a quarter of its capacity and doubles only after a
 * lap in which evicted tensors had to be copied back in. A loop whose working set fits keeps the
 * small ring however many laps it runs (the process's resident memory stays small); a working set
 * larger than the ring makes it grow, and results stay correct throughout.
 */
import { describe, expect, it } from "vitest";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { add, fromArray, mul, type Tensor, toFlat, withBackend } from "../../src/index.js";

const MiB = 1 << 20;
configureWasm({ ringBytes: 8 * MiB });

/** `n` float32 values `seed + i / n`. */
const values = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => seed + i / n);

describe("the WASM ring, grown on demand", () => {
  it("a loop of dropped results that needs nothing back runs lap after lap in a quarter of the capacity", () => {
    withBackend(wasm, () => {
      const x = fromArray([16 * 1024], values(16 * 1024, 1)); // 64 KiB
      let last: Tensor | undefined;
      for (let i = 0; i < 400; i++) last = add(x, i); // 25 MiB of outputs: a dozen laps of 2 MiB
      expect(toFlat(last as Tensor)[0]).toBe(1 + 399);
    });
    const s = wasmStats();
    expect(s.ringBytes).toBe(8 * MiB);
    expect(s.ringSpan).toBe(2 * MiB);
    expect(s.evictions).toBeGreaterThan(300);
    expect(s.copiedIn).toBe(0);
    expect(s.memoryBytes).toBeLessThan(8 * MiB);
  });

  it("more live blocks than its queue first holds (4,096): the queue doubles twice, every value intact", () => {
    const values10k = withBackend(wasm, () => {
      const xs = Array.from({ length: 10_000 }, (_, i) => fromArray([2], [i, -i]));
      return xs.map((x) => toFlat(x));
    });
    expect(values10k).toHaveLength(10_000);
    values10k.forEach((v, i) => {
      if (v[0] !== i || v[1] !== -i) expect.fail(`tensor ${i} reads ${Array.from(v)}`);
    });
  });

  it("a working set larger than the ring makes it grow, up to the capacity, with every value intact", () => {
    const n = 128 * 1024; // 512 KiB each: six are 3 MiB, more than the 2 MiB ring
    const before = wasmStats();
    const sums = withBackend(wasm, () => {
      const xs = Array.from({ length: 6 }, (_, k) => fromArray([n], values(n, k)));
      const out: number[] = [];
      for (let i = 0; i < 120; i++) {
        const k = i % 6;
        const y = mul(xs[k] as Tensor, 2);
        if (i >= 114) out.push(toFlat(y)[n - 1] as number);
      }
      return { out, xs: xs.map((x) => toFlat(x)[n - 1] as number) };
    });
    const after = wasmStats();
    expect(before.ringSpan).toBe(2 * MiB);
    expect(after.ringSpan).toBeGreaterThan(2 * MiB);
    expect(after.ringSpan).toBeLessThanOrEqual(8 * MiB);
    expect(after.copiedIn - before.copiedIn).toBeGreaterThan(0);
    const last = (k: number) => Math.fround(k + (n - 1) / n);
    expect(sums.xs).toEqual([0, 1, 2, 3, 4, 5].map(last));
    expect(sums.out).toEqual([0, 1, 2, 3, 4, 5].map((k) => 2 * last(k)));
  });
});
