/**
 * The course's activation functions (seeds 002–004) by name, each with its forward `g(z)` and
 * the derivative the explicit backward pass uses, `dZ = dA ⊙ g'(Z)`:
 *
 * | name | g(z) | g'(z) |
 * |---|---|---|
 * | `linear` | z | 1 |
 * | `sigmoid` | 1/(1+e^{-z}) | g(1-g) |
 * | `tanh` | tanh z | 1 - g² |
 * | `relu` | max(0, z) | 1 if z > 0, else 0 |
 * | `leakyRelu` | z if z > 0, else 0.01 z | 1 or 0.01 |
 * | `prelu` | z if z > 0, else α z, α learned (one per unit) | 1 or α; ∂/∂α = z for z ≤ 0 |
 * | `rrelu` | leaky ReLU with slope drawn in U(1/8, 1/3) per element in training, the mean slope at inference | 1 or the slope |
 * | `elu` | z if z > 0, else α(e^z - 1) | 1 or g + α |
 * | `softmax` | e^{z_i} / Σ_k e^{z_k} over the unit axis | dZ = A ⊙ (dA − Σ_k dA_k A_k) |
 *
 * The forward functions are built from the library's ops, so `grad` differentiates them; the
 * derivatives are used only by the hand-written backward of `dense`, and a test checks the two agree.
 *
 * @module
 */
import { add } from "../ops/add.js";
import { elu } from "../ops/elu.js";
import { gt } from "../ops/gt.js";
import { leakyRelu } from "../ops/leakyRelu.js";
import { minimum } from "../ops/minimum.js";
import { mul } from "../ops/mul.js";
import { relu } from "../ops/relu.js";
import { sigmoid, sigmoidFromOutput } from "../ops/sigmoid.js";
import { softmax } from "../ops/softmax.js";
import { sub } from "../ops/sub.js";
import { sum } from "../ops/sum.js";
import { tanh, tanhFromOutput } from "../ops/tanh.js";
import { where } from "../ops/where.js";
import type { Shape } from "../shape/dims.js";
import type { Rng } from "../tensor/random.js";
import { uniform } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The activations a layer can use. @category model */
export type ActivationName = "linear" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "prelu" | "rrelu" | "elu" | "softmax";

/**
 * Every activation name, in the course's order.
 *
 * @example
 * import { activationNames } from "typegrad"
 * activationNames.includes("relu") // true
 * @category model
 */
export const activationNames: readonly ActivationName[] = ["linear", "sigmoid", "tanh", "relu", "leakyRelu", "prelu", "rrelu", "elu", "softmax"];

/**
 * Whether a pass is training (dropout on, RReLU slopes drawn from `rng`) or inference, and the
 * generator random layers draw from.
 *
 * @category model
 */
export interface RunContext {
  readonly training?: boolean;
  readonly rng?: Rng;
}

/** Settings of the parametrised activations. @category model */
export interface ActivationSettings {
  /** Leaky ReLU slope (default 0.01); ELU's α (default 1). */
  readonly alpha?: number;
  /** RReLU slope range (default [1/8, 1/3], as in Xu et al. 2015). */
  readonly rreluRange?: readonly [number, number];
}

/** What the forward pass of an activation gives: `A`, and for RReLU the slopes used. @internal */
export interface Activated {
  readonly A: Tensor;
  readonly slope: Tensor | undefined;
}

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * PReLU: `z` where `z > 0`, `α·z` elsewhere, with a learned `α` broadcast against `z` (one per
 * unit: `[n, 1]` for columns-as-examples, He et al. 2015).
 *
 * @example
 * import { prelu, tensor, toArray } from "typegrad"
 * const Z = tensor([[-2, 3], [-1, 4]])
 * // one slope per unit
 * const alpha = tensor([[0.1], [0.5]])
 * toArray(prelu(Z, alpha)) // [[-0.2, 3], [-0.5, 4]]
 * @category operations
 */
export const prelu = <S extends Shape>(z: Tensor<S>, alpha: Tensor): Tensor<S> => where(gt(z, 0) as Tensor, z as Tensor, mul(alpha, z as Tensor)) as unknown as Tensor<S>;

