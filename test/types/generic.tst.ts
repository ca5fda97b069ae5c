/**
 * Generic user code: layer functions generic over their sizes must compile and keep symbolic
 * result shapes (`Tensor<[O, "m"]>`), thanks to the plain-generic overloads each op lists first.
 */
import { describe, expect, test } from "tstyche";
import {
  add,
  concat,
  type Dim,
  dense,
  div,
  flatten,
  gt,
  matmul,
  mean,
  mlp,
  mse,
  mul,
  relu,
  reshape,
  rng,
  type Shape,
  softmax,
  sub,
  sum,
  type Tensor,
  transpose,
  where,
  zeros,
} from "../../src/index.js";

declare const W: Tensor<[128, 784]>;
declare const X: Tensor<[784, "m"]>;
declare const b: Tensor<[128, 1]>;

function linear<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[I, "m"]>, b: Tensor<[O, 1]>) {
  return add(matmul(W, x), b);
}

describe("generic code: programs that compile", () => {
  test("linear<O, I> gives Tensor<[O, 'm']>", () => {
    expect(linear).type.toBe<<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[I, "m"]>, b: Tensor<[O, 1]>) => Tensor<[O, "m"]>>();
    expect(linear(W, X, b)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a dense layer generic over the batch dim too", () => {
    function dense<O extends number, I extends number, M extends Dim>(W: Tensor<[O, I]>, A: Tensor<[I, M]>, b: Tensor<[O, 1]>) {
      return relu(add(matmul(W, A), b));
    }
    expect(dense(W, zeros([784, 32]), b)).type.toBe<Tensor<[128, 32]>>();
    expect(dense(W, X, b)).type.toBe<Tensor<[128, "m"]>>();
  });
  test("a backward pass gives gradients of the parameters' shapes", () => {
    function backward<O extends number, I extends number>(dZ: Tensor<[O, "m"]>, A: Tensor<[I, "m"]>, W: Tensor<[O, I]>) {
      return { dW: div(matmul(dZ, transpose(A)), 10), db: mean(dZ, 1, true), dA: matmul(transpose(W), dZ) };
    }
    expect(backward(zeros([10, 5]) as unknown as Tensor<[10, "m"]>, X, zeros([10, 784]))).type.toBe<{
      dW: Tensor<[10, 784]>;
      db: Tensor<[10, 1]>;
      dA: Tensor<[784, "m"]>;
    }>();
  });
  test("an update rule generic over the shape", () => {
    function sgd<S extends Shape>(p: Tensor<S>, g: Tensor<S>, lr: number) {
      return sub(p, mul(lr, g));
    }
    expect(sgd(W, W, 0.1)).type.toBe<Tensor<[128, 784]>>();
  });
  test("reductions and biases in generic code", () => {
    function colSum<N extends number, M extends Dim>(x: Tensor<[N, M]>) {
      return sum(x, 1, true);
    }
    function rowBias<M extends Dim, N extends number>(x: Tensor<[M, N]>, r: Tensor<[1, N]>) {
      return add(x, r);
    }
    function vecBias<N extends number>(x: Tensor<[N, 784]>, c: Tensor<[784]>) {
      return add(x, c);
    }
    function total<S extends Shape>(x: Tensor<S>) {
      return sum(x);
    }
    expect(colSum(X)).type.toBe<Tensor<[784, 1]>>();
    expect(rowBias(zeros([5, 3]), zeros([1, 3]))).type.toBe<Tensor<[5, 3]>>();
    expect(total(X)).type.toBe<Tensor<[]>>();
    expect(vecBias).type.toBe<<N extends number>(x: Tensor<[N, 784]>, c: Tensor<[784]>) => Tensor<[N, 784]>>();
  });
  test("a batched matmul with a generic batch dim (3-D @ 2-D and 3-D @ 3-D)", () => {
    function bmm<B extends number>(x: Tensor<[B, 2, 3]>, w: Tensor<[3, 4]>) {
      return matmul(x, w);
    }
    function attention<B extends number, T extends number, D extends number>(q: Tensor<[B, T, D]>, k: Tensor<[B, D, T]>) {
      return matmul(q, k);
    }
    expect(bmm).type.toBe<<B extends number>(x: Tensor<[B, 2, 3]>, w: Tensor<[3, 4]>) => Tensor<[B, 2, 4]>>();
    expect(attention).type.toBe<<B extends number, T extends number, D extends number>(q: Tensor<[B, T, D]>, k: Tensor<[B, D, T]>) => Tensor<[B, T, T]>>();
    expect(bmm(zeros([5, 2, 3]), zeros([3, 4]))).type.toBe<Tensor<[5, 2, 4]>>();
  });
  test("transpose of a generic matrix, inside other ops", () => {
    function grads<O extends number, I extends number>(dZ: Tensor<[O, "m"]>, A: Tensor<[I, "m"]>, W: Tensor<[O, I]>) {
      return { dW: matmul(dZ, transpose(A)), dA: matmul(transpose(W), dZ), At: transpose(A) };
    }
    expect(grads(zeros([10, 5]) as unknown as Tensor<[10, "m"]>, X, zeros([10, 784]))).type.toBe<{
      dW: Tensor<[10, 784]>;
      dA: Tensor<[784, "m"]>;
      At: Tensor<["m", 784]>;
    }>();
  });
  test("softmax, where and transpose in generic code", () => {
    function probs<K extends number>(z: Tensor<[K, "m"]>) {
      return softmax(z, 0);
    }
    function relu2<S extends Shape>(x: Tensor<S>) {
      return where(gt(x, 0), x, 0);
    }
    function t<A extends Dim, B extends Dim>(x: Tensor<[A, B]>) {
      return transpose(x);
    }
    expect(probs(zeros([10, 3]) as unknown as Tensor<[10, "m"]>)).type.toBe<Tensor<[10, "m"]>>();
    expect(relu2(X)).type.toBe<Tensor<[784, "m"]>>();
    expect(t(X)).type.toBe<Tensor<["m", 784]>>();
  });
  test("reshape and flatten of a generic batch keep the batch dim", () => {
    function flat<N extends number>(x: Tensor<[N, 28, 28]>) {
      return reshape(x, [-1, 784]);
    }
    function flat1<N extends Dim>(x: Tensor<[N, 28, 28]>) {
      return flatten(x, 1);
    }
    function unflat<N extends number>(x: Tensor<[N, 784]>) {
      return reshape(x, [-1, 28, 28]);
    }
    expect(flat).type.toBe<<N extends number>(x: Tensor<[N, 28, 28]>) => Tensor<[N, 784]>>();
    expect(flat(zeros([5, 28, 28]))).type.toBe<Tensor<[5, 784]>>();
    expect(flat1(zeros([5, 28, 28]) as unknown as Tensor<["m", 28, 28]>)).type.toBe<Tensor<["m", 784]>>();
    expect(unflat(zeros([5, 784]))).type.toBe<Tensor<[5, 28, 28]>>();
  });
  test("concat of generic batches along the feature axis", () => {
    function cat<N extends number>(a: Tensor<[N, 3]>, c: Tensor<[N, 4]>) {
      return concat([a, c], 1);
    }
    expect(cat).type.toBe<<N extends number>(a: Tensor<[N, 3]>, c: Tensor<[N, 4]>) => Tensor<[N, 7]>>();
    expect(cat(zeros([5, 3]), zeros([5, 4]))).type.toBe<Tensor<[5, 7]>>();
  });
  test("broadcasting a generic shape against 1s and against its own trailing dims", () => {
    function f<N extends number, M extends number>(x: Tensor<[N, M]>, y: Tensor<[1, 1]>) {
      return add(x, y);
    }
    function g<B extends number, M extends number, N extends number>(x: Tensor<[B, M, N]>, y: Tensor<[M, N]>) {
      return mul(x, y);
    }
    expect(f).type.toBe<<N extends number, M extends number>(x: Tensor<[N, M]>, y: Tensor<[1, 1]>) => Tensor<[N, M]>>();
    expect(g).type.toBe<<B extends number, M extends number, N extends number>(x: Tensor<[B, M, N]>, y: Tensor<[M, N]>) => Tensor<[B, M, N]>>();
  });
});

