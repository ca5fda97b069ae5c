/**
 * Autodiff structure types: `grad(f)` returns exactly the structure of `f`'s first argument (a
 * tensor, a tuple, a record, nested), `valueAndGrad` adds the scalar value, `vjp` pairs the value
 * with a pullback from the output's shape. `f` must return a scalar `Tensor<[]>`.
 */
import { describe, expect, test } from "tstyche";
import { add, grad, mul, sum, type Tensor, tensor, valueAndGrad, vjp, zeros } from "../../src/index.js";

type Params = {
  W: Tensor<[128, 784]>;
  b: Tensor<[128, 1]>;
};
declare const W: Tensor<[128, 784]>;
declare const b: Tensor<[128, 1]>;
declare const X: Tensor<[784, "m"]>;
const cost = (p: Params, _X: Tensor<[784, "m"]>): Tensor<[]> => sum(mul(p.W, p.W));
const square = (x: Tensor<[3]>) => sum(mul(x, x));

describe("autodiff: programs that compile", () => {
  test("grad of a tensor function is a tensor of the same shape", () => {
    expect(grad(square)(zeros([3]))).type.toBe<Tensor<[3]>>();
    expect(grad(square)).type.toBe<(p: Tensor<[3]>) => Tensor<[3]>>();
  });
  test("grad of a record of parameters is the same record, extra arguments pass through", () => {
    expect(grad(cost)({ W, b }, X)).type.toBe<Params>();
  });
  test("valueAndGrad adds the scalar value", () => {
    expect(valueAndGrad(cost)({ W, b }, X)).type.toBe<[Tensor<[]>, Params]>();
  });
  test("a tuple of parameters", () => {
    const f = (p: readonly [Tensor<[2, 3]>, Tensor<[3]>]) => sum(mul(p[0], p[1]));
    expect(grad(f)([zeros([2, 3]), zeros([3])])).type.toBe<readonly [Tensor<[2, 3]>, Tensor<[3]>]>();
  });
  test("nested records and tuples", () => {
    const f = (p: { a: Tensor<[]>; layers: [Tensor<[2]>, Tensor<[3]>] }) => add(p.a, sum(p.layers[0]));
    expect(grad(f)({ a: tensor(1), layers: [zeros([2]), zeros([3])] })).type.toBe<{ a: Tensor<[]>; layers: [Tensor<[2]>, Tensor<[3]>] }>();
  });
  test("grad(grad(f)) of a scalar function", () => {
    const cube = (x: Tensor<[]>) => mul(x, mul(x, x));
    expect(grad(grad(cube))(tensor(2))).type.toBe<Tensor<[]>>();
  });
  test("vjp: the value and a pullback from the output's shape to the input's structure", () => {
    expect(vjp((x: Tensor<[2, 3]>) => mul(x, 2), zeros([2, 3]))).type.toBe<[Tensor<[2, 3]>, (ct: Tensor<[2, 3]>) => Tensor<[2, 3]>]>();
  });
});

describe("autodiff: programs that must not compile", () => {
  test("grad of a function that does not return a scalar", () => {
    // @ts-expect-error Call signature return types 'Tensor<[3]>' and 'Tensor<[]>' are incompatible
    grad((x: Tensor<[3]>) => mul(x, x));
  });
  test("parameters of the wrong shape", () => {
    // @ts-expect-error Type 'Tensor<[128, 2]>' is not assignable to type 'Tensor<[128, 1]>'
    grad(cost)({ W, b: zeros([128, 2]) }, X);
  });
  test("a literal size is not a named dim", () => {
    // @ts-expect-error Argument of type 'Tensor<[784, 5]>' is not assignable to parameter of type 'Tensor<[784, "m"]>'
    grad(cost)({ W, b }, zeros([784, 5]));
  });
  test("the gradient is called with the wrong shape", () => {
    // @ts-expect-error Argument of type 'Tensor<[4]>' is not assignable to parameter of type 'Tensor<[3]>'
    grad(square)(zeros([4]));
  });
  test("a missing parameter", () => {
    // @ts-expect-error Property 'b' is missing
    grad(cost)({ W }, X);
  });
  test("the pullback's cotangent has the output's shape", () => {
    const [, pullback] = vjp((x: Tensor<[2, 3]>) => mul(x, 2), zeros([2, 3]));
    // @ts-expect-error Argument of type 'Tensor<[3, 2]>' is not assignable to parameter of type 'Tensor<[2, 3]>'
    pullback(zeros([3, 2]));
  });
});

describe("grad: parameter records declared as interfaces", () => {
  test("an interface of tensors is accepted, and the gradient has its type", () => {
    interface Layer {
      W: Tensor<[2, 3]>;
      b: Tensor<[2, 1]>;
    }
    const f = (p: Layer) => sum(add(p.W, p.b));
    expect(grad(f)).type.toBe<(p: Layer) => Layer>();
  });
  test("an interface with an optional tensor field is accepted", () => {
    interface Layer {
      W: Tensor<[2, 3]>;
      b?: Tensor<[2, 1]>;
    }
    const f = (p: Layer) => sum(p.b === undefined ? p.W : add(p.W, p.b));
    expect(grad(f)).type.toBe<(p: Layer) => Layer>();
  });
  test("a non-tensor leaf is rejected at the function", () => {
    interface Bad {
      W: Tensor<[2, 3]>;
      lr: number;
    }
    const f = (p: Bad) => sum(mul(p.W, p.lr));
    // @ts-expect-error Argument of type '(p: Bad) => Tensor<[]>' is not assignable to parameter of type '{ readonly "parameters must be tensors, arrays or records of tensors": Bad; }'
    grad(f);
  });
});
