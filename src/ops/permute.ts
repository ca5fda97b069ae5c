/**
 * `permute(x, axes)`: reorder axes; output axis i is input axis `axes[i]` (numpy's `transpose`
 * with axes).
 *
 * Forward: a copy in the new order. Pullback: `ct` permuted by the inverse permutation.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { type Permute, permute as rule } from "../shape/transpose.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, dual, expectTensor, one, sampleShape, tensorFirst } from "./define.js";
import { indices } from "./naive.js";
import { domains, exact, type OpDef } from "./spec.js";

/** The primitive: params are the axes, normalised to non-negative. */
export const permutePrim: Primitive<readonly number[]> = {
  name: "permute",
  shape: ([s], axes) => rule(s as readonly number[], axes),
  forward: (xs, ss, axes) => backendOf(xs).permute(one(xs), one(ss), axes),
  // output axis i is input axis axes[i], so input axis k comes back from output axis axes.indexOf(k)
  pullback: (ct, _x, _out, axes) => [
    bind(
      permutePrim,
      [ct],
      axes.map((_, k) => axes.indexOf(k)),
    ),
  ],
};

const permuteImpl = (x: Tensor, axes: readonly number[]): Tensor => {
  expectTensor("permute", "x", x);
  if (!Array.isArray(axes)) throw new TypeError(`permute: argument 'axes' must be an array of axes, got ${JSON.stringify(axes)}`);
  rule(x.shape as readonly number[], axes);
  return bind(
    permutePrim,
    [x],
    axes.map((a) => (a < 0 ? a + x.rank : a)),
  );
};

/**
 * `permute(axes)`, the data-last form: `pipe(x, permute([0, 2, 1]))`. A named type, so an error
 * through `pipe`/`flow` prints `PermuteBy<[0, 2, 1]>`, not the rule's conditional type.
 *
 * @category model
 */
export type PermuteBy<Ax extends number[]> = <const S extends Shape>(x: Check<Permute<S, Ax>, Tensor<S>>) => Tensor<Ok<Permute<S, Ax>>>;

/**
 * `x` with its axes reordered.
 *
 * @example
 * import { permute, zeros } from "typegrad"
 * permute(zeros([2, 3, 4]), [2, 0, 1]) // Tensor<[4, 2, 3]>
 * @category operations
 */
export const permute: {
  <const Ax extends number[]>(axes: readonly [...Ax]): PermuteBy<Ax>;
  <const S extends Shape, const Ax extends number[]>(x: Tensor<S>, axes: Check<Permute<S, Ax>, readonly [...Ax]>): Tensor<Ok<Permute<S, Ax>>>;
} = dual(tensorFirst, permuteImpl);

/** Registry entry. */
export const permuteDef: OpDef<readonly number[]> = {
  name: "permute",
  kind: "primitive",
  doc: "axis permutation",
  shape: (ss, axes) => rule(one(ss), axes),
  forward: { kind: "backend", method: "permute" },
  pullback: permutePrim.pullback,
  spec: {
    // a copy: bit for bit
    error: { ulps: exact },
    sample: (g) => {
      const shape = sampleShape(g, 1, 4);
      const axes = shape.map((_, i) => i);
      for (let i = axes.length - 1; i > 0; i--) {
        const j = g.int(0, i);
        [axes[i], axes[j]] = [axes[j] as number, axes[i] as number];
      }
      return { inputs: [{ shape, domain: domains.real }], params: axes };
    },
    call: (xs, axes) => permuteImpl(one(xs), axes),
    reference: (xs, axes) => {
      const a = one(xs);
      const shape = axes.map((ax) => a.shape[ax] as number);
      const strides = a.shape.map((_, k) => a.shape.slice(k + 1).reduce((p, q) => p * q, 1));
      return { shape, data: indices(shape).map((ix) => a.data[ix.reduce((off, v, i) => off + v * (strides[axes[i] as number] as number), 0)] as number) };
    },
  },
};
