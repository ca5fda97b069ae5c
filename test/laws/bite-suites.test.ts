/**
 * Proof that the algebra laws and the course's identities bite: each fails on a deliberately
 * wrong implementation (and holds on the library's, for the same inputs), so none can pass
 * vacuously. Inputs are drawn by fast-check; a law is shown to fail by a property that finds a
 * counterexample.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AlgebraOps,
  broadcastAddIsTiledAdd,
  libraryOps,
  logSumExpStable,
  matmulAssociative,
  matmulTranspose,
  softmaxShiftInvariant,
  softmaxSumsToOne,
  sumLinear,
  transposeInvolution,
} from "../../laws/algebra.js";
import { arbShape, arbTensor, arbTensors } from "../../laws/arbitraries.js";
import { domains, probability } from "../../laws/domains.js";
import {
  crossEntropyGradientProbability,
  type DenseCase,
  denseBackwardIsAutodiff,
  eluDerivative,
  type LogisticCase,
  linearLayersCollapse,
  logisticLoopsEqualVectorised,
  logisticVectorised,
  logLossGradient,
  preluDerivatives,
  reluDerivative,
  sigmoidDerivative,
  softmaxJacobian,
  tanhDerivative,
  zeroInitStaysSymmetric,
} from "../../laws/identities.js";
import { adamBiasCorrected, l2IsWeightDecay, optimizerCases, optimizerMatchesTextbook, textbook } from "../../laws/optim.js";
import { bind, type Primitive } from "../../src/autodiff/core.js";
import { dense } from "../../src/nn/dense.js";
import { crossEntropy, logLoss, softmaxCrossEntropy } from "../../src/nn/losses.js";
import { add } from "../../src/ops/add.js";
import { div } from "../../src/ops/div.js";
import { exp } from "../../src/ops/exp.js";
import { expm1 } from "../../src/ops/expm1.js";
import { gt } from "../../src/ops/gt.js";
import { leakyRelu } from "../../src/ops/leakyRelu.js";
import { log } from "../../src/ops/log.js";
import { mul } from "../../src/ops/mul.js";
import { reshape } from "../../src/ops/reshape.js";
import { sigmoid, sigmoidPrim } from "../../src/ops/sigmoid.js";
import { sqrt } from "../../src/ops/sqrt.js";
import { stopGradient } from "../../src/ops/stopGradient.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { tanh, tanhPrim } from "../../src/ops/tanh.js";
import { transpose } from "../../src/ops/transpose.js";
import { where } from "../../src/ops/where.js";
import { adam, addL2Grads, type Optimizer } from "../../src/optim/index.js";
import { randn, rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const tol = 1e-7;
const params = { numRuns: 50, seed: 11 };

/** `law` holds for the library on every drawn input, and fails for `wrong` on some. */
const bites = <T>(arb: fc.Arbitrary<T>, law: (x: T, impl: "library" | "wrong") => boolean): void => {
  fc.assert(
    fc.property(arb, (x) => law(x, "library")),
    params,
  );
  expect(
    fc.check(
      fc.property(arb, (x) => law(x, "wrong")),
      params,
    ).failed,
  ).toBe(true);
};

const with_ = (over: Partial<AlgebraOps>): AlgebraOps => ({ ...libraryOps, ...over });
const square = arbTensors({ A: ["n", "n"], B: ["n", "n"], C: ["n", "n"] }, { minNamedDim: 2 });
const matrix = arbShape({ minRank: 2, maxRank: 2, minDim: 2 }).chain((s) => arbTensor(s) as fc.Arbitrary<Tensor>);
const vectors = arbTensors({ z: ["n", "m"] }, { minNamedDim: 2 });

