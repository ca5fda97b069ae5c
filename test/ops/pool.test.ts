/**
 * The pooling ops at their edges: every refusal in full (the op, the argument, what was
 * expected); both ops equal their loop references over every combination of window, stride
 * (default, one number, a pair) and padding ("valid", "same", explicit, per axis); hand-computed
 * windows clipped by the padding at either end; the pullbacks' documented rules (max: ties split
 * evenly, padding never wins; mean: each cell gets 1 / the count of every window it is in); the
 * global average's refusals and shape twin; what the samplers draw; the error models.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { avgPool2d, fromArray, globalAvgPool2d, grad, maxPool2d, ShapeError, sum, type Tensor, tensor, toArray, toFlat } from "../../src/index.js";
import { avgPool2dDef } from "../../src/ops/avgPool2d.js";
import { globalAvgPool2dDef } from "../../src/ops/globalAvgPool2d.js";
import { type PoolOptions, type PoolParams, poolDense, samplePool } from "../../src/ops/maxPool2d.js";
import { type Case, domains, errorTolerance } from "../../src/ops/spec.js";
import { samplePadding } from "../../src/ops/window.js";
import { rng } from "../../src/tensor/random.js";

type Pool = (x: unknown, size: unknown, opts?: unknown) => Tensor;
const ops: readonly (readonly [string, Pool, (cells: readonly number[]) => number])[] = [
  ["maxPool2d", maxPool2d as unknown as Pool, (cells) => Math.max(...cells)],
  ["avgPool2d", avgPool2d as unknown as Pool, (cells) => cells.reduce((a, b) => a + b, 0) / cells.length],
];
const f64 = { dtype: "float64" } as const;
/** A float64 image of `shape` with distinct values (a fixed permutation, signs mixed). */
const image = (shape: readonly number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromArray(
    shape as number[],
    Array.from({ length: n }, (_, i) => ((i * 37) % n) - n / 2 + 0.25),
    f64,
  ) as Tensor;
};
const x33 = tensor([
  [
    [[1], [2], [3]],
    [[4], [5], [6]],
    [[7], [8], [9]],
  ],
]);

describe.each(ops)("%s refuses bad arguments, naming itself, the argument and what it expected", (name, pool) => {
  it("the input", () => {
    expect(() => pool(1, 2)).toThrow(new TypeError(`${name}: argument 'x' must be a Tensor, got number 1`));
  });

  it("the window size: an integer ≥ 1 or a pair of them", () => {
    for (const size of ["x", "22", { length: 2 }, [2, 2, 2], [2], [], [0, 2], [2, 0], [1.5, 2], [2, 1.5], 0, 1.5, null])
      expect(() => pool(x33, size)).toThrow(new TypeError(`${name}: argument 'size' must be an integer ≥ 1 or a pair of them, got ${JSON.stringify(size)}`));
  });

  it("the options: an object without 'dilation', explicit padding smaller than the window", () => {
    expect(() => pool(x33, 2, { dilation: 1 })).toThrow(new TypeError(`${name}: pooling takes no 'dilation' option`));
    expect(() => pool(x33, 2, 5)).toThrow(new TypeError(`${name}: argument 'opts' must be an options object, got 5`));
    for (const [size, padding] of [
      [2, 2],
      [2, [2, 0]],
      [2, [0, 2]],
      [
        [3, 2],
        [3, 0],
      ],
      [
        [3, 2],
        [1, 2],
      ],
      [
        [2, 3],
        [2, 1],
      ],
    ] as const)
      expect(() => pool(x33, size, { padding })).toThrow(
        new RangeError(`${name}: explicit padding must be smaller than the window (${typeof size === "number" ? `${size}×${size}` : size.join("×")}), got ${JSON.stringify(padding)}`),
      );
    // the largest explicit padding each way, "same" and "valid" are fine; null options are no options
    expect(pool(x33, [3, 2], { padding: [2, 1] }).shape).toEqual([1, 2, 2, 1]);
    expect(pool(x33, 3, { padding: "same", stride: 1 }).shape).toEqual([1, 3, 3, 1]);
    expect(pool(x33, 3, { padding: "valid" }).shape).toEqual([1, 1, 1, 1]);
    expect(toArray(pool(x33, 2, null))).toEqual(toArray(pool(x33, 2)));
  });
});

