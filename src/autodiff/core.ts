/**
 * The autodiff core (JAX's `core.py`): traces, primitives and `bind`, which applies a primitive to
 * concrete or traced tensors; and the one place where memory goes back to the backends (`tidy`,
 * `giveBack`, `giveBackExcept`). It sits below the ops, which are written with `bind`; the
 * transformations (`vjp`, `grad`, `customVjp`) sit above them.
 *
 * @module
 */
import { type Backend, type Storage, tooLarge } from "../backend/backend.js";
import { showShape, sizeOf } from "../shape/dims.js";
import {
  closeScope,
  collect,
  fromStorage,
  type Impl,
  live,
  markReleased,
  openScope,
  type Release,
  type RuntimeShape,
  storageBelow,
  storageOf,
  Tensor,
  type TraceTag,
  viewOf,
} from "../tensor/tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

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

/**
 * A primitive with a pullback: what every node records (`bind` records none for a `"nondiff"` one).
 *
 * @internal
 */
export type Differentiable<P> = Primitive<P> & { readonly pullback: Exclude<Primitive<P>["pullback"], "nondiff"> };

/**
 * A differentiation in progress. Levels grow with nesting, so the innermost trace wins when an op
 * sees values of several traces (this is what makes `grad(grad(f))` correct).
 *
 * @internal
 */
export class Trace implements TraceTag {
  private static next = 0;
  /** Traces not yet ended. */
  static open = 0;
  readonly level = Trace.next++;
  active = true;
  tape: Set<Storage> | undefined = undefined;
  /** Opens a memory scope that collects nothing: what is computed while it is open may be a residual. */
  constructor() {
    Trace.open++;
    openScope(false);
  }
  /** Called once, when the function being differentiated returns or throws. */
  end(): void {
    closeScope();
    Trace.open--;
    this.active = false;
  }
}

/** How a traced value was computed: the primitive, its parameters and its inputs. @internal */
export interface Node {
  readonly prim: Differentiable<unknown>;
  readonly params: unknown;
  /** The inputs as the op saw them (some traced at this node's trace, some not). */
  readonly inputs: readonly Tensor[];
  /** The inputs' values one level down (what the pullback computes with). */
  readonly primals: readonly Tensor[];
}

/** How traced value `t` was computed; `undefined` for a leaf or a concrete value. @internal */
export const nodeOf = (t: Tensor): Node | undefined => (t.impl.kind === "traced" ? (t.impl.node as Node | undefined) : undefined);

/** The innermost active trace among `xs` (already `live`), if any. @internal */
export const innermost = (xs: readonly Tensor[]): TraceTag | undefined => {
  let top: TraceTag | undefined;
  for (const x of xs) if (x.impl.kind === "traced" && (top === undefined || x.impl.trace.level > top.level)) top = x.impl.trace;
  return top;
};

/** True when `x` is a value of `trace` (not a constant, not a value of another trace). @internal */
export const isOf = (trace: TraceTag, x: Tensor): x is Tensor & { readonly impl: Extract<Impl, { kind: "traced" }> } => x.impl.kind === "traced" && x.impl.trace === trace;

/** `x`'s value one level below `trace` (`x` itself when it is not of that trace). @internal */
export const below = (trace: TraceTag, x: Tensor): Tensor => (isOf(trace, x) ? x.impl.primal : x);

/** A traced value of `trace` whose value one level down is `primal`, recording its node (a leaf: none). @internal */
export const traced = (trace: TraceTag, primal: Tensor, node: Node | undefined): Tensor => new Tensor(primal.shape as RuntimeShape, primal.dtype, { kind: "traced", trace, primal, node });

/** A leaf of trace `t`: an input of the function being differentiated. @internal */
export const leaf = (t: Trace, x: Tensor): Tensor => traced(t, live(x), undefined);

// -------------------------------------------------------------------------------------
// memory
// -------------------------------------------------------------------------------------

/**
 * Run `f` in a memory scope, then give back to the backends the memory of every tensor made
 * inside it (computed by ops, or made by creation functions) except those in `keep(result)`,
 * which belong to the enclosing scope from then on. The one mechanism behind the public `tidy`
 * (`why` "tidy") and the library's own scopes (a pullback walk, an optimizer rule, a divergence
 * probe: "library"). Scopes nest: an inner one gives back its own at its end. What is computed
 * while a trace is open is not collected (the trace's scope collects nothing, nor does any scope
 * opened inside it): it may be a residual of a differentiation, an outer one or one opened
 * inside `f`. When `f` throws, what it made is given back and the error propagates unchanged.
 * On a backend whose memory is garbage-collected only the marks are set (a later use is the
 * same error on every backend).
 *
 * @internal
 */
