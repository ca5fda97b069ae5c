/**
 * `scan(f, init, xs)`: a loop over the leading (time) axis of `xs` as one differentiable value,
 * JAX's `lax.scan`. Each step maps the carry and one slice of `xs` to the next carry and one
 * slice of the output: `[carry_{t+1}, y_t] = f(carry_t, x_t, params)`; `scan` returns the last
 * carry and the `y_t` stacked along a new leading axis, `[T, ...]`. The carry keeps its type
 * (a tensor or a tuple/record of tensors: an LSTM's `{ h, c }`), `T` may be a literal or a named
 * dim (`"t"`).
 *
 * How it fits the autodiff core. `scan` is a higher-order primitive: under a differentiation it
 * records **one** node, not one node per step (the loop is not unrolled into the trace). The
 * node's output packs the last carry, the stacked `ys` and the carries the loop went through
 * (the residuals) into one flat tensor, from which the results are cut with `slice`/`reshape`;
 * so the core needs no multi-output nodes, and `grad` sums the cotangents of the pieces as for
 * any other op. Its pullback is backprop through time written as a `scan` itself, running
 * backwards: its carry is the cotangent of the carry plus the cotangents of `params` summed so
 * far, and each step is the `vjp` of `f` at that step's saved carry (the step's forward is run
 * again there, its intermediates never kept for all `T` steps). Being made of `scan` and `vjp`,
 * the pullback is differentiated again by an outer trace (`grad(grad(·))`).
 *
 * What `f` may read. There is no tracer that turns `f` into a graph to find the tensors it
 * closes over (JAX's closure conversion), so the tensors being differentiated that `f` uses must
 * come in through `params` (`scan(f, init, xs, { params })`): the cotangents of `params` are
 * summed over the steps by the pullback. A constant may be closed over; a closed-over tensor that
 * is being differentiated is detected and is an error naming `scan`, never a silently missing
 * gradient.
 *
 * @module
 */
import { add } from "../ops/add.js";
import { concatPrim } from "../ops/concat.js";
import { describe } from "../ops/define.js";
import { mul } from "../ops/mul.js";
import { reshapePrim } from "../ops/reshape.js";
import { slicePrim } from "../ops/slice.js";
import { sum } from "../ops/sum.js";
import type { Dim, Shape } from "../shape/dims.js";
import { showShape } from "../shape/dims.js";
import { zerosLike } from "../tensor/create.js";
import { isTensor, live, type Tensor } from "../tensor/tensor.js";
import { below, bind, type Differentiable, innermost, traced } from "./core.js";
import { flattenTree, type Params } from "./tree.js";
import { grad } from "./vjp.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of {@link scan}: the tensors `f` reads that are being differentiated (`params`, passed
 * to every step as its third argument), and the direction.
 *
 * @category model
 */
export interface ScanOptions<P extends Params> {
  /** Passed to `f` at every step; their cotangents are summed over the steps (default: none). */
  readonly params?: P;
  /** Run from the last step to the first (`ys` stay in the order of `xs`); default false. */
  readonly reverse?: boolean;
}

/** What the scan node keeps: the step function, the trees' structures, the sizes to unpack. */
interface ScanParams {
  readonly fn: string;
  readonly f: Step;
  readonly reverse: boolean;
  readonly nC: number;
  readonly nX: number;
  readonly rebuildC: (ls: readonly Tensor[]) => Params;
  readonly rebuildX: (ls: readonly Tensor[]) => Params;
  readonly rebuildP: (ls: readonly Tensor[]) => Params;
  /** The shapes of the pieces of the packed output: last carry, ys, carries (in that order). */
  readonly pieces: readonly (readonly number[])[];
  readonly nY: number;
  readonly rebuildY: (ls: readonly Tensor[]) => Params;
}

/** A step of `scanTree`. @internal */
export type Step = (carry: Params, x: Params, params: Params) => readonly [Params, Params];

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** `x[t]` (the leading axis dropped). */
const at = (x: Tensor, t: number): Tensor => {
  const s = x.shape as readonly number[];
  return bind(reshapePrim, [bind(slicePrim, [x], { axis: 0, start: t, end: t + 1 })], s.slice(1));
};

/** The tensors stacked along a new leading axis. */
const stack = (xs: readonly Tensor[]): Tensor => {
  const s = (xs[0] as Tensor).shape as readonly number[];
  const rows = xs.map((x) => bind(reshapePrim, [x], [1, ...s]));
  return rows.length === 1 ? (rows[0] as Tensor) : bind(concatPrim, rows, 0);
};