describe("pooling forward", () => {
  const sizes = [1, [2, 2], [3, 2], [2, 3]] as const;
  const strides = [undefined, 1, 2, [1, 2], [2, 1]] as const;
  const paddings = ["valid", "same", 0, 1, [1, 0], [0, 1], [2, 1]] as const;
  const x = image([2, 5, 6, 3]);
  const dense = { shape: x.shape as readonly number[], data: Array.from(toFlat(x)) };

  it.each(ops)("%s equals its loop reference for every window, stride and padding", (_name, pool, fold) => {
    let n = 0;
    for (const size of sizes)
      for (const stride of strides)
        for (const padding of paddings) {
          const pair = typeof size === "number" ? ([size, size] as const) : size;
          const pads = typeof padding === "number" ? [padding, padding] : padding === "valid" || padding === "same" ? [0, 0] : padding;
          if ((pads[0] as number) >= pair[0] || (pads[1] as number) >= pair[1]) continue;
          const opts: PoolOptions = stride === undefined ? { padding } : { stride, padding };
          const want = poolDense(dense, { size: pair, opts }, fold);
          const got = pool(x, size, opts);
          expect(got.shape).toEqual(want.shape);
          Array.from(toFlat(got)).forEach((v, i) => {
            expect(Math.abs(v - (want.data[i] as number))).toBeLessThanOrEqual(1e-14);
          });
          n++;
        }
    expect(n).toBeGreaterThan(100);
  });

  it("windows clipped by the padding at the start and at the end of each axis", () => {
    // 2×2 windows, stride 2, one cell of padding before: [-1, 1) and [1, 3) on both axes
    expect(toArray(maxPool2d(x33, 2, { padding: 1 })).flat(3)).toEqual([1, 3, 7, 9]);
    expect(toArray(avgPool2d(x33, 2, { padding: 1 })).flat(3)).toEqual([1, 2.5, 5.5, 7]);
    // padding cells never win, even against negative values
    expect(
      toArray(
        maxPool2d(
          tensor([
            [
              [[-1], [-2], [-3]],
              [[-4], [-5], [-6]],
              [[-7], [-8], [-9]],
            ],
          ]),
          2,
          { padding: 1 },
        ),
      ).flat(3),
    ).toEqual([-1, -2, -4, -5]);
    // 3×2 windows, stride 1, padding [1, 1] over 3×3: rows [-1, 2), [0, 3), [1, 4); columns [-1, 1), [0, 2), [1, 3), [2, 4)
    const counts = [2, 3, 2].flatMap((r) => [1, 2, 2, 1].map((c) => r * c));
    const ones = tensor([
      [
        [[1], [1], [1]],
        [[1], [1], [1]],
        [[1], [1], [1]],
      ],
    ]);
    const sums = avgPool2d(x33, [3, 2], { stride: 1, padding: 1 });
    expect(sums.shape).toEqual([1, 3, 4, 1]);
    expect(toArray(avgPool2d(ones, [3, 2], { stride: 1, padding: 1 })).flat(3)).toEqual(counts.map(() => 1));
    // row 0 of the windows sees image rows 0..1, row 2 sees rows 1..2
    expect(toArray(sums).flat(3)).toEqual([2.5, 3, 4, 4.5, 4, 4.5, 5.5, 6, 5.5, 6, 7, 7.5]);
    // "same", stride 2 over 4 cells, window 3: [0, 3) and [2, 5) (the odd padding cell after)
    const row = tensor([[[[1], [2], [3], [10]]]]);
    expect(toArray(avgPool2d(row, [1, 3], { stride: 2, padding: "same" })).flat(3)).toEqual([2, 6.5]);
    expect(toArray(maxPool2d(row, [1, 3], { stride: 2, padding: "same" })).flat(3)).toEqual([3, 10]);
  });
});

describe("pooling pullbacks", () => {
  const g64 = (f: (v: Tensor) => Tensor, x: Tensor): number[] => Array.from(toFlat(grad((v: Tensor) => sum(f(v)) as Tensor<[]>)(x as never) as Tensor));

  it("max: the cotangent splits evenly between tied maxima", () => {
    const x = fromArray([1, 2, 2, 1], [1, 1, 1, 0], f64) as Tensor;
    expect(g64((v) => maxPool2d(v as Tensor<[1, 2, 2, 1]>, 2), x)).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
  });

  it("max: overlapping windows add up at a shared maximum; padding cells get nothing", () => {
    const x = fromArray([1, 3, 3, 1], [1, 2, 3, 4, 9, 6, 7, 8, 5], f64) as Tensor;
    expect(g64((v) => maxPool2d(v as Tensor<[1, 3, 3, 1]>, 2, { stride: 1 }), x)).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
    const neg = fromArray([1, 3, 3, 1], [-1, -2, -3, -4, -5, -6, -7, -8, -9], f64) as Tensor;
    // 2×2 windows over one cell of padding: [-1, 1) and [1, 3); maxima -1, -2, -4, -5
    expect(g64((v) => maxPool2d(v as Tensor<[1, 3, 3, 1]>, 2, { padding: 1 }), neg)).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });

  it("mean: each cell gets 1 / the cell count of every window it is in (padding not counted)", () => {
    const x = fromArray([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9], f64) as Tensor;
    expect(g64((v) => avgPool2d(v as Tensor<[1, 3, 3, 1]>, 2, { padding: 1 }), x)).toEqual([1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.5, 0.25, 0.25]);
    // stride 1, "same": 3×3 windows over 3×3, counts 4 6 4 / 6 9 6 / 4 6 4
    const c = [4, 6, 4, 6, 9, 6, 4, 6, 4];
    const want = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => {
      const [i, j] = [Math.floor(k / 3), k % 3];
      let s = 0;
      for (let a = i - 1; a <= i + 1; a++) for (let b = j - 1; b <= j + 1; b++) if (a >= 0 && a < 3 && b >= 0 && b < 3) s += 1 / (c[a * 3 + b] as number);
      return s;
    });
    g64((v) => avgPool2d(v as Tensor<[1, 3, 3, 1]>, 3, { stride: 1, padding: "same" }), x).forEach((v, k) => {
      expect(v).toBeCloseTo(want[k] as number, 14);
    });
  });
});

