/**
 * `customVjp`: a function with its own pullback composes with `grad`, `vjp` and `grad(grad(·))`,
 * the law kit's `checkFunction` checks it (and notices a wrong `bwd`), and the fused losses built
 * with it agree with the autodiff of their unfused compositions.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbTensor } from "../../laws/arbitraries.js";
import { checkFunction, runFunctionLaws } from "../../laws/checkFunction.js";
import { customVjp } from "../../src/autodiff/customVjp.js";
import { tidy } from "../../src/autodiff/tidy.js";
import { grad, valueAndGrad, vjp } from "../../src/autodiff/vjp.js";
import { logLossFromLogits, softmaxCrossEntropy } from "../../src/nn/losses.js";
import { add } from "../../src/ops/add.js";
import { exp } from "../../src/ops/exp.js";
import { logSoftmax } from "../../src/ops/logSoftmax.js";
import { mul } from "../../src/ops/mul.js";
import { sigmoid } from "../../src/ops/sigmoid.js";
import { softplus } from "../../src/ops/softplus.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { fromArray, ones, toFlat } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;
const runs = { numRuns: 25, seed: 11 };
const flat = (t: Tensor): number[] => Array.from(toFlat(t));
const close = (a: readonly number[], b: readonly number[], tol = 1e-10): void => {
  expect(a.length).toBe(b.length);
  for (const [i, v] of a.entries()) expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)));
};

/** x³ with the pullback 3x²·ct, written with ops (so it differentiates again). */
const cube = customVjp(
  (x: Tensor) => mul(x, mul(x, x)),
  (x: Tensor) => [mul(x, mul(x, x)), x] as const,
  (x, ct) => [mul(ct, mul(mul(x, x), 3))] as const,
);

