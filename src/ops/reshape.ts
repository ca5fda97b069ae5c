/**
 * `reshape(x, shape)`: the same elements in a new shape (one dim may be `-1`, solved from the
 * size). Sizes are checked exactly at compile time when known: `[28, 28] → [780]` is an error.
 *
 * Forward: no copy (tensors are immutable, the storage is shared). Pullback: `ct` reshaped back.
 *
 * @module
 */
import { bind } from "../autodiff/core.js";
import { type Check, type Dim, type Ok, type Shape, ShapeError, showShape } from "../shape/dims.js";
import { type Reshape, reshape as reshapeRule } from "../shape/reshape.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, one, sampleShape, tensorFirst } from "./define.js";
import { reshapePrim } from "./reshapePrim.js";
import { domains, type OpDef } from "./spec.js";

export { reshapePrim };

/**
 * `x` with shape `shape`; one `-1` is solved from the size. A target may name a dim of `x` at
 * the same axis (`["m", 784] → ["m", 28, 28]`, checked as `784 = 28 × 28`); its size is read
 * from `x`. A mismatch is a compile error at `shape` naming both shapes.
 *
 * @example
 * import { reshape, zeros } from "typegrad"
 * reshape(zeros([2, 3, 4]), [6, -1]) // Tensor<[6, 4]>
 * @category operations
 */
export const reshape: {
  <S extends Shape, const T extends Dim[]>(x: Tensor<S>, shape: Check<Reshape<S, T>, readonly [...T]>): Tensor<Ok<Reshape<S, T>>>;
  <const T extends Dim[]>(shape: readonly [...T]): ReshapeTo<T>;
} = dual(tensorFirst, (x: Tensor, shape: readonly Dim[]) => {
  expectTensor("reshape", "x", x);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" && typeof d !== "string")) {
    throw new TypeError(`reshape: argument 'shape' must be an array of sizes (numbers, one may be -1) or names of x's dims, got ${JSON.stringify(shape)}`);
  }
  return bind(reshapePrim, [x], resolveNames(x.shape, shape));
});

/**
 * `reshape(shape)`, the data-last form: `pipe(x, reshape([784]))`. A named type, so an error
 * through `pipe`/`flow` prints `ReshapeTo<[780]>`, not the rule's conditional type.
 *
 * @category model
 */
export type ReshapeTo<T extends Shape> = <S extends Shape>(x: Check<Reshape<S, T>, Tensor<S>>) => Tensor<Ok<Reshape<S, T>>>;

/** A target's named dims read from x's sizes: a name at axis `i` is `x.shape[i]` (the type rule checks x carries that name there). */
const resolveNames = (s: readonly number[], t: readonly Dim[]): number[] =>
  t.map((d, i) => {
    if (typeof d === "number") return d;
    const n = s[i];
    if (n === undefined) throw new ShapeError("reshape", `named target dim '${d}' is at axis ${i}, beyond the rank of ${showShape(s)}`);
    return n;
  });

/** Registry entry. */
export const reshapeDef: OpDef<readonly number[]> = {
  name: "reshape",
  kind: "primitive",
  doc: "same elements, new shape",
  shape: (ss, t) => reshapeRule(one(ss), t),
  forward: { kind: "alias" },
  pullback: reshapePrim.pullback,
  spec: {
    sample: (g) => {
      const shape = sampleShape(g, 0, 3);
      const n = shape.reduce((a, b) => a * b, 1);
      const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
      const d = divisors[g.int(0, divisors.length - 1)] as number;
      return { inputs: [{ shape, domain: domains.real }], params: g.bool() ? [d, -1] : [n / d, d] };
    },
    call: (xs, t) => bind(reshapePrim, [one(xs)], t),
    reference: (xs, t) => {
      const a = one(xs);
      const n = a.data.length;
      return { shape: t.map((d) => (d === -1 ? n / t.filter((e) => e !== -1).reduce((p, q) => p * q, 1) : d)), data: a.data };
    },
  },
};
