/**
 * `maximum(a, b)`: elementwise maximum with numpy broadcasting.
 *
 * Forward: `out = max(a, b)`. Pullback: `ct_a = ct · [a > b]`, `ct_b = ct · [a < b]` (ties split ct in half, as JAX does).
 *
 * @module
 */
import { bind, type Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { binaryPrimitive, dual, elementwiseCase, type Operand, operands } from "./define.js";
import { eq } from "./eq.js";
import { gt } from "./gt.js";
import { lt } from "./lt.js";
import { mul } from "./mul.js";
import { zipWith } from "./naive.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

/** The primitive. */
export const maximumPrim = binaryPrimitive("maximum", (ct, [a, b], _o, _p, wants) => {
  const tie = mul(eq(a as Tensor, b as Tensor), 0.5);
  return [wants[0] ? mul(ct, add(gt(a as Tensor, b as Tensor), tie)) : undefined, wants[1] ? mul(ct, add(lt(a as Tensor, b as Tensor), tie)) : undefined];
});

/**
 * Elementwise max(a, b), numpy broadcasting; a plain number works on either side.
 *
 * @example
 * import { maximum, tensor, toArray } from "typegrad"
 * toArray(maximum(tensor([-1, 2]), 0)) // [0, 2]
 * @category operations
 */
export const maximum: BinaryOp<"maximum"> = dual(2, (a: Operand, b: Operand) => bind(maximumPrim, operands("maximum", a, b), undefined));

/** Registry entry. */
export const maximumDef: OpDef<void> = {
  name: "maximum",
  kind: "primitive",
  doc: "out = max(a, b)",
  spec: {
    sample: (g) => elementwiseCase(g, [domains.real, domains.real]),
    call: ([a, b]) => maximum(a as Tensor, b as Tensor),
    reference: (xs) => zipWith(xs, (a, b) => Math.max(a, b)),
  },
};