describe("the algebra laws bite", () => {
  it("(Aᵀ)ᵀ = A fails for a transpose that also scales", () => {
    const wrong = with_({ transpose: (a) => mul(libraryOps.transpose(a), 2) });
    bites(matrix, (A, i) => transposeInvolution(A, 0, i === "library" ? libraryOps : wrong));
  });

  it("(AB)ᵀ = BᵀAᵀ fails for a 'transpose' that only reshapes", () => {
    const wrong = with_({ transpose: (a) => reshape(a, [...(a.shape as readonly number[])].reverse()) });
    bites(square, ({ A, B }, i) => matmulTranspose(A, B, tol, i === "library" ? libraryOps : wrong));
  });

  it("(AB)C = A(BC) fails for a matmul with an offset", () => {
    const wrong = with_({ matmul: (a, b) => add(libraryOps.matmul(a, b), 0.5) });
    bites(square, ({ A, B, C }, i) => matmulAssociative(A, B, C, tol, i === "library" ? libraryOps : wrong));
  });

  it("broadcast add = tiled add fails for an add broadcasting a vector along the wrong axis", () => {
    const wrong = with_({ add: (a, b) => (b.rank === 1 && a.rank === 2 ? libraryOps.add(a, reshape(b, [b.size, 1])) : libraryOps.add(a, b)) });
    bites(arbTensors({ a: ["n", "n"], b: ["n"] }, { minNamedDim: 2 }), ({ a, b }, i) => broadcastAddIsTiledAdd(a, b, tol, i === "library" ? libraryOps : wrong));
  });

  it("sum linearity fails for an affine 'sum'", () => {
    const wrong = with_({ sum: (a, axis) => add(libraryOps.sum(a, axis), 1) });
    bites(arbTensors({ x: ["n", "m"], y: ["n", "m"] }), ({ x, y }, i) => sumLinear(x, y, 2, 1, 1, tol, i === "library" ? libraryOps : wrong));
  });

  it("softmax rows sum to 1 fails for a softmax normalised along the wrong axis", () => {
    const wrong = with_({ softmax: (z, axis) => libraryOps.softmax(z, axis === 0 ? 1 : 0) });
    bites(vectors, ({ z }, i) => softmaxSumsToOne(z, 0, tol, i === "library" ? libraryOps : wrong));
  });

  it("softmax(z + c) = softmax(z) fails for eᶻ / (1 + Σ eᶻ)", () => {
    const wrong = with_({ softmax: (z, axis) => div(exp(z), add(sum(exp(z) as never, axis as never, true as never), 1) as never) });
    bites(arbTensors({ z: ["n", "m"], c: { shape: [1, "m"], domain: domains.real } }, { minNamedDim: 2 }), ({ z, c }, i) => softmaxShiftInvariant(z, c, 0, tol, i === "library" ? libraryOps : wrong));
  });

  it("logSumExp stability fails for the naive log Σ eᶻ", () => {
    const wrong = with_({ logSumExp: (z, axis) => log(sum(exp(z) as never, axis as never)) });
    bites(arbTensors({ z: ["n", "m"] }, { domain: domains.huge, minNamedDim: 2 }), ({ z }, i) => logSumExpStable(z, 0, tol, i === "library" ? libraryOps : wrong));
  });
});

/** An elementwise primitive like `base` with another pullback. */
const withPullback = (base: Primitive<void>, pullback: Primitive<void>["pullback"]) => {
  const p: Primitive<void> = { ...base, name: `fake ${base.name}`, pullback };
  return (z: Tensor): Tensor => bind(p, [z], undefined);
};

/** softmax with a constant denominator: right forward, wrong Jacobian. */
const softmaxConstDenominator = (z: Tensor, axis: number): Tensor => div(exp(z), stopGradient(sum(exp(z) as never, axis as never, true as never)) as never);

const elementwise = (d: (typeof domains)[keyof typeof domains]) => arbShape({ minRank: 1, maxRank: 2 }).chain((s) => arbTensor(s, d) as fc.Arbitrary<Tensor>);

