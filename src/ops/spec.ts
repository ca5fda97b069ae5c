/**
 * What every op declares about itself, next to its code: how to sample valid inputs for it
 * (shapes first, then data from an explicit numeric domain), an independent reference for its
 * forward pass, and tolerances. These are data and plain functions: the law runners in `laws/`
 * read them (with fast-check); `src/` itself never imports a test library.
 *
 * @module
 */
import type { Backend, BinaryKernel, DType, UnaryKernel } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A numeric domain for one input: values are drawn uniformly from `[min, max]`, staying at least
 * `margin` away from every point of `avoid` (the kinks of relu, abs, maximum…), where finite
 * differences are meaningless.
 * @category model
 */
export interface Domain {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** When present, values are drawn from this set instead (masks: `[0, 1]`). */
  readonly values?: readonly number[];
  readonly avoid?: readonly number[];
  readonly margin?: number;
}

/** The domains most ops need. */
export const domains = {
  real: { name: "real", min: -3, max: 3 },
  positive: { name: "positive", min: 0.2, max: 3 },
  unit: { name: "unit interval", min: 0.05, max: 0.95 },
  awayFromZero: { name: "away from 0", min: -3, max: 3, avoid: [0], margin: 0.1 },
  wide: { name: "wide", min: -30, max: 30 },
  mask: { name: "0/1 mask", min: 0, max: 1, values: [0, 1] },
} as const satisfies Record<string, Domain>;

/**
 * A source of choices. Specs sample through it so one sampler serves fast-check (shrinkable)
 * and a seeded generator alike.
 * @category model
 */
export interface Gen {
  /** An integer in `[min, max]`. */
  int(min: number, max: number): number;
  /** A boolean. */
  bool(): boolean;
}

/** One sampled call: input shapes with their domains, and the op's non-tensor parameters. @category model */
export interface Case<P> {
  readonly inputs: readonly { readonly shape: readonly number[]; readonly domain: Domain }[];
  readonly params: P;
}

