/**
 * Reverse-mode differentiation of pure functions: `vjp`, `grad`, `valueAndGrad`.
 *
 * Differentiating `f` opens a trace, wraps the parameters as its leaves and runs `f`; every op
 * applied to a traced value records how it was computed. The pullback walks those records once,
 * newest first, calling each primitive's pullback and summing every cotangent back down to its
 * input's shape (broadcasting is undone here, once, for all ops). Pullbacks are written with
 * public ops, so when an outer trace is active they are themselves recorded: `grad(grad(f))`.
 *
 * Nothing is global or mutable from the outside: inputs are never modified, and the trace is
 * dropped when the pullback is.
 *
 * @module
 */
import { add } from "../ops/add.js";
import { reshape } from "../ops/reshape.js";
import { sum } from "../ops/sum.js";
import type { Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { onesLike, zerosLike } from "../tensor/create.js";
import { isTensor, leaf, type Tensor, Trace } from "../tensor/tensor.js";
import { type DifferentiableIn, flattenTree, type Params } from "./tree.js";

/**
 * Sum the cotangent `g` that `op`'s pullback returned down to its input's `shape` (the inverse
 * of numpy broadcasting). A cotangent that is not a broadcast of the input's shape is a bug in
 * that pullback: a `ShapeError` naming the op, never a silent reshape.
 */
export const unbroadcast = (op: string, g: Tensor, shape: readonly number[]): Tensor => {
  const gs = g.shape as readonly number[];
  if (gs.length === shape.length && gs.every((d, i) => d === shape[i])) return g;
  const lead = gs.length - shape.length;
  if (lead < 0 || shape.some((d, i) => d !== 1 && d !== gs[lead + i])) {
    throw new ShapeError(op, `the pullback returned a cotangent of shape ${showShape(gs)} for an input of shape ${showShape(shape)}`);
  }
  let t = g;
  for (let i = 0; i < lead; i++) t = sum(t, 0);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && (t.shape as readonly number[])[i] !== 1) t = sum(t, i, true);
  }
  return reshape(t, shape);
};

/** Nodes of `trace` reachable from `out`, inputs before the values computed from them. */
const topo = (trace: Trace, out: Tensor): Tensor[] => {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[out, false]];
  while (stack.length > 0) {
    const [t, done] = stack.pop() as [Tensor, boolean];
    if (done) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    if (t.impl.kind === "traced" && t.impl.node !== undefined) {
      for (const x of t.impl.node.inputs) if (x.impl.kind === "traced" && x.impl.trace === trace && !seen.has(x)) stack.push([x, false]);
    }
  }
  return order;
};

/** Cotangents of `leaves` given the cotangent `ct` of `out`. */
const backprop = (trace: Trace, out: Tensor, ct: Tensor, leaves: readonly Tensor[]): Tensor[] => {
  const cts = new Map<Tensor, Tensor>();
  if (out.impl.kind === "traced" && out.impl.trace === trace) {
    cts.set(out, ct);
    const order = topo(trace, out);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k] as Tensor;
      const g = cts.get(t);
      if (g === undefined || t.impl.kind !== "traced" || t.impl.node === undefined) continue;
      const { prim, params, inputs, primals } = t.impl.node;
      if (prim.pullback === "nondiff") continue;
      const wants = inputs.map((x) => x.impl.kind === "traced" && x.impl.trace === trace);
      const gs = prim.pullback(g, primals, t.impl.primal, params, wants);
      inputs.forEach((x, i) => {
        const gi = gs[i];
        if (gi === undefined || !wants[i]) return;
        const down = unbroadcast(prim.name, gi, x.shape as readonly number[]);
        const prev = cts.get(x);
        cts.set(x, prev === undefined ? down : add(prev, down));
      });
    }
  }
  return leaves.map((l) => cts.get(l) ?? zerosLike(l));
};

