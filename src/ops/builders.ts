/**
 * Op builders: an elementwise or reduction op is one call, which yields the public function, its
 * primitive and its registry entry at once. The kernel is defined here too (its scalar function
 * runs on the reference backend; its AssemblyScript body is compiled into the WASM kernels by
 * `npm run gen:kernels`), so a new elementwise op is one file plus its registry line.
 *
 * Broadcasting is undone once, in the autodiff core: a binary pullback returns cotangents of the
 * output's shape.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { BinaryKernel, ReduceKernel, UnaryKernel } from "../backend/backend.js";
import { defineBinaryScalar, defineUnaryScalar } from "../backend/scalars.js";
import { broadcast } from "../shape/broadcast.js";
import type { Shape } from "../shape/dims.js";
import { reduce } from "../shape/reduce.js";
import type { Tensor } from "../tensor/tensor.js";
import { dual, elementwiseCase, expectTensor, kinkDomain, type Operand, one, operands, sampleShape, two } from "./define.js";
import { axisOf, indices, reduceDense, zipWith } from "./naive.js";
import { reshapeSizes } from "./reshapePrim.js";
import { type BinaryKernelSource, type Case, type Dense, type Domain, domains, type ErrorModel, type Gen, type Kinks, type OpDef, oneRounding, type Spec, type UnaryKernelSource } from "./spec.js";
import type { BinaryOp } from "./types.js";

// -------------------------------------------------------------------------------------
// unary
// -------------------------------------------------------------------------------------

/** What a law needs of an elementwise op beyond its kernel: a domain and an independent reference. */
export interface ElementwiseLaws<F> {
  /** An independent reference (a naive formula, not the kernel's). */
  readonly reference: F;
  /** `grad(grad(f))` is checked too. */
  readonly secondOrder?: true;
  /** The reference's own error, in ulps of the output, when it is not exact to rounding (a quadrature). */
  readonly referenceUlps?: number;
}

/**
 * An elementwise unary op: its kernel, its pullback (from the output cotangent, the input and
 * the output; `"nondiff"` for a zero derivative) and its laws.
 *
 * @category model
 */
export interface UnaryOpConfig<K extends UnaryKernel> {
  readonly name: K;
  readonly doc: string;
  readonly kernel: Omit<UnaryKernelSource, "kind" | "name" | "costly"> & { readonly costly?: boolean };
  readonly pullback: ((ct: Tensor, x: Tensor, out: Tensor) => Tensor) | "nondiff";
  readonly spec: ElementwiseLaws<(x: number) => number> & { readonly domain: Domain; readonly kinks?: UnaryKinks };
}

/**
 * The documented derivative of a unary op at its kinks: the kink points and the derivative the
 * pullback uses there (and everywhere: `ct_x = ct · derivative(x)`).
 *
 * @category model
 */
export interface UnaryKinks {
  readonly points: readonly number[];
  readonly derivative: (x: number) => number;
}

/**
 * The documented partial derivatives of a binary op at its ties (`a = b`): `[∂/∂a, ∂/∂b]`.
 *
 * @category model
 */
export interface BinaryKinks {
  readonly derivative: (a: number, b: number) => readonly [number, number];
}

/** The unary kink law: inputs on the kinks, `ct_x = ct · derivative(x)`. */
const unaryKinks = (k: UnaryKinks): Kinks<void> => ({
  sample: (g) => elementwiseCase(g, [kinkDomain(k.points)]),
  pullback: ([x], ct) => [zipWith([x as Dense, ct], (v, c) => (c as number) * k.derivative(v as number))],
});

/** The binary kink law: equal shapes, values from a small set (ties are frequent). */
const binaryKinks = (k: BinaryKinks): Kinks<void> => ({
  sample: (g) => {
    const shape = sampleShape(g, 0, 3);
    const d = kinkDomain([0, 1]);
    return {
      inputs: [
        { shape, domain: d },
        { shape: [...shape], domain: d },
      ],
      params: undefined,
    };
  },
  pullback: ([a, b], ct) => [0, 1].map((i) => zipWith([a as Dense, b as Dense, ct], (x, y, c) => (c as number) * (k.derivative(x as number, y as number)[i] as number))),
});