/**
 * RReLU: leaky ReLU whose negative slope is drawn uniformly in `[lower, upper]` for each element
 * when training (from `ctx.rng`), and is the mean `(lower + upper) / 2` at inference.
 *
 * @example
 * import { rng, rrelu, tensor, toArray } from "typegrad"
 * const Z = tensor([-3, 2])
 * toArray(rrelu(Z)) // [-0.6875, 2] (inference: the mean slope (1/8 + 1/3) / 2)
 * rrelu(Z, { training: true, rng: rng(0) }) // Tensor<[2]>
 * @category operations
 */
export const rrelu = <S extends Shape>(z: Tensor<S>, ctx: RunContext = {}, range: readonly [number, number] = [1 / 8, 1 / 3]): Tensor<S> => rreluWithSlope(z as Tensor, ctx, range).A as Tensor<S>;

const rreluWithSlope = (z: Tensor, ctx: RunContext, [lo, hi]: readonly [number, number]): Activated => {
  if (!(lo >= 0 && hi >= lo && hi < 1)) throw new RangeError(`rrelu: the slope range must satisfy 0 ≤ lower ≤ upper < 1, got [${lo}, ${hi}]`);
  if (ctx.training === true) {
    if (ctx.rng === undefined) throw new TypeError("rrelu: training needs a generator, pass { training: true, rng }");
    const slope = uniform(ctx.rng, z.shape as number[], lo, hi, { dtype: z.dtype });
    return { A: where(gt(z, 0), z, mul(slope, z)), slope };
  }
  return { A: leakyRelu(z, (lo + hi) / 2), slope: undefined };
};

/**
 * Apply activation `name` to `Z`; `axis` is the unit axis (for softmax), `alpha` PReLU's α.
 *
 * @internal
 */
export const activate = (name: ActivationName, Z: Tensor, axis: number, ctx: RunContext, settings: ActivationSettings, alpha: Tensor | undefined): Activated => {
  const plain = (A: Tensor): Activated => ({ A, slope: undefined });
  switch (name) {
    case "linear":
      return plain(Z);
    case "sigmoid":
      return plain(sigmoid(Z));
    case "tanh":
      return plain(tanh(Z));
    case "relu":
      return plain(relu(Z));
    case "leakyRelu":
      return plain(leakyRelu(Z, settings.alpha ?? 0.01));
    case "prelu":
      if (alpha === undefined) throw new TypeError("prelu: the layer's parameters have no 'alpha'");
      return plain(prelu(Z, alpha));
    case "rrelu":
      return rreluWithSlope(Z, ctx, settings.rreluRange ?? [1 / 8, 1 / 3]);
    case "elu":
      return plain(elu(Z, settings.alpha ?? 1));
    case "softmax":
      return plain(softmax(Z, axis));
  }
};

/**
 * `dZ = dA ⊙ g'(Z)` for activation `name` (softmax: the Jacobian-vector product along `axis`),
 * and PReLU's per-example `dα` contributions `dA ⊙ min(Z, 0)` (to be averaged by the caller).
 *
 * @internal
 */
export const activationBackward = (
  name: ActivationName,
  dA: Tensor,
  Z: Tensor,
  A: Tensor,
  axis: number,
  settings: ActivationSettings,
  alpha: Tensor | undefined,
  slope: Tensor | undefined,
): { dZ: Tensor; dAlpha: Tensor | undefined } => {
  const pos = (): Tensor => gt(Z, 0);
  const plain = (dZ: Tensor) => ({ dZ, dAlpha: undefined });
  switch (name) {
    case "linear":
      return plain(dA);
    case "sigmoid":
      return plain(sigmoidFromOutput(dA, A));
    case "tanh":
      return plain(tanhFromOutput(dA, A));
    case "relu":
      return plain(mul(dA, pos()));
    case "leakyRelu":
      return plain(mul(dA, where(pos(), 1, settings.alpha ?? 0.01)));
    case "prelu": {
      if (alpha === undefined) throw new TypeError("prelu: the layer's parameters have no 'alpha'");
      return { dZ: mul(dA, where(pos(), 1, alpha)), dAlpha: mul(dA, minimum(Z, 0)) };
    }
    case "rrelu": {
      const [lo, hi] = settings.rreluRange ?? [1 / 8, 1 / 3];
      return plain(mul(dA, where(pos(), 1, slope ?? (lo + hi) / 2)));
    }
    case "elu":
      return plain(mul(dA, where(pos(), 1, add(A, settings.alpha ?? 1))));
    case "softmax":
      return plain(mul(A, sub(dA, sum(mul(dA, A), axis, true))));
  }
};
