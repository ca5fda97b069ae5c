/**
 * Algebra laws, as boolean predicates over tensors (approximate where floats demand, at the
 * tolerance passed in). Each takes the implementation it checks as its last argument (default:
 * the library's ops), as fp-ts-laws takes the instance: a wrong implementation can be shown to
 * fail them.
 *
 * @module
 */

import { add } from "../src/ops/add.js";
import { logSumExp } from "../src/ops/logSumExp.js";
import { matmul } from "../src/ops/matmul.js";
import { mul } from "../src/ops/mul.js";
import { softmax } from "../src/ops/softmax.js";
import { sum } from "../src/ops/sum.js";
import { transpose } from "../src/ops/transpose.js";
import { broadcast } from "../src/shape/broadcast.js";
import { fromArray, toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { close, sameShape, tensorClose } from "./approx.js";
import { linesAlong } from "./domains.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The ops the algebra laws are about, with plain runtime signatures.
 *
 * @category model
 * @since 0.1.0
 */
export interface AlgebraOps {
  readonly transpose: (a: Tensor) => Tensor;
  readonly matmul: (a: Tensor, b: Tensor) => Tensor;
  readonly add: (a: Tensor, b: Tensor) => Tensor;
  readonly scale: (a: Tensor, s: number) => Tensor;
  readonly sum: (a: Tensor, axis?: number) => Tensor;
  readonly softmax: (z: Tensor, axis: number) => Tensor;
  readonly logSumExp: (z: Tensor, axis: number) => Tensor;
}

/**
 * The library's ops.
 *
 * @example
 * import { tensor, toArray } from "typegrad"
 * import { libraryOps } from "typegrad/laws"
 * toArray(libraryOps.transpose(tensor([[1, 2]]))) // [[1], [2]]
 * @category instances
 * @since 0.1.0
 */
export const libraryOps: AlgebraOps = {
  transpose: (a) => transpose(a as never),
  matmul: (a, b) => matmul(a as never, b as never),
  add: (a, b) => add(a as never, b as never),
  scale: (a, s) => mul(a, s),
  sum: (a, axis) => (axis === undefined ? sum(a) : sum(a as never, axis as never)),
  softmax: (z, axis) => softmax(z as never, axis as never),
  logSumExp: (z, axis) => logSumExp(z as never, axis as never),
};

// -------------------------------------------------------------------------------------
// helpers (plain arrays, independent of the ops under test)
// -------------------------------------------------------------------------------------

/**
 * `x` tiled explicitly to `shape` (numpy broadcasting, written out with index arithmetic).
 *
 * @example
 * import { tensor, toArray } from "typegrad"
 * import { tile } from "typegrad/laws"
 * toArray(tile(tensor([[1], [2]]), [2, 3])) // [[1, 1, 1], [2, 2, 2]]
 * @category helpers
 * @since 0.1.0
 */
export const tile = (x: Tensor, shape: readonly number[]): Tensor => {
  const xs = x.shape as readonly number[];
  const data = toFlat(x);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  const off = shape.length - xs.length;
  for (let i = 0; i < n; i++) {
    let rest = i;
    let src = 0;
    let stride = 1;
    for (let k = shape.length - 1; k >= 0; k--) {
      const d = shape[k] as number;
      const ix = rest % d;
      rest = Math.floor(rest / d);
      const xk = k - off;
      if (xk >= 0) {
        const xd = xs[xk] as number;
        src += (xd === 1 ? 0 : ix) * stride;
        stride *= xd;
      }
    }
    out[i] = data[src] as number;
  }
  return fromArray(shape, out, { dtype: x.dtype }) as Tensor;
};

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

/**
 * `(Aᵀ)ᵀ = A`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { transposeInvolution } from "typegrad/laws"
 * transposeInvolution(tensor([[1, 2, 3], [4, 5, 6]]), 1e-7) // true
 * @category laws
 * @since 0.1.0
 */
export const transposeInvolution = (A: Tensor, tol: number, ops: AlgebraOps = libraryOps): boolean => tensorClose(ops.transpose(ops.transpose(A)), A, tol);

/**
 * `(AB)ᵀ = BᵀAᵀ`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { matmulTranspose } from "typegrad/laws"
 * matmulTranspose(tensor([[1, 2], [3, 4]]), tensor([[0, 1], [1, 0]]), 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const matmulTranspose = (A: Tensor, B: Tensor, tol: number, ops: AlgebraOps = libraryOps): boolean =>
  tensorClose(ops.transpose(ops.matmul(A, B)), ops.matmul(ops.transpose(B), ops.transpose(A)), tol);

/**
 * `(AB)C = A(BC)`.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { matmulAssociative } from "typegrad/laws"
 * const A = tensor([[1, 2]])
 * const B = tensor([[1, 0], [0, 2]])
 * const C = tensor([[3], [4]])
 * matmulAssociative(A, B, C, 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const matmulAssociative = (A: Tensor, B: Tensor, C: Tensor, tol: number, ops: AlgebraOps = libraryOps): boolean =>
  tensorClose(ops.matmul(ops.matmul(A, B), C), ops.matmul(A, ops.matmul(B, C)), tol);

/**
 * Broadcasting `a + b` equals adding the explicitly tiled tensors.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { broadcastAddIsTiledAdd } from "typegrad/laws"
 * broadcastAddIsTiledAdd(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[10], [20]]), 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const broadcastAddIsTiledAdd = (a: Tensor, b: Tensor, tol: number, ops: AlgebraOps = libraryOps): boolean => {
  const shape = broadcast(a.shape as readonly number[], b.shape as readonly number[]);
  return tensorClose(ops.add(a, b), ops.add(tile(a, shape), tile(b, shape)), tol);
};

/**
 * `Σ(αx + βy) = αΣx + βΣy` along `axis` (or over everything).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { sumLinear } from "typegrad/laws"
 * sumLinear(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]), 2, -1, 0, 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const sumLinear = (x: Tensor, y: Tensor, alpha: number, beta: number, axis: number | undefined, tol: number, ops: AlgebraOps = libraryOps): boolean =>
  tensorClose(ops.sum(ops.add(ops.scale(x, alpha), ops.scale(y, beta)), axis), ops.add(ops.scale(ops.sum(x, axis), alpha), ops.scale(ops.sum(y, axis), beta)), tol);

/**
 * Every line of `softmax(z, axis)` along `axis` is positive and sums to 1.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { softmaxSumsToOne } from "typegrad/laws"
 * softmaxSumsToOne(tensor([[1, 2], [3, -4]]), 0, 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const softmaxSumsToOne = (z: Tensor, axis: number, tol: number, ops: AlgebraOps = libraryOps): boolean => {
  const s = ops.softmax(z, axis);
  const data = toFlat(s);
  return (
    sameShape(s.shape as readonly number[], z.shape as readonly number[]) &&
    linesAlong(z.shape as readonly number[], axis).every(
      (line) =>
        line.every((i) => (data[i] as number) >= 0) &&
        close(
          line.reduce((t, i) => t + (data[i] as number), 0),
          1,
          tol,
        ),
    )
  );
};

/**
 * `softmax(z + c) = softmax(z)` for `c` constant along `axis` (one constant per line).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { softmaxShiftInvariant } from "typegrad/laws"
 * // one constant per column (softmax along axis 0)
 * softmaxShiftInvariant(tensor([[1, 2], [3, 4]]), tensor([[100, -7]]), 0, 1e-5) // true
 * @category laws
 * @since 0.1.0
 */
export const softmaxShiftInvariant = (z: Tensor, c: Tensor, axis: number, tol: number, ops: AlgebraOps = libraryOps): boolean =>
  tensorClose(ops.softmax(ops.add(z, c), axis), ops.softmax(z, axis), tol);

/**
 * `logSumExp(z)` along `axis` is finite and equals `m + log Σ exp(z - m)` (m the line's max),
 * even where `exp(z)` overflows or underflows: inputs in the hundreds.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { logSumExpStable } from "typegrad/laws"
 * logSumExpStable(tensor([[800, -800], [790, -810]], { dtype: "float64" }), 0, 1e-9) // true
 * @category laws
 * @since 0.1.0
 */
export const logSumExpStable = (z: Tensor, axis: number, tol: number, ops: AlgebraOps = libraryOps): boolean => {
  const out = toFlat(ops.logSumExp(z, axis));
  const data = toFlat(z);
  const lines = linesAlong(z.shape as readonly number[], axis);
  return (
    out.length === lines.length &&
    lines.every((line, k) => {
      const v = line.map((i) => data[i] as number);
      const m = Math.max(...v);
      const expected = m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
      return Number.isFinite(out[k]) && close(out[k] as number, expected, tol);
    })
  );
};
