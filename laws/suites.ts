/**
 * The runners of the algebra laws and the course's identities: each predicate paired with the
 * arbitraries it is checked on (explicit domains, shapes first), as named properties. The tests
 * and `npm run laws` run these same lists.
 *
 * @module
 */
import fc from "fast-check";
import { crossEntropy, logLoss } from "../src/nn/losses.js";
import { sampleBroadcast } from "../src/ops/define.js";
import { exp } from "../src/ops/exp.js";
import { gt } from "../src/ops/gt.js";
import { mul } from "../src/ops/mul.js";
import { sigmoid } from "../src/ops/sigmoid.js";
import { softmax } from "../src/ops/softmax.js";
import { sub } from "../src/ops/sub.js";
import { tanh } from "../src/ops/tanh.js";
import { where } from "../src/ops/where.js";
import { zeros } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { broadcastAddIsTiledAdd, logSumExpStable, matmulAssociative, matmulTranspose, softmaxShiftInvariant, softmaxSumsToOne, sumLinear, transposeInvolution } from "./algebra.js";
import { forwardTolerance } from "./approx.js";
import { arbShape, arbTensor, arbTensors } from "./arbitraries.js";
import { domains, oneHot, probability } from "./domains.js";
import { fcGen } from "./gen.js";
import {
  crossEntropyGradient,
  crossEntropyGradientProbability,
  type DenseLawOptions,
  denseBackwardIsAutodiff,
  eluDerivative,
  leakyReluDerivative,
  linearLayersCollapse,
  logisticLoopsEqualVectorised,
  logLossGradient,
  preluDerivatives,
  reluDerivative,
  sigmoidDerivative,
  softmaxJacobian,
  tanhDerivative,
  zeroInitStaysSymmetric,
} from "./identities.js";
import { adamBiasCorrected, l2IsWeightDecay, optimizerCases, optimizerMatchesTextbook } from "./optim.js";
import { type LawOutcome, type RunOptions, runProperties } from "./outcome.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A law of a subject (an op or an identity), ready to run.
 *
 * @category model
 * @since 0.1.0
 */
export interface SuiteEntry {
  readonly subject: string;
  readonly law: string;
  readonly property: fc.IProperty<never>;
}

const tol = forwardTolerance.float64;
const entry = <Ts extends unknown[]>(subject: string, law: string, property: fc.IProperty<Ts>): SuiteEntry => ({ subject, law, property: property as unknown as fc.IProperty<never> });

/** A shape of rank ≥ 1 and a valid axis of it. */
const shapeAndAxis = arbShape({ minRank: 1, maxRank: 3 }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 })));

// -------------------------------------------------------------------------------------
// algebra
// -------------------------------------------------------------------------------------

/**
 * The algebra laws on the library's ops.
 *
 * @example
 * import { algebraSuite } from "typegrad/laws"
 * algebraSuite().map((e) => e.law).length > 0 // true
 * @category suites
 * @since 0.1.0
 */
