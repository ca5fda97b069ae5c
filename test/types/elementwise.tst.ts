/**
 * The rest of the elementwise family: every binary op shares `BinaryOp` (same overloads, same
 * message naming the op), comparisons give masks of the broadcast shape, `where` selects, unary
 * ops and parameterised activations keep the shape.
 */
import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "tstyche";
import {
  abs,
  astype,
  clip,
  div,
  elu,
  eq,
  exp,
  expm1,
  ge,
  gt,
  le,
  leakyRelu,
  log,
  log1p,
  logLossGrad,
  lt,
  maximum,
  minimum,
  ne,
  neg,
  pow,
  relu,
  reluGrad,
  sigmoid,
  sign,
  sqrt,
  square,
  stopGradient,
  sub,
  type Tensor,
  tanh,
  where,
  zeros,
} from "../../src/index.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;
declare const b: Tensor<[128, 1]>;
declare const row: Tensor<[1, 784]>;

describe("binary ops: programs that compile", () => {
  test("sub, div, pow with numbers and bias shapes", () => {
    expect(sub(1, W)).type.toBe<Tensor<[128, 784]>>();
    expect(div(W, b)).type.toBe<Tensor<[128, 784]>>();
    expect(pow(X, 2)).type.toBe<Tensor<[784, "m"]>>();
    expect(sub(W, zeros([784]))).type.toBe<Tensor<[128, 784]>>();
  });
  test("maximum and minimum", () => {
    expect(maximum(W, 0)).type.toBe<Tensor<[128, 784]>>();
    expect(minimum(0, X)).type.toBe<Tensor<[784, "m"]>>();
    expect(maximum(W, row)).type.toBe<Tensor<[128, 784]>>();
  });
  test("reluGrad keeps the cotangent's shape, a mask broadcast to it", () => {
    expect(reluGrad(W, W)).type.toBe<Tensor<[128, 784]>>();
    expect(reluGrad(W, row)).type.toBe<Tensor<[128, 784]>>();
  });
  test("comparisons give a mask of the broadcast shape", () => {
    expect(gt(W, 0)).type.toBe<Tensor<[128, 784]>>();
    expect(ge(W, b)).type.toBe<Tensor<[128, 784]>>();
    expect(lt(zeros([4, 1]), zeros([3]))).type.toBe<Tensor<[4, 3]>>();
    expect(le(X, X)).type.toBe<Tensor<[784, "m"]>>();
    expect(eq(X, 1)).type.toBe<Tensor<[784, "m"]>>();
    expect(ne(2, X)).type.toBe<Tensor<[784, "m"]>>();
  });
  test("where with a mask of the same shape", () => {
    expect(where(gt(W, 0), W, 0)).type.toBe<Tensor<[128, 784]>>();
    expect(where(gt(X, 0), 1, X)).type.toBe<Tensor<[784, "m"]>>();
  });
});

