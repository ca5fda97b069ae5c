/**
 * Laws of the convolution family beyond the registry's (forward = the defining sum, float64
 * gradients by dot product against central differences, for every sampled configuration):
 * conv2dTranspose is conv2d's adjoint; groups are separate convolutions; pooling identities;
 * batch norm's training output is standardised per channel and inference uses the running
 * statistics, which training returns anew (never mutating the old ones); and the WASM kernels
 * agree with the reference backend on larger random shapes (odd sizes, strides, padding,
 * dilation), forward and both cotangents.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convByWindows } from "../../src/backend/windows.js";
import {
  avgPool2d,
  batchNorm,
  batchNormState,
  concat,
  conv2d,
  conv2dTranspose,
  fromArray,
  globalAvgPool2d,
  maxPool2d,
  mul,
  reference,
  shapes,
  slice,
  sum,
  type Tensor,
  toFlat,
  vjp,
  wasm,
  withBackend,
} from "../../src/index.js";
import type { PatchGeometry } from "../../src/shape/conv.js";

const f64 = { dtype: "float64" } as const;
const numRuns = 25;

/** A float64 tensor of `shape` from a seed (values in [-1, 1)). */
const data = (shape: readonly number[], seed: number): number[] => {
  let s = seed >>> 0 || 1;
  return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
};
const t64 = (shape: readonly number[], seed: number): Tensor => fromArray(shape as number[], data(shape, seed), f64) as Tensor;
const dot = (a: Tensor, b: Tensor): number => {
  const x = Array.from(toFlat(a));
  const y = toFlat(b);
  return x.reduce((s, v, i) => s + v * (y[i] as number), 0);
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number): boolean => a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - (b[i] as number)) <= tol * (1 + Math.abs(v)));

const anyConv = conv2d as unknown as (x: Tensor, w: Tensor, o?: object) => Tensor;
const anyConvT = conv2dTranspose as unknown as (x: Tensor, w: Tensor, o?: object) => Tensor;
const anyMax = maxPool2d as unknown as (x: Tensor, k: number | readonly [number, number], o?: object) => Tensor;
const anyAvg = avgPool2d as unknown as (x: Tensor, k: number | readonly [number, number], o?: object) => Tensor;

describe("conv2d", () => {
  it("conv2dTranspose is its adjoint: <conv2d(x, W), y> = <x, conv2dTranspose(y, W)>", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 1 }), fc.integer(), (k, ci, s, p, seed) => {
        // H chosen so that the stride divides evenly and the transpose maps back to H
        const out = 3;
        const H = (out - 1) * s + k - 2 * p;
        fc.pre(H >= 1 && p < k);
        const x = t64([2, H, H, ci], seed);
        const W = t64([k, k, ci, 2], seed + 1);
        const y = t64([2, out, out, 2], seed + 2);
        const lhs = dot(anyConv(x, W, { stride: s, padding: p }), y);
        const rhs = dot(x, anyConvT(y, W, { stride: s, padding: p }));
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
      }),
      { numRuns },
    );
  });

  it("groups are separate convolutions of the channel groups, concatenated", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer(), (G, ci, seed) => {
        const x = t64([1, 5, 4, ci * G], seed);
        const W = t64([3, 2, ci, 2 * G], seed + 1);
        const whole = anyConv(x, W, { groups: G, padding: "same" });
        const parts = Array.from({ length: G }, (_, g) => anyConv(slice(x, 3, g * ci, (g + 1) * ci) as Tensor, slice(W, 3, 2 * g, 2 * g + 2) as Tensor, { padding: "same" }));
        return close(toFlat(whole), toFlat(concat(parts as never, 3) as Tensor), 1e-12);
      }),
      { numRuns },
    );
  });

  it("a batch whose windows exceed the memory bound runs in slices of examples, with the same result and gradient shapes", () => {
    const x = fromArray([20, 40, 40, 8], data([20, 40, 40, 8], 3)) as Tensor;
    const W = fromArray([5, 5, 8, 2], data([5, 5, 8, 2], 4)) as Tensor;
    const [y, back] = vjp((q: { x: Tensor; W: Tensor }) => anyConv(q.x, q.W), { x, W });
    expect(y.shape).toEqual([20, 36, 36, 2]);
    for (const i of [0, 15, 16, 19]) {
      const one = anyConv(slice(x, 0, i, i + 1) as Tensor, W);
      expect(close(toFlat(slice(y, 0, i, i + 1) as Tensor), toFlat(one), 1e-6)).toBe(true);
    }
    const g = back(y as never);
    expect([g.x.shape, g.W.shape]).toEqual([x.shape, W.shape]);
    // the kernel's cotangent (summed over slices of examples) equals the sum over two halves, each under the bound
    const half = (s: number) => vjp((w: Tensor) => anyConv(slice(x, 0, s, s + 10) as Tensor, w), W)[1](slice(y, 0, s, s + 10) as never) as Tensor;
    const parts = [toFlat(half(0)), toFlat(half(10))];
    expect(
      close(
        toFlat(g.W),
        Array.from(parts[0] as ArrayLike<number>, (v, i) => v + ((parts[1] as ArrayLike<number>)[i] as number)),
        1e-4,
      ),
    ).toBe(true);
    // im2col + gemm in slices (the fallback) gives the same forward
    const b = withBackend(wasm, () =>
      wasm.read(
        convByWindows(wasm, wasm.fromArray("float32", toFlat(x)), [20, 40, 40, 8], wasm.fromArray("float32", toFlat(W)), [5, 5, 8, 2], shapes.windowGeometry("conv2d", [20, 40, 40, 8], [5, 5], {}), 1),
      ),
    );
    expect(close(toFlat(y), b, 1e-5)).toBe(true);
  });

  it("a 1×1 kernel is a matrix product over the channels", () => {
    const x = t64([2, 3, 3, 4], 7);
    const W = t64([1, 1, 4, 5], 8);
    const y = anyConv(x, W);
    const manual = data([2, 3, 3, 4], 7);
    const w = data([1, 1, 4, 5], 8);
    const want: number[] = [];
    for (let r = 0; r < 18; r++) for (let f = 0; f < 5; f++) want.push([0, 1, 2, 3].reduce((s, c) => s + (manual[r * 4 + c] as number) * (w[c * 5 + f] as number), 0));
    expect(close(toFlat(y), want, 1e-12)).toBe(true);
  });
});

