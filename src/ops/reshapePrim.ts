/**
 * The reshape primitive, apart from the public `reshape` op (in `reshape.ts`, with its docs, type
 * rule and law spec): the reductions and the autodiff core reshape through this, which imports
 * only the runtime rule, so their programs do not type-check the type-level size arithmetic.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { reshape as rule } from "../shape/reshapeSizes.js";
import type { Tensor } from "../tensor/tensor.js";
import { one } from "./define.js";

/** The primitive: params are the target sizes. Forward: no copy. Pullback: `ct` reshaped back. */
export const reshapePrim: Primitive<readonly number[]> = {
  name: "reshape",
  shape: ([s], t) => rule(s as readonly number[], t),
  forward: (xs) => one(xs),
  pullback: (ct, xs) => [bind(reshapePrim, [ct], one(xs).shape as readonly number[])],
};

/** `x` with sizes `t` (checked at run time only). @internal */
export const reshapeSizes = (x: Tensor, t: readonly number[]): Tensor => bind(reshapePrim, [x], t);
