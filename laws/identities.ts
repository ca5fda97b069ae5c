/**
 * The course's identities (`shared/SEEDS.md`), each a named boolean predicate written with the
 * library's core ops and `grad`. Each takes the function it is about as an argument with the
 * library's own as default (the ops of `src/ops`, the losses, layers and networks of `src/nn`,
 * the optimizers of `src/optim`: no copies), so a wrong implementation can be shown to fail it.
 * The expected sides are the textbook formulas.
 *
 * Elementwise derivatives are read off `grad`: for an elementwise `g`, `∇ Σ g(z) = g'(z)`.
 *
 * @module
 */
import { grad, vjp } from "../src/autodiff/vjp.js";
import { type ActivationName, type ActivationSettings, prelu } from "../src/nn/activations.js";
import { type AnyDense, dense } from "../src/nn/dense.js";
import { logLossFromLogits, softmaxCrossEntropy } from "../src/nn/losses.js";
import { mlp } from "../src/nn/mlp.js";
import { add } from "../src/ops/add.js";
import { div } from "../src/ops/div.js";
import { elu } from "../src/ops/elu.js";
import { exp } from "../src/ops/exp.js";
import { gt } from "../src/ops/gt.js";
import { leakyRelu } from "../src/ops/leakyRelu.js";
import { matmul } from "../src/ops/matmul.js";
import { mul } from "../src/ops/mul.js";
import { relu } from "../src/ops/relu.js";
import { reshape } from "../src/ops/reshape.js";
import { sigmoid } from "../src/ops/sigmoid.js";
import { softmax } from "../src/ops/softmax.js";
import { sub } from "../src/ops/sub.js";
import { sum } from "../src/ops/sum.js";
import { tanh } from "../src/ops/tanh.js";
import { transpose } from "../src/ops/transpose.js";
import { where } from "../src/ops/where.js";
import { gd } from "../src/optim/optimizers.js";
import { fromArray, toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { allClose, sameShape, tensorClose } from "./approx.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An elementwise function. @category model @since 0.1.0 */
export type Elementwise = (z: Tensor) => Tensor;

/** A dense layer's parameters and input, columns are examples: `W: [n, k]`, `b: [n, 1]`, `A_prev: [k, m]`, `dA: [n, m]`. @category model @since 0.1.0 */
export interface DenseCase {
  readonly W: Tensor;
  readonly b: Tensor;
  readonly A_prev: Tensor;
  readonly dA: Tensor;
}

/** Logistic regression, columns are examples: `X: [n, m]`, `w: [n, 1]`, `b: [1, 1]`, `Y: [1, m]`. @category model @since 0.1.0 */
export interface LogisticCase {
  readonly X: Tensor;
  readonly w: Tensor;
  readonly b: Tensor;
  readonly Y: Tensor;
}

/** A cost of logits and targets, a scalar (the losses of `src/nn`). @category model @since 0.1.0 */
export type Cost = (z: Tensor, y: Tensor) => Tensor;

/** A two-layer network's parameters (columns are examples). @category model @since 0.1.0 */
export type TwoLayer = {
  readonly W1: Tensor;
  readonly b1: Tensor;
  readonly W2: Tensor;
  readonly b2: Tensor;
};

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** `g'(z)` of an elementwise `g`, by autodiff. */
const derivative = (g: Elementwise, z: Tensor): Tensor => grad((t: Tensor) => sum(g(t)) as Tensor<[]>)(z);

const t = (x: Tensor): Tensor => transpose(x as never);
const mm = (a: Tensor, b: Tensor): Tensor => matmul(a as never, b as never);
const sumAxis = (x: Tensor, axis: number, keep = false): Tensor => sum(x as never, axis as never, keep as never);

const mLast = (x: Tensor): number => (x.shape as readonly number[])[(x.shape as readonly number[]).length - 1] as number;

// -------------------------------------------------------------------------------------
// activations (seeds 002–004)
// -------------------------------------------------------------------------------------

/**
 * `σ'(z) = σ(z)(1 - σ(z))`.
 *
 * @example
 * import { tensor, tanh } from "typegrad"
 * import { sigmoidDerivative } from "typegrad/laws"
 * const z = tensor([-2, 0, 1.5], { dtype: "float64" })
 * sigmoidDerivative(z, 1e-9) // true
 * sigmoidDerivative(z, 1e-9, tanh) // false (a wrong implementation fails it)
 * @category activations
 * @since 0.1.0
 */
export const sigmoidDerivative = (z: Tensor, tol: number, g: Elementwise = sigmoid): boolean => {
  const s = g(z);
  return tensorClose(derivative(g, z), mul(s, sub(1, s)), tol);
};

/**
 * `tanh'(z) = 1 - tanh(z)²`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { tanhDerivative } from "typegrad/laws"
 * tanhDerivative(tensor([-2, 0, 1.5], { dtype: "float64" }), 1e-9) // true
 * @category activations
 * @since 0.1.0
 */
export const tanhDerivative = (z: Tensor, tol: number, g: Elementwise = tanh): boolean => {
  const a = g(z);
  return tensorClose(derivative(g, z), sub(1, mul(a, a)), tol);
};

/**
 * `relu'(z) = 1 if z > 0, 0 if z < 0` (z away from 0).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { reluDerivative } from "typegrad/laws"
 * reluDerivative(tensor([-2, 0.5, 1.5], { dtype: "float64" }), 1e-9) // true
 * @category activations
 * @since 0.1.0
 */
export const reluDerivative = (z: Tensor, tol: number, g: Elementwise = relu): boolean => tensorClose(derivative(g, z), where(gt(z, 0), 1, 0), tol);

/**
 * `leakyRelu'(z) = 1 if z > 0, α if z < 0`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { leakyReluDerivative } from "typegrad/laws"
 * leakyReluDerivative(tensor([-2, 0.5], { dtype: "float64" }), 0.01, 1e-9) // true
 * @category activations
 * @since 0.1.0
 */
export const leakyReluDerivative = (z: Tensor, alpha: number, tol: number, g: (z: Tensor, alpha: number) => Tensor = leakyRelu): boolean =>
  tensorClose(
    derivative((x) => g(x, alpha), z),
    where(gt(z, 0), 1, alpha),
    tol,
  );

/**
 * `elu'(z) = 1 if z > 0, α·eᶻ if z < 0`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { eluDerivative } from "typegrad/laws"
 * eluDerivative(tensor([-2, 0.5], { dtype: "float64" }), 1, 1e-9) // true
 * @category activations
 * @since 0.1.0
 */
export const eluDerivative = (z: Tensor, alpha: number, tol: number, g: (z: Tensor, alpha: number) => Tensor = elu): boolean =>
  tensorClose(
    derivative((x) => g(x, alpha), z),
    where(gt(z, 0), 1, mul(exp(z), alpha) as never),
    tol,
  );

/**
 * PReLU with a learned `α` (one per unit, `[n, 1]` against `z: [n, m]`): for `h = Σ u ⊙ prelu(z, α)`,
 * `∂h/∂z = u ⊙ (1 if z > 0, α otherwise)` and `∂h/∂α = Σ_examples u ⊙ (0 if z > 0, z otherwise)`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { preluDerivatives } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * preluDerivatives(tensor([[-2, 1], [0.5, -1]], f64), tensor([[0.1], [0.2]], f64), tensor([[1, 2], [3, 4]], f64), 1e-9) // true
 * @category activations
 * @since 0.1.0
 */
export const preluDerivatives = (z: Tensor, alpha: Tensor, u: Tensor, tol: number, g: (z: Tensor, alpha: Tensor) => Tensor = prelu): boolean => {
  const grads = grad((p: { z: Tensor; alpha: Tensor }) => sum(mul(g(p.z, p.alpha), u)) as Tensor<[]>)({ z, alpha });
  const dz = mul(u, where(gt(z, 0), 1, alpha as never));
  const dalpha = sumAxis(mul(u, where(gt(z, 0), 0, z)), 1, true);
  return tensorClose(grads.z, dz, tol) && tensorClose(grads.alpha, dalpha, tol);
};

// -------------------------------------------------------------------------------------
// softmax and cross-entropy (seed 004)
// -------------------------------------------------------------------------------------

/**
 * The Jacobian of `softmax` on a vector `z: [n]` is `diag(σ) - σσᵀ`: row `i` of the Jacobian is
 * the pullback of the unit cotangent `eᵢ`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { softmaxJacobian } from "typegrad/laws"
 * softmaxJacobian(tensor([1, 2, 3], { dtype: "float64" }), 1e-9) // true
 * @category softmax
 * @since 0.1.0
 */
export const softmaxJacobian = (z: Tensor, tol: number, sm: (z: Tensor, axis: number) => Tensor = softmax as never): boolean => {
  const n = z.size;
  const [s, pullback] = vjp((x: Tensor) => sm(x, 0), z);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = new Float64Array(n);
    e[i] = 1;
    rows.push(...toFlat(pullback(fromArray([n], e, { dtype: z.dtype }) as never)));
  }
  const col = reshape(s, [n, 1]);
  const eye = fromArray(
    [n, n],
    Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
    { dtype: z.dtype },
  );
  const expected = sub(mul(eye, col), mm(col, t(col)));
  return allClose(rows, toFlat(expected), tol);
};

