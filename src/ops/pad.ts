/**
 * `pad(x, axis, before, after)`: `before` zeros, then `x`, then `after` zeros, along one axis.
 *
 * Forward: a zero-filled copy. Pullback: `ct` sliced back to `x`'s range. The primitive lives
 * in `slice.ts`: slice and pad are each other's pullbacks, so they are defined as a pair.
 *
 * @module
 */

import { bind } from "../autodiff/core.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { type Pad, pad as rule } from "../shape/slice.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, one, sampleShape, tensorFirst } from "./define.js";
import { axisOf, indices } from "./naive.js";
import { type PadParams, padPrim } from "./slice.js";
import { domains, exact, type OpDef } from "./spec.js";

const padImpl = (x: Tensor, axis: number, before: number, after: number): Tensor => {
  expectTensor("pad", "x", x);
  rule(x.shape as readonly number[], axis, before, after);
  return bind(padPrim, [x], { axis: axisOf(axis, x.rank), before, after });
};

/**
 * `x` zero-padded along `axis`.
 *
 * @example
 * import { pad, tensor, toArray } from "typegrad"
 * toArray(pad(tensor([1, 2]), 0, 1, 2)) // [0, 1, 2, 0, 0]
 * @category operations
 */
export const pad: {
  <const Ax extends number, const B extends number, const A extends number>(axis: Ax, before: B, after: A): PadBy<Ax, B, A>;
  <const S extends Shape, const Ax extends number, const B extends number, const A extends number>(x: Tensor<S>, axis: Check<Pad<S, Ax, B, A>, Ax>, before: B, after: A): Tensor<Ok<Pad<S, Ax, B, A>>>;
} = dual(tensorFirst, padImpl);

/**
 * `pad(axis, before, after)`, the data-last form: `pipe(x, pad(0, 1, 2))`. A named type, so an
 * error through `pipe`/`flow` prints `PadBy<3, 1, 1>`, not the rule's conditional type.
 *
 * @category model
 */
export type PadBy<Ax extends number, B extends number, A extends number> = <const S extends Shape>(x: Check<Pad<S, Ax, B, A>, Tensor<S>>) => Tensor<Ok<Pad<S, Ax, B, A>>>;

/** Registry entry. */
export const padDef: OpDef<PadParams> = {
  name: "pad",
  kind: "primitive",
  doc: "zero padding along an axis",
  shape: (ss, p) => rule(one(ss), p.axis, p.before, p.after),
  forward: { kind: "backend", method: "pad" },
  pullback: padPrim.pullback,
  spec: {
    // a copy: bit for bit
    error: { ulps: exact },
    sample: (g) => {
      const shape = sampleShape(g, 1, 3);
      return { inputs: [{ shape, domain: domains.real }], params: { axis: g.int(0, shape.length - 1), before: g.int(0, 2), after: g.int(0, 2) } };
    },
    call: (xs, { axis, before, after }) => padImpl(one(xs), axis, before, after),
    reference: (xs, { axis, before, after }) => {
      const a = one(xs);
      const n = a.shape[axis] as number;
      const shape = a.shape.map((d, i) => (i === axis ? d + before + after : d));
      const strides = a.shape.map((_, k) => a.shape.slice(k + 1).reduce((p, q) => p * q, 1));
      return {
        shape,
        data: indices(shape).map((ix) => {
          const v = (ix[axis] as number) - before;
          if (v < 0 || v >= n) return 0;
          return a.data[ix.reduce((off, w, i) => off + (i === axis ? v : w) * (strides[i] as number), 0)] as number;
        }),
      };
    },
  },
};