/**
 * Run `f` at `primals` and return its value with its pullback: a function from a cotangent of
 * the output (same shape) to cotangents of the inputs (same structure as `primals`).
 *
 * @example
 * const [y, pullback] = vjp((x) => mul(x, x), tensor([1, 2, 3]))
 * pullback(ones([3])) // 2x: [2, 4, 6]
 * @category autodiff
 */
export const vjp: {
  <P extends Params, S extends Shape>(f: (p: P) => Tensor<S>, primals: P): [Tensor<S>, (ct: Tensor<S>) => P];
  <P extends object, S extends Shape>(f: DifferentiableIn<P, (p: P) => Tensor<S>>, primals: P): [Tensor<S>, (ct: Tensor<S>) => P];
} = ((f: (p: Params) => Tensor, primals: Params): [Tensor, (ct: Tensor) => Params] => {
  const { leaves, rebuild } = flattenTree("vjp", primals);
  const trace = new Trace();
  const traced = leaves.map((x) => leaf(trace, x));
  let out: Tensor;
  try {
    out = f(rebuild(traced));
  } finally {
    trace.active = false;
  }
  if (!isTensor(out)) throw new TypeError(`vjp: f must return a Tensor, got ${typeof out}`);
  const value = out.impl.kind === "traced" && out.impl.trace === trace ? out.impl.primal : out;
  const pullback = (ct: Tensor): Params => {
    if (!isTensor(ct)) throw new TypeError("vjp: the cotangent must be a Tensor");
    const want = value.shape as readonly number[];
    const got = ct.shape as readonly number[];
    if (want.length !== got.length || want.some((d, i) => d !== got[i])) {
      throw new TypeError(`vjp: the cotangent has shape ${showShape(got)}, expected the output's shape ${showShape(want)}`);
    }
    return rebuild(backprop(trace, out, ct, traced));
  };
  return [value, pullback];
}) as never;

const scalarOut = (op: string, out: Tensor): void => {
  if (out.shape.length !== 0) throw new TypeError(`${op}: f must return a scalar Tensor<[]>, got shape ${showShape(out.shape as readonly number[])}`);
};

const valueAndGradImpl =
  (f: (p: Params, ...args: readonly unknown[]) => Tensor) =>
  (p: Params, ...args: readonly unknown[]): [Tensor, Params] => {
    const [value, pullback] = vjp((q: Params) => f(q, ...args), p);
    scalarOut("valueAndGrad", value);
    return [value, pullback(onesLike(value))];
  };

/**
 * The value of `f` and its gradient with respect to its first argument (any further arguments are
 * passed through and held constant). The gradient has exactly the first argument's structure.
 *
 * @example
 * const [loss, grads] = valueAndGrad(cost)(params, X, Y) // grads: same record type as params
 * @category autodiff
 */
export const valueAndGrad: {
  <P extends Params, A extends readonly unknown[]>(f: (p: P, ...args: A) => Tensor<[]>): (p: P, ...args: A) => [Tensor<[]>, P];
  <P extends object, A extends readonly unknown[]>(f: DifferentiableIn<P, (p: P, ...args: A) => Tensor<[]>>): (p: P, ...args: A) => [Tensor<[]>, P];
} = valueAndGradImpl as never;

/**
 * The gradient of a scalar function with respect to its first argument, in the same structure.
 * Composes: `grad(grad(f))` is the second derivative of a scalar function.
 *
 * @example
 * const df = grad((x: Tensor<[]>) => mul(x, mul(x, x))) // 3x²
 * @category autodiff
 */
export const grad: {
  <P extends Params, A extends readonly unknown[]>(f: (p: P, ...args: A) => Tensor<[]>): (p: P, ...args: A) => P;
  <P extends object, A extends readonly unknown[]>(f: DifferentiableIn<P, (p: P, ...args: A) => Tensor<[]>>): (p: P, ...args: A) => P;
} = ((f: (p: Params, ...args: readonly unknown[]) => Tensor) =>
  (p: Params, ...args: readonly unknown[]): Params =>
    valueAndGradImpl(f)(p, ...args)[1]) as never;