describe("pooling identities", () => {
  it("a 1×1 window is the identity; max ≥ mean; a constant image pools to itself", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer(), (k, s, seed) => {
        const x = t64([2, 5, 6, 3], seed);
        expect(Array.from(toFlat(anyMax(x, 1)))).toEqual(Array.from(toFlat(x)));
        expect(close(toFlat(anyAvg(x, 1)), toFlat(x), 1e-15)).toBe(true);
        const mx = toFlat(anyMax(x, k, { stride: s, padding: "same" }));
        const av = toFlat(anyAvg(x, k, { stride: s, padding: "same" }));
        expect(Array.from(mx).every((v, i) => v >= (av[i] as number) - 1e-12)).toBe(true);
        const c = fromArray([1, 5, 6, 2], new Array(60).fill(0.75), f64) as Tensor;
        expect(Array.from(toFlat(anyAvg(c, k, { stride: s, padding: "same" }))).every((v) => Math.abs(v - 0.75) < 1e-12)).toBe(true);
        expect(Array.from(toFlat(anyMax(c, k, { stride: s, padding: "same" }))).every((v) => v === 0.75)).toBe(true);
      }),
      { numRuns },
    );
  });

  it("the global average is the average pool with the whole image as its window", () => {
    const x = t64([3, 4, 5, 2], 11);
    expect(close(toFlat(globalAvgPool2d(x as Tensor<[3, 4, 5, 2]>)), toFlat(anyAvg(x, [4, 5])), 1e-14)).toBe(true);
  });

  it("max pooling's cotangent goes to each window's maximum", () => {
    const x = fromArray([1, 2, 2, 1], [1, 4, 3, 2], f64);
    const [, back] = vjp((v: Tensor<[1, 2, 2, 1]>) => sum(maxPool2d(v, 2)), x);
    expect(Array.from(toFlat(back(fromArray([], [1], f64) as never)))).toEqual([0, 1, 0, 0]);
  });
});

