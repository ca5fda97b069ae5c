/**
 * `softmaxCrossEntropyGrad`, the fused pullback of `softmaxCrossEntropy`: the WASM kernel against
 * the reference backend on shapes past the SIMD width (rows, columns and a middle axis, both
 * dtypes), the same bits as the six-kernel composition it replaced for one-hot targets, the
 * composition a backend without the kernel runs, and its argument checks.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";
import { wasm } from "../../src/backend/wasm/index.js";
import {
  astype,
  div,
  exp,
  fromArray,
  grad,
  logSoftmax,
  mul,
  ShapeError,
  softmaxCrossEntropy,
  softmaxCrossEntropyGrad,
  sub,
  sum,
  type Tensor,
  tensor,
  toFlat,
  wasmStats,
  withBackend,
} from "../../src/index.js";
import { storageOf } from "../../src/tensor/tensor.js";
import { withoutFused } from "./fused-grad-backend.js";

const wave = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k + 0.3) * 3);
const oneHot = (shape: readonly number[], axis: number): number[] => {
  const n = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, k) => {
    const i = Math.floor(k / inner) % n;
    const line = Math.floor(k / (inner * n)) * inner + (k % inner);
    return i === (line * 7 + 3) % n ? 1 : 0;
  });
};
const cases: readonly (readonly [string, readonly number[], number])[] = [
  ["rows [37, 13]", [37, 13], 1],
  ["columns [13, 37]", [13, 37], 0],
  ["a middle axis [3, 9, 6]", [3, 9, 6], 1],
  ["rows of 4 [5, 4]", [5, 4], 1],
];

/** The fused op on `be`, from logits, targets and the cotangent. */
const fused = (be: Backend, shape: readonly number[], axis: number, y: readonly number[], dtype: "float32" | "float64", g = 1.5, m = 7): Float32Array | Float64Array =>
  withBackend(be, () => {
    const z = fromArray(shape as number[], wave(y.length, 0.71), { dtype });
    const ls = logSoftmax(z, axis);
    return toFlat(softmaxCrossEntropyGrad(ls, fromArray(shape as number[], y, { dtype }), tensor(g, { dtype }), axis, m));
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("softmaxCrossEntropyGrad", () => {
  it("runs the backend's fused kernel where it has one: one call, no exp kernel", () => {
    const ls = logSoftmax(fromArray([3, 13], wave(39, 0.71)), 1);
    const Y = fromArray([3, 13], oneHot([3, 13], 1));
    const fusedCalls = vi.spyOn(reference, "softmaxCrossEntropyGrad");
    const unary = vi.spyOn(reference, "unary");
    withBackend(reference, () => softmaxCrossEntropyGrad(ls, Y, tensor(1.5), 1, 7));
    expect([fusedCalls.mock.calls.length, unary.mock.calls.length]).toEqual([1, 0]);
  });

  it.each(cases)("agrees with the reference backend on %s, both dtypes, any targets", (_name, shape, axis) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const y = wave(size, 1.3).map((v) => Math.abs(v) / 3);
    for (const dtype of ["float32", "float64"] as const) {
      const got = fused(wasm, shape, axis, y, dtype);
      const want = fused(reference, shape, axis, y, dtype);
      const tol = dtype === "float32" ? 2e-6 : 1e-14;
      for (const [i, v] of want.entries()) expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)));
    }
  });

  it.each(cases)("gives the bits of the six-kernel composition on WASM for one-hot targets (%s)", (_name, shape, axis) => {
    const y = oneHot(shape, axis);
    for (const dtype of ["float32", "float64"] as const) {
      const got = fused(wasm, shape, axis, y, dtype);
      const want = withBackend(wasm, () => {
        const ls = logSoftmax(fromArray(shape as number[], wave(y.length, 0.71), { dtype }), axis);
        const Y = fromArray(shape as number[], y, { dtype });
        return toFlat(mul(sub(mul(exp(ls), sum(Y, axis, true)), Y), div(tensor(1.5, { dtype }), 7)));
      });
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it("softmaxCrossEntropy's forward gives back its temporaries (log-softmax, y·ls): one resident block more, its result", () => {
    withBackend(wasm, () => {
      const z = fromArray([8, 10], wave(80, 0.71));
      const Y = fromArray([8, 10], oneHot([8, 10], 1));
      softmaxCrossEntropy(z, Y, { layout: "rows" }); // the first call may cache the scalar −1/m
      const before = wasmStats();
      const J = softmaxCrossEntropy(z, Y, { layout: "rows" });
      const after = wasmStats();
      expect(after.resident - before.resident).toBe(1);
      expect(after.released - before.released).toBe(3);
      expect(Number.isFinite(toFlat(J)[0])).toBe(true);
    });
  });

  it("runs as the composition on a backend without the fused kernel", () => {
    const { softmaxCrossEntropyGrad: _, ...rest } = reference as Backend & Record<string, unknown>;
    const plain = Object.assign(Object.create(Object.getPrototypeOf(reference)), rest, { name: "reference without the fused kernel", softmaxCrossEntropyGrad: undefined }) as Backend;
    for (const [, shape, axis] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const y = wave(size, 1.3).map((v) => Math.abs(v) / 3);
      const got = fused(plain, shape, axis, y, "float64");
      const want = fused(reference, shape, axis, y, "float64");
      for (const [i, v] of want.entries()) expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(v)));
    }
  });

  it("without the kernel, the composition hands every kernel shapes that describe its operands and gives back its intermediates, never a shared scalar nor the result", () => {
    for (const [, shape, axis] of cases) {
      const w = withoutFused("softmaxCrossEntropyGrad");
      const size = shape.reduce((a, b) => a * b, 1);
      const y = wave(size, 1.3).map((v) => Math.abs(v) / 3);
      const out = withBackend(w.backend, () => {
        const ls = logSoftmax(fromArray(shape as number[], wave(size, 0.71), { dtype: "float64" }), axis);
        w.released.length = 0;
        return softmaxCrossEntropyGrad(ls, fromArray(shape as number[], y, { dtype: "float64" }), tensor(1.5, { dtype: "float64" }), axis, 7);
      });
      expect(w.badShapes).toEqual([]);
      // e^ls, Σ_axis Y, their product, the difference and g/m; the fill of m is a shared scalar
      expect(w.released.length).toBe(5);
      expect(new Set(w.released).size).toBe(5);
      expect(w.released.filter((x) => w.shared.has(x))).toEqual([]);
      expect(w.released).not.toContain(storageOf(out));
      const want = fused(reference, shape, axis, y, "float64");
      for (const [i, v] of Array.from(toFlat(out)).entries()) expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want[i] as number)));
    }
  });

  it("promotes mixed dtypes to the wider one, as softmaxCrossEntropy's ops did", () => {
    const z = fromArray([2, 3], [0.5, -1, 2, 0, 1, -2]);
    const Y = fromArray([2, 3], [1, 0, 0, 0, 0, 1], { dtype: "float64" });
    for (const be of [wasm, reference]) {
      const [g32, g64] = withBackend(be, () => [
        grad((w: Tensor) => softmaxCrossEntropy(w, Y as never, { layout: "rows" }))(z),
        grad((w: Tensor) => softmaxCrossEntropy(w, Y as never, { layout: "rows" }))(astype(z, "float64")),
      ]);
      const want = Array.from(toFlat(g64 as Tensor));
      for (const [i, v] of Array.from(toFlat(g32 as Tensor)).entries()) expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(1e-6);
      const out = withBackend(be, () => softmaxCrossEntropyGrad(logSoftmax(z, 1), Y as never, tensor(1), 1, 2));
      expect(out.dtype).toBe("float64");
    }
  });

  it("names itself, the argument and what was expected", () => {
    const ls = fromArray([2, 3], [0, 0, 0, 0, 0, 0]);
    const Y = fromArray([2, 3], [1, 0, 0, 0, 1, 0]);
    expect(() => softmaxCrossEntropyGrad(ls, fromArray([3, 2], [1, 0, 0, 0, 1, 0]) as never, tensor(1), 1, 2)).toThrow(ShapeError);
    expect(() => softmaxCrossEntropyGrad(ls, fromArray([3, 2], [1, 0, 0, 0, 1, 0]) as never, tensor(1), 1, 2)).toThrow(/softmaxCrossEntropyGrad: 'ls' \[2, 3\] and 'Y' \[3, 2\] must have one shape/);
    expect(() => softmaxCrossEntropyGrad(ls, Y, fromArray([1], [1]) as unknown as Tensor<[]>, 1, 2)).toThrow(/softmaxCrossEntropyGrad: 'g' must be a scalar \(shape \[\]\), got \[1\]/);
    expect(() => softmaxCrossEntropyGrad(ls, Y, tensor(1), 1, 0)).toThrow(/softmaxCrossEntropyGrad: argument 'm' must be a positive number of examples, got 0/);
    expect(() => softmaxCrossEntropyGrad(ls, Y, tensor(1), 2, 2)).toThrow(/softmaxCrossEntropyGrad: axis 2 is out of range/);
    expect(() => softmaxCrossEntropyGrad(ls, Y, tensor(1), 0.5, 2)).toThrow(new TypeError("softmaxCrossEntropyGrad: argument 'axis' must be an integer, got 0.5"));
    expect(() => softmaxCrossEntropyGrad(ls, Y, tensor(1), "1" as never, 2)).toThrow(new TypeError("softmaxCrossEntropyGrad: argument 'axis' must be an integer, got 1"));
    expect(() => softmaxCrossEntropyGrad(ls, Y, tensor(1), 1, Number.POSITIVE_INFINITY)).toThrow(
      new RangeError("softmaxCrossEntropyGrad: argument 'm' must be a positive number of examples, got Infinity"),
    );
    expect(() => softmaxCrossEntropyGrad(ls, Y, tensor(1), 1, "2" as never)).toThrow(new RangeError("softmaxCrossEntropyGrad: argument 'm' must be a positive number of examples, got 2"));
    expect(() => softmaxCrossEntropyGrad(ls, "Y" as never, tensor(1), 1, 2)).toThrow(/softmaxCrossEntropyGrad: argument 'Y'/);
    expect(() => softmaxCrossEntropyGrad("ls" as never, Y, tensor(1), 1, 2)).toThrow(new TypeError("softmaxCrossEntropyGrad: argument 'ls' must be a Tensor, got string ls"));
    expect(() => softmaxCrossEntropyGrad(ls, Y, 1 as never, 1, 2)).toThrow(new TypeError("softmaxCrossEntropyGrad: argument 'g' must be a Tensor, got number 1"));
    // targets of another rank with the same leading sizes, or one size off
    expect(() => softmaxCrossEntropyGrad(ls, fromArray([2, 3, 1], [1, 0, 0, 0, 1, 0]) as never, tensor(1), 1, 2)).toThrow(
      new ShapeError("softmaxCrossEntropyGrad", "'ls' [2, 3] and 'Y' [2, 3, 1] must have one shape"),
    );
    expect(() => softmaxCrossEntropyGrad(ls, fromArray([2, 4], [1, 0, 0, 0, 0, 1, 0, 0]) as never, tensor(1), 1, 2)).toThrow(
      new ShapeError("softmaxCrossEntropyGrad", "'ls' [2, 3] and 'Y' [2, 4] must have one shape"),
    );
  });
});
