/**
 * `checkOp(def)`: every law that applies to a registered op, read from its spec.
 *
 * | law                | dtypes          | what                                                      |
 * |--------------------|-----------------|-----------------------------------------------------------|
 * | `forward <dtype>`  | spec's (both)   | `call` equals `reference` (values, at the dtype's tolerance) |
 * | `shape`            | float64         | the runtime output shape equals the reference's and the runtime twin's (`OpDef.shape`) |
 * | `vjp dot product`  | float64         | JAX's `check_vjp` in one random direction                 |
 * | `cotangent shapes` | float64         | cotangents have the inputs' shapes and dtypes             |
 * | `pullback linear`  | float64         | pullback(αu + βw) = α·pullback(u) + β·pullback(w)        |
 * | `jacobian (tiny)`  | float64         | every Jacobian entry, on tiny shapes                      |
 * | `second order`     | float64         | `grad` of `grad` (specs marked `secondOrder`)             |
 * | `zero gradient`    | float64         | non-differentiable ops (`nondiff`) pass no cotangent back |
 * | `kink gradient`    | float64         | at kinks and ties, the pullback gives exactly the documented derivative (specs with `kinks`) |
 *
 * Ops whose spec says `noFiniteDifferences` get only the exact gradient laws (cotangent shapes,
 * pullback linearity).
 *
 * Inputs drawn from a discrete domain (masks) are held constant by the gradient laws.
 *
 * @module
 */
import fc from "fast-check";
import { vjp } from "../src/autodiff/vjp.js";
import type { DType } from "../src/backend/backend.js";
import { type Case, type Dense, errorTolerance, type Kinks, type OpDef, type Spec } from "../src/ops/spec.js";
import { fromArray, toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { finiteDifferenceStep, firstMismatch, forwardTolerance, gradientTolerance, type Mismatch, sameShape } from "./approx.js";
import { arbLevels, type DrawnCase, drawCase, drawDirection } from "./arbitraries.js";
import { valueAt } from "./domains.js";
import { fcGen } from "./gen.js";
import { cotangentShapesLaw, dotProduct, dotProductLaw, jacobianMismatch, pullbackLinearityGap, secondOrderLaw, zeroGradientLaw } from "./gradient.js";
import { assertOutcomes, type LawOutcome, type NamedProperty, type RunOptions, runProperties } from "./outcome.js";
import { type ShapeTwin, shapeTwinLaw } from "./shape.js";
import { multiIndex, showTensors } from "./show.js";

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/**
 * A tensor as a dense array for references.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { toDense } from "typegrad/laws"
 * toDense(tensor([[1, 2], [3, 4]])) // { shape: [2, 2], data: [1, 2, 3, 4] }
 * @category helpers
 */
export const toDense = (t: Tensor): Dense => ({ shape: [...(t.shape as readonly number[])], data: Array.from(toFlat(t)) });

/** The drawn case for a human: the params, then every input as a small table. */
const showCase = <P>(d: DrawnCase<P>): string =>
  `params ${JSON.stringify(d.case.params) ?? "none"}\n${showTensors(d.inputs.map((x, i) => [`input ${i}${d.differentiable[i] ? "" : " (held constant)"}`, x] as const))}`;

/** A mismatch of an op's output, at its multi-index. */
const showMismatch = (m: Mismatch, shape: readonly number[]): string => `out[${multiIndex(shape, m.index).join(", ")}]: got ${m.actual}, expected ${m.expected} (tolerance ${m.tolerance})`;

/** The op as a function of its differentiable inputs (the others held constant). */
const asFunction = <P>(spec: Spec<P>, d: DrawnCase<P>): ((xs: Tensor[]) => Tensor) => {
  return (xs) => {
    let k = 0;
    return spec.call(
      d.inputs.map((x, i) => (d.differentiable[i] ? (xs[k++] as Tensor) : x)),
      d.case.params,
    );
  };
};

const primalsOf = <P>(d: DrawnCase<P>): Tensor[] => d.inputs.filter((_, i) => d.differentiable[i]);

const fail = (msg: string): never => {
  throw new Error(msg);
};

// -------------------------------------------------------------------------------------
// properties
// -------------------------------------------------------------------------------------

/**
 * The forward law's tolerance of a case: the spec's fixed tolerance, else the one derived from its
 * error model (`errorTolerance`, per case and dtype), else `forwardTolerance`.
 *
 * @example
 * import { forwardToleranceOf, registry } from "typegrad/laws"
 * const c = { inputs: [{ shape: [2, 300], domain: { name: "real", min: -3, max: 3 } }, { shape: [300, 2], domain: { name: "real", min: -3, max: 3 } }], params: { transA: false, transB: false } }
 * // 4 · 2⁻²³ · (0.5 + 300 · 9): K = 300 products of at most 9
 * forwardToleranceOf(registry.matmul.spec, c, "float32") > 1e-3 // true
 * // 4 · 2⁻²³ · 0.5: one rounding
 * forwardToleranceOf(registry.add.spec, { inputs: [], params: undefined }, "float32") < 1e-6 // true
 * @category helpers
 */
export const forwardToleranceOf = <P>(spec: Spec<P>, c: Case<P>, dtype: DType): number =>
  spec.tolerance?.[dtype] ?? (spec.error === undefined ? forwardTolerance[dtype] : errorTolerance(spec.error, c, dtype));

/** The tolerance of the gradient laws for a spec: the larger of the kit's and the op's. */
const gradTol = <P>(spec: Spec<P>): number => Math.max(gradientTolerance.float64, spec.tolerance?.float64 ?? 0);

const forward = <P>(spec: Spec<P>, dtype: DType): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const d = drawCase(spec, g, { dtype });
    const out = spec.call(d.inputs, d.case.params);
    const ref = spec.reference(d.inputs.map(toDense), d.case.params);
    const tol = forwardToleranceOf(spec, d.case, dtype);
    if (!sameShape(out.shape as readonly number[], ref.shape)) fail(`shape [${(out.shape as readonly number[]).join(", ")}], reference [${ref.shape.join(", ")}]\n${showCase(d)}`);
    const m = firstMismatch(toFlat(out), ref.data, tol);
    if (m !== undefined) fail(`${showMismatch(m, ref.shape)}\n${showCase(d)}`);
  }) as unknown as fc.IProperty<never>;

