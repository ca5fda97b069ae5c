/**
 * The thread pool's promise, as tests: a split job gives the bytes of one thread whatever the
 * thread count (matrix products split by rows and by columns, elementwise kernels split by
 * ranges, reductions and softmax, convolutions, a whole training run). Run by
 * `wasm-threads.test.ts` on 1, 2 and 4 threads and by `wasm-many-threads.test.ts` on 1, 8 and 16
 * (a 16-core host's pool, sharing this host's cores: the bytes are checked, not the speed). The
 * file that runs it asks for its largest count before the first load, so the pool has room.
 */
import { expect, it, onTestFinished } from "vitest";
import type { DType } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { REDUCE_PIECE } from "../../src/backend/wasm/parallel.js";
import { conv2d, gd, mlp, randn, rng, softmaxCrossEntropy, type Tensor, toFlat, trainStep, vjp, withBackend } from "../../src/index.js";
import { onThreads } from "./threads.js";

type Bytes = ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };

/** An array's bytes, as text. */
export const bytes = (a: Bytes): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

/** Fails unless `f` gives the same bytes on each of `threads` (the first being 1). */
export const sameOnEach =
  (threads: readonly number[]) =>
  <T extends Bytes>(what: string, f: () => T): void => {
    const [first, ...rest] = threads.map((t) => bytes(onThreads(t, f)));
    rest.forEach((b, i) => {
      if (b !== first) expect.fail(`${what}: ${threads[i + 1]} threads gave other bytes than 1 thread`);
    });
  };

/** The same-bytes tests on `threads` (1 first), inside the caller's `describe`. */
export const sameBytesSuite = (threads: readonly number[]): void => {
  const on = `${threads.slice(0, -1).join(", ")} and ${threads.at(-1)} threads`;
  const most = Math.max(...threads);
  const sameOnEvery = sameOnEach(threads);

  it(`matrix products (split by rows and by columns, transposed or not) give the same bytes on ${on}`, () => {
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

  it(`split elementwise kernels give the same bytes on ${on}`, () => {
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

  it(`the log-loss's pullback (split as sigmoid is) gives the same bytes on ${on}, split by default`, () => {
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

  it(`reductions (a long vector piece by piece, rows split) and softmax (rows split) give the same bytes on ${on}, and the right values`, () => {
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
      const have = onThreads(most, () => wasm.read(wasm.softmax(m, [R, C], 1, false)));
      const worst = Array.from(have).reduce((w, v, i) => Math.max(w, Math.abs(v - (want[i] as number))), 0);
      expect(worst).toBeLessThan(dtype === "float32" ? 1e-6 : 1e-14);
    }
  });

  it(`convolutions (the direct kernel split by output rows; im2col and col2im by examples) give the same bytes on ${on}`, () => {
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

  it(`a seeded training run gives the same parameters, byte for byte, on ${on}`, () => {
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
};
