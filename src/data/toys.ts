/**
 * Toy datasets of the course: `makeBlobs` (seed 000: 100 points, 2 features, 2 centres), the
 * TensorFlow Playground's sets (circle, XOR, Gaussian clusters, spiral) plus moons, and n-bit
 * parity (seed 002's case for depth). Every generator takes an `Rng`: same seed, same points.
 * Labels are one integer target per example (`Examples<F, 1>`); `oneHot` turns them into vectors.
 *
 * @module
 */
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import type { Rng } from "../tensor/random.js";
import { type Examples, fromFlat, sharedFloats } from "./examples.js";

// -------------------------------------------------------------------------------------
// helpers
// -------------------------------------------------------------------------------------

/** The most values one set's `x` may hold: the largest typed array. */
const MAX_VALUES = 2 ** 32;

const count = (fn: string, arg: string, n: unknown, min = 1): number => {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) throw new TypeError(`${fn}: option '${arg}' must be an integer ≥ ${min}, got ${String(n)}`);
  return n;
};

/** `m` examples of `width` features, refused before allocating when `x` could not hold them. */
const sized = (fn: string, m: number, width: number): number => {
  if (m * width > MAX_VALUES) throw new RangeError(`${fn}: option 'm' = ${m} examples of ${width} features is ${m * width} values, more than a typed array holds (2^32)`);
  return m;
};

const nonNegative = (fn: string, arg: string, v: unknown): number => {
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new TypeError(`${fn}: option '${arg}' must be a finite number ≥ 0, got ${String(v)}`);
  return v;
};

/** Build 2-D examples from a per-example generator of `[x1, x2, label]`. */
const points = (fn: string, m: number, f: (i: number) => readonly [number, number, number]): Examples<2, 1> => {
  sized(fn, m, 2);
  const x = sharedFloats(m * 2);
  const y = sharedFloats(m);
  for (let i = 0; i < m; i++) {
    const [a, b, c] = f(i);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = c;
  }
  return fromFlat(2, 1, x, y);
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Options of {@link makeBlobs}. @category model */
export interface BlobsOptions<F extends number> {
  /** Number of points (default 100). */
  readonly m?: number;
  /** Number of centres, the classes (default 2). */
  readonly centers?: number;
  /** Number of features (default 2). */
  readonly features?: F;
  /** Deviation of each blob (default 1). */
  readonly std?: number;
  /** Centres are drawn uniformly in this box (default [-10, 10]). */
  readonly box?: readonly [number, number];
}

const blobsKeys: OptionKeys<BlobsOptions<number>> = { m: true, centers: true, features: true, std: true, box: true };

/**
 * Isotropic Gaussian blobs, as scikit-learn's `make_blobs` (seed 000: `n_samples=100,
 * n_features=2, centers=2`). Example i belongs to centre `i mod centers`.
 *
 * @example
 * import { labels, makeBlobs, rng } from "typegrad"
 * const d = makeBlobs(rng(0))
 * d // { m: 100, features: 2, targets: 1 }
 * labels(d).slice(0, 4) // [0, 1, 0, 1]
 * @category constructors
 */
export const makeBlobs = <const F extends number = 2>(g: Rng, opts: BlobsOptions<F> = {}): Examples<F, 1> => {
  checkOptionKeys("makeBlobs", opts, blobsKeys);
  const m = count("makeBlobs", "m", opts.m ?? 100);
  const k = count("makeBlobs", "centers", opts.centers ?? 2);
  const nf = count("makeBlobs", "features", opts.features ?? 2) as F;
  sized("makeBlobs", m, nf);
  const std = nonNegative("makeBlobs", "std", opts.std ?? 1);
  const [lo, hi] = opts.box ?? [-10, 10];
  const centres = Array.from({ length: k }, () => Array.from({ length: nf }, () => lo + (hi - lo) * g.uniform()));
  const x = sharedFloats(m * nf);
  const y = sharedFloats(m);
  for (let i = 0; i < m; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < nf; j++) x[i * nf + j] = (centres[c]?.[j] as number) + std * g.normal();
  }
  return fromFlat(nf, 1, x, y);
};

/** Options shared by the 2-D toys: number of points and Gaussian noise added to each coordinate. @category model */
export interface ToyOptions {
  readonly m?: number;
  readonly noise?: number;
}

const toyKeys: OptionKeys<ToyOptions> = { m: true, noise: true };
const circlesKeys: OptionKeys<ToyOptions & { readonly factor?: number }> = { ...toyKeys, factor: true };
const xorKeys: OptionKeys<ToyOptions & { readonly margin?: number }> = { ...toyKeys, margin: true };
const spiralKeys: OptionKeys<ToyOptions & { readonly classes?: number; readonly turns?: number }> = { ...toyKeys, classes: true, turns: true };

/**
 * Two interleaving half circles (scikit-learn's `make_moons`).
 *
 * @example
 * import { moons, rng } from "typegrad"
 * moons(rng(1), { m: 200, noise: 0.1 }) // { m: 200, features: 2, targets: 1 }
 * @category constructors
 */
export const moons = (g: Rng, opts: ToyOptions = {}): Examples<2, 1> => {
  checkOptionKeys("moons", opts, toyKeys);
  const m = count("moons", "m", opts.m ?? 200, 2);
  const noise = nonNegative("moons", "noise", opts.noise ?? 0.1);
  return points("moons", m, (i) => {
    const c = i % 2;
    const t = Math.PI * g.uniform();
    const [a, b] = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [a + noise * g.normal(), b + noise * g.normal(), c];
  });
};