/** A dense array for references: row-major data and its shape. @category model */
export interface Dense {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** Tolerances of the law checks, per dtype (relative to the scale of the compared values). @category model */
export interface Tolerance {
  readonly float32: number;
  readonly float64: number;
}

/** The default tolerances: float64 tight, float32 loose (ops that declare an `error` model get tolerances derived from it instead). */
export const defaultTolerance: Tolerance = { float32: 1e-3, float64: 1e-7 };

/** The unit roundoff `u` of each dtype (half an ulp of 1): 2⁻²⁴ and 2⁻⁵³. */
export const unitRoundoff: Tolerance = { float32: 2 ** -24, float64: 2 ** -53 };

/** The safety factor between an op's error model and its law tolerance. */
export const TOLERANCE_SAFETY = 4;

/**
 * An op's forward error, in ulps of the output, from which the forward law's tolerance is derived
 * per dtype and per sampled case (no blanket 1e-3):
 *
 *     tolerance = TOLERANCE_SAFETY · 2u · (ulps + terms(case) · magnitude)
 *
 * `ulps`: the error of one element that does not grow with the size (one rounding is 0.5; a
 * kernel accurate to k ulp against the float64 reference, k + 0.5; a composite, the sum over its
 * steps, each weighted by how much the later steps amplify it: their condition numbers). `terms`:
 * the number of products or elements summed into one output (matmul: K; sum: the reduced
 * length), whose rounding errors add up to `terms · u · Σ|term|` in the worst case; `magnitude`:
 * the largest `|term|` of the op's sampling domain, as the comparison is relative to
 * `max(1, |out|)`.
 *
 * @category model
 */
export interface ErrorModel<P> {
  readonly ulps: Tolerance;
  readonly terms?: (c: Case<P>) => number;
  readonly magnitude?: number;
}

/**
 * The forward tolerance of `m` for a case and dtype.
 *
 * @example
 * errorTolerance({ ulps: { float32: 0.5, float64: 0.5 } }, c, "float32") // 4 · 2⁻²³ · 0.5 ≈ 2.4e-7
 */
export const errorTolerance = <P>(m: ErrorModel<P>, c: Case<P>, dtype: DType): number =>
  TOLERANCE_SAFETY * 2 * unitRoundoff[dtype] * (m.ulps[dtype] + (m.terms === undefined ? 0 : m.terms(c) * (m.magnitude ?? 1)));

/**
 * The product of dims `from..to` (end exclusive) of input `i` of a case: a count of terms for an
 * error model (`inputDims(c, 1, 0, 3)` is `kh·kw·C` of a conv kernel `[kh, kw, C, F]`).
 *
 * @example
 * inputDims({ inputs: [{ shape: [2, 3, 4], domain: domains.real }], params: undefined }, 0, 1, 3) // 12
 */
export const inputDims = <P>(c: Case<P>, i: number, from: number, to?: number): number => (c.inputs[i]?.shape ?? []).slice(from, to).reduce((a, b) => a * b, 1);

/** No rounding at all: data movement (reshape, slice, concat, where…) copies elements bit for bit. */
export const exact: Tolerance = { float32: 0, float64: 0 };

/** One rounding of an exact result (add, mul, a comparison, a copy): half an ulp in both dtypes. */
export const oneRounding: Tolerance = { float32: 0.5, float64: 0.5 };

/**
 * The derivative where finite differences cannot see it, at the kinks and ties of a piecewise
 * op (relu at 0, maximum on a tie), exactly as the op's docs promise: cases whose inputs sit on
 * the kinks (domains of `values`), and the input cotangents the pullback must give for an output
 * cotangent `ct` (dense arrays, like `reference`). The law `kink gradient` checks every element.
 *
 * @category model
 */
export interface Kinks<P> {
  /** Draw a call whose inputs sit on the kinks (every input differentiated). */
  readonly sample: (g: Gen) => Case<P>;
  /** The documented cotangent of each input, for the output cotangent `ct`. */
  readonly pullback: (xs: readonly Dense[], ct: Dense, params: P) => readonly Dense[];
}

/**
 * An op's law spec: how to sample it, how to call it on sampled inputs, what it must equal.
 *
 * @category model
 */
export interface Spec<P> {
  /** Draw a valid call: shapes first, then parameters. */
  readonly sample: (g: Gen) => Case<P>;
  /** Call the op (untyped: the sampled shapes are runtime values). */
  readonly call: (xs: readonly Tensor[], params: P) => Tensor;
  /** An independent implementation of the forward pass (plain loops over dense arrays). */
  readonly reference: (xs: readonly Dense[], params: P) => Dense;
  /** Fixed tolerances, when no error model applies (else derived from `error`; `defaultTolerance` without either). */
  readonly tolerance?: Tolerance;
  /** The forward error model the forward law's tolerance is derived from (see `ErrorModel`). */
  readonly error?: ErrorModel<P>;
  /**
   * Not differentiable (comparisons, argmax, sign) or with a derivative declared zero
   * (stopGradient): the laws check that no cotangent comes back.
   */
  readonly nondiff?: true;
  /**
   * Why finite differences cannot check this op (astype: float32 rounding makes it a staircase at
   * the step size). The finite-difference laws are skipped; the exact ones (cotangent shapes,
   * linearity of the pullback) still run, and the op needs an exact gradient test of its own.
   */
  readonly noFiniteDifferences?: string;
  /** A scalar elementwise function: `grad(grad(f))` is checked too. */
  readonly secondOrder?: true;
  /** dtypes the forward reference is checked in (default both). */
  readonly dtypes?: readonly DType[];
  /** The documented derivative at kinks and ties (checked exactly by the law `kink gradient`). */
  readonly kinks?: Kinks<P>;
}

/**
 * An elementwise unary kernel, defined once: its scalar function (the reference backend's kernel)
 * and its scalar body in AssemblyScript for the WASM backend (`v` is the input, of type `f32` or
 * `f64`). `npm run gen:kernels` writes the op codes and the dispatch of both languages from these.
 *
 * @category model
 */
export interface UnaryKernelSource {
  readonly kind: "unary";
  readonly name: UnaryKernel;
  /** The scalar function: the reference backend runs it element by element. */
  readonly scalar: (x: number) => number;
  /** AssemblyScript expressions of `v` for the WASM kernel, per dtype. */
  readonly wasm: { readonly f32: string; readonly f64: string };
  /** Transcendental (compute-bound): worth two threads from a smaller size. */
  readonly costly: boolean;
  /**
   * Where the WASM kernels are compared with the reference backend's (`lo..hi`), and the largest
   * error allowed, in units in the last place (float32; `ulp64` for float64, default `ulp`).
   */
  readonly accuracy: { readonly lo: number; readonly hi: number; readonly ulp: number; readonly ulp64?: number };
}

/**
 * An elementwise binary kernel (numpy broadcasting): its scalar function and its AssemblyScript
 * expression of `a` and `b` (generic over `T`, the element type).
 *
 * @category model
 */
export interface BinaryKernelSource {
  readonly kind: "binary";
  readonly name: BinaryKernel;
  readonly scalar: (a: number, b: number) => number;
  readonly wasm: string;
}

/**
 * How an op computes its output on every backend: an elementwise kernel defined with the op, a
 * backend method (`matmul`, `reduce`, …), the input's own storage (`alias`: reshape), or a
 * composition of other ops.
 *
 * @category model
 */
export type Forward =
  | UnaryKernelSource
  | BinaryKernelSource
  | { readonly kind: "backend"; readonly method: Exclude<keyof Backend, "name" | "release"> }
  | { readonly kind: "alias" }
  | { readonly kind: "composite" };

/**
 * How an op's cotangent flows back: the primitive's own pullback (written with public ops),
 * `"nondiff"` (zero derivative: comparisons, argmax), `"composite"` (autodiff through the ops it
 * is made of), or `"custom"` (a pullback given with `customVjp`: a fused rule).
 *
 * @category model
 */
export type Pullback = PullbackRule | "nondiff" | "composite" | "custom";

/**
 * A primitive's pullback: input cotangents from the output cotangent `ct`, the inputs, the output
 * and the parameters (`wants[i]` false: input i needs none; `undefined` is zero).
 *
 * @category model
 */
export type PullbackRule = (ct: Tensor, primals: readonly Tensor[], out: Tensor, params: never, wants: readonly boolean[]) => readonly (Tensor | undefined)[];

/**
 * The runtime twin of an op's type-level shape rule, read from a sampled call (input shapes and
 * the op's parameters): the output shape the rule promises.
 *
 * @category model
 */
export type ShapeTwin<P = never> = (inputs: readonly (readonly number[])[], params: P) => readonly number[];

/**
 * A registered op, defined once: its name; whether it owns a pullback (a primitive) or is built
 * from other ops (a composite, with no backward code); its math; the runtime twin of its shape
 * rule; its forward on every backend; its pullback; and its law spec. Every list of ops (names,
 * kernel codes, law tables, the docs index) is derived from these.
 *
 * @category model
 */
export interface OpDef<P = never> {
  readonly name: string;
  readonly kind: "primitive" | "composite";
  /** The forward math, one line. */
  readonly doc: string;
  /** The runtime twin of the type-level shape rule. */
  readonly shape: ShapeTwin<P>;
  readonly forward: Forward;
  readonly pullback: Pullback;
  /** Its law spec (every registered op states its forward error model, `error`: test/registry.test.ts). */
  readonly spec: Spec<P>;
}