describe("generic code: programs that must not compile", () => {
  test("a matmul whose inner dims are different type parameters", () => {
    function bad<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[O, "m"]>) {
      // @ts-expect-error Argument of type 'Tensor<[O, "m"]>' is not assignable to parameter of type 'Check<InnerDims<[O, I], [O, "m"], I, O, [], [], O, "m">, Tensor<[O, "m"]>>'
      return matmul(W, x);
    }
    void bad;
  });
  test("a bias with the wrong type parameter", () => {
    function bad<N extends number, M extends number>(Z: Tensor<[N, M]>, b: Tensor<[M, 1]>) {
      // @ts-expect-error Argument of type 'Tensor<[M, 1]>' is not assignable
      return add(Z, b);
    }
    void bad;
  });
  test("a result of the wrong symbolic shape", () => {
    function bad<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[I, "m"]>): Tensor<[I, "m"]> {
      // @ts-expect-error Type 'Tensor<[O, "m"]>' is not assignable to type 'Tensor<[I, "m"]>'
      return matmul(W, x);
    }
    void bad;
  });
  test("a reduction axis beyond a generic 2-D shape", () => {
    function bad<N extends number, M extends number>(Z: Tensor<[N, M]>) {
      // @ts-expect-error sum: axis 2 is out of range for
      return sum(Z, 2);
    }
    void bad;
  });
  test("reshape of a generic batch into the wrong per-example size", () => {
    function bad<N extends number>(x: Tensor<[N, 28, 28]>) {
      // @ts-expect-error Argument of type 'number[]' is not assignable to parameter of type 'Check<
      return reshape(x, [-1, 780]);
    }
    void bad;
  });
  test("concat of two different generic batches", () => {
    function bad<N extends number, M extends number>(a: Tensor<[N, 3]>, c: Tensor<[M, 4]>) {
      // @ts-expect-error Argument of type '[Tensor<[N, 3]>, Tensor<[M, 4]>]' is not assignable to parameter of type 'Check<
      return concat([a, c], 1);
    }
    void bad;
  });
  test("broadcasting two different generic dims", () => {
    function bad<N extends number, M extends number>(x: Tensor<[N, 3]>, y: Tensor<[M, 3]>) {
      // @ts-expect-error No overload matches this call.
      return add(x, y);
    }
    void bad;
  });
  test("a generic layer (sizes inferred from W only) called with mismatched sizes", () => {
    function checked<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[NoInfer<I>, "m"]>, b: Tensor<[NoInfer<O>, 1]>) {
      return add(matmul(W, x), b);
    }
    // @ts-expect-error Argument of type 'Tensor<[748, "m"]>' is not assignable to parameter of type 'Tensor<[784, "m"]>'
    checked(W, zeros([748, 3]) as unknown as Tensor<[748, "m"]>, b);
  });
});

