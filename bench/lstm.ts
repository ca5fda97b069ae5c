/**
 * The LSTM training step (issue 17): `T = 50` steps, `m = 64` examples, `F = 32` features,
 * `H = 128` units; forward over the sequence, a squared-error cost of the last hidden state,
 * backward through time, one SGD update. typegrad's `lstm` layer (its scan-based backprop through
 * time, on the WASM backend with 1 and 2 threads) against tfjs-backend-wasm running
 * tfjs-core's `basicLSTMCell` in a loop under `optimizer.minimize` (what tfjs-layers' LSTM does:
 * the cell unrolled on tfjs's tape). Same initial weights and data; cold (the first step, JIT and
 * kernels cold) and steady state (median after warm-up).
 *
 * `npm run bench:lstm` prints a table and the ratios; `npm run bench` includes the rows.
 */
import * as tf from "@tensorflow/tfjs-core";
import { configureWasm, fromArray, gd, lstm, mean, square, sub, type Tensor, valueAndGrad, wasm, withBackend } from "../src/index.js";
import { useTfjs } from "./tfjs.js";
import { measure } from "./timing.js";
import type { Row } from "./typegrad.js";
import { data } from "./workloads.js";

export const LSTM = { name: "LSTM train step T50 m64 F32 H128", T: 50, m: 64, F: 32, H: 128, lr: 0.01 } as const;

const { T, m, F, H } = LSTM;
/** Glorot-uniform-scaled deterministic weights; tfjs's kernel is [W; U] stacked ([F + H, 4H]), ours W and U apart. */
const W0 = data(F * 4 * H, 11).map((v) => v * Math.sqrt(6 / (F + H)));
const U0 = data(H * 4 * H, 12).map((v) => v * Math.sqrt(6 / (2 * H)));
const X0 = data(T * m * F, 13);
const Y0 = data(m * H, 14).map((v) => v * 0.5);

/** typegrad's step on the current backend: a closure over the evolving parameters. */
const typegradStep = (): (() => void) => {
  const layer = lstm(F, H);
  let p = { W: fromArray([F, 4 * H], W0), U: fromArray([H, 4 * H], U0), b: fromArray([1, 4 * H], new Float32Array(4 * H)) } as ReturnType<typeof layer.init>;
  const X = fromArray([T, m, F], X0) as Tensor<[50, 64, 32]>;
  const Y = fromArray([m, H], Y0) as Tensor<[64, 128]>;
  const opt = gd(LSTM.lr);
  const state = opt.init(p);
  const cost = valueAndGrad((q: typeof p) => mean(square(sub(layer.apply(q, X), Y))) as Tensor<[]>);
  return () => {
    const [, g] = cost(p);
    p = opt.step(p, g, state)[0];
  };
};

/** tfjs's step: `basicLSTMCell` over the 50 steps inside `minimize` (tape autodiff), SGD. */
const tfjsStep = (): { step: () => void; dispose: () => void } => {
  const kernel = tf.variable(tf.tensor2d(Float32Array.from([...W0, ...U0]), [F + H, 4 * H]));
  const bias = tf.variable(tf.zeros([4 * H]));
  const X = tf.tensor3d(X0, [T, m, F]);
  const xs = tf.unstack(X);
  const Y = tf.tensor2d(Y0, [m, H]);
  const forget = tf.scalar(0);
  const opt = tf.train.sgd(LSTM.lr);
  const loss = (): tf.Scalar => {
    let c = tf.zeros([m, H]) as tf.Tensor2D;
    let h = tf.zeros([m, H]) as tf.Tensor2D;
    for (const x of xs) [c, h] = tf.basicLSTMCell(forget, kernel as tf.Tensor2D, bias as tf.Tensor1D, x as tf.Tensor2D, c, h);
    return tf.mean(tf.square(tf.sub(h, Y))) as tf.Scalar;
  };
  return {
    step: () => tf.tidy(() => void opt.minimize(loss)),
    dispose: () => {
      tf.dispose([kernel, bias, X, Y, forget, ...xs]);
      opt.dispose();
    },
  };
};

const time = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

/** Rows for the bench: typegrad wasm 1T/2T and tfjs wasm, cold and steady. */
export const runLstm = async (quick: boolean): Promise<Row[]> => {
  const rows: Row[] = [];
  const budget = quick ? 1500 : 6000;
  for (const threads of [1, 2] as const) {
    const prev = configureWasm({ threads });
    try {
      withBackend(wasm, () => {
        const step = typegradStep();
        const cold = time(step);
        const t = measure(step, budget, quick ? 3 : 10, 3);
        rows.push({ workload: `${LSTM.name}, cold`, impl: `typegrad wasm ${threads}T`, median_ms: cold });
        rows.push({ workload: LSTM.name, impl: `typegrad wasm ${threads}T`, median_ms: t.median_ms, note: `${t.reps} reps` });
      });
    } finally {
      configureWasm(prev);
    }
  }
  await useTfjs("wasm");
  const s = tfjsStep();
  const cold = time(s.step);
  const t = measure(s.step, budget, quick ? 3 : 10, 3);
  s.dispose();
  rows.push({ workload: `${LSTM.name}, cold`, impl: "tfjs wasm", median_ms: cold });
  rows.push({ workload: LSTM.name, impl: "tfjs wasm", median_ms: t.median_ms, note: `${t.reps} reps` });
  return rows;
};

if (process.argv[1]?.endsWith("lstm.ts")) {
  const quick = process.argv.includes("--quick");
  const load = (await import("node:os")).loadavg()[0]?.toFixed(1);
  const rows = await runLstm(quick);
  const get = (w: string, i: string) => rows.find((r) => r.workload === w && r.impl === i)?.median_ms as number;
  const lines = [
    `### ${LSTM.name} (${new Date().toISOString().slice(0, 10)}, load average ${load}, \`npm run bench:lstm${quick ? " -- --quick" : ""}\`)`,
    "",
    "| | typegrad wasm 1T | typegrad wasm 2T | tfjs wasm | tfjs / typegrad (best) |",
    "|---|---|---|---|---|",
  ];
  for (const w of [`${LSTM.name}, cold`, LSTM.name]) {
    const [a, b, c] = [get(w, "typegrad wasm 1T"), get(w, "typegrad wasm 2T"), get(w, "tfjs wasm")];
    lines.push(`| ${w.endsWith("cold") ? "cold (first step)" : "steady (median)"} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms | ${c.toFixed(1)} ms | ${(c / Math.min(a, b)).toFixed(2)}× |`);
  }
  console.log(lines.join("\n"));
  process.exit(0);
}
