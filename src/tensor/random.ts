/**
 * Seeded random generation. There is no global generator: every random function takes an `Rng`
 * made from a seed, and the same seed gives the same numbers on every platform (xoshiro128**,
 * seeded by splitmix32; normals by Box–Muller in float64).
 *
 * @module
 */
import { getBackend } from "../backend/current.js";
import { type CreateOptions, checkSize } from "./create.js";
import { describeValue } from "./describe.js";
import { dtypeOption } from "./dtype.js";
import { fromStorage, type Tensor } from "./tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A random generator. It advances as it is used; `fork()` gives an independent stream (for a
 * layer, a data loader…) without disturbing the sequence of the parent beyond one draw.
 *
 * @example
 * import { rng } from "typegrad"
 * const g = rng(1)
 * // an independent stream, for a data loader say
 * const child = g.fork()
 * g.int(10) < 10 // true
 * @category model
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined = undefined;

  /** @internal use {@link rng}. */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n), for an integer `n` from 1 to 2^32. */
  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= 2 ** 32)) throw new RangeError(`Rng.int: argument 'n' must be an integer from 1 to 4294967296, got ${describeValue(n)}`);
    return Math.floor(this.uniform() * n);
  }

  /** An independent generator seeded from this one. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }

  /** The generator's whole state, as plain JSON (for checkpoints): {@link rngFromState} continues it exactly. */
  state(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0, this.spare ?? null];
  }

  /** @internal use {@link rngFromState}. */
  static restore(st: RngState): Rng {
    const g = new Rng(0);
    [g.s0, g.s1, g.s2, g.s3] = [st[0] >>> 0, st[1] >>> 0, st[2] >>> 0, st[3] >>> 0];
    g.spare = st[4] ?? undefined;
    return g;
  }
}

/**
 * The state of an {@link Rng}: its four xoshiro128** words and the spare normal draw (or null).
 *
 * @category model
 */
export type RngState = readonly [number, number, number, number, number | null];

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A generator from a seed (an integer; same seed, same numbers).
 *
 * @example
 * import { mul, randn, rng } from "typegrad"
 * const g = rng(42)
 * const W = mul(randn(g, [128, 784]), 0.01) // Tensor<[128, 784]>
 * @category constructors
 */
export const rng = (seed: number): Rng => {
  if (typeof seed !== "number" || !Number.isInteger(seed)) throw new TypeError(`rng: argument 'seed' must be an integer, got ${String(seed)}`);
  return new Rng(seed);
};

/**
 * A generator that continues from a saved {@link RngState} exactly where the saved one was.
 *
 * @example
 * import { rng, rngFromState } from "typegrad"
 * const g = rng(7)
 * const saved = g.state()
 * const a = g.uniform()
 * rngFromState(saved).uniform() === a // true
 * @category constructors
 */
export const rngFromState = (state: RngState): Rng => {
  const words = Array.isArray(state) && state.length === 5 && state.slice(0, 4).every((w) => typeof w === "number" && Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
  const spare = Array.isArray(state) && (state[4] === null || (typeof state[4] === "number" && Number.isFinite(state[4])));
  if (!words || !spare || (state[0] | state[1] | state[2] | state[3]) === 0)
    throw new TypeError(`rngFromState: argument 'state' must be [s0, s1, s2, s3, spare] with four 32-bit unsigned words (not all zero) and a finite number or null, got ${JSON.stringify(state)}`);
  return Rng.restore(state);
};

const draw = <S extends number[]>(fn: string, g: Rng, shape: readonly [...S], opts: CreateOptions | undefined, f: () => number): Tensor<S> => {
  if (!(g instanceof Rng)) throw new TypeError(`${fn}: argument 'rng' must be an Rng (from rng(seed)), got ${typeof g}`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
    throw new TypeError(`${fn}: argument 'shape' must be an array of non-negative integer sizes, got ${JSON.stringify(shape)}`);
  const dtype = dtypeOption(fn, opts?.dtype);
  const data = new Float64Array(checkSize(fn, shape, dtype));
  for (let i = 0; i < data.length; i++) data[i] = f();
  return fromStorage(getBackend().fromArray(dtype, data), shape);
};

/**
 * Standard normal samples.
 *
 * @example
 * import { randn, rng } from "typegrad"
 * randn(rng(0), [3, 2]) // Tensor<[3, 2]>
 * @category constructors
 */
export const randn = <const S extends number[]>(g: Rng, shape: readonly [...S], opts?: CreateOptions): Tensor<S> => draw("randn", g, shape, opts, () => g.normal());

/**
 * Uniform samples in [lo, hi) (default [0, 1)).
 *
 * @example
 * import { max, rng, toArray, uniform } from "typegrad"
 * const u = uniform(rng(0), [100], -1, 1) // Tensor<[100]>
 * toArray(max(u)) < 1 // true
 * @category constructors
 */
export const uniform = <const S extends number[]>(g: Rng, shape: readonly [...S], lo = 0, hi = 1, opts?: CreateOptions): Tensor<S> => {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi))
    throw new RangeError(`uniform: arguments 'lo' and 'hi' must be finite numbers with lo ≤ hi, got lo = ${describeValue(lo)}, hi = ${describeValue(hi)}`);
  return draw("uniform", g, shape, opts, () => lo + (hi - lo) * g.uniform());
};

/**
 * Normal samples with mean 0 and deviation `std`, redrawn when beyond 2 `std` (TensorFlow's truncated normal).
 *
 * @example
 * import { abs, max, rng, toArray, truncatedNormal } from "typegrad"
 * const w = truncatedNormal(rng(0), [1000], 0.1)
 * toArray(max(abs(w))) <= 0.2 // true (never beyond 2 std)
 * @category constructors
 */
export const truncatedNormal = <const S extends number[]>(g: Rng, shape: readonly [...S], std = 1, opts?: CreateOptions): Tensor<S> => {
  if (!(Number.isFinite(std) && std >= 0)) throw new RangeError(`truncatedNormal: argument 'std' must be a finite number ≥ 0, got ${describeValue(std)}`);
  return draw("truncatedNormal", g, shape, opts, () => {
    for (;;) {
      const z = g.normal();
      if (Math.abs(z) <= 2) return z * std;
    }
  });
};

/**
 * 1 with probability `p`, else 0.
 *
 * @example
 * import { bernoulli, mean, rng, toArray } from "typegrad"
 * const mask = bernoulli(rng(0), [10000], 0.8)
 * Math.abs(toArray(mean(mask)) - 0.8) < 0.02 // true
 * @category constructors
 */
export const bernoulli = <const S extends number[]>(g: Rng, shape: readonly [...S], p: number, opts?: CreateOptions): Tensor<S> => {
  if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new RangeError(`bernoulli: argument 'p' must be a number in [0, 1], got ${describeValue(p)}`);
  return draw("bernoulli", g, shape, opts, () => (g.uniform() < p ? 1 : 0));
};

/**
 * A random permutation of `0..n-1` (Fisher–Yates), as a plain array.
 *
 * @example
 * import { permutation, rng } from "typegrad"
 * permutation(rng(0), 5).sort() // [0, 1, 2, 3, 4]
 * @category constructors
 */
export const permutation = (g: Rng, n: number): number[] => {
  if (!(Number.isInteger(n) && n >= 0 && n < 2 ** 32)) throw new RangeError(`permutation: argument 'n' must be an integer from 0 to 4294967295, got ${describeValue(n)}`);
  // plain loops (fit draws one per epoch: 60,000 indices for MNIST, once a few milliseconds)
  const p = new Array<number>(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    // g.int(i + 1), without its check per element
    const j = Math.floor(g.uniform() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
};
