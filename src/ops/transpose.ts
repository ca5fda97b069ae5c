/**
 * `transpose(x)`: the transpose of a matrix (`[M, N] → [N, M]`). A composite:
 * `permute(x, [1, 0])`. For other ranks use `permute`.
 *
 * @module
 */
import type { Check, Ok, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { transpose as rule, type Transpose } from "../shape/transpose.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one } from "./define.js";
import { indices } from "./naive.js";
import { permute } from "./permute.js";
import { domains, type OpDef } from "./spec.js";

/**
 * The matrix transpose `xᵀ`. One generic signature whose parameter is checked by the rule, so it
 * works in generic code (`Tensor<[A, B]>` gives `Tensor<[B, A]>`) and point-free in `pipe`
 * (`pipe(X, transpose)`); a tensor that is not 2-D is a compile error at `x` naming the op
 * (`transpose: expects a 2-D tensor, got [2, 3, 4] (use permute for other ranks)`), and a
 * `ShapeError` at run time.
 *
 * @example
 * import { transpose, zeros } from "typegrad"
 * transpose(zeros([4, 3])) // Tensor<[3, 4]>
 * @category operations
 */
export const transpose = <const S extends Shape>(x: Check<Transpose<S>, Tensor<S>>): Tensor<Ok<Transpose<S>>> => transposeImpl(x as Tensor) as never;

const transposeImpl = (x: Tensor): Tensor => {
  expectTensor("transpose", "x", x);
  if (x.rank !== 2) throw new ShapeError("transpose", `expects a 2-D tensor, got ${showShape(x.shape as readonly number[])} (use permute for other ranks)`);
  return permute(x, [1, 0]);
};

/** Registry entry. */
export const transposeDef: OpDef<void> = {
  name: "transpose",
  kind: "composite",
  doc: "xᵀ",
  shape: (ss) => rule(one(ss)),
  forward: { kind: "composite" },
  pullback: "composite",
  spec: {
    sample: (g) => ({ inputs: [{ shape: [g.int(1, 4), g.int(1, 4)], domain: domains.real }], params: undefined }),
    call: (xs) => transposeImpl(one(xs)),
    reference: (xs) => {
      const a = one(xs);
      const [m, n] = a.shape as [number, number];
      return { shape: [n, m], data: indices([n, m]).map(([j, i]) => a.data[(i as number) * n + (j as number)] as number) };
    },
  },
};
