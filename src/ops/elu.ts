/**
 * `elu(x, alpha = 1)`: `x` for x > 0, `alpha·(eˣ - 1)` otherwise. A composite; the exponential
 * only sees `min(x, 0)`, so large positive inputs cannot overflow into the unused branch.
 * Derivative: 1 for x > 0, `alpha·eˣ` otherwise.
 *
 * @module
 */
import type { Tensor } from "../tensor/tensor.js";
import { dual, elementwiseCase, elementwiseTwin, expectTensor, one, tensorFirst } from "./define.js";
import { expm1 } from "./expm1.js";
import { gt } from "./gt.js";
import { minimum } from "./minimum.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import type { UnaryOpWith } from "./types.js";
import { where } from "./where.js";

const eluImpl = (x: Tensor, alpha = 1): Tensor => {
  expectTensor("elu", "x", x);
  if (typeof alpha !== "number") throw new TypeError(`elu: argument 'alpha' must be a number, got ${typeof alpha}`);
  return where(gt(x, 0), x, mul(expm1(minimum(x, 0)), alpha));
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
    sample: (g) => ({ ...elementwiseCase(g, [domains.awayFromZero]), params: g.int(5, 20) / 10 }),
    call: (xs, alpha) => eluImpl(one(xs), alpha),
    reference: (xs, alpha) => zipWith(xs, (x) => (x > 0 ? x : alpha * Math.expm1(x))),
  },
};