describe("customVjp", () => {
  it("is f outside any differentiation, fwd and bwd under grad", () => {
    const calls: string[] = [];
    const g = customVjp(
      (x: Tensor) => {
        calls.push("f");
        return exp(x);
      },
      (x: Tensor) => {
        calls.push("fwd");
        return [exp(x), x] as const;
      },
      (x, ct) => {
        calls.push("bwd");
        return [mul(ct, exp(x))] as const;
      },
    );
    const x = fromArray([2], [0.5, -1], f64);
    g(x);
    expect(calls).toEqual(["f"]);
    close(flat(grad((p: Tensor) => sum(g(p)))(x)), [Math.exp(0.5), Math.exp(-1)]);
    expect(calls).toEqual(["f", "fwd", "bwd"]);
  });

  it("under grad, what fwd makes (residuals, dropped temporaries) is given back with the other primals; under vjp it is kept", () => {
    let made: Tensor[] = [];
    const g = customVjp(
      (x: Tensor) => exp(x),
      (x: Tensor) => {
        const e = exp(x);
        const dropped = mul(e, 2);
        made = [e, dropped];
        return [mul(dropped, 0.5), e] as const;
      },
      (e, ct) => [mul(ct, e)] as const,
    );
    const x = fromArray([2], [0.5, -1], f64);
    const [J, dx] = valueAndGrad((p: Tensor) => sum(g(p)))(x);
    close(flat(dx), [Math.exp(0.5), Math.exp(-1)]);
    close(flat(J), [Math.exp(0.5) + Math.exp(-1)]);
    for (const t of made) expect(() => toFlat(t)).toThrow(/was kept and used after grad returned/);
    const [y, pullback] = vjp((p: Tensor) => sum(g(p)), x);
    close(flat(pullback(ones([]))), [Math.exp(0.5), Math.exp(-1)]);
    close(flat(pullback(ones([]))), [Math.exp(0.5), Math.exp(-1)]);
    close(flat(y), [Math.exp(0.5) + Math.exp(-1)]);
    for (const t of made) expect(flat(t).length).toBe(2);
  });

  it("under vjp (no tape) it leaves the memory scopes as they were: a tidy around it gives back what it made", () => {
    const square = customVjp(
      (a: Tensor) => mul(a, a),
      (a: Tensor) => [mul(a, a), a] as const,
      (a, ct) => [mul(mul(ct, a), 2)] as const,
    );
    const x = fromArray([2], [1, 3], f64);
    let made: Tensor | undefined;
    const g = tidy(() => {
      made = mul(x, 3);
      const [y, pullback] = vjp(([p]: [Tensor]) => square(p), [x]);
      return pullback(ones(y.shape as number[], f64))[0];
    });
    expect(flat(g)).toEqual([2, 6]);
    expect(() => toFlat(made as Tensor)).toThrow(/released at the end of a tidy\(\) scope/);
  });

  it("composes with vjp (several inputs, an undefined cotangent is zero)", () => {
    const first = customVjp(
      (a: Tensor, b: Tensor) => add(mul(a, 2), b),
      (a: Tensor, b: Tensor) => [add(mul(a, 2), b), undefined] as const,
      (_r, ct) => [mul(ct, 2), undefined] as const,
    );
    const a = fromArray([3], [1, 2, 3], f64);
    const b = fromArray([3], [4, 5, 6], f64);
    const [y, pullback] = vjp(([p, q]: [Tensor, Tensor]) => first(p, q), [a, b]);
    expect(flat(y)).toEqual([6, 9, 12]);
    const [ga, gb] = pullback(ones([3], f64));
    expect(flat(ga)).toEqual([2, 2, 2]);
    expect(flat(gb)).toEqual([0, 0, 0]);
  });

  it("tells bwd which inputs want a cotangent (a constant does not), so it may skip those", () => {
    const seen: boolean[][] = [];
    const scaled = customVjp(
      (a: Tensor, b: Tensor) => mul(a, b),
      (a: Tensor, b: Tensor) => [mul(a, b), { a, b }] as const,
      ({ a, b }, ct, wants) => {
        seen.push([...wants]);
        return [wants[0] ? mul(ct, b) : undefined, wants[1] ? mul(ct, a) : undefined] as const;
      },
    );
    const a = fromArray([2], [1, 2], f64);
    const b = fromArray([2], [3, 4], f64);
    expect(flat(grad((p: Tensor) => sum(scaled(p, b)))(a))).toEqual([3, 4]);
    expect(flat(grad((q: Tensor) => sum(scaled(a, q)))(b))).toEqual([1, 2]);
    const [ga, gb] = grad(([p, q]: [Tensor, Tensor]) => sum(scaled(p, q)))([a, b]);
    expect([flat(ga), flat(gb)]).toEqual([
      [3, 4],
      [1, 2],
    ]);
    expect(seen).toEqual([
      [true, false],
      [false, true],
      [true, true],
    ]);
  });

  it("composes with grad(grad(·)) when bwd is written with differentiable ops", () => {
    const x = fromArray([3], [0.5, -2, 1.5], f64);
    close(flat(grad((p: Tensor) => sum(cube(p)))(x)), [0.75, 12, 6.75]);
    const d2 = grad((p: Tensor) => sum(grad((q: Tensor) => sum(cube(q)))(p)))(x);
    close(flat(d2), [3, -12, 9]);
  });

  it("passes checkFunction", () => {
    expect(checkFunction((x: Tensor<[2, 3]>) => sum(cube(x)), arbTensor([2, 3]), runs).every((o) => o.ok)).toBe(true);
  });

  it("checkFunction notices a wrong bwd", () => {
    const wrong = customVjp(
      (x: Tensor) => mul(x, mul(x, x)),
      (x: Tensor) => [mul(x, mul(x, x)), x] as const,
      (x, ct) => [mul(ct, mul(mul(x, x), 2))] as const,
    );
    const failing = runFunctionLaws((x: Tensor<[2, 3]>) => sum(wrong(x)), arbTensor([2, 3]), runs).filter((o) => !o.ok);
    expect(failing.map((o) => o.law)).toContain("vjp dot product");
  });

  it("fwd and bwd results that are not what they must be are named (a bare tensor from bwd had given a zero gradient)", () => {
    const x = fromArray([2], [1, 3]);
    const g = (bwd: (r: Tensor, ct: Tensor) => unknown) =>
      grad((a: Tensor) =>
        sum(
          customVjp(
            function square(a: Tensor) {
              return mul(a, a);
            },
            (a: Tensor) => [mul(a, a), a] as const,
            bwd as never,
          )(a),
        ),
      )(x);
    expect(() => g((_r, ct) => ct)).toThrow(new TypeError("square: bwd must return an array of 1 cotangent (a Tensor, or undefined for a constant input), got a Tensor of shape [2]"));
    expect(() => g((_r, ct) => [ct, ct])).toThrow(new TypeError("square: bwd must return an array of 1 cotangent (a Tensor, or undefined for a constant input), got an array of 2"));
    expect(() => g(() => [3])).toThrow(new TypeError("square: bwd's cotangent 0 must be a Tensor or undefined, got 3"));
    expect(Array.from(toFlat(g((r, ct) => [mul(mul(ct, r), 2)])))).toEqual([2, 6]);
    const h = (fwd: (a: Tensor) => unknown) =>
      grad((a: Tensor) =>
        sum(
          customVjp(
            (a: Tensor) => mul(a, a),
            fwd as never,
            (_r: unknown, ct: Tensor) => [ct] as const,
          )(a),
        ),
      )(x);
    expect(() => h((a) => mul(a, a))).toThrow(new TypeError("customVjp: fwd must return a pair [output, residuals] (the output a Tensor), got a Tensor of shape [2]"));
    expect(() => h((a) => [3, a])).toThrow(new TypeError("customVjp: fwd must return a pair [output, residuals] (the output a Tensor), got an array of 2"));
    // a pair, not a longer array whose first entry is a tensor
    expect(() => h((a) => [mul(a, a), a, a])).toThrow(new TypeError("customVjp: fwd must return a pair [output, residuals] (the output a Tensor), got an array of 3"));
    // two inputs: the count and its plural
    const product = customVjp(
      function product(a: Tensor, b: Tensor) {
        return mul(a, b);
      },
      (a: Tensor, b: Tensor) => [mul(a, b), [a, b]] as const,
      ((_r: unknown, ct: Tensor) => [ct]) as never,
    );
    expect(() => grad((a: Tensor) => sum(product(a, a)))(x)).toThrow(
      new TypeError("product: bwd must return an array of 2 cotangents (a Tensor, or undefined for a constant input), got an array of 1"),
    );
  });

  it("rejects arguments that are not functions", () => {
    expect(() =>
      customVjp(
        1 as never,
        (x: Tensor) => [x, x] as const,
        (_r, ct: Tensor) => [ct] as const,
      ),
    ).toThrow(/customVjp: f, fwd and bwd must be functions/);
  });
});

