/**
 * Gradient laws, as boolean predicates over a function `f` of a parameter tree (a tensor, or
 * arrays/records of tensors) and the points to test it at. They know nothing of fast-check: the
 * runners draw the points.
 *
 * - `dotProductLaw` (JAX's `check_vjp`): for a random direction `v` and cotangent `u`,
 *   `⟨u, (f(x + εv) - f(x - εv)) / 2ε⟩ = ⟨pullback(u), v⟩`.
 * - `jacobianLaw`: every entry of the Jacobian from the pullback (one row per output element)
 *   equals the central difference (one column per input element); `jacobianMismatch` names the
 *   first entry that differs.
 * - `pullbackLinearLaw`: `pullback(αu + βw) = α·pullback(u) + β·pullback(w)`.
 * - `cotangentShapesLaw`: the cotangents have the structure, shapes and dtypes of the primals.
 * - `secondOrderLaw`: the dot-product law for `p ↦ ⟨∇⟨f(p), u⟩, w⟩`, i.e. `grad` of `grad`.
 * - `zeroGradientLaw`: a non-differentiable op passes no cotangent back.
 *
 * The central differences are computed on plain arrays, independently of the ops under test.
 *
 * @module
 */
import { flattenTree, type Params } from "../src/autodiff/tree.js";
import { grad, vjp } from "../src/autodiff/vjp.js";
import { add } from "../src/ops/add.js";
import { mul } from "../src/ops/mul.js";
import { sum } from "../src/ops/sum.js";
import { fromArray, toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { close, sameShape } from "./approx.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The two sides of the dot-product law and the scale their difference is measured against
 * (`max(1, Σ|uᵢ·jvpᵢ|, Σ|ctⱼ·vⱼ|)`, so cancellation in the sums cannot hide an error).
 *
 * @category model
 * @since 0.1.0
 */
export interface DotProduct {
  /** `⟨u, jvp⟩` with the JVP by central differences. */
  readonly numeric: number;
  /** `⟨pullback(u), v⟩`. */
  readonly autodiff: number;
  readonly scale: number;
}

/**
 * One Jacobian entry: `∂ out[output] / ∂ leaf[input][element]`.
 *
 * @category model
 * @since 0.1.0
 */
export interface JacobianEntry {
  /** Index of the parameter leaf (depth first, record keys in order). */
  readonly input: number;
  /** Flat index in that leaf. */
  readonly element: number;
  /** Flat index in the output. */
  readonly output: number;
  readonly numeric: number;
  readonly autodiff: number;
}

/** A function of a parameter tree. */
type Fn<P extends Params> = (p: P) => Tensor;

// -------------------------------------------------------------------------------------
// numerics (plain arrays)
// -------------------------------------------------------------------------------------

const leavesOf = (p: Params): Tensor[] => flattenTree("laws", p).leaves;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): [number, number] => {
  let s = 0;
  let abs = 0;
  for (let i = 0; i < a.length; i++) {
    const t = (a[i] as number) * (b[i] as number);
    s += t;
    abs += Math.abs(t);
  }
  return [s, abs];
};

/** `p + s·v`, leaf by leaf, computed on plain arrays. */
const shifted = <P extends Params>(p: P, v: P, s: number): P => {
  const { leaves, rebuild } = flattenTree("laws", p);
  const vs = leavesOf(v);
  return rebuild(
    leaves.map((x, k) => {
      const a = toFlat(x);
      const d = toFlat(vs[k] as Tensor);
      return fromArray(
        x.shape as readonly number[],
        a.map((e, j) => e + s * (d[j] as number)),
        { dtype: x.dtype },
      ) as Tensor;
    }),
  ) as P;
};

/** The JVP `(f(p + εv) - f(p - εv)) / 2ε`, flat. */
const centralDifference = <P extends Params>(f: Fn<P>, p: P, v: P, eps: number): Float64Array => {
  const hi = toFlat(f(shifted(p, v, eps)));
  const lo = toFlat(f(shifted(p, v, -eps)));
  return Float64Array.from(hi, (h, i) => (h - (lo[i] as number)) / (2 * eps));
};

/** `e_j` of leaf `k` (zeros elsewhere), as a tree shaped like `p`. */
const basis = <P extends Params>(p: P, k: number, j: number): P => {
  const { leaves, rebuild } = flattenTree("laws", p);
  return rebuild(
    leaves.map((x, i) => {
      const d = new Float64Array(x.size);
      if (i === k) d[j] = 1;
      return fromArray(x.shape as readonly number[], d, { dtype: x.dtype }) as Tensor;
    }),
  ) as P;
};

const unit = (like: Tensor, i: number): Tensor => {
  const d = new Float64Array(like.size);
  d[i] = 1;
  return fromArray(like.shape as readonly number[], d, { dtype: like.dtype }) as Tensor;
};