export const algebraSuite = (): SuiteEntry[] => [
  entry(
    "transpose",
    "(Aᵀ)ᵀ = A",
    fc.property(
      arbShape({ minRank: 2, maxRank: 2 }).chain((s) => arbTensor(s)),
      (A) => transposeInvolution(A, 0),
    ),
  ),
  entry(
    "matmul",
    "(AB)ᵀ = BᵀAᵀ",
    fc.property(arbTensors({ A: ["m", "k"], B: ["k", "n"] }), ({ A, B }) => matmulTranspose(A, B, tol)),
  ),
  entry(
    "matmul",
    "(AB)C = A(BC)",
    fc.property(arbTensors({ A: ["m", "k"], B: ["k", "n"], C: ["n", "p"] }), ({ A, B, C }) => matmulAssociative(A, B, C, tol)),
  ),
  entry(
    "add",
    "broadcast add = add of tiled tensors",
    fc.property(fc.gen(), (g) => {
      const [sa, sb] = sampleBroadcast(fcGen(g), 2) as [number[], number[]];
      return broadcastAddIsTiledAdd(g(arbTensor, sa, domains.real, {}) as Tensor, g(arbTensor, sb, domains.real, {}) as Tensor, tol);
    }),
  ),
  entry(
    "sum",
    "Σ(αx + βy) = αΣx + βΣy",
    fc.property(fc.gen(), (g) => {
      const s = g(arbShape, { minRank: 1 });
      const axis = g(fc.option, fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined });
      const [alpha, beta] = [g(fc.integer, { min: -20, max: 20 }) / 4, g(fc.integer, { min: -20, max: 20 }) / 4];
      return sumLinear(g(arbTensor, s, domains.real, {}) as Tensor, g(arbTensor, s, domains.real, {}) as Tensor, alpha, beta, axis, tol);
    }),
  ),
  entry(
    "softmax",
    "rows sum to 1",
    fc.property(
      shapeAndAxis.chain(([s, axis]) => fc.tuple(arbTensor(s, domains.wide) as fc.Arbitrary<Tensor>, fc.constant(axis))),
      ([z, axis]) => softmaxSumsToOne(z, axis, tol),
    ),
  ),
  entry(
    "softmax",
    "softmax(z + c) = softmax(z)",
    fc.property(
      shapeAndAxis.chain(([s, axis]) => {
        const ax = axis < 0 ? axis + s.length : axis;
        return fc.tuple(
          arbTensor(s) as fc.Arbitrary<Tensor>,
          arbTensor(
            s.map((d, i) => (i === ax ? 1 : d)),
            domains.huge,
          ) as fc.Arbitrary<Tensor>,
          fc.constant(axis),
        );
      }),
      ([z, c, axis]) => softmaxShiftInvariant(z, c, axis, tol),
    ),
  ),
  entry(
    "logSumExp",
    "stable for inputs in the hundreds",
    fc.property(
      shapeAndAxis.chain(([s, axis]) => fc.tuple(arbTensor(s, domains.huge) as fc.Arbitrary<Tensor>, fc.constant(axis))),
      ([z, axis]) => logSumExpStable(z, axis, tol),
    ),
  ),
];

// -------------------------------------------------------------------------------------
// the course's identities
// -------------------------------------------------------------------------------------

const elementwise = (d: (typeof domains)[keyof typeof domains]) => arbShape({ maxRank: 2 }).chain((s) => arbTensor(s, d) as fc.Arbitrary<Tensor>);

const dense = (name: string, o: DenseLawOptions): SuiteEntry =>
  entry(
    `dense backward (${name})`,
    "dZ = dA·g'(Z), dW = dZ·A_prevᵀ/m, db = Σ dZ/m, dA_prev = Wᵀ·dZ = autodiff",
    fc.property(arbTensors({ W: ["n", "k"], b: ["n", 1], A_prev: ["k", "m"], dA: { shape: ["n", "m"], domain: domains.direction } }), (c) => denseBackwardIsAutodiff(c, o, tol)),
  );

/**
 * The course's identities (`shared/SEEDS.md`).
 *
 * @example
 * import { courseSuite } from "typegrad/laws"
 * courseSuite().some((e) => e.subject === "sigmoid") // true
 * @category suites
 * @since 0.1.0
 */