/**
 * `∂/∂z softmaxCrossEntropy(z, y) = (softmax(z) ⊙ Σy - y) / m`, classes along axis 0 of
 * `z, y: [n, m]` (the cost averaged over the `m` columns). `cost` is the library's fused
 * `softmaxCrossEntropy` (of `src/nn`) unless given.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { crossEntropyGradient } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * crossEntropyGradient(tensor([[1, 0], [2, 1]], f64), tensor([[2, 0], [1, 1]], f64), 1e-9) // true
 * @category softmax
 * @since 0.1.0
 */
export const crossEntropyGradient = (z: Tensor, y: Tensor, tol: number, cost: Cost = softmaxCrossEntropy as Cost): boolean => {
  const dz = grad((x: Tensor) => cost(x, y) as Tensor<[]>)(z);
  return tensorClose(dz, div(sub(mul(softmax(z as never, 0), sumAxis(y, 0, true)), y), mLast(z)), tol);
};

/**
 * For probability vectors `y` (columns summing to 1), the cross-entropy gradient is
 * `(softmax(z) - y) / m` (seed 004's `dZ = A - Y`, averaged).
 *
 * @example
 * import { crossEntropy, softmax, tensor } from "typegrad"
 * import { crossEntropyGradientProbability } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const [z, y] = [tensor([[1, 0], [2, 1]], f64), tensor([[1, 0.25], [0, 0.75]], f64)]
 * crossEntropyGradientProbability(z, y, 1e-9) // true (the fused softmaxCrossEntropy)
 * crossEntropyGradientProbability(z, y, 1e-9, (z, y) => crossEntropy(softmax(z, 0), y)) // true (unfused)
 * @category softmax
 * @since 0.1.0
 */
