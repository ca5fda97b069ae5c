/**
 * `npm run bench:cnn`: the convolution rows against the peers, in one run, interleaved in rounds
 * (each implementation once per round, after its own warm-up) because this host's speed drifts:
 *
 * - the LeNet-style train step at batch 64 (the `npm run cnn` network, SGD): typegrad WASM (1
 *   and 2 threads), jax-js (wasm device, the step under `jit`), tfjs-backend-cpu (tfjs-backend-wasm
 *   4.22 has no kernel for the filter gradient `Conv2DBackpropFilter`, so its training step
 *   cannot run there: tried and reported);
 * - `conv2d` forward on three shapes (`CONVS`: 3×3 on `[32, 28, 28, 16]` → 16, the `npm run cnn`
 *   first layer 5×5 on `[64, 28, 28, 1]` → 16, 3×3 on `[32, 14, 14, 32]` → 32): typegrad WASM
 *   against tfjs-backend-wasm (XNNPACK); on the first also tfjs-backend-cpu and jax-js. Steady
 *   state (medians after warm-up) and cold (the first call on that shape, inputs made). Each
 *   step hands its output's memory back (typegrad `giveBack`, tfjs `dispose`), so a step times
 *   the convolution, not the eviction of earlier outputs.
 *
 * Prints markdown tables with ratios (peer time / typegrad time; > 1: typegrad is faster) and
 * writes bench/results-cnn.json. `--quick` runs fewer rounds.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { blockUntilReady, grad as jgrad, jit, lax, nn, numpy as np, tree } from "@jax-js/jax";
import * as tf from "@tensorflow/tfjs-core";
import { giveBack } from "../src/autodiff/core.js";
import {
  configureWasm,
  conv2d,
  conv2dLayer,
  dense,
  flattenLayer,
  fromArray,
  gd,
  maxPool2dLayer,
  reshapeLayer,
  rng,
  sequential,
  softmaxCrossEntropy,
  type Tensor,
  trainStep,
  wasm,
  withBackend,
} from "../src/index.js";
import { storageOf } from "../src/tensor/tensor.js";
import { useJax } from "./jax.js";
import { useTfjs } from "./tfjs.js";
import { measure, measureAsync, type Timing } from "./timing.js";
import { wasmReady } from "./typegrad.js";
import { CONV3, CONVS, type ConvCase, convFlops, data, LENET, oneHot } from "./workloads.js";

const quick = process.argv.includes("--quick");
const log = (s: string) => process.stderr.write(`${s}\n`);
const notes: string[] = [];
const B = LENET.batch;

// -------------------------------------------------------------------------------------
// typegrad
// -------------------------------------------------------------------------------------

const typegradLenet = (): (() => void) =>
  withBackend(wasm, () => {
    const net = sequential([
      reshapeLayer([28, 28, 1]),
      conv2dLayer([28, 28, 1], 6, 5, { activation: "relu", padding: "same" }),
      maxPool2dLayer([28, 28, 6], 2),
      conv2dLayer([14, 14, 6], 16, 5, { activation: "relu" }),
      maxPool2dLayer([10, 10, 16], 2),
      flattenLayer([5, 5, 16]),
      dense(400, 120, { activation: "relu", layout: "rows" }),
      dense(120, 84, { activation: "relu", layout: "rows" }),
      dense(84, 10, { layout: "rows" }),
    ]);
    let p = net.init(rng(1));
    const sgd = gd(LENET.lr);
    const st = sgd.init(p);
    const X = fromArray([B, 784], data(B * 784, 7));
    const Y = fromArray([B, 10], oneHot(B, 10, 8));
    return () => {
      p = withBackend(wasm, () => trainStep(net as never, softmaxCrossEntropy, sgd, p as never, st as never, X, Y, { layout: "rows" }).params) as typeof p;
    };
  });

const typegradConv = (c: ConvCase): (() => void) =>
  withBackend(wasm, () => {
    const x = fromArray([c.batch, c.size, c.size, c.cin], data(c.batch * c.size * c.size * c.cin, 1));
    const w = fromArray([c.k, c.k, c.cin, c.cout], data(c.k * c.k * c.cin * c.cout, 2));
    const f = conv2d as unknown as (a: Tensor, b: Tensor, o: object) => Tensor;
    // the output's memory goes back at once, as tfjs's step disposes its output
    return () => withBackend(wasm, () => giveBack([storageOf(f(x, w, { padding: c.padding }))], "library"));
  });

// -------------------------------------------------------------------------------------
// tfjs
// -------------------------------------------------------------------------------------

const tfjsLenet = (): { step: () => void; dispose: () => void } => {
  const v = (shape: number[], seed: number, fanIn: number) =>
    tf.variable(
      tf.tensor(
        data(
          shape.reduce((a, b) => a * b, 1),
          seed,
        ).map((x) => x * Math.sqrt(6 / fanIn)),
        shape,
      ),
    );
  const vars = [
    v([5, 5, 1, 6], 1, 25),
    tf.variable(tf.zeros([6])),
    v([5, 5, 6, 16], 2, 150),
    tf.variable(tf.zeros([16])),
    v([400, 120], 3, 400),
    tf.variable(tf.zeros([120])),
    v([120, 84], 4, 120),
    tf.variable(tf.zeros([84])),
    v([84, 10], 5, 84),
    tf.variable(tf.zeros([10])),
  ];
  const [c1, cb1, c2, cb2, W1, b1, W2, b2, W3, b3] = vars as tf.Variable[] as [
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
  ];
  const X = tf.tensor4d(data(B * 784, 7), [B, 28, 28, 1]);
  const Y = tf.tensor2d(oneHot(B, 10, 8), [B, 10]);
  const opt = tf.train.sgd(LENET.lr);
  const loss = (): tf.Scalar => {
    const a1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(X, c1 as tf.Tensor4D, 1, "same"), cb1)) as tf.Tensor4D, 2, 2, "valid");
    const a2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(a1, c2 as tf.Tensor4D, 1, "valid"), cb2)) as tf.Tensor4D, 2, 2, "valid");
    const f = tf.reshape(a2, [B, 400]);
    const h1 = tf.relu(tf.add(tf.matMul(f as tf.Tensor2D, W1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1 as tf.Tensor2D, W2), b2));
    const z = tf.add(tf.matMul(h2 as tf.Tensor2D, W3), b3);
    return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(z)), 1))) as tf.Scalar;
  };
  return {
    step: () => tf.tidy(() => void opt.minimize(loss)),
    dispose: () => {
      tf.dispose([...vars, X, Y]);
      opt.dispose();
    },
  };
};

const tfjsConv = (c: ConvCase): { step: () => void; dispose: () => void } => {
  const x = tf.tensor4d(data(c.batch * c.size * c.size * c.cin, 1), [c.batch, c.size, c.size, c.cin]);
  const w = tf.tensor4d(data(c.k * c.k * c.cin * c.cout, 2), [c.k, c.k, c.cin, c.cout]);
  return { step: () => tf.conv2d(x, w, 1, c.padding).dispose(), dispose: () => tf.dispose([x, w]) };
};

// -------------------------------------------------------------------------------------
// jax-js (NCHW, OIHW kernels: its convolution's layout)
// -------------------------------------------------------------------------------------

type JParams = np.Array[];
const jaxLenet = (): { step: () => Promise<void> } => {
  const a = (shape: number[], seed: number, fanIn: number) =>
    np
      .array(
        data(
          shape.reduce((x, y) => x * y, 1),
          seed,
        ).map((x) => x * Math.sqrt(6 / fanIn)),
      )
      .reshape(shape);
  let p: JParams = [
    a([6, 1, 5, 5], 1, 25),
    np.zeros([1, 6, 1, 1]),
    a([16, 6, 5, 5], 2, 150),
    np.zeros([1, 16, 1, 1]),
    a([400, 120], 3, 400),
    np.zeros([120]),
    a([120, 84], 4, 120),
    np.zeros([84]),
    a([84, 10], 5, 84),
    np.zeros([10]),
  ];
  const X = np.array(data(B * 784, 7)).reshape([B, 1, 28, 28]);
  const Y = np.array(oneHot(B, 10, 8)).reshape([B, 10]);
  // 2×2 max-pooling of NCHW with even sides: a reshape and a max over the window axes
  const pool = (x: np.Array, c: number, h: number) => np.max(x.reshape([B, c, h / 2, 2, h / 2, 2]), [3, 5]);
  const loss = (q: JParams, xs: np.Array, ys: np.Array): np.Array => {
    const [c1, cb1, c2, cb2, W1, b1, W2, b2, W3, b3] = q as [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];
    const a1 = pool(nn.relu(lax.conv(xs, c1, [1, 1], "SAME").add(cb1)), 6, 28);
    const a2 = pool(nn.relu(lax.conv(a1, c2, [1, 1], "VALID").add(cb2)), 16, 10);
    const f = a2.reshape([B, 400]);
    const h1 = nn.relu(np.matmul(f, W1).add(b1));
    const h2 = nn.relu(np.matmul(h1, W2).add(b2));
    return nn
      .logSoftmax(np.matmul(h2, W3).add(b3))
      .mul(ys)
      .sum()
      .mul(-1 / B);
  };
  const step = jit((q: JParams, xs: np.Array, ys: np.Array): JParams => {
    const g = jgrad(loss)(tree.ref(q), xs, ys);
    return tree.map((v: np.Array, gv: np.Array) => v.sub(gv.mul(LENET.lr)), q, g) as JParams;
  });
  return {
    step: async () => {
      p = await blockUntilReady(step(p, X.ref, Y.ref));
    },
  };
};

const jaxConv = (): { step: () => Promise<void> } => {
  const x = np.array(data(CONV3.batch * CONV3.size * CONV3.size * CONV3.cin, 1)).reshape([CONV3.batch, CONV3.cin, CONV3.size, CONV3.size]);
  const w = np.array(data(CONV3.k * CONV3.k * CONV3.cin * CONV3.cout, 2)).reshape([CONV3.cout, CONV3.cin, CONV3.k, CONV3.k]);
  const f = jit((a: np.Array, b: np.Array) => lax.conv(a, b, [1, 1], "SAME"));
  return { step: async () => (await f(x.ref, w.ref).blockUntilReady()).dispose() };
};

// -------------------------------------------------------------------------------------
// the run
// -------------------------------------------------------------------------------------

const threads = await wasmReady();
if (threads < 2) notes.push("WASM helper thread unavailable: the '2T' rows ran on one thread");
configureWasm({ relaxedSimd: true });

type Impl = readonly [string, () => Timing | Promise<Timing>];
const onThreads = (t: 1 | 2, f: () => void) => () => {
  configureWasm({ threads: t });
  f();
};
const budget = 400;

/** The first call's time (ms): a cold start on that shape. */
const first = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const firstAsync = async (f: () => Promise<void>): Promise<number> => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

