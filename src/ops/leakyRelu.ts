/**
 * `leakyRelu(x, alpha = 0.01)`: `x` for x > 0, `alpha·x` otherwise. A composite of `where`;
 * derivative 1 for x > 0, `alpha` otherwise.
 *
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { dual, elementwiseCase, elementwiseTwin, expectTensor, kinkDomain, one, tensorFirst } from "./define.js";
import { gt } from "./gt.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { type Dense, domains, type OpDef, oneRounding } from "./spec.js";
import type { UnaryOpWith } from "./types.js";
import { where } from "./where.js";

const leakyReluImpl = (x: Tensor, alpha = 0.01): Tensor => {
  expectTensor("leakyRelu", "x", x);
  if (typeof alpha !== "number") throw new TypeError(`leakyRelu: argument 'alpha' must be a number, got ${typeof alpha}`);
  if (!Number.isFinite(alpha)) throw new RangeError(`leakyRelu: argument 'alpha' must be a finite number, got ${alpha}`);
  return where(gt(x, 0), x, mul(x, alpha));
};

/**
 * Elementwise leaky ReLU with slope `alpha` (default 0.01) for negative inputs.
 *
 * @example
 * import { leakyRelu, tensor, toArray } from "typegrad"
 * toArray(leakyRelu(tensor([-1, 2]), 0.1)) // [-0.1, 2]
 * @category operations
 */
export const leakyRelu: UnaryOpWith<number> = dual(tensorFirst, leakyReluImpl);

/** Registry entry. */
export const leakyReluDef: OpDef<number> = {
  name: "leakyRelu",
  kind: "composite",
  doc: "x > 0 ? x : αx",
  shape: elementwiseTwin,
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    // x or α·x: one rounding
    error: { ulps: oneRounding },
    sample: (g) => ({ ...elementwiseCase(g, [domains.awayFromZero]), params: g.int(1, 30) / 100 }),
    call: (xs, alpha) => leakyReluImpl(one(xs), alpha),
    reference: (xs, alpha) => zipWith(xs, (x) => (x > 0 ? x : alpha * x)),
    // leakyRelu'(0) = α (the x ≤ 0 branch)
    kinks: {
      sample: (g) => ({ ...elementwiseCase(g, [kinkDomain([0])]), params: g.int(1, 30) / 100 }),
      pullback: ([x], ct, alpha) => [zipWith([x as Dense, ct], (v, c) => (c as number) * ((v as number) > 0 ? 1 : alpha))],
    },
  },
};
