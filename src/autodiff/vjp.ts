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
 * dropped when the pullback is. Memory: the cotangents in between are given back to the backend
 * as soon as the pullback returns, and `grad`/`valueAndGrad` also give back the primals `f`
 * computed (a tensor computed inside `f` and kept past `grad` is then an error when used).
 *
 * @module
 */
import { add } from "../ops/add.js";
import { describe } from "../ops/define.js";
import { reshapeSizes as reshape } from "../ops/reshapePrim.js";
import { sum } from "../ops/sum.js";
import type { Shape } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { onesLike, zerosLike } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import { isTensor, live, storageBelow, storageOf, type Tensor } from "../tensor/tensor.js";
import { below, giveBack, isOf, leaf, nodeOf, Trace, tidy } from "./core.js";
import { type DifferentiableIn, flattenTree, type Params } from "./tree.js";

/**
 * Sum the cotangent `g` that `op`'s pullback returned down to its input's `shape` (the inverse
 * of numpy broadcasting). A cotangent that is not a broadcast of the input's shape is a bug in
 * that pullback: a `ShapeError` naming the op, never a silent reshape.
 */
export const unbroadcast = (op: string, g: Tensor, shape: readonly number[]): Tensor => {
  const gs = g.shape as readonly number[];
  if (sameSizes(gs, shape)) return g;
  const lead = gs.length - shape.length;
  if (lead < 0 || shape.some((d, i) => d !== 1 && d !== gs[lead + i])) {
    throw new ShapeError(op, `the pullback returned a cotangent of shape ${showShape(gs)} for an input of shape ${showShape(shape)}`);
  }
  let t = g;
  for (let i = 0; i < lead; i++) t = sum(t, 0);
  for (const [i, d] of shape.entries()) {
    if (d === 1 && (t.shape as readonly number[])[i] !== 1) t = sum(t, i, true);
  }
  return reshape(t, shape);
};

