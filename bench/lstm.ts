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

/**
 * Rows for the bench: typegrad wasm 1T/2T and tfjs wasm, cold (each one's first step) and steady
 * state, measured interleaved (rounds, each implementation once per round: this host's speed
 * drifts, and other processes share its cores), the median of the round medians; and the CPU
 * time per step (all threads), which load inflates less than wall-clock time.
 */
export const runLstm = async (quick: boolean): Promise<Row[]> => {
  const rows: Row[] = [];
  await useTfjs("wasm");
  const tfjsS = tfjsStep();
  const ours = withBackend(wasm, () => typegradStep());
  const onWasm = (threads: 1 | 2) => () => {
    const prev = configureWasm({ threads });
    try {
      withBackend(wasm, ours);
    } finally {
      configureWasm(prev);
    }
  };
  const impls: [string, () => void][] = [
    ["typegrad wasm 1T", onWasm(1)],
    ["typegrad wasm 2T", onWasm(2)],
    ["tfjs wasm", tfjsS.step],
  ];
  for (const [impl, step] of impls) rows.push({ workload: `${LSTM.name}, cold`, impl, median_ms: time(step) });
  const rounds = quick ? 3 : 5;
  const med = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const [impl, step] of impls) {
      if (r === 0) measure(step, 0, 0, 3); // warm-up: 3 steps and at least 0.4 s
      const reps = quick ? 2 : 4;
      const c0 = process.cpuUsage();
      const ts = Array.from({ length: reps }, () => time(step));
      const c = process.cpuUsage(c0);
      wall.set(impl, [...(wall.get(impl) ?? []), med(ts)]);
      cpu.set(impl, [...(cpu.get(impl) ?? []), (c.user + c.system) / 1000 / reps]);
    }
  }
  tfjsS.dispose();
  for (const [impl] of impls) {
    rows.push({ workload: LSTM.name, impl, median_ms: med(wall.get(impl) as number[]), note: `${rounds} rounds` });
    rows.push({ workload: `${LSTM.name}, CPU ms`, impl, median_ms: med(cpu.get(impl) as number[]) });
  }
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
  const label: Record<string, string> = { [`${LSTM.name}, cold`]: "cold (first step)", [LSTM.name]: "steady (median of rounds)", [`${LSTM.name}, CPU ms`]: "CPU time per step (all threads)" };
  for (const w of Object.keys(label)) {
    const [a, b, c] = [get(w, "typegrad wasm 1T"), get(w, "typegrad wasm 2T"), get(w, "tfjs wasm")];
    lines.push(`| ${label[w]} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms | ${c.toFixed(1)} ms | ${(c / Math.min(a, b)).toFixed(2)}× |`);
  }
  console.log(lines.join("\n"));
  process.exit(0);
}