export const crossEntropyGradientProbability = (z: Tensor, y: Tensor, tol: number, cost: Cost = softmaxCrossEntropy as Cost): boolean => {
  const dz = grad((x: Tensor) => cost(x, y) as Tensor<[]>)(z);
  return tensorClose(dz, div(sub(softmax(z as never, 0), y), mLast(z)), tol);
};

/**
 * `∂ logloss(σ(z), y) / ∂z = (a - y) / m` over a batch `z, y: [1, m]`, with `a = σ(z)`. `cost` is
 * the library's fused `logLossFromLogits` (of `src/nn`) unless given.
 *
 * @example
 * import { logLoss, sigmoid, tensor } from "typegrad"
 * import { logLossGradient } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const [z, y] = [tensor([[0.5, -1, 2]], f64), tensor([[1, 0, 1]], f64)]
 * logLossGradient(z, y, 1e-9) // true (logLossFromLogits)
 * logLossGradient(z, y, 1e-9, (z, y) => logLoss(sigmoid(z), y)) // true (unfused)
 * @category logistic
 * @since 0.1.0
 */
export const logLossGradient = (z: Tensor, Y: Tensor, tol: number, cost: Cost = logLossFromLogits as Cost): boolean =>
  tensorClose(grad((x: Tensor) => cost(x, Y) as Tensor<[]>)(z), div(sub(sigmoid(z), Y), mLast(z)), tol);

// -------------------------------------------------------------------------------------
// dense layers (seeds 001–003)
// -------------------------------------------------------------------------------------

/**
 * The course's dense-layer backward formulas, for `Z = W·A_prev + b`, `A = g(Z)`:
 * `dZ = dA ⊙ g'(Z)`, `dW = dZ·A_prevᵀ / m`, `db = Σ_examples dZ / m`, `dA_prev = Wᵀ·dZ`.
 *
 * @category dense
 * @since 0.1.0
 */
export interface DenseBackward {
  readonly dW: Tensor;
  readonly db: Tensor;
  readonly dA_prev: Tensor;
}