describe("batchNorm", () => {
  it("training: per-channel zero mean and unit variance (γ = 1, β = 0); running statistics move by the momentum; the old state is untouched", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (m, C, seed) => {
        const x = mul(t64([m, 3, 2, C], seed), 5) as Tensor;
        const s0 = batchNormState(C, f64);
        const ones = fromArray([C], new Array(C).fill(1), f64);
        const zeros = fromArray([C], new Array(C).fill(0), f64);
        const { y, state } = batchNorm(x as Tensor<[number, 3, 2, number]>, ones as never, zeros as never, s0 as never, { training: true, momentum: 0.8, epsilon: 1e-12 });
        const v = toFlat(y as Tensor);
        const xs = toFlat(x);
        const N = m * 6;
        for (let c = 0; c < C; c++) {
          let mu = 0;
          let sq = 0;
          let xmu = 0;
          for (let n = 0; n < N; n++) {
            mu += (v[n * C + c] as number) / N;
            sq += (v[n * C + c] as number) ** 2 / N;
            xmu += (xs[n * C + c] as number) / N;
          }
          expect(Math.abs(mu)).toBeLessThan(1e-9);
          expect(Math.abs(sq - 1)).toBeLessThan(1e-6);
          expect(Math.abs((toFlat(state.mean)[c] as number) - 0.2 * xmu)).toBeLessThan(1e-12);
        }
        expect(Array.from(toFlat(s0.mean))).toEqual(new Array(C).fill(0));
        expect(Array.from(toFlat(s0.variance))).toEqual(new Array(C).fill(1));
      }),
      { numRuns },
    );
  });

  it("inference uses the running statistics and returns the state unchanged", () => {
    const x = t64([4, 3], 5);
    const state = { mean: fromArray([3], [0.5, -1, 2], f64), variance: fromArray([3], [4, 1, 0.25], f64) };
    const gamma = fromArray([3], [1, 2, 3], f64);
    const beta = fromArray([3], [0, 1, -1], f64);
    const r = batchNorm(x as Tensor<[4, 3]>, gamma as never, beta as never, state as never, { training: false, epsilon: 1e-9 });
    const xs = data([4, 3], 5);
    const want = xs.map((v, i) => ([1, 2, 3][i % 3] as number) * ((v - ([0.5, -1, 2][i % 3] as number)) / Math.sqrt(([4, 1, 0.25][i % 3] as number) + 1e-9)) + ([0, 1, -1][i % 3] as number));
    expect(close(toFlat(r.y as Tensor), want, 1e-12)).toBe(true);
    expect(r.state).toBe(state);
  });
});

