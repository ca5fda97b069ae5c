import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { arbShape } from "../../laws/arbitraries.js";
import { bindingWith, decodeTensor, decodeTensors, draw, fromArray, fromValidationErrors, type Tensor, tensor, tensorCodec, tensorsCodec, toArray, toFlat } from "../../src/index.js";

const fuzzRuns = Number(process.env.TYPEGRAD_FUZZ_RUNS ?? 200);

/** The text of a Left, or the Right's shape: what every assertion below compares. */
const outcome = <A>(r: E.Either<readonly import("../../src/index.js").DecodeError[], A>): string =>
  E.isLeft(r) ? draw(r.left) : `ok ${JSON.stringify(Object.fromEntries(Object.entries(r.right as Record<string, Tensor>).map(([k, v]) => [k, v.shape])))}`;

const leftText = (r: t.Validation<unknown>): string => (E.isLeft(r) ? draw(fromValidationErrors(r.left)) : "ok");

const ones = (rows: number, cols: number, short?: [number, number]): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: i === short?.[0] ? short[1] : cols }, (_, j) => i * cols + j));

describe("tensorCodec", () => {
  it("decodes nested arrays and flat JSON to the same tensor", () => {
    const C = tensorCodec([2, 3]);
    const a = C.decode([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = C.decode({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    expect(E.isRight(a) && E.isRight(b)).toBe(true);
    if (E.isRight(a) && E.isRight(b)) {
      expect(a.right.shape).toEqual([2, 3]);
      expect(Array.from(toFlat(a.right))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(toFlat(b.right))).toEqual([1, 2, 3, 4, 5, 6]);
      expect(a.right.dtype).toBe("float32");
    }
  });

  it("reports a ragged row with its index", () => {
    expect(leftText(tensorCodec(["m", 28]).decode(ones(5, 28, [3, 27])))).toBe("index 3: row has 27 values, expected 28");
  });

  it("reports a consistent wrong dim once, as a dim error", () => {
    expect(leftText(tensorCodec(["m", 28]).decode(ones(5, 27)))).toBe("dim 1 is 27, expected 28");
    expect(leftText(tensorCodec([4, "n"]).decode(ones(5, 2)))).toBe("dim 0 is 5, expected 4");
  });

  it("reports rank, element types, NaN, ±Infinity and float32 overflow with paths", () => {
    const C = tensorCodec([2, 2]);
    expect(leftText(C.decode([1, 2]))).toBe("rank 1 [2], expected rank 2 [2, 2]");
    expect(leftText(C.decode([[[1]], [[2]]]))).toBe("rank 3 [2, 1, 1], expected rank 2 [2, 2]");
    expect(
      leftText(
        C.decode([
          [1, "2"],
          [null, true],
        ]),
      ),
    ).toBe(['index 0: index 1: expected a number, got "2"', "index 1: index 0: expected a number, got null", "index 1: index 1: expected a number, got boolean true"].join("\n"));
    expect(
      leftText(
        C.decode([
          [Number.NaN, Infinity],
          [-Infinity, 1e39],
        ]),
      ),
    ).toBe(
      [
        "index 0: index 0: NaN is not finite (allow with { allowNonFinite: true })",
        "index 0: index 1: Infinity is not finite (allow with { allowNonFinite: true })",
        "index 1: index 0: -Infinity is not finite (allow with { allowNonFinite: true })",
        "index 1: index 1: 1e+39 is out of float32 range",
      ].join("\n"),
    );
    expect(E.isRight(tensorCodec([2], { dtype: "float64" }).decode([1e39, -1e39]))).toBe(true);
    const nf = tensorCodec([3], { allowNonFinite: true }).decode([Number.NaN, Infinity, -Infinity]);
    expect(E.isRight(nf) && Array.from(toFlat(nf.right))).toEqual([Number.NaN, Infinity, -Infinity]);
  });

  it("checks the flat form's shape, dtype and data", () => {
    const C = tensorCodec(["?", 2]);
    expect(leftText(C.decode({ shape: [-1, 2.5], data: [] }))).toBe(
      ["shape: index 0: expected a non-negative integer size, got -1", "shape: index 1: expected a non-negative integer size, got 2.5"].join("\n"),
    );
    expect(leftText(C.decode({ shape: [1e15, 1e15], data: [1] }))).toBe("dim 1 is 1000000000000000, expected 2\ndata: has 1 values, shape [1000000000000000, 1000000000000000] needs 1e+30");
    expect(leftText(C.decode({ shape: [3, 2], data: [1, 2, 3] }))).toBe("data: has 3 values, shape [3, 2] needs 6");
    expect(leftText(C.decode({ shape: [1, 2], data: [1, "x"], dtype: "int8" }))).toBe('dtype: expected "float32" or "float64", got "int8"');
    expect(leftText(C.decode({ shape: [1, 2], data: "12" }))).toBe('data: expected an array of numbers, got "12"');
    const f64 = C.decode({ shape: [1, 2], data: [1, 2], dtype: "float64" });
    expect(E.isRight(f64) && f64.right.dtype).toBe("float64");
  });

  it("rejects what is not a tensor", () => {
    const C = tensorCodec([2]);
    expect(leftText(C.decode("1,2"))).toBe('expected a tensor (nested arrays of numbers, or { shape, data }), got "1,2"');
    expect(leftText(C.decode({ rows: [1, 2] }))).toBe("expected a tensor (nested arrays of numbers, or { shape, data }), got an object without 'shape' and 'data'");
    expect(leftText(C.decode(undefined))).toBe("expected a tensor (nested arrays of numbers, or { shape, data }), got undefined");
  });

  it("caps very deep nesting and long error lists", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(leftText(tensorCodec([1, 1]).decode(deep))).toBe("nested more than 32 levels deep, expected rank 2");
    const bad = Array.from({ length: 100 }, () => "x");
    const lines = leftText(tensorCodec([100]).decode(bad)).split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe("... and 80 more bad elements or rows");
  });

  it("reads scalars, empty tensors and tensor instances", () => {
    expect(toArray(E.getOrElseW(() => tensor(0))(tensorCodec([]).decode(2.5)) as Tensor<[]>)).toBe(2.5);
    const empty = tensorCodec(["m", 3]).decode([]);
    expect(E.isRight(empty) && empty.right.shape).toEqual([0, 3]);
    const x = fromArray([2, 2], [1, 2, 3, 4], { dtype: "float64" });
    const same = tensorCodec([2, "n"]).decode(x);
    expect(E.isRight(same) && same.right).toBe(x);
    const cast = tensorCodec([2, "n"], { dtype: "float32" }).decode(x);
    expect(E.isRight(cast) && cast.right.dtype).toBe("float32");
    expect(leftText(tensorCodec([3, 2]).decode(x))).toBe("dim 0 is 2, expected 3");
  });

  it("is: a guard for tensors of the spec", () => {
    const C = tensorCodec(["n", "n"]);
    expect(C.is(fromArray([2, 2], [1, 2, 3, 4]))).toBe(true);
    expect(C.is(fromArray([2, 3], [1, 2, 3, 4, 5, 6]))).toBe(false);
    expect(C.is([[1]])).toBe(false);
  });

  it("composes with io-ts: paths go through t.type", () => {
    const Request = t.type({ id: t.string, x: tensorCodec([2, "m"]) });
    expect(leftText(Request.decode({ id: 3, x: [[1, 2], [3]] }))).toBe("id: expected string, got 3\nx: index 1: row has 1 value, expected 2");
  });

  it("throws for a bad spec or option, naming the function and the argument", () => {
    expect(() => tensorCodec([-1] as unknown as [number])).toThrow("tensorCodec: argument 'spec' dim 0 must be a non-negative integer, a name or \"?\", got -1");
    expect(() => tensorCodec([2], { dtype: "int32" as "float32" })).toThrow('tensorCodec: option \'dtype\' must be "float32" or "float64", got "int32"');
  });

  it("round-trip law: decode(encode(x)) equals x, flat and nested", () => {
    const arb = arbShape({ minRank: 0, maxRank: 4, minDim: 0, maxDim: 4 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        data: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }),
        dtype: fc.constantFrom("float32" as const, "float64" as const),
      }),
    );
    fc.assert(
      fc.property(arb, ({ shape, data, dtype }) => {
        const x = fromArray(shape, data, { dtype: "float64" });
        const spec = shape.map((d, i) => (i % 2 === 0 ? d : `d${i}`));
        // Nested arrays cannot carry the sizes after a zero-size axis: those must come from the spec.
        const zero = shape.indexOf(0);
        const nestedKeepsShape = zero < 0 || spec.slice(zero + 1).every((d) => typeof d === "number");
        for (const encoding of nestedKeepsShape ? (["flat", "nested"] as const) : (["flat"] as const)) {
          const C = tensorCodec(spec, { dtype, encoding, allowNonFinite: dtype === "float32" });
          const y = C.decode(x);
          if (E.isLeft(y)) return false;
          const z = C.decode(C.encode(y.right));
          if (E.isLeft(z)) return false;
          const same = z.right.dtype === y.right.dtype && z.right.shape.every((d, i) => d === y.right.shape[i]) && toFlat(z.right).every((v, i) => Object.is(v, toFlat(y.right)[i]));
          if (!same) return false;
        }
        return true;
      }),
      { numRuns: fuzzRuns },
    );
  });
});