/**
 * The formulas of {@link DenseBackward}, with `g'` given.
 *
 * @example
 * import { onesLike, tensor, toArray } from "typegrad"
 * import { denseBackwardFormulas } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const c = { W: tensor([[1, 2]], f64), b: tensor([[0]], f64), A_prev: tensor([[1], [1]], f64), dA: tensor([[1]], f64) }
 * // g' = 1: a linear layer
 * const { dW, db } = denseBackwardFormulas(c, (z) => onesLike(z))
 * toArray(dW) // [[1, 1]] (dZ · A_prevᵀ / m)
 * toArray(db) // [[1]]
 * @category dense
 * @since 0.1.0
 */
export const denseBackwardFormulas = (c: DenseCase, gPrime: Elementwise): DenseBackward => {
  const m = (c.A_prev.shape as readonly number[])[1] as number;
  const Z = add(mm(c.W, c.A_prev), c.b as never);
  const dZ = mul(c.dA, gPrime(Z));
  return { dW: div(mm(dZ, t(c.A_prev)), m), db: div(sumAxis(dZ, 1, true), m), dA_prev: mm(t(c.W), dZ) };
};

/**
 * What the dense law is about: the activation (with its settings) and `g'`, the textbook
 * derivative; `layer` is the library's `dense` layer unless given.
 *
 * @category dense
 * @since 0.1.0
 */
export interface DenseLawOptions {
  readonly activation: ActivationName;
  readonly gPrime: Elementwise;
  readonly settings?: ActivationSettings;
  readonly layer?: Pick<AnyDense, "apply" | "forward" | "backward">;
}

/**
 * The library's `dense` layer (of `src/nn`), `Z = W·A_prev + b`, `A = g(Z)`: its hand-written
 * `backward` equals autodiff of its `apply`, with `J = (1/m) Σ dA ⊙ A` (the course's `dA` is the
 * per-example derivative: `dW = ∂J/∂W`, `db = ∂J/∂b`, `dA_prev = m·∂J/∂A_prev`), and equals the
 * textbook formulas (`denseBackwardFormulas` with `g'`); `dW` has the shape of `W`, `db` of `b`.
 *
 * @example
 * import { onesLike, sigmoid, tensor } from "typegrad"
 * import { denseBackwardIsAutodiff } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const c = { W: tensor([[1, -2], [0.5, 1]], f64), b: tensor([[0.1], [0]], f64), A_prev: tensor([[1, 2, 3], [0, -1, 1]], f64), dA: tensor([[1, 0, 2], [0.5, 1, -1]], f64) }
 * denseBackwardIsAutodiff(c, { activation: "linear", gPrime: (z) => onesLike(z) }, 1e-9) // true
 * denseBackwardIsAutodiff(c, { activation: "sigmoid", gPrime: (z) => onesLike(z) }, 1e-9) // false (the wrong derivative for sigmoid)
 * @category dense
 * @since 0.1.0
 */
export const denseBackwardIsAutodiff = (c: DenseCase, o: DenseLawOptions, tol: number): boolean => {
  const [nOut, nIn] = c.W.shape as readonly number[] as [number, number];
  const m = mLast(c.A_prev);
  const layer = o.layer ?? dense(nIn, nOut, { activation: o.activation, ...o.settings });
  const p = { W: c.W, b: c.b } as never;
  const [, cache] = layer.forward(p, c.A_prev as never);
  const got = layer.backward(p, c.dA as never, cache as never) as unknown as Record<string, Tensor>;
  const J = (q: { W: Tensor; b: Tensor; A_prev: Tensor }): Tensor<[]> => div(sum(mul(c.dA, layer.apply({ W: q.W, b: q.b } as never, q.A_prev as never) as Tensor)), m) as Tensor<[]>;
  const auto = grad(J)({ W: c.W, b: c.b, A_prev: c.A_prev });
  const f = denseBackwardFormulas(c, o.gPrime);
  const [dW, db, dA_prev] = [got.dW as Tensor, got.db as Tensor, got.dA_prev as Tensor];
  return (
    sameShape(dW.shape as readonly number[], c.W.shape as readonly number[]) &&
    sameShape(db.shape as readonly number[], c.b.shape as readonly number[]) &&
    tensorClose(dW, auto.W, tol) &&
    tensorClose(db, auto.b, tol) &&
    tensorClose(dA_prev, mul(auto.A_prev, m), tol) &&
    tensorClose(dW, f.dW, tol) &&
    tensorClose(db, f.db, tol) &&
    tensorClose(dA_prev, f.dA_prev, tol)
  );
};

// -------------------------------------------------------------------------------------
// logistic regression (seed 003)
// -------------------------------------------------------------------------------------

