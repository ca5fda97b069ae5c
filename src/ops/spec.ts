/**
 * What every op declares about itself, next to its code: how to sample valid inputs for it
 * (shapes first, then data from an explicit numeric domain), an independent reference for its
 * forward pass, and tolerances. These are data and plain functions: the law runners in `laws/`
 * read them (with fast-check); `src/` itself never imports a test library.
 *
 * @module
 */
import type { DType } from "../backend/backend.js";
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

/** The default tolerances: float64 tight, float32 loose. */
export const defaultTolerance: Tolerance = { float32: 1e-3, float64: 1e-7 };

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
  /** Tolerances (defaults to `defaultTolerance`: 1e-3 for float32, 1e-7 for float64). */
  readonly tolerance?: Tolerance;
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
}

/**
 * A registered op: its name, whether it owns a pullback (a primitive) or is built from other ops
 * (a composite, with no backward code), and its law spec.
 *
 * @category model
 */
export interface OpDef<P = never> {
  readonly name: string;
  readonly kind: "primitive" | "composite";
  readonly doc: string;
  readonly spec: Spec<P>;
}