/** A built unary op: the public function, its primitive, its registry entry. @category model */
export interface BuiltUnary {
  readonly op: <S extends Shape>(x: Tensor<S>) => Tensor<S>;
  readonly prim: Primitive<void>;
  readonly def: OpDef<void>;
}

const sameShape = (ss: readonly (readonly number[])[]): number[] => [...one(ss)];

/** The optional law setting of a spec, without an `undefined` entry (tolerances come from the error model). */
const lawFlags = (s: { readonly secondOrder?: true }): Pick<Spec<void>, "secondOrder"> => (s.secondOrder === undefined ? {} : { secondOrder: s.secondOrder });

/**
 * Define an elementwise unary op over its own kernel.
 *
 * @example
 * const built = unaryOp({ name: "exp", doc: "out = eˣ", kernel: { scalar: Math.exp, wasm: { f32: "Mathf.exp(v)", f64: "Math.exp(v)" }, costly: true, accuracy: { lo: -80, hi: 80, ulp: 1 } }, pullback: (ct, _x, out) => mul(ct, out), spec: { domain: domains.real, reference: Math.exp } })
 * @category constructors
 */
export const unaryOp = <K extends UnaryKernel>(c: UnaryOpConfig<K>): BuiltUnary => {
  const kernel: UnaryKernelSource = { kind: "unary", name: c.name, scalar: c.kernel.scalar, wasm: c.kernel.wasm, costly: c.kernel.costly ?? false, accuracy: c.kernel.accuracy };
  defineUnaryScalar(c.name, kernel.scalar);
  const rule = c.pullback;
  const prim: Primitive<void> = {
    name: c.name,
    shape: sameShape,
    forward: (xs) => {
      const x = one(xs);
      return x.backend.unary(c.name, x);
    },
    pullback: rule === "nondiff" ? "nondiff" : (ct, xs, out) => [rule(ct, one(xs), out)],
  };
  const apply = (x: Tensor): Tensor => bind(prim, [expectTensor(c.name, "x", x)], undefined);
  const def: OpDef<void> = {
    name: c.name,
    kind: "primitive",
    doc: c.doc,
    shape: sameShape,
    forward: kernel,
    pullback: prim.pullback,
    spec: {
      sample: (g) => elementwiseCase(g, [c.spec.domain]),
      call: (xs) => apply(one(xs)),
      reference: (xs) => zipWith(xs, c.spec.reference),
      // the kernel's declared accuracy against the float64 reference, plus the final rounding
      error: {
        ulps: {
          float32: kernel.accuracy.ulp + 0.5 + (c.spec.referenceUlps ?? 0),
          float64: (kernel.accuracy.ulp64 ?? kernel.accuracy.ulp) + 0.5 + (c.spec.referenceUlps ?? 0),
        },
      },
      ...lawFlags(c.spec),
      ...(rule === "nondiff" ? { nondiff: true } : {}),
      ...(c.spec.kinks === undefined ? {} : { kinks: unaryKinks(c.spec.kinks) }),
    },
  };
  return { op: apply as BuiltUnary["op"], prim, def };
};

// -------------------------------------------------------------------------------------
// binary
// -------------------------------------------------------------------------------------

/**
 * An elementwise binary op with numpy broadcasting: its kernel, its pullback (cotangents of the
 * output's shape; `wants[i]` false: input i needs none) and its laws.
 *
 * @category model
 */
export interface BinaryOpConfig<K extends BinaryKernel> {
  readonly name: K;
  readonly doc: string;
  readonly kernel: Omit<BinaryKernelSource, "kind" | "name">;
  readonly pullback: ((ct: Tensor, a: Tensor, b: Tensor, out: Tensor, wants: readonly boolean[]) => readonly [Tensor | undefined, Tensor | undefined]) | "nondiff";
  readonly spec: ElementwiseLaws<(a: number, b: number) => number> & { readonly domains: readonly [Domain, Domain]; readonly kinks?: BinaryKinks; readonly error?: ErrorModel<void> };
}

/** A built binary op. @category model */
export interface BuiltBinary<K extends string> {
  readonly op: BinaryOp<K>;
  readonly prim: Primitive<void>;
  readonly def: OpDef<void>;
}

const broadcastTwin =
  (name: string) =>
  (ss: readonly (readonly number[])[]): number[] => {
    const [a, b] = two(ss);
    return broadcast(a, b, name);
  };