describe("decodeTensors", () => {
  it("binds named dims across tensors and reports every mismatch", () => {
    const r = decodeTensors({ X: [784, "m"], Y: [10, "m"] }, { X: { shape: [784, 499], data: new Array(784 * 499).fill(0) }, Y: { shape: [10, 500], data: new Array(5000).fill(0) } });
    expect(outcome(r)).toBe("Y: dim 'm' is 500 here but 499 in X");
    const all = decodeTensors({ X: ["m", 28], Y: [10, "m"], Z: [3] }, { X: ones(5, 28, [3, 27]), Y: { shape: [9, 4], data: new Array(36).fill(0) } });
    expect(outcome(all)).toBe(["X: index 3: row has 27 values, expected 28", "Y: dim 0 is 9, expected 10", "Y: dim 'm' is 4 here but 5 in X", "Z: missing: expected a tensor of shape [3]"].join("\n"));
  });

  it("types the result by the specs", () => {
    const r = decodeTensors(
      { X: [2, "m"], Y: [1, "m"] },
      {
        X: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        Y: [[0, 1, 0]],
      },
    );
    expect(outcome(r)).toBe('ok {"X":[2,3],"Y":[1,3]}');
    if (E.isRight(r)) {
      const X: Tensor<[2, "m"]> = r.right.X;
      const Y: Tensor<[1, "m"]> = r.right.Y;
      expect(X.shape[0] + Y.shape[0]).toBe(3);
    }
  });

  it("starts from a given binding", () => {
    const r = decodeTensors(
      { x: [2, "m"] },
      {
        x: [
          [1, 2],
          [3, 4],
        ],
      },
      { binding: bindingWith({ m: 1 }, "the request limit") },
    );
    expect(outcome(r)).toBe("x: dim 'm' is 2 here but 1 in the request limit");
  });

  it("rejects inputs that are not records", () => {
    expect(outcome(decodeTensors({ X: [1] }, [1]))).toBe("expected an object with tensors X, got an array of 1");
    expect(outcome(decodeTensors({ X: [1] }, null))).toBe("expected an object with tensors X, got null");
  });

  it("decodeTensor: one tensor, errors as the forest", () => {
    expect(outcome(E.map((x: Tensor) => ({ x }))(decodeTensor([3], { shape: [3], data: [1, 2, 3] })))).toBe('ok {"x":[3]}');
  });

  it("tensorsCodec: the io-ts interpreter of the same check", () => {
    const C = tensorsCodec({ X: [2, "m"], Y: [1, "m"] }, { encoding: "nested" });
    const r = C.decode({ X: [[1], [2]], Y: [[0, 1]] });
    expect(leftText(r)).toBe("Y: dim 'm' is 2 here but 1 in X");
    const ok = C.decode({ X: [[1], [2]], Y: [[0]] });
    expect(E.isRight(ok) && C.encode(ok.right)).toEqual({ X: [[1], [2]], Y: [[0]] });
    expect(E.isRight(ok) && C.is(ok.right)).toBe(true);
  });
});
