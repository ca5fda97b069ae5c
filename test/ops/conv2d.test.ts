/**
 * conv2d beyond its registry laws (src/ops/conv2d.ts): refusals naming the op and the argument;
 * the pullbacks take the routes the module documents (the kernel's cotangent in slices of
 * examples that keep the windows under PATCH_LIMIT; the input's as a convolution, with no window
 * buffer, at stride 1 and padding at most d(k − 1); only the cotangents asked for), each with the
 * values of the adjoint; the sampler reaches images smaller than the dilated kernel.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { PATCH_LIMIT } from "../../src/backend/windows.js";
import { conv2d, fromArray, type Tensor, toFlat, vjp, zeros } from "../../src/index.js";
import { conv2dPrim, sampleConv2d } from "../../src/ops/conv2d.js";
import { col2imPrim, im2colPrim } from "../../src/ops/im2col.js";
import { conv2d as rule } from "../../src/shape/conv.js";
import { rng } from "../../src/tensor/random.js";

const bad = (v: unknown): never => v as never;
const anyConv = conv2d as unknown as (x: Tensor, w: Tensor, o?: object) => Tensor;
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** A float64 tensor of `shape`, values in [-1, 1) from a seed. */
const t64 = (shape: readonly number[], seed: number): Tensor => {
  const r = rng(seed);
  return fromArray(
    shape as number[],
    Array.from({ length: size(shape) }, () => r.uniform() * 2 - 1),
    { dtype: "float64" },
  ) as Tensor;
};
const dot = (a: Tensor, b: Tensor): number => {
  const [p, q] = [toFlat(a), toFlat(b)];
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] as number) * (q[i] as number);
  return s;
};
/** `dx` is the cotangent of `f` (linear) at `ct`: <ct, f(v)> = <dx, v> for a direction v. */
const isCotangent = (f: (v: Tensor) => Tensor, ct: Tensor, dx: Tensor, v: Tensor): boolean => {
  const [lhs, rhs] = [dot(ct, f(v)), dot(dx, v)];
  return Math.abs(lhs - rhs) <= 1e-10 * (1 + Math.abs(lhs));
};