/** The leaves flattened and joined into one 1-D tensor. */
const pack = (xs: readonly Tensor[]): Tensor => {
  const flat = xs.map((x) => bind(reshapePrim, [x], [x.size]));
  return flat.length === 1 ? (flat[0] as Tensor) : bind(concatPrim, flat, 0);
};

/** The pieces of a packed tensor, with their shapes. */
const unpack = (packed: Tensor, shapes: readonly (readonly number[])[]): Tensor[] => {
  let start = 0;
  return shapes.map((s) => {
    const n = sizeOf(s);
    const piece = bind(reshapePrim, [bind(slicePrim, [packed], { axis: 0, start, end: start + n })], s);
    start += n;
    return piece;
  });
};

const fail = (fn: string, msg: string): never => {
  throw new TypeError(`${fn}: ${msg}`);
};

/** One step's outputs, checked: a pair whose carry has the structure, shapes and dtypes of `init`. */
const checkStep = (fn: string, out: unknown, cInit: readonly Tensor[], t: number): [Tensor[], Tensor[], (ls: readonly Tensor[]) => Params] => {
  if (!Array.isArray(out) || out.length !== 2) fail(fn, `f must return a pair [carry, y], got ${describe(out)} at step ${t}`);
  const [c, y] = out as [Params, Params];
  const cs = flattenTree(fn, c, "the carry f returns").leaves;
  if (cs.length !== cInit.length) fail(fn, `f returned a carry of ${cs.length} tensors at step ${t}, init has ${cInit.length}`);
  cs.forEach((x, i) => {
    const w = cInit[i] as Tensor;
    if (!sameShape(x.shape as readonly number[], w.shape as readonly number[]) || x.dtype !== w.dtype) {
      fail(
        fn,
        `f returned carry tensor ${i} of shape ${showShape(x.shape as readonly number[])} (${x.dtype}) at step ${t}, init's is ${showShape(w.shape as readonly number[])} (${w.dtype}): the carry must keep its type`,
      );
    }
  });
  const { leaves: ys, rebuild } = flattenTree(fn, y, "the outputs f returns");
  return [cs.map(live), ys.map(live), rebuild];
};

const closedOver = (fn: string, xs: readonly Tensor[]): void => {
  if (xs.some((x) => x.impl.kind === "traced")) {
    fail(fn, "f uses a tensor that is being differentiated without receiving it: pass the tensors f reads through the 'params' option (scan(f, init, xs, { params })), so that their gradient flows");
  }
};

// -------------------------------------------------------------------------------------
// the loop and the primitive
// -------------------------------------------------------------------------------------

interface Ran {
  readonly carry: Tensor[];
  readonly ys: Tensor[];
  /** The carry before each step, stacked (`[T, ...]` per carry leaf), when asked for. */
  readonly carries: Tensor[];
  readonly rebuildY: (ls: readonly Tensor[]) => Params;
}

/** The loop on values of no active trace. */
const loop = (fn: string, f: Step, cs: readonly Tensor[], xs: readonly Tensor[], ps: readonly Tensor[], p: Omit<ScanParams, "pieces" | "nY" | "rebuildY">, keepCarries: boolean): Ran => {
  const T = (xs[0] as Tensor).shape[0] as number;
  const params = p.rebuildP(ps);
  let carry = [...cs];
  const ysByStep: Tensor[][] = new Array(T);
  const seen: Tensor[][] = keepCarries ? new Array(T) : [];
  let rebuildY: ((ls: readonly Tensor[]) => Params) | undefined;
  let yShapes: readonly (readonly number[])[] = [];
  for (let k = 0; k < T; k++) {
    const t = p.reverse ? T - 1 - k : k;
    if (keepCarries) seen[t] = carry;
    const out = f(p.rebuildC(carry), p.rebuildX(xs.map((x) => at(x, t))), params);
    const [c, y, rb] = checkStep(fn, out, cs, t);
    closedOver(fn, [...c, ...y]);
    if (rebuildY === undefined) {
      rebuildY = rb;
      yShapes = y.map((v) => v.shape as readonly number[]);
    } else if (y.length !== yShapes.length || y.some((v, i) => !sameShape(v.shape as readonly number[], yShapes[i] as readonly number[]))) {
      fail(
        fn,
        `f returned outputs of shapes ${y.map((v) => showShape(v.shape as readonly number[])).join(", ")} at step ${t}, ${yShapes.map((s) => showShape(s)).join(", ")} before: every step's y must have one shape`,
      );
    }
    ysByStep[t] = y;
    carry = c;
  }
  const ys = yShapes.map((_, i) => stack(ysByStep.map((y) => y[i] as Tensor)));
  const carries = keepCarries ? cs.map((_, i) => stack(seen.map((c) => c[i] as Tensor))) : [];
  return { carry, ys, carries, rebuildY: rebuildY as (ls: readonly Tensor[]) => Params };
};