describe("the course's identities bite", () => {
  it("σ' = σ(1 - σ) fails for a sigmoid whose pullback forgets (1 - σ)", () => {
    const wrong = withPullback(sigmoidPrim, (ct, _x, out) => [mul(ct, out)]);
    bites(elementwise(domains.real), (z, i) => sigmoidDerivative(z, tol, i === "library" ? sigmoid : wrong));
  });

  it("tanh' = 1 - tanh² fails for a pullback 1 - tanh", () => {
    const wrong = withPullback(tanhPrim, (ct, _x, out) => [mul(ct, sub(1, out))]);
    bites(elementwise(domains.real), (z, i) => tanhDerivative(z, tol, i === "library" ? tanh : wrong));
  });

  it("relu' fails for a leaky 'relu'", () => {
    bites(elementwise(domains.awayFromZero), (z, i) => reluDerivative(z, tol, i === "library" ? undefined : (x) => leakyRelu(x, 0.1)));
  });

  it("elu' = α·eᶻ fails for an elu that forgets α", () => {
    const wrong = (x: Tensor): Tensor => where(gt(x, 0), x, expm1(x) as never);
    bites(elementwise(domains.awayFromZero), (z, i) => eluDerivative(z, 0.5, tol, i === "library" ? undefined : wrong));
  });

  it("PReLU's ∂/∂α fails when α is not differentiated", () => {
    const wrong = (z: Tensor, alpha: Tensor): Tensor => where(gt(z, 0), z, mul(stopGradient(alpha), z) as never);
    const arb = arbTensors(
      { z: { shape: ["n", "m"], domain: domains.awayFromZero }, alpha: { shape: ["n", 1], domain: domains.unit }, u: { shape: ["n", "m"], domain: domains.direction } },
      { minNamedDim: 2 },
    );
    bites(arb, ({ z, alpha, u }, i) => preluDerivatives(z, alpha, u, tol, i === "library" ? undefined : wrong));
  });

  it("the softmax Jacobian fails for a softmax with a constant denominator", () => {
    bites(arbTensors({ z: ["n"] }, { minNamedDim: 2 }), ({ z }, i) => softmaxJacobian(z, tol, i === "library" ? undefined : softmaxConstDenominator));
  });

  it("∂CE/∂z = (σ - y)/m fails for a cross-entropy over a softmax with a constant denominator, and for a cost summed instead of averaged", () => {
    const arb = arbTensors({ z: ["n", "m"], y: { shape: ["n", "m"], domain: probability(0) } }, { minNamedDim: 2 });
    const constDenominator = (z: Tensor, y: Tensor): Tensor => crossEntropy(softmaxConstDenominator(z, 0), y);
    bites(arb, ({ z, y }, i) => crossEntropyGradientProbability(z, y, tol, i === "library" ? undefined : constDenominator));
    const summed = (z: Tensor, y: Tensor): Tensor => mul(softmaxCrossEntropy(z, y), (z.shape as readonly number[])[1] as number);
    bites(arb, ({ z, y }, i) => crossEntropyGradientProbability(z, y, tol, i === "library" ? undefined : summed));
  });

  it("∂logloss/∂z = (a - y)/m fails for a sigmoid whose pullback forgets (1 - σ)", () => {
    const wrong = withPullback(sigmoidPrim, (ct, _x, out) => [mul(ct, out)]);
    bites(arbTensors({ z: [1, "m"], Y: { shape: [1, "m"], domain: domains.mask } }), ({ z, Y }, i) => logLossGradient(z, Y, tol, (a, y) => logLoss(i === "library" ? sigmoid(a) : wrong(a), y)));
  });

  it("the dense backward law fails for a layer whose db lacks 1/m, whose dW is transposed, or whose backward ignores the configured α", () => {
    const gPrime = (Z: Tensor) => sub(1, mul(tanh(Z), tanh(Z)));
    const arb = arbTensors({ W: ["n", "n"], b: ["n", 1], A_prev: ["n", "m"], dA: ["n", "m"] }, { minNamedDim: 2 });
    /** The library's dense layer with its backward's gradients changed by `f`. */
    const wrongLayer = (n: number, f: (g: Record<string, Tensor>, m: number) => Record<string, Tensor>, opts: Parameters<typeof dense>[2] = { activation: "tanh" }) => {
      const real = dense(n, n, opts);
      return {
        ...real,
        backward: (p: never, dA: never, cache: never) => f({ ...(real.backward(p, dA, cache) as unknown as Record<string, Tensor>) }, (cache as { A_prev: Tensor }).A_prev.shape[1] as number) as never,
      };
    };
    const n = (c: DenseCase): number => c.W.shape[0] as number;
    const noMean = (c: DenseCase) => wrongLayer(n(c), (g, m) => ({ ...g, db: mul(g.db as Tensor, m) }));
    const transposed = (c: DenseCase) => wrongLayer(n(c), (g) => ({ ...g, dW: transpose(g.dW as never) }));
    bites(arb, (c, i) => denseBackwardIsAutodiff(c, { activation: "tanh", gPrime, ...(i === "library" ? {} : { layer: noMean(c) }) }, tol));
    bites(arb, (c, i) => denseBackwardIsAutodiff(c, { activation: "tanh", gPrime, ...(i === "library" ? {} : { layer: transposed(c) }) }, tol));
    // a leaky ReLU layer with α = 0.3 whose backward uses the default slope 0.01
    const leaky = (Z: Tensor) => where(gt(Z, 0), 1, 0.3);
    const defaultSlope = (c: DenseCase) => {
      const real = dense(n(c), n(c), { activation: "leakyRelu", alpha: 0.3 });
      const wrong = dense(n(c), n(c), { activation: "leakyRelu" });
      return { ...real, backward: wrong.backward };
    };
    bites(arb, (c, i) => denseBackwardIsAutodiff(c, { activation: "leakyRelu", settings: { alpha: 0.3 }, gPrime: leaky, ...(i === "library" ? {} : { layer: defaultSlope(c) as never }) }, tol));
  });

  it("loops = vectorised fails for a vectorised gradient without 1/m", () => {
    const noMean = (c: LogisticCase) => {
      const m = (c.X.shape as readonly number[])[1] as number;
      const v = logisticVectorised(c);
      return { dw: mul(v.dw, m), db: v.db };
    };
    const arb = arbTensors({ X: ["n", "m"], w: ["n", 1], b: [1, 1], Y: { shape: [1, "m"], domain: domains.mask } }, { minNamedDim: 2 });
    bites(arb, (c, i) => logisticLoopsEqualVectorised(c, tol, i === "library" ? undefined : noMean));
  });

  it("the linear collapse fails once a non-linearity sits between the layers", () => {
    const arb = arbTensors({ W1: ["h", "n"], b1: ["h", 1], W2: ["o", "h"], b2: ["o", 1], X: ["n", "m"] });
    bites(arb, ({ X, ...p }, i) => linearLayersCollapse(p, X, tol, i === "library" ? undefined : "tanh"));
  });

  it("hidden units do not stay identical from a random initialisation", () => {
    const arb = arbTensors({ X: ["n", "m"], Y: { shape: [1, "m"], domain: domains.mask } }, { minNamedDim: 2 });
    bites(arb, ({ X, Y }, i) => {
      const n = (X.shape as readonly number[])[0] as number;
      const g = rng(3);
      const scale = i === "library" ? 0 : 0.5;
      const p0 = {
        W1: mul(randn(g, [3, n], { dtype: "float64" }), scale),
        b1: mul(randn(g, [3, 1], { dtype: "float64" }), scale),
        W2: mul(randn(g, [1, 3], { dtype: "float64" }), scale),
        b2: mul(randn(g, [1, 1], { dtype: "float64" }), scale),
      };
      return zeroInitStaysSymmetric(p0, X, Y, 2, 0.5, tol);
    });
  });
});

