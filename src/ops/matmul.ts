/**
 * `matmul(a, b)`: the matrix product of the last two axes, leading (batch) axes broadcast:
 * `[...batch, M, K] @ [...batch', K, N] → [...broadcast(batch, batch'), M, N]`.
 *
 * Forward: `out = a·b`. Pullback: `ct_a = ct·bᵀ`, `ct_b = aᵀ·ct`, computed with transposed-operand
 * kernels (no transpose is materialised; the flags are derived from `(XY)ᵀ = YᵀXᵀ`); batch broadcasting is undone by the autodiff core.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { Check, Dim, Ok, Shape } from "../shape/dims.js";
import { type MatMul, matmul as rule } from "../shape/matmul.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, expectTensor, promote, two } from "./define.js";
import { at, bshape, indices } from "./naive.js";
import { type Case, domains, type Gen, type OpDef, oneRounding } from "./spec.js";

/** Whether each operand's last two axes are read transposed. */
export interface MatMulParams {
  readonly transA: boolean;
  readonly transB: boolean;
}

const swapLast = (s: readonly number[], t: boolean): readonly number[] => (t ? [...s.slice(0, -2), s[s.length - 1] as number, s[s.length - 2] as number] : s);

/** `op(a) @ op(b)`, op = transpose of the last two axes where the flag says so. @internal */
export const matmulT = (a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor => bind(matmulPrim, [a, b], { transA, transB });

/**
 * `op(x)·op(y)` or, with `transposed`, its transpose, as one product: `(XY)ᵀ = YᵀXᵀ` swaps the
 * operands and flips both flags (a transpose of a transpose is the operand itself).
 */
const product = (x: Tensor, tx: boolean, y: Tensor, ty: boolean, transposed: boolean): Tensor => (transposed ? matmulT(y, x, !ty, !tx) : matmulT(x, y, tx, ty));

/**
 * The primitive (with transposed-operand flags, used by its own pullback). Its pullback is the
 * textbook one for `C = A·B` — `dA = ct·Bᵀ`, `dB = Aᵀ·ct` with `A = op(a)`, `B = op(b)` — and the
 * cotangent of a transposed operand is the transpose of its operator's: `da = transA ? dAᵀ : dA`.
 * Both come out as a single product with flags, derived by `product` (no transpose materialised).
 */
export const matmulPrim: Primitive<MatMulParams> = {
  name: "matmul",
  shape: (ss, { transA, transB }) => {
    const [a, b] = two(ss);
    return rule(swapLast(a, transA), swapLast(b, transB));
  },
  forward: (xs, ss, { transA, transB }, out) => {
    const [a, b] = two(xs);
    const [sa, sb] = two(ss);
    return a.backend.matmul(a, sa, b, sb, transA, transB, out);
  },
  pullback: (ct, xs, _out, { transA, transB }, wants) => {
    const [a, b] = two(xs);
    // dA = ct·op(b)ᵀ, dB = op(a)ᵀ·ct; transposed back where the operand was read transposed
    return [wants[0] ? product(ct, false, b, !transB, transA) : undefined, wants[1] ? product(a, !transA, ct, false, transB) : undefined];
  },
};

/**
 * `matmul(b)`, the data-last form: `pipe(a, matmul(b))` is `matmul(a, b)`. A named type, so an
 * error through `pipe`/`flow` prints `MatMulBy<[784, 10]>`, not the rule's conditional type.
 *
 * @category model
 */
export type MatMulBy<B extends Shape> = <const A extends Shape>(a: Check<MatMul<A, B>, Tensor<A>>) => Tensor<Ok<MatMul<A, B>>>;

/**
 * The matrix product `a @ b` (batched over leading axes). A mismatch of the inner dimensions is a
 * compile error at `b` naming both shapes.
 *
 * @example
 * import { matmul, zeros } from "typegrad"
 * import { pipe } from "fp-ts/lib/function.js"
 * matmul(zeros([128, 784]), zeros([784, 10])) // Tensor<[128, 10]>
 * pipe(zeros([32, 784]), matmul(zeros([784, 10]))) // Tensor<[32, 10]> (data-last: X @ W)
 * // matmul(zeros([128, 784]), zeros([10, 784])) is a compile error at the second argument:
 * // matmul: inner dimensions 784 and 10 differ ([128, 784] @ [10, 784])
 * @category operations
 */
export const matmul: {
  // Plain-generic fast paths first, so generic user code (`W: Tensor<[O, I]>`) compiles; the
  // checked general overload last. With four two-argument overloads a mismatch is reported as the
  // last overload's error alone ("No overload matches this call. The last overload gave the
  // following error."), at the operand that is wrong: TypeScript lists every overload's complaint,
  // on the whole call when they blame different arguments, for two or three candidates only.
  <M extends Dim, K extends Dim, N extends Dim>(a: Tensor<[M, K]>, b: Tensor<[NoInfer<K>, N]>): Tensor<[M, N]>;
  <B extends Dim, M extends Dim, K extends Dim, N extends Dim>(a: Tensor<[B, M, K]>, b: Tensor<[NoInfer<K>, N]>): Tensor<[B, M, N]>;
  <B extends Dim, M extends Dim, K extends Dim, N extends Dim>(a: Tensor<[B, M, K]>, b: Tensor<[NoInfer<B>, NoInfer<K>, N]>): Tensor<[B, M, N]>;
  <const B extends Shape>(b: Tensor<B>): MatMulBy<B>;
  <const A extends Shape, const B extends Shape>(a: Tensor<A>, b: Check<MatMul<A, B>, Tensor<B>>): Tensor<Ok<MatMul<A, B>>>;
} = dual(2, (a: Tensor, b: Tensor) => {
  const [x, y] = promote(expectTensor("matmul", "a", a), expectTensor("matmul", "b", b));
  return matmulT(x, y, false, false);
});

/**
 * The edges of the WASM gemm (src/backend/wasm/assembly/gemm.ts): its micro-kernel is MR = 4 rows
 * by NR = 8 float32 / 4 float64 columns, K is cut in chunks of KC = 256, A in blocks of MC = 96
 * rows, B in blocks of NC = 512 float32 / 256 float64 columns. A sampled dim just below, at and
 * just above each edge exercises the full tiles, the padded remainders and the block seams.
 */
export const GEMM_EDGES = { MR: 4, NR: [4, 8], KC: 256, MC: 96, NC: [256, 512] } as const;

/**
 * `[m, k, n]` for the matmul laws: mostly small (1..9, across MR and NR and the SIMD widths); one
 * case in 4 has one dim large, at one of the gemm's block edges ±1 (MC for m, KC for k, NC for n;
 * the pullback's products put each dim in every role) or, one time in 4, anywhere in 10..70; the
 * others stay small, so the large cases stay cheap for the reference oracle. `tinyGen` (full
 * Jacobians) never draws a large one.
 */
const sampleMatmulDims = (g: Gen): [number, number, number] => {
  const dims: [number, number, number] = [g.int(1, 9), g.int(1, 9), g.int(1, 9)];
  if (g.int(1, 4) === 4) {
    const which = g.int(0, 2);
    const edge = [GEMM_EDGES.MC, GEMM_EDGES.KC, GEMM_EDGES.NC[g.int(0, 1)] as number][which] as number;
    dims[which] = g.int(0, 3) === 0 ? g.int(10, 70) : edge + g.int(-1, 1);
  }
  return dims;
};

/** K of a sampled matmul: the last dim of op(a). */
const innerDim = (c: Case<MatMulParams>): number => {
  const s = (c.inputs[0]?.shape ?? []) as readonly number[];
  return swapLast(s, c.params.transA)[s.length - 1] as number;
};

/** Registry entry. */
export const matmulDef: OpDef<MatMulParams> = {
  name: "matmul",
  kind: "primitive",
  doc: "op(a) @ op(b)",
  shape: (ss, p) => {
    const [a, b] = two(ss);
    return rule(swapLast(a, p.transA), swapLast(b, p.transB));
  },
  forward: { kind: "backend", method: "matmul" },
  pullback: matmulPrim.pullback,
  spec: {
    sample: (g) => {
      const [m, k, n] = sampleMatmulDims(g);
      const batch = Array.from({ length: g.int(0, 2) }, () => g.int(1, 3));
      const ba = batch.slice(g.int(0, batch.length)).map((d) => (g.int(0, 3) === 0 ? 1 : d));
      const bb = batch.slice(g.int(0, batch.length)).map((d) => (g.int(0, 3) === 0 ? 1 : d));
      const transA = g.bool();
      const transB = g.bool();
      return {
        inputs: [
          { shape: [...ba, ...(transA ? [k, m] : [m, k])], domain: domains.real },
          { shape: [...bb, ...(transB ? [n, k] : [k, n])], domain: domains.real },
        ],
        params: { transA, transB },
      };
    },
    call: (xs, { transA, transB }) => {
      const [a, b] = two(xs);
      return matmulT(a, b, transA, transB);
    },
    // each output is a sum of K products of at most 3·3 (the real domain): K·u·9 in the worst case
    error: { ulps: oneRounding, terms: (c) => innerDim(c), magnitude: 9 },
    reference: (xs, { transA, transB }) => {
      const [A, B] = two(xs);
      const sa = swapLast(A.shape, transA);
      const sb = swapLast(B.shape, transB);
      const M = sa[sa.length - 2] as number;
      const K = sa[sa.length - 1] as number;
      const N = sb[sb.length - 1] as number;
      const batch = bshape(sa.slice(0, -2), sb.slice(0, -2));
      const shape = [...batch, M, N];
      const data = indices(shape).map((ix) => {
        const bi = ix.slice(0, -2);
        const i = ix[ix.length - 2] as number;
        const j = ix[ix.length - 1] as number;
        let s = 0;
        for (let k = 0; k < K; k++) s += elem(A, transA, bi, i, k) * elem(B, transB, bi, k, j);
        return s;
      });
      return { shape, data };
    },
  },
};

/** Element (i, j) of op(x) at batch index `bi` (broadcast), op = transpose when `t`. */
const elem = (x: { shape: readonly number[]; data: readonly number[] }, t: boolean, bi: readonly number[], i: number, j: number): number => {
  const [p, q] = t ? [j, i] : [i, j];
  // `at` reads the index from the right, ignoring batch dims x does not have
  return at(x, [...bi, p, q]);
};