describe("typegrad's layers and losses: sizes come from the layer, so no NoInfer is needed", () => {
  test("a dense layer fed the wrong number of inputs", () => {
    const l = dense(784, 128, { activation: "relu" });
    const p = l.init(rng(0));
    expect(l.apply(p, X)).type.toBe<Tensor<[128, "m"]>>();
    l.apply(
      p,
      // @ts-expect-error dense.apply: A_prev must be [784, m], got [748, 'm']
      zeros([748, 3]) as unknown as Tensor<[748, "m"]>,
    );
  });
  test("a loss whose labels have another shape", () => {
    mse(
      zeros([10, 5]),
      // @ts-expect-error Argument of type 'Tensor<[9, 5]>' is not assignable to parameter of type 'Tensor<NoInfer<[10, 5]>>'
      zeros([9, 5]),
    );
  });
  test("an mlp's layers are checked against each other by their sizes", () => {
    const net = mlp([784, 128, 10]);
    expect(net.apply(net.init(rng(0)), X)).type.toBe<Tensor<[10, "m"]>>();
  });
});

describe("generic code: scalar tensors", () => {
  test("a scalar tensor against a generic shape, on either side", () => {
    function scale<S extends Shape>(g: Tensor<S>, lr: Tensor<[]>): Tensor<S> {
      return sub(g, mul(lr, g));
    }
    expect(scale(zeros([3, 4]), zeros([]))).type.toBe<Tensor<[3, 4]>>();
  });
});