/** The output shapes of each window primitive's forward calls while `f` runs. */
const windowCalls = <T>(f: () => T): { readonly result: T; readonly im2col: number[][]; readonly col2im: number[][]; readonly conv2d: number[][] } => {
  const rec = { im2col: [] as number[][], col2im: [] as number[][], conv2d: [] as number[][] };
  for (const [name, prim] of [
    ["im2col", im2colPrim],
    ["col2im", col2imPrim],
    ["conv2d", conv2dPrim],
  ] as const) {
    const forward = prim.forward as (...a: unknown[]) => unknown;
    vi.spyOn(prim as { forward: (...a: unknown[]) => unknown }, "forward").mockImplementation((...a: unknown[]) => {
      rec[name].push([...(a[3] as readonly number[])]);
      return forward(...a);
    });
  }
  try {
    return { result: f(), ...rec };
  } finally {
    vi.restoreAllMocks();
  }
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("conv2d refusals", () => {
  it("names the op and the argument that is no tensor", () => {
    expect(() => anyConv(bad([1]), zeros([1, 1, 1, 1]))).toThrow(new TypeError("conv2d: argument 'x' must be a Tensor, got an array"));
    expect(() => anyConv(zeros([1, 2, 2, 1]), bad(3))).toThrow(new TypeError("conv2d: argument 'kernel' must be a Tensor, got number 3"));
    expect(() => anyConv(zeros([1, 4, 4, 1]), zeros([2, 2, 1, 1]), { strides: 2 })).toThrow(new TypeError("conv2d: unknown option 'strides' (did you mean 'stride'?)"));
  });
});

describe("the kernel's cotangent", () => {
  it("over a batch whose windows exceed PATCH_LIMIT: slices of as many examples as the bound holds, summing to the whole batch's cotangent", () => {
    // 128·128 windows of 3·3·8 per example: 3 examples fit the bound, 6 do not
    const x = t64([6, 130, 130, 8], 1);
    const W = t64([3, 3, 8, 2], 2);
    const perExample = 128 * 128 * 3 * 3 * 8;
    expect([3 * perExample <= PATCH_LIMIT, 4 * perExample > PATCH_LIMIT]).toEqual([true, true]);
    const [y, back] = vjp((w: Tensor) => anyConv(x, w), W);
    const ct = t64(y.shape as number[], 3);
    const calls = windowCalls(() => back(ct as never) as Tensor);
    expect(calls.im2col).toEqual([
      [3, 128, 128, 3, 3, 8],
      [3, 128, 128, 3, 3, 8],
    ]);
    // the input is a constant: no input cotangent computed
    expect([calls.conv2d, calls.col2im]).toEqual([[], []]);
    // the sum of the slices' cotangents is the cotangent of the whole batch
    expect(isCotangent((v) => anyConv(x, v), ct, calls.result, t64([3, 3, 8, 2], 4))).toBe(true);
  });

  it("over a batch that fits the bound: one im2col of the whole batch", () => {
    const x = t64([5, 6, 6, 3], 5);
    const W = t64([3, 3, 3, 4], 6);
    const [y, back] = vjp((w: Tensor) => anyConv(x, w), W);
    const calls = windowCalls(() => back(t64(y.shape as number[], 7) as never));
    expect(calls.im2col).toEqual([[5, 4, 4, 3, 3, 3]]);
  });
});

describe("the input's cotangent", () => {
  /** The window primitives the input's pullback calls (the kernel a constant); its value checked against the adjoint. */
  const inputRoute = (xShape: number[], wShape: number[], opts: object): { conv2d: number; col2im: number; im2col: number } => {
    const x = t64(xShape, 11);
    const W = t64(wShape, 12);
    const [y, back] = vjp((z: Tensor) => anyConv(z, W, opts), x);
    const ct = t64(y.shape as number[], 13);
    const calls = windowCalls(() => back(ct as never) as Tensor);
    expect(isCotangent((v) => anyConv(v, W, opts), ct, calls.result, t64(xShape, 14))).toBe(true);
    return { conv2d: calls.conv2d.length, col2im: calls.col2im.length, im2col: calls.im2col.length };
  };
  const convolution = { conv2d: 1, col2im: 0, im2col: 0 };
  const windows = { conv2d: 0, col2im: 1, im2col: 0 };

  it("at stride 1 and padding up to d(k − 1): a convolution of ct, no window buffer", () => {
    expect(inputRoute([2, 6, 5, 2], [3, 2, 2, 3], {})).toEqual(convolution);
    expect(inputRoute([2, 6, 5, 2], [3, 3, 2, 3], { padding: "same" })).toEqual(convolution);
    // padding exactly d(k − 1) on both axes
    expect(inputRoute([1, 4, 4, 2], [3, 2, 2, 2], { padding: [2, 1] })).toEqual(convolution);
    expect(inputRoute([1, 5, 5, 2], [2, 2, 2, 2], { padding: 2, dilation: 2 })).toEqual(convolution);
    // grouped
    expect(inputRoute([1, 5, 5, 4], [3, 3, 2, 4], { groups: 2, padding: 1 })).toEqual(convolution);
  });

  it("at a larger stride, or padding beyond d(k − 1) on either axis: the windows' cotangents added back (col2im)", () => {
    expect(inputRoute([2, 7, 7, 2], [3, 3, 2, 3], { stride: 2 })).toEqual(windows);
    expect(inputRoute([2, 7, 6, 2], [3, 2, 2, 3], { stride: [1, 2] })).toEqual(windows);
    expect(inputRoute([2, 7, 7, 2], [3, 3, 2, 3], { stride: [2, 1] })).toEqual(windows);
    expect(inputRoute([1, 4, 4, 2], [1, 1, 2, 2], { padding: 1 })).toEqual(windows);
    expect(inputRoute([1, 4, 4, 2], [3, 3, 2, 2], { padding: [3, 2] })).toEqual(windows);
    expect(inputRoute([1, 4, 4, 2], [3, 3, 2, 2], { padding: [2, 3] })).toEqual(windows);
    expect(inputRoute([1, 5, 5, 4], [3, 3, 2, 4], { groups: 2, stride: 2 })).toEqual(windows);
  });

  it("at a larger stride over a batch whose windows exceed PATCH_LIMIT: col2im on slices of as many examples as the bound holds, concatenated", () => {
    // stride 2: 128·128 windows of 3·3·8 per example; 3 examples fit the bound, 4 do not
    const x = t64([7, 257, 257, 8], 31);
    const W = t64([3, 3, 8, 2], 32);
    const perExample = 128 * 128 * 3 * 3 * 8;
    expect([3 * perExample <= PATCH_LIMIT, 4 * perExample > PATCH_LIMIT]).toEqual([true, true]);
    const [y, back] = vjp((z: Tensor) => anyConv(z, W, { stride: 2 }), x);
    const ct = t64(y.shape as number[], 33);
    const calls = windowCalls(() => back(ct as never) as Tensor);
    expect(calls.col2im).toEqual([
      [3, 257, 257, 8],
      [3, 257, 257, 8],
      [1, 257, 257, 8],
    ]);
    expect([calls.conv2d, calls.im2col]).toEqual([[], []]);
    expect(calls.result.shape).toEqual([7, 257, 257, 8]);
    expect(isCotangent((v) => anyConv(v, W, { stride: 2 }), ct, calls.result, t64([7, 257, 257, 8], 34))).toBe(true);
  });

  it("grouped, the bound counts every group's windows; a batch the slices divide exactly gets no empty slice", () => {
    // stride 2, 2 groups of 8 channels: 128·128 windows of 3·3·16 per example, over half the bound
    const x = t64([2, 257, 257, 16], 35);
    const W = t64([3, 3, 8, 2], 36);
    const perExample = 128 * 128 * 3 * 3 * 16;
    expect([perExample <= PATCH_LIMIT, 2 * perExample > PATCH_LIMIT]).toEqual([true, true]);
    const [y, back] = vjp((z: Tensor) => anyConv(z, W, { stride: 2, groups: 2 }), x);
    const ct = t64(y.shape as number[], 37);
    const calls = windowCalls(() => back(ct as never) as Tensor);
    expect(calls.col2im).toEqual([
      [1, 257, 257, 16],
      [1, 257, 257, 16],
    ]);
    expect(isCotangent((v) => anyConv(v, W, { stride: 2, groups: 2 }), ct, calls.result, t64([2, 257, 257, 16], 38))).toBe(true);
  });

  it("is not computed when the image is a constant, nor the kernel's when the kernel is", () => {
    const x = t64([2, 5, 5, 2], 21);
    const W = t64([3, 3, 2, 2], 22);
    const [y, backW] = vjp((w: Tensor) => anyConv(x, w), W);
    const ct = t64(y.shape as number[], 23);
    const onlyW = windowCalls(() => backW(ct as never));
    expect([onlyW.conv2d.length, onlyW.col2im.length, onlyW.im2col.length]).toEqual([0, 0, 1]);
    const [, backX] = vjp((z: Tensor) => anyConv(z, W, { stride: 2 }), x);
    const onlyX = windowCalls(() => backX(t64([2, 2, 2, 2], 24) as never));
    expect([onlyX.conv2d.length, onlyX.col2im.length, onlyX.im2col.length]).toEqual([0, 1, 0]);
  });
});

describe("sampleConv2d", () => {
  it("draws valid convolutions, among them images smaller than the dilated kernel that explicit padding makes valid", () => {
    const g = seededGen(rng(8));
    let small = 0;
    for (let i = 0; i < 1500; i++) {
      const { image, kernel, opts } = sampleConv2d(g);
      expect(() => rule(image, kernel, opts)).not.toThrow();
      const [kh, kw] = kernel as [number, number];
      const span = (k: number, d: number): number => d * (k - 1) + 1;
      if (typeof opts.padding === "number" && ((image[1] as number) < span(kh, opts.dilation[0]) || (image[2] as number) < span(kw, opts.dilation[1]))) small++;
    }
    expect(small).toBeGreaterThan(20);
  });
});
