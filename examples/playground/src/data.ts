/**
 * The data sets, drawn from typegrad's toys (`circles`, `xor`, `gaussianClusters`, `spiral`,
 * `makeBlobs`) with its seeded `Rng` and scaled to the Playground's square [-6, 6]², and the two
 * regression sets. The same state gives the same points, bit for bit.
 *
 * @module
 */
import { circles, type Examples, gaussianClusters, labels, makeBlobs, permutation, type Rng, rng, spiral, toFlat, toTensors, xor } from "typegrad";
import { classesOf, type DataSet, type State } from "./config.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Points: coordinates `x1`, `x2` and a target (a class 0…k−1, or a value in [-1, 1] for regression). */
export interface Points {
  readonly x1: Float64Array;
  readonly x2: Float64Array;
  readonly y: Float64Array;
}

export interface DataSplit {
  readonly train: Points;
  readonly test: Points;
}

/** Half the side of the square the points (and the heatmaps) live in. */
export const DOMAIN = 6;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const fromToy = (d: Examples<2, 1>, scale: number): Points => {
  const { X } = toTensors(d, "rows", { dtype: "float64" });
  const flat = toFlat(X);
  const m = d.m;
  const x1 = new Float64Array(m);
  const x2 = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    x1[i] = (flat[2 * i] as number) * scale;
    x2[i] = (flat[2 * i + 1] as number) * scale;
  }
  return { x1, x2, y: Float64Array.from(labels(d)) };
};

const regression = (g: Rng, m: number, noise: number, f: (a: number, b: number) => number): Points => {
  const x1 = new Float64Array(m);
  const x2 = new Float64Array(m);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const a = DOMAIN * (2 * g.uniform() - 1);
    const b = DOMAIN * (2 * g.uniform() - 1);
    x1[i] = a + noise * DOMAIN * g.normal();
    x2[i] = b + noise * DOMAIN * g.normal();
    y[i] = Math.max(-1, Math.min(1, f(a, b)));
  }
  return { x1, x2, y };
};

/** The Playground's "multi Gaussian": a sum of signed bumps on a 3 × 3-ish grid. */
const bumps: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/** All points of a data set (before the train/test split). */
export const allPoints = (s: Pick<State, "data" | "classes" | "points" | "noise">, g: Rng): Points => {
  const m = s.points;
  const n = s.noise / 100;
  const k = classesOf(s);
  const sets: Record<DataSet, () => Points> = {
    circle: () => fromToy(circles(g, { m, noise: n * 0.5, factor: 0.5 }), 5),
    xor: () => fromToy(xor(g, { m, noise: n * 0.5, margin: 0.06 }), 5),
    gauss: () => fromToy(gaussianClusters(g, { m, noise: 0.6 + 3 * n }), 1),
    spiral: () => fromToy(spiral(g, { m, classes: 2, noise: n * 0.3, turns: 1.75 }), 5.5),
    spiral3: () => fromToy(spiral(g, { m, classes: 3, noise: n * 0.3, turns: 1.25 }), 5.5),
    spiral5: () => fromToy(spiral(g, { m, classes: 5, noise: n * 0.3, turns: 1 }), 5.5),
    blobs: () => fromToy(makeBlobs(g, { m, centers: k, features: 2, std: 0.6 + 3 * n, box: [-4, 4] }), 1),
    plane: () => regression(g, m, n * 0.1, (a, b) => (a + b) / (2 * DOMAIN)),
    multigauss: () => regression(g, m, n * 0.1, (a, b) => bumps.reduce((acc, [cx, cy, sign]) => acc + sign * Math.exp(-((a - cx) ** 2 + (b - cy) ** 2) / 3), 0)),
  };
  return sets[s.data]();
};

const pick = (p: Points, idx: readonly number[]): Points => ({
  x1: Float64Array.from(idx, (i) => p.x1[i] as number),
  x2: Float64Array.from(idx, (i) => p.x2[i] as number),
  y: Float64Array.from(idx, (i) => p.y[i] as number),
});

/** The data of a state: drawn from `rng(seed)`, shuffled, split `trainRatio`% / the rest. */
export const makeData = (s: State): DataSplit => {
  const g = rng(s.seed);
  const all = allPoints(s, g);
  const order = permutation(g, all.y.length);
  const nTrain = Math.max(1, Math.min(all.y.length - 1, Math.round((all.y.length * s.trainRatio) / 100)));
  return { train: pick(all, order.slice(0, nTrain)), test: pick(all, order.slice(nTrain)) };
};
