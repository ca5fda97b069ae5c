/**
 * `concat([a, b, ...], axis = 0)`: join tensors along an axis; every other dim must agree.
 *
 * Forward: a copy of the inputs side by side. Pullback: `ct` sliced back into each input's range.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { type Concat, concat as rule } from "../shape/concat.js";
import type { Check, Ok } from "../shape/dims.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { backendOf, describe, dual, one, promote, sampleShape } from "./define.js";
import { at, axisOf, indices } from "./naive.js";
import { slicePrim } from "./slice.js";
import { domains, exact, type OpDef } from "./spec.js";

/** The shapes of a tuple of tensors. @category model */
export type ShapesOf<Ts extends readonly Tensor[]> = { -readonly [K in keyof Ts]: Ts[K] extends Tensor<infer S> ? S : never };

/** The primitive: params are the (non-negative) axis. */
export const concatPrim: Primitive<number> = {
  name: "concat",
  shape: (shapes, axis) => rule(shapes, axis),
  forward: (xs, shapes, axis) => backendOf(xs).concat(xs, shapes, axis),
  pullback: (ct, xs, _out, axis, wants) => {
    let at0 = 0;
    return xs.map((x, i) => {
      const n = (x.shape as readonly number[])[axis] as number;
      const start = at0;
      at0 += n;
      return wants[i] ? bind(slicePrim, [ct], { axis, start, end: start + n }) : undefined;
    });
  },
};

const concatImpl = (xs: readonly Tensor[], axis = 0): Tensor => {
  if (!Array.isArray(xs)) throw new TypeError(`concat: argument 'xs' must be an array of tensors, got ${describe(xs)}`);
  xs.forEach((x, i) => {
    if (!isTensor(x)) throw new TypeError(`concat: element ${i} of argument 'xs' must be a Tensor, got ${describe(x)}`);
  });
  const shapes = xs.map((x) => x.shape as readonly number[]);
  rule(shapes, axis);
  const wider = xs.find((y) => y.dtype === "float64");
  const wide = wider === undefined ? xs : xs.map((x) => promote(x, wider)[0]);
  return bind(concatPrim, wide, axisOf(axis, (shapes[0] as readonly number[]).length));
};

/**
 * The tensors joined along `axis`. Mismatched dims off the axis are a compile error at `xs`.
 *
 * @example
 * import { concat, zeros } from "typegrad"
 * concat([zeros([2, 3]), zeros([5, 3])], 0) // Tensor<[7, 3]>
 * @category operations
 */
export const concat: {
  <const Ax extends number = 0>(axis?: Ax): ConcatAlong<Ax>;
  <const Ts extends readonly Tensor[], const Ax extends number = 0>(xs: Check<Concat<ShapesOf<Ts>, Ax>, Ts>, axis?: Ax): Tensor<Ok<Concat<ShapesOf<Ts>, Ax>>>;
} = dual((args: IArguments) => Array.isArray(args[0]), concatImpl);

/**
 * `concat(axis)`, the data-last form: `pipe([a, b], concat(1))`. A named type, so an error
 * through `pipe`/`flow` prints `ConcatAlong<1>`, not the rule's conditional type.
 *
 * @category model
 */
export type ConcatAlong<Ax extends number> = <const Ts extends readonly Tensor[]>(xs: Check<Concat<ShapesOf<Ts>, Ax>, Ts>) => Tensor<Ok<Concat<ShapesOf<Ts>, Ax>>>;

/** Registry entry. */
export const concatDef: OpDef<number> = {
  name: "concat",
  kind: "primitive",
  doc: "join along an axis",
  shape: (ss, axis) => rule(ss, axis),
  forward: { kind: "backend", method: "concat" },
  pullback: concatPrim.pullback,
  spec: {
    // a copy: bit for bit
    error: { ulps: exact },
    sample: (g) => {
      const shape = sampleShape(g, 1, 3);
      const axis = g.int(0, shape.length - 1);
      const n = g.int(1, 3);
      return { inputs: Array.from({ length: n }, () => ({ shape: shape.map((d, i) => (i === axis ? g.int(1, 3) : d)), domain: domains.real })), params: axis };
    },
    call: (xs, axis) => concatImpl(xs, axis),
    reference: (xs, axis) => {
      const first = one(xs);
      const shape = first.shape.map((d, i) => (i === axis ? xs.reduce((s, x) => s + (x.shape[axis] as number), 0) : d));
      return {
        shape,
        data: indices(shape).map((ix) => {
          let k = ix[axis] as number;
          for (const x of xs) {
            const n = x.shape[axis] as number;
            if (k < n)
              return at(
                x,
                ix.map((v, i) => (i === axis ? k : v)),
              );
            k -= n;
          }
          return Number.NaN;
        }),
      };
    },
  },
};
