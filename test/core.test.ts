import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, it } from "vitest";
import {
  add,
  astype,
  bernoulli,
  bindShapes,
  concat,
  div,
  exp,
  fill,
  fromArray,
  grad,
  item,
  matmul,
  mean,
  mul,
  ones,
  permutation,
  randn,
  reshape,
  rng,
  rngFromState,
  ShapeError,
  shapes,
  sigmoid,
  slice,
  softmax,
  stopGradient,
  sum,
  type Tensor,
  tensor,
  toArray,
  toFlat,
  transpose,
  truncatedNormal,
  uniform,
  valueAndGrad,
  valueAndGradAux,
  vjp,
  withShape,
  zeros,
} from "../src/index.js";

describe("creation", () => {
  it("infers shapes from nested literals and reads them back", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe("float32");
    expect(toArray(x)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(toArray(tensor(3))).toBe(3);
    expect(tensor([1.5], { dtype: "float64" }).dtype).toBe("float64");
  });
  it("rejects ragged and non-numeric input, naming the function and the element", () => {
    expect(() => tensor([[1, 2], [3]] as unknown as number[][])).toThrow(/tensor: ragged nested array: element \[1\] has length 1, expected length 2/);
    expect(() => tensor([1, "x"] as unknown as number[])).toThrow(/tensor: element \[1\] must be a number, got string/);
    expect(() => fromArray([2, 2], [1, 2, 3])).toThrow(/fromArray: data has 3 elements, shape \[2, 2\] needs 4/);
    expect(() => zeros([2, -1])).toThrow(/^zeros: argument 'shape' must be an array of non-negative integer sizes, got \[2,-1\]$/);
    expect(() => ones([Number.NaN])).toThrow(/^ones: argument 'shape' must be an array of non-negative integer sizes/);
    expect(() => fill([2.5], 1)).toThrow(/^fill: argument 'shape' must be an array of non-negative integer sizes/);
    expect(() => ones([2], { dtype: "int8" as "float32" })).toThrow(/^ones: option 'dtype' must be "float32" or "float64"/);
    expect(() => tensor([1], { dtype: "int8" as "float32" })).toThrow(/tensor: option 'dtype' must be "float32" or "float64"/);
  });
  it("keeps float64 precision", () => {
    expect(toFlat(tensor([0.1], { dtype: "float64" }))[0]).toBe(0.1);
    expect(toFlat(tensor([0.1]))[0]).toBe(Math.fround(0.1));
  });
});