describe("the WASM kernels agree with the reference backend on larger shapes", () => {
  it("conv2d forward and both cotangents, conv2dTranspose, pooling (float32)", () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 3 }),
          H: fc.integer({ min: 7, max: 17 }),
          W: fc.integer({ min: 7, max: 17 }),
          ci: fc.integer({ min: 1, max: 9 }),
          co: fc.integer({ min: 1, max: 11 }),
          k: fc.integer({ min: 1, max: 5 }),
          s: fc.integer({ min: 1, max: 3 }),
          d: fc.integer({ min: 1, max: 2 }),
          p: fc.constantFrom<"valid" | "same" | number>("valid", "same", 1, 2),
          seed: fc.integer(),
        }),
        ({ m, H, W, ci, co, k, s, d, p, seed }) => {
          const opts = { stride: s, dilation: d, padding: p };
          fc.pre(d * (k - 1) + 1 <= Math.min(H, W));
          const run = () => {
            const x = fromArray([m, H, W, ci], data([m, H, W, ci], seed)) as Tensor;
            const w = fromArray([k, k, ci, co], data([k, k, ci, co], seed + 1)) as Tensor;
            const [y, back] = vjp((q: { x: Tensor; w: Tensor }) => anyConv(q.x, q.w, opts), { x, w });
            const ct = fromArray(y.shape as number[], data(y.shape as number[], seed + 2)) as Tensor;
            const g = back(ct as never);
            const yt = anyConvT(ct, w, opts);
            const mp = anyMax(x, Math.min(k, 3), { stride: s, padding: p === "valid" ? "valid" : "same" });
            return [y, g.x, g.w, yt, mp].map((t) => toFlat(t as Tensor));
          };
          const want = withBackend(reference, run);
          const got = withBackend(wasm, run);
          want.forEach((a, i) => {
            const b = got[i] as ArrayLike<number>;
            const scale = Math.max(1, ...Array.from(a).map(Math.abs));
            expect(
              Array.from(b).every((v, j) => Math.abs(v - (a[j] as number)) <= 1e-4 * scale),
              `output ${i}`,
            ).toBe(true);
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  it("conv2d with groups (depthwise included), per-axis strides, dilations and explicit padding, float32 and float64: forward and both cotangents", () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 3 }),
          H: fc.integer({ min: 5, max: 15 }),
          W: fc.integer({ min: 5, max: 15 }),
          groups: fc.constantFrom(1, 2, 3),
          ci: fc.integer({ min: 1, max: 6 }),
          og: fc.integer({ min: 1, max: 10 }),
          kh: fc.integer({ min: 1, max: 4 }),
          kw: fc.integer({ min: 1, max: 4 }),
          s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          p: fc.oneof(fc.constantFrom<"valid" | "same">("valid", "same"), fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
          dtype: fc.constantFrom("float32" as const, "float64" as const),
          seed: fc.integer(),
        }),
        ({ m, H, W, groups, ci, og, kh, kw, s, d, p, dtype, seed }) => {
          const opts = { stride: s, dilation: d, padding: p, groups };
          const pads = typeof p === "string" ? [0, 0] : p;
          fc.pre(d[0] * (kh - 1) + 1 <= H + 2 * (pads[0] as number) && d[1] * (kw - 1) + 1 <= W + 2 * (pads[1] as number));
          const C = ci * groups;
          const run = () => {
            const x = fromArray([m, H, W, C], data([m, H, W, C], seed), { dtype }) as Tensor;
            const w = fromArray([kh, kw, ci, og * groups], data([kh, kw, ci, og * groups], seed + 1), { dtype }) as Tensor;
            const [y, back] = vjp((q: { x: Tensor; w: Tensor }) => anyConv(q.x, q.w, opts), { x, w });
            const ct = fromArray(y.shape as number[], data(y.shape as number[], seed + 2), { dtype }) as Tensor;
            const g = back(ct as never);
            return [y, g.x, g.w].map((t) => toFlat(t as Tensor));
          };
          const want = withBackend(reference, run);
          const got = withBackend(wasm, run);
          const tol = dtype === "float64" ? 1e-12 : 1e-4;
          want.forEach((a, i) => {
            const b = got[i] as ArrayLike<number>;
            const scale = Math.max(1, ...Array.from(a).map(Math.abs));
            expect(
              Array.from(b).every((v, j) => Math.abs(v - (a[j] as number)) <= tol * scale),
              `output ${i}`,
            ).toBe(true);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("the WASM backend's direct kernel equals im2col + gemm (convByWindows) on the same backend", () => {
    const cases: [number[], number[], PatchGeometry, number][] = [
      [[3, 11, 13, 8], [3, 3, 8, 16], { kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 1, padLeft: 1, outH: 11, outW: 13 }, 1],
      [[2, 9, 10, 6], [2, 3, 2, 9], { kh: 2, kw: 3, sh: 2, sw: 1, dh: 2, dw: 2, padTop: 0, padLeft: 2, outH: 4, outW: 10 }, 3],
      [[2, 8, 8, 5], [3, 3, 1, 5], { kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, padTop: 1, padLeft: 1, outH: 4, outW: 4 }, 5],
      [[1, 7, 9, 1], [5, 5, 1, 7], { kh: 5, kw: 5, sh: 1, sw: 1, dh: 1, dw: 1, padTop: 2, padLeft: 2, outH: 7, outW: 9 }, 1],
    ];
    for (const [xs, ws, g, groups] of cases)
      for (const dtype of ["float32", "float64"] as const) {
        const x = wasm.fromArray(dtype, data(xs, 5));
        const w = wasm.fromArray(dtype, data(ws, 6));
        const a = wasm.read(wasm.conv2d(x, xs, w, ws, g, groups));
        const b = wasm.read(convByWindows(wasm, x, xs, w, ws, g, groups));
        const r = reference.read(reference.conv2d(reference.fromArray(dtype, data(xs, 5)), xs, reference.fromArray(dtype, data(ws, 6)), ws, g, groups));
        expect(a.length).toBe(r.length);
        const tol = dtype === "float64" ? 1e-12 : 1e-5;
        expect(close(a, b, tol), `${JSON.stringify([xs, ws, groups])} ${dtype}: direct vs windows`).toBe(true);
        expect(close(a, r, tol), `${JSON.stringify([xs, ws, groups])} ${dtype}: direct vs reference`).toBe(true);
      }
  });
});
