/**
 * The course's identities (`shared/SEEDS.md`), each a named boolean predicate written with the
 * library's core ops and `grad`. Each takes the function it is about as an argument with the
 * library's as default, so a wrong implementation can be shown to fail it.
 *
 * Elementwise derivatives are read off `grad`: for an elementwise `g`, `∇ Σ g(z) = g'(z)`.
 *
 * @module
 */
import { grad, vjp } from "../src/autodiff/vjp.js";
import { add } from "../src/ops/add.js";
import { div } from "../src/ops/div.js";
import { elu } from "../src/ops/elu.js";
import { exp } from "../src/ops/exp.js";
import { gt } from "../src/ops/gt.js";
import { leakyRelu } from "../src/ops/leakyRelu.js";
import { log } from "../src/ops/log.js";
import { matmul } from "../src/ops/matmul.js";
import { mul } from "../src/ops/mul.js";
import { neg } from "../src/ops/neg.js";
import { relu } from "../src/ops/relu.js";
import { reshape } from "../src/ops/reshape.js";
import { sigmoid } from "../src/ops/sigmoid.js";
import { softmax } from "../src/ops/softmax.js";
import { sub } from "../src/ops/sub.js";
import { sum } from "../src/ops/sum.js";
import { tanh } from "../src/ops/tanh.js";
import { transpose } from "../src/ops/transpose.js";
import { where } from "../src/ops/where.js";
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

/**
 * The library's PReLU written inline: `z` where `z > 0`, `α·z` elsewhere.
 *
 * @example
 * import { tensor, toArray } from "typegrad"
 * import { prelu } from "typegrad/laws"
 * toArray(prelu(tensor([[-2, 3]]), tensor([[0.5]]))) // [[-1, 3]]
 * @category helpers
 */
export const prelu = (z: Tensor, alpha: Tensor): Tensor => where(gt(z, 0), z, mul(alpha, z) as never) as Tensor;

/**
 * The mean log-loss `-(1/m) Σ y log a + (1 - y) log(1 - a)` of `a = σ(z)`, `z, y: [1, m]`.
 *
 * @example
 * import { tensor, toArray } from "typegrad"
 * import { logLoss } from "typegrad/laws"
 * toArray(logLoss(tensor([[0, 0]]), tensor([[1, 0]]))) // 0.6931… (σ(0) = 0.5 for both examples)
 * @category helpers
 */
export const logLoss = (z: Tensor, Y: Tensor, sig: Elementwise = sigmoid): Tensor => {
  const A = sig(z);
  const m = (z.shape as readonly number[])[1] as number;
  return div(neg(sum(add(mul(Y, log(A)), mul(sub(1, Y), log(sub(1, A)))))), m);
};

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
 * `∂/∂z [-Σ y ⊙ log softmax(z)] = σ ⊙ Σy - y`, classes along axis 0 of `z, y: [n, m]`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { crossEntropyGradient } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * crossEntropyGradient(tensor([[1, 0], [2, 1]], f64), tensor([[2, 0], [1, 1]], f64), 1e-9) // true
 * @category softmax
 * @since 0.1.0
 */
export const crossEntropyGradient = (z: Tensor, y: Tensor, tol: number, sm: (z: Tensor, axis: number) => Tensor = softmax as never): boolean => {
  const dz = grad((x: Tensor) => neg(sum(mul(y, log(sm(x, 0))))) as Tensor<[]>)(z);
  return tensorClose(dz, sub(mul(sm(z, 0), sumAxis(y, 0, true)), y), tol);
};

/**
 * For probability vectors `y` (columns summing to 1), the cross-entropy gradient is `σ - y`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { crossEntropyGradientProbability } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * crossEntropyGradientProbability(tensor([[1, 0], [2, 1]], f64), tensor([[1, 0.25], [0, 0.75]], f64), 1e-9) // true
 * @category softmax
 * @since 0.1.0
 */
export const crossEntropyGradientProbability = (z: Tensor, y: Tensor, tol: number, sm: (z: Tensor, axis: number) => Tensor = softmax as never): boolean => {
  const dz = grad((x: Tensor) => neg(sum(mul(y, log(sm(x, 0))))) as Tensor<[]>)(z);
  return tensorClose(dz, sub(sm(z, 0), y), tol);
};

/**
 * `∂ logloss(σ(z), y) / ∂z = (a - y) / m` over a batch `z, y: [1, m]`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { logLossGradient } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * logLossGradient(tensor([[0.5, -1, 2]], f64), tensor([[1, 0, 1]], f64), 1e-9) // true
 * @category logistic
 * @since 0.1.0
 */
