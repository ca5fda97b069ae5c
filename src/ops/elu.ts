/**
 * `elu(x, alpha = 1)`: `x` for x > 0, `alpha·(eˣ - 1)` otherwise. A composite; the exponential
 * only sees `min(x, 0)`, so large positive inputs cannot overflow into the unused branch.
 * Derivative: 1 for x > 0, `alpha·eˣ` for x ≤ 0 (so `alpha` at 0, the kink).
 *
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { dual, elementwiseCase, elementwiseTwin, expectTensor, kinkDomain, one, tensorFirst } from "./define.js";
import { expm1 } from "./expm1.js";
import { gt } from "./gt.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { type Dense, domains, type OpDef } from "./spec.js";
import type { UnaryOpWith } from "./types.js";
import { where } from "./where.js";

const eluImpl = (x: Tensor, alpha = 1): Tensor => {
  expectTensor("elu", "x", x);
  if (typeof alpha !== "number") throw new TypeError(`elu: argument 'alpha' must be a number, got ${typeof alpha}`);
  if (!Number.isFinite(alpha)) throw new RangeError(`elu: argument 'alpha' must be a finite number, got ${alpha}`);
  const pos = gt(x, 0);
  // eˣ - 1 of min(x, 0), the minimum written with `where` so that the derivative at 0 is the
  // x ≤ 0 branch's, α·e⁰ = α (maximum/minimum split a tie in half, which would give α/2)
  return where(pos, x, mul(expm1(where(pos, 0, x)), alpha));
};

/**
 * Elementwise ELU with scale `alpha` (default 1).
 *
 * @example
 * import { elu, tensor, toArray } from "typegrad"
 * toArray(elu(tensor([0, 2]))) // [0, 2]
 * @category operations
 */
export const elu: UnaryOpWith<number> = dual(tensorFirst, eluImpl);

/** Registry entry. */
export const eluDef: OpDef<number> = {
  name: "elu",
  kind: "composite",
  doc: "x > 0 ? x : α(eˣ - 1)",
  shape: elementwiseTwin,
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    // expm1 (2 ulp), α· (0.5), the where: exact
    error: { ulps: { float32: 3, float64: 3 } },
    sample: (g) => ({ ...elementwiseCase(g, [domains.awayFromZero]), params: g.int(5, 20) / 10 }),
    call: (xs, alpha) => eluImpl(one(xs), alpha),
    reference: (xs, alpha) => zipWith(xs, (x) => (x > 0 ? x : alpha * Math.expm1(x))),
    // elu'(0) = α·e⁰ = α (the x ≤ 0 branch, as dense's backward uses: g + α)
    kinks: {
      sample: (g) => ({ ...elementwiseCase(g, [kinkDomain([0])]), params: g.int(5, 20) / 10 }),
      pullback: ([x], ct, alpha) => [zipWith([x as Dense, ct], (v, c) => (c as number) * ((v as number) > 0 ? 1 : alpha * Math.exp(v as number)))],
    },
  },
};