/**
 * Seed 003's "two for loops" gradient of logistic regression, in plain numbers: for each example
 * `i`, `zᵢ = wᵀxᵢ + b`, `aᵢ = σ(zᵢ)`, `dzᵢ = aᵢ - yᵢ`, then for each feature `dw_j += x_ij dzᵢ`,
 * `db += dzᵢ`; finally `/ m`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { logisticLoops } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const c = { X: tensor([[1, 2], [0, 1]], f64), w: tensor([[0], [0]], f64), b: tensor(0, f64), Y: tensor([[1, 0]], f64) }
 * logisticLoops(c) // { dw: [0.25, 0.25], db: 0 } (a = 0.5 for both examples)
 * @category logistic
 * @since 0.1.0
 */
export const logisticLoops = (c: LogisticCase): { dw: number[]; db: number } => {
  const [n, m] = c.X.shape as readonly number[] as [number, number];
  const X = toFlat(c.X);
  const w = toFlat(c.w);
  const b = toFlat(c.b)[0] as number;
  const Y = toFlat(c.Y);
  const dw = new Array<number>(n).fill(0);
  let db = 0;
  for (let i = 0; i < m; i++) {
    let z = b;
    for (let j = 0; j < n; j++) z += (w[j] as number) * (X[j * m + i] as number);
    const dz = 1 / (1 + Math.exp(-z)) - (Y[i] as number);
    for (let j = 0; j < n; j++) dw[j] = (dw[j] as number) + (X[j * m + i] as number) * dz;
    db += dz;
  }
  return { dw: dw.map((v) => v / m), db: db / m };
};

/**
 * The vectorised gradient `dw = (1/m) X (A - Y)ᵀ`, `db = (1/m) Σ (A - Y)` with `A = σ(wᵀX + b)`.
 *
 * @example
 * import { tensor, toArray } from "typegrad"
 * import { logisticVectorised } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const c = { X: tensor([[1, 2], [0, 1]], f64), w: tensor([[0], [0]], f64), b: tensor(0, f64), Y: tensor([[1, 0]], f64) }
 * toArray(logisticVectorised(c).dw) // [[0.25], [0.25]]
 * @category logistic
 * @since 0.1.0
 */
export const logisticVectorised = (c: LogisticCase): { dw: Tensor; db: Tensor } => {
  const m = (c.X.shape as readonly number[])[1] as number;
  const dZ = sub(sigmoid(add(mm(t(c.w), c.X), c.b as never)), c.Y);
  return { dw: div(mm(c.X, t(dZ)), m), db: div(sum(dZ), m) };
};

/**
 * The loop gradient equals the vectorised one, and both equal `grad` of the library's mean
 * log-loss (`logLossFromLogits`).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { logisticLoopsEqualVectorised } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const c = { X: tensor([[1, 2, -1], [0, 1, 3]], f64), w: tensor([[0.5], [-0.2]], f64), b: tensor(0.1, f64), Y: tensor([[1, 0, 1]], f64) }
 * logisticLoopsEqualVectorised(c, 1e-9) // true
 * @category logistic
 * @since 0.1.0
 */
export const logisticLoopsEqualVectorised = (c: LogisticCase, tol: number, vectorised = logisticVectorised): boolean => {
  const loops = logisticLoops(c);
  const v = vectorised(c);
  const auto = grad((p: { w: Tensor; b: Tensor }) => logLossFromLogits(add(mm(t(p.w), c.X), p.b as never), c.Y))({ w: c.w, b: c.b });
  return allClose(toFlat(v.dw), loops.dw, tol) && allClose(toFlat(v.db), [loops.db], tol) && allClose(toFlat(auto.w), loops.dw, tol) && allClose(toFlat(auto.b), [loops.db], tol);
};

// -------------------------------------------------------------------------------------
// linear collapse and symmetry (seed 002)
// -------------------------------------------------------------------------------------

/**
 * Two stacked linear `dense` layers (of `src/nn`) are one linear layer:
 * `W2(W1 X + b1) + b2 = (W2 W1) X + (W2 b1 + b2)`. `hidden` is the first layer's activation
 * (`"linear"`: none); with a non-linear one the law fails, which is the point of activations.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { linearLayersCollapse } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const p = { W1: tensor([[1, 2], [3, -1]], f64), b1: tensor([[0.5], [1]], f64), W2: tensor([[1, 1]], f64), b2: tensor([[2]], f64) }
 * const X = tensor([[1, 0, 2], [0, 1, -1]], f64)
 * linearLayersCollapse(p, X, 1e-9) // true
 * linearLayersCollapse(p, X, 1e-9, "tanh") // false (which is the point of activations)
 * @category networks
 * @since 0.1.0
 */