// -------------------------------------------------------------------------------------
// measures
// -------------------------------------------------------------------------------------

/**
 * Both sides of the dot-product law at `primals`, in direction `tangents`, with cotangent `ct`.
 *
 * @example
 * import { mul, tensor } from "typegrad"
 * import { dotProduct } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const [x, v, u] = [tensor([1, 2], f64), tensor([0.5, -1], f64), tensor([1, 1], f64)]
 * const d = dotProduct((p: typeof x) => mul(p, p), x, v, u, 1e-6)
 * Math.abs(d.numeric - d.autodiff) < 1e-6 // true
 * d.autodiff // -3 (⟨2x ⊙ u, v⟩)
 * @category measures
 * @since 0.1.0
 */
export const dotProduct = <P extends Params>(f: Fn<P>, primals: P, tangents: P, ct: Tensor, eps: number): DotProduct => {
  const [, pullback] = vjp(f, primals);
  const cts = leavesOf(pullback(ct));
  const vs = leavesOf(tangents);
  const [numeric, numericAbs] = dot(toFlat(ct), centralDifference(f, primals, tangents, eps));
  let autodiff = 0;
  let autodiffAbs = 0;
  cts.forEach((c, k) => {
    const [s, a] = dot(toFlat(c), toFlat(vs[k] as Tensor));
    autodiff += s;
    autodiffAbs += a;
  });
  return { numeric, autodiff, scale: Math.max(1, numericAbs, autodiffAbs) };
};

/**
 * The first Jacobian entry where the pullback and central differences differ by more than `tol`
 * (relative to `max(1, |entry|)`), or `undefined`.
 *
 * @example
 * import { tanh, tensor } from "typegrad"
 * import { jacobianMismatch } from "typegrad/laws"
 * jacobianMismatch((x: ReturnType<typeof tensor>) => tanh(x), tensor([0.5, -1], { dtype: "float64" }), 1e-6, 1e-6) // undefined
 * @category measures
 * @since 0.1.0
 */
export const jacobianMismatch = <P extends Params>(f: Fn<P>, primals: P, eps: number, tol: number): JacobianEntry | undefined => {
  const [out, pullback] = vjp(f, primals);
  const rows = Array.from({ length: out.size }, (_, i) => leavesOf(pullback(unit(out, i))).map((c) => toFlat(c)));
  const leaves = leavesOf(primals);
  for (let k = 0; k < leaves.length; k++) {
    for (let j = 0; j < (leaves[k] as Tensor).size; j++) {
      const column = centralDifference(f, primals, basis(primals, k, j), eps);
      for (let i = 0; i < out.size; i++) {
        const autodiff = rows[i]?.[k]?.[j] as number;
        const numeric = column[i] as number;
        if (!close(autodiff, numeric, tol)) return { input: k, element: j, output: i, numeric, autodiff };
      }
    }
  }
  return undefined;
};

/**
 * The largest relative gap between `pullback(αu + βw)` and `α·pullback(u) + β·pullback(w)`.
 *
 * @example
 * import { exp, tensor } from "typegrad"
 * import { pullbackLinearityGap } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * pullbackLinearityGap((x: ReturnType<typeof tensor>) => exp(x), tensor([0, 1], f64), tensor([1, 0], f64), tensor([0, 1], f64), 2, -3) < 1e-12 // true
 * @category measures
 * @since 0.1.0
 */
export const pullbackLinearityGap = <P extends Params>(f: Fn<P>, primals: P, u: Tensor, w: Tensor, alpha: number, beta: number): number => {
  const [, pullback] = vjp(f, primals);
  const uw = fromArray(
    u.shape as readonly number[],
    toFlat(u).map((a, i) => alpha * a + beta * (toFlat(w)[i] as number)),
    { dtype: u.dtype },
  ) as Tensor;
  const both = leavesOf(pullback(uw)).map((c) => toFlat(c));
  const pu = leavesOf(pullback(u)).map((c) => toFlat(c));
  const pw = leavesOf(pullback(w)).map((c) => toFlat(c));
  let gap = 0;
  both.forEach((b, k) => {
    b.forEach((x, j) => {
      const y = alpha * (pu[k]?.[j] as number) + beta * (pw[k]?.[j] as number);
      gap = Math.max(gap, Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y)));
    });
  });
  return gap;
};

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

