/**
 * `customVjp(f, fwd, bwd)`: a function with its own pullback, as JAX's `custom_vjp`. Outside any
 * differentiation it is just `f`. Under `grad`/`vjp`, `fwd(...xs)` runs instead and returns the
 * output with the residuals the pullback needs; the pullback is `bwd(residuals, ct, wants)`, one
 * cotangent per input (`undefined`: zero; `wants[i]` is false when input i needs none, a constant
 * such as the targets of a cost, so `bwd` may skip it). Written with differentiable ops, `bwd` is itself
 * differentiated by an outer trace, so `grad(grad(·))` composes: the residuals computed by `fwd`
 * are traced by the outer differentiation like any other value.
 *
 * What it is for: a fused rule where the composed one is unstable or wasteful (softmax
 * cross-entropy from logits: `(softmax(z) − y)/m`); `test/autodiff/customVjp.test.ts` checks the
 * fused rules against the autodiff of their compositions.
 *
 * @module
 */
import { type Shape, showShape } from "../shape/dims.js";
import { describeValue } from "../tensor/describe.js";
import { closeScope, isTensor, live, openScope, type Tensor } from "../tensor/tensor.js";
import { below, type Differentiable, innermost, traced } from "./core.js";

/**
 * The cotangents `bwd` returns: one per input, with the input's type, or `undefined` for zero.
 *
 * @category model
 */
export type Cotangents<A extends readonly Tensor[]> = { readonly [K in keyof A]: A[K] | undefined };

/** A value for a message: a tensor by its shape. */
const what = (v: unknown): string => (isTensor(v) ? `a Tensor of shape ${showShape(v.shape as readonly number[])}` : describeValue(v));

/**
 * `f` with the pullback `bwd`: `fwd(...xs)` returns `[f(...xs), residuals]`, and
 * `bwd(residuals, ct, wants)` the cotangents of the inputs (a tuple, one per input; where
 * `wants[i]` is false, input i is a constant and its cotangent is not used).
 *
 * @example
 * import { customVjp, grad, mul, sum, tensor, toArray, type Tensor } from "typegrad"
 * const square = customVjp(
 *   (x: Tensor<[2]>) => mul(x, x),
 *   (x: Tensor<[2]>) => [mul(x, x), x] as const,
 *   (x, ct) => [mul(mul(ct, x), 2)] as const,
 * )
 * toArray(grad((x: Tensor<[2]>) => sum(square(x)))(tensor([1, 3]))) // [2, 6]
 * @category autodiff
 */
export const customVjp = <const A extends readonly Tensor[], S extends Shape, R>(
  f: (...xs: A) => Tensor<S>,
  fwd: (...xs: A) => readonly [Tensor<S>, R],
  bwd: (residuals: R, ct: Tensor<S>, wants: readonly boolean[]) => Cotangents<A>,
): ((...xs: A) => Tensor<S>) => {
  if (typeof f !== "function" || typeof fwd !== "function" || typeof bwd !== "function") throw new TypeError("customVjp: f, fwd and bwd must be functions");
  const name = f.name === "" ? "customVjp" : f.name;
  const prim: Differentiable<R> = {
    name,
    shape: () => {
      throw new Error(`${name}: a customVjp node is never re-run`);
    },
    forward: () => {
      throw new Error(`${name}: a customVjp node is never re-run`);
    },
    pullback: (ct, primals, _out, residuals, wants) => {
      const cts: unknown = bwd(residuals, ct as Tensor<S>, wants);
      const n = primals.length;
      if (!Array.isArray(cts) || cts.length !== n)
        throw new TypeError(`${name}: bwd must return an array of ${n} cotangent${n === 1 ? "" : "s"} (a Tensor, or undefined for a constant input), got ${what(cts)}`);
      for (let i = 0; i < n; i++) {
        const c: unknown = cts[i];
        if (c !== undefined && !isTensor(c)) throw new TypeError(`${name}: bwd's cotangent ${i} must be a Tensor or undefined, got ${what(c)}`);
      }
      return cts as Cotangents<A>;
    },
  };
  return (...xs: A): Tensor<S> => {
    const inputs = xs.map(live);
    const trace = innermost(inputs);
    if (trace === undefined) return f(...xs);
    const primals = inputs.map((x) => below(trace, x));
    // under `grad` (a taped outermost trace) what `fwd` makes goes on the tape, as every primal
    // an op computes there does: given back once the gradient is taken (the residuals, and the
    // temporaries `fwd` drops), instead of left to the backend's ring
    const tape = trace.tape;
    if (tape !== undefined) openScope("always");
    let out: readonly [Tensor<S>, R];
    try {
      out = fwd(...(primals as unknown as A));
    } finally {
      if (tape !== undefined) for (const s of closeScope()) tape.add(s);
    }
    if (!Array.isArray(out) || out.length !== 2 || !isTensor(out[0])) throw new TypeError(`${name}: fwd must return a pair [output, residuals] (the output a Tensor), got ${what(out)}`);
    const [y, residuals] = out;
    return traced(trace, live(y), { prim: prim as Differentiable<unknown>, params: residuals, inputs, primals }) as Tensor<S>;
  };
};
