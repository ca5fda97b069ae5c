/**
 * `flatten(x, startAxis = 0)`: merge axes `startAxis..` into one (all of them by default). A
 * composite: a `reshape`.
 *
 * @module
 */
import type { Check, Ok, Shape } from "../shape/dims.js";
import { type Flatten, flatten as rule } from "../shape/reshape.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, one, sampleShape, tensorFirst } from "./define.js";
import { reshape } from "./reshape.js";
import { domains, type OpDef } from "./spec.js";

const flattenImpl = (x: Tensor, startAxis = 0): Tensor => reshape(expectTensor("flatten", "x", x), rule(x.shape as readonly number[], startAxis));

/**
 * `flatten(startAxis)`, the data-last form: `pipe(x, flatten(1))`. A named type, so an error
 * through `pipe`/`flow` prints `FlattenFrom<3>`, not the rule's conditional type.
 *
 * @category model
 */
export type FlattenFrom<Ax extends number> = <const S extends Shape>(x: Check<Flatten<S, Ax>, Tensor<S>>) => Tensor<Ok<Flatten<S, Ax>>>;

/**
 * `x` with axes `startAxis..` merged.
 *
 * @example
 * import { flatten, zeros } from "typegrad"
 * flatten(zeros([2, 3, 4])) // Tensor<[24]>
 * flatten(zeros([60, 28, 28]), 1) // Tensor<[60, 784]>
 * @category operations
 */
export const flatten: {
  <const Ax extends number>(startAxis: Ax): FlattenFrom<Ax>;
  <const S extends Shape, const Ax extends number>(x: Tensor<S>, startAxis: Check<Flatten<S, Ax>, Ax>): Tensor<Ok<Flatten<S, Ax>>>;
  /** Last, so that point-free use (`pipe(x, flatten)`) sees this signature. */
  <const S extends Shape>(x: Tensor<S>): Tensor<Ok<Flatten<S>>>;
} = dual(tensorFirst, flattenImpl);

/** Registry entry. */
export const flattenDef: OpDef<number> = {
  name: "flatten",
  kind: "composite",
  doc: "merge trailing axes",
  shape: (ss, start) => rule(one(ss), start),
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => {
      const shape = sampleShape(g, 1, 4);
      return { inputs: [{ shape, domain: domains.real }], params: g.int(0, shape.length - 1) };
    },
    call: (xs, start) => flattenImpl(one(xs), start),
    reference: (xs, start) => {
      const a = one(xs);
      return { shape: [...a.shape.slice(0, start), a.shape.slice(start).reduce((p, q) => p * q, 1)], data: a.data };
    },
  },
};