describe("seeded random generation", () => {
  it("same seed, same numbers; different seeds differ", () => {
    expect(toArray(randn(rng(42), [3, 4]))).toEqual(toArray(randn(rng(42), [3, 4])));
    expect(toArray(randn(rng(42), [3, 4]))).not.toEqual(toArray(randn(rng(43), [3, 4])));
    expect(permutation(rng(1), 10)).toEqual(permutation(rng(1), 10));
    expect([...permutation(rng(1), 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it("permutation is Fisher–Yates from the top with g.int(i + 1): a seed keeps its shuffles", () => {
    const g = rng(7);
    const want = Array.from({ length: 500 }, (_, i) => i);
    for (let i = want.length - 1; i > 0; i--) {
      const j = g.int(i + 1);
      [want[i], want[j]] = [want[j] as number, want[i] as number];
    }
    expect(permutation(rng(7), 500)).toEqual(want);
  });
  it("draws standard normals", () => {
    const data = Array.from(toFlat(randn(rng(3), [20000], { dtype: "float64" })));
    const m = data.reduce((s, v) => s + v, 0) / data.length;
    const v = data.reduce((s, x) => s + (x - m) ** 2, 0) / data.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });
  it("refuses parameters that are not numbers in their domain, naming the function and the argument", () => {
    const g = rng(0);
    expect(() => uniform(g, [2], Number.NaN, 1)).toThrow(/^uniform: arguments 'lo' and 'hi' must be finite numbers with lo ≤ hi, got lo = NaN, hi = 1$/);
    expect(() => uniform(g, [2], { low: 1 } as unknown as number)).toThrow(/^uniform: arguments 'lo' and 'hi' must be finite numbers with lo ≤ hi, got lo = an object, hi = 1$/);
    expect(() => uniform(g, [2], 0, Number.POSITIVE_INFINITY)).toThrow(/^uniform: arguments 'lo' and 'hi'/);
    expect(() => uniform(g, [2], 2, 1)).toThrow(/^uniform: arguments 'lo' and 'hi' must be finite numbers with lo ≤ hi, got lo = 2, hi = 1$/);
    expect(toArray(uniform(g, [2], 3, 3))).toEqual([3, 3]);
    expect(() => truncatedNormal(g, [2], -1)).toThrow(/^truncatedNormal: argument 'std' must be a finite number ≥ 0, got -1$/);
    expect(() => truncatedNormal(g, [2], Number.NaN)).toThrow(/^truncatedNormal: argument 'std' must be a finite number ≥ 0, got NaN$/);
    expect(() => truncatedNormal(g, [2], "1" as unknown as number)).toThrow(/^truncatedNormal: argument 'std' must be a finite number ≥ 0, got "1"$/);
    expect(toArray(truncatedNormal(g, [2], 0))).toEqual([0, 0]);
    expect(() => bernoulli(g, [2], 1.5)).toThrow(/^bernoulli: argument 'p' must be a number in \[0, 1\], got 1\.5$/);
    expect(() => bernoulli(g, [2], -0.1)).toThrow(/^bernoulli: argument 'p' must be a number in \[0, 1\], got -0\.1$/);
    expect(() => bernoulli(g, [2], Number.NaN)).toThrow(/^bernoulli: argument 'p' must be a number in \[0, 1\], got NaN$/);
    expect(toArray(bernoulli(g, [3], 1))).toEqual([1, 1, 1]);
    expect(toArray(bernoulli(g, [3], 0))).toEqual([0, 0, 0]);
  });
  it("permutation and Rng.int refuse counts that are not ones, naming the argument", () => {
    // before: permutation(g, -1) and (g, NaN) gave [], (g, 1.5) [0, undefined], (g, 2^40) JavaScript's "Invalid array length"; int(0) gave 0
    for (const n of [-1, Number.NaN, 1.5, "3", 2 ** 32])
      expect(() => permutation(rng(0), n as number)).toThrow(new RangeError(`permutation: argument 'n' must be an integer from 0 to 4294967295, got ${typeof n === "string" ? `"${n}"` : String(n)}`));
    expect(permutation(rng(0), 0)).toEqual([]);
    expect(permutation(rng(0), 1)).toEqual([0]);
    for (const n of [0, -2, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => rng(0).int(n)).toThrow(new RangeError(`Rng.int: argument 'n' must be an integer from 1 to 4294967296, got ${n}`));
    const g = rng(3);
    const h = rng(3);
    expect(Array.from({ length: 50 }, () => g.int(7))).toEqual(Array.from({ length: 50 }, () => Math.floor(h.uniform() * 7)));
  });
  it("forks independent streams deterministically", () => {
    const a = rng(9);
    const b = rng(9);
    expect(a.fork().uniform()).toBe(b.fork().uniform());
    expect(a.uniform()).toBe(b.uniform());
  });
  it("a saved state continues the stream exactly, spare normal included", () => {
    const g = rng(5);
    g.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(g.state()));
    const a = [g.normal(), g.uniform(), g.normal(), g.nextUint32()];
    const h = rngFromState(saved);
    expect([h.normal(), h.uniform(), h.normal(), h.nextUint32()]).toEqual(a);
    expect(() => rngFromState([0, 0, 0, 0, null])).toThrow(/rngFromState: argument 'state'/);
    expect(() => rngFromState([1, 2, 3, 2 ** 32, null])).toThrow(/rngFromState/);
  });
});

describe("runtime shape checks", () => {
  it("reports the op and both runtime shapes", () => {
    const a = zeros([2, 3]) as Tensor<number[]>;
    const b = zeros([4, 3]) as Tensor<number[]>;
    expect(() => add(a, b)).toThrow(new ShapeError("add", "shapes [2, 3] and [4, 3] do not broadcast (2 vs 4)"));
    expect(() => matmul(a, b)).toThrow("matmul: inner dimensions 3 and 4 differ ([2, 3] @ [4, 3])");
    expect(() => reshape(a, [5])).toThrow("reshape: cannot reshape [2, 3] (6 elements) into [5] (5 elements)");
    expect(() => sum(a, 2)).toThrow("sum: axis 2 is out of range for [2, 3] (rank 2)");
    expect(() => slice(a, 1, 2, 7)).toThrow("slice: range 2:7 is out of bounds for axis 1 of [2, 3] (size 3)");
  });
  it("reshape reads a named target dim from x's size at that axis", () => {
    const x = zeros([3, 784]) as unknown as Tensor<["m", 784]>;
    expect(reshape(x, ["m", 28, 28]).shape).toEqual([3, 28, 28]);
    expect(reshape(x, ["m", -1]).shape).toEqual([3, 784]);
    expect(() => reshape(x as Tensor<number[]>, ["m", 784, "n"] as never)).toThrow("reshape: named target dim 'n' is at axis 2, beyond the rank of [3, 784]");
    expect(() => reshape(x as Tensor<number[]>, ["m", 780] as never)).toThrow("reshape: cannot reshape [3, 784] (2352 elements) into [3, 780] (2340 elements)");
  });
  it("names the function and the argument on bad arguments", () => {
    expect(() => add("x" as unknown as Tensor, 1)).toThrow("add: argument 'a' must be a Tensor or a number, got string x");
    expect(() => exp([1, 2] as unknown as Tensor)).toThrow("exp: argument 'x' must be a Tensor, got an array");
    expect(() => concat([zeros([1]), 3 as unknown as Tensor])).toThrow("concat: element 1 of argument 'xs' must be a Tensor, got number 3");
  });
  it("runtime twins of the shape rules agree with the ops", () => {
    expect(shapes.matmul([2, 5, 3], [3, 4])).toEqual([2, 5, 4]);
    expect(shapes.broadcast([4, 1], [3])).toEqual([4, 3]);
    expect(shapes.reshape([224, 224, 3], [-1])).toEqual([150528]);
    expect(
      shapes.concat(
        [
          [2, 3],
          [5, 3],
        ],
        0,
      ),
    ).toEqual([7, 3]);
    expect(matmul(zeros([2, 5, 3]), zeros([3, 4])).shape).toEqual([2, 5, 4]);
  });
});

describe("named dims", () => {
  it("binds one size per name across inputs and reports every mismatch", () => {
    const ok = bindShapes({ X: [784, "m"], Y: [10, "m"] }, { X: [784, 32], Y: [10, 32] });
    expect(ok.errors).toEqual([]);
    expect(ok.binding.sizes.get("m")).toBe(32);
    const bad = bindShapes({ X: [784, "m"], Y: [10, "m"] }, { X: [780, 499], Y: [10, 500] });
    expect(bad.errors.map((e) => e.message)).toEqual(["X: dim 0 is 780, expected 784", "Y: dim 'm' is 500 here but 499 in X"]);
  });
  it("withShape checks at run time and types the result", () => {
    const X = withShape(zeros([4, 7]), [4, "m"]);
    expect(X.shape).toEqual([4, 7]);
    expect(() => withShape(zeros([4, 7]), [5, "m"])).toThrow("withShape: x: dim 0 is 4, expected 5");
  });
});

describe("autodiff", () => {
  it("gradients have the structure of the parameters, and inputs are not mutated", () => {
    const params = { W: tensor([[1, 2]]), b: tensor([[0.5]]), extra: [tensor(2)] };
    const before = JSON.stringify(toArray(params.W));
    const X = tensor([[1], [3]]);
    const loss = (p: typeof params) => sum(mul(add(matmul(p.W, X), p.b), p.extra[0] as Tensor<[]>));
    const g = grad(loss)(params);
    expect(Object.keys(g)).toEqual(["W", "b", "extra"]);
    expect(toArray(g.W)).toEqual([[2, 6]]);
    expect(toArray(g.b)).toEqual([[2]]);
    expect(toArray(g.extra[0] as Tensor<[]>)).toBe(7.5);
    expect(JSON.stringify(toArray(params.W))).toBe(before);
  });
  it("undoes broadcasting once, centrally", () => {
    const b = tensor([[1], [2]]);
    const Z = ones([2, 5]);
    expect(toArray(grad((bb: Tensor<[2, 1]>) => sum(add(Z, bb)))(b))).toEqual([[5], [5]]);
    expect(item(grad((s: Tensor<[]>) => sum(mul(Z, s)))(tensor(1)))).toBe(10);
  });
  it("differentiates higher orders of scalar functions", () => {
    const f = (x: Tensor<[]>) => mul(x, mul(x, x));
    expect(item(grad(grad(f))(tensor(2, { dtype: "float64" })))).toBe(12);
    expect(item(grad(grad(grad(f)))(tensor(2, { dtype: "float64" })))).toBe(6);
    const s = (x: Tensor<[]>) => sigmoid(x);
    const x0 = 0.3;
    const sg = 1 / (1 + Math.exp(-x0));
    expect(item(grad(grad(s))(tensor(x0, { dtype: "float64" })))).toBeCloseTo(sg * (1 - sg) * (1 - 2 * sg), 12);
  });
  it("vjp pulls back any cotangent and checks its shape", () => {
    const [y, pullback] = vjp((x: Tensor<[3]>) => mul(x, x), tensor([1, 2, 3]));
    expect(toArray(y)).toEqual([1, 4, 9]);
    expect(toArray(pullback(tensor([1, 1, 1])))).toEqual([2, 4, 6]);
    expect(() => pullback(tensor([1, 1]) as unknown as Tensor<[3]>)).toThrow("vjp: the cotangent has shape [2], expected the output's shape [3]");
  });
  it("tensors computed inside grad are released: keeping one is an error; aux, values, constants and vjp keep theirs", () => {
    const W = tensor([
      [1, 2],
      [3, 4],
    ]);
    const X = tensor([[1], [-1]]);
    let kept: Tensor | undefined;
    let constant: Tensor | undefined;
    let detached: Tensor | undefined;
    const [J, g] = valueAndGrad((w: Tensor<[2, 2]>) => {
      const h = matmul(w, X);
      kept = h;
      constant = mul(X, 3); // not traced: an ordinary tensor the function may keep
      detached = stopGradient(h); // computed inside too (it shares h's memory)
      return sum(mul(h, h));
    })(W);
    expect(item(J)).toBe(2);
    expect(toArray(g)).toEqual([
      [-2, 2],
      [-2, 2],
    ]);
    expect(() => toArray(kept as Tensor)).toThrow(/grad: a tensor of shape \[2,1\] computed inside the function being differentiated was kept and used after grad returned/);
    expect(() => add(kept as Tensor, 1)).toThrow(/use vjp, which keeps intermediates/);
    expect(toArray(constant as Tensor)).toEqual([[3], [-3]]);
    expect(() => toArray(detached as Tensor)).toThrow(/was kept and used after grad returned/);
    // the same model output, returned as aux: an ordinary tensor
    const [J2, g2, h] = valueAndGradAux((w: Tensor<[2, 2]>) => {
      const out = matmul(w, X);
      return [sum(mul(out, out)), { out }] as const;
    })(W);
    expect(item(J2)).toBe(2);
    expect(toArray(g2)).toEqual(toArray(g));
    expect(toArray(h.out)).toEqual([[-1], [-1]]);
    expect(toArray(add(h.out, 1))).toEqual([[0], [0]]);
    expect(() => valueAndGradAux((w: Tensor<[2, 2]>) => sum(w) as never)(W)).toThrow("valueAndGradAux: f must return a pair [cost, aux], got");
    // vjp's pullback may run again, and the intermediates stay usable
    let inner: Tensor | undefined;
    const [y, pullback] = vjp((w: Tensor<[2, 2]>) => {
      inner = matmul(w, X);
      return sum(mul(inner, inner));
    }, W);
    expect(toArray(pullback(tensor(1)))).toEqual(toArray(g));
    expect(toArray(pullback(tensor(2)))).toEqual(toArray(mul(g, 2)));
    expect(item(y)).toBe(2);
    expect(toArray(inner as Tensor)).toEqual([[-1], [-1]]);
  });
  it("inside an outer grad nothing is released (the inner values are the outer one's residuals)", () => {
    const f = (x: Tensor<[]>) => item(grad((y: Tensor<[]>) => mul(y, mul(y, y)))(x)) + 0;
    expect(f(tensor(2))).toBe(12);
    const dd = grad((x: Tensor<[]>) => {
      const inner = grad((y: Tensor<[]>) => mul(exp(y), mul(y, y)))(x); // (y² + 2y)·eʸ
      return mul(inner, inner);
    })(tensor(0.5, { dtype: "float64" }));
    const e = Math.exp(0.5);
    const g1 = (0.25 + 1) * e;
    const g2 = (0.25 + 2 + 2) * e; // d/dy (y² + 2y)eʸ = (y² + 4y + 2)eʸ
    expect(item(dd)).toBeCloseTo(2 * g1 * g2, 10);
  });
  it("grad requires a scalar output and a tree of tensors", () => {
    expect(() => grad((x: Tensor<[2]>) => mul(x, 2) as unknown as Tensor<[]>)(tensor([1, 2]))).toThrow("grad: f must return a scalar Tensor<[]>, got shape [2]");
    expect(() => grad((p: { w: Tensor<[]> }) => p.w)({ w: 3 as unknown as Tensor<[]> })).toThrow("grad: parameters must be tensors, arrays or records of tensors; 'w' is number 3");
  });
  it("the transformations name a non-function f when they are made, and an async f by what it returned", () => {
    const notF = 5 as unknown as (x: Tensor<[]>) => Tensor<[]>;
    expect(() => grad(notF)).toThrow(new TypeError("grad: argument 'f' must be a function, got 5"));
    expect(() => valueAndGrad(notF)).toThrow(new TypeError("valueAndGrad: argument 'f' must be a function, got 5"));
    expect(() => valueAndGradAux(null as unknown as (x: Tensor<[]>) => readonly [Tensor<[]>, Tensor<[]>])).toThrow(new TypeError("valueAndGradAux: argument 'f' must be a function, got null"));
    expect(() => vjp("f" as unknown as (x: Tensor<[]>) => Tensor<[]>, tensor(1))).toThrow(new TypeError("vjp: argument 'f' must be a function, got \"f\""));
    const asyncF = (async (x: Tensor<[]>) => x) as unknown as (x: Tensor<[]>) => Tensor<[]>;
    expect(() => grad(asyncF)(tensor(1))).toThrow(
      new TypeError("grad: f must return a Tensor, got a Promise (f must be synchronous: an async f's tensors are made after the differentiation has ended)"),
    );
    expect(() => grad((() => 3) as unknown as (x: Tensor<[]>) => Tensor<[]>)(tensor(1))).toThrow(new TypeError("grad: f must return a Tensor, got number"));
  });
  it("astype's pullback converts the cotangent back exactly", () => {
    const w = tensor([0.25, -1.5, 3], { dtype: "float64" });
    const g = grad((x: Tensor<[3]>) => sum(mul(astype(x, "float64"), w)))(tensor([1, 2, 3]));
    expect(g.dtype).toBe("float32");
    expect(toArray(g)).toEqual([0.25, -1.5, 3]);
  });
  it("mixes dtypes by promoting to float64", () => {
    expect(add(tensor([1]), tensor([2], { dtype: "float64" })).dtype).toBe("float64");
  });
  it("valueAndGrad passes extra arguments through", () => {
    const loss = (w: Tensor<[2, 1]>, X: Tensor<[3, 2]>) => mean(matmul(X, w));
    const [v, g] = valueAndGrad(loss)(
      tensor([[1], [1]]),
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    expect(item(v)).toBe(7);
    expect(toArray(g)).toEqual([[3], [4]]);
  });
});

describe("pipe (data-last forms)", () => {
  it("gives the same results as the data-first calls", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const W = tensor([
      [0.5, -1],
      [2, 1],
    ]);
    const piped = pipe(x, matmul(W), add(1), div(2), sum(1, true));
    const direct = sum(div(add(matmul(x, W), 1), 2), 1, true);
    expect(toArray(piped)).toEqual(toArray(direct));
    expect(toArray(pipe(x, transpose, softmax(0)))).toEqual(toArray(softmax(transpose(x), 0)));
    expect(toArray(pipe(fill([2], 3), exp))).toEqual(toArray(exp(fill([2], 3))));
  });
});

describe("grad over a record with an optional parameter", () => {
  it("differentiates the fields present; an absent one has no gradient", () => {
    type Layer = { W: Tensor<[2, 2]>; b?: Tensor<[2, 1]> };
    const f = (p: Layer) => sum(p.b === undefined ? p.W : add(p.W, p.b));
    const withB = grad(f)({ W: ones([2, 2]), b: zeros([2, 1]) });
    expect(toArray(withB.b as Tensor)).toEqual([[2], [2]]);
    const without = grad(f)({ W: ones([2, 2]) });
    expect(Object.keys(without)).toEqual(["W"]);
    expect(toArray(without.W)).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });
});
