/**
 * What the ONNX test files share: ONNX Runtime (WebAssembly, one thread, errors only) as the
 * independent oracle, the measure its outputs are compared by and the report of the worst
 * comparison, and random parameters for a model.
 */
import * as ort from "onnxruntime-web";
import { afterAll } from "vitest";
import { rebuildParams } from "../../src/codec/params.js";
import { type Describable, namedLeaves, type Params, randn, rng, type Tensor, toFlat } from "../../src/index.js";

ort.env.wasm.numThreads = 1;
ort.env.logLevel = "error";

/** The largest relative difference allowed between ONNX Runtime and typegrad (float32). */
export const TOLERANCE = 1e-5;

/** max |a − b| / max |b|: the disagreement relative to the outputs' scale. */
export const relative = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / Math.max(scale, Number.MIN_VALUE);
};

/** A tensor's bytes, in hex: for bit-exact comparisons. */
export const bits = (x: Tensor): string => Buffer.from(toFlat(x).buffer, toFlat(x).byteOffset, toFlat(x).byteLength).toString("hex");

/** Where a file records its comparisons; after the file, the worst is printed, named by `label`. */
export const comparisons = (label: string): { what: string; rel: number }[] => {
  const measured: { what: string; rel: number }[] = [];
  afterAll(() => {
    const worst = measured.reduce((a, b) => (b.rel > a.rel ? b : a), { what: "", rel: 0 });
    console.log(`ONNX Runtime vs typegrad${label}: ${measured.length} comparisons, worst relative difference ${worst.rel.toExponential(2)} (${worst.what})`);
  });
  return measured;
};

/**
 * The model's parameters with every entry random (biases and PReLU's α included), seeded; `entry`
 * may reshape a draw by the parameter's name (a variance must be positive).
 */
export const randomParams = (model: Describable, seed: number, entry: (name: string, z: Tensor) => Tensor = (_, z) => z): Params => {
  const p = model.init(rng(seed));
  return rebuildParams(p, Object.fromEntries(namedLeaves("test", p).map(([n, x], i) => [n, entry(n, randn(rng(seed * 100 + i), [...x.shape] as number[]))])));
};