const build = async (): Promise<{ lenet: Impl[]; convs: Impl[][]; cold: Map<string, number>[]; cleanup: () => void }> => {
  const lenet: Impl[] = [];
  const convs: Impl[][] = CONVS.map(() => []);
  const cold: Map<string, number>[] = CONVS.map(() => new Map());
  const disposers: (() => void)[] = [];
  const ours = typegradLenet();
  lenet.push(["typegrad wasm 1T", () => measure(onThreads(1, ours), budget, 5, 2)], ["typegrad wasm 2T", () => measure(onThreads(2, ours), budget, 5, 2)]);
  CONVS.forEach((c, i) => {
    const oursConv = typegradConv(c);
    configureWasm({ threads: 2 });
    (cold[i] as Map<string, number>).set("typegrad wasm 2T", first(oursConv));
    (convs[i] as Impl[]).push(["typegrad wasm 1T", () => measure(onThreads(1, oursConv), budget, 5, 2)], ["typegrad wasm 2T", () => measure(onThreads(2, oursConv), budget, 5, 2)]);
  });
  // tfjs keeps one current backend: each measurement switches to its own first
  const onTfjs = (backend: "cpu" | "wasm", f: () => void) => async () => {
    await useTfjs(backend);
    return measure(f, budget, 5, 2);
  };
  await useTfjs("wasm");
  try {
    const t = tfjsLenet();
    t.step();
    lenet.push(["tfjs wasm", onTfjs("wasm", t.step)]);
    disposers.push(t.dispose);
  } catch (e) {
    notes.push(`tfjs wasm LeNet step: cannot run (${(e as Error).message.split("\n")[0]}); tfjs cpu runs it instead`);
  }
  CONVS.forEach((c, i) => {
    const tw = tfjsConv(c);
    (cold[i] as Map<string, number>).set("tfjs wasm (XNNPACK)", first(tw.step));
    (convs[i] as Impl[]).push(["tfjs wasm (XNNPACK)", onTfjs("wasm", tw.step)]);
    disposers.push(tw.dispose);
  });
  await useTfjs("cpu");
  const tc = tfjsLenet();
  lenet.push(["tfjs cpu", onTfjs("cpu", tc.step)]);
  const tcc = tfjsConv(CONV3);
  (convs[0] as Impl[]).push(["tfjs cpu", onTfjs("cpu", tcc.step)]);
  disposers.push(tc.dispose, tcc.dispose);
  try {
    await useJax();
    const j = jaxLenet();
    await j.step();
    lenet.push(["jax-js wasm (jit)", () => measureAsync(j.step, budget, 5, 2)]);
    const jc = jaxConv();
    (cold[0] as Map<string, number>).set("jax-js wasm (jit)", await firstAsync(jc.step));
    (convs[0] as Impl[]).push(["jax-js wasm (jit)", () => measureAsync(jc.step, budget, 5, 2)]);
  } catch (e) {
    notes.push(`jax-js skipped: ${(e as Error).message.split("\n")[0]}`);
  }
  return {
    lenet,
    convs,
    cold,
    cleanup: () => {
      for (const d of disposers) d();
    },
  };
};

