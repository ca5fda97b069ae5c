/**
 * The bench's MLP training step, written against the part of typegrad's API it uses, so that one
 * definition serves this checkout's sources (`bench/typegrad.ts`) and the installed package
 * (`bench/cold.ts`'s fresh processes, which time the built code an app runs). Only types come
 * from `src/` here: importing this file loads no copy of the library.
 */
import type * as Typegrad from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { data, type MlpCase, oneHot } from "./workloads.js";

/** What the step needs of typegrad: this checkout's `src/index.ts`, or the built package. */
export type StepApi = Pick<typeof Typegrad, "fromArray" | "gd" | "mlp" | "softmaxCrossEntropy" | "trainStep">;

export type Params = { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor; W3: Tensor; b3: Tensor };

/** Initial parameters (He-scaled uniform, deterministic, the same as the peers'). */
export const initParamsWith = (tg: StepApi, c: MlpCase): Params => {
  const [d0, d1, d2, d3] = c.sizes;
  const w = (i: number, o: number, seed: number) =>
    tg.fromArray(
      [i, o],
      data(i * o, seed).map((v) => v * Math.sqrt(6 / i)),
    );
  const b = (o: number) => tg.fromArray([1, o], new Float32Array(o));
  return { W1: w(d0, d1, 1), b1: b(d1), W2: w(d1, d2, 2), b2: b(d2), W3: w(d2, d3, 3), b3: b(d3) };
};

/** The step's one batch: examples in rows, one-hot labels over 10 classes. */
export const batchWith = (tg: StepApi, c: MlpCase): { X: Tensor; Y: Tensor } => ({
  X: tg.fromArray([c.batch, c.sizes[0]], data(c.batch * c.sizes[0], 7)),
  Y: tg.fromArray([c.batch, 10], oneHot(c.batch, 10, 8)),
});

/** The library's MLP of case `c` (examples in rows, as in the peers' code): relu hidden layers, linear output. */
export const mlpNetWith = (tg: StepApi, c: MlpCase) => tg.mlp(c.sizes, { hidden: "relu", layout: "rows" });

/**
 * One SGD step of the library's MLP (`mlpNetWith`) with its loop step and optimizer (tfjs's side
 * uses `tf.train.sgd`): `step(p, X, Y, donate)`. With `donate` (the benchmark's step) the old
 * parameters go back to the backend, as every peer's do: tfjs and numpy update in place, and
 * jax-js's `step(p, …)` consumes `p`.
 */
export const mlpStepWith = (tg: StepApi, c: MlpCase): ((p: Params, X: Tensor, Y: Tensor, donate: boolean) => Params) => {
  const net = mlpNetWith(tg, c);
  const sgd = tg.gd(c.lr);
  // plain SGD keeps no state: one (empty) state serves every parameter record
  const state = sgd.init({});
  return (p, X, Y, donate) => tg.trainStep(net as never, tg.softmaxCrossEntropy, sgd, p, state as never, X, Y, { layout: "rows", donate }).params as Params;
};

/** The MLP train step from fresh parameters on its one batch: the loop `p = step(…)`, the old parameters donated unless `donate` is false. */
export const mlpLoopWith = (tg: StepApi, c: MlpCase, donate = true): (() => void) => {
  const step = mlpStepWith(tg, c);
  let p = initParamsWith(tg, c);
  const { X, Y } = batchWith(tg, c);
  return () => {
    p = step(p, X, Y, donate);
  };
};