const shape = <P>(def: OpDef<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const { spec } = def;
    const d = drawCase(spec, g, { dtype: "float64" });
    const out = spec.call(d.inputs, d.case.params).shape as readonly number[];
    const rule = spec.reference(d.inputs.map(toDense), d.case.params).shape;
    if (!sameShape(out, rule)) fail(`output shape [${out.join(", ")}], reference's rule [${rule.join(", ")}]\n${showCase(d)}`);
    const ins = d.inputs.map((x) => x.shape as readonly number[]);
    if (!shapeTwinLaw(def.shape as ShapeTwin, ins, d.case.params, out)) fail(`output shape [${out.join(", ")}], runtime twin [${def.shape(ins, d.case.params).join(", ")}]\n${showCase(d)}`);
  }) as unknown as fc.IProperty<never>;

const dotProductProp = <P>(spec: Spec<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const d = drawCase(spec, g, { dtype: "float64" });
    const f = asFunction(spec, d);
    const xs = primalsOf(d);
    const v = xs.map((x) => drawDirection(g, x.shape as readonly number[]));
    const u = drawDirection(g, f(xs).shape as readonly number[]);
    const eps = finiteDifferenceStep.float64;
    if (!dotProductLaw(f, xs, v, u, eps, gradTol(spec))) {
      const m = dotProduct(f, xs, v, u, eps);
      fail(`⟨u, jvp⟩ = ${m.numeric} by central differences, ⟨pullback(u), v⟩ = ${m.autodiff} (scale ${m.scale}, tolerance ${gradTol(spec)})\n${showCase(d)}`);
    }
  }) as unknown as fc.IProperty<never>;

const cotangentShapes = <P>(spec: Spec<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const d = drawCase(spec, g, { dtype: "float64" });
    const f = asFunction(spec, d);
    const xs = primalsOf(d);
    const u = drawDirection(g, f(xs).shape as readonly number[]);
    if (!cotangentShapesLaw(f, xs, u)) fail(`cotangent shapes differ from the input shapes\n${showCase(d)}`);
  }) as unknown as fc.IProperty<never>;

const pullbackLinear = <P>(spec: Spec<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (g, alpha, beta) => {
    const d = drawCase(spec, g, { dtype: "float64" });
    const f = asFunction(spec, d);
    const xs = primalsOf(d);
    const outShape = f(xs).shape as readonly number[];
    const u = drawDirection(g, outShape);
    const w = drawDirection(g, outShape);
    const gap = pullbackLinearityGap(f, xs, u, w, alpha, beta);
    if (!(gap <= forwardTolerance.float64)) fail(`pullback(αu + βw) and α·pullback(u) + β·pullback(w) differ by ${gap} (α = ${alpha}, β = ${beta})\n${showCase(d)}`);
  }) as unknown as fc.IProperty<never>;

const jacobian = <P>(spec: Spec<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const d = drawCase(spec, g, { dtype: "float64", tiny: true });
    const f = asFunction(spec, d);
    const e = jacobianMismatch(f, primalsOf(d), finiteDifferenceStep.float64, gradTol(spec));
    if (e !== undefined) {
      fail(`∂out[${e.output}]/∂input${e.input}[${e.element}]: pullback gives ${e.autodiff}, central differences ${e.numeric}\n${showCase(d)}`);
    }
  }) as unknown as fc.IProperty<never>;

const secondOrder = <P>(spec: Spec<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const d = drawCase(spec, g, { dtype: "float64" });
    const f = asFunction(spec, d);
    const xs = primalsOf(d);
    const u = drawDirection(g, f(xs).shape as readonly number[]);
    const w = xs.map((x) => drawDirection(g, x.shape as readonly number[]));
    const v = xs.map((x) => drawDirection(g, x.shape as readonly number[]));
    const ct = drawDirection(g, []);
    if (!secondOrderLaw(f, xs, u, w, v, ct, finiteDifferenceStep.float64, gradTol(spec))) fail(`grad of grad differs from central differences of grad\n${showCase(d)}`);
  }) as unknown as fc.IProperty<never>;