export const logLossGradient = (z: Tensor, Y: Tensor, tol: number, sig: Elementwise = sigmoid): boolean => {
  const m = (z.shape as readonly number[])[1] as number;
  return tensorClose(grad((x: Tensor) => logLoss(x, Y, sig) as Tensor<[]>)(z), div(sub(sig(z), Y), m), tol);
};

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
 * The dense-layer formulas equal autodiff: with `J = (1/m) Σ dA ⊙ g(W·A_prev + b)` (the course's
 * `dA` is the per-example derivative), `dW = ∂J/∂W`, `db = ∂J/∂b`, `dA_prev = m·∂J/∂A_prev`;
 * and `dW` has the shape of `W`, `db` of `b`.
 *
 * @example
 * import { onesLike, sigmoid, tensor } from "typegrad"
 * import { denseBackwardIsAutodiff } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const c = { W: tensor([[1, -2], [0.5, 1]], f64), b: tensor([[0.1], [0]], f64), A_prev: tensor([[1, 2, 3], [0, -1, 1]], f64), dA: tensor([[1, 0, 2], [0.5, 1, -1]], f64) }
 * // the identity g(z) = z, with g'(z) = 1
 * denseBackwardIsAutodiff(c, (z) => z, (z) => onesLike(z), 1e-9) // true
 * denseBackwardIsAutodiff(c, sigmoid, (z) => onesLike(z), 1e-9) // false (the wrong derivative for sigmoid)
 * @category dense
 * @since 0.1.0
 */
export const denseBackwardIsAutodiff = (c: DenseCase, g: Elementwise, gPrime: Elementwise, tol: number, formulas = denseBackwardFormulas): boolean => {
  const m = (c.A_prev.shape as readonly number[])[1] as number;
  const J = (p: { W: Tensor; b: Tensor; A_prev: Tensor }): Tensor<[]> => div(sum(mul(c.dA, g(add(mm(p.W, p.A_prev), p.b as never)))), m) as Tensor<[]>;
  const auto = grad(J)({ W: c.W, b: c.b, A_prev: c.A_prev });
  const f = formulas(c, gPrime);
  return (
    sameShape(f.dW.shape as readonly number[], c.W.shape as readonly number[]) &&
    sameShape(f.db.shape as readonly number[], c.b.shape as readonly number[]) &&
    tensorClose(f.dW, auto.W, tol) &&
    tensorClose(f.db, auto.b, tol) &&
    tensorClose(f.dA_prev, mul(auto.A_prev, m), tol)
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
 * The loop gradient equals the vectorised one, and both equal `grad` of the mean log-loss.
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
  const auto = grad((p: { w: Tensor; b: Tensor }) => logLoss(add(mm(t(p.w), c.X), p.b as never), c.Y) as Tensor<[]>)({ w: c.w, b: c.b });
  return allClose(toFlat(v.dw), loops.dw, tol) && allClose(toFlat(v.db), [loops.db], tol) && allClose(toFlat(auto.w), loops.dw, tol) && allClose(toFlat(auto.b), [loops.db], tol);
};

// -------------------------------------------------------------------------------------
// linear collapse and symmetry (seed 002)
// -------------------------------------------------------------------------------------

/**
 * Two stacked linear layers without activation are one linear layer:
 * `W2(W1 X + b1) + b2 = (W2 W1) X + (W2 b1 + b2)`. `g` is the hidden activation (the identity:
 * none); with a non-linear `g` the law fails, which is the point of activations.
 *
 * @example
 * import { tanh, tensor } from "typegrad"
 * import { linearLayersCollapse } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const p = { W1: tensor([[1, 2], [3, -1]], f64), b1: tensor([[0.5], [1]], f64), W2: tensor([[1, 1]], f64), b2: tensor([[2]], f64) }
 * const X = tensor([[1, 0, 2], [0, 1, -1]], f64)
 * linearLayersCollapse(p, X, 1e-9) // true
 * linearLayersCollapse(p, X, 1e-9, tanh) // false (which is the point of activations)
 * @category networks
 * @since 0.1.0
 */
export const linearLayersCollapse = (p: TwoLayer, X: Tensor, tol: number, g: Elementwise = (z) => z): boolean => {
  const stacked = add(mm(p.W2, g(add(mm(p.W1, X), p.b1 as never))), p.b2 as never);
  const one = add(mm(mm(p.W2, p.W1), X), add(mm(p.W2, p.b1), p.b2) as never);
  return tensorClose(stacked, one, tol);
};

/**
 * `k` steps of gradient descent on a two-layer network (sigmoid hidden layer, sigmoid output,
 * mean log-loss) from `p`.
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
  const cost = (q: TwoLayer): Tensor<[]> => logLoss(add(mm(q.W2, sigmoid(add(mm(q.W1, X), q.b1 as never))), q.b2 as never), Y) as Tensor<[]>;
  let q = p;
  for (let k = 0; k < steps; k++) {
    const g = grad(cost)(q);
    q = { W1: sub(q.W1, mul(g.W1, lr)), b1: sub(q.b1, mul(g.b1, lr)), W2: sub(q.W2, mul(g.W2, lr)), b2: sub(q.b2, mul(g.b2, lr)) };
  }
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
