/**
 * Weight initialisers (seeds 002–004). Biases start at zero in every layer; weights:
 *
 * | name | draw | for |
 * |---|---|---|
 * | `zeros` | 0 | showing the symmetry failure: every unit of a layer stays identical |
 * | `small` | `0.01 · randn` | the seeds' default (`np.random.randn(n, n) * 0.01`) |
 * | `xavierUniform` | `U(−r, r)`, `r = √(6 / (fanIn + fanOut))` | tanh / sigmoid (Glorot & Bengio) |
 * | `xavierNormal` | `N(0, 2 / (fanIn + fanOut))` | tanh / sigmoid |
 * | `he` | `N(0, 2 / fanIn)` | ReLU family (He et al. 2015) |
 * | `heUniform` | `U(−r, r)`, `r = √(6 / fanIn)` | ReLU family |
 *
 * @module
 */
import { mul } from "../ops/mul.js";
import { type CreateOptions, zeros } from "../tensor/create.js";
import { describeValue } from "../tensor/describe.js";
import { type Rng, randn, uniform } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";

/** Fan-in (inputs per unit) and fan-out (units) of a weight matrix. @category model */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/** Draws a weight tensor of `shape`. @category model */
export type Initializer = <const S extends number[]>(g: Rng, shape: readonly [...S], fans: Fans, opts?: CreateOptions) => Tensor<S>;

/** The initialisers by name. @category model */
export type InitName = "zeros" | "small" | "xavierUniform" | "xavierNormal" | "he" | "heUniform";

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1;

/** The fans of a non-empty weight tensor, checked (an empty one draws nothing and needs none). */
const fansOf = (fn: string, shape: readonly number[], fans: Fans): Fans => {
  if (shape.includes(0)) return { fanIn: 1, fanOut: 1 };
  const f: unknown = fans;
  if (f === null || typeof f !== "object" || !isCount(fans.fanIn) || !isCount(fans.fanOut))
    throw new RangeError(
      `${fn}: argument 'fans' must be { fanIn, fanOut } (integers ≥ 1), got ${f === null || typeof f !== "object" ? describeValue(f) : `fanIn = ${String(fans.fanIn)}, fanOut = ${String(fans.fanOut)}`}`,
    );
  return fans;
};

/**
 * The initialisers by name.
 *
 * @example
 * import { initializers, rng } from "typegrad"
 * initializers.he(rng(0), [128, 784], { fanIn: 784, fanOut: 128 }) // Tensor<[128, 784]>
 * @category constructors
 */
export const initializers: { readonly [K in InitName]: Initializer } = {
  zeros: (_g, shape, _f, opts) => zeros(shape, opts),
  small: (g, shape, _f, opts) => mul(randn(g, shape, opts), 0.01),
  xavierUniform: (g, shape, fans, opts) => {
    const { fanIn, fanOut } = fansOf("xavierUniform", shape, fans);
    const r = Math.sqrt(6 / (fanIn + fanOut));
    return uniform(g, shape, -r, r, opts);
  },
  xavierNormal: (g, shape, fans, opts) => {
    const { fanIn, fanOut } = fansOf("xavierNormal", shape, fans);
    return mul(randn(g, shape, opts), Math.sqrt(2 / (fanIn + fanOut)));
  },
  he: (g, shape, fans, opts) => mul(randn(g, shape, opts), Math.sqrt(2 / fansOf("he", shape, fans).fanIn)),
  heUniform: (g, shape, fans, opts) => {
    const r = Math.sqrt(6 / fansOf("heUniform", shape, fans).fanIn);
    return uniform(g, shape, -r, r, opts);
  },
};

/**
 * An initialiser given by name or as a function.
 *
 * @example
 * import { initializer, rng, toArray } from "typegrad"
 * const init = initializer("dense", "zeros")
 * toArray(init(rng(0), [2, 1], { fanIn: 1, fanOut: 2 })) // [[0], [0]]
 * @category operations
 */
export const initializer = (fn: string, init: InitName | Initializer): Initializer => {
  if (typeof init === "function") return init;
  const f = typeof init === "string" && Object.hasOwn(initializers, init) ? initializers[init] : undefined;
  if (f === undefined) throw new TypeError(`${fn}: option 'init' must be one of ${Object.keys(initializers).join(", ")} or a function, got ${JSON.stringify(init)}`);
  return f;
};