/**
 * Define an elementwise binary op (numpy broadcasting, a plain number on either side) over its
 * own kernel.
 *
 * @example
 * const built = binaryOp({ name: "add", doc: "a + b", kernel: { scalar: (a, b) => a + b, wasm: "a + b" }, pullback: (ct) => [ct, ct], spec: { domains: [domains.real, domains.real], reference: (a, b) => a + b } })
 * @category constructors
 */
export const binaryOp = <K extends BinaryKernel>(c: BinaryOpConfig<K>): BuiltBinary<K> => {
  const kernel: BinaryKernelSource = { kind: "binary", name: c.name, scalar: c.kernel.scalar, wasm: c.kernel.wasm };
  defineBinaryScalar(c.name, kernel.scalar);
  const rule = c.pullback;
  const prim: Primitive<void> = {
    name: c.name,
    shape: broadcastTwin(c.name),
    forward: (xs, ss, _p, out) => {
      const [a, b] = two(xs);
      const [sa, sb] = two(ss);
      return a.backend.binary(c.name, a, sa, b, sb, out);
    },
    pullback:
      rule === "nondiff"
        ? "nondiff"
        : (ct, xs, out, _p, wants) => {
            const [a, b] = two(xs);
            return rule(ct, a, b, out, wants);
          },
  };
  const apply = (a: Operand, b: Operand): Tensor => bind(prim, operands(c.name, a, b), undefined);
  const def: OpDef<void> = {
    name: c.name,
    kind: "primitive",
    doc: c.doc,
    shape: broadcastTwin(c.name),
    forward: kernel,
    pullback: prim.pullback,
    spec: {
      sample: (g) => elementwiseCase(g, c.spec.domains),
      call: (xs) => {
        const [a, b] = two(xs);
        return apply(a, b);
      },
      reference: (xs) => zipWith(xs, (a, b) => c.spec.reference(a as number, b as number)),
      error: c.spec.error ?? { ulps: oneRounding },
      ...lawFlags(c.spec),
      ...(rule === "nondiff" ? { nondiff: true } : {}),
      ...(c.spec.kinks === undefined ? {} : { kinks: binaryKinks(c.spec.kinks) }),
    },
  };
  return { op: dual(2, apply), prim, def };
};

// -------------------------------------------------------------------------------------
// reductions
// -------------------------------------------------------------------------------------

/** Parameters of a one-axis reduction primitive. */
export interface AxisParams {
  readonly axis: number;
}

/** The parameters of a sampled reduction. @internal */
export interface ReduceParams {
  readonly axis: number | undefined;
  readonly keepDims: boolean;
}

/** The number of elements folded into one output of a sampled reduction (the reduced axis, or all). @internal */
export const reducedLength = (c: Case<ReduceParams>): number => {
  const s = (c.inputs[0]?.shape ?? []) as readonly number[];
  return c.params.axis === undefined ? s.reduce((a, b) => a * b, 1) : (s[c.params.axis < 0 ? c.params.axis + s.length : c.params.axis] as number);
};

/** A reduction case: a shape of real values, an axis (or none) and keepDims. @internal */
export const sampleReduce = (g: Gen): Case<ReduceParams> => {
  const shape = sampleShape(g, 1, 3);
  const axis = g.bool() ? undefined : g.int(-shape.length, shape.length - 1);
  return { inputs: [{ shape, domain: domains.real }], params: { axis, keepDims: g.bool() } };
};

/**
 * Reduce every element, or one axis, with a one-axis primitive: the shared driver of the
 * reductions. @internal
 */
export const reduceWith = (op: string, prim: Primitive<AxisParams>, x: Tensor, axis?: number, keepDims = false): Tensor => {
  expectTensor(op, "x", x);
  if (axis !== undefined && typeof axis !== "number") throw new TypeError(`${op}: argument 'axis' must be a number, got ${JSON.stringify(axis)}`);
  const shape = x.shape as readonly number[];
  const out = reduce(shape, axis, keepDims, op);
  if (axis === undefined) {
    const all = bind(prim, [reshapeSizes(x, [x.size])], { axis: 0 });
    return keepDims ? reshapeSizes(all, out) : all;
  }
  const r = bind(prim, [x], { axis: axis < 0 ? axis + shape.length : axis });
  return keepDims ? reshapeSizes(r, out) : r;
};

