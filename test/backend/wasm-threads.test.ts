/**
 * The thread pool: a seeded run gives the same bytes on 1, 2 and 4 threads (`threads-suite.ts`:
 * matrix products split by rows and by columns, elementwise kernels split by ranges, a whole
 * training run), the chunks' accounting and cuts, and the thread count is validated where it is
 * set. This file runs in its own worker and asks for four threads before the first load, so the
 * pool has room for four whatever the host's cores (`wasm-many-threads.test.ts`: 16).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { BINARY } from "../../src/backend/wasm/codes.generated.js";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { splitRows } from "../../src/backend/wasm/parallel.js";
import { load, META_WORDS, warmPool, writeMeta } from "../../src/backend/wasm/runtime.js";
import { onThreads, untilThreads } from "./threads.js";
import { bytes, sameBytesSuite, sameOnEach } from "./threads-suite.js";

configureWasm({ threads: 4 });

const THREADS = [1, 2, 4] as const;
const sameOnEvery = sameOnEach(THREADS);

describe("wasm thread pool", () => {
  beforeAll(async () => {
    await untilThreads(4);
  });

  sameBytesSuite(THREADS);

  it("has four threads when asked for four, and fewer when asked", () => {
    expect(wasmStats().threads).toBe(4);
    expect(onThreads(2, () => wasmStats().threads)).toBe(2);
    expect(onThreads(1, () => wasmStats().threads)).toBe(1);
  });

  it("with no polling (Pool.spins 0: the main thread sleeps at once for a job's last chunk) a split product gives the bytes of 1 thread; the pool warm-up leaves spins as it found them", () => {
    const pool = load().pool;
    if (pool === undefined) throw new Error("no pool");
    const a = wasm.fromArray(
      "float32",
      Array.from({ length: 200 * 150 }, (_, i) => Math.cos(i)),
    );
    const product = () => wasm.read(wasm.matmul(a, [200, 150], a, [200, 150], false, true, [200, 200])) as Float32Array;
    const one = bytes(onThreads(1, product));
    const before = pool.spins;
    try {
      pool.spins = 0;
      for (const t of [2, 4]) expect(bytes(onThreads(t, product))).toBe(one);
    } finally {
      pool.spins = before;
    }
    expect(before).toBeGreaterThan(0);
    expect(warmPool(load(), 3)).toBeGreaterThanOrEqual(0);
    expect(pool.spins).toBe(before);
    wasm.release?.(a);
  });

  it("wasmStats counts the chunks of split kernels and those the main thread ran; none on one thread", () => {
    const a = wasm.fromArray(
      "float32",
      Array.from({ length: 256 * 256 }, (_, i) => Math.sin(i)),
    );
    const product = () => wasm.matmul(a, [256, 256], a, [256, 256], false, false, [256, 256]);
    const count = (threads: number): { chunks: number; onMain: number } =>
      onThreads(threads, () => {
        const s0 = wasmStats();
        wasm.release?.(product());
        const s1 = wasmStats();
        return { chunks: s1.splitChunks - s0.splitChunks, onMain: s1.splitChunksOnMain - s0.splitChunksOnMain };
      });
    expect(count(1)).toEqual({ chunks: 0, onMain: 0 });
    // 256 rows over 4 threads: 4 chunks of 64 rows, whoever claims them (spinning workers may take all)
    const four = count(4);
    expect(four.chunks).toBe(4);
    expect(four.onMain).toBeGreaterThanOrEqual(0);
    expect(four.onMain).toBeLessThanOrEqual(4);
    expect(Number.isInteger(four.onMain)).toBe(true);
    wasm.release?.(a);
  });

  it("splitRows: even with no copy pending; with one, a smaller main chunk, every cut at a multiple of 4 rows, every row in one chunk", () => {
    for (const M of [16, 17, 128, 131, 784])
      for (const p of [2, 3, 4])
        for (const left of [0, 1, 4096, 100352, 1e7]) {
          const { first, rows } = splitRows(M, 128, 784, p, left);
          const even = Math.ceil(M / p / 4) * 4;
          const what = `M ${M}, ${p} threads, ${left} left: first ${first}, rows ${rows}`;
          expect(first % 4, what).toBe(0);
          expect(rows % 4, what).toBe(0);
          expect(first, what).toBeGreaterThanOrEqual(4);
          expect(first, what).toBeLessThanOrEqual(even);
          if (left === 0) expect([first, rows], what).toEqual([even, even]);
          // the other chunks cover the rest in at most p − 1 chunks (B is packed once per chunk: no more often than even)
          const others = Math.max(0, Math.ceil((M - first) / rows));
          expect(others, what).toBeLessThanOrEqual(p - 1);
          expect(first + others * rows, what).toBeGreaterThanOrEqual(M);
        }
    // a batch of 128 × 784 pending before the first layer's product 128×784×128: 4 rows fewer for the main thread
    expect(splitRows(128, 128, 784, 2, 128 * 784)).toEqual({ first: 60, rows: 68 });
  });

  it("a product split unevenly around a pending batch copy gives the bytes of 1 thread, and the batch is whole when read or used", () => {
    const [M, K, N] = [150, 300, 260];
    const width = 784;
    const src = Float32Array.from({ length: 256 * width }, (_, i) => Math.sin(i * 0.37));
    const rows = Array.from({ length: 128 }, (_, k) => (k * 37) % 256);
    const a = wasm.fromArray(
      "float32",
      Array.from({ length: M * K }, (_, i) => Math.sin(i)),
    );
    const b = wasm.fromArray(
      "float32",
      Array.from({ length: K * N }, (_, i) => Math.cos(i)),
    );
    const w = wasm.fromArray(
      "float32",
      Array.from({ length: width * 16 }, (_, i) => Math.cos(i * 0.11)),
    );
    const gather = wasm.gatherRows as NonNullable<typeof wasm.gatherRows>;
    const pool = load().pool;
    if (pool === undefined) throw new Error("no pool");
    const spy = vi.spyOn(pool, "run");
    onTestFinished(() => spy.mockRestore());
    const run = () => {
      const batch = gather.call(wasm, "float32", src, width, rows, false);
      // the product runs while the batch's copy is pending; then the batch is read and used
      const product = wasm.read(wasm.matmul(a, [M, K], b, [K, N], false, false, [M, N]));
      const used = wasm.read(wasm.matmul(batch, [128, width], w, [width, 16], false, false, [128, 16]));
      const read = wasm.read(batch);
      return Float32Array.from([...product, ...used, ...read]);
    };
    const want = bytes(onThreads(1, run));
    const unevenBefore = () => spy.mock.calls.filter((c) => c[6] === true && (c[3][14] as number) < (c[3][12] as number)).length;
    for (const t of [2, 4]) {
      const before = unevenBefore();
      const have = bytes(onThreads(t, run));
      if (have !== want) expect.fail(`${t} threads with a pending copy gave other bytes than 1 thread`);
      // the split did leave the main thread room for the copy
      expect(unevenBefore(), `${t} threads`).toBeGreaterThan(before);
    }
    // and the batch read equals the gather by hand
    const batch = onThreads(2, () => wasm.read(gather.call(wasm, "float32", src, width, rows, false)));
    expect(Array.from(batch.subarray(0, width * 3))).toEqual(Array.from(rows.slice(0, 3).flatMap((r) => Array.from(src.subarray(r * width, (r + 1) * width)))));
  });

  it("broadcasting kernels only read their descriptor, so the chunks of a split job can share one", () => {
    // The chunks of a split binary kernel run at once over one descriptor (all but the last share
    // `full`: see parallel.ts). Kernels once kept their row counters inside it, so chunks running
    // at once overwrote each other's and then read their inputs out of step with their output
    // (seen only under load). Here every word of the meta area must be as it was, and the results
    // must match a plain index computation.
    const rt = load();
    const dims = [5, 3, 4, 7];
    const n = 5 * 3 * 4 * 7;
    const full = [84, 28, 7, 1];
    const bStrides = [0, 7, 0, 1]; // shape [3, 1, 7]
    const cStrides = [7, 0, 0, 1]; // shape [5, 1, 1, 7]
    const perm = [1, 20, 5, 60]; // x of shape [7, 3, 4, 5] permuted by [3, 1, 2, 0]
    const at = (i: number, s: readonly number[]): number => {
      let off = 0;
      let q = i;
      for (let k = dims.length - 1; k >= 0; k--) {
        off += (q % (dims[k] as number)) * (s[k] as number);
        q = Math.floor(q / (dims[k] as number));
      }
      return off;
    };
    rt.arena.begin();
    const [x, y, c, o] = [rt.arena.sideBlock(8 * n), rt.arena.sideBlock(8 * n), rt.arena.sideBlock(8 * n), rt.arena.sideBlock(8 * n)];
    const f = rt.arena.f64;
    for (let i = 0; i < n; i++) {
      f[x / 8 + i] = Math.sin(i) + 2;
      f[y / 8 + i] = Math.cos(3 * i);
      f[c / 8 + i] = i % 3 === 0 ? 0 : 1;
    }
    const cases: [string, readonly (readonly number[])[], () => void, (i: number) => number][] = [
      ["binary", [full, bStrides], () => rt.k.binary(1, BINARY.div, x, y, o, 4, rt.meta, -1), (i) => (f[x / 8 + at(i, full)] as number) / (f[y / 8 + at(i, bStrides)] as number)],
      ["where", [cStrides, full, bStrides], () => rt.k.where(1, 1, c, x, y, o, 4, rt.meta), (i) => (f[c / 8 + at(i, cStrides)] !== 0 ? f[x / 8 + at(i, full)] : f[y / 8 + at(i, bStrides)]) as number],
      ["broadcast", [bStrides], () => rt.k.broadcast(1, y, o, 4, rt.meta), (i) => f[y / 8 + at(i, bStrides)] as number],
      ["gather", [perm], () => rt.k.gather(1, x, o, 4, rt.meta), (i) => f[x / 8 + at(i, perm)] as number],
    ];
    const words = (): Int32Array => rt.arena.i32.slice(rt.meta / 4, rt.meta / 4 + META_WORDS);
    for (const [name, strides, run, expected] of cases) {
      rt.arena.i32.fill(0x5a5a5a5a, rt.meta / 4, rt.meta / 4 + META_WORDS);
      writeMeta(rt, dims, strides);
      const before = words();
      run();
      const after = words();
      const changed = after.findIndex((w, i) => w !== before[i]);
      if (changed >= 0) expect.fail(`${name}: the kernel wrote meta word ${changed} (${before[changed]} → ${after[changed]})`);
      const got = Array.from(rt.arena.f64.subarray(o / 8, o / 8 + n));
      expect(got, name).toEqual(Array.from({ length: n }, (_, i) => expected(i)));
    }
  });

  it('splits the transcendental unary kernels by default ("costly"), the memory-bound ones only with `true`, none with `false`', () => {
    const before = configureWasm({});
    onTestFinished(() => {
      configureWasm(before);
    });
    expect(before.splitElementwise).toBe("costly");
    const n = 100_003;
    const x = wasm.fromArray(
      "float32",
      Array.from({ length: n }, (_, i) => Math.sin(i)),
    );
    /** Elementwise splits of one `sigmoid` and one `relu` on 2 threads under `mode`. */
    const splits = (mode: boolean | "costly") => {
      configureWasm({ threads: 2, splitElementwise: mode });
      const s0 = wasmStats().elementwiseSplits;
      wasm.read(wasm.unary("sigmoid", x));
      const s1 = wasmStats().elementwiseSplits;
      wasm.read(wasm.unary("relu", x));
      wasm.read(wasm.binary("add", x, [n], x, [n], [n]));
      return [s1 - s0, wasmStats().elementwiseSplits - s1];
    };
    expect(splits("costly")).toEqual([1, 0]);
    expect(splits(true)).toEqual([1, 2]);
    expect(splits(false)).toEqual([0, 0]);
    // the default split gives the bytes of one thread
    configureWasm({ splitElementwise: "costly" });
    for (const op of ["sigmoid", "exp", "tanh", "log"] as const) sameOnEvery(`${op} (default split)`, () => wasm.read(wasm.unary(op, x)));
  });

  it("configureWasm checks the splitElementwise option", () => {
    expect(() => configureWasm({ splitElementwise: "yes" as never })).toThrow(new TypeError("configureWasm: option 'splitElementwise' must be a boolean or \"costly\", got yes"));
  });

  it("configureWasm checks the thread count", () => {
    expect(() => configureWasm({ threads: 0 })).toThrow(/configureWasm: option 'threads' must be an integer from 1 to 64, got 0/);
    expect(() => configureWasm({ threads: 2.5 })).toThrow(/option 'threads' must be an integer/);
    expect(() => configureWasm({ threads: 65 })).toThrow(/option 'threads' must be an integer/);
  });
});

describe("TYPEGRAD_THREADS", () => {
  const root = join(import.meta.dirname, "..", "..");
  const tsx = join(root, "node_modules", ".bin", "tsx");
  const probe = `
(async () => {
  const { wasmStats, configureWasm } = await import("./src/index.ts");
  wasmStats();
  for (let i = 0; i < 500 && wasmStats().threads < configureWasm({}).threads; i++) await new Promise((r) => setTimeout(r, 10));
  console.log(JSON.stringify({ threads: wasmStats().threads, configured: configureWasm({}).threads }));
})();
`;
  const run = (env: Record<string, string>): string => {
    const { TYPEGRAD_THREADS: _, ...rest } = process.env;
    return execFileSync(tsx, ["--eval", probe], { cwd: root, env: { ...rest, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  };
  it("sets the thread count (3 here, whatever the host's cores)", () => {
    expect(JSON.parse(run({ TYPEGRAD_THREADS: "3" }))).toEqual({ threads: 3, configured: 3 });
  });
  it("a bad value is a clear error", () => {
    expect(() => run({ TYPEGRAD_THREADS: "many" })).toThrow(/TYPEGRAD_THREADS must be an integer from 1 to 64, got 'many'/);
  });
});