const rounds = quick ? 2 : 5;
const { lenet, convs, cold, cleanup } = await build();
const run = async (impls: readonly Impl[], what: string): Promise<Map<string, number[]>> => {
  const out = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    log(`bench:cnn: ${what}, round ${r + 1}/${rounds}`);
    for (const [name, f] of impls) out.set(name, [...(out.get(name) ?? []), (await f()).median_ms]);
  }
  return out;
};
const lenetTimes = await run(lenet, LENET.name);
const convTimes: Map<string, number[]>[] = [];
for (const [i, c] of CONVS.entries()) convTimes.push(await run(convs[i] as Impl[], c.name));
cleanup();

const med = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const load = (() => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
})();
const machine = `${cpus().length}× ${cpus()[0]?.model ?? "?"}, Node ${process.version}, load average ${load}`;
const table = (title: string, times: Map<string, number[]>, flops?: number): string[] => {
  const names = [...times.keys()];
  const m = new Map(names.map((n) => [n, med(times.get(n) as number[])]));
  const best = Math.min(m.get("typegrad wasm 1T") ?? Infinity, m.get("typegrad wasm 2T") ?? Infinity);
  return [
    `${title} (median of ${rounds} interleaved round medians; ratio = peer / typegrad's faster configuration):`,
    "",
    `| ${names.join(" | ")} |`,
    `|${names.map(() => "---").join("|")}|`,
    `| ${names.map((n) => `${(m.get(n) as number).toFixed(2)} ms${flops === undefined ? "" : ` (${(flops / (m.get(n) as number) / 1e6).toFixed(1)} GF/s)`}`).join(" | ")} |`,
    `| ${names.map((n) => (n.startsWith("typegrad") ? "" : `${((m.get(n) as number) / best).toFixed(2)}×`)).join(" | ")} |`,
    "",
    `Round medians (ms): ${names.map((n) => `${n} ${(times.get(n) as number[]).map((v) => v.toFixed(2)).join(", ")}`).join("; ")}.`,
    "",
  ];
};
const lines = [
  `### typegrad CNN benchmark (${new Date().toISOString().slice(0, 10)}, ${machine}, \`npm run bench:cnn${quick ? " -- --quick" : ""}\`)`,
  "",
  ...table(LENET.name, lenetTimes),
  ...CONVS.flatMap((c, i) => [
    ...table(c.name, convTimes[i] as Map<string, number[]>, convFlops(c)),
    `Cold (the first call on this shape, ms): ${[...(cold[i] as Map<string, number>)].map(([n, v]) => `${n} ${v.toFixed(1)}`).join("; ")}.`,
    "",
  ]),
  ...notes.map((n) => `- ${n}`),
];
console.log(lines.join("\n"));
writeFileSync(
  fileURLToPath(new URL("results-cnn.json", import.meta.url)),
  `${JSON.stringify({ date: new Date().toISOString(), machine, quick, notes, lenet: Object.fromEntries(lenetTimes), conv: Object.fromEntries(CONVS.map((c, i) => [c.name, { steady: Object.fromEntries(convTimes[i] as Map<string, number[]>), cold: Object.fromEntries(cold[i] as Map<string, number>) }])) }, null, 2)}\n`,
);
process.exit(0);
