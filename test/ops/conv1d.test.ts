/**
 * conv1d beyond its registry laws (src/ops/conv1d.ts): refusals naming the op, the argument and
 * what was expected; null options are the defaults; the sampler reaches the shortest sequences
 * each padding allows.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { conv1d, ones, ShapeError, type Tensor, toFlat, zeros } from "../../src/index.js";
import { conv1dDef } from "../../src/ops/conv1d.js";
import { rng } from "../../src/tensor/random.js";

const bad = (v: unknown): never => v as never;
const anyConv1d = conv1d as unknown as (x: Tensor, w: Tensor, o?: unknown) => Tensor;

describe("conv1d refusals", () => {
  const x = zeros([2, 5, 3]) as Tensor;
  const w = zeros([2, 3, 4]) as Tensor;

  it("names the argument that is no tensor", () => {
    expect(() => anyConv1d(bad("x"), w)).toThrow(new TypeError("conv1d: argument 'x' must be a Tensor, got string x"));
    expect(() => anyConv1d(x, bad(undefined))).toThrow(new TypeError("conv1d: argument 'kernel' must be a Tensor, got undefined"));
  });

  it("refuses an input or a kernel of another rank, showing its shape", () => {
    expect(() => anyConv1d(zeros([5, 3]) as Tensor, w)).toThrow(new ShapeError("conv1d", "the input must be [m, length, channels], got [5, 3]"));
    expect(() => anyConv1d(zeros([1, 2, 5, 3]) as Tensor, w)).toThrow(new ShapeError("conv1d", "the input must be [m, length, channels], got [1, 2, 5, 3]"));
    expect(() => anyConv1d(x, zeros([1, 2, 3, 4]) as Tensor)).toThrow(new ShapeError("conv1d", "the kernel must be [k, inChannels, outChannels], got [1, 2, 3, 4]"));
  });

  it("refuses options that are no object; null and undefined are the defaults", () => {
    expect(() => anyConv1d(x, w, "same")).toThrow(new TypeError("conv1d: argument 'opts' must be an options object, got same"));
    expect(() => anyConv1d(x, w, 2)).toThrow(new TypeError("conv1d: argument 'opts' must be an options object, got 2"));
    for (const o of [null, undefined, {}]) expect(anyConv1d(x, w, o).shape).toEqual([2, 4, 4]);
    expect(Array.from(toFlat(anyConv1d(ones([1, 3, 1]) as Tensor, ones([2, 1, 1]) as Tensor, { padding: 1 })))).toEqual([1, 2, 2, 1]);
  });
});

describe("the conv1d sampler", () => {
  it("reaches, for every explicit padding p, kernel size k and dilation d, the shortest valid sequence max(1, d(k − 1) + 1 − 2p)", () => {
    const g = seededGen(rng(9));
    const shortest = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const c = conv1dDef.spec.sample(g);
      const [x, w] = c.inputs.map((input) => input.shape) as [number[], number[]];
      expect(() => conv1dDef.shape([x, w], c.params)).not.toThrow();
      const p = c.params.padding;
      if (typeof p !== "number") continue;
      const key = `${p} ${w[0]} ${c.params.dilation}`;
      shortest.set(key, Math.min(shortest.get(key) ?? Number.POSITIVE_INFINITY, x[1] as number));
    }
    for (const p of [0, 1, 2]) for (const k of [1, 2, 3]) for (const d of [1, 2]) expect([p, k, d, shortest.get(`${p} ${k} ${d}`)]).toEqual([p, k, d, Math.max(1, d * (k - 1) + 1 - 2 * p)]);
  });
});
