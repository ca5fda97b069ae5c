/**
 * The immutable tensor. `Tensor<[128, "m"]>` carries its shape as a type; at run time it holds
 * its sizes, its dtype and either a storage (a concrete value) or, while a function is being
 * differentiated, a traced value (the primal it wraps and how it was computed).
 *
 * @module
 */
import type { DType, Storage } from "../backend/backend.js";
import type { Shape } from "../shape/dims.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

declare const shapeType: unique symbol;

/** The runtime sizes of a shape type: literal dims stay literal, named and unknown dims are numbers. @category model */
export type SizesOf<S extends Shape> = { readonly [K in keyof S]: S[K] extends number ? S[K] : number };

/**
 * A differentiation in progress. Levels grow with nesting, so the innermost trace wins when an op
 * sees values of several traces (this is what makes `grad(grad(f))` correct).
 *
 * @internal
 */
export class Trace {
  private static next = 0;
  /** Traces not yet ended. */
  static open = 0;
  readonly level = Trace.next++;
  active = true;
  /**
   * Set on the outermost trace of a `grad`: the storages of the primals its nodes computed
   * (fresh ones, not aliases of their inputs), which are dead once the gradient is taken.
   */
  tape: Set<Storage> | undefined = undefined;
  /** After release: the storages given back; a kept tensor of this trace that uses one is an error. */
  freed: ReadonlySet<Storage> | undefined = undefined;
  constructor() {
    Trace.open++;
  }
  end(): void {
    if (this.active) Trace.open--;
    this.active = false;
  }
}

/** How a traced value was computed: the primitive, its parameters and its inputs. @internal */
export interface Node {
  readonly prim: Primitive<unknown>;
  readonly params: unknown;
  /** The inputs as the op saw them (some traced at this node's trace, some not). */
  readonly inputs: readonly Tensor[];
  /** The inputs' values one level down (what the pullback computes with). */
  readonly primals: readonly Tensor[];
}

/** @internal */
export type Impl = { readonly kind: "concrete"; readonly storage: Storage } | { readonly kind: "traced"; readonly trace: Trace; readonly primal: Tensor; readonly node: Node | undefined };

/** Every tensor the constructor made (a Proxy or a prototype-made object is not one). */
const made = new WeakSet<object>();

/**
 * An immutable n-dimensional array whose type carries its shape.
 *
 * @example
 * import { isTensor, Tensor, tensor } from "typegrad"
 * const x = tensor([[1, 2, 3], [4, 5, 6]]) // Tensor<[2, 3]>
 * x.shape // [2, 3]
 * x.dtype // "float32"
 * x instanceof Tensor // true
 * isTensor(x) // true
 * @category model
 */
export class Tensor<S extends Shape = Shape> {
  declare readonly [shapeType]: S;
  /** The sizes, one per axis. */
  readonly shape: SizesOf<S>;
  /** @internal */
  readonly impl: Impl;

  /** @internal */
  constructor(
    shape: readonly number[],
    /** The element type. */
    readonly dtype: DType,
    impl: Impl,
  ) {
    this.shape = Object.freeze([...shape]) as unknown as SizesOf<S>;
    this.impl = impl;
    Object.freeze(this);
    made.add(this);
  }

  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    let n = 1;
    for (const d of this.shape as readonly number[]) n *= d;
    return n;
  }
}

/**
 * True for tensors (used to tell the data-first from the data-last form of an op, and by the
 * decoders). Only tensors this module made count: a Proxy around one (which passes
 * `instanceof`) or an object made with `Object.create(Tensor.prototype)` does not.
 *
 * @example
 * import { isTensor, tensor } from "typegrad"
 * isTensor(tensor([1, 2])) // true
 * isTensor([1, 2]) // false
 * @category model
 */
export const isTensor = (u: unknown): u is Tensor => u instanceof Tensor && made.has(u);

/** A tensor of a storage. @internal */
export const fromStorage = <S extends Shape>(storage: Storage, shape: readonly number[]): Tensor<S> => new Tensor<S>(shape, storage.dtype, { kind: "concrete", storage });

// -------------------------------------------------------------------------------------
// primitives and their application
// -------------------------------------------------------------------------------------

/** Runtime shapes. */
export type RuntimeShape = readonly number[];

/**
 * A primitive op: its runtime shape rule, its kernel call and its pullback (written with public
 * ops, so it can be differentiated again). A `"nondiff"` primitive (comparisons, argmax) has a
 * zero derivative everywhere it is defined; its output is never traced.
 *
 * @category model
 */
