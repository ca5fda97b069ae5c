/**
 * Arbitraries, shape first then data: `arbShape`, `arbTensor(shape, domain)`, `arbTensors` (a
 * record of tensors sharing named dims), and `drawCase` (an op spec's sampled call with its data,
 * inside a property on `fc.gen()`). Builders validate their arguments and throw messages that
 * name the function and the argument.
 *
 * @module
 */
import fc from "fast-check";
import type { DType } from "../src/backend/backend.js";
import type { Case, Spec } from "../src/ops/spec.js";
import type { Dim, Shape } from "../src/shape/dims.js";
import { fromArray } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { type Domain, domains, isDiscrete, isVectorDomain, LEVELS, linesAlong, type TensorDomain, type VectorDomain, valueAt } from "./domains.js";
import { fcGen, tinyGen } from "./gen.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Constraints of `arbShape`.
 *
 * @category model
 * @since 0.1.0
 */
export interface ShapeConstraints {
  readonly minRank?: number;
  readonly maxRank?: number;
  readonly minDim?: number;
  readonly maxDim?: number;
}

/**
 * Options of the tensor arbitraries. `dtype` defaults to float64 (gradient checks need it);
 * `distinct` makes every element of a tensor different (at least one level apart), for laws
 * that must not sit on a tie (`max`, `argmax`).
 *
 * @category model
 * @since 0.1.0
 */
export interface TensorOptions {
  readonly dtype?: DType;
  readonly distinct?: boolean;
}

/**
 * One entry of `arbTensors`: a shape of numeric and named dims, or a shape with a domain.
 *
 * @category model
 * @since 0.1.0
 */
export type TensorSpec = readonly Dim[] | { readonly shape: readonly Dim[]; readonly domain?: TensorDomain };

type ShapeOfSpec<E> = E extends { readonly shape: infer S } ? Mutable<S> : Mutable<E>;
type Mutable<S> = S extends readonly Dim[] ? { -readonly [K in keyof S]: S[K] } : never;

/**
 * The record `arbTensors` draws: `{ X: [784, "m"] }` gives `{ X: Tensor<[784, "m"]> }`.
 *
 * @category model
 * @since 0.1.0
 */
export type TensorsOf<R extends Record<string, TensorSpec>> = { -readonly [K in keyof R]: Tensor<ShapeOfSpec<R[K]> extends infer S extends Shape ? S : Shape> };

/**
 * Options of `arbTensors`: sizes of the named dims (small by default, 1..4), dtype, and the
 * domain of entries that do not give one.
 *
 * @category model
 * @since 0.1.0
 */
export interface TensorsOptions extends TensorOptions {
  readonly minNamedDim?: number;
  readonly maxNamedDim?: number;
  readonly domain?: TensorDomain;
}

/**
 * A sampled call of an op with its input tensors.
 *
 * @category model
 * @since 0.1.0
 */
export interface DrawnCase<P> {
  readonly case: Case<P>;
  readonly inputs: Tensor[];
  /** Which inputs are differentiated by the gradient laws (discrete domains are held constant). */
  readonly differentiable: readonly boolean[];
}

// -------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------

