/**
 * `logLossGrad`, the fused pullback of `logLossFromLogits`: the WASM kernel against the reference
 * backend past the SIMD width and the split threshold (both dtypes), the same bits as the
 * five-kernel composition it replaced (any targets), the composition a backend without the
 * kernel runs, extreme logits, and its argument checks.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { wasm } from "../../src/backend/wasm/index.js";
import { astype, div, fromArray, grad, logLossFromLogits, logLossGrad, mul, ShapeError, sigmoid, sub, type Tensor, tensor, toFlat, vjp, wasmStats, withBackend } from "../../src/index.js";
import { negPrim } from "../../src/ops/neg.js";
import { sigmoidPrim } from "../../src/ops/sigmoid.js";
import { subPrim } from "../../src/ops/sub.js";
import { storageOf } from "../../src/tensor/tensor.js";
import { withoutFused } from "./fused-grad-backend.js";

const wave = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.3) * 6);
const shapes: readonly (readonly number[])[] = [[1, 37], [3, 13], [7], [1, 40000], []];
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The fused op on `be`. */
const fused = (be: Backend, shape: readonly number[], z: readonly number[], y: readonly number[], dtype: "float32" | "float64", g = 1.5, m = 7): number[] =>
  withBackend(be, () => Array.from(toFlat(logLossGrad(fromArray(shape as number[], z as number[], { dtype }), fromArray(shape as number[], y as number[], { dtype }), tensor(g, { dtype }), m))));