export const courseSuite = (): SuiteEntry[] => [
  entry(
    "sigmoid",
    "σ' = σ(1 - σ)",
    fc.property(elementwise(domains.wide), (z) => sigmoidDerivative(z, tol)),
  ),
  entry(
    "tanh",
    "tanh' = 1 - tanh²",
    fc.property(elementwise(domains.wide), (z) => tanhDerivative(z, tol)),
  ),
  entry(
    "relu",
    "relu' = 1 (z > 0), 0 (z < 0)",
    fc.property(elementwise(domains.awayFromZero), (z) => reluDerivative(z, tol)),
  ),
  entry(
    "leakyRelu",
    "leakyRelu' = 1 (z > 0), α (z < 0)",
    fc.property(elementwise(domains.awayFromZero), fc.integer({ min: 1, max: 30 }), (z, a) => leakyReluDerivative(z, a / 100, tol)),
  ),
  entry(
    "elu",
    "elu' = 1 (z > 0), α·eᶻ (z < 0)",
    fc.property(elementwise(domains.awayFromZero), fc.integer({ min: 5, max: 20 }), (z, a) => eluDerivative(z, a / 10, tol)),
  ),
  entry(
    "prelu",
    "∂/∂z = 1 | α, ∂/∂α = z (z < 0)",
    fc.property(
      arbTensors({ z: { shape: ["n", "m"], domain: domains.awayFromZero }, alpha: { shape: ["n", 1], domain: domains.unit }, u: { shape: ["n", "m"], domain: domains.direction } }),
      ({ z, alpha, u }) => preluDerivatives(z, alpha, u, tol),
    ),
  ),
  entry(
    "softmax",
    "Jacobian = diag(σ) - σσᵀ",
    fc.property(arbTensors({ z: ["n"] }, { maxNamedDim: 5 }), ({ z }) => softmaxJacobian(z, tol)),
  ),
  entry(
    "softmaxCrossEntropy",
    "∂/∂z = (σ·Σy - y)/m",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: domains.positive } }), ({ z, y }) => crossEntropyGradient(z, y, tol)),
  ),
  entry(
    "softmaxCrossEntropy",
    "∂/∂z = (σ - y)/m for probability vectors y",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: probability(0) } }), ({ z, y }) => crossEntropyGradientProbability(z, y, tol)),
  ),
  entry(
    "softmaxCrossEntropy",
    "∂/∂z = (σ - y)/m for one-hot y",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: oneHot(0) } }), ({ z, y }) => crossEntropyGradientProbability(z, y, tol)),
  ),
  entry(
    "crossEntropy ∘ softmax",
    "unfused: ∂/∂z = (σ - y)/m for one-hot y",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: oneHot(0) } }), ({ z, y }) =>
      crossEntropyGradientProbability(z, y, tol, (z, y) => crossEntropy(softmax(z as never, 0), y)),
    ),
  ),
  entry(
    "logLossFromLogits",
    "∂/∂z = (σ(z) - y)/m",
    fc.property(arbTensors({ z: [1, "m"], Y: { shape: [1, "m"], domain: domains.mask } }), ({ z, Y }) => logLossGradient(z, Y, tol)),
  ),
  entry(
    "logLoss ∘ sigmoid",
    "unfused: ∂/∂z = (σ(z) - y)/m",
    fc.property(arbTensors({ z: [1, "m"], Y: { shape: [1, "m"], domain: domains.mask } }), ({ z, Y }) => logLossGradient(z, Y, tol, (z, y) => logLoss(sigmoid(z), y))),
  ),
  dense("tanh", { activation: "tanh", gPrime: (Z) => sub(1, mul(tanh(Z), tanh(Z))) }),
  dense("sigmoid", { activation: "sigmoid", gPrime: (Z) => mul(sigmoid(Z), sub(1, sigmoid(Z))) }),
  dense("relu", { activation: "relu", gPrime: (Z) => where(gt(Z, 0), 1, 0) }),
  dense("leakyRelu, α = 0.2", { activation: "leakyRelu", settings: { alpha: 0.2 }, gPrime: (Z) => where(gt(Z, 0), 1, 0.2) }),
  dense("elu, α = 0.5", { activation: "elu", settings: { alpha: 0.5 }, gPrime: (Z) => where(gt(Z, 0), 1, mul(exp(Z), 0.5)) }),
  entry(
    "logistic regression",
    "two for loops = vectorised = grad (seed 003)",
    fc.property(arbTensors({ X: ["n", "m"], w: ["n", 1], b: [1, 1], Y: { shape: [1, "m"], domain: domains.mask } }), (c) => logisticLoopsEqualVectorised(c, tol)),
  ),
  entry(
    "linear layers",
    "W2(W1X + b1) + b2 = (W2W1)X + (W2b1 + b2) (seed 002)",
    fc.property(arbTensors({ W1: ["h", "n"], b1: ["h", 1], W2: ["o", "h"], b2: ["o", 1], X: ["n", "m"] }), ({ X, ...p }) => linearLayersCollapse(p, X, tol)),
  ),
  entry(
    "zero initialisation",
    "hidden units stay identical after k steps (seed 002)",
    fc.property(arbTensors({ X: ["n", "m"], Y: { shape: [1, "m"], domain: domains.mask } }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 4 }), ({ X, Y }, h, k) => {
      const n = (X.shape as readonly number[])[0] as number;
      const p0 = { W1: zeros([h, n], { dtype: "float64" }), b1: zeros([h, 1], { dtype: "float64" }), W2: zeros([1, h], { dtype: "float64" }), b2: zeros([1, 1], { dtype: "float64" }) };
      return zeroInitStaysSymmetric(p0, X, Y, k, 0.5, tol);
    }),
  ),
];

