/**
 * `broadcastTo(x, shape)`: materialise `x` broadcast to `shape` (numpy rules).
 *
 * Pullback: `ct` as it is; the autodiff core sums it back down to `x`'s shape (broadcasting is
 * undone once, centrally, for every op).
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { type BroadcastTo, broadcastTo as rule } from "../shape/broadcast.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, dual, expectTensor, one, sampleBroadcast, tensorFirst } from "./define.js";
import { at, indices } from "./naive.js";
import { domains, type OpDef } from "./spec.js";

/** The primitive: params are the target sizes. */
export const broadcastToPrim: Primitive<readonly number[]> = {
  name: "broadcastTo",
  shape: ([s], t) => rule(s as readonly number[], t),
  forward: (xs, ss, _t, out) => backendOf(xs).broadcastTo(one(xs), one(ss), out),
  pullback: (ct) => [ct],
};

/**
 * `broadcastTo(shape)`, the data-last form: `pipe(x, broadcastTo([4, 3]))`. A named type, so an
 * error through `pipe`/`flow` prints `BroadcastToShape<[4, 3]>`, not the rule's conditional type.
 *
 * @category model
 */
export type BroadcastToShape<T extends number[]> = <S extends Shape>(x: Check<BroadcastTo<S, T>, Tensor<S>>) => Tensor<Ok<BroadcastTo<S, T>>>;

/**
 * `x` broadcast to `shape`.
 *
 * @example
 * import { broadcastTo, tensor } from "typegrad"
 * broadcastTo(tensor([[1], [2]]), [2, 3]) // Tensor<[2, 3]>
 * @category operations
 */
export const broadcastTo: {
  <S extends Shape, const T extends number[]>(x: Tensor<S>, shape: Check<BroadcastTo<S, T>, readonly [...T]>): Tensor<Ok<BroadcastTo<S, T>>>;
  <const T extends number[]>(shape: readonly [...T]): BroadcastToShape<T>;
} = dual(tensorFirst, (x: Tensor, shape: readonly number[]) => bind(broadcastToPrim, [expectTensor("broadcastTo", "x", x)], shape));

/** Registry entry. */
export const broadcastToDef: OpDef<readonly number[]> = {
  name: "broadcastTo",
  kind: "primitive",
  doc: "materialised broadcast",
  shape: (ss, t) => rule(one(ss), t),
  forward: { kind: "backend", method: "broadcastTo" },
  pullback: broadcastToPrim.pullback,
  spec: {
    sample: (g) => {
      const [s, t] = sampleBroadcast(g, 2) as [number[], number[]];
      const out = t.length >= s.length ? t.map((d, i) => Math.max(d, s[i - (t.length - s.length)] ?? 1)) : s;
      return { inputs: [{ shape: s, domain: domains.real }], params: out };
    },
    call: (xs, t) => bind(broadcastToPrim, [one(xs)], t),
    reference: (xs, t) => ({ shape: t, data: indices(t).map((ix) => at(one(xs), ix)) }),
  },
};
