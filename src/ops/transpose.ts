/**
 * `transpose(x)`: the transpose of a matrix (`[M, N] → [N, M]`). A composite:
 * `permute(x, [1, 0])`. For other ranks use `permute`.
 *
 * @module
 */
import type { Check, Ok, Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { transpose as rule, type Transpose } from "../shape/transpose.js";
import { describeValue } from "../tensor/describe.js";
import type { Tensor } from "../tensor/tensor.js";
import { expectTensor, one } from "./define.js";
import { indices } from "./naive.js";
import { permute } from "./permute.js";
import { domains, exact, type OpDef } from "./spec.js";

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
export const transpose = ((x: Tensor, a1?: unknown, a2?: unknown): Tensor => transposeImpl(x, a1, a2)) as <const S extends Shape>(x: Check<Transpose<S>, Tensor<S>>) => Tensor<Ok<Transpose<S>>>;

/**
 * A second argument, from JavaScript: NumPy's `transpose(x, axes)` or PyTorch's `transpose(x, 0, 1)`
 * would be ignored, so it is refused; what `Array.prototype.map` hands a callback (a number, then
 * the array) is not axes.
 */
const noAxes = (a1: unknown, a2: unknown): void => {
  if (a1 === undefined || (typeof a1 === "number" && (a2 === undefined || Array.isArray(a2)))) return;
  const what = "transpose: takes one argument, the 2-D tensor x;";
  if (typeof a1 === "number" && typeof a2 === "number") throw new TypeError(`${what} got the axes ${a1}, ${a2} (for axes, use permute)`);
  const shown = Array.isArray(a1) && a1.length <= 32 && a1.every((v) => typeof v === "number") ? `[${a1.join(", ")}]` : undefined;
  throw new TypeError(`${what} got a second argument, ${shown ?? describeValue(a1)} (for axes, use permute${shown === undefined ? "" : `(x, ${shown})`})`);
};

const transposeImpl = (x: Tensor, a1?: unknown, a2?: unknown): Tensor => {
  noAxes(a1, a2);
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