export const tidy = <A>(f: () => A, keep: (a: A) => readonly Tensor[], why: Release = "library"): A => {
  openScope(true);
  let out: A;
  try {
    out = f();
  } catch (e) {
    giveBack(closeScope(), why);
    throw e;
  }
  const fresh = closeScope();
  // what is kept belongs to the enclosing scope (only what this one made: a kept view of an
  // outer tensor stays the outer scope's)
  for (const t of keep(out)) {
    const s = storageBelow(t);
    if (fresh.delete(s)) collect(s);
  }
  giveBack(fresh, why);
  return out;
};

/**
 * Hand storages to their backends' `release`, marking each given back (a later use is an error
 * naming the function, on every backend). A storage already given back or shared is skipped, so
 * no storage is released twice. @internal
 */
export const giveBack = (storages: Iterable<Storage>, why: Release): void => {
  for (const s of storages) if (markReleased(s, why)) s.backend.release?.(s);
};

/** Give back the memory of the tensors in `dead` that share none with those in `keep`. @internal */
export const giveBackExcept = (dead: readonly Tensor[], keep: readonly Tensor[], why: Release = "library"): void => {
  // one set, no intermediate arrays (this runs a few times per training step): a storage given
  // back joins the kept ones, so a storage under several dead tensors goes back once
  const seen = new Set<Storage>();
  for (const t of keep) seen.add(storageBelow(t));
  for (const t of dead) {
    const s = storageBelow(t);
    if (seen.has(s)) continue;
    seen.add(s);
    if (markReleased(s, why)) s.backend.release?.(s);
  }
};

// -------------------------------------------------------------------------------------
// bind
// -------------------------------------------------------------------------------------

/**
 * Where a primitive runs when its inputs live on different backends: on the device backend (one
 * that reads back only asynchronously, WebGPU) when an input lives there, its other inputs
 * uploaded from the CPU for this call; else on the first input's backend, the others copied
 * there. Inputs on two device backends are an error naming the op and the fix.
 */
const backendFor = (op: string, storages: readonly Storage[]): Backend => {
  const first = (storages[0] as Storage).backend;
  let device: Backend | undefined;
  for (let i = 0; i < storages.length; i++) {
    const b = (storages[i] as Storage).backend;
    if (b.readAsync === undefined) continue;
    if (device === undefined) device = b;
    else if (b !== device)
      throw new Error(
        `${op}: input ${i} lives on the '${b.name}' backend and an earlier one on '${device.name}'; a device tensor reads back only asynchronously, so move one with 'fromArray(t.shape, await toFlatAsync(t))' under the other backend`,
      );
  }
  return device ?? first;
};

/**
 * Apply a primitive to tensors: run its kernel on concrete values, or, when an input belongs to
 * an active trace, apply it one level down and record the node at the innermost trace. Every op
 * call comes through here, so it walks its inputs with plain loops (no per-call closures).
 *
 * @internal
 */
export const bind = <P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor => {
  const xs: Tensor[] = [];
  for (const x of inputs) xs.push(live(x));
  const top = prim.pullback === "nondiff" ? undefined : innermost(xs);
  if (top === undefined) return run(prim, xs, params);
  const primals: Tensor[] = [];
  for (const x of xs) primals.push(below(top, x));
  const primal = bind(prim, primals, params);
  // (a taped trace is the outermost one: the primals one level below it are concrete)
  if (top.tape !== undefined) {
    const s = storageBelow(primal);
    if (!primals.some((p) => storageBelow(p) === s)) top.tape.add(s);
  }
  return traced(top, primal, { prim: prim as Differentiable<unknown>, params, inputs: xs, primals });
};

/** `prim`'s kernel on concrete values `xs` (already `live`): shape rule, checks, then the call. */
const run = <P>(prim: Primitive<P>, xs: readonly Tensor[], params: P): Tensor => {
  const shapes: RuntimeShape[] = [];
  for (const x of xs) shapes.push(x.shape as RuntimeShape);
  const out = prim.shape(shapes, params);
  const storages: Storage[] = [];
  for (let i = 0; i < xs.length; i++) storages.push(storageOf(xs[i] as Tensor, prim.name, i));
  const backend = backendFor(prim.name, storages);
  // (every primitive has an input: backendFor has read the first one's backend)
  const why = tooLarge(backend, sizeOf(out), (storages[0] as Storage).dtype);
  if (why !== undefined) throw new RangeError(`${prim.name}: the result ${showShape(out)} would have ${why}`);
  let local: readonly Storage[] = storages;
  for (const s of storages)
    if (s.backend !== backend) {
      local = storages.map((t) => (t.backend === backend ? t : backend.fromArray(t.dtype, t.backend.read(t))));
      break;
    }
  const result = prim.forward(local, shapes, params, out);
  return local.includes(result) ? viewOf(result, out) : fromStorage(result, out);
};
