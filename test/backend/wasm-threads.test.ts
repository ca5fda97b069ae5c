/**
 * The thread pool: a seeded run gives the same bytes on 1, 2 and 4 threads (matrix products split
 * by rows and by columns, elementwise kernels split by ranges, a whole training run), and the
 * thread count is validated where it is set. This file runs in its own worker and asks for four
 * threads before the first load, so the pool has room for four whatever the host's cores.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import type { DType } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { BINARY } from "../../src/backend/wasm/codes.generated.js";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { REDUCE_PIECE, splitRows } from "../../src/backend/wasm/parallel.js";
import { load, META_WORDS, writeMeta } from "../../src/backend/wasm/runtime.js";
import { conv2d, gd, mlp, randn, rng, softmaxCrossEntropy, type Tensor, toFlat, trainStep, vjp, withBackend } from "../../src/index.js";
import { onThreads } from "./threads.js";

configureWasm({ threads: 4 });

const THREADS = [1, 2, 4] as const;

const bytes = (a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

const sameOnEvery = <T extends ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }>(what: string, f: () => T): void => {
  const [first, ...rest] = THREADS.map((t) => bytes(onThreads(t, f)));
  rest.forEach((b, i) => {
    if (b !== first) expect.fail(`${what}: ${THREADS[i + 1]} threads gave other bytes than 1 thread`);
  });
};

describe("wasm thread pool", () => {
  beforeAll(async () => {
    wasmStats();
    for (let i = 0; i < 500 && wasmStats().threads < 4; i++) await new Promise((r) => setTimeout(r, 10));
  });

  it("has four threads when asked for four, and fewer when asked", () => {
    expect(wasmStats().threads).toBe(4);
    expect(onThreads(2, () => wasmStats().threads)).toBe(2);
    expect(onThreads(1, () => wasmStats().threads)).toBe(1);
  });

  it("matrix products (split by rows and by columns, transposed or not) give the same bytes on 1, 2 and 4 threads", () => {
    const cases: [number, number, number, boolean, boolean][] = [
      [150, 130, 140, false, false],
      [131, 257, 70, true, false],
      [8, 600, 700, false, true],
      [12, 300, 1030, true, true],
      [257, 512, 129, false, false],
    ];
    for (const [M, K, N, ta, tb] of cases)
      for (const dtype of ["float32", "float64"] as const) {
        const a = wasm.fromArray(
          dtype,
          Array.from({ length: M * K }, (_, i) => Math.sin(i)),
        );
        const b = wasm.fromArray(
          dtype,
          Array.from({ length: K * N }, (_, i) => Math.cos(i)),
        );
        sameOnEvery(`${M}x${K}x${N} ${ta}/${tb} ${dtype}`, () => wasm.read(wasm.matmul(a, ta ? [K, M] : [M, K], b, tb ? [N, K] : [K, N], ta, tb, [M, N])));
      }
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

  it("split elementwise kernels give the same bytes on 1, 2 and 4 threads", () => {
    const before = configureWasm({ splitElementwise: true });
    onTestFinished(() => {
      configureWasm(before);
    });
    const splits0 = wasmStats().elementwiseSplits;
    const dtypes: DType[] = ["float32", "float64"];
    for (const dtype of dtypes) {
      const n = 100_003;
      const x = wasm.fromArray(
        dtype,
        Array.from({ length: n }, (_, i) => 20 * Math.sin(i)),
      );
      for (const op of ["sigmoid", "exp", "tanh", "relu"] as const) sameOnEvery(`${op} ${dtype}`, () => wasm.read(wasm.unary(op, x)));
      const rows = wasm.fromArray(
        dtype,
        Array.from({ length: 301 * 333 }, (_, i) => Math.cos(i)),
      );
      const bias = wasm.fromArray(
        dtype,
        Array.from({ length: 333 }, (_, i) => Math.sin(3 * i)),
      );
      sameOnEvery(`bias add ${dtype}`, () => wasm.read(wasm.binary("add", rows, [301, 333], bias, [333], [301, 333], "relu")));
      sameOnEvery(`flat mul ${dtype}`, () => wasm.read(wasm.binary("mul", x, [n], x, [n], [n])));
      // many short rows over three axes: every chunk walks the row odometer thousands of times
      const big = wasm.fromArray(
        dtype,
        Array.from({ length: 4001 * 7 * 37 }, (_, i) => Math.cos(i)),
      );
      const col = wasm.fromArray(
        dtype,
        Array.from({ length: 7 }, (_, i) => i - 3),
      );
      sameOnEvery(`rank-3 broadcast sub ${dtype}`, () => wasm.read(wasm.binary("sub", big, [4001, 7, 37], col, [7, 1], [4001, 7, 37])));
    }
    expect(wasmStats().elementwiseSplits).toBeGreaterThan(splits0);
  });

  it("the log-loss's pullback (split as sigmoid is) gives the same bytes on 1, 2 and 4 threads, split by default", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const n = 100_003;
      const z = wasm.fromArray(
        dtype,
        Array.from({ length: n }, (_, i) => 20 * Math.sin(i)),
      );
      const y = wasm.fromArray(
        dtype,
        Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      );
      const g = wasm.fromArray(dtype, [1.5]);
      const splits0 = wasmStats().elementwiseSplits;
      sameOnEvery(`logLossGrad ${dtype}`, () => wasm.read((wasm.logLossGrad as NonNullable<typeof wasm.logLossGrad>)(z, y, g, 7)));
      expect(wasmStats().elementwiseSplits).toBeGreaterThan(splits0);
    }
  });

  it("reductions (a long vector piece by piece, rows split) and softmax (rows split) give the same bytes on 1, 2 and 4 threads, and the right values", () => {
    for (const dtype of ["float32", "float64"] as const) {
      // a vector of 5 pieces and a bit (so the last piece is short) and one of exactly 2 pieces
      for (const n of [5 * REDUCE_PIECE + 17, 2 * REDUCE_PIECE]) {
        const values = Array.from({ length: n }, (_, i) => Math.sin(i) + 0.25);
        const x = wasm.fromArray(dtype, values);
        sameOnEvery(`sum of ${n} ${dtype}`, () => wasm.read(wasm.reduce("sum", x, [n], 0)));
        sameOnEvery(`max of ${n} ${dtype}`, () => wasm.read(wasm.reduce("max", x, [n], 0)));
        const exact = values.reduce((s, v) => s + (dtype === "float32" ? Math.fround(v) : v), 0);
        const got = wasm.read(wasm.reduce("sum", x, [n], 0))[0] as number;
        expect(Math.abs(got - exact), `sum of ${n} ${dtype}`).toBeLessThan((dtype === "float32" ? 1e-6 : 1e-13) * n);
        expect(wasm.read(wasm.reduce("max", x, [n], 0))[0]).toBe(Math.max(...values.map((v) => (dtype === "float32" ? Math.fround(v) : v))));
      }
      const [R, C] = [301, 1003];
      const m = wasm.fromArray(
        dtype,
        Array.from({ length: R * C }, (_, i) => 3 * Math.cos(i)),
      );
      for (const op of ["sum", "max"] as const) {
        sameOnEvery(`row ${op} [${R}, ${C}] ${dtype}`, () => wasm.read(wasm.reduce(op, m, [R, C], 1)));
        sameOnEvery(`column ${op} [${R}, ${C}] ${dtype}`, () => wasm.read(wasm.reduce(op, m, [R, C], 0)));
        sameOnEvery(`middle-axis ${op} [${R}, 17, 59] ${dtype}`, () => wasm.read(wasm.reduce(op, m, [R, 17, 59], 1)));
      }
      for (const log of [false, true]) {
        sameOnEvery(`${log ? "log-" : ""}softmax rows [${R}, ${C}] ${dtype}`, () => wasm.read(wasm.softmax(m, [R, C], 1, log)));
        sameOnEvery(`${log ? "log-" : ""}softmax middle axis [${R}, 17, 59] ${dtype}`, () => wasm.read(wasm.softmax(m, [R, 17, 59], 1, log)));
      }
      // the split rows hold the same values as the reference backend's
      const ref = reference.softmax(reference.fromArray(dtype, Array.from(wasm.read(m))), [R, C], 1, false);
      const want = reference.read(ref);
      const have = onThreads(4, () => wasm.read(wasm.softmax(m, [R, C], 1, false)));
      const worst = Array.from(have).reduce((w, v, i) => Math.max(w, Math.abs(v - (want[i] as number))), 0);
      expect(worst).toBeLessThan(dtype === "float32" ? 1e-6 : 1e-14);
    }
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

  it("convolutions (the direct kernel split by output rows; im2col and col2im by examples) give the same bytes on 1, 2 and 4 threads", () => {
    const conv = conv2d as unknown as (x: Tensor, w: Tensor, o: object) => Tensor;
    const cases: [number[], number[], object][] = [
      [[9, 17, 15, 8], [3, 3, 8, 12], { padding: "same" }],
      [[7, 20, 19, 6], [5, 3, 3, 10], { stride: [2, 1], dilation: [1, 2], padding: [2, 1], groups: 2 }],
      [[32, 16, 16, 4], [3, 3, 1, 4], { stride: 2, padding: "same", groups: 4 }],
      [[6, 23, 9, 5], [4, 2, 5, 7], { padding: "valid" }],
    ];
    for (const [xs, ws, opts] of cases)
      for (const dtype of ["float32", "float64"] as const) {
        const run = (): Float64Array =>
          withBackend(wasm, () => {
            const x = randn(rng(3), xs as never, { dtype }) as Tensor;
            const w = randn(rng(4), ws as never, { dtype }) as Tensor;
            const [y, back] = vjp((q: { x: Tensor; w: Tensor }) => conv(q.x, q.w, opts), { x, w });
            const g = back(randn(rng(5), y.shape as never, { dtype }) as never) as { x: Tensor; w: Tensor };
            return Float64Array.from([y, g.x, g.w].flatMap((t) => Array.from(toFlat(t))));
          });
        sameOnEvery(`conv2d ${JSON.stringify([xs, ws, opts])} ${dtype}, forward and both cotangents`, run);
      }
  });

  it("a seeded training run gives the same parameters, byte for byte, on 1, 2 and 4 threads", () => {
    const net = mlp([256, 512, 256, 10], { hidden: "relu", layout: "rows" });
    const sgd = gd(0.05);
    const run = (): Float32Array =>
      withBackend(wasm, () => {
        let params = net.init(rng(7));
        let state = sgd.init(params);
        const g = rng(11);
        const X = randn(g, [64, 256]) as Tensor<[64, 256]>;
        const Y = randn(g, [64, 10]) as Tensor<[64, 10]>;
        for (let step = 0; step < 5; step++) {
          const r = trainStep(net as never, softmaxCrossEntropy, sgd, params, state, X, Y, { layout: "rows" });
          params = r.params as typeof params;
          state = r.state as typeof state;
        }
        const flat = Object.values(params as Record<string, Tensor>).flatMap((t) => Array.from(toFlat(t)));
        return Float32Array.from(flat);
      });
    sameOnEvery("5 SGD steps of an MLP 256-512-256-10", run);
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
