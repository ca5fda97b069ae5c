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
}

/**
 * A concrete value's storage, or a traced value: its trace, its value one level down, and how it
 * was computed (`node`, the autodiff core's record; `undefined` for a leaf). The node is held
 * here, not in a side table: a `WeakMap` entry per traced value cost a hash insert and ephemeron
 * work for the collector on every op under a trace.
 *
 * @internal
 */
export type Impl = { readonly kind: "concrete"; readonly storage: Storage } | { readonly kind: "traced"; readonly trace: TraceTag; readonly primal: Tensor; readonly node: object | undefined };

/**
 * True for an object the constructor made: it carries the class's private brand, which a Proxy
 * around a tensor or an object made with `Object.create(Tensor.prototype)` lacks. A brand check
 * is a field lookup; a `WeakSet` of every tensor cost ~0.5 µs per tensor made (its `add`), plus
 * the collector's ephemeron work, ~100 tensors per training step.
 */
let branded: (u: object) => boolean;

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
  readonly #made = true;
  static {
    branded = (u) => #made in u;
  }

  /** @internal */
  constructor(
    shape: readonly number[],
    /** The element type. */
    readonly dtype: DType,
    impl: Impl,
  ) {
    // an op's output mostly has an input's shape: a frozen array is kept, not copied again
    this.shape = (Array.isArray(shape) && Object.isFrozen(shape) ? shape : Object.freeze([...shape])) as unknown as SizesOf<S>;
    this.impl = impl;
    Object.freeze(this);
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
export const isTensor = (u: unknown): u is Tensor => u instanceof Tensor && branded(u);

/**
 * A tensor of `storage`, a fresh one made now (by a creation function or a kernel): the
 * innermost open memory scope collects it (see `collect`).
 *
 * @internal
 */
export const fromStorage = <S extends Shape>(storage: Storage, shape: readonly number[]): Tensor<S> => {
  collect(storage);
  return viewOf(storage, shape);
};

/** A tensor of a storage that is not new (an op's output that is one of its inputs' storage). @internal */
export const viewOf = <S extends Shape>(storage: Storage, shape: readonly number[]): Tensor<S> => new Tensor<S>(shape, storage.dtype, { kind: "concrete", storage });

// -------------------------------------------------------------------------------------
// values under traces
// -------------------------------------------------------------------------------------

/** Runtime shapes. */
export type RuntimeShape = readonly number[];

/** Unwrap the values of traces that have ended. @internal */
export const live = (x: Tensor): Tensor => {
  let t = x;
  while (t.impl.kind === "traced" && !t.impl.trace.active) t = t.impl.primal;
  return t;
};

/**
 * The concrete storage under any number of traces, for a kernel or a read. A storage whose
 * memory went back to its backend is an error naming `fn` and the argument (`arg`: its name, or
 * its position among an op's inputs), whatever the backend: its memory may hold another tensor.
 *
 * @internal
 */
export const storageOf = (x: Tensor, fn?: string, arg?: string | number): Storage => {
  const s = storageBelow(x);
  const why = releaseOf(s);
  if (why !== undefined) useAfterRelease(x, why, fn, arg);
  return s;
};

/** The storage under `x`, released or not: for the memory bookkeeping alone. @internal */
export const storageBelow = (x: Tensor): Storage => {
  let t = x;
  while (t.impl.kind === "traced") t = t.impl.primal;
  return t.impl.storage;
};

// -------------------------------------------------------------------------------------
// memory scopes
// -------------------------------------------------------------------------------------

/**
 * Why a storage's memory went back to its backend (see `giveBack` in `autodiff/core.ts`), for the
 * message of a later use: the end of a public `tidy`, the end of a `grad` (a primal of the
 * function differentiated), or the library's own bookkeeping (a cotangent of a pullback, an
 * optimizer's temporary, a training step's gradients).
 *
 * @internal
 */
export type Release = "tidy" | "grad" | "donate" | "library";

/**
 * Why a storage was given back, as a property of the storage under a module-private symbol: it
 * dies with the storage, and reading it on a storage never given back is an inline-cached miss.
 * (A `WeakMap` did the same at a hash lookup per op input and a hash insert per release, plus the
 * collector's ephemeron work: ~15 µs per MLP step.) A storage that cannot take a property (a
 * custom backend's frozen object) is marked in `frozenReleases` instead, consulted only once one
 * such mark exists.
 */
const RELEASED: unique symbol = Symbol("typegrad.released");
type Marked = Storage & { [RELEASED]?: Release };
const frozenReleases = new WeakMap<Storage, Release>();
let anyFrozen = false;

/** Why `s` was given back, or `undefined` while it holds memory. */
const releaseOf = (s: Storage): Release | undefined => (s as Marked)[RELEASED] ?? (anyFrozen ? frozenReleases.get(s) : undefined);

/**
 * Mark `s` as given back; false when it already was, or when it is shared (a cached scalar,
 * never given back): then the caller must not hand it to its backend's `release`.
 *
 * @internal
 */
export const markReleased = (s: Storage, why: Release): boolean => {
  if (s.shared === true || releaseOf(s) !== undefined) return false;
  if (Object.isExtensible(s)) (s as Marked)[RELEASED] = why;
  else {
    frozenReleases.set(s, why);
    anyFrozen = true;
  }
  return true;
};

const useAfterRelease = (x: Tensor, why: Release, fn = "typegrad", arg: string | number = "a tensor"): never => {
  const shape = JSON.stringify(x.shape);
  if (why === "grad")
    throw new Error(
      `grad: a tensor of shape ${shape} computed inside the function being differentiated was kept and used after grad returned; its memory has been reused. Return what you need from the function, compute it outside, or use vjp, which keeps intermediates`,
    );
  const what = typeof arg === "number" ? `input ${arg}` : arg === "a tensor" ? arg : `argument '${arg}'`;
  if (why === "tidy") throw new Error(`${fn}: ${what} (shape ${shape}) was released at the end of a tidy() scope; return it from the tidy function to keep it`);
  if (why === "donate")
    throw new Error(`${fn}: ${what} (shape ${shape}) was given back after a training step: it was donated (trainStep's option 'donate'); read the parameters and state the step returned instead`);
  throw new Error(
    `${fn}: ${what} (shape ${shape}) was given back by typegrad, which releases the intermediates nobody should see (a pullback's cotangents, an optimizer's temporaries, a training step's gradients); compute what you need outside the callback that saw it`,
  );
};

/**
 * The innermost open memory scope: the storages made in it (by kernels and creation functions)
 * that its end may give back, `null` for a scope that collects nothing (an open trace, and any
 * scope opened inside one: what is computed then may be a residual of the differentiation,
 * needed by its pullback), `undefined` when none is open. `enclosing` holds the scopes around it,
 * innermost last. Scopes nest as calls do (each is closed in a `finally` of the call that opened
 * it).
 */
let top: Set<Storage> | null | undefined;
const enclosing: (Set<Storage> | null | undefined)[] = [];

/**
 * Open a memory scope (`collecting` false: a trace's, which collects nothing; `"always"`: one that
 * collects even inside a trace, for a caller that hands what it collected to a differentiation's
 * tape, see `customVjp`). @internal
 */
export const openScope = (collecting: boolean | "always"): void => {
  enclosing.push(top);
  top = collecting === "always" || (collecting && top !== null) ? new Set() : null;
};

/** Close the innermost memory scope: the storages it collected (none for one that collects nothing). @internal */
export const closeScope = (): Set<Storage> => {
  const closed = top ?? new Set<Storage>();
  top = enclosing.pop();
  return closed;
};

/** Add a fresh storage to the innermost open scope (nothing when none is open, or it collects nothing). @internal */
export const collect = (s: Storage): void => {
  top?.add(s);
};
