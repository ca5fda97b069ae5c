/**
 * Call signatures shared by families of ops. Each family lists its plain-generic fast paths
 * first (so generic user code such as `linear<O, I>` compiles), then the general rule whose
 * failure becomes the type of the offending argument, then the data-last form for `pipe`.
 *
 * @module
 */
import type { Broadcast } from "../shape/broadcast.js";
import type { Check, Dim, Ok, Shape } from "../shape/dims.js";
import type { Reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * A broadcasting binary op named `Name` (`add`, `mul`, `maximum`, `gt`, …).
 *
 * @category model
 */
export interface BinaryOp<Name extends string> {
  /** Same shapes, or a scalar (a plain number or a `Tensor<[]>`) on the right. */
  <S extends Shape>(a: Tensor<S>, b: Tensor<NoInfer<S>> | Tensor<[]> | number): Tensor<S>;
  /** A scalar on the left. */
  <S extends Shape>(a: number | Tensor<[]>, b: Tensor<S>): Tensor<S>;
  /** A column bias `[n, 1]` against `[n, m]` (columns are examples). */
  <M extends Dim, N extends Dim>(a: Tensor<[M, N]>, b: Tensor<[NoInfer<M>, 1]>): Tensor<[M, N]>;
  /** A row bias `[1, n]` against `[m, n]` (rows are examples). */
  <M extends Dim, N extends Dim>(a: Tensor<[M, N]>, b: Tensor<[1, NoInfer<N>]>): Tensor<[M, N]>;
  /** A vector bias `[n]` against `[m, n]` (rows are examples, numpy style). */
  <M extends Dim, N extends Dim>(a: Tensor<[M, N]>, b: Tensor<[NoInfer<N>]>): Tensor<[M, N]>;
  /** Data-last with a number: `pipe(x, mul(2))`. */
  (b: number): <S extends Shape>(a: Tensor<S>) => Tensor<S>;
  /** Data-last: `pipe(a, add(b))` is `add(a, b)`. */
  <const B extends Shape>(b: Tensor<B>): BinaryBy<B, Name>;
  /** numpy broadcasting; a mismatch is reported at `b` with both shapes. */
  <const A extends Shape, const B extends Shape>(a: Tensor<A>, b: Check<Broadcast<A, B, Name>, Tensor<B>>): Tensor<Ok<Broadcast<A, B, Name>>>;
}

/**
 * A broadcasting binary op's data-last form, `add(b)`: `pipe(a, add(b))` is `add(a, b)`. A named
 * type, so an error through `pipe`/`flow` prints `BinaryBy<[3, 4], "add">`, not the rule's
 * conditional type.
 *
 * @category model
 */
export type BinaryBy<B extends Shape, Name extends string> = <const A extends Shape>(a: Check<Broadcast<A, B, Name>, Tensor<A>>) => Tensor<Ok<Broadcast<A, B, Name>>>;

/**
 * `addAct(z, b, act)`: the bias fast paths of {@link BinaryOp}, then numpy broadcasting (a
 * mismatch reported at `b`), then the data-last form for `pipe`.
 *
 * @category model
 */
export interface AddActOp {
  /** Same shapes, or a scalar tensor bias. */
  <S extends Shape>(z: Tensor<S>, b: Tensor<NoInfer<S>> | Tensor<[]>, act: "relu" | "sigmoid" | "tanh"): Tensor<S>;
  /** A column bias `[n, 1]` against `[n, m]` (columns are examples). */
  <M extends Dim, N extends Dim>(z: Tensor<[M, N]>, b: Tensor<[NoInfer<M>, 1]>, act: "relu" | "sigmoid" | "tanh"): Tensor<[M, N]>;
  /** A row bias `[1, n]` against `[m, n]` (rows are examples). */
  <M extends Dim, N extends Dim>(z: Tensor<[M, N]>, b: Tensor<[1, NoInfer<N>]>, act: "relu" | "sigmoid" | "tanh"): Tensor<[M, N]>;
  /** A vector bias `[n]` against `[m, n]`. */
  <M extends Dim, N extends Dim>(z: Tensor<[M, N]>, b: Tensor<[NoInfer<N>]>, act: "relu" | "sigmoid" | "tanh"): Tensor<[M, N]>;
  /** Data-last: `pipe(z, addAct(b, "relu"))`; an error through `pipe`/`flow` prints `BinaryBy<[10], "addAct">`. */
  <const B extends Shape>(b: Tensor<B>, act: "relu" | "sigmoid" | "tanh"): BinaryBy<B, "addAct">;
  /** numpy broadcasting; a mismatch is reported at `b` with both shapes. */
  <const A extends Shape, const B extends Shape>(z: Tensor<A>, b: Check<Broadcast<A, B, "addAct">, Tensor<B>>, act: "relu" | "sigmoid" | "tanh"): Tensor<Ok<Broadcast<A, B, "addAct">>>;
}

/**
 * An elementwise unary op: same shape out. Usable in `pipe` as it is (`pipe(x, exp)`).
 *
 * @category model
 */
export type UnaryOp = <S extends Shape>(x: Tensor<S>) => Tensor<S>;

/**
 * An elementwise unary op with a parameter (`leakyRelu(x, 0.2)`, `pipe(x, leakyRelu(0.2))`).
 *
 * @category model
 */
export interface UnaryOpWith<P> {
  (p?: P): <S extends Shape>(x: Tensor<S>) => Tensor<S>;
  /** Last, so that point-free use (`pipe(x, leakyRelu)`) sees this signature. */
  <S extends Shape>(x: Tensor<S>, p?: P): Tensor<S>;
}

/**
 * A shape-preserving op along one axis (`softmax`, `logSoftmax`), default the last axis. An
 * out-of-range axis is a compile error at `axis`.
 *
 * @category model
 */
export interface AxisOp<Name extends string> {
  (axis?: number): <S extends Shape>(x: Tensor<S>) => Tensor<S>;
  <const S extends Shape, const Ax extends number>(x: Tensor<S>, axis: Check<Reduce<S, Ax, true, Name>, Ax>): Tensor<S>;
  /** Last, so that point-free use (`pipe(x, softmax)`) sees this signature. */
  <S extends Shape>(x: Tensor<S>): Tensor<S>;
}