export const linearLayersCollapse = (p: TwoLayer, X: Tensor, tol: number, hidden: ActivationName = "linear"): boolean => {
  const [h, n] = p.W1.shape as readonly number[] as [number, number];
  const o = (p.W2.shape as readonly number[])[0] as number;
  const l1 = dense(n, h, { activation: hidden });
  const l2 = dense(h, o);
  const stacked = l2.apply({ W: p.W2, b: p.b2 } as never, l1.apply({ W: p.W1, b: p.b1 } as never, X as never) as never) as Tensor;
  const one = add(mm(mm(p.W2, p.W1), X), add(mm(p.W2, p.b1), p.b2) as never);
  return tensorClose(stacked, one, tol);
};

/**
 * `k` steps of gradient descent (`gd` of `src/optim`) on the library's two-layer network
 * `mlp([n, h, 1], { hidden: "sigmoid" })` (of `src/nn`) with the mean log-loss from its logits
 * (`logLossFromLogits`), from `p`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { trainTwoLayer } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const p = { W1: tensor([[0.1, 0.2], [-0.3, 0.1]], f64), b1: tensor([[0], [0]], f64), W2: tensor([[0.5, -0.5]], f64), b2: tensor([[0]], f64) }
 * const X = tensor([[0, 1], [1, 0]], f64)
 * const Y = tensor([[1, 0]], f64)
 * trainTwoLayer(p, X, Y, 10, 0.5).W1 // Tensor<[2, 2]>
 * @category networks
 * @since 0.1.0
 */
export const trainTwoLayer = (p: TwoLayer, X: Tensor, Y: Tensor, steps: number, lr: number): TwoLayer => {
  const [h, n] = p.W1.shape as readonly number[] as [number, number];
  const net = mlp([n, h, 1], { hidden: "sigmoid" });
  const cost = (q: TwoLayer): Tensor<[]> => logLossFromLogits(net.apply(q as never, X as never) as Tensor, Y);
  const opt = gd(lr);
  let q = p;
  let state = opt.init(q);
  for (let k = 0; k < steps; k++) [q, state] = opt.step(q, grad(cost)(q), state);
  return q;
};

/**
 * All hidden units of `p` are identical: the rows of `W1` are equal, and so are the entries of
 * `b1` and the columns of `W2`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { hiddenUnitsIdentical } from "typegrad/laws"
 * const p = { W1: tensor([[1, 2], [1, 2]]), b1: tensor([[0], [0]]), W2: tensor([[3, 3]]), b2: tensor([[0]]) }
 * hiddenUnitsIdentical(p, 1e-9) // true
 * @category networks
 * @since 0.1.0
 */
export const hiddenUnitsIdentical = (p: TwoLayer, tol: number): boolean => {
  const rowsEqual = (x: Tensor): boolean => {
    const [r, c] = x.shape as readonly number[] as [number, number];
    const d = toFlat(x);
    const first = Array.from(d.subarray(0, c));
    for (let i = 1; i < r; i++) if (!allClose(d.subarray(i * c, (i + 1) * c), first, tol)) return false;
    return true;
  };
  return rowsEqual(p.W1) && rowsEqual(p.b1) && rowsEqual(t(p.W2));
};

/**
 * Zero initialisation keeps every hidden unit identical after `steps` steps of training.
 *
 * @example
 * import { tensor, zeros } from "typegrad"
 * import { zeroInitStaysSymmetric } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const p0 = { W1: zeros([3, 2], f64), b1: zeros([3, 1], f64), W2: zeros([1, 3], f64), b2: zeros([1, 1], f64) }
 * const X = tensor([[0, 1, 1], [1, 0, 1]], f64)
 * const Y = tensor([[1, 1, 0]], f64)
 * zeroInitStaysSymmetric(p0, X, Y, 20, 0.5, 1e-9) // true (zero initialisation never breaks the symmetry)
 * @category networks
 * @since 0.1.0
 */
export const zeroInitStaysSymmetric = (p0: TwoLayer, X: Tensor, Y: Tensor, steps: number, lr: number, tol: number): boolean => hiddenUnitsIdentical(trainTwoLayer(p0, X, Y, steps, lr), tol);
