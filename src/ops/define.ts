/**
 * The small machinery every op file uses: `dual` (one definition, callable directly and inside
 * `pipe`), operand normalisation (plain numbers, dtype promotion), primitive builders for the
 * elementwise families, and the shape samplers their specs share.
 *
 * @module
 */
import type { BinaryKernel, UnaryKernel } from "../backend/backend.js";
import { broadcast } from "../shape/broadcast.js";
import { bind, fromStorage, isTensor, type Primitive, storageOf, type Tensor } from "../tensor/tensor.js";
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
    if (test(args)) return f(...Array.from(args));
    return (self: unknown) => f(self, ...Array.from(args));
  } as never;
};

/** Data-first when the first argument is a tensor. */
export const tensorFirst = (args: IArguments): boolean => isTensor(args[0]);

// -------------------------------------------------------------------------------------
// operands
// -------------------------------------------------------------------------------------

/** A tensor or a plain number. */
export type Operand = Tensor | number;

/** A scalar tensor holding `v`, in `like`'s dtype and backend. */
export const scalarLike = (v: number, like: Tensor): Tensor => {
  const s = storageOf(like);
  return fromStorage(s.backend.fill(like.dtype, 1, v), []);
};

/** Both operands as tensors of one dtype (float64 wins, as numpy promotes). */
export const operands = (op: string, a: Operand, b: Operand): [Tensor, Tensor] => {
  if (typeof a === "number" && typeof b === "number") throw new TypeError(`${op}: expected at least one tensor argument, got two numbers (${a}, ${b})`);
  if (typeof a !== "number" && !isTensor(a)) throw new TypeError(`${op}: argument 'a' must be a Tensor or a number, got ${describe(a)}`);
  if (typeof b !== "number" && !isTensor(b)) throw new TypeError(`${op}: argument 'b' must be a Tensor or a number, got ${describe(b)}`);
  const x = typeof a === "number" ? scalarLike(a, b as Tensor) : a;
  const y = typeof b === "number" ? scalarLike(b, x) : b;
  return promote(x, y);
};

/** Cast the float32 one of two tensors to float64 when their dtypes differ. @internal */
export const promote = (x: Tensor, y: Tensor): [Tensor, Tensor] => {
  if (x.dtype === y.dtype) return [x, y];
  return x.dtype === "float64" ? [x, bind(castPrim, [y], "float64")] : [bind(castPrim, [x], "float64"), y];
};

/** A short description of a bad argument, for error messages. */
export const describe = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "an array" : typeof u === "object" ? `a ${(u as object).constructor?.name ?? "object"}` : `${typeof u} ${String(u)}`;

/** Throw unless `x` is a tensor: a message naming the function and the argument. */
export const expectTensor = (op: string, arg: string, x: unknown): Tensor => {
  if (!isTensor(x)) throw new TypeError(`${op}: argument '${arg}' must be a Tensor, got ${describe(x)}`);
  return x;
};

/** The dtype conversion primitive (its pullback converts back). */
export const castPrim: Primitive<"float32" | "float64"> = {
  name: "astype",
  shape: ([s]) => [...(s as readonly number[])],
  forward: ([x], _s, dtype) => (x as NonNullable<typeof x>).backend.cast(x as NonNullable<typeof x>, dtype),
  pullback: (ct, [x]) => [bind(castPrim, [ct], (x as Tensor).dtype)],
};

// -------------------------------------------------------------------------------------
// primitive builders
// -------------------------------------------------------------------------------------

/** An elementwise unary primitive over a backend kernel. */
export const unaryPrimitive = (kernel: UnaryKernel, pullback: Primitive<void>["pullback"]): Primitive<void> => ({
  name: kernel,
  shape: ([s]) => [...(s as readonly number[])],
  forward: ([x]) => (x as NonNullable<typeof x>).backend.unary(kernel, x as NonNullable<typeof x>),
  pullback,
});

/** An elementwise binary primitive over a backend kernel, with numpy broadcasting. */
export const binaryPrimitive = (kernel: BinaryKernel, pullback: Primitive<void>["pullback"]): Primitive<void> => ({
  name: kernel,
  shape: ([a, b]) => broadcast(a as readonly number[], b as readonly number[], kernel),
  forward: ([a, b], [sa, sb], _p, out) => {
    const x = a as NonNullable<typeof a>;
    return x.backend.binary(kernel, x, sa as readonly number[], b as NonNullable<typeof b>, sb as readonly number[], out);
  },
  pullback,
});

// -------------------------------------------------------------------------------------
// samplers
// -------------------------------------------------------------------------------------

/** A random shape of rank `minRank..maxRank`, dims `1..maxDim`. */
export const sampleShape = (g: Gen, minRank = 0, maxRank = 3, maxDim = 4): number[] => Array.from({ length: g.int(minRank, maxRank) }, () => g.int(1, maxDim));

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
