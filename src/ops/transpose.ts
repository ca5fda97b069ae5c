/**
 * `transpose(x)`: the transpose of a matrix (`[M, N] → [N, M]`). A composite:
 * `permute(x, [1, 0])`. For other ranks use `permute`.
 *
 * @module
 */
import type { Dim } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { transpose as rule } from "../shape/transpose.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one } from "./define.js";
import { indices } from "./naive.js";
import { permute } from "./permute.js";
import { domains, exact, type OpDef } from "./spec.js";

/**
 * The matrix transpose `xᵀ`. One plain generic signature, so it works in generic code and
 * point-free in `pipe` (`pipe(X, transpose)`); a tensor that is not 2-D is a compile error
 * ("Source has 3 element(s) but target allows only 2"), and a `ShapeError` at run time.
 *
 * @example
 * import { transpose, zeros } from "typegrad"
 * transpose(zeros([4, 3])) // Tensor<[3, 4]>
 * @category operations
 */
export const transpose = <M extends Dim, N extends Dim>(x: Tensor<[M, N]>): Tensor<[N, M]> => transposeImpl(x) as never;

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
    // a copy: bit for bit
    error: { ulps: exact },
    sample: (g) => ({ inputs: [{ shape: [g.int(1, 4), g.int(1, 4)], domain: domains.real }], params: undefined }),
    call: (xs) => transposeImpl(one(xs)),
    reference: (xs) => {
      const a = one(xs);
      const [m, n] = a.shape as [number, number];
      return { shape: [n, m], data: indices([n, m]).map(([j, i]) => a.data[(i as number) * n + (j as number)] as number) };
    },
  },
};