describe("the fused losses (customVjp) agree with the autodiff of their compositions", () => {
  const logits = (rows: number, cols: number) => fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }).map((d) => fromArray([rows, cols], d, f64));
  const probs = (rows: number, cols: number) =>
    fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }).map((d) => {
      const cols0 = Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => d[i * cols + j] as number).reduce((s, v) => s + v, 0));
      return fromArray(
        [rows, cols],
        d.map((v, k) => v / (cols0[k % cols] as number)),
        f64,
      );
    });

  it("softmaxCrossEntropy: gradient in z and y, and grad of grad", () => {
    fc.assert(
      fc.property(logits(3, 4), probs(3, 4), (Z, Y) => {
        const unfused = (z: Tensor, y: Tensor) => mul(sum(mul(y, logSoftmax(z, 0))), -1 / 4);
        const [gz, gy] = grad(([z, y]: [Tensor, Tensor]) => softmaxCrossEntropy(z, y))([Z, Y]);
        const [uz, uy] = grad(([z, y]: [Tensor, Tensor]) => unfused(z, y))([Z, Y]);
        close(flat(gz), flat(uz), 1e-9);
        close(flat(gy), flat(uy), 1e-9);
        const hz = grad((z: Tensor) => sum(mul(grad((w: Tensor) => softmaxCrossEntropy(w, Y))(z), z)))(Z);
        const hu = grad((z: Tensor) => sum(mul(grad((w: Tensor) => unfused(w, Y))(z), z)))(Z);
        close(flat(hz), flat(hu), 1e-9);
      }),
      { numRuns: 20, seed: 3 },
    );
  });

  it("logLossFromLogits: gradient in z and y, and grad of grad", () => {
    fc.assert(
      fc.property(logits(1, 5), logits(1, 5), (Z, Y0) => {
        const Y = sigmoid(Y0);
        const unfused = (z: Tensor, y: Tensor) => mul(sum(sub(softplus(z), mul(y, z))), 1 / 5);
        const [gz, gy] = grad(([z, y]: [Tensor, Tensor]) => logLossFromLogits(z, y))([Z, Y]);
        const [uz, uy] = grad(([z, y]: [Tensor, Tensor]) => unfused(z, y))([Z, Y]);
        close(flat(gz), flat(uz), 1e-9);
        close(flat(gy), flat(uy), 1e-9);
        const hz = grad((z: Tensor) => sum(mul(grad((w: Tensor) => logLossFromLogits(w, Y))(z), z)))(Z);
        const hu = grad((z: Tensor) => sum(mul(grad((w: Tensor) => unfused(w, Y))(z), z)))(Z);
        close(flat(hz), flat(hu), 1e-9);
      }),
      { numRuns: 20, seed: 4 },
    );
  });

  it("both pass checkFunction", () => {
    const Y = fromArray([3, 2], [1, 0, 0, 1, 0, 0], f64);
    expect(checkFunction((z: Tensor<[3, 2]>) => softmaxCrossEntropy(z, Y as Tensor<[3, 2]>), arbTensor([3, 2]), runs).every((o) => o.ok)).toBe(true);
    const T = fromArray([1, 4], [1, 0, 1, 1], f64);
    expect(checkFunction((z: Tensor<[1, 4]>) => logLossFromLogits(z, T as Tensor<[1, 4]>), arbTensor([1, 4]), runs).every((o) => o.ok)).toBe(true);
  });
});