const zeroGradient = <P>(spec: Spec<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const d = drawCase(spec, g, { dtype: "float64" });
    const f = (xs: Tensor[]): Tensor => spec.call(xs, d.case.params);
    const u = drawDirection(g, f(d.inputs).shape as readonly number[]);
    if (!zeroGradientLaw(f, d.inputs, u)) fail(`a non-differentiable op passed a non-zero cotangent back\n${showCase(d)}`);
  }) as unknown as fc.IProperty<never>;

const kinkGradient = <P>(spec: Spec<P>, kinks: Kinks<P>): fc.IProperty<never> =>
  fc.property(fc.gen(), (g) => {
    const c = kinks.sample(fcGen(g));
    const inputs = c.inputs.map(
      (x) =>
        fromArray(
          x.shape,
          g(
            arbLevels,
            x.shape.reduce((a, b) => a * b, 1),
            false,
          ).map((k) => valueAt(x.domain, k)),
          { dtype: "float64" },
        ) as Tensor,
    );
    const [out, pullback] = vjp((xs: Tensor[]) => spec.call(xs, c.params), inputs);
    const ct = drawDirection(g, out.shape as readonly number[]);
    const got = pullback(ct);
    const want = kinks.pullback(inputs.map(toDense), toDense(ct), c.params);
    const show = `params ${JSON.stringify(c.params) ?? "none"}\n${showTensors([...inputs.map((x, i) => [`input ${i}`, x] as const), ["ct", ct] as const])}`;
    // one documented cotangent per input: a shorter list would leave inputs unchecked
    if (want.length !== inputs.length) fail(`the documented derivative gives ${want.length} cotangents for ${inputs.length} inputs\n${show}`);
    want.forEach((w, i) => {
      const m = firstMismatch(toFlat(got[i] as Tensor), w.data, forwardTolerance.float64);
      if (m !== undefined) fail(`cotangent of input ${i}[${multiIndex(w.shape, m.index).join(", ")}]: got ${m.actual}, expected ${m.expected} (the documented derivative at a kink or tie)\n${show}`);
    });
  }) as unknown as fc.IProperty<never>;

// -------------------------------------------------------------------------------------
// runners
// -------------------------------------------------------------------------------------

/**
 * The laws that apply to `def`, as named properties.
 *
 * @example
 * import { opProperties, registry } from "typegrad/laws"
 * opProperties(registry.exp).map((p) => p.law).length > 0 // true
 * @category runners
 * @since 0.1.0
 */
export const opProperties = <P>(def: OpDef<P>): NamedProperty[] => {
  const { spec } = def;
  const dtypes = spec.dtypes ?? (["float32", "float64"] as const);
  const props: NamedProperty[] = [...dtypes.map((dt) => ({ law: `forward ${dt}`, property: forward(spec, dt) })), { law: "shape", property: shape(def) }];
  if (spec.kinks !== undefined) props.push({ law: "kink gradient", property: kinkGradient(spec, spec.kinks) });
  if (spec.nondiff === true) return [...props, { law: "zero gradient", property: zeroGradient(spec) }];
  if (spec.noFiniteDifferences !== undefined) return [...props, { law: "cotangent shapes", property: cotangentShapes(spec) }, { law: "pullback linear", property: pullbackLinear(spec) }];
  props.push(
    { law: "vjp dot product", property: dotProductProp(spec) },
    { law: "cotangent shapes", property: cotangentShapes(spec) },
    { law: "pullback linear", property: pullbackLinear(spec) },
    { law: "jacobian (tiny)", property: jacobian(spec), weight: 0.5 },
  );
  if (spec.secondOrder === true) props.push({ law: "second order", property: secondOrder(spec), weight: 0.5 });
  return props;
};

/**
 * Run every law that applies to `def`; never throws for a failing law.
 *
 * @example
 * import { registry, runOpLaws } from "typegrad/laws"
 * runOpLaws(registry.add, { numRuns: 5 }).every((o) => o.ok) // true
 * @category runners
 * @since 0.1.0
 */
export const runOpLaws = <P>(def: OpDef<P>, opts: RunOptions = {}): LawOutcome[] => runProperties(def.name, opProperties(def), opts);

/**
 * Check every law that applies to `def`; throws an `Error` naming each failing law with its
 * shrunk counterexample.
 *
 * @example
 * import { checkOp, registry } from "typegrad/laws"
 * // forward, shape and gradient laws; throws naming each failing law
 * checkOp(registry.matmul, { numRuns: 5 }).length > 0 // true
 * @category runners
 * @since 0.1.0
 */
export const checkOp = <P>(def: OpDef<P>, opts: RunOptions = {}): readonly LawOutcome[] => assertOutcomes(runOpLaws(def, opts));