// -------------------------------------------------------------------------------------
// optimizers
// -------------------------------------------------------------------------------------

/** Hyper-parameters: rates in [0.01, 1], β in [0, 0.99], β₂ in [0.9, 0.9999], ε 1e-8 or 1e-3. */
const hyper = fc.record({
  lr: fc.integer({ min: 1, max: 100 }).map((k) => k / 100),
  beta: fc.integer({ min: 0, max: 99 }).map((k) => k / 100),
  beta2: fc.integer({ min: 0, max: 999 }).map((k) => 0.9 + k / 10_000),
  eps: fc.constantFrom(1e-8, 1e-3),
});

/** A parameter record and 1–3 gradient records of its shapes. */
const paramsAndGrads = fc
  .tuple(arbTensors({ W: ["n", "k"], b: ["n", 1], W1: ["n", "k"], b1: ["n", 1], W2: ["n", "k"], b2: ["n", 1], W3: ["n", "k"], b3: ["n", 1] }), fc.integer({ min: 1, max: 3 }))
  .map(([t, steps]) => ({
    params: { W: t.W, b: t.b },
    grads: [
      { W: t.W1, b: t.b1 },
      { W: t.W2, b: t.b2 },
      { W: t.W3, b: t.b3 },
    ].slice(0, steps),
  }));

/** The optimizer laws' tolerance: the same float64 arithmetic in another order. */
const optTol = 1e-10;

/**
 * The optimizer laws: `k` steps of each optimizer equal its textbook rule, Adam's bias
 * correction, L2 as weight decay.
 *
 * @example
 * import { optimizerSuite } from "typegrad/laws"
 * optimizerSuite().some((e) => e.subject === "adam") // true
 * @category suites
 * @since 0.1.0
 */
export const optimizerSuite = (): SuiteEntry[] => [
  ...optimizerCases({ lr: 0.1, beta: 0.9, beta2: 0.999, eps: 1e-8 }).map((c0) =>
    entry(
      c0.name,
      "k steps = the textbook rule, elementwise",
      fc.property(hyper, paramsAndGrads, (h, { params, grads }) => {
        const c = optimizerCases(h).find((x) => x.name === c0.name) ?? c0;
        return optimizerMatchesTextbook(c, params, grads, optTol);
      }),
    ),
  ),
  entry(
    "adam",
    "bias correction: a constant g moves each weight by α·g/(|g| + ε) at every step",
    fc.property(arbTensors({ w: ["n"], g: { shape: ["n"], domain: domains.awayFromZero } }), hyper, fc.integer({ min: 1, max: 5 }), ({ w, g }, h, steps) =>
      adamBiasCorrected(w, g, steps, h.lr, optTol, h.beta, h.beta2, h.eps),
    ),
  ),
  entry(
    "l2",
    "gd on grads + ∇(λ/2m)Σ‖W‖² = weight decay (1 − αλ/m)W − α·dW",
    fc.property(arbTensors({ W: ["n", "k"], b: ["n", 1], dW: ["n", "k"], db: ["n", 1] }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 64 }), hyper, ({ W, b, dW, db }, l, m, h) =>
      l2IsWeightDecay({ W, b }, { W: dW, b: db }, l / 10, m, h.lr, optTol),
    ),
  ),
];

// -------------------------------------------------------------------------------------
// runners
// -------------------------------------------------------------------------------------

/**
 * Run a suite; never throws for a failing law.
 *
 * @example
 * import { algebraSuite, runSuite } from "typegrad/laws"
 * runSuite(algebraSuite(), { numRuns: 3 }).every((o) => o.ok) // true
 * @category runners
 * @since 0.1.0
 */
export const runSuite = (entries: readonly SuiteEntry[], opts: RunOptions = {}): LawOutcome[] => entries.flatMap((e) => runProperties(e.subject, [{ law: e.law, property: e.property }], opts));