export interface Primitive<P> {
  readonly name: string;
  readonly shape: (shapes: readonly RuntimeShape[], params: P) => number[];
  /** The kernel call. Only a differentiable primitive may return an input's storage (an alias). */
  readonly forward: (storages: readonly Storage[], shapes: readonly RuntimeShape[], params: P, out: RuntimeShape) => Storage;
  /**
   * Input cotangents from the output cotangent `ct`. Cotangents may keep a broadcast shape: the
   * autodiff core sums them down to each input's shape once, centrally. `undefined` = zero.
   * `wants[i]` is false when input i needs no cotangent (a constant): skip computing it.
   */
  readonly pullback: ((ct: Tensor, primals: readonly Tensor[], out: Tensor, params: P, wants: readonly boolean[]) => readonly (Tensor | undefined)[]) | "nondiff";
}

/** A tensor computed inside `grad` whose memory was given back, used after `grad` returned. */
const released = (t: Tensor): never => {
  throw new Error(
    `grad: a tensor of shape ${JSON.stringify(t.shape)} computed inside the function being differentiated was kept and used after grad returned; its memory has been reused. Return what you need from the function, compute it outside, or use vjp, which keeps intermediates`,
  );
};

/** Unwrap the values of traces that have ended. @internal */
export const live = (x: Tensor): Tensor => {
  let t = x;
  while (t.impl.kind === "traced" && !t.impl.trace.active) {
    const { trace, primal } = t.impl;
    if (trace.freed !== undefined && primal.impl.kind === "concrete" && trace.freed.has(primal.impl.storage)) released(t);
    t = primal;
  }
  return t;
};

/** The concrete storage under any number of traces. @internal */
export const storageOf = (x: Tensor): Storage => {
  let t = live(x);
  while (t.impl.kind === "traced") t = t.impl.primal;
  return t.impl.storage;
};

let tidying: Set<Storage> | undefined;

/**
 * Run `f`, then give back to the backend the memory of every tensor computed by ops inside it
 * except those in `keep(result)`. Only for library code that runs no user code and leaks no
 * tensor (a pullback walk, an optimizer rule), and only when no trace is open (values computed
 * under a trace may be residuals of an outer differentiation). A no-op for backends whose
 * memory is garbage-collected.
 *
 * @internal
 */
export const tidy = <A>(f: () => A, keep: (a: A) => readonly Tensor[]): A => {
  if (tidying !== undefined || Trace.open > 0) return f();
  const fresh = new Set<Storage>();
  tidying = fresh;
  let out: A;
  try {
    out = f();
  } finally {
    tidying = undefined;
  }
  for (const t of keep(out)) fresh.delete(storageOf(t));
  giveBack(fresh);
  return out;
};

/** Hand storages to their backends' `release`. @internal */
export const giveBack = (storages: Iterable<Storage>): void => {
  for (const s of storages) s.backend.release?.(s);
};

/**
 * Apply a primitive to tensors: run its kernel on concrete values, or, when an input belongs to
 * an active trace, apply it one level down and record the node at the innermost trace.
 *
 * @internal
 */
export const bind = <P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor => {
  const xs = inputs.map(live);
  let top: Trace | undefined;
  if (prim.pullback !== "nondiff") {
    for (const x of xs) if (x.impl.kind === "traced" && (top === undefined || x.impl.trace.level > top.level)) top = x.impl.trace;
  }
  if (top === undefined) {
    const shapes = xs.map((x) => x.shape as RuntimeShape);
    const out = prim.shape(shapes, params);
    const storages = xs.map(storageOf);
    const backend = (storages[0] as Storage).backend;
    const local = storages.map((s) => (s.backend === backend ? s : backend.fromArray(s.dtype, s.backend.read(s))));
    const result = prim.forward(local, shapes, params, out);
    if (tidying !== undefined && Trace.open === 0 && !local.includes(result)) tidying.add(result);
    return fromStorage(result, out);
  }
  const trace = top;
  const primals = xs.map((x) => (x.impl.kind === "traced" && x.impl.trace === trace ? x.impl.primal : x));
  const primal = bind(prim, primals, params);
  if (trace.tape !== undefined && primal.impl.kind === "concrete") {
    const s = primal.impl.storage;
    if (!primals.some((p) => p.impl.kind === "concrete" && p.impl.storage === s)) trace.tape.add(s);
  }
  return new Tensor(primal.shape as RuntimeShape, primal.dtype, { kind: "traced", trace, primal, node: { prim: prim as Primitive<unknown>, params, inputs: xs, primals } });
};

/** A leaf of trace `t`: an input of the function being differentiated. @internal */
export const leaf = (t: Trace, x: Tensor): Tensor => new Tensor(x.shape as RuntimeShape, x.dtype, { kind: "traced", trace: t, primal: live(x), node: undefined });
