/**
 * `softmaxCrossEntropyGrad(ls, Y, g, axis, m)`: the pullback of `softmaxCrossEntropy` in one
 * kernel, from the log-softmax `ls` of the logits, the targets `Y` (one shape) and the scalar
 * cotangent `g` of the cost:
 *
 *     out = (e^ls · Σ_axis Y − Y) · (g / m)
 *
 * (`softmax(z) − y`, scaled, for targets that sum to 1 along `axis`). The composition took six
 * kernels (exp, a row sum, two products, a difference, a scalar division); a backend without the
 * fused kernel (`Backend.softmaxCrossEntropyGrad`; the reference, WASM and WebGPU backends have it) runs those six.
 *
 * Pullback, with `p = e^ls`, `s = Σ_axis Y`, `c = g / m` and `ct` the output's cotangent:
 * `ct_ls = ct · p · s · c`, `ct_Y = c · (Σ_axis (ct · p) − ct)`, `ct_g = Σ ct · (p · s − Y) / m`,
 * written with public ops, so `grad(grad(softmaxCrossEntropy))` differentiates through it.
 *
 * @module
 */
import { bind, type Primitive } from "../autodiff/core.js";
import type { Backend, Storage } from "../backend/backend.js";
import type { Sizes } from "../shape/dims.js";
import { normAxis, type Shape, ShapeError, showShape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, expectTensor, promote, sampleShape, three } from "./define.js";
import { div } from "./div.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { type Case, type Dense, domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
import { sum, sumAxis } from "./sum.js";

/** The primitive's parameters: the axis of the units (normalised) and the number of examples. */
export interface SoftmaxCrossEntropyGradParams {
  readonly axis: number;
  readonly m: number;
}

/** The runtime shape rule: `ls` and `Y` of one shape, `g` a scalar; the output has their shape. */
const twin = (ss: readonly (readonly number[])[]): readonly number[] => {
  const [ls, y, g] = three(ss);
  if (ls.length !== y.length || ls.some((d, i) => d !== y[i])) throw new ShapeError("softmaxCrossEntropyGrad", `'ls' ${showShape(ls)} and 'Y' ${showShape(y)} must have one shape`);
  if (g.length !== 0) throw new ShapeError("softmaxCrossEntropyGrad", `'g' must be a scalar (shape []), got ${showShape(g)}`);
  return ls;
};

/** The six kernels the fused one replaces, for a backend without it; the intermediates go back at once. */
const composed = (be: Backend, ls: Storage, y: Storage, shape: Sizes, axis: number, g: Storage, m: number): Storage => {
  const kept = shape.map((d, i) => (i === axis ? 1 : d));
  const e = be.unary("exp", ls);
  const s = be.reduce("sum", y, shape, axis);
  const t = be.binary("mul", e, shape, s, kept, shape);
  const d = be.binary("sub", t, shape, y, shape, shape);
  const mm = be.fill(ls.dtype, 1, m);
  const c = be.binary("div", g, [], mm, [], []);
  const out = be.binary("mul", d, shape, c, [], shape);
  for (const x of [e, s, t, d, mm, c]) if (x.shared !== true) be.release?.(x);
  return out;
};

/** The primitive. */
export const softmaxCrossEntropyGradPrim: Primitive<SoftmaxCrossEntropyGradParams> = {
  name: "softmaxCrossEntropyGrad",
  shape: (ss) => [...twin(ss)],
  forward: (xs, ss, { axis, m }) => {
    const [ls, y, g] = three(xs);
    const shape = three(ss)[0];
    const be = backendOf(xs);
    return be.softmaxCrossEntropyGrad === undefined ? composed(be, ls, y, shape, axis, g, m) : be.softmaxCrossEntropyGrad(ls, y, shape, axis, g, m);
  },
  pullback: (ct, xs, _out, { axis, m }, wants) => {
    const [ls, y, g] = three(xs);
    const p = exp(ls);
    const s = sumAxis(y, axis, true);
    const c = div(g, m);
    return [wants[0] ? mul(mul(ct, p), mul(s, c)) : undefined, wants[1] ? mul(sub(sumAxis(mul(ct, p), axis, true), ct), c) : undefined, wants[2] ? div(sum(mul(ct, sub(mul(p, s), y))), m) : undefined];
  },
};

