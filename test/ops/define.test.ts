/**
 * The machinery every op goes through (src/ops/define.ts): fixed-arity accessors that refuse a
 * short list, operand normalisation (numbers, dtype promotion) with messages naming the op and
 * the argument, and the shared shape samplers keeping what their docs promise.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { add, astype, mul, tensor, toArray, toFlat, vjp } from "../../src/index.js";
import { describe as describeArg, expectTensor, kinkDomain, LONG_MAX, LONG_MIN, LONG_ODDS, one, sampleBroadcast, sampleShape, three, two } from "../../src/ops/define.js";
import { rng } from "../../src/tensor/random.js";

const bad = (v: unknown): never => v as never;

describe("fixed arities", () => {
  it("give the first one, two or three elements of a list long enough", () => {
    expect(one([7, 8])).toBe(7);
    expect(two([7, 8, 9])).toEqual([7, 8]);
    expect(three([7, 8, 9, 10])).toEqual([7, 8, 9]);
  });

  it("refuse a list too short, saying how many inputs were expected and given", () => {
    expect(() => one([])).toThrow(new RangeError("expected 1 inputs, got 0"));
    expect(() => two([1])).toThrow(new RangeError("expected 2 inputs, got 1"));
    expect(() => three([1, 2])).toThrow(new RangeError("expected 3 inputs, got 2"));
  });
});

describe("operands", () => {
  const x = tensor([1, 2]);

  it("refuse an operand that is neither a tensor nor a number, and two numbers, naming the op", () => {
    expect(() => add(bad("s"), x)).toThrow(new TypeError("add: argument 'a' must be a Tensor or a number, got string s"));
    expect(() => add(x, bad("s"))).toThrow(new TypeError("add: argument 'b' must be a Tensor or a number, got string s"));
    expect(() => mul(x, bad([1, 2]))).toThrow(new TypeError("mul: argument 'b' must be a Tensor or a number, got an array"));
    expect(() => add(bad(1), bad(2))).toThrow(new TypeError("add: expected at least one tensor argument, got two numbers (1, 2)"));
  });

  it("take a plain number on either side", () => {
    expect(toArray(add(x, 1))).toEqual([2, 3]);
    expect(toArray(add(bad(1), x))).toEqual([2, 3]);
  });

  it("promote float32 to float64 on either side, and give each input its cotangent in its own dtype", () => {
    const a = astype(tensor([0.1, 0.2]), "float32");
    const b = astype(tensor([1, 2]), "float64");
    for (const [p, q] of [
      [a, b],
      [b, a],
    ] as const) {
      const out = add(p, q);
      expect(out.dtype).toBe("float64");
      // float32's 0.1 added in float64: the float32 rounding survives, no second rounding to float32
      expect(Array.from(toFlat(out))).toEqual([1 + Math.fround(0.1), 2 + Math.fround(0.2)]);
      const [, back] = vjp((xs: { p: typeof p; q: typeof q }) => add(xs.p, xs.q), { p, q });
      const g = back(astype(tensor([1, 1]), "float64") as never);
      expect([g.p.dtype, g.q.dtype]).toEqual([p.dtype, q.dtype]);
    }
  });
});

describe("describe (bad arguments in messages)", () => {
  class Box {}
  it("names null, arrays, primitives with their value, and objects by their class", () => {
    expect(describeArg(null)).toBe("null");
    expect(describeArg([1])).toBe("an array");
    expect(describeArg(3)).toBe("number 3");
    expect(describeArg(undefined)).toBe("undefined");
    expect(describeArg("w")).toBe("string w");
    expect(describeArg(new Box())).toBe("a Box");
    expect(describeArg(new Map())).toBe("a Map");
    expect(describeArg({})).toBe("a Object");
  });

  it("describes an object without a class (no prototype, or an anonymous one) without throwing", () => {
    expect(describeArg(Object.create(null))).toBe("an object without a class");
    expect(describeArg(new (class {})())).toBe("an object without a class");
    expect(() => expectTensor("f", "x", Object.create(null))).toThrow(new TypeError("f: argument 'x' must be a Tensor, got an object without a class"));
  });
});

describe("the shape samplers", () => {
  const g = seededGen(rng(5));
  const n = 4000;

  it("sampleShape: ranks and dims in range; about one shape in LONG_ODDS has a long last dim, never a long other dim", () => {
    const shapes = Array.from({ length: n }, () => sampleShape(g, 1, 3));
    expect(shapes.every((s) => s.length >= 1 && s.length <= 3)).toBe(true);
    expect(shapes.every((s) => s.slice(0, -1).every((d) => d >= 1 && d <= 4))).toBe(true);
    const long = shapes.filter((s) => (s.at(-1) as number) > 4);
    expect(long.every((s) => (s.at(-1) as number) >= LONG_MIN && (s.at(-1) as number) <= LONG_MAX)).toBe(true);
    expect(long.length / n).toBeGreaterThan(0.6 / LONG_ODDS);
    expect(long.length / n).toBeLessThan(1.4 / LONG_ODDS);
    // the long range is crossed, both ends near
    const lasts = long.map((s) => s.at(-1) as number);
    expect(Math.min(...lasts)).toBeLessThanOrEqual(LONG_MIN + 2);
    expect(Math.max(...lasts)).toBeGreaterThanOrEqual(LONG_MAX - 2);
  });

  it("sampleShape: a rank-0 request stays rank 0, a rank-1 request rank 1", () => {
    for (let i = 0; i < 400; i++) expect(sampleShape(g, 0, 0)).toEqual([]);
    for (let i = 0; i < 400; i++) expect(sampleShape(g, 1, 1)).toHaveLength(1);
  });

  it("sampleBroadcast: shapes that broadcast, with leading dims dropped and about one dim in four set to 1", () => {
    const draws = Array.from({ length: n }, () => sampleBroadcast(g, 2));
    let dropped = 0;
    let dims = 0;
    let ones = 0;
    for (const [a, b] of draws as [number[], number[]][]) {
      // right-aligned, every pair of dims equal or one of them 1
      for (let i = 1; i <= Math.min(a.length, b.length); i++) {
        const [p, q] = [a.at(-i) as number, b.at(-i) as number];
        expect(p === q || p === 1 || q === 1).toBe(true);
      }
      if (a.length !== b.length) dropped++;
      for (const d of [...a, ...b]) {
        dims++;
        if (d === 1) ones++;
      }
    }
    expect(dropped / n).toBeGreaterThan(0.2);
    // dims drawn from 1..4 (or long) are 1 a quarter of the time; one in four more is set to 1: ≈ 7/16
    expect(ones / dims).toBeGreaterThan(0.35);
    expect(ones / dims).toBeLessThan(0.52);
  });

  it("kinkDomain: the kink points, twice, and a value on each side, all inside its bounds", () => {
    const d = kinkDomain([0, 1]);
    expect(d).toEqual({ name: "kinks 0, 1", min: -2, max: 2, values: [0, 1, -1.25, 0.75, 0, 1] });
    const values = d.values as readonly number[];
    expect(values.every((v) => v >= d.min && v <= d.max)).toBe(true);
    expect(values.some((v) => v < 0) && values.some((v) => v > 0 && v < 1)).toBe(true);
  });
});