describe("unary ops: programs that compile", () => {
  test("every unary op keeps the shape", () => {
    expect(neg(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(exp(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(log(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(sqrt(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(square(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(abs(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(sign(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(expm1(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(log1p(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(sigmoid(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(tanh(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(relu(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(stopGradient(W)).type.toBe<Tensor<[128, 784]>>();
  });
  test("parameterised ops keep the shape, directly and in a pipe", () => {
    expect(clip(W, 0, 1)).type.toBe<Tensor<[128, 784]>>();
    expect(leakyRelu(W, 0.2)).type.toBe<Tensor<[128, 784]>>();
    expect(elu(W)).type.toBe<Tensor<[128, 784]>>();
    expect(astype(W, "float64")).type.toBe<Tensor<[128, 784]>>();
    expect(pipe(X, clip(0, 1), leakyRelu(0.1), astype("float64"))).type.toBe<Tensor<[784, "m"]>>();
  });
  test("point-free unary ops in a pipe", () => {
    expect(pipe(X, relu, exp, neg, sigmoid)).type.toBe<Tensor<[784, "m"]>>();
  });
});

describe("elementwise: programs that must not compile", () => {
  test("sub names itself", () => {
    // @ts-expect-error sub: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)
    sub(W, zeros([784, 128]));
  });
  test("div by a bias of the wrong orientation", () => {
    // @ts-expect-error div: shapes [128, 784] and [128] do not broadcast (784 vs 128)
    div(W, zeros([128]));
  });
  test("pow against a size where a name is", () => {
    // @ts-expect-error pow: shapes [784, 'm'] and [784, 2] do not broadcast ('m' vs 2)
    pow(X, zeros([784, 2]));
  });
  test("maximum of two layers' activations", () => {
    // @ts-expect-error maximum: shapes [128, 784] and [784, 'm'] do not broadcast (784 vs 'm')
    maximum(W, X);
  });
  test("reluGrad of a cotangent against another layer's output", () => {
    // @ts-expect-error reluGrad: shapes [128, 784] and [784, 'm'] do not broadcast (784 vs 'm')
    reluGrad(W, X);
  });
  test("minimum", () => {
    // @ts-expect-error minimum: shapes [784, 'm'] and [128, 784] do not broadcast ('m' vs 784)
    minimum(X, W);
  });
  test("a comparison", () => {
    // @ts-expect-error gt: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)
    gt(W, zeros([784, 128]));
  });
  test("eq", () => {
    // @ts-expect-error eq: shapes [784, 'm'] and [3] do not broadcast ('m' vs 3)
    eq(X, zeros([3]));
  });
  test("where with branches that do not broadcast", () => {
    // @ts-expect-error where: shapes [3, 4] and [5, 4] do not broadcast (3 vs 5)
    where(zeros([3, 4]), zeros([5, 4]), 0);
  });
  test("a unary op on a number", () => {
    // @ts-expect-error Argument of type 'number' is not assignable to parameter of type 'Tensor<Shape>'
    sigmoid(3);
  });
  test("an unsupported dtype", () => {
    // @ts-expect-error Argument of type '"int32"' is not assignable to parameter of type 'DType'
    astype(W, "int32");
  });
});

describe("where: the broadcast of all three operands", () => {
  test("shapes broadcast across cond, a and b; numbers are scalars", () => {
    expect(where(zeros([10, 1]), zeros([10, 5]), zeros([1, 5]))).type.toBe<Tensor<[10, 5]>>();
    expect(where(zeros([10, 1]) as unknown as Tensor<[10, "m"]>, 1, zeros([10, 1]))).type.toBe<Tensor<[10, "m"]>>();
    const X = zeros([784, 3]) as unknown as Tensor<[784, "m"]>;
    expect(pipe(gt(X, 0), where(X, 0))).type.toBe<Tensor<[784, "m"]>>();
  });
  test("a first branch that does not broadcast with cond is reported at that branch", () => {
    where(
      zeros([3, 4]),
      // @ts-expect-error where: shapes [3, 4] and [5, 4] do not broadcast (3 vs 5)
      zeros([5, 4]),
      0,
    );
  });
  test("a branch that does not broadcast is rejected", () => {
    const W = zeros([128, 784]);
    // @ts-expect-error where: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)
    where(gt(W, 0), W, zeros([784, 128]));
  });
  test("with a number for the other branch, the mismatch is reported at the tensor branch", () => {
    const W = zeros([128, 784]);
    where(
      gt(W, 0),
      0,
      // @ts-expect-error where: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)
      zeros([784, 128]),
    );
    where(
      gt(W, 0),
      // @ts-expect-error where: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)
      zeros([784, 128]),
      0,
    );
  });
});

declare const Zl: Tensor<[1, "m"]>;
declare const Yl: Tensor<[1, "m"]>;
declare const gl: Tensor<[]>;

describe("logLossGrad", () => {
  test("keeps the shape of the logits", () => {
    expect(logLossGrad(Zl, Yl, gl, 128)).type.toBe<Tensor<[1, "m"]>>();
    expect(logLossGrad(W, W, gl, 128)).type.toBe<Tensor<[128, 784]>>();
  });
  test("targets of another shape", () => {
    // @ts-expect-error Argument of type 'Tensor<[128, 784]>' is not assignable to parameter of type 'Tensor<NoInfer<[1, "m"]>>'
    logLossGrad(Zl, W, gl, 128);
  });
  test("targets that would only broadcast", () => {
    // @ts-expect-error Argument of type 'Tensor<[128, 1]>' is not assignable to parameter of type 'Tensor<NoInfer<[128, 784]>>'
    logLossGrad(W, b, gl, 128);
  });
  test("a cotangent that is not a scalar", () => {
    // @ts-expect-error Argument of type 'Tensor<[1, "m"]>' is not assignable to parameter of type 'Tensor<[]>'
    logLossGrad(Zl, Yl, Yl, 128);
  });
});