const impl = (ls: Tensor, Y: Tensor, g: Tensor, axis: number, m: number): Tensor => {
  expectTensor("softmaxCrossEntropyGrad", "ls", ls);
  expectTensor("softmaxCrossEntropyGrad", "Y", Y);
  expectTensor("softmaxCrossEntropyGrad", "g", g);
  if (!(Number.isFinite(m) && m > 0)) throw new RangeError(`softmaxCrossEntropyGrad: argument 'm' must be a positive number of examples, got ${String(m)}`);
  if (!Number.isInteger(axis)) throw new TypeError(`softmaxCrossEntropyGrad: argument 'axis' must be an integer, got ${String(axis)}`);
  const a = normAxis("softmaxCrossEntropyGrad", axis, ls.rank, ls.shape as readonly number[]);
  // mixed dtypes meet in the wider one, as the ops it fuses promote
  const [l1, y1] = promote(ls, Y);
  const [l2, g2] = promote(l1, g);
  const [y2] = promote(y1, g2);
  return bind(softmaxCrossEntropyGradPrim, [l2, y2, g2], { axis: a, m });
};

/**
 * Softmax cross-entropy's pullback in one pass, `(e^ls · Σ_axis Y − Y) · (g / m)`: from the
 * log-softmax `ls` of the logits along `axis`, the targets `Y`, the cost's cotangent `g` and the
 * number of examples `m` (what `softmaxCrossEntropy` runs under `grad`).
 *
 * @example
 * import { logSoftmax, softmaxCrossEntropyGrad, tensor, toArray } from "typegrad"
 * const ls = logSoftmax(tensor([[0, 0], [0, 0]]), 1)
 * toArray(softmaxCrossEntropyGrad(ls, tensor([[1, 0], [0, 1]]), tensor(1), 1, 2)) // [[-0.25, 0.25], [0.25, -0.25]]
 * @category operations
 */
export const softmaxCrossEntropyGrad = <S extends Shape>(ls: Tensor<S>, Y: Tensor<NoInfer<S>>, g: Tensor<[]>, axis: number, m: number): Tensor<S> =>
  impl(ls as Tensor, Y as Tensor, g as Tensor, axis, m) as Tensor<S>;

/** The length of the sampled case's unit axis (the terms of each row sum). */
const unitLength = (c: Case<SoftmaxCrossEntropyGradParams>): number => (c.inputs[0]?.shape[c.params.axis] ?? 1) as number;

/** The reference: plain loops over dense arrays, in float64. */
const reference = (xs: readonly Dense[], { axis, m }: SoftmaxCrossEntropyGradParams): Dense => {
  const [ls, y, g] = xs as readonly [Dense, Dense, Dense];
  const shape = ls.shape;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const n = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const c = (g.data[0] as number) / m;
  const data = new Array<number>(ls.data.length).fill(0);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += y.data[(o * n + i) * inner + j] as number;
      for (let i = 0; i < n; i++) {
        const k = (o * n + i) * inner + j;
        data[k] = (Math.exp(ls.data[k] as number) * s - (y.data[k] as number)) * c;
      }
    }
  return { shape, data };
};

/** Registry entry: log-probabilities in [−3, 0], targets in (0, 1), any cotangent. */
export const softmaxCrossEntropyGradDef: OpDef<SoftmaxCrossEntropyGradParams> = {
  name: "softmaxCrossEntropyGrad",
  kind: "primitive",
  doc: "(e^ls · Σ_axis Y − Y) · (g / m)",
  shape: twin,
  forward: { kind: "backend", method: "softmaxCrossEntropyGrad" },
  pullback: softmaxCrossEntropyGradPrim.pullback,
  spec: {
    // e^ls (≤ 2 ulp of p ≤ 1) times s (a sum of n terms < 1), the difference and the two
    // products (0.5 each), all scaled by c = g/m ≤ 3: n terms of magnitude ≤ 3 · 2
    error: { ulps: { float32: 8, float64: 8 }, terms: unitLength, magnitude: 6 },
    sample: (gen) => {
      const shape = sampleShape(gen, 1, 3);
      const axis = gen.int(0, shape.length - 1);
      const logp = { name: "log-probabilities", min: -3, max: 0 };
      return {
        inputs: [
          { shape, domain: logp },
          { shape: [...shape], domain: domains.unit },
          { shape: [], domain: domains.real },
        ],
        params: { axis, m: gen.int(1, 4) },
      };
    },
    call: (xs, { axis, m }) => {
      const [ls, y, g] = three(xs);
      return impl(ls, y, g, axis, m);
    },
    reference,
  },
};