/** The five kernels it replaced: sigmoid, sub, fill, div, mul. */
const composed = (be: Backend, shape: readonly number[], z: readonly number[], y: readonly number[], dtype: "float32" | "float64", g = 1.5, m = 7): number[] =>
  withBackend(be, () => {
    const Z = fromArray(shape as number[], z as number[], { dtype });
    const Y = fromArray(shape as number[], y as number[], { dtype });
    return Array.from(toFlat(mul(sub(sigmoid(Z), Y), div(tensor(g, { dtype }), m))));
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("logLossGrad", () => {
  it.each(shapes)("agrees with the reference backend on %j, both dtypes, any targets", (...shape) => {
    const n = size(shape);
    const z = wave(n, 0.71);
    const y = wave(n, 1.3).map((v) => Math.abs(v) / 6);
    for (const dtype of ["float32", "float64"] as const) {
      const got = fused(wasm, shape, z, y, dtype);
      const want = fused(reference, shape, z, y, dtype);
      const tol = dtype === "float32" ? 2e-6 : 1e-14;
      for (const [i, v] of want.entries()) expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)));
    }
  });

  it.each(shapes)("gives the bits of the five-kernel composition on WASM (%j), 0/1 and soft targets, both dtypes", (...shape) => {
    const n = size(shape);
    const z = wave(n, 0.71);
    for (const y of [z.map((_, i) => ((i * 7) % 3 === 0 ? 1 : 0)), wave(n, 1.3).map((v) => Math.abs(v) / 6)])
      for (const dtype of ["float32", "float64"] as const)
        for (const [g, m] of [
          [1.5, 7],
          [1, 128],
          [-0.3, 3],
        ] as const)
          expect(fused(wasm, shape, z, y, dtype, g, m)).toEqual(composed(wasm, shape, z, y, dtype, g, m));
  });

  it("is finite and exact in its limits for logits of ±1e4, ±inf, and keeps NaN", () => {
    const z = [1e4, -1e4, Infinity, -Infinity, Number.NaN, 0, -100, 100];
    const y = [1, 0, 0, 1, 1, 1, 0, 1];
    for (const be of [wasm, reference])
      for (const dtype of ["float32", "float64"] as const) {
        const got = fused(be, [8], z, y, dtype, 1, 1);
        expect(got.slice(0, 4)).toEqual([0, 0, 1, -1]);
        expect(Number.isNaN(got[4])).toBe(true);
        expect(got[5]).toBe(-0.5);
        expect(Math.abs(got[6] as number)).toBeLessThan(1e-30);
        expect(got[7]).toBe(0);
      }
  });

  it("runs as the composition on a backend without the fused kernel", () => {
    const { logLossGrad: _, ...rest } = reference as Backend & Record<string, unknown>;
    const plain = Object.assign(Object.create(Object.getPrototypeOf(reference)), rest, { name: "reference without the fused kernel", logLossGrad: undefined }) as Backend;
    for (const shape of shapes) {
      const n = size(shape);
      const z = wave(n, 0.71);
      const y = wave(n, 1.3).map((v) => Math.abs(v) / 6);
      const got = fused(plain, shape, z, y, "float64");
      const want = fused(reference, shape, z, y, "float64");
      for (const [i, v] of want.entries()) expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(1e-15);
    }
  });

  it("runs the backend's fused kernel where it has one: one call, no sigmoid kernel", () => {
    const z = fromArray([3, 13], wave(39, 0.71));
    const Y = fromArray(
      [3, 13],
      wave(39, 1.3).map((v) => Math.abs(v) / 6),
    );
    const fusedCalls = vi.spyOn(reference, "logLossGrad");
    const unary = vi.spyOn(reference, "unary");
    withBackend(reference, () => logLossGrad(z, Y, tensor(1.5), 7));
    expect([fusedCalls.mock.calls.length, unary.mock.calls.length]).toEqual([1, 0]);
  });

  it("without the kernel, the composition hands every kernel shapes that describe its operands and gives back its intermediates, never a shared scalar nor the result", () => {
    const w = withoutFused("logLossGrad");
    const [out, want] = [w.backend, reference].map(
      (be): Tensor =>
        withBackend(be, () =>
          logLossGrad(
            fromArray([3, 13], wave(39, 0.71), { dtype: "float64" }),
            fromArray(
              [3, 13],
              wave(39, 1.3).map((v) => Math.abs(v) / 6),
              { dtype: "float64" },
            ),
            tensor(1.5, { dtype: "float64" }),
            7,
          ),
        ),
    ) as unknown as [Tensor, Tensor];
    expect(w.badShapes).toEqual([]);
    // σ(z), σ(z) − Y and g/m; the fill of m is a shared scalar
    expect(w.released.length).toBe(3);
    expect(new Set(w.released).size).toBe(3);
    expect(w.released.filter((s) => w.shared.has(s))).toEqual([]);
    expect(w.released).not.toContain(storageOf(out));
    const got = Array.from(toFlat(out));
    for (const [i, v] of Array.from(toFlat(want)).entries()) expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(1e-15);
  });

  it("computes only the cotangents asked for, and σ(z) once for z's and g's", () => {
    const z: Tensor = fromArray([2, 3], [0.5, -1, 2, 0, 1, -2]);
    const Y: Tensor = fromArray([2, 3], [1, 0, 0.5, 0, 1, 1]);
    const g = tensor(1.5);
    const ct = fromArray([2, 3], [1, -2, 0.5, 3, -1, 2]);
    /** [sigmoid, sub, neg] kernels run by the pullback. */
    const kernels = (back: (ct: Tensor) => unknown): number[] => {
      const spies = [sigmoidPrim, subPrim, negPrim].map((p) => vi.spyOn(p as { forward: (...a: unknown[]) => unknown }, "forward"));
      back(ct);
      const n = spies.map((s) => s.mock.calls.length);
      vi.restoreAllMocks();
      return n;
    };
    const pullbackOf = (f: (v: Tensor) => Tensor, at: Tensor) => vjp(f, at)[1] as unknown as (ct: Tensor) => unknown;
    // z's: σ(z) once, 1 − σ(z)
    expect(kernels(pullbackOf((v) => logLossGrad(v, Y, g, 7), z))).toEqual([1, 1, 0]);
    // Y's: −ct·g/m, no σ
    expect(kernels(pullbackOf((v) => logLossGrad(z, v, g, 7), Y))).toEqual([0, 0, 1]);
    // g's: σ(z) − Y
    expect(kernels(pullbackOf((v) => logLossGrad(z, Y, v as Tensor<[]>, 7), g))).toEqual([1, 1, 0]);
    // all three: σ(z) still once
    const [, all] = vjp((p: { z: Tensor; Y: Tensor; g: Tensor }) => logLossGrad(p.z, p.Y, p.g as Tensor<[]>, 7), { z, Y, g });
    expect(kernels(all as unknown as (ct: Tensor) => unknown)).toEqual([1, 2, 1]);
  });

  it("is what grad(logLossFromLogits) gives, (σ(z) − y)/m: the old composition's bits on WASM, within a few roundings on the reference (which rounds once, the composition four times)", () => {
    for (const be of [wasm, reference]) {
      const [got, want] = withBackend(be, () => {
        const z = fromArray([1, 5], [-2, -0.5, 0, 0.5, 3]);
        const Y = fromArray([1, 5], [0, 1, 1, 0, 1]);
        return [Array.from(toFlat(grad((w: Tensor<[1, 5]>) => logLossFromLogits(w, Y))(z))), Array.from(toFlat(mul(sub(sigmoid(z), Y), div(tensor(1), 5))))];
      });
      if (be === wasm) expect(got).toEqual(want);
      else for (const [i, v] of want.entries()) expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(2 ** -21 * Math.abs(v));
    }
  });

  it("logLossFromLogits's forward gives back its temporaries: one resident block more, its result", () => {
    withBackend(wasm, () => {
      const z = fromArray([1, 40], wave(40, 0.71));
      const Y = fromArray(
        [1, 40],
        wave(40, 1.3).map((v) => (v > 0 ? 1 : 0)),
      );
      logLossFromLogits(z, Y); // the first call may cache the scalar 1/m
      const before = wasmStats();
      const l = logLossFromLogits(z, Y);
      const after = wasmStats();
      expect(after.resident - before.resident).toBe(1);
      expect(after.released - before.released).toBe(4);
      expect(Number.isFinite(toFlat(l)[0])).toBe(true);
    });
  });

  it("promotes mixed dtypes to the wider one, as logLossFromLogits's ops did", () => {
    const z = fromArray([2, 3], [0.5, -1, 2, 0, 1, -2]);
    const Y = fromArray([2, 3], [1, 0, 0, 0, 0, 1], { dtype: "float64" });
    for (const be of [wasm, reference]) {
      const [g32, g64] = withBackend(be, () => [grad((w: Tensor) => logLossFromLogits(w, Y as never))(z), grad((w: Tensor) => logLossFromLogits(w, Y as never))(astype(z, "float64"))]);
      const want = Array.from(toFlat(g64 as Tensor));
      for (const [i, v] of Array.from(toFlat(g32 as Tensor)).entries()) expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(1e-6);
      expect(withBackend(be, () => logLossGrad(z, Y as never, tensor(1), 2)).dtype).toBe("float64");
    }
  });

  it("names itself, the argument and what was expected", () => {
    const z = fromArray([2, 3], [0, 0, 0, 0, 0, 0]);
    const Y = fromArray([2, 3], [1, 0, 0, 0, 1, 0]);
    expect(() => logLossGrad(z, fromArray([3, 2], [1, 0, 0, 0, 1, 0]) as never, tensor(1), 2)).toThrow(ShapeError);
    expect(() => logLossGrad(z, fromArray([3, 2], [1, 0, 0, 0, 1, 0]) as never, tensor(1), 2)).toThrow(/logLossGrad: 'z' \[2, 3\] and 'Y' \[3, 2\] must have one shape/);
    expect(() => logLossGrad(z, Y, fromArray([1], [1]) as unknown as Tensor<[]>, 2)).toThrow(/logLossGrad: 'g' must be a scalar \(shape \[\]\), got \[1\]/);
    expect(() => logLossGrad(z, Y, tensor(1), 0)).toThrow(/logLossGrad: argument 'm' must be a positive number of examples, got 0/);
    expect(() => logLossGrad(z, Y, tensor(1), Number.NaN)).toThrow(/logLossGrad: argument 'm'/);
    expect(() => logLossGrad(z, "Y" as never, tensor(1), 2)).toThrow(/logLossGrad: argument 'Y'/);
    expect(() => logLossGrad("z" as never, Y, tensor(1), 2)).toThrow(new TypeError(`logLossGrad: argument 'z' must be a Tensor, got string z`));
    expect(() => logLossGrad(z, Y, 1 as never, 2)).toThrow(new TypeError("logLossGrad: argument 'g' must be a Tensor, got number 1"));
    // a target of another rank with the same leading sizes
    expect(() => logLossGrad(z, fromArray([2, 3, 1], [1, 0, 0, 0, 1, 0]) as never, tensor(1), 2)).toThrow(new ShapeError("logLossGrad", "'z' [2, 3] and 'Y' [2, 3, 1] must have one shape"));
    expect(() => logLossGrad(z, Y, tensor(1), Number.POSITIVE_INFINITY)).toThrow(new RangeError("logLossGrad: argument 'm' must be a positive number of examples, got Infinity"));
    expect(() => logLossGrad(z, Y, tensor(1), "2" as never)).toThrow(new RangeError("logLossGrad: argument 'm' must be a positive number of examples, got 2"));
  });
});
