/**
 * The WASM backend agrees with the reference backend on every kernel, on random shapes (shape
 * first, then data), in float32 and float64. Tolerances depend on the dtype and the kernel:
 *
 * - exact (IEEE) kernels — add, sub, mul, div, comparisons, maximum/minimum, neg, abs, sign,
 *   sqrt, where, cast, data movement, max, argmax — must match bit for bit;
 * - transcendental kernels within a few ulp (float32 uses the SIMD approximations of
 *   `assembly/approx.ts`, float64 the musl ports);
 * - sums and matrix products within the classic bound `n·ε·Σ|terms|` (they add in another order).
 *
 * A separate block measures the float32 approximations' worst error over dense sweeps against
 * the bounds documented in `assembly/approx.ts`, and one checks the two-thread matrix product.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { BinaryKernel, DType, Storage, TypedArray, UnaryKernel } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm, wasmFile, wasmStats } from "../../src/backend/wasm/index.js";
import { registeredOps } from "../../src/ops/registry.js";
import { approximationSweeps, ulps } from "./approx-sweeps.js";
import { untilThreads } from "./threads.js";

// this file tests the relaxed-SIMD build, opted into (on Node 20 it sets V8's flag for this
// worker); test/backend/wasm-plain.test.ts tests the plain one, which Node 20 loads by default
configureWasm({ relaxedSimd: true, threads: 2 });

const RUNS = 40;
const DTYPES: readonly DType[] = ["float32", "float64"];
const EPS: Record<DType, number> = { float32: 2 ** -23, float64: 2 ** -52 };
/** The smallest subnormal. */
const TINY: Record<DType, number> = { float32: 2 ** -149, float64: 2 ** -1074 };

// -------------------------------------------------------------------------------------
// comparison
// -------------------------------------------------------------------------------------

/** The first index where `got` and `want` differ by more than `tol(i)`, or -1. */
const firstMismatch = (got: TypedArray, want: TypedArray, tol: (i: number) => number): number => {
  if (got.length !== want.length) return -2;
  for (let i = 0; i < got.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= tol(i))) return i;
  }
  return -1;
};

const expectSame = (what: string, got: TypedArray, want: TypedArray, tol: (i: number) => number = () => 0): void => {
  const i = firstMismatch(got, want, tol);
  if (i !== -1) expect.fail(i === -2 ? `${what}: length ${got.length}, expected ${want.length}` : `${what}: element ${i} is ${got[i]}, expected ${want[i]} (tolerance ${tol(i)})`);
};

// -------------------------------------------------------------------------------------
// arbitraries: a shape first, then data
// -------------------------------------------------------------------------------------

const dim = fc.integer({ min: 1, max: 6 });
const shapeArb = (minRank: number, maxRank: number) => fc.array(dim, { minLength: minRank, maxLength: maxRank });
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** `n` values in [lo, hi], with some exact zeros and repeats (ties matter for max/argmax/compare). */
const dataArb = (n: number, lo = -4, hi = 4) =>
  fc.array(fc.oneof({ weight: 8, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, lo, hi) }), { minLength: n, maxLength: n });

/** An output shape and input shapes that broadcast to it (leading axes dropped, some set to 1). */
const broadcastArb = (inputs: number) =>
  shapeArb(0, 4).chain((out) =>
    fc.tuple(
      fc.constant(out),
      fc.array(
        fc
          .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
          .map(([drop, ones]) => out.slice(drop).map((d, k) => (ones[k + drop] === true ? 1 : d))),
        { minLength: inputs, maxLength: inputs },
      ),
    ),
  );

const both = (dtype: DType, data: readonly number[]): [Storage, Storage] => [reference.fromArray(dtype, data), wasm.fromArray(dtype, data)];

const dtypeArb = fc.constantFrom(...DTYPES);

// -------------------------------------------------------------------------------------
// kernels
// -------------------------------------------------------------------------------------

/**
 * Domains and ulp bounds of the unary kernels against the reference backend, from each op's
 * kernel definition (`accuracy`): `ulp` is for float32 (our own SIMD approximations); `ulp64`,
 * where given, for float64, which uses AssemblyScript's musl-derived Math.
 */
const UNARY: Record<UnaryKernel, { lo: number; hi: number; ulp: number; ulp64?: number }> = Object.fromEntries(
  registeredOps.flatMap((d) => (d.forward.kind === "unary" ? [[d.forward.name, d.forward.accuracy]] : [])),
) as Record<UnaryKernel, { lo: number; hi: number; ulp: number; ulp64?: number }>;

