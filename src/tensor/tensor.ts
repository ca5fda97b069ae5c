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
 * The trace a traced tensor belongs to, as the tensor sees it: its nesting level, whether it is
 * still open, and the memory bookkeeping of an outermost `grad`. The one implementation is
 * `Trace` in `autodiff/core.ts`, which also records how each traced value was computed.
 *
 * @internal
 */
export interface TraceTag {
  /** Levels grow with nesting: the innermost trace wins when an op sees values of several. */
  readonly level: number;
  /** False once the differentiation has ended: the tensor then stands for its primal. */
  readonly active: boolean;
  /**
   * Set on the outermost trace of a `grad`: the storages of the primals its nodes computed
   * (fresh ones, not aliases of their inputs), which are dead once the gradient is taken.
   */
  tape: Set<Storage> | undefined;
  /** After release: the storages given back; a kept tensor of this trace that uses one is an error. */
  readonly freed: ReadonlySet<Storage> | undefined;
}

/** @internal */
export type Impl = { readonly kind: "concrete"; readonly storage: Storage } | { readonly kind: "traced"; readonly trace: TraceTag; readonly primal: Tensor };

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
// values under traces
// -------------------------------------------------------------------------------------

/** Runtime shapes. */
export type RuntimeShape = readonly number[];

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
