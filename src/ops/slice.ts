/**
 * `slice(x, axis, start, end?)`: elements `start..end` (end exclusive, default the whole rest)
 * along one axis. Negative bounds count from the end at run time, as in Python.
 *
 * Forward: a copy of the range. Pullback: `ct` zero-padded back to `x`'s size along `axis`.
 * Slice and pad are each other's pullbacks, so both primitives are defined here (`pad.ts` holds
 * the public `pad`).
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { Check, Ok, Shape } from "../shape/dims.js";
import { pad as padRule, slice as rule, type Slice, type SliceAxis } from "../shape/slice.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, dimOf, dual, expectTensor, one, sampleShape, tensorFirst } from "./define.js";
import { at, axisOf, indices } from "./naive.js";
import { domains, exact, type OpDef } from "./spec.js";

/** Resolved slice parameters. */
export interface SliceParams {
  readonly axis: number;
  readonly start: number;
  readonly end: number;
}

/** The primitive (bounds already resolved and checked). */
export const slicePrim: Primitive<SliceParams> = {
  name: "slice",
  shape: ([s], { axis, start, end }) => rule(s as readonly number[], axis, start, end).shape,
  forward: (xs, ss, { axis, start, end }) => backendOf(xs).slice(one(xs), one(ss), axis, start, end),
  pullback: (ct, xs, _out, { axis, start, end }) => [bind(padPrim, [ct], { axis, before: start, after: dimOf(one(xs), axis) - end })],
};

/** Resolved padding parameters. */
export interface PadParams {
  readonly axis: number;
  readonly before: number;
  readonly after: number;
}

/** The pad primitive: zeros around `x` along `axis`; its pullback is a slice. */
export const padPrim: Primitive<PadParams> = {
  name: "pad",
  shape: ([s], { axis, before, after }) => padRule(s as readonly number[], axis, before, after),
  forward: (xs, ss, { axis, before, after }) => backendOf(xs).pad(one(xs), one(ss), axis, before, after),
  pullback: (ct, xs, _out, { axis, before }) => [bind(slicePrim, [ct], { axis, start: before, end: before + dimOf(one(xs), axis) })],
};

const sliceImpl = (x: Tensor, axis: number, start: number, end?: number): Tensor => {
  expectTensor("slice", "x", x);
  for (const [k, v] of [
    ["axis", axis],
    ["start", start],
  ] as const) {
    if (typeof v !== "number") throw new TypeError(`slice: argument '${k}' must be a number, got ${JSON.stringify(v)}`);
  }
  const r = rule(x.shape as readonly number[], axis, start, end);
  return bind(slicePrim, [x], { axis: axisOf(axis, x.rank), start: r.start, end: r.end });
};

/**
 * Elements `start..end` of `x` along `axis`. Known out-of-range bounds are a compile error.
 *
 * @example
 * import { slice, zeros } from "typegrad"
 * slice(zeros([10, 4]), 0, 2, 5) // Tensor<[3, 4]>
 * @category operations
 */
export const slice: {
  <const Ax extends number, const St extends number, const En extends number | undefined = undefined>(axis: Ax, start: St, end?: En): SliceBy<Ax, St, En>;
  /** With `end`: a bad axis is reported at `axis`, a bad range at `end`. */
  <const S extends Shape, const Ax extends number, const St extends number, const En extends number>(
    x: Tensor<S>,
    axis: Check<SliceAxis<S, Ax>, Ax>,
    start: St,
    end: Check<Slice<S, Ax, St, En>, En>,
  ): Tensor<Ok<Slice<S, Ax, St, En>>>;
  /** Without `end` (to the end of the axis): a bad axis at `axis`, a bad start at `start`. */
  <const S extends Shape, const Ax extends number, const St extends number>(x: Tensor<S>, axis: Check<SliceAxis<S, Ax>, Ax>, start: Check<Slice<S, Ax, St>, St>): Tensor<Ok<Slice<S, Ax, St>>>;
} = dual(tensorFirst, sliceImpl);

/**
 * `slice(axis, start, end?)`, the data-last form: `pipe(x, slice(0, 2, 5))`. A named type, so an
 * error through `pipe`/`flow` prints `SliceBy<0, 2, 50>`, not the rule's conditional type.
 *
 * @category model
 */
export type SliceBy<Ax extends number, St extends number, En extends number | undefined> = <const S extends Shape>(x: Check<Slice<S, Ax, St, En>, Tensor<S>>) => Tensor<Ok<Slice<S, Ax, St, En>>>;

/** Registry entry. */
export const sliceDef: OpDef<SliceParams> = {
  name: "slice",
  kind: "primitive",
  doc: "x[start:end] along an axis",
  shape: (ss, p) => rule(one(ss), p.axis, p.start, p.end).shape,
  forward: { kind: "backend", method: "slice" },
  pullback: slicePrim.pullback,
  spec: {
    // a copy: bit for bit
    error: { ulps: exact },
    sample: (g) => {
      const shape = sampleShape(g, 1, 3);
      const axis = g.int(0, shape.length - 1);
      const d = shape[axis] as number;
      const start = g.int(0, d);
      return { inputs: [{ shape, domain: domains.real }], params: { axis, start, end: g.int(start, d) } };
    },
    call: (xs, { axis, start, end }) => sliceImpl(one(xs), axis, start, end),
    reference: (xs, { axis, start, end }) => {
      const a = one(xs);
      const shape = a.shape.map((d, i) => (i === axis ? end - start : d));
      return {
        shape,
        data: indices(shape).map((ix) =>
          at(
            a,
            ix.map((v, i) => (i === axis ? v + start : v)),
          ),
        ),
      };
    },
  },
};
