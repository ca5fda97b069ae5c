/**
 * The small machinery every op file uses: `dual` (one definition, callable directly and inside
 * `pipe`), fixed-arity accessors, operand normalisation (plain numbers, dtype promotion), and the
 * shape samplers the specs share. The op builders are in `builders.ts`.
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { Backend, Storage } from "../backend/backend.js";
import { broadcast } from "../shape/broadcast.js";
import { widerDtype } from "../tensor/dtype.js";
import { fromStorage, isTensor, storageBelow, storageOf, type Tensor } from "../tensor/tensor.js";
import type { Case, Domain, Gen } from "./spec.js";

// -------------------------------------------------------------------------------------
// dual
// -------------------------------------------------------------------------------------

/**
 * One implementation, two call forms (as Effect's `dual`): data-first `op(x, ...args)` when
 * `isDataFirst(arguments)` holds, otherwise data-last `op(...args)(x)` for `pipe`.
 */
export const dual = <A extends unknown[]>(isDataFirst: number | ((args: IArguments) => boolean), body: (...args: A) => unknown): never => {
  const test = typeof isDataFirst === "number" ? (args: IArguments) => args.length >= isDataFirst : isDataFirst;
  return function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: dual dispatches on the call's arity, as Effect's does.
    const args = arguments;
    const f = body as unknown as (...a: unknown[]) => unknown;
    // data-first (every op call inside the library): the arguments go on as they came, no copy
    if (test(args)) return f.apply(undefined, args as unknown as unknown[]);
    return (self: unknown) => f(self, ...Array.from(args));
  } as never;
};

/** Data-first when the first argument is a tensor. */
export const tensorFirst = (args: IArguments): boolean => isTensor(args[0]);

// -------------------------------------------------------------------------------------
// fixed arities
// -------------------------------------------------------------------------------------

const arity = (n: number, got: number): never => {
  throw new RangeError(`expected ${n} inputs, got ${got}`);
};

/** The single element of a one-input list (a primitive's inputs, a sampled call's tensors). */
export const one = <T>(xs: readonly T[]): T => (xs.length >= 1 ? (xs[0] as T) : arity(1, xs.length));

/** The two elements of a two-input list. */
export const two = <T>(xs: readonly T[]): readonly [T, T] => (xs.length >= 2 ? [xs[0] as T, xs[1] as T] : arity(2, xs.length));

/** The backend of a primitive's first input storage (every input of a kernel call shares it). */
export const backendOf = (xs: readonly Storage[]): Backend => one(xs).backend;

/** The size of `x` along `axis`. */
export const dimOf = (x: { readonly shape: readonly number[] }, axis: number): number => x.shape[axis] ?? 1;

/** The three elements of a three-input list. */
export const three = <T>(xs: readonly T[]): readonly [T, T, T] => (xs.length >= 3 ? [xs[0] as T, xs[1] as T, xs[2] as T] : arity(3, xs.length));

// -------------------------------------------------------------------------------------
// operands
// -------------------------------------------------------------------------------------

/** A tensor or a plain number. */
export type Operand = Tensor | number;

/** A scalar tensor holding `v`, in `like`'s dtype and backend. */
export const scalarLike = (v: number, like: Tensor): Tensor => {
  const s = storageBelow(like);
  return fromStorage(s.backend.fill(like.dtype, 1, v), []);
};

/** Both operands as tensors of one dtype (float64 wins, as numpy promotes). */
export const operands = (op: string, a: Operand, b: Operand): [Tensor, Tensor] => {
  if (typeof a !== "number" && !isTensor(a)) throw new TypeError(`${op}: argument 'a' must be a Tensor or a number, got ${describe(a)}`);
  if (typeof b !== "number" && !isTensor(b)) throw new TypeError(`${op}: argument 'b' must be a Tensor or a number, got ${describe(b)}`);
  if (typeof a !== "number") storageOf(a, op, "a");
  if (typeof b !== "number") storageOf(b, op, "b");
  if (typeof a !== "number") return promote(a, typeof b === "number" ? scalarLike(b, a) : b);
  if (typeof b === "number") throw new TypeError(`${op}: expected at least one tensor argument, got two numbers (${a}, ${b})`);
  return promote(scalarLike(a, b), b);
};

/** Cast the float32 one of two tensors to float64 when their dtypes differ. @internal */
export const promote = (x: Tensor, y: Tensor): [Tensor, Tensor] => {
  const d = widerDtype(x.dtype, y.dtype);
  return [x.dtype === d ? x : bind(castPrim, [x], d), y.dtype === d ? y : bind(castPrim, [y], d)];
};