/** Each unary kernel's scalar function (the reference backend's). */
const SCALAR = Object.fromEntries(registeredOps.flatMap((d) => (d.forward.kind === "unary" ? [[d.forward.name, d.forward.scalar]] : []))) as Record<UnaryKernel, (x: number) => number>;

/**
 * The condition number `|x · f'(x) / f(x)|` of kernel `op` at `x` (at least 1): an input rounded
 * by one ulp moves the output by that many ulps, so a kernel that rounds an intermediate of x
 * (`x + 3` in hardSigmoid near -3) may be off by that many even when it is exact otherwise.
 */
const condition = (op: UnaryKernel, x: number): number => {
  const f = SCALAR[op];
  const h = Math.max(Math.abs(x), 1e-3) * 1e-6;
  const fx = f(x);
  const k = Math.abs((x * (f(x + h) - f(x - h))) / (2 * h) / fx);
  return Number.isFinite(k) ? Math.max(1, k) : Number.POSITIVE_INFINITY;
};

describe("wasm backend agrees with the reference backend", () => {
  it.each(Object.keys(UNARY) as UnaryKernel[])("unary %s", (op) => {
    const { lo, hi, ulp: ulp32, ulp64 } = UNARY[op];
    fc.assert(
      fc.property(
        dtypeArb,
        shapeArb(0, 3).chain((s) => fc.tuple(fc.constant(s), dataArb(size(s), lo, hi))),
        (dtype, [, data]) => {
          const ulp = dtype === "float64" ? (ulp64 ?? ulp32) : ulp32;
          const [r, w] = both(dtype, data);
          const want = reference.read(reference.unary(op, r));
          const got = wasm.read(wasm.unary(op, w));
          for (let i = 0; i < want.length; i++) {
            const u = ulps(got[i] as number, want[i] as number, dtype);
            // values that underflow to subnormals are compared absolutely; the bound scales with
            // the kernel's conditioning at that input
            if (u > ulp && Math.abs((got[i] as number) - (want[i] as number)) > 1e-40 && u > ulp * condition(op, data[i] as number))
              expect.fail(`${op} ${dtype}: ${data[i]} → ${got[i]}, expected ${want[i]} (${u} ulp > ${ulp} × condition ${condition(op, data[i] as number).toFixed(1)})`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  const BINARY: readonly BinaryKernel[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "gt", "ge", "lt", "le", "eq", "ne"];
  it.each(BINARY)("binary %s with broadcasting", (op) => {
    fc.assert(
      fc.property(
        dtypeArb,
        broadcastArb(2).chain(([out, [sa, sb]]) =>
          fc.tuple(fc.constant(out), fc.constant(sa as number[]), fc.constant(sb as number[]), dataArb(size(sa as number[]), op === "pow" ? 0 : -4), dataArb(size(sb as number[]))),
        ),
        (dtype, [out, sa, sb, da, db]) => {
          const [ra, wa] = both(dtype, da);
          const [rb, wb] = both(dtype, db);
          const want = reference.read(reference.binary(op, ra, sa, rb, sb, out));
          const got = wasm.read(wasm.binary(op, wa, sa, wb, sb, out));
          const ulp = op === "pow" ? 2 : 0;
          expectSame(`${op} ${dtype} ${JSON.stringify([sa, sb, out])}`, got, want, (i) => ulp * EPS[dtype] * Math.abs(want[i] as number));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each(["relu", "sigmoid", "tanh", "exp"] as const)("binary add fused with %s (then) equals the two kernels in a row", (then) => {
    fc.assert(
      fc.property(
        dtypeArb,
        broadcastArb(2).chain(([out, [sa, sb]]) => fc.tuple(fc.constant(out), fc.constant(sa as number[]), fc.constant(sb as number[]), dataArb(size(sa as number[])), dataArb(size(sb as number[])))),
        (dtype, [out, sa, sb, da, db]) => {
          const [ra, wa] = both(dtype, da);
          const [rb, wb] = both(dtype, db);
          const fused = wasm.read(wasm.binary("add", wa, sa, wb, sb, out, then));
          const twoPasses = wasm.read(wasm.unary(then, wasm.binary("add", wa, sa, wb, sb, out)));
          expectSame(`add+${then} ${dtype} ${JSON.stringify([sa, sb, out])}`, fused, twoPasses);
          const want = reference.read(reference.binary("add", ra, sa, rb, sb, out, then));
          expectSame(`add+${then} ${dtype} vs reference`, reference.read(reference.unary(then, reference.binary("add", ra, sa, rb, sb, out))), want);
          const ulp = UNARY[then].ulp;
          for (let i = 0; i < want.length; i++) {
            const u = ulps(fused[i] as number, want[i] as number, dtype);
            if (u > (dtype === "float64" ? (UNARY[then].ulp64 ?? ulp) : ulp) && Math.abs((fused[i] as number) - (want[i] as number)) > 1e-40)
              expect.fail(`add+${then} ${dtype}: ${fused[i]}, expected ${want[i]} (${u} ulp)`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each([false, true])("softmax along a random axis (log: %s)", (log) => {
    fc.assert(
      fc.property(
        dtypeArb,
        shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), dataArb(size(s), -30, 30))),
        (dtype, [s, axis, data]) => {
          const [r, w] = both(dtype, data);
          const want = reference.read(reference.softmax(r, s, axis, log));
          const got = wasm.read(wasm.softmax(w, s, axis, log));
          // a few ulp of each output (float32 e^x is within 1 ulp; the sum adds n·ε relative), and
          // the rounding of x - max, which e^x turns into a relative error of |x - max|·ε
          const n = s[axis] as number;
          const spread = 2 * data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          expectSame(
            `softmax ${log ? "(log) " : ""}${dtype} ${JSON.stringify(s)} axis ${axis}`,
            got,
            want,
            (i) => (n + 4 + 2 * spread) * EPS[dtype] * (log ? 1 + Math.abs(want[i] as number) : Math.abs(want[i] as number)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("softmax rows sum to 1 and log-softmax rows log-sum-exp to 0, also for large logits", () => {
    for (const dtype of DTYPES) {
      const x = [1e4, -1e4, 0, 3, 88, 89, -200, 5, 1, 2, 3, 4];
      for (const [shape, axis] of [
        [[3, 4], 1],
        [[3, 4], 0],
        [[2, 6], 1],
      ] as const) {
        const p = wasm.read(wasm.softmax(wasm.fromArray(dtype, x), shape, axis, false));
        const lp = wasm.read(wasm.softmax(wasm.fromArray(dtype, x), shape, axis, true));
        expect(Array.from(p).every(Number.isFinite)).toBe(true);
        expect(Array.from(lp).every((v) => v <= 0 && !Number.isNaN(v))).toBe(true);
        const [outer, n, inner] = axis === 1 ? [shape[0], shape[1], 1] : [1, shape[0], shape[1]];
        for (let o = 0; o < outer; o++)
          for (let j = 0; j < inner; j++) {
            let sp = 0;
            for (let i = 0; i < n; i++) sp += p[(o * n + i) * inner + j] as number;
            expect(Math.abs(sp - 1)).toBeLessThan(1e-6);
          }
      }
    }
  });

  it("where with broadcasting (condition of either dtype)", () => {
    fc.assert(
      fc.property(
        dtypeArb,
        dtypeArb,
        broadcastArb(3).chain(([out, [sc, sa, sb]]) =>
          fc.tuple(
            fc.constant(out),
            fc.constant([sc, sa, sb] as number[][]),
            fc.array(fc.constantFrom(0, 1, -0, 2.5), { minLength: size(sc as number[]), maxLength: size(sc as number[]) }),
            dataArb(size(sa as number[])),
            dataArb(size(sb as number[])),
          ),
        ),
        (dc, dtype, [out, [sc, sa, sb], dcnd, da, db]) => {
          const [rc, wc] = both(dc, dcnd);
          const [ra, wa] = both(dtype, da);
          const [rb, wb] = both(dtype, db);
          const want = reference.read(reference.where(rc, sc as number[], ra, sa as number[], rb, sb as number[], out));
          expectSame("where", wasm.read(wasm.where(wc, sc as number[], wa, sa as number[], wb, sb as number[], out)), want);
        },
      ),
      { numRuns: RUNS },
    );
  });

  /** A batched matmul case: batch shapes that broadcast, M, K, N, transposition flags. */
  const matmulArb = (maxM: number, maxK: number, maxN: number) =>
    fc
      .record({
        batch: broadcastArb(2).filter(([out]) => out.length <= 2 && size(out) <= 6),
        M: fc.integer({ min: 1, max: maxM }),
        K: fc.integer({ min: 0, max: maxK }),
        N: fc.integer({ min: 1, max: maxN }),
        transA: fc.boolean(),
        transB: fc.boolean(),
        dtype: dtypeArb,
      })
      .chain((c) => {
        const [, [ba, bb]] = c.batch;
        const aShape = [...(ba as number[]), ...(c.transA ? [c.K, c.M] : [c.M, c.K])];
        const bShape = [...(bb as number[]), ...(c.transB ? [c.N, c.K] : [c.K, c.N])];
        return fc.tuple(fc.constant({ ...c, aShape, bShape, out: [...c.batch[0], c.M, c.N] }), dataArb(size(aShape)), dataArb(size(bShape)));
      });

  const checkMatmul = ([c, da, db]: readonly [
    { readonly dtype: DType; readonly aShape: number[]; readonly bShape: number[]; readonly out: readonly number[]; readonly transA: boolean; readonly transB: boolean; readonly K: number },
    number[],
    number[],
  ]): void => {
    const [ra, wa] = both(c.dtype, da);
    const [rb, wb] = both(c.dtype, db);
    const want = reference.read(reference.matmul(ra, c.aShape, rb, c.bShape, c.transA, c.transB, c.out));
    // the error bound needs Σ|a||b|: the same product of absolute values
    const [pa, pb] = [reference.fromArray(c.dtype, da.map(Math.abs)), reference.fromArray(c.dtype, db.map(Math.abs))];
    const scale = reference.read(reference.matmul(pa, c.aShape, pb, c.bShape, c.transA, c.transB, c.out));
    const got = wasm.read(wasm.matmul(wa, c.aShape, wb, c.bShape, c.transA, c.transB, c.out));
    // plus one subnormal spacing per term: a product that underflows is rounded in absolute terms
    // (a fused multiply-add may keep a subnormal where a multiply and an add give 0)
    expectSame(`matmul ${JSON.stringify(c)}`, got, want, (i) => 2 * (c.K + 1) * (EPS[c.dtype] * (scale[i] as number) + TINY[c.dtype]));
  };

  it("runs the relaxed-SIMD build when asked (Node 20 and later; fused multiply-adds in matmul)", () => {
    expect(wasmStats().relaxedSimd).toBe(true);
    expect(wasmFile()).toBe("typegrad-relaxed.wasm");
  });

  it("matmul: batched, broadcast, transposed operands, small sizes", () => {
    fc.assert(fc.property(matmulArb(9, 12, 19), checkMatmul), { numRuns: RUNS * 2 });
  });

  it("matmul: sizes across the cache blocks (K > 256, M > 96, ragged edges)", () => {
    fc.assert(
      fc.property(
        matmulArb(110, 300, 40).filter(([c]) => c.out.length === 2),
        checkMatmul,
      ),
      { numRuns: 6 },
    );
  });

  it.each(["sum", "max"] as const)("reduce %s along a random axis", (op) => {
    fc.assert(
      fc.property(
        dtypeArb,
        shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), dataArb(size(s)))),
        (dtype, [s, axis, data]) => {
          const [r, w] = both(dtype, data);
          const want = reference.read(reference.reduce(op, r, s, axis));
          const got = wasm.read(wasm.reduce(op, w, s, axis));
          const bound = op === "sum" ? (s[axis] as number) * EPS[dtype] * 4 * data.reduce((m, v) => m + Math.abs(v), 0) : 0;
          expectSame(`reduce ${op} ${dtype} ${JSON.stringify(s)} axis ${axis}`, got, want, () => bound);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("reduce over an empty axis gives the identity", () => {
    for (const dtype of DTYPES) {
      const [r, w] = both(dtype, []);
      for (const op of ["sum", "max"] as const) expectSame(`reduce ${op} empty`, wasm.read(wasm.reduce(op, w, [2, 0, 3], 1)), reference.read(reference.reduce(op, r, [2, 0, 3], 1)));
    }
  });

  it("argmax (first index on ties)", () => {
    fc.assert(
      fc.property(
        dtypeArb,
        shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: -2, max: 2 }), { minLength: size(s), maxLength: size(s) }))),
        (dtype, [s, axis, data]) => {
          const [r, w] = both(dtype, data);
          expectSame("argmax", wasm.read(wasm.argmax(w, s, axis)), reference.read(reference.argmax(r, s, axis)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("broadcastTo", () => {
    fc.assert(
      fc.property(
        dtypeArb,
        broadcastArb(1).chain(([out, [s]]) => fc.tuple(fc.constant(out), fc.constant(s as number[]), dataArb(size(s as number[])))),
        (dtype, [out, s, data]) => {
          const [r, w] = both(dtype, data);
          expectSame("broadcastTo", wasm.read(wasm.broadcastTo(w, s, out)), reference.read(reference.broadcastTo(r, s, out)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("permute (including blocked 2-D and batched transposes)", () => {
    const bigger = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }).filter((s) => size(s) <= 4000);
    fc.assert(
      fc.property(
        dtypeArb,
        fc.oneof(shapeArb(0, 5), bigger).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }), dataArb(size(s)))),
        (dtype, [s, axes, data]) => {
          const [r, w] = both(dtype, data);
          expectSame(`permute ${JSON.stringify([s, axes])}`, wasm.read(wasm.permute(w, s, axes)), reference.read(reference.permute(r, s, axes)));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("slice, pad and concat along a random axis", () => {
    fc.assert(
      fc.property(
        dtypeArb,
        shapeArb(1, 4).chain((s) =>
          fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), dataArb(size(s))),
        ),
        (dtype, [s, axis, p, q, extra, data]) => {
          const [r, w] = both(dtype, data);
          const n = s[axis] as number;
          const start = Math.min(p, n);
          const end = Math.max(start, n - Math.min(q, n));
          expectSame("slice", wasm.read(wasm.slice(w, s, axis, start, end)), reference.read(reference.slice(r, s, axis, start, end)));
          expectSame("pad", wasm.read(wasm.pad(w, s, axis, p, q)), reference.read(reference.pad(r, s, axis, p, q)));
          const s2 = s.map((d, k) => (k === axis ? extra : d));
          const d2 = Array.from({ length: size(s2) }, (_, i) => i - 3.5);
          const [r2, w2] = both(dtype, d2);
          expectSame("concat", wasm.read(wasm.concat([w, w2, w], [s, s2, s], axis)), reference.read(reference.concat([r, r2, r], [s, s2, s], axis)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("cast, fill, fromArray and read", () => {
    fc.assert(
      fc.property(dtypeArb, dtypeArb, fc.array(fc.double({ noNaN: false }), { maxLength: 40 }), fc.double(), (from, to, data, v) => {
        const [r, w] = both(from, data);
        expectSame("fromArray/read", wasm.read(w), reference.read(r));
        expectSame("cast", wasm.read(wasm.cast(w, to)), reference.read(reference.cast(r, to)));
        expectSame("fill", wasm.read(wasm.fill(to, data.length, v)), reference.read(reference.fill(to, data.length, v)));
      }),
      { numRuns: RUNS },
    );
  });

  it("special values: NaN, infinities, signed zeros, subnormals", () => {
    const specials = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e-40, 3.4e38, -3.4e38, 88.72, 88.73, -87.3, -103.9, -104, 0.625, -0.625, 1e-8, -1e-8];
    for (const dtype of DTYPES) {
      const [r, w] = both(dtype, specials);
      for (const op of Object.keys(UNARY) as UnaryKernel[]) {
        const want = reference.read(reference.unary(op, r));
        const got = wasm.read(wasm.unary(op, w));
        for (let i = 0; i < want.length; i++) {
          const u = ulps(got[i] as number, want[i] as number, dtype);
          if (u > UNARY[op].ulp && Math.abs((got[i] as number) - (want[i] as number)) > 1e-40) expect.fail(`${op} ${dtype}(${specials[i]}) = ${got[i]}, expected ${want[i]}`);
        }
      }
    }
  });
});

// -------------------------------------------------------------------------------------
// approximation accuracy (the bounds documented in assembly/approx.ts)
// -------------------------------------------------------------------------------------

approximationSweeps();

// -------------------------------------------------------------------------------------
// two threads
// -------------------------------------------------------------------------------------

describe("two-thread matrix product", () => {
  beforeAll(async () => {
    await untilThreads(2);
  });

  it("splits by rows and by columns and gives the single-thread result bit for bit", () => {
    expect(wasmStats().threads).toBe(2);
    const cases: [number, number, number, boolean, boolean][] = [
      [150, 130, 140, false, false],
      [131, 257, 70, true, false],
      [8, 600, 700, false, true],
      [12, 300, 1030, true, true],
    ];
    for (const [M, K, N, ta, tb] of cases) {
      for (const dtype of DTYPES) {
        const a = Array.from({ length: M * K }, (_, i) => Math.sin(i));
        const b = Array.from({ length: K * N }, (_, i) => Math.cos(i));
        const as = ta ? [K, M] : [M, K];
        const bs = tb ? [N, K] : [K, N];
        const [wa, wb] = [wasm.fromArray(dtype, a), wasm.fromArray(dtype, b)];
        const two = wasm.read(wasm.matmul(wa, as, wb, bs, ta, tb, [M, N]));
        const prev = configureWasm({ threads: 1 });
        const one = wasm.read(wasm.matmul(wa, as, wb, bs, ta, tb, [M, N]));
        configureWasm(prev);
        expectSame(`${M}x${K}x${N} ${dtype}`, two, one);
        const want = reference.read(reference.matmul(reference.fromArray(dtype, a), as, reference.fromArray(dtype, b), bs, ta, tb, [M, N]));
        expectSame(`${M}x${K}x${N} ${dtype} vs reference`, two, want, () => 2 * K * K * EPS[dtype]);
      }
    }
  });
});

describe("two-thread elementwise kernels", () => {
  beforeAll(async () => {
    configureWasm({ threads: 2 });
    await untilThreads(2);
  });

  it("split unary and binary kernels (broadcast included) give the single-thread result bit for bit", () => {
    expect(wasmStats().threads).toBe(2);
    const before = configureWasm({ splitElementwise: true });
    const splits0 = wasmStats().elementwiseSplits;
    onTestFinished(() => {
      configureWasm(before);
    });
    const ops: readonly UnaryKernel[] = ["sigmoid", "exp", "neg", "tanh"];
    const pairs: readonly (readonly [readonly number[], readonly number[], readonly number[]])[] = [
      [[70001], [70001], [70001]],
      [[70001], [], [70001]],
      [[129, 1025], [1025], [129, 1025]],
      [
        [1025, 129],
        [1025, 1],
        [1025, 129],
      ],
      [
        [3, 257, 97],
        [3, 1, 97],
        [3, 257, 97],
      ],
    ];
    const run = <T>(f: () => T, threads: 1 | 2): T => {
      const prev = configureWasm({ threads });
      try {
        return f();
      } finally {
        configureWasm(prev);
      }
    };
    for (const dtype of DTYPES) {
      const n = 70001;
      const x = wasm.fromArray(
        dtype,
        Array.from({ length: n }, (_, i) => 20 * Math.sin(i)),
      );
      for (const op of ops)
        expectSame(
          `${op} ${dtype}`,
          run(() => wasm.read(wasm.unary(op, x)), 2),
          run(() => wasm.read(wasm.unary(op, x)), 1),
        );
      for (const [sa, sb, out] of pairs) {
        const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
        const a = wasm.fromArray(
          dtype,
          Array.from({ length: size(sa) }, (_, i) => Math.cos(i)),
        );
        const b = wasm.fromArray(
          dtype,
          Array.from({ length: size(sb) }, (_, i) => Math.sin(3 * i)),
        );
        for (const [op, then] of [
          ["add", undefined],
          ["mul", undefined],
          ["gt", undefined],
          ["add", "relu"],
        ] as const) {
          const two = run(() => wasm.read(wasm.binary(op, a, sa, b, sb, out, then)), 2);
          const one = run(() => wasm.read(wasm.binary(op, a, sa, b, sb, out, then)), 1);
          expectSame(`${op} ${dtype} ${JSON.stringify([sa, sb])}`, two, one);
          const want = reference.read(reference.binary(op, reference.fromArray(dtype, wasm.read(a)), sa, reference.fromArray(dtype, wasm.read(b)), sb, out, then));
          expectSame(`${op} ${dtype} ${JSON.stringify([sa, sb])} vs reference`, two, want);
        }
      }
    }
    // every unary call and every binary pair above ran split on the two-thread side
    expect(wasmStats().elementwiseSplits - splits0).toBe(DTYPES.length * (ops.length + pairs.length * 4));
  });
});