/** The scan node's pullback: backprop through time, as a reverse scan of `vjp(f)` steps. */
const scanPrim = (): Differentiable<ScanParams> => ({
  name: "scan",
  shape: () => {
    throw new Error("scan: a scan node is never re-run");
  },
  forward: () => {
    throw new Error("scan: a scan node is never re-run");
  },
  pullback: (ct, primals, out, p) => {
    const nC = p.nC;
    const nY = p.nY;
    const xs = primals.slice(nC, nC + p.nX);
    const ps = primals.slice(nC + p.nX);
    const cts = unpack(ct, p.pieces);
    const ctCarry = cts.slice(0, nC);
    const ctYs = cts.slice(nC, nC + nY);
    const carries = unpack(out, p.pieces).slice(nC + nY);
    // one backward step: the cotangents of (carry_t, x_t, params) from those of (carry_{t+1}, y_t)
    const back: Step = (carry, x, params) => {
      const { ctC, ctP } = carry as { ctC: Tensor[]; ctP: Tensor[] };
      const { c, x: xt, cty } = x as { c: Tensor[]; x: Tensor[]; cty: Tensor[] };
      const dot = (q: { c: Tensor[]; x: Tensor[]; p: Tensor[] }): Tensor<[]> => {
        const [c2, y] = p.f(p.rebuildC(q.c), p.rebuildX(q.x), p.rebuildP(q.p));
        const outs = [...flattenTree(p.fn, c2).leaves, ...flattenTree(p.fn, y).leaves];
        const cto = [...ctC, ...cty];
        return outs.map((o, i) => sum(mul(o, cto[i] as Tensor)) as Tensor).reduce((a, b) => add(a, b)) as Tensor<[]>;
      };
      const g = grad(dot)({ c, x: xt, p: params as Tensor[] });
      return [{ ctC: g.c, ctP: ctP.map((a, i) => add(a, g.p[i] as Tensor)) }, g.x];
    };
    const [last, ctXs] = scanTree(`${p.fn} (pullback)`, back, { ctC: ctCarry, ctP: ps.map((x) => zerosLike(x)) }, { c: carries, x: xs, cty: ctYs }, ps, !p.reverse);
    const { ctC, ctP } = last as { ctC: Tensor[]; ctP: Tensor[] };
    return [...ctC, ...(ctXs as Tensor[]), ...ctP];
  },
});

/**
 * `scan` on trees (`xs` and the outputs may be arrays or records of tensors), without the types:
 * what the layers of `src/nn` loop with.
 *
 * @internal
 */
export const scanTree = (fn: string, f: Step, init: Params, xs: Params, params: Params, reverse: boolean): [Params, Params] => {
  if (typeof f !== "function") fail(fn, `argument 'f' must be a function (carry, x, params) => [carry, y], got ${describe(f)}`);
  const C = flattenTree(fn, init, "the initial carry ('init')");
  const X = flattenTree(fn, xs, "the scanned inputs ('xs')");
  const P = flattenTree(fn, params, "'params'");
  if (X.leaves.length === 0) fail(fn, "argument 'xs' holds no tensor: there is nothing to scan over");
  const T = (X.leaves[0] as Tensor).shape[0];
  X.leaves.forEach((x, i) => {
    const s = x.shape as readonly number[];
    if (s.length === 0 || s[0] !== T)
      fail(fn, `argument 'xs': every tensor needs the same leading (time) axis; tensor ${i} has shape ${showShape(s)}, tensor 0 has ${T === undefined ? "none" : T} steps`);
  });
  if (T === 0) fail(fn, "argument 'xs' has 0 steps: scan needs at least one");
  const core = { fn, f, reverse, nC: C.leaves.length, nX: X.leaves.length, rebuildC: C.rebuild, rebuildX: X.rebuild, rebuildP: P.rebuild };
  const inputs = [...C.leaves, ...X.leaves, ...P.leaves].map(live);
  const cut = (xs_: readonly Tensor[]) => [xs_.slice(0, core.nC), xs_.slice(core.nC, core.nC + core.nX), xs_.slice(core.nC + core.nX)] as const;
  const trace = innermost(inputs);
  if (trace === undefined) {
    const [cs, xs_, ps] = cut(inputs);
    const r = loop(fn, f, cs, xs_, ps, core, false);
    return [C.rebuild(r.carry), r.rebuildY(r.ys)];
  }
  // one level down: the loop (or a scan node of an outer trace), then one node at this trace
  const primals = inputs.map((x) => below(trace, x));
  const ran = run(fn, f, primals, core);
  const pieces = [...ran.carry, ...ran.ys, ...ran.carries].map((x) => x.shape as readonly number[]);
  const packedPrimal = pack([...ran.carry, ...ran.ys, ...ran.carries]);
  const params_: ScanParams = { ...core, pieces, nY: ran.ys.length, rebuildY: ran.rebuildY };
  const packed = traced(trace, live(packedPrimal), { prim: scanPrim() as Differentiable<unknown>, params: params_, inputs, primals });
  const outs = unpack(packed, pieces);
  // (the carry's rebuild reads the first nC pieces by index)
  return [C.rebuild(outs), ran.rebuildY(outs.slice(core.nC, core.nC + ran.ys.length))];
};

