/**
 * The runners of the algebra laws and the course's identities: each predicate paired with the
 * arbitraries it is checked on (explicit domains, shapes first), as named properties. The tests
 * and `npm run laws` run these same lists.
 *
 * @module
 */
import fc from "fast-check";
import { sampleBroadcast } from "../src/ops/define.js";
import { gt } from "../src/ops/gt.js";
import { mul } from "../src/ops/mul.js";
import { relu } from "../src/ops/relu.js";
import { sigmoid } from "../src/ops/sigmoid.js";
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
  denseBackwardIsAutodiff,
  type Elementwise,
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

const denseCases = arbTensors({ W: ["n", "k"], b: ["n", 1], A_prev: ["k", "m"], dA: { shape: ["n", "m"], domain: domains.direction } });

const dense = (name: string, g: Elementwise, gPrime: Elementwise): SuiteEntry =>
  entry(
    `dense backward (${name})`,
    "dZ = dA·g'(Z), dW = dZ·A_prevᵀ/m, db = Σ dZ/m, dA_prev = Wᵀ·dZ",
    fc.property(denseCases, (c) => denseBackwardIsAutodiff(c, g, gPrime, tol)),
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
    "cross-entropy",
    "∂CE(softmax(z), y)/∂z = σ·Σy - y",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: domains.positive } }), ({ z, y }) => crossEntropyGradient(z, y, tol)),
  ),
  entry(
    "cross-entropy",
    "= σ - y for probability vectors y",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: probability(0) } }), ({ z, y }) => crossEntropyGradientProbability(z, y, tol)),
  ),
  entry(
    "cross-entropy",
    "= σ - y for one-hot y",
    fc.property(arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: oneHot(0) } }), ({ z, y }) => crossEntropyGradientProbability(z, y, tol)),
  ),
  entry(
    "log-loss",
    "∂logloss(σ(z), y)/∂z = (a - y)/m",
    fc.property(arbTensors({ z: [1, "m"], Y: { shape: [1, "m"], domain: domains.mask } }), ({ z, Y }) => logLossGradient(z, Y, tol)),
  ),
  dense("tanh", tanh, (Z) => sub(1, mul(tanh(Z), tanh(Z)))),
  dense("sigmoid", sigmoid, (Z) => mul(sigmoid(Z), sub(1, sigmoid(Z)))),
  dense("relu", relu, (Z) => where(gt(Z, 0), 1, 0)),
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