/**
 * A disc (label 1) inside a ring (label 0), the Playground's "circle" set: radii `factor` and 1.
 *
 * @example
 * import { circles, rng } from "typegrad"
 * circles(rng(2), { m: 200, noise: 0.05 }) // { m: 200, features: 2, targets: 1 }
 * @category constructors
 */
export const circles = (g: Rng, opts: ToyOptions & { readonly factor?: number } = {}): Examples<2, 1> => {
  checkOptionKeys("circles", opts, circlesKeys);
  const m = count("circles", "m", opts.m ?? 200, 2);
  const noise = nonNegative("circles", "noise", opts.noise ?? 0.05);
  const factor = opts.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new RangeError(`circles: option 'factor' must be in (0, 1), got ${factor}`);
  return points("circles", m, (i) => {
    const inner = i % 2;
    const t = 2 * Math.PI * g.uniform();
    const r = inner === 1 ? factor : 1;
    return [r * Math.cos(t) + noise * g.normal(), r * Math.sin(t) + noise * g.normal(), inner];
  });
};

/**
 * The Playground's XOR: points uniform in [-1, 1]², label 1 where the two coordinates have
 * opposite signs (`(x1 > 0) xor (x2 > 0)`), noise added after labelling.
 *
 * @example
 * import { rng, xor } from "typegrad"
 * xor(rng(3), { m: 200 }) // { m: 200, features: 2, targets: 1 }
 * @category constructors
 */
export const xor = (g: Rng, opts: ToyOptions & { readonly margin?: number } = {}): Examples<2, 1> => {
  checkOptionKeys("xor", opts, xorKeys);
  const m = count("xor", "m", opts.m ?? 200);
  const noise = nonNegative("xor", "noise", opts.noise ?? 0);
  const margin = nonNegative("xor", "margin", opts.margin ?? 0.05);
  const coord = (): number => {
    const v = margin + (1 - margin) * g.uniform();
    return g.uniform() < 0.5 ? -v : v;
  };
  return points("xor", m, () => {
    const a = coord();
    const b = coord();
    return [a + noise * g.normal(), b + noise * g.normal(), a > 0 !== b > 0 ? 1 : 0];
  });
};

/**
 * The Playground's Gaussian clusters: label 1 around (2, 2), label 0 around (-2, -2).
 *
 * @example
 * import { gaussianClusters, rng } from "typegrad"
 * gaussianClusters(rng(4), { m: 200, noise: 1 }) // { m: 200, features: 2, targets: 1 }
 * @category constructors
 */
export const gaussianClusters = (g: Rng, opts: ToyOptions = {}): Examples<2, 1> => {
  checkOptionKeys("gaussianClusters", opts, toyKeys);
  const m = count("gaussianClusters", "m", opts.m ?? 200);
  const noise = nonNegative("gaussianClusters", "noise", opts.noise ?? 1);
  return points("gaussianClusters", m, (i) => {
    const c = (i + 1) % 2;
    const mu = c === 1 ? 2 : -2;
    return [mu + noise * g.normal(), mu + noise * g.normal(), c];
  });
};

/**
 * Interleaved spirals, one arm per class (the Playground's spiral; `classes` arms).
 *
 * @example
 * import { labels, rng, spiral } from "typegrad"
 * const d = spiral(rng(5), { m: 300, classes: 3 })
 * new Set(labels(d)).size // 3
 * @category constructors
 */
export const spiral = (g: Rng, opts: ToyOptions & { readonly classes?: number; readonly turns?: number } = {}): Examples<2, 1> => {
  checkOptionKeys("spiral", opts, spiralKeys);
  const m = count("spiral", "m", opts.m ?? 300);
  const k = count("spiral", "classes", opts.classes ?? 2, 2);
  const noise = nonNegative("spiral", "noise", opts.noise ?? 0.05);
  const turns = opts.turns ?? 1;
  const perClass = Math.ceil(m / k);
  return points("spiral", m, (i) => {
    const c = i % k;
    const r = Math.floor(i / k) / perClass;
    const t = 2 * Math.PI * (turns * r + c / k);
    return [r * Math.cos(t) + noise * g.normal(), r * Math.sin(t) + noise * g.normal(), c];
  });
};

/**
 * All `2^n` patterns of `n` bits (inputs 0/1), labelled by their parity (1 when an odd number of
 * bits is set): the function that needs `O(2^n)` units in one hidden layer but `O(n)` with depth.
 *
 * @example
 * import { parity } from "typegrad"
 * const d = parity(4)
 * d // { m: 16, features: 4, targets: 1 }
 * @category constructors
 */
export const parity = <const N extends number>(n: N): Examples<N, 1> => {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new TypeError(`parity: argument 'n' must be an integer ≥ 1, got ${String(n)}`);
  if (n > 20) throw new RangeError(`parity: argument 'n' must be at most 20 (2^n examples), got ${n}`);
  const m = 2 ** n;
  const x = sharedFloats(m * n);
  const y = sharedFloats(m);
  for (let i = 0; i < m; i++) {
    let ones = 0;
    for (let j = 0; j < n; j++) {
      const bit = (i >> j) & 1;
      x[i * n + j] = bit;
      ones += bit;
    }
    y[i] = ones % 2;
  }
  return fromFlat(n, 1, x, y);
};