const checkInt = (fn: string, arg: string, v: number, min: number): void => {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${fn}: '${arg}' must be an integer >= ${min}, got ${v}`);
};

const checkSizes = (fn: string, shape: unknown): readonly number[] => {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new TypeError(`${fn}: argument 'shape' must be an array of non-negative integer sizes, got ${JSON.stringify(shape)}`);
  return shape as readonly number[];
};

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

// -------------------------------------------------------------------------------------
// elements
// -------------------------------------------------------------------------------------

const levelArb = fc.noBias(fc.integer({ min: -LEVELS, max: LEVELS }));

/**
 * `n` levels (integers in `[-LEVELS, LEVELS]`, uniform, shrinking towards 0), all different when
 * `distinct`.
 *
 * @example
 * import { arbLevels, LEVELS } from "typegrad/laws"
 * import fc from "fast-check"
 * const [levels] = fc.sample(arbLevels(4, true), { numRuns: 1, seed: 1 })
 * levels !== undefined && new Set(levels).size === 4 && levels.every((k) => Math.abs(k) <= LEVELS) // true
 * @category constructors
 * @since 0.1.0
 */
export const arbLevels = (n: number, distinct = false): fc.Arbitrary<number[]> => {
  checkInt("arbLevels", "n", n, 0);
  if (distinct && n > 2 * LEVELS + 1) throw new RangeError(`arbLevels: cannot draw ${n} distinct levels (at most ${2 * LEVELS + 1})`);
  return distinct ? fc.uniqueArray(levelArb, { minLength: n, maxLength: n }) : fc.array(levelArb, { minLength: n, maxLength: n });
};

/**
 * `n` levels from a coarse grid of 9 (`-LEVELS`, …, 0, …, `LEVELS` in quarters), so that equal
 * elements are frequent: the forward laws of comparisons (`eq`, `ge`…) see ties.
 *
 * @example
 * import { arbCoarseLevels, LEVELS } from "typegrad/laws"
 * import fc from "fast-check"
 * const [levels] = fc.sample(arbCoarseLevels(6), { numRuns: 1, seed: 1 })
 * levels !== undefined && levels.every((k) => k % (LEVELS / 4) === 0) // true (a grid of 9, so ties are frequent)
 * @category constructors
 * @since 0.1.0
 */
export const arbCoarseLevels = (n: number): fc.Arbitrary<number[]> => {
  checkInt("arbCoarseLevels", "n", n, 0);
  return fc.array(
    fc.integer({ min: -4, max: 4 }).map((k) => (k * LEVELS) / 4),
    { minLength: n, maxLength: n },
  );
};

/** Elements of `shape` in the vector domain `d`, from levels (probability) or picks (one-hot). */
const vectorElements = (shape: readonly number[], d: VectorDomain, ks: readonly number[], picks: readonly number[]): number[] => {
  const data = new Array<number>(ks.length).fill(0);
  linesAlong(shape, d.axis).forEach((line, li) => {
    if (d.kind === "oneHot") {
      data[line[(picks[li] ?? 0) % line.length] as number] = 1;
      return;
    }
    const v = line.map((i) => valueAt(probabilityMass, ks[i] as number));
    const s = v.reduce((a, b) => a + b, 0);
    line.forEach((i, j) => {
      data[i] = (v[j] as number) / s;
    });
  });
  return data;
};

const probabilityMass: Domain = { name: "probability mass", min: 0.05, max: 1 };

/**
 * The flat elements of a tensor of `shape` in domain `d`.
 *
 * @example
 * import { arbElements, domains } from "typegrad/laws"
 * import fc from "fast-check"
 * // 6 numbers in [0.05, 0.95]
 * const [xs] = fc.sample(arbElements([2, 3], domains.unit), { numRuns: 1, seed: 1 })
 * xs?.length // 6
 * @category constructors
 * @since 0.1.0
 */
export const arbElements = (shape: readonly number[], d: TensorDomain = domains.real, opts: TensorOptions = {}): fc.Arbitrary<number[]> => {
  const sizes = checkSizes("arbElements", shape);
  const n = sizeOf(sizes);
  if (isVectorDomain(d)) {
    const lineCount = linesAlong(sizes, d.axis).length;
    const len = sizes[d.axis < 0 ? d.axis + sizes.length : d.axis] as number;
    const picks = fc.array(fc.integer({ min: 0, max: Math.max(0, len - 1) }), { minLength: lineCount, maxLength: lineCount });
    return fc.tuple(arbLevels(n, false), picks).map(([ks, ps]) => vectorElements(sizes, d, ks, ps));
  }
  return arbLevels(n, (opts.distinct ?? false) && d.values === undefined).map((ks) => ks.map((k) => valueAt(d, k)));
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Shapes: ranks `minRank..maxRank` (default 0..3), dims `minDim..maxDim` (default 1..4).
 * Shrinks to shorter shapes with smaller dims, always within the constraints.
 *
 * @example
 * import { arbShape } from "typegrad/laws"
 * import fc from "fast-check"
 * const [shape] = fc.sample(arbShape({ minRank: 2, maxRank: 2 }), { numRuns: 1, seed: 1 })
 * shape?.length // 2
 * @category constructors
 * @since 0.1.0
 */
export const arbShape = (c: ShapeConstraints = {}): fc.Arbitrary<number[]> => {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 4 } = c;
  checkInt("arbShape", "minRank", minRank, 0);
  checkInt("arbShape", "maxRank", maxRank, minRank);
  checkInt("arbShape", "minDim", minDim, 0);
  checkInt("arbShape", "maxDim", maxDim, minDim);
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
};

/**
 * Tensors of a fixed shape with elements in `domain` (default real numbers in [-3, 3]).
 *
 * @example
 * import { exp, toFlat } from "typegrad"
 * import { arbTensor, domains } from "typegrad/laws"
 * import fc from "fast-check"
 * // x: Tensor<[2, 3]>, elements in [0.2, 3]
 * fc.assert(fc.property(arbTensor([2, 3], domains.positive), (x) => toFlat(exp(x)).every((e) => e > 1)), { numRuns: 20 })
 * @category constructors
 * @since 0.1.0
 */
export const arbTensor = <const S extends readonly number[]>(shape: S, domain: TensorDomain = domains.real, opts: TensorOptions = {}): fc.Arbitrary<Tensor<Mutable<S>>> => {
  const sizes = checkSizes("arbTensor", shape);
  const dtype = opts.dtype ?? "float64";
  return arbElements(sizes, domain, opts).map((data) => fromArray(sizes, data, { dtype }) as unknown as Tensor<Mutable<S>>);
};

/**
 * A shape, then a tensor of that shape: shape first, then data.
 *
 * @example
 * import { abs } from "typegrad"
 * import { arbShapedTensor } from "typegrad/laws"
 * import fc from "fast-check"
 * fc.assert(fc.property(arbShapedTensor({ maxRank: 2 }), (x) => x.rank <= 2 && abs(x).size === x.size), { numRuns: 20 })
 * @category constructors
 * @since 0.1.0
 */
export const arbShapedTensor = (c: ShapeConstraints = {}, domain: TensorDomain = domains.real, opts: TensorOptions = {}): fc.Arbitrary<Tensor> =>
  arbShape(c).chain((s) => arbTensor(s, domain, opts) as fc.Arbitrary<Tensor>);

/**
 * A record of tensors whose named dims are drawn once and shared: in
 * `arbTensors({ X: [784, "m"], Y: [10, "m"] })` X and Y have the same number of columns.
 *
 * @example
 * import { arbTensors, domains } from "typegrad/laws"
 * import fc from "fast-check"
 * // X and Y share their number of columns "m"
 * const spec = { X: [3, "m"], Y: { shape: [1, "m"], domain: domains.mask } } as const
 * fc.assert(fc.property(arbTensors(spec), ({ X, Y }) => X.shape[1] === Y.shape[1]), { numRuns: 20 })
 * @category constructors
 * @since 0.1.0
 */
export const arbTensors = <const R extends Record<string, TensorSpec>>(spec: R, opts: TensorsOptions = {}): fc.Arbitrary<TensorsOf<R>> => {
  if (spec === null || typeof spec !== "object") throw new TypeError("arbTensors: argument 'spec' must be a record of shapes");
  const { minNamedDim = 1, maxNamedDim = 4 } = opts;
  checkInt("arbTensors", "minNamedDim", minNamedDim, 0);
  checkInt("arbTensors", "maxNamedDim", maxNamedDim, minNamedDim);
  const entries = Object.entries(spec).map(([k, e]) => {
    const shape = Array.isArray(e) ? (e as readonly Dim[]) : (e as { readonly shape: readonly Dim[] }).shape;
    const domain = Array.isArray(e) ? undefined : (e as { readonly domain?: TensorDomain }).domain;
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== "string" && (!Number.isInteger(d) || d < 0))) {
      throw new TypeError(`arbTensors: entry '${k}' must be a shape of sizes and named dims, got ${JSON.stringify(shape)}`);
    }
    return { k, shape, domain: domain ?? opts.domain ?? domains.real };
  });
  const names = [...new Set(entries.flatMap((e) => e.shape.filter((d): d is string => typeof d === "string")))];
  const dims = fc.record(Object.fromEntries(names.map((n) => [n, fc.integer({ min: minNamedDim, max: maxNamedDim })])) as Record<string, fc.Arbitrary<number>>);
  return dims.chain((sizes) => {
    const arbs = Object.fromEntries(
      entries.map((e) => [
        e.k,
        arbTensor(
          e.shape.map((d) => (typeof d === "string" ? (sizes[d] as number) : d)),
          e.domain,
          opts,
        ),
      ]),
    );
    // fc.record builds objects without a prototype; parameter trees are plain records.
    return fc.record(arbs).map((r) => ({ ...r })) as unknown as fc.Arbitrary<TensorsOf<R>>;
  });
};

// -------------------------------------------------------------------------------------
// op cases
// -------------------------------------------------------------------------------------

/**
 * Draw a sampled call of an op inside a property on `fc.gen()`: the spec's sampler chooses shapes
 * and parameters through `g`, then the data of every input is drawn from its domain: for a
 * differentiable op the continuous inputs are all distinct (no gradient check sits on a tie); for
 * a non-differentiable one (`nondiff`: comparisons) they come from a coarse grid, so ties occur.
 * With `tiny`, shapes stay tiny (full Jacobians).
 *
 * @example
 * import { drawCase, registry } from "typegrad/laws"
 * import fc from "fast-check"
 * fc.assert(
 *   fc.property(fc.gen(), (g) => {
 *     const { inputs, differentiable } = drawCase(registry.add.spec, g, { dtype: "float64" })
 *     return inputs.length === 2 && differentiable.every((d) => d)
 *   }),
 *   { numRuns: 10 },
 * )
 * @category constructors
 * @since 0.1.0
 */
export const drawCase = <P>(spec: Spec<P>, g: fc.GeneratorValue, opts: { readonly dtype: DType; readonly tiny?: boolean }): DrawnCase<P> => {
  const c = spec.sample(opts.tiny === true ? tinyGen(fcGen(g)) : fcGen(g));
  const differentiable = c.inputs.map((x) => !isDiscrete(x.domain));
  const sizes = c.inputs.map((x) => sizeOf(x.shape));
  const total = sizes.reduce((s, n, i) => s + (differentiable[i] ? n : 0), 0);
  const shared = spec.nondiff === true ? g(arbCoarseLevels, total) : g(arbLevels, total, true);
  let at = 0;
  const inputs = c.inputs.map((x, i) => {
    const n = sizes[i] as number;
    let ks: readonly number[];
    if (differentiable[i]) {
      ks = shared.slice(at, at + n);
      at += n;
    } else ks = g(arbLevels, n, false);
    return fromArray(
      x.shape,
      ks.map((k) => valueAt(x.domain, k)),
      { dtype: opts.dtype },
    ) as Tensor;
  });
  return { case: c, inputs, differentiable };
};

/**
 * Draw, inside a property on `fc.gen()`, a float64 tensor of `shape` with elements in [-1, 1]: a
 * direction or a cotangent.
 *
 * @example
 * import { drawDirection } from "typegrad/laws"
 * import fc from "fast-check"
 * fc.assert(fc.property(fc.gen(), (g) => drawDirection(g, [2, 3]).size === 6), { numRuns: 5 })
 * @category constructors
 * @since 0.1.0
 */
export const drawDirection = (g: fc.GeneratorValue, shape: readonly number[], dtype: DType = "float64"): Tensor =>
  fromArray(
    shape,
    g(arbLevels, sizeOf(shape), false).map((k) => valueAt(domains.direction, k)),
    { dtype },
  ) as Tensor;