describe("the optimizer laws bite", () => {
  const h = { lr: 0.1, beta: 0.8, beta2: 0.99, eps: 1e-8 };
  const arb = arbTensors({ W: ["n", "k"], b: ["n", 1], gW: ["n", "k"], gb: ["n", 1] }, { minNamedDim: 2 });
  const drawn = (t: { W: Tensor; b: Tensor; gW: Tensor; gb: Tensor }) => ({
    params: { W: t.W, b: t.b },
    grads: [
      { W: t.gW, b: t.gb },
      { W: mul(t.gW, -0.5), b: t.gb },
    ],
  });

  it("k steps = the textbook rule fails for a momentum that forgets (1 − β), and for Nesterov checked as momentum", () => {
    const [, mom, nest] = optimizerCases(h);
    // v ← βv + g (no 1 − β) is momentum with the rate scaled by 1/(1 − β)
    const undamped = optimizerCases({ ...h, lr: h.lr / (1 - h.beta) })[1];
    if (mom === undefined || nest === undefined || undamped === undefined) throw new Error("optimizerCases lists gd, momentum, nesterov, …");
    bites(arb, (t, i) => optimizerMatchesTextbook(i === "library" ? mom : { ...mom, optimizer: undamped.optimizer }, drawn(t).params, drawn(t).grads, 1e-10));
    bites(arb, (t, i) => optimizerMatchesTextbook(i === "library" ? mom : { ...mom, optimizer: nest.optimizer }, drawn(t).params, drawn(t).grads, 1e-10));
    expect(textbook.gd(h)(1, 1, [], 1)).toEqual([0.9, []]);
  });

  it("Adam's bias correction fails for an Adam without it", () => {
    const uncorrected: Optimizer = {
      name: "adam without bias correction",
      init: (p) => adam(h.lr).init(p),
      step: (w, g, s) => {
        const [m, v] = s.slots as unknown as [Tensor, Tensor];
        const m2 = add(mul(m, h.beta), mul(g as Tensor, 1 - h.beta));
        const v2 = add(mul(v, h.beta2), mul(mul(g as Tensor, g as Tensor), 1 - h.beta2));
        return [sub(w as Tensor, div(mul(m2, h.lr), add(sqrt(v2), h.eps))) as never, { step: s.step + 1, slots: [m2, v2] as never }];
      },
    };
    bites(arbTensors({ w: ["n"], g: { shape: ["n"], domain: domains.awayFromZero } }), ({ w, g }, i) =>
      adamBiasCorrected(w, g, 3, h.lr, 1e-10, h.beta, h.beta2, h.eps, i === "library" ? undefined : uncorrected),
    );
  });

  it("L2 as weight decay fails when the biases are decayed too", () => {
    const allLeaves: typeof addL2Grads = (p, g, l, m) => addL2Grads(p, g, l, m, () => true);
    bites(arb, (t, i) => l2IsWeightDecay({ W: t.W, b: t.b }, { W: t.gW, b: t.gb }, 0.5, 4, 0.1, 1e-10, i === "library" ? undefined : allLeaves));
  });
});