describe("globalAvgPool2d", () => {
  const gap = globalAvgPool2d as unknown as (x: unknown) => Tensor;

  it("refuses a non-tensor and an input that is not NHWC, naming itself", () => {
    expect(() => gap("x")).toThrow(new TypeError("globalAvgPool2d: argument 'x' must be a Tensor, got string x"));
    expect(() => gap(tensor([[[1, 2]]]))).toThrow(new ShapeError("globalAvgPool2d", "the input must be NHWC [m, height, width, channels], got [1, 1, 2]"));
    expect(() => gap(tensor([[[[[1]], [[3]]]]]))).toThrow(new ShapeError("globalAvgPool2d", "the input must be NHWC [m, height, width, channels], got [1, 1, 2, 1, 1]"));
  });

  it("the shape twin: [m, H, W, C] → [m, C], and the same refusal", () => {
    expect(globalAvgPool2dDef.shape([[2, 3, 4, 5]], undefined)).toEqual([2, 5]);
    expect(() => globalAvgPool2dDef.shape([[2, 3]], undefined)).toThrow(new ShapeError("globalAvgPool2d", "the input must be NHWC [m, height, width, channels], got [2, 3]"));
  });
});

describe("the pooling samplers", () => {
  it("samplePadding draws 'valid', 'same' and every explicit padding 0..max", () => {
    const g = seededGen(rng(3));
    const seen = (max: number) => new Set(Array.from({ length: 300 }, () => JSON.stringify(samplePadding(g, max))));
    expect([...seen(2)].sort()).toEqual(['"same"', '"valid"', "0", "1", "2"]);
    expect([...seen(0)].sort()).toEqual(['"same"', '"valid"', "0"]);
  });

  it("samplePool draws windows 1..3, the default stride, one stride and pairs, every padding kind below the window", () => {
    const g = seededGen(rng(7));
    const cases = Array.from({ length: 1500 }, () => samplePool(g));
    const kind = (o: PoolOptions): string => (o.stride === undefined ? "default" : typeof o.stride === "number" ? "one" : "pair");
    for (const k of ["default", "one", "pair"]) {
      const pads = new Set(cases.filter((c) => kind(c.params.opts) === k).map((c) => JSON.stringify(c.params.opts.padding)));
      expect([...pads].sort()).toEqual(['"same"', '"valid"', "0", "1", "2"]);
    }
    const strides = new Set(cases.map((c) => JSON.stringify(c.params.opts.stride)).filter((s) => s !== undefined));
    expect([...strides].sort()).toEqual(["1", "2", "[1,1]", "[1,2]", "[2,1]", "[2,2]"]);
    expect(new Set(cases.map((c) => c.params.size.join("×"))).size).toBe(9);
    for (const { image, params } of cases) {
      const [m, H, W, C] = image as [number, number, number, number];
      const [kh, kw] = params.size;
      const p = params.opts.padding;
      if (typeof p === "number") expect(p).toBeLessThan(Math.min(kh, kw));
      expect([m >= 1 && m <= 2, H >= kh && H <= 5, W >= kw && W <= 5, C >= 1 && C <= 3]).toEqual([true, true, true, true]);
    }
  });
});

describe("the pooling error models", () => {
  it("avgPool2d: a sum of kh·kw cells of at most 3, one rounding each", () => {
    const c = { inputs: [{ shape: [1, 4, 4, 1], domain: domains.real }], params: { size: [2, 3], opts: {} } } as Case<PoolParams>;
    const e = avgPool2dDef.spec.error;
    if (e === undefined) throw new Error("avgPool2d has no error model");
    expect(errorTolerance(e, c, "float64")).toBe(4 * 2 * 2 ** -53 * (1 + 6 * 3));
  });
});
