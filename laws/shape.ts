/**
 * Shape laws: an op's runtime output shape equals the runtime twin of its type-level rule
 * (`shapes.matmul` for `MatMul`, `shapes.reduce` for `Reduce`, …). `shapeTwins` says, for each
 * registered op of a shape family, how its twin reads the sampled call; elementwise ops follow
 * numpy broadcasting of all their inputs.
 *
 * @module
 */
import { broadcast, broadcastTo, concat, flatten, matmul, pad, permute, reduce, reshape, slice, transpose } from "../src/shape/rules.js";
import { sameShape } from "./approx.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A runtime shape rule read from a sampled call: input shapes and the op's parameters.
 *
 * @category model
 * @since 0.1.0
 */
export type ShapeTwin = (inputs: readonly (readonly number[])[], params: never) => readonly number[];

interface AxisKeep {
  readonly axis: number | undefined;
  readonly keepDims: boolean;
}

const first = (xs: readonly (readonly number[])[]): readonly number[] => xs[0] ?? [];
const swapLast = (s: readonly number[], t: boolean): readonly number[] => (t ? [...s.slice(0, -2), s[s.length - 1] as number, s[s.length - 2] as number] : s);
const elementwise: ShapeTwin = (xs) => xs.reduce<readonly number[]>((acc, s) => broadcast(acc, s), []);
const reduction = ((xs: readonly (readonly number[])[], p: AxisKeep) => reduce(first(xs), p.axis, p.keepDims)) as ShapeTwin;
const same = ((xs: readonly (readonly number[])[]) => first(xs)) as ShapeTwin;

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * The runtime twins of the registered ops' shape rules, by op name.
 *
 * @example
 * import { shapeTwins } from "typegrad/laws"
 * shapeTwins.matmul?.([[2, 3], [3, 4]], { transA: false, transB: false } as never) // [2, 4]
 * @category instances
 * @since 0.1.0
 */
export const shapeTwins: Readonly<Record<string, ShapeTwin>> = {
  ...Object.fromEntries(
    [
      "abs",
      "add",
      "astype",
      "clip",
      "div",
      "elu",
      "eq",
      "exp",
      "expm1",
      "ge",
      "gt",
      "le",
      "leakyRelu",
      "log",
      "log1p",
      "lt",
      "maximum",
      "minimum",
      "mul",
      "ne",
      "neg",
      "pow",
      "relu",
      "sigmoid",
      "sign",
      "sqrt",
      "square",
      "stopGradient",
      "sub",
      "tanh",
      "where",
    ].map((n) => [n, elementwise]),
  ),
  sum: reduction,
  mean: reduction,
  max: reduction,
  logSumExp: reduction,
  argmax: ((xs: readonly (readonly number[])[], axis: number) => reduce(first(xs), axis, false)) as ShapeTwin,
  softmax: same,
  logSoftmax: same,
  matmul: ((xs: readonly (readonly number[])[], p: { transA: boolean; transB: boolean }) => matmul(swapLast(first(xs), p.transA), swapLast(xs[1] ?? [], p.transB))) as ShapeTwin,
  transpose: ((xs: readonly (readonly number[])[]) => transpose(first(xs))) as ShapeTwin,
  permute: ((xs: readonly (readonly number[])[], axes: readonly number[]) => permute(first(xs), axes)) as ShapeTwin,
  reshape: ((xs: readonly (readonly number[])[], t: readonly number[]) => reshape(first(xs), t)) as ShapeTwin,
  flatten: ((xs: readonly (readonly number[])[], start: number) => flatten(first(xs), start)) as ShapeTwin,
  broadcastTo: ((xs: readonly (readonly number[])[], t: readonly number[]) => broadcastTo(first(xs), t)) as ShapeTwin,
  concat: ((xs: readonly (readonly number[])[], axis: number) => concat(xs, axis)) as ShapeTwin,
  slice: ((xs: readonly (readonly number[])[], p: { axis: number; start: number; end: number }) => slice(first(xs), p.axis, p.start, p.end).shape) as ShapeTwin,
  pad: ((xs: readonly (readonly number[])[], p: { axis: number; before: number; after: number }) => pad(first(xs), p.axis, p.before, p.after)) as ShapeTwin,
};

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

/**
 * The output shape of a call equals its twin rule's.
 *
 * @example
 * import { shapeTwinLaw, shapeTwins } from "typegrad/laws"
 * const add = shapeTwins.add
 * add !== undefined && shapeTwinLaw(add, [[2, 1], [3]], undefined, [2, 3]) // true
 * @category laws
 * @since 0.1.0
 */
export const shapeTwinLaw = (twin: ShapeTwin, inputs: readonly (readonly number[])[], params: unknown, output: readonly number[]): boolean => sameShape(output, twin(inputs, params as never));
