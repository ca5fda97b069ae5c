/**
 * `checkFunction(f, arbitraries)`: the gradient laws for any differentiable function of a
 * parameter tree (a tensor, or arrays/records of tensors), drawn by the given arbitraries.
 *
 * Laws: `vjp dot product` (central differences in one random direction), `cotangent shapes`,
 * `pullback linear`. Tolerances follow the dtype of the parameters (float32 if any leaf is).
 *
 * @module
 */
import fc from "fast-check";
import { flattenTree, type Params } from "../src/autodiff/tree.js";
import type { DType } from "../src/backend/backend.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { finiteDifferenceStep, forwardTolerance, gradientTolerance } from "./approx.js";
import { drawDirection } from "./arbitraries.js";
import { cotangentShapesLaw, dotProduct, dotProductLaw, pullbackLinearityGap } from "./gradient.js";
import { assertOutcomes, type LawOutcome, type NamedProperty, type RunOptions, runProperties } from "./outcome.js";
import { showTree } from "./show.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Where the parameters come from: one arbitrary of the whole tree, or a record of arbitraries.
 *
 * @category model
 * @since 0.1.0
 */
export type ParamsArbitrary<P extends Params> = fc.Arbitrary<P> | { readonly [K in keyof P]: fc.Arbitrary<P[K]> };

/**
 * Options of `checkFunction`: a name for the reports, and the run options.
 *
 * @category model
 * @since 0.1.0
 */
export interface FunctionOptions extends RunOptions {
  readonly name?: string;
}

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const toArbitrary = <P extends Params>(a: ParamsArbitrary<P>): fc.Arbitrary<P> =>
  a instanceof fc.Arbitrary ? a : (fc.record(a as Record<string, fc.Arbitrary<unknown>>).map((r) => ({ ...r })) as unknown as fc.Arbitrary<P>);

/**
 * float32 when any leaf is float32 (the looser tolerances apply).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { dtypeOfTree } from "typegrad/laws"
 * dtypeOfTree({ W: tensor([1], { dtype: "float64" }), b: tensor([1]) }) // "float32"
 * @category helpers
 */
export const dtypeOfTree = (p: Params): DType => (flattenTree("laws", p).leaves.some((x) => x.dtype === "float32") ? "float32" : "float64");

/** A tree shaped like `p` of random directions in [-1, 1]. */
const directions = <P extends Params>(g: fc.GeneratorValue, p: P): P => {
  const { leaves, rebuild } = flattenTree("laws", p);
  return rebuild(leaves.map((x) => drawDirection(g, x.shape as readonly number[], x.dtype))) as P;
};

const fail = (msg: string): never => {
  throw new Error(msg);
};

// -------------------------------------------------------------------------------------
// runners
// -------------------------------------------------------------------------------------

/**
 * The gradient laws of `f` as named properties.
 *
 * @example
 * import { sum, tanh, type Tensor } from "typegrad"
 * import { arbTensor, functionProperties } from "typegrad/laws"
 * const props = functionProperties((p: { x: Tensor<[3]> }) => sum(tanh(p.x)), { x: arbTensor([3], undefined, { dtype: "float64" }) })
 * props.length > 0 // true
 * @category runners
 * @since 0.1.0
 */
export const functionProperties = <P extends Params>(f: (p: P) => Tensor, arbitraries: ParamsArbitrary<P>): NamedProperty[] => {
  if (typeof f !== "function") throw new TypeError("checkFunction: argument 'f' must be a function of a parameter tree");
  const arb = toArbitrary(arbitraries);
  const dot = fc.property(arb, fc.gen(), (p, g) => {
    const dt = dtypeOfTree(p);
    const v = directions(g, p);
    const u = drawDirection(g, f(p).shape as readonly number[], f(p).dtype);
    const [eps, tol] = [finiteDifferenceStep[dt], gradientTolerance[dt]];
    if (!dotProductLaw(f, p, v, u, eps, tol)) {
      const m = dotProduct(f, p, v, u, eps);
      fail(`⟨u, jvp⟩ = ${m.numeric} by central differences, ⟨pullback(u), v⟩ = ${m.autodiff} (scale ${m.scale}, tolerance ${tol})\nat\n${showTree(p)}`);
    }
  });
  const shapes = fc.property(arb, fc.gen(), (p, g) => {
    const u = drawDirection(g, f(p).shape as readonly number[], f(p).dtype);
    if (!cotangentShapesLaw(f, p, u)) fail(`the gradient does not have the parameters' structure, shapes and dtypes\nat\n${showTree(p)}`);
  });
  const linear = fc.property(arb, fc.gen(), (p, g) => {
    const out = f(p);
    const [u, w] = [drawDirection(g, out.shape as readonly number[], out.dtype), drawDirection(g, out.shape as readonly number[], out.dtype)];
    const gap = pullbackLinearityGap(f, p, u, w, 1.5, -0.75);
    if (!(gap <= forwardTolerance[dtypeOfTree(p)])) fail(`pullback(αu + βw) and α·pullback(u) + β·pullback(w) differ by ${gap}\nat\n${showTree(p)}`);
  });
  return [
    { law: "vjp dot product", property: dot as unknown as fc.IProperty<never> },
    { law: "cotangent shapes", property: shapes as unknown as fc.IProperty<never> },
    { law: "pullback linear", property: linear as unknown as fc.IProperty<never> },
  ];
};

/**
 * Run the gradient laws of `f`; never throws for a failing law.
 *
 * @example
 * import { sum, tanh, type Tensor } from "typegrad"
 * import { arbTensor, runFunctionLaws } from "typegrad/laws"
 * const outcomes = runFunctionLaws((p: { x: Tensor<[3]> }) => sum(tanh(p.x)), { x: arbTensor([3], undefined, { dtype: "float64" }) }, { numRuns: 5 })
 * outcomes.every((o) => o.ok) // true
 * @category runners
 * @since 0.1.0
 */
export const runFunctionLaws = <P extends Params>(f: (p: P) => Tensor, arbitraries: ParamsArbitrary<P>, opts: FunctionOptions = {}): LawOutcome[] =>
  runProperties(opts.name ?? (f.name || "function"), functionProperties(f, arbitraries), opts);

/**
 * Check the gradient laws of `f` (a differentiable function of a parameter tree) at parameters
 * drawn by `arbitraries`; throws an `Error` naming each failing law with its counterexample.
 *
 * @example
 * import { add, matmul, ones, sum, tanh } from "typegrad"
 * import { arbTensors, checkFunction } from "typegrad/laws"
 * const X = ones([2, 4], { dtype: "float64" })
 * const outcomes = checkFunction(({ W, b }) => sum(tanh(add(matmul(W, X), b))), arbTensors({ W: [3, 2], b: [3, 1] }, { dtype: "float64" }), { numRuns: 5 })
 * outcomes.length > 0 // true (it throws when a law fails)
 * @category runners
 * @since 0.1.0
 */
export const checkFunction = <P extends Params>(f: (p: P) => Tensor, arbitraries: ParamsArbitrary<P>, opts: FunctionOptions = {}): readonly LawOutcome[] =>
  assertOutcomes(runFunctionLaws(f, arbitraries, opts));
