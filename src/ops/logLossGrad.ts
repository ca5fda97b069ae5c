/**
 * `logLossGrad(z, Y, g, m)`: the pullback of `logLossFromLogits` in one kernel, from the logits
 * `z`, the targets `Y` (one shape) and the scalar cotangent `g` of the cost:
 *
 *     out = (σ(z) − Y) · (g / m)
 *
 * (the course's `dZ = A − Y`, scaled). The composition took five kernels (sigmoid, a difference,
 * a fill of `m`, a scalar division, a product); a backend without the fused kernel
 * (`Backend.logLossGrad`; the reference, WASM and WebGPU backends have it) runs those five.
 *
 * Pullback, with `s = σ(z)`, `c = g / m` and `ct` the output's cotangent:
 * `ct_z = ct · s · (1 − s) · c`, `ct_Y = −ct · c`, `ct_g = Σ ct · (s − Y) / m`, written with public
 * ops, so `grad(grad(logLossFromLogits))` differentiates through it.
 *
 * @module
 */
import { bind, type Primitive } from "../autodiff/core.js";
import type { Backend, Storage } from "../backend/backend.js";
import { type Shape, ShapeError, showShape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { backendOf, expectTensor, promote, sampleShape, three } from "./define.js";
import { div } from "./div.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import { sigmoid } from "./sigmoid.js";
import { type Dense, domains, type OpDef } from "./spec.js";
import { sub } from "./sub.js";
import { sum } from "./sum.js";

/** The primitive's parameter: the number of examples. */
export interface LogLossGradParams {
  readonly m: number;
}

/** The runtime shape rule: `z` and `Y` of one shape, `g` a scalar; the output has their shape. */
const twin = (ss: readonly (readonly number[])[]): readonly number[] => {
  const [z, y, g] = three(ss);
  if (z.length !== y.length || z.some((d, i) => d !== y[i])) throw new ShapeError("logLossGrad", `'z' ${showShape(z)} and 'Y' ${showShape(y)} must have one shape`);
  if (g.length !== 0) throw new ShapeError("logLossGrad", `'g' must be a scalar (shape []), got ${showShape(g)}`);
  return z;
};

/** The five kernels the fused one replaces, for a backend without it; the intermediates go back at once. */
const composed = (be: Backend, z: Storage, y: Storage, shape: readonly number[], g: Storage, m: number): Storage => {
  const s = be.unary("sigmoid", z);
  const d = be.binary("sub", s, shape, y, shape, shape);
  const mm = be.fill(z.dtype, 1, m);
  const c = be.binary("div", g, [], mm, [], []);
  const out = be.binary("mul", d, shape, c, [], shape);
  for (const x of [s, d, mm, c]) if (x.shared !== true) be.release?.(x);
  return out;
};

/** The primitive. */
export const logLossGradPrim: Primitive<LogLossGradParams> = {
  name: "logLossGrad",
  shape: (ss) => [...twin(ss)],
  forward: (xs, ss, { m }) => {
    const [z, y, g] = three(xs);
    const be = backendOf(xs);
    return be.logLossGrad === undefined ? composed(be, z, y, three(ss)[0], g, m) : be.logLossGrad(z, y, g, m);
  },
  pullback: (ct, xs, _out, { m }, wants) => {
    const [z, y, g] = three(xs);
    // σ(z) once, and only for the cotangents that need it (z's and g's)
    let s: Tensor | undefined;
    const sz = (): Tensor => (s ??= sigmoid(z));
    const c = div(g, m);
    return [wants[0] ? mul(mul(ct, mul(sz(), sub(1, sz()))), c) : undefined, wants[1] ? neg(mul(ct, c)) : undefined, wants[2] ? div(sum(mul(ct, sub(sz(), y))), m) : undefined];
  },
};

const impl = (z: Tensor, Y: Tensor, g: Tensor, m: number): Tensor => {
  expectTensor("logLossGrad", "z", z);
  expectTensor("logLossGrad", "Y", Y);
  expectTensor("logLossGrad", "g", g);
  if (!(Number.isFinite(m) && m > 0)) throw new RangeError(`logLossGrad: argument 'm' must be a positive number of examples, got ${String(m)}`);
  // mixed dtypes meet in the wider one, as the ops it fuses promote
  const [z1, y1] = promote(z, Y);
  const [z2, g2] = promote(z1, g);
  const [y2] = promote(y1, g2);
  return bind(logLossGradPrim, [z2, y2, g2], { m });
};

/**
 * The binary log-loss's pullback in one pass, `(σ(z) − Y) · (g / m)`: from the logits `z`, the
 * targets `Y`, the cost's cotangent `g` and the number of examples `m` (what `logLossFromLogits`
 * runs under `grad`).
 *
 * @example
 * import { logLossGrad, tensor, toArray } from "typegrad"
 * toArray(logLossGrad(tensor([[0, 0]]), tensor([[1, 0]]), tensor(1), 2)) // [[-0.25, 0.25]]
 * @category operations
 */
export const logLossGrad = <S extends Shape>(z: Tensor<S>, Y: Tensor<NoInfer<S>>, g: Tensor<[]>, m: number): Tensor<S> => impl(z as Tensor, Y as Tensor, g as Tensor, m) as Tensor<S>;

/** The reference: plain loops over dense arrays, in float64. */
const reference = (xs: readonly Dense[], { m }: LogLossGradParams): Dense => {
  const [z, y, g] = xs as readonly [Dense, Dense, Dense];
  const c = (g.data[0] as number) / m;
  return { shape: z.shape, data: z.data.map((v, i) => (1 / (1 + Math.exp(-v)) - (y.data[i] as number)) * c) };
};

/** Registry entry: any logits, targets in (0, 1), any cotangent. */
export const logLossGradDef: OpDef<LogLossGradParams> = {
  name: "logLossGrad",
  kind: "primitive",
  doc: "(σ(z) − Y) · (g / m)",
  shape: twin,
  forward: { kind: "backend", method: "logLossGrad" },
  pullback: logLossGradPrim.pullback,
  spec: {
    // σ (≤ 2 ulp of s ≤ 1), the difference (0.5 of |s − y| ≤ 1) and c = g / m (0.5), the
    // product (0.5), all scaled by |c| ≤ 3
    error: { ulps: { float32: 12, float64: 12 } },
    sample: (gen) => {
      const shape = sampleShape(gen, 0, 3);
      return {
        inputs: [
          { shape, domain: domains.real },
          { shape: [...shape], domain: domains.unit },
          { shape: [], domain: domains.real },
        ],
        params: { m: gen.int(1, 4) },
      };
    },
    call: (xs, { m }) => {
      const [z, y, g] = three(xs);
      return impl(z, y, g, m);
    },
    reference,
  },
};
