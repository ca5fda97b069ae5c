/**
 * `argmax(x, axis)`: the index of the largest element along `axis` (the first one on ties), as a
 * float tensor of the input's dtype. Not differentiable.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { normAxis } from "../shape/dims.js";
import { type Reduce, reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, dual, expectTensor, one, sampleShape, tensorFirst } from "./define.js";
import { axisOf, foldAxis } from "./naive.js";
import { domains, exact, type OpDef } from "./spec.js";
import type { AxisParams, ReduceBy } from "./sum.js";

/** The primitive. */
export const argmaxPrim: Primitive<AxisParams> = {
  name: "argmax",
  shape: ([s], { axis }) => reduce(s as readonly number[], axis, false, "argmax"),
  forward: (xs, ss, { axis }) => backendOf(xs).argmax(one(xs), one(ss), axis),
  pullback: "nondiff",
};

const argmaxImpl = (x: Tensor, axis: number): Tensor => {
  expectTensor("argmax", "x", x);
  if (typeof axis !== "number") throw new TypeError(`argmax: argument 'axis' must be a number, got ${JSON.stringify(axis)}`);
  return bind(argmaxPrim, [x], { axis: normAxis("argmax", axis, x.rank, x.shape as readonly number[]) });
};

/**
 * Indices of the maxima along `axis` (the axis is removed).
 *
 * @example
 * import { argmax, tensor, toArray } from "typegrad"
 * toArray(argmax(tensor([[1, 5], [7, 2]]), 1)) // [1, 0]
 * @category operations
 */
export const argmax: {
  /** Data-last, `pipe(x, argmax(1))`: a named type, so an error through `pipe`/`flow` prints `ReduceBy<2, false, "argmax">`. */
  <const Ax extends number>(axis: Ax): ReduceBy<Ax, false, "argmax">;
  <const S extends Shape, const Ax extends number>(x: Tensor<S>, axis: Check<Reduce<S, Ax, false, "argmax">, Ax>): Tensor<Ok<Reduce<S, Ax>>>;
} = dual(tensorFirst, argmaxImpl);

/** Registry entry. */
export const argmaxDef: OpDef<number> = {
  name: "argmax",
  kind: "primitive",
  doc: "index of the maximum",
  shape: (ss, axis) => argmaxPrim.shape(ss, { axis }),
  forward: { kind: "backend", method: "argmax" },
  pullback: argmaxPrim.pullback,
  spec: {
    // an index
    error: { ulps: exact },
    sample: (g) => {
      const shape = sampleShape(g, 1, 3);
      return { inputs: [{ shape, domain: domains.real }], params: g.int(-shape.length, shape.length - 1) };
    },
    call: (xs, axis) => argmaxImpl(one(xs), axis),
    reference: (xs, axis) => {
      const a = one(xs);
      // set by the first element of every line (i === 0)
      let best = 0;
      return foldAxis(
        a,
        axisOf(axis, a.shape.length),
        (m, v, i) => {
          if (i === 0 || v > best) {
            best = v;
            return i;
          }
          return m;
        },
        0,
      );
    },
    nondiff: true,
  },
};