/** A short description of a bad argument, for error messages (`a Map`, `an array`, `string w`). */
export const describe = (u: unknown): string => {
  if (u === null || u === undefined) return String(u);
  if (Array.isArray(u)) return "an array";
  if (typeof u !== "object") return `${typeof u} ${String(u)}`;
  const name: unknown = (u as object).constructor?.name;
  return typeof name === "string" && name !== "" ? `a ${name}` : "an object without a class";
};

/**
 * Throw unless `x` is a tensor whose memory has not been given back (by `tidy`): a message naming
 * the function and the argument.
 */
export const expectTensor = (op: string, arg: string, x: unknown): Tensor => {
  if (!isTensor(x)) throw new TypeError(`${op}: argument '${arg}' must be a Tensor, got ${describe(x)}`);
  storageOf(x, op, arg);
  return x;
};

/** The dtype conversion primitive (its pullback converts back). */
export const castPrim: Primitive<"float32" | "float64"> = {
  name: "astype",
  shape: (ss) => [...one(ss)],
  forward: (xs, _s, dtype) => {
    const x = one(xs);
    return x.backend.cast(x, dtype);
  },
  pullback: (ct, xs) => [bind(castPrim, [ct], one(xs).dtype)],
};

// -------------------------------------------------------------------------------------
// shape twins
// -------------------------------------------------------------------------------------

/** The elementwise shape twin: numpy broadcasting of every input. */
export const elementwiseTwin = (ss: readonly (readonly number[])[]): readonly number[] => ss.reduce<readonly number[]>((acc, s) => broadcast(acc, s), []);

/** The shape twin of a shape-preserving op (softmax along an axis). */
export const sameTwin = (ss: readonly (readonly number[])[]): readonly number[] => one(ss);

// -------------------------------------------------------------------------------------
// samplers
// -------------------------------------------------------------------------------------

/**
 * How often (one draw in `LONG_ODDS`) a sampled shape's last dim is long, `LONG_MIN..LONG_MAX`:
 * long enough to cross the WASM kernels' SIMD widths (4 float32, 2 float64 lanes) and their
 * unrolled tails at odd sizes, while most cases stay small and cheap. A `tinyGen` (full
 * Jacobians) never draws a long dim: its choices stay near the lower bounds.
 */
export const LONG_ODDS = 8;
/** The range of a long last dim (see `LONG_ODDS`). */
export const LONG_MIN = 5;
export const LONG_MAX = 70;

/** True one draw in `LONG_ODDS` (never under `tinyGen`). */
export const longDraw = (g: Gen): boolean => g.int(1, LONG_ODDS) === LONG_ODDS;

/**
 * A random shape of rank `minRank..maxRank`, dims `1..maxDim`; one draw in `LONG_ODDS` has a long
 * last dim (`LONG_MIN..LONG_MAX`), so the laws cross the kernels' vector widths and tails.
 */
export const sampleShape = (g: Gen, minRank = 0, maxRank = 3, maxDim = 4): number[] => {
  const shape = Array.from({ length: g.int(minRank, maxRank) }, () => g.int(1, maxDim));
  // splice replaces the last dim (on an empty shape it would append one: the guard keeps rank 0)
  if (shape.length > 0 && longDraw(g)) shape.splice(-1, 1, g.int(LONG_MIN, LONG_MAX));
  return shape;
};

/** A domain of the kink points and a few values around them, so inputs often sit on a kink (the `kinks` laws). */
export const kinkDomain = (points: readonly number[]): Domain => ({ name: `kinks ${points.join(", ")}`, min: -2, max: 2, values: [...points, -1.25, 0.75, ...points] });

/** Shapes that broadcast to a common shape: some leading dims dropped, some dims set to 1. */
export const sampleBroadcast = (g: Gen, n: number): number[][] => {
  const out = sampleShape(g, 0, 3);
  return Array.from({ length: n }, () => {
    const drop = g.int(0, out.length);
    return out.slice(drop).map((d) => (g.int(0, 3) === 0 ? 1 : d));
  });
};

/** A sampled case of an elementwise op: broadcastable shapes, one domain per input. */
export const elementwiseCase = (g: Gen, ds: readonly Domain[]): Case<void> => {
  const shapes = sampleBroadcast(g, ds.length);
  return { inputs: shapes.map((shape, i) => ({ shape, domain: ds[i] as Domain })), params: undefined };
};