/** True when `a` and `b` are the same sizes (a loop: this runs for every cotangent). */
const sameSizes = (a: readonly number[], b: readonly number[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * The values of `trace` that `out` was computed from, `out` included (none when `out` is no value
 * of `trace`), each once, every value after the values it was computed from. Constants and values
 * of other traces are not followed.
 *
 * @internal
 */
export const topo = (trace: Trace, out: Tensor): Tensor[] => {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = isOf(trace, out) ? [[out, false]] : [];
  while (stack.length > 0) {
    const [t, done] = stack.pop() as [Tensor, boolean];
    if (done) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const x of nodeOf(t)?.inputs ?? []) if (isOf(trace, x)) stack.push([x, false]);
  }
  return order;
};

/** Cotangents of `leaves` given the cotangent `ct` of `out`. */
const backprop = (trace: Trace, out: Tensor, ct: Tensor, leaves: readonly Tensor[]): Tensor[] => {
  const cts = new Map<Tensor, Tensor>([[out, ct]]);
  // newest first: a value's cotangent is complete before it is pulled back
  const order = topo(trace, out);
  for (let j = order.length - 1; j >= 0; j--) {
    const t = order[j] as Tensor;
    const g = cts.get(t);
    const node = nodeOf(t);
    if (g === undefined || node === undefined) continue;
    const { prim, params, inputs, primals } = node;
    const wants: boolean[] = [];
    for (const x of inputs) wants.push(isOf(trace, x));
    const gs = prim.pullback(g, primals, below(trace, t), params, wants);
    for (let i = 0; i < inputs.length; i++) {
      const gi = gs[i];
      if (gi === undefined || !wants[i]) continue;
      const x = inputs[i] as Tensor;
      const down = unbroadcast(prim.name, gi, x.shape as readonly number[]);
      const prev = cts.get(x);
      cts.set(x, prev === undefined ? down : add(prev, down));
    }
  }
  return leaves.map((l) => cts.get(l) ?? zerosLike(l));
};

/**
 * `vjp`'s work. With `once` (the pullback will be called once, then dropped: `grad`), an
 * outermost trace records the primals it computes, so that `release` can give their memory back.
 */
/** `f`, when it is a function; else a `TypeError` naming `fn` (checked when the transformation is made, not when it is first called). */
const functionArg = <F>(fn: string, f: F): F => {
  if (typeof f !== "function") throw new TypeError(`${fn}: argument 'f' must be a function, got ${describeValue(f)}`);
  return f;
};

const vjpImpl = (fn: string, f: (p: Params) => Tensor, primals: Params, once: boolean): { value: Tensor; pullback: (ct: Tensor) => Params; release: (keep: readonly Tensor[]) => void } => {
  functionArg(fn, f);
  const { leaves, rebuild } = flattenTree(fn, primals);
  for (const x of leaves) storageOf(x, fn, "params");
  const outermost = Trace.open === 0;
  const trace = new Trace();
  if (once && outermost) trace.tape = new Set();
  const traced = leaves.map((x) => leaf(trace, x));
  let out: Tensor;
  try {
    out = f(rebuild(traced));
  } finally {
    trace.end();
  }
  if (!isTensor(out))
    throw new TypeError(
      `${fn}: f must return a Tensor, got ${(out as unknown) instanceof Promise ? "a Promise (f must be synchronous: an async f's tensors are made after the differentiation has ended)" : typeof out}`,
    );
  const value = below(trace, out);
  const pullback = (ct: Tensor): Params => {
    if (!isTensor(ct)) throw new TypeError(`${fn}: the cotangent must be a Tensor`);
    const want = value.shape as readonly number[];
    const got = ct.shape as readonly number[];
    if (want.length !== got.length || want.some((d, i) => d !== got[i])) {
      throw new TypeError(`${fn}: the cotangent has shape ${showShape(got)}, expected the output's shape ${showShape(want)}`);
    }
    // the cotangents in between are seen by no one: their memory goes back at once
    return rebuild(
      tidy(
        () => backprop(trace, out, ct, traced),
        (gs) => gs,
      ),
    );
  };
  const release = (keep: readonly Tensor[]): void => {
    const fresh = trace.tape;
    if (fresh === undefined) return;
    trace.tape = undefined;
    for (const t of keep) fresh.delete(storageBelow(t));
    giveBack(fresh, "grad");
  };
  return { value, pullback, release };
};

/**
 * Run `f` at `primals` and return its value with its pullback: a function from a cotangent of
 * the output (same shape) to cotangents of the inputs (same structure as `primals`). The
 * pullback may be called any number of times.
 *
 * @example
 * import { mul, ones, tensor, toArray, vjp } from "typegrad"
 * const [y, pullback] = vjp((x) => mul(x, x), tensor([1, 2, 3]))
 * toArray(y) // [1, 4, 9]
 * toArray(pullback(ones([3]))) // [2, 4, 6] (2x)
 * @category autodiff
 */
export const vjp: {
  <P extends Params, S extends Shape>(f: (p: P) => Tensor<S>, primals: P): [Tensor<S>, (ct: Tensor<S>) => P];
  <P extends object, S extends Shape>(f: DifferentiableIn<P, (p: P) => Tensor<S>>, primals: P): [Tensor<S>, (ct: Tensor<S>) => P];
} = ((f: (p: Params) => Tensor, primals: Params): [Tensor, (ct: Tensor) => Params] => {
  const { value, pullback } = vjpImpl("vjp", f, primals, false);
  return [value, pullback];
}) as never;

const scalarOut = (op: string, out: Tensor): void => {
  if (out.shape.length !== 0) throw new TypeError(`${op}: f must return a scalar Tensor<[]>, got shape ${showShape(out.shape as readonly number[])}`);
};

const valueAndGradImpl =
  (name: string, f: (p: Params, ...args: readonly unknown[]) => Tensor, hasAux: boolean) =>
  (p: Params, ...args: readonly unknown[]): [Tensor, Params, Params | undefined] => {
    let aux: Params | undefined;
    const { value, pullback, release } = vjpImpl(
      name,
      (q: Params) => {
        const r = f(q, ...args) as unknown;
        if (!hasAux) return r as Tensor;
        if (!Array.isArray(r) || r.length !== 2) throw new TypeError(`${name}: f must return a pair [cost, aux], got ${describe(r)}`);
        aux = r[1] as Params;
        return r[0] as Tensor;
      },
      p,
      true,
    );
    scalarOut(name, value);
    const grads = pullback(onesLike(value));
    // aux leaves computed inside f are handed out as plain values (their traces have ended)
    const auxTree = aux === undefined ? undefined : flattenTree(name, aux, "aux outputs");
    const auxLeaves = auxTree === undefined ? [] : auxTree.leaves.map(live);
    // the primals computed inside f are dead now, except what is returned
    release([value, ...flattenTree(name, grads).leaves, ...auxLeaves]);
    return [value, grads, auxTree?.rebuild(auxLeaves)];
  };

/**
 * The value of `f` and its gradient with respect to its first argument (any further arguments are
 * passed through and held constant). The gradient has exactly the first argument's structure.
 *
 * The tensors `f` computes are released when the gradient is taken: keeping one (in an outer
 * variable) and using it afterwards is an error. Return it with {@link valueAndGradAux} instead.
 *
 * @example
 * import { type Tensor, matmul, mean, square, sub, tensor, toArray, valueAndGrad } from "typegrad"
 * const cost = (p: { w: Tensor<[1, 2]> }, X: Tensor<[2, 3]>, Y: Tensor<[1, 3]>) => mean(square(sub(matmul(p.w, X), Y)))
 * const X = tensor([[1, 0, 1], [0, 1, 1]])
 * const Y = tensor([[1, 2, 3]])
 * const [loss, grads] = valueAndGrad(cost)({ w: tensor([[0, 0]]) }, X, Y)
 * toArray(loss) // 4.6666…
 * grads.w // Tensor<[1, 2]> (same record type as the params)
 * @category autodiff
 */
export const valueAndGrad: {
  <P extends Params, A extends readonly unknown[]>(f: (p: P, ...args: A) => Tensor<[]>): (p: P, ...args: A) => [Tensor<[]>, P];
  <P extends object, A extends readonly unknown[]>(f: DifferentiableIn<P, (p: P, ...args: A) => Tensor<[]>>): (p: P, ...args: A) => [Tensor<[]>, P];
} = ((f: (p: Params, ...args: readonly unknown[]) => Tensor) => {
  functionArg("valueAndGrad", f);
  return (p: Params, ...args: readonly unknown[]): [Tensor, Params] => {
    const [value, grads] = valueAndGradImpl("valueAndGrad", f, false)(p, ...args);
    return [value, grads];
  };
}) as never;

/**
 * Like {@link valueAndGrad} for an `f` that returns `[cost, aux]`: `aux` (a tensor, or arrays and
 * records of tensors, such as the model's output on the batch) is returned alongside, as
 * ordinary tensors, and not differentiated. JAX's `value_and_grad(f, has_aux=True)`.
 *
 * @example
 * import { type Tensor, matmul, softmaxCrossEntropy, tensor, valueAndGradAux } from "typegrad"
 * const X = tensor([[1, 0], [0, 1]])
 * const Y = tensor([[1, 0], [0, 1]])
 * const [loss, grads, logits] = valueAndGradAux((p: { W: Tensor<[2, 2]> }) => {
 *   const logits = matmul(p.W, X)
 *   return [softmaxCrossEntropy(logits, Y), logits] as const
 * })({ W: tensor([[1, 0], [0, 1]]) })
 * logits // Tensor<[2, 2]>
 * grads.W // Tensor<[2, 2]>
 * @category autodiff
 */
export const valueAndGradAux: {
  <P extends Params, A extends readonly unknown[], X extends Params>(f: (p: P, ...args: A) => readonly [Tensor<[]>, X]): (p: P, ...args: A) => [Tensor<[]>, P, X];
  <P extends object, A extends readonly unknown[], X extends Params>(f: DifferentiableIn<P, (p: P, ...args: A) => readonly [Tensor<[]>, X]>): (p: P, ...args: A) => [Tensor<[]>, P, X];
} = ((f: (p: Params, ...args: readonly unknown[]) => Tensor) => valueAndGradImpl("valueAndGradAux", functionArg("valueAndGradAux", f), true)) as never;

/**
 * The gradient of a scalar function with respect to its first argument, in the same structure.
 * Composes: `grad(grad(f))` is the second derivative of a scalar function.
 *
 * @example
 * import { grad, mul, type Tensor, tensor, toArray } from "typegrad"
 * const cube = (x: Tensor<[]>) => mul(x, mul(x, x))
 * toArray(grad(cube)(tensor(2))) // 12 (3x²)
 * toArray(grad(grad(cube))(tensor(2))) // 12 (6x)
 * @category autodiff
 */
export const grad: {
  <P extends Params, A extends readonly unknown[]>(f: (p: P, ...args: A) => Tensor<[]>): (p: P, ...args: A) => P;
  <P extends object, A extends readonly unknown[]>(f: DifferentiableIn<P, (p: P, ...args: A) => Tensor<[]>>): (p: P, ...args: A) => P;
} = ((f: (p: Params, ...args: readonly unknown[]) => Tensor) => {
  functionArg("grad", f);
  return (p: Params, ...args: readonly unknown[]): Params => valueAndGradImpl("grad", f, false)(p, ...args)[1];
}) as never;