/** The loop with the carries kept, on values that may belong to an outer trace (then as its node). */
const run = (fn: string, f: Step, inputs: readonly Tensor[], core: Omit<ScanParams, "pieces" | "nY" | "rebuildY">): Ran => {
  const cs = inputs.slice(0, core.nC);
  const xs = inputs.slice(core.nC, core.nC + core.nX);
  const ps = inputs.slice(core.nC + core.nX);
  const dtypes = new Set(inputs.map((x) => x.dtype));
  if (dtypes.size > 1) fail(fn, `init, xs and params must share one dtype, got ${[...dtypes].join(" and ")}`);
  if (innermost(inputs) === undefined) return loop(fn, f, cs, xs, ps, core, true);
  // an outer differentiation is active: scan there too, carrying the residual carries out as ys
  const withCarries: Step = (c, x, q) => {
    const [c2, y] = f(c, x, q);
    return [c2, [y, c]];
  };
  const [last, ys] = scanTree(fn, withCarries, core.rebuildC(cs), core.rebuildX(xs), core.rebuildP(ps), core.reverse);
  const [yTree, carryTree] = ys as [Params, Params];
  const Y = flattenTree(fn, yTree);
  return { carry: flattenTree(fn, last).leaves, ys: Y.leaves, carries: flattenTree(fn, carryTree).leaves, rebuildY: Y.rebuild };
};

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * Loop `f` over the leading (time) axis of `xs`: `[carry_{t+1}, y_t] = f(carry_t, x_t, params)`
 * from `carry_0 = init`; returns the last carry (of `init`'s type) and the `y_t` stacked,
 * `Tensor<[T, ...Y]>`. Differentiable with respect to `init`, `xs` and `params` (backprop
 * through time by `scan`'s own pullback, a reverse scan). Tensors being differentiated that `f`
 * reads must come through `params`.
 *
 * @example
 * import { add, scan, tensor, toArray, type Tensor } from "typegrad"
 * // a running sum: the carry is the sum so far, y_t the sum after step t
 * const [total, sums] = scan((c: Tensor<[2]>, x: Tensor<[2]>) => [add(c, x), add(c, x)] as const, tensor([0, 0]), tensor([[1, 2], [3, 4], [5, 6]]))
 * toArray(total) // [9, 12]
 * sums // Tensor<[3, 2]>
 * toArray(sums) // [[1, 2], [4, 6], [9, 12]]
 * @category autodiff
 */
export const scan: {
  <C extends Params, const T extends Dim, const X extends Shape, const Y extends Shape>(
    f: (carry: C, x: Tensor<X>) => readonly [NoInfer<C>, Tensor<Y>],
    init: C,
    xs: Tensor<readonly [T, ...X]>,
    opts?: ScanOptions<readonly []>,
  ): [C, Tensor<[T, ...Y]>];
  <C extends Params, const T extends Dim, const X extends Shape, const Y extends Shape, P extends Params>(
    f: (carry: C, x: Tensor<X>, params: P) => readonly [NoInfer<C>, Tensor<Y>],
    init: C,
    xs: Tensor<readonly [T, ...X]>,
    opts: ScanOptions<P> & { readonly params: P },
  ): [C, Tensor<[T, ...Y]>];
} = ((f: Step, init: Params, xs: Tensor, opts: ScanOptions<Params> = {}): [Params, Tensor] => {
  if (opts === null || typeof opts !== "object") fail("scan", `argument 'opts' must be { params?, reverse? }, got ${describe(opts)}`);
  const reverse = opts.reverse ?? false;
  if (typeof reverse !== "boolean") fail("scan", `option 'reverse' must be a boolean, got ${describe(reverse)}`);
  const [c, ys] = scanTree("scan", f, init, xs, opts.params ?? [], reverse);
  if (!isTensor(ys)) fail("scan", "f must return [carry, y] with y a Tensor");
  return [c, ys as Tensor];
}) as never;