/**
 * The dot-product law: `|⟨u, jvp⟩ - ⟨pullback(u), v⟩| <= tol · scale`.
 *
 * @example
 * import { exp, tensor } from "typegrad"
 * import { dotProductLaw } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const [x, v, u] = [tensor([0.1, 0.2], f64), tensor([1, -1], f64), tensor([0.5, 0.5], f64)]
 * dotProductLaw((p: typeof x) => exp(p), x, v, u, 1e-6, 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const dotProductLaw = <P extends Params>(f: Fn<P>, primals: P, tangents: P, ct: Tensor, eps: number, tol: number): boolean => {
  const d = dotProduct(f, primals, tangents, ct, eps);
  return Math.abs(d.numeric - d.autodiff) <= tol * d.scale;
};

/**
 * Every Jacobian entry from the pullback equals its central difference.
 *
 * @example
 * import { sigmoid, tensor } from "typegrad"
 * import { jacobianLaw } from "typegrad/laws"
 * jacobianLaw((x: ReturnType<typeof tensor>) => sigmoid(x), tensor([[0.5, -1]], { dtype: "float64" }), 1e-6, 1e-6) // true
 * @category laws
 * @since 0.1.0
 */
export const jacobianLaw = <P extends Params>(f: Fn<P>, primals: P, eps: number, tol: number): boolean => jacobianMismatch(f, primals, eps, tol) === undefined;

/**
 * The pullback is linear in the cotangent.
 *
 * @example
 * import { square, tensor } from "typegrad"
 * import { pullbackLinearLaw } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * pullbackLinearLaw((x: ReturnType<typeof tensor>) => square(x), tensor([1, 2], f64), tensor([1, 0], f64), tensor([0, 1], f64), 2, 3, 1e-9) // true
 * @category laws
 * @since 0.1.0
 */
export const pullbackLinearLaw = <P extends Params>(f: Fn<P>, primals: P, u: Tensor, w: Tensor, alpha: number, beta: number, tol: number): boolean =>
  pullbackLinearityGap(f, primals, u, w, alpha, beta) <= tol;

/**
 * The cotangents have the primals' structure, and each leaf its primal's shape and dtype.
 *
 * @example
 * import { matmul, ones, type Tensor, tensor } from "typegrad"
 * import { cotangentShapesLaw } from "typegrad/laws"
 * const W = tensor([[1, 2, 3]])
 * cotangentShapesLaw((p: { W: Tensor<[1, 3]> }) => matmul(p.W, ones([3, 2])), { W }, ones([1, 2])) // true
 * @category laws
 * @since 0.1.0
 */
export const cotangentShapesLaw = <P extends Params>(f: Fn<P>, primals: P, ct: Tensor): boolean => {
  const [, pullback] = vjp(f, primals);
  const cts = leavesOf(pullback(ct));
  const ps = leavesOf(primals);
  return cts.length === ps.length && cts.every((c, k) => sameShape(c.shape as readonly number[], (ps[k] as Tensor).shape as readonly number[]) && c.dtype === (ps[k] as Tensor).dtype);
};

/**
 * `grad` of `grad`: the dot-product law for `φ(p) = ⟨∇h(p), w⟩` with `h(p) = ⟨f(p), u⟩`.
 *
 * @example
 * import { mul, tensor } from "typegrad"
 * import { secondOrderLaw } from "typegrad/laws"
 * const f64 = { dtype: "float64" } as const
 * const t = (xs: number[]) => tensor(xs, f64)
 * secondOrderLaw((x: ReturnType<typeof t>) => mul(x, mul(x, x)), t([1, 2]), t([1, 1]), t([0.5, 1]), t([1, -1]), tensor(1, f64), 1e-5, 1e-5) // true
 * @category laws
 * @since 0.1.0
 */
export const secondOrderLaw = <P extends Params>(f: Fn<P>, primals: P, u: Tensor, w: P, tangents: P, ct: Tensor, eps: number, tol: number): boolean => {
  const h = (p: P): Tensor<[]> => sum(mul(f(p), u)) as Tensor<[]>;
  const ws = leavesOf(w);
  const phi = (p: P): Tensor => leavesOf(grad(h)(p)).reduce<Tensor>((s, g, k) => add(s, sum(mul(g, ws[k] as Tensor))), fromArray([], [0], { dtype: u.dtype }) as Tensor);
  return dotProductLaw(phi, primals, tangents, ct, eps, tol);
};

/**
 * A non-differentiable function passes no cotangent back: every cotangent is zero.
 *
 * @example
 * import { gt, ones, tensor } from "typegrad"
 * import { zeroGradientLaw } from "typegrad/laws"
 * zeroGradientLaw((x: ReturnType<typeof tensor>) => gt(x, 0), tensor([-1, 2]), ones([2])) // true
 * @category laws
 * @since 0.1.0
 */
export const zeroGradientLaw = <P extends Params>(f: Fn<P>, primals: P, ct: Tensor): boolean => {
  const [, pullback] = vjp(f, primals);
  return leavesOf(pullback(ct)).every((c) => toFlat(c).every((x) => x === 0));
};
