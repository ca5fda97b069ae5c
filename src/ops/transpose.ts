/**
 * `transpose(x)`: the transpose of a matrix (`[M, N] → [N, M]`). A composite:
 * `permute(x, [1, 0])`. For other ranks use `permute`.
 *
 * @example
 * import { transpose, zeros } from "typegrad"
 * transpose(zeros([4, 3])) // Tensor<[3, 4]>
 *
 * @module
 */
import type { Check, Dim, Ok, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import type { Transpose } from "../shape/transpose.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor } from "./define.js";
import { indices } from "./naive.js";
import { permute } from "./permute.js";
import { domains, type OpDef } from "./spec.js";

/**
 * The matrix transpose `xᵀ`. A tensor that is not 2-D is a compile error naming its shape.
 *
 * @example
 * const dA_prev = matmul(transpose(W), dZ) // Wᵀ·dZ
 * @category operations
 */
export const transpose: {
  <M extends Dim, N extends Dim>(x: Tensor<[M, N]>): Tensor<[N, M]>;
  <const S extends Shape>(x: Check<Transpose<S>, Tensor<S>>): Tensor<Ok<Transpose<S>>>;
} = (x: Tensor): never => {
  expectTensor("transpose", "x", x);
  if (x.rank !== 2) throw new ShapeError("transpose", `expects a 2-D tensor, got ${showShape(x.shape as readonly number[])} (use permute for other ranks)`);
  return permute(x, [1, 0]) as never;
};

/** Registry entry. */
export const transposeDef: OpDef<void> = {
  name: "transpose",
  kind: "composite",
  doc: "xᵀ",
  spec: {
    sample: (g) => ({ inputs: [{ shape: [g.int(1, 4), g.int(1, 4)], domain: domains.real }], params: undefined }),
    call: ([x]) => transpose(x as Tensor<[number, number]>),
    reference: ([x]) => {
      const a = x as NonNullable<typeof x>;
      const [m, n] = a.shape as [number, number];
      return { shape: [n, m], data: indices([n, m]).map(([j, i]) => a.data[(i as number) * n + (j as number)] as number) };
    },
  },
};