/**
 * A reduction along one axis over a backend reduce kernel: its pullback (given the input, the
 * output and the axis) and its reference fold.
 *
 * @category model
 */
export interface ReduceOpConfig<K extends ReduceKernel> {
  readonly name: K;
  readonly doc: string;
  readonly pullback: (ct: Tensor, x: Tensor, out: Tensor, axis: number) => Tensor;
  readonly spec: { readonly fold: (acc: number, v: number) => number; readonly init: number; readonly ties?: TieRule; readonly error: ErrorModel<ReduceParams> };
}

/**
 * How a selecting reduction (`max`) documents its cotangent on ties: `"split"` divides `ct`
 * evenly between the tied maximal elements.
 *
 * @category model
 */
export type TieRule = "split";

/** The tie law of a selecting reduction: few distinct values (ties are frequent), `ct` split evenly between the selected elements. */
const reduceKinks = (fold: (acc: number, v: number) => number, init: number): Kinks<ReduceParams> => ({
  sample: (g) => {
    const c = sampleReduce(g);
    return { ...c, inputs: c.inputs.map((x) => ({ ...x, domain: kinkDomain([0, 1]) })) };
  },
  pullback: ([x], ct, { axis }) => {
    const a = x as Dense;
    const flat = axis === undefined ? { shape: [a.data.length], data: a.data } : a;
    const ax = axis === undefined ? 0 : axisOf(axis, a.shape.length);
    const best = reduceDense(flat, ax, false, fold, init).data;
    const outIndex = (ix: readonly number[]): number => {
      const rest = ix.filter((_, k) => k !== ax);
      return rest.reduce((f, v, k) => f * (flat.shape.filter((_, j) => j !== ax)[k] as number) + v, 0);
    };
    const all = indices(flat.shape);
    const count = new Array<number>(best.length).fill(0);
    for (const [i, ix] of all.entries()) if (flat.data[i] === best[outIndex(ix)]) count[outIndex(ix)] = (count[outIndex(ix)] as number) + 1;
    const data = all.map((ix, i) => {
      const o = outIndex(ix);
      return flat.data[i] === best[o] ? (ct.data[o] as number) / (count[o] as number) : 0;
    });
    return [{ shape: a.shape, data }];
  },
});

/** A built reduction: its driver (all elements, or one axis, with keepDims), primitive and entry. @category model */
export interface BuiltReduce {
  readonly apply: (x: Tensor, axis?: number, keepDims?: boolean) => Tensor;
  readonly prim: Primitive<AxisParams>;
  readonly def: OpDef<ReduceParams>;
}

/**
 * Define a reduction over a backend reduce kernel.
 *
 * @example
 * const built = reduceOp({ name: "sum", doc: "Σ along an axis", pullback: …, spec: { fold: (s, v) => s + v, init: 0 } })
 * @category constructors
 */
export const reduceOp = <K extends ReduceKernel>(c: ReduceOpConfig<K>): BuiltReduce => {
  const prim: Primitive<AxisParams> = {
    name: c.name,
    shape: (ss, { axis }) => reduce(one(ss), axis, false, c.name),
    forward: (xs, ss, { axis }) => {
      const x = one(xs);
      return x.backend.reduce(c.name, x, one(ss), axis);
    },
    pullback: (ct, xs, out, { axis }) => [c.pullback(ct, one(xs), out, axis)],
  };
  const apply = (x: Tensor, axis?: number, keepDims?: boolean): Tensor => reduceWith(c.name, prim, x, axis, keepDims);
  const def: OpDef<ReduceParams> = {
    name: c.name,
    kind: "primitive",
    doc: c.doc,
    shape: (ss, p) => reduce(one(ss), p.axis, p.keepDims),
    forward: { kind: "backend", method: "reduce" },
    pullback: prim.pullback,
    spec: {
      sample: sampleReduce,
      call: (xs, { axis, keepDims }) => apply(one(xs), axis, keepDims),
      reference: (xs, { axis, keepDims }) => reduceDense(one(xs), axis, keepDims, c.spec.fold, c.spec.init),
      error: c.spec.error,
      ...(c.spec.ties === "split" ? { kinks: reduceKinks(c.spec.fold, c.spec.init) } : {}),
    },
  };
  return { apply, prim, def };
};
