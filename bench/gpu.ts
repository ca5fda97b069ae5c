/**
 * `npm run bench:gpu`: the WebGPU backend against its peers in one run, after the same warm-up,
 * measuring everything issue 20's Bench and Targets name:
 *
 * - matmul N×N·N×N (1024, 4096): time per product (`reps` products queued, then one wait: a
 *   read of one row of the last; tfjs-webgpu's matmul is timed the same way), GFLOP/s and the
 *   share of the GPU's published FP32 peak (no tensor cores), for each tile of a sweep at each
 *   size (inside this run);
 * - conv2d forward on the CNN's layers at batch 256 and on large layers (a 3×3 64→64 conv over
 *   256×64×64, whose im2col window buffer would be 2.4 GB; a depthwise one; a stride-2 one): the
 *   two ways `configureWebGPU({ conv })` offers (im2col + the tuned product, and the implicit-GEMM
 *   kernel) interleaved in each round, their ratio, tfjs-webgpu's conv2d timed the same way, and
 *   a tile sweep of the implicit kernel on the largest layer, so a GPU run can choose the default;
 * - a convolution layer's forward pass on the same layers, `relu(conv2d(x, w) + b)`, with the bias
 *   add and relu as the convolution's epilogue against the add as its own kernel, each method,
 *   interleaved in each round;
 * - the MLP 784-1024-1024-10 training step (softmax cross-entropy, plain gradient descent, one
 *   scalar read per step) at batch 128 and 4096, on WebGPU, on the WASM backend with 2 threads
 *   (the target's "two CPU cores") and on tfjs-webgpu;
 * - the LeNet training step (the CNN of `bench/cnn.ts`) at batch 64 and 512, the same three ways;
 * - jax-js's WebGPU device where it starts in Node (it does not today; the line says why);
 * - a last table of the targets, met or missed.
 *
 * A GPU machine reached for minutes runs it from the bundle `bench/gpu-prepare.sh` builds, in one
 * command (`bash .gpu/run.sh`); the whole run stops itself after `--budget` seconds (default 270)
 * with what it has. `--out <file>` also writes the numbers as JSON. `--smoke` runs tiny sizes (a
 * correctness run on a CPU machine's SwiftShader adapter: the numbers mean nothing);
 * `--swiftshader` re-runs this script with the SwiftShader driver's environment (see
 * bench/swiftshader.ts); `--peak <TFLOP/s>` names the FP32 peak when the adapter is not in the
 * table below.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import {
  type Backend,
  configureWasm,
  configureWebGPU,
  conv2dLayer,
  dense,
  flattenLayer,
  fromArray,
  gd,
  type MatmulTile,
  type Model,
  maxPool2dLayer,
  mlp,
  ready,
  reshapeLayer,
  rng,
  type Storage,
  sequential,
  setBackend,
  softmaxCrossEntropy,
  type Tensor,
  trainStepAsync,
  wasm,
  webgpuInfo,
} from "typegrad";
import { webgpuInternals } from "../src/backend/webgpu/index.js";
import { windowGeometry } from "../src/shape/conv.js";
import { swiftshaderDir, swiftshaderEnv } from "./swiftshader.js";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const argOf = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (args.includes("--swiftshader") && process.env.VK_ICD_FILENAMES === undefined) {
  const dir = swiftshaderDir();
  if (dir === undefined) throw new Error("bench:gpu --swiftshader: no SwiftShader driver (apt-get install chromium, or bash bench/swiftshader.sh)");
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: "inherit", env: swiftshaderEnv(dir) });
  process.exit(r.status ?? 1);
}

/** Published FP32 (non-tensor-core) peaks, TFLOP/s, by WebGPU adapter device name. */
const PEAKS: Readonly<Record<string, number>> = { "nvidia-h200": 67, "nvidia-h100": 67, "nvidia-a100": 19.5, "nvidia-l4": 30.3, "nvidia-a10g": 31.2, "nvidia-l40s": 91.6 };

const started = performance.now();
const budget = Number(argOf("--budget") ?? 270) * 1000;
const left = (): number => budget - (performance.now() - started);
const results: Record<string, unknown> & { notes: string[] } = { notes: [] };
const outFile = argOf("--out");
const save = (): void => {
  if (outFile !== undefined) writeFileSync(outFile, `${JSON.stringify(results, null, 1)}\n`);
};
// the whole run stops itself, keeping what it has, so a machine lent for minutes always gets an answer
const watchdog = setTimeout(() => {
  console.log(`\nbench:gpu: stopped after the ${budget / 1000} s budget; the rows above are all there is`);
  results.notes.push("stopped by the time budget");
  save();
  process.exit(3);
}, budget);
watchdog.unref();

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
};
const oneHot = (m: number, k: number): Float32Array => {
  const y = new Float32Array(m * k);
  for (let i = 0; i < m; i++) y[i * k + ((i * 7) % k)] = 1;
  return y;
};

const fmt = (x: number | undefined, d = 1): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : "—");
/** Three significant digits (GFLOP/s on a software adapter are tiny). */
const sig = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? x.toPrecision(3) : "—");

const withBackend = async <T>(b: Backend, f: () => Promise<T>): Promise<T> => {
  const prev = setBackend(b);
  try {
    return await f();
  } finally {
    setBackend(prev);
  }
};

/** Cold (first call) and steady (median of the rest) milliseconds of an async step. */
/** The WebGPU backend's dispatches, submits and reads so far (0 before it loads). */
const gpuCommands = (): [number, number, number] => {
  const i = webgpuInfo();
  return i === undefined ? [0, 0, 0] : [i.dispatches, i.submits, i.reads];
};

/** The cold (first) step and the median of `n` steady ones, and what the steady steps cost typegrad's WebGPU backend in commands, per step. */
const stepTime = async (step: () => Promise<unknown>, n: number): Promise<{ cold: number; steady: number; commands: [number, number, number] }> => {
  const t0 = performance.now();
  await step();
  const cold = performance.now() - t0;
  const ts: number[] = [];
  const before = gpuCommands();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await step();
    ts.push(performance.now() - s);
  }
  const after = gpuCommands();
  return { cold, steady: median(ts), commands: [0, 1, 2].map((k) => ((after[k] as number) - (before[k] as number)) / n) as [number, number, number] };
};

// -------------------------------------------------------------------------------------
// tfjs-webgpu (in Node through the webgpu package's navigator.gpu)
// -------------------------------------------------------------------------------------

/**
 * tfjs-core's gradients: bundled (on a GPU machine, by bench/gpu-prepare.sh) they import as is;
 * Node cannot import their ESM build (directory imports), so under tsx they are bundled here first
 * with esbuild, as bench/tfjs.ts does. They register on `globalThis`, shared by every tfjs-core copy.
 */
const registerTfGradients = async (): Promise<void> => {
  try {
    await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  } catch {
    const require = createRequire(import.meta.url);
    const esbuild = require(["es", "build"].join("")) as { buildSync(o: object): unknown };
    const outfile = fileURLToPath(new URL("../build/bench/tfjs-gradients.mjs", import.meta.url));
    esbuild.buildSync({ entryPoints: [require.resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js")], bundle: true, format: "esm", platform: "node", outfile, logLevel: "error" });
    await import(pathToFileURL(outfile).href);
  }
};

const startTfjs = async (): Promise<string | undefined> => {
  try {
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (g.navigator?.gpu === undefined) {
      const spec = ["web", "gpu"].join("");
      const m = (await import(spec)) as { create: (o: string[]) => unknown; globals: object };
      Object.assign(globalThis, m.globals);
      Object.defineProperty(globalThis, "navigator", { value: { ...(g.navigator ?? {}), gpu: m.create([]) }, configurable: true });
    }
    await import("@tensorflow/tfjs-backend-webgpu");
    await registerTfGradients();
    if (!(await tf.setBackend("webgpu"))) return "tf.setBackend('webgpu') returned false";
    await tf.ready();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
  }
};

/**
 * tfjs-webgpu's `op`, timed: `reps` queued, then a wait by reading one element of the last (tfjs
 * has no public wait); the median over `rounds` after one warm-up round, per op.
 */
const tfTimed = async (op: () => tf.Tensor, reps: number, rounds: number): Promise<number> => {
  const run = async () => {
    for (let i = 1; i < reps; i++) op().dispose();
    const last = op();
    const corner = tf.slice(
      last,
      last.shape.map(() => 0),
      last.shape.map(() => 1),
    );
    await corner.data();
    tf.dispose([last, corner]);
  };
  await run();
  const ts: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    await run();
    ts.push((performance.now() - t) / reps);
  }
  return median(ts);
};

const tfMatmul = async (N: number, reps: number, rounds: number): Promise<number> => {
  const a = tf.tensor2d(rand(N * N, 1), [N, N]);
  const b = tf.tensor2d(rand(N * N, 2), [N, N]);
  const ms = await tfTimed(() => tf.matMul(a, b), reps, rounds);
  tf.dispose([a, b]);
  return ms;
};

/** tfjs-webgpu's conv2d (NHWC), timed by {@link tfTimed}. */
const tfConv = async (c: ConvLayer, reps: number, rounds: number): Promise<number> => {
  const x = tf.tensor4d(
    rand(
      c.x.reduce((a, b) => a * b, 1),
      1,
    ),
    c.x as [number, number, number, number],
  );
  const ws = c.groups === 1 ? [c.k, c.k, c.x[3], c.F] : [c.k, c.k, c.x[3], c.F / c.x[3]];
  const w = tf.tensor4d(
    rand(
      ws.reduce((a, b) => a * b, 1),
      2,
    ),
    ws as [number, number, number, number],
  );
  const conv = () =>
    c.groups === 1 ? tf.conv2d(x, w as tf.Tensor4D, c.stride, c.padding === "same" ? "same" : "valid") : tf.depthwiseConv2d(x, w as tf.Tensor4D, c.stride, c.padding === "same" ? "same" : "valid");
  const ms = await tfTimed(conv, reps, rounds);
  tf.dispose([x, w]);
  return ms;
};

/** A convolution layer of the conv table: NHWC input, a k×k kernel to F channels (depthwise when groups = C). */
interface ConvLayer {
  readonly name: string;
  readonly x: readonly [number, number, number, number];
  readonly k: number;
  readonly F: number;
  readonly groups: number;
  readonly stride: number;
  readonly padding: "same" | "valid";
}

const tfDenseVars = (sizes: readonly number[]): tf.Variable[] =>
  sizes.slice(1).flatMap((out, i) => {
    const n = sizes[i] as number;
    return [
      tf.variable(
        tf.tensor2d(
          rand(n * out, 3 + i).map((x) => x * Math.sqrt(6 / n)),
          [n, out],
        ),
      ),
      tf.variable(tf.zeros([out])),
    ];
  });

/** The MLP step in tfjs: forward, softmax cross-entropy, sgd, one scalar read. */
const tfMlpStep = (dims: readonly number[], batch: number): { step: () => Promise<void>; dispose: () => void } => {
  const vars = tfDenseVars(dims);
  const X = tf.tensor2d(rand(batch * (dims[0] as number), 10), [batch, dims[0] as number]);
  const Y = tf.tensor2d(oneHot(batch, dims[dims.length - 1] as number), [batch, dims[dims.length - 1] as number]);
  const opt = tf.train.sgd(0.01);
  const loss = (): tf.Scalar => {
    let h: tf.Tensor2D = X;
    for (let l = 0; l < vars.length; l += 2) {
      const z = tf.add(tf.matMul(h, vars[l] as tf.Tensor2D), vars[l + 1] as tf.Tensor) as tf.Tensor2D;
      h = l + 2 < vars.length ? tf.relu(z) : z;
    }
    return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(h)), 1))) as tf.Scalar;
  };
  return {
    step: async () => {
      const c = tf.tidy(() => opt.minimize(loss, true) as tf.Scalar);
      await c.data();
      c.dispose();
    },
    dispose: () => {
      tf.dispose([...vars, X, Y]);
      opt.dispose();
    },
  };
};

/** The LeNet step of bench/cnn.ts in tfjs (NHWC), one scalar read. */
const tfLenetStep = (B: number): { step: () => Promise<void>; dispose: () => void } => {
  const v = (shape: number[], seed: number, fanIn: number) =>
    tf.variable(
      tf.tensor(
        rand(
          shape.reduce((a, b) => a * b, 1),
          seed,
        ).map((x) => x * Math.sqrt(6 / fanIn)),
        shape,
      ),
    );
  const vars = [v([5, 5, 1, 6], 1, 25), tf.variable(tf.zeros([6])), v([5, 5, 6, 16], 2, 150), tf.variable(tf.zeros([16])), ...tfDenseVars([400, 120, 84, 10])];
  const [c1, cb1, c2, cb2, W1, b1, W2, b2, W3, b3] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const X = tf.tensor4d(rand(B * 784, 7), [B, 28, 28, 1]);
  const Y = tf.tensor2d(oneHot(B, 10), [B, 10]);
  const opt = tf.train.sgd(0.01);
  const loss = (): tf.Scalar => {
    const a1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(X, c1 as tf.Tensor4D, 1, "same"), cb1)) as tf.Tensor4D, 2, 2, "valid");
    const a2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(a1, c2 as tf.Tensor4D, 1, "valid"), cb2)) as tf.Tensor4D, 2, 2, "valid");
    const h1 = tf.relu(tf.add(tf.matMul(tf.reshape(a2, [B, 400]) as tf.Tensor2D, W1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1 as tf.Tensor2D, W2), b2));
    const z = tf.add(tf.matMul(h2 as tf.Tensor2D, W3), b3);
    return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(z)), 1))) as tf.Scalar;
  };
  return {
    step: async () => {
      const c = tf.tidy(() => opt.minimize(loss, true) as tf.Scalar);
      await c.data();
      c.dispose();
    },
    dispose: () => {
      tf.dispose([...vars, X, Y]);
      opt.dispose();
    },
  };
};

// -------------------------------------------------------------------------------------
// typegrad steps
// -------------------------------------------------------------------------------------

/** A typegrad training step on the current backend (`trainStepAsync`: value and gradient, an sgd update, one scalar read). */
const typegradStep = (net: { init: (g: ReturnType<typeof rng>) => object; apply: (p: never, X: Tensor, ctx: object) => Tensor }, X: Tensor, Y: Tensor): (() => Promise<number>) => {
  const model = net as unknown as Model<Record<string, Tensor>>;
  let params = net.init(rng(0)) as Record<string, Tensor>;
  const opt = gd(0.01);
  let state = opt.init(params);
  return async () => {
    const r = await trainStepAsync(model, softmaxCrossEntropy, opt, params, state, X, Y, { layout: "rows" });
    params = r.params;
    state = r.state;
    return r.loss;
  };
};

const lenet = () =>
  sequential([
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

/** Forward + backward FLOPs of a LeNet step per example (2·MACs forward, twice that backward). */
const LENET_FLOPS = 6 * (28 * 28 * 25 * 6 + 10 * 10 * 150 * 16 + 400 * 120 + 120 * 84 + 84 * 10);

// -------------------------------------------------------------------------------------
// the run
// -------------------------------------------------------------------------------------

const main = async (): Promise<void> => {
  const gpu = await ready("webgpu");
  /** A conv layer's geometry, kernel shape, seeded input and kernel on the GPU, and its FLOPs. */
  const convOperands = (c: ConvLayer) => {
    const g = windowGeometry("conv2d", c.x, [c.k, c.k], { stride: c.stride, padding: c.padding });
    const ci = c.x[3] / c.groups;
    const ws = [c.k, c.k, ci, c.F];
    const x = gpu.fromArray(
      "float32",
      rand(
        c.x.reduce((a, b) => a * b, 1),
        3,
      ),
    );
    const w = gpu.fromArray(
      "float32",
      rand(
        ws.reduce((a, b) => a * b, 1),
        4,
      ),
    );
    return { g, ws, x, w, flops: 2 * c.x[0] * g.outH * g.outW * c.F * c.k * c.k * ci };
  };
  const info = webgpuInfo();
  const device = info?.adapter.device ?? "";
  const peakArg = argOf("--peak");
  const peak = peakArg !== undefined ? Number(peakArg) : PEAKS[device];
  const adapter = `${info?.adapter.vendor} ${info?.adapter.architecture} ${device} ${info?.adapter.description}${info?.adapter.isFallbackAdapter ? " (software fallback)" : ""}`;
  Object.assign(results, { date: new Date().toISOString(), adapter, peakTflops: peak ?? null, smoke });
  console.log(`# bench:gpu ${smoke ? "(smoke: tiny sizes, numbers meaningless)" : ""}`);
  console.log(`adapter: ${adapter}`);
  console.log(`FP32 peak: ${peak === undefined ? "unknown (pass --peak <TFLOP/s>)" : `${peak} TFLOP/s`}`);
  const pct = (gflops: number): string => (peak === undefined ? "—" : fmt((gflops / (peak * 1000)) * 100));
  const tfWhy = await startTfjs();
  if (tfWhy !== undefined) console.log(`tfjs-webgpu: unavailable in Node here (${tfWhy})`);

  // ---- matmul -------------------------------------------------------------------------
  const sizes = smoke ? [32, 64] : [1024, 4096];
  const tiles: MatmulTile[] = [
    { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 },
    { bm: 64, bn: 64, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 64, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 },
    { bm: 64, bn: 128, bk: 16, tm: 4, tn: 8 },
    { bm: 32, bn: 32, bk: 16, tm: 2, tn: 2 },
    { bm: 16, bn: 16, bk: 16, tm: 1, tn: 1 },
  ];
  console.log("\n## matmul N×N·N×N: tile sweep (typegrad webgpu, vec4 loads; time per product, `reps` queued, then one wait: a read of one row)");
  console.log("| N | tile | cold ms | steady ms | GFLOP/s | % of FP32 peak |");
  console.log("|---|---|---|---|---|---|");
  const matmulRows: unknown[] = [];
  const best = new Map<number, { tile: MatmulTile; gflops: number; ms: number }>();
  for (const N of sizes) {
    const a = gpu.fromArray("float32", rand(N * N, 1));
    const b = gpu.fromArray("float32", rand(N * N, 2));
    for (const tile of smoke ? tiles.slice(0, 3) : tiles) {
      if (left() < 60_000) {
        results.notes.push(`tile sweep at N=${N} cut short by the time budget`);
        break;
      }
      const reps = smoke ? 2 : N >= 4096 ? 5 : 20;
      // queue `reps` products, then wait by reading the first row of the last (as tfjs is timed below)
      const run = async (n: number): Promise<void> => {
        for (let i = 1; i < n; i++) gpu.release?.(webgpuInternals.matmulWith(tile, a, [N, N], b, [N, N], false, false, [N, N]));
        const last = webgpuInternals.matmulWith(tile, a, [N, N], b, [N, N], false, false, [N, N]);
        const row = gpu.slice(last, [N, N], 0, 0, 1);
        await (gpu.readAsync as (s: Storage) => Promise<unknown>)(row);
        gpu.release?.(last);
        gpu.release?.(row);
      };
      const t0 = performance.now();
      await run(1);
      const cold = performance.now() - t0;
      const ts: number[] = [];
      for (let r = 0; r < (smoke ? 2 : 5); r++) {
        const s = performance.now();
        await run(reps);
        ts.push((performance.now() - s) / reps);
      }
      const ms = median(ts);
      const gflops = (2 * N ** 3) / (ms * 1e6);
      matmulRows.push({ N, tile, coldMs: cold, ms, gflops });
      console.log(`| ${N} | ${tile.bm}×${tile.bn}×${tile.bk}, ${tile.tm}×${tile.tn}/thread | ${fmt(cold)} | ${fmt(ms, 3)} | ${sig(gflops)} | ${pct(gflops)} |`);
      const prev = best.get(N);
      if (prev === undefined || gflops > prev.gflops) best.set(N, { tile, gflops, ms });
    }
    gpu.release?.(a);
    gpu.release?.(b);
  }
  results.matmul = matmulRows;
  for (const [N, b] of best) console.log(`best tile at N=${N}: ${JSON.stringify(b.tile)} (${sig(b.gflops)} GFLOP/s, ${pct(b.gflops)}% of peak)`);
  console.log(`the default tile is ${JSON.stringify(configureWebGPU({}).tile)}`);
  const largest = best.get(sizes[sizes.length - 1] as number);
  if (largest !== undefined) configureWebGPU({ tile: largest.tile });

  const tfMm = new Map<number, number>();
  if (tfWhy === undefined) {
    console.log("\n## matmul N×N·N×N: tfjs-webgpu, timed the same way (products queued, then one wait: a read of one element)");
    for (const N of sizes) {
      if (left() < 50_000) break;
      const ms = await tfMatmul(N, smoke ? 2 : N >= 4096 ? 5 : 20, smoke ? 2 : 5);
      tfMm.set(N, ms);
      const g = (2 * N ** 3) / (ms * 1e6);
      const ours = best.get(N);
      console.log(`tfjs-webgpu N=${N}: ${fmt(ms, 3)} ms, ${sig(g)} GFLOP/s (${pct(g)}% of peak); typegrad is ${fmt(ours === undefined ? undefined : ms / ours.ms, 2)}× its speed`);
    }
    results.tfjsMatmul = [...tfMm].map(([N, ms]) => ({ N, ms, gflops: (2 * N ** 3) / (ms * 1e6) }));
  }

  // ---- convolution: im2col + product against the implicit kernel ---------------------------
  const layers: ConvLayer[] = smoke
    ? [
        { name: "small 3×3", x: [2, 8, 8, 4], k: 3, F: 20, groups: 1, stride: 1, padding: "same" },
        { name: "small depthwise", x: [2, 8, 8, 4], k: 3, F: 4, groups: 4, stride: 1, padding: "same" },
      ]
    : [
        { name: "LeNet conv1 (6c5 same)", x: [256, 28, 28, 1], k: 5, F: 6, groups: 1, stride: 1, padding: "same" },
        { name: "LeNet conv2 (16c5)", x: [256, 14, 14, 6], k: 5, F: 16, groups: 1, stride: 1, padding: "valid" },
        { name: "3×3 64→64 over 64×64", x: [256, 64, 64, 64], k: 3, F: 64, groups: 1, stride: 1, padding: "same" },
        { name: "3×3 128→256, stride 2", x: [256, 32, 32, 128], k: 3, F: 256, groups: 1, stride: 2, padding: "same" },
        { name: "3×3 depthwise 128", x: [256, 32, 32, 128], k: 3, F: 128, groups: 128, stride: 1, padding: "same" },
      ];
  console.log(
    "\n## conv2d forward, NHWC (time per convolution, `reps` queued, then one wait: a read of one element; `windows`: im2col + the tuned product, in slices of examples when large; `implicit`: the implicit-GEMM kernel; both in each round)",
  );
  console.log("| layer | batch | window buffer | windows ms (cold) | implicit ms (cold) | windows GFLOP/s | implicit GFLOP/s | implicit speed ÷ windows | tfjs-webgpu ms | % of FP32 peak (best) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  const convRows: unknown[] = [];
  const convDefault = configureWebGPU({});
  for (const c of layers) {
    if (left() < 75_000) {
      results.notes.push(`conv table cut short by the time budget before ${c.name}`);
      break;
    }
    const { g, ws, x, w, flops } = convOperands(c);
    const windowMB = (c.x[0] * g.outH * g.outW * c.k * c.k * c.x[3] * 4) / 2 ** 20;
    const reps = smoke ? 2 : 5;
    const timed = async (method: "windows" | "implicit", n: number): Promise<number> => {
      configureWebGPU({ conv: method });
      const s = performance.now();
      for (let i = 1; i < n; i++) gpu.release?.(gpu.conv2d(x, c.x, w, ws, g, c.groups));
      const last = gpu.conv2d(x, c.x, w, ws, g, c.groups);
      const one = gpu.slice(last, [last.length], 0, 0, 1);
      await (gpu.readAsync as (s: Storage) => Promise<unknown>)(one);
      gpu.release?.(last);
      gpu.release?.(one);
      return (performance.now() - s) / n;
    };
    try {
      const coldW = await timed("windows", 1);
      const coldI = await timed("implicit", 1);
      const tw: number[] = [];
      const ti: number[] = [];
      for (let r = 0; r < (smoke ? 2 : 5); r++) {
        tw.push(await timed("windows", reps));
        ti.push(await timed("implicit", reps));
      }
      const [msW, msI] = [median(tw), median(ti)];
      configureWebGPU(convDefault);
      let msTf: number | undefined;
      if (tfWhy === undefined && !smoke && left() > 60_000) {
        try {
          msTf = await tfConv(c, reps, 3);
        } catch (e) {
          results.notes.push(`tfjs-webgpu conv2d on ${c.name} failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
        }
      }
      const gW = flops / (msW * 1e6);
      const gI = flops / (msI * 1e6);
      convRows.push({
        layer: c.name,
        x: c.x,
        kernel: ws,
        groups: c.groups,
        stride: c.stride,
        windowMB,
        windows: { coldMs: coldW, ms: msW, gflops: gW },
        implicit: { coldMs: coldI, ms: msI, gflops: gI },
        tfjsMs: msTf ?? null,
      });
      console.log(
        `| ${c.name} | ${c.x[0]} | ${sig(windowMB)} MB | ${fmt(msW, 3)} (${fmt(coldW)}) | ${fmt(msI, 3)} (${fmt(coldI)}) | ${sig(gW)} | ${sig(gI)} | ${fmt(msW / msI, 2)}× | ${msTf === undefined ? "—" : fmt(msTf, 3)} | ${pct(Math.max(gW, gI))} |`,
      );
    } catch (e) {
      configureWebGPU(convDefault);
      console.log(`| ${c.name} | ${c.x[0]} | ${sig(windowMB)} MB | failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)} | | | | | | |`);
    }
    gpu.release?.(x);
    gpu.release?.(w);
  }
  results.conv = convRows;

  // ---- a convolution layer's forward pass: the bias + relu epilogue against a separate add -------
  console.log(
    "\n## conv2d + bias + relu (a convolution layer's forward pass; time per layer, `reps` queued, then one wait): the bias add and relu as the convolution's epilogue (`fused`) against the add as its own kernel (`separate`), each method, all four in each round",
  );
  console.log("| layer | batch | windows fused ms | windows separate ms | windows separate ÷ fused | implicit fused ms | implicit separate ms | implicit separate ÷ fused |");
  console.log("|---|---|---|---|---|---|---|---|");
  const epiRows: unknown[] = [];
  for (const c of layers) {
    if (left() < 75_000) {
      results.notes.push(`fused conv table cut short by the time budget before ${c.name}`);
      break;
    }
    const { g, ws, x, w } = convOperands(c);
    const outShape = [c.x[0], g.outH, g.outW, c.F];
    const bias = gpu.fromArray("float32", rand(c.F, 5));
    const reps = smoke ? 2 : 5;
    /** Mean ms per layer over `n` queued, and whether the add ran as the epilogue. */
    const timed = async (method: "windows" | "implicit", fuse: boolean, n: number): Promise<{ ms: number; fused: boolean }> => {
      configureWebGPU({ conv: method });
      const before = webgpuInfo()?.fused ?? 0;
      const layer = (): Storage => {
        const y = gpu.conv2d(x, c.x, w, ws, g, c.groups);
        if (!fuse) webgpuInternals.settle();
        const a = gpu.binary("add", y, outShape, bias, [c.F], outShape, "relu");
        gpu.release?.(y);
        return a;
      };
      const s = performance.now();
      for (let i = 1; i < n; i++) gpu.release?.(layer());
      const last = layer();
      const one = gpu.slice(last, [last.length], 0, 0, 1);
      await (gpu.readAsync as (s: Storage) => Promise<unknown>)(one);
      gpu.release?.(last);
      gpu.release?.(one);
      return { ms: (performance.now() - s) / n, fused: (webgpuInfo()?.fused ?? 0) - before === n };
    };
    try {
      const methods = ["windows", "implicit"] as const;
      const times = new Map<string, number[]>();
      const fusedBy = new Map<string, boolean>();
      for (const m of methods) for (const f of [true, false]) await timed(m, f, 1);
      for (let r = 0; r < (smoke ? 2 : 5); r++) {
        for (const m of methods) {
          for (const f of [true, false]) {
            const t = await timed(m, f, reps);
            const key = `${m} ${f}`;
            times.set(key, [...(times.get(key) ?? []), t.ms]);
            if (f) fusedBy.set(m, t.fused);
          }
        }
      }
      configureWebGPU(convDefault);
      const ms = (m: string, f: boolean): number => median(times.get(`${m} ${f}`) ?? []);
      const cell = (m: "windows" | "implicit"): string => `${fmt(ms(m, true), 3)}${fusedBy.get(m) === true ? "" : " (not fused)"} | ${fmt(ms(m, false), 3)} | ${fmt(ms(m, false) / ms(m, true), 2)}×`;
      epiRows.push({
        layer: c.name,
        x: c.x,
        kernel: ws,
        groups: c.groups,
        windows: { fusedMs: ms("windows", true), separateMs: ms("windows", false), fused: fusedBy.get("windows") },
        implicit: { fusedMs: ms("implicit", true), separateMs: ms("implicit", false), fused: fusedBy.get("implicit") },
      });
      console.log(`| ${c.name} | ${c.x[0]} | ${cell("windows")} | ${cell("implicit")} |`);
    } catch (e) {
      configureWebGPU(convDefault);
      console.log(`| ${c.name} | ${c.x[0]} | failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)} | | | | | |`);
    }
    gpu.release?.(x);
    gpu.release?.(w);
    gpu.release?.(bias);
  }
  results.convEpilogue = epiRows;
  // a tile sweep of the implicit kernel on the largest layer (og > 16: the wide tile is the configurable one)
  const sweepLayer = layers.filter((c) => c.groups === 1 && c.F > 16).at(-1);
  if (sweepLayer !== undefined && left() > 60_000) {
    const c = sweepLayer;
    const { g, ws, x, w, flops } = convOperands(c);
    console.log(`\n## implicit conv2d: tile sweep on ${c.name} (batch ${c.x[0]})`);
    console.log("| tile | ms | GFLOP/s | % of FP32 peak |");
    console.log("|---|---|---|---|");
    const sweep: unknown[] = [];
    for (const tile of smoke ? tiles.slice(0, 1) : tiles) {
      if (left() < 50_000) break;
      const n = smoke ? 2 : 5;
      const run = async (): Promise<number> => {
        const s = performance.now();
        for (let i = 1; i < n; i++) gpu.release?.(webgpuInternals.convImplicit(tile, x, c.x, w, ws, g, 1));
        const last = webgpuInternals.convImplicit(tile, x, c.x, w, ws, g, 1);
        const one = gpu.slice(last, [last.length], 0, 0, 1);
        await (gpu.readAsync as (s: Storage) => Promise<unknown>)(one);
        gpu.release?.(last);
        gpu.release?.(one);
        return (performance.now() - s) / n;
      };
      try {
        await run();
        const ms = median([await run(), await run(), await run()]);
        const gf = flops / (ms * 1e6);
        sweep.push({ tile, ms, gflops: gf });
        console.log(`| ${tile.bm}×${tile.bn}×${tile.bk}, ${tile.tm}×${tile.tn}/thread | ${fmt(ms, 3)} | ${sig(gf)} | ${pct(gf)} |`);
      } catch (e) {
        console.log(`| ${tile.bm}×${tile.bn}×${tile.bk}, ${tile.tm}×${tile.tn}/thread | failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)} | | |`);
      }
    }
    results.convTileSweep = sweep;
    gpu.release?.(x);
    gpu.release?.(w);
  }

  // ---- training steps -------------------------------------------------------------------
  configureWasm({ threads: 2 });
  const stepRows: { workload: string; impl: string; batch: number; coldMs: number; ms: number; gflops: number; commands?: { dispatches: number; submits: number; reads: number } }[] = [];
  // typegrad's WebGPU rows also show the backend's dispatches, submits and reads per steady step
  const row = (workload: string, impl: string, batch: number, flops: number, t: { cold: number; steady: number; commands: [number, number, number] }) => {
    const gflops = flops / (t.steady * 1e6);
    const [dispatches, submits, reads] = t.commands;
    const ours = impl.startsWith("typegrad webgpu");
    stepRows.push({ workload, impl, batch, coldMs: t.cold, ms: t.steady, gflops, ...(ours ? { commands: { dispatches, submits, reads } } : {}) });
    console.log(
      `| ${impl} | ${batch} | ${fmt(t.cold)} | ${fmt(t.steady, 2)} | ${sig(gflops)} | ${ours ? [dispatches, submits, reads].map((x) => (Number.isInteger(x) ? String(x) : x.toFixed(2))).join(" / ") : "—"} |`,
    );
  };
  const dims = smoke ? ([64, 32, 32, 10] as const) : ([784, 1024, 1024, 10] as const);
  const mlpFlops = (m: number) => 6 * m * (dims[0] * dims[1] + dims[1] * dims[2] + dims[2] * dims[3]);
  const mlpBatches = smoke ? [8, 32] : [128, 4096];
  const mlpName = `MLP ${dims.join("-")}`;
  console.log(`\n## ${mlpName} training step (softmax cross-entropy, plain gradient descent, one scalar read per step)`);
  console.log("| implementation | batch | cold ms | steady ms/step | GFLOP/s | GPU dispatches / submits / reads per step |");
  console.log("|---|---|---|---|---|---|");
  const net = mlp([dims[0], dims[1], dims[2], dims[3]], { hidden: "relu", layout: "rows" });
  for (const batch of mlpBatches) {
    for (const [impl, b] of [
      ["typegrad webgpu", gpu],
      ["typegrad wasm, 2 threads", wasm],
    ] as const) {
      if (left() < 30_000) break;
      const steps = smoke ? 2 : b === wasm ? (batch >= 4096 ? 3 : 10) : 20;
      const t = await withBackend(b, async () => {
        const X = fromArray([batch, dims[0]], rand(batch * dims[0], 10));
        const Y = fromArray([batch, dims[3]], oneHot(batch, dims[3]));
        return stepTime(typegradStep(net as never, X, Y), steps);
      });
      row(mlpName, impl, batch, mlpFlops(batch), t);
    }
    if (tfWhy === undefined && left() > 30_000) {
      const s = tfMlpStep(dims, batch);
      row(mlpName, "tfjs-webgpu", batch, mlpFlops(batch), await stepTime(s.step, smoke ? 2 : 20));
      s.dispose();
    }
  }

  const lenetBatches = smoke ? [4] : [64, 512];
  console.log("\n## LeNet training step (bench/cnn.ts's CNN: 6c5 same → pool → 16c5 → pool → 120 → 84 → 10; sgd, one scalar read per step)");
  console.log("| implementation | batch | cold ms | steady ms/step | GFLOP/s | GPU dispatches / submits / reads per step |");
  console.log("|---|---|---|---|---|---|");
  for (const batch of lenetBatches) {
    for (const [impl, b, conv] of [
      ["typegrad webgpu", gpu, "auto"],
      ["typegrad webgpu, implicit conv", gpu, "implicit"],
      ["typegrad wasm, 2 threads", wasm, "auto"],
    ] as const) {
      if (left() < 20_000) break;
      // (the smoke run skips the implicit row: its kernels are checked by the agreement tests, and compiling them on SwiftShader is slow)
      if (smoke && conv === "implicit") continue;
      const prev = configureWebGPU({ conv });
      try {
        const t = await withBackend(b, async () => {
          const X = fromArray([batch, 784], rand(batch * 784, 7));
          const Y = fromArray([batch, 10], oneHot(batch, 10));
          return stepTime(typegradStep(lenet() as never, X, Y), smoke ? 1 : 10);
        });
        row("LeNet", impl, batch, LENET_FLOPS * batch, t);
      } catch (e) {
        console.log(`| ${impl} | ${batch} | failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)} | | |`);
      } finally {
        configureWebGPU(prev);
      }
    }
    if (tfWhy === undefined && left() > 20_000 && !smoke) {
      const s = tfLenetStep(batch);
      row("LeNet", "tfjs-webgpu", batch, LENET_FLOPS * batch, await stepTime(s.step, smoke ? 2 : 10));
      s.dispose();
    }
  }
  results.steps = stepRows;

  // ---- jax-js ---------------------------------------------------------------------------
  try {
    const jax = await import("@jax-js/jax");
    const devices = ((await jax.init("webgpu" as never)) as unknown as string[] | undefined) ?? [];
    if (!devices.includes("webgpu")) throw new Error(`init("webgpu") gave ${JSON.stringify(devices)}`);
    console.log("jax-js webgpu: the device starts in Node; add its rows");
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    console.log(`\njax-js webgpu: unavailable in Node here (${why})`);
    results.notes.push(`jax-js webgpu unavailable in Node: ${why}`);
  }

  // ---- targets ---------------------------------------------------------------------------
  const at = (workload: string, impl: string, batch: number) => stepRows.find((r) => r.workload === workload && r.impl === impl && r.batch === batch)?.ms;
  const targets: { target: string; value: string; met: boolean | undefined }[] = [];
  const judge = (target: string, value: number | undefined, goal: number, unit: string) =>
    targets.push({ target, value: value === undefined ? "not measured" : `${sig(value)}${unit}`, met: value === undefined ? undefined : value >= goal });
  const big = sizes[sizes.length - 1] as number;
  const small = sizes[0] as number;
  judge(`matmul ${big}² ≥ 20 TFLOP/s`, best.get(big) === undefined ? undefined : (best.get(big)?.gflops as number) / 1000, 20, " TFLOP/s");
  judge(`matmul ${small}² ≥ 8 TFLOP/s`, best.get(small) === undefined ? undefined : (best.get(small)?.gflops as number) / 1000, 8, " TFLOP/s");
  const bigBatch = mlpBatches[mlpBatches.length - 1] as number;
  const g4096 = at(mlpName, "typegrad webgpu", bigBatch);
  const w4096 = at(mlpName, "typegrad wasm, 2 threads", bigBatch);
  judge(`${mlpName} step at batch ${bigBatch} ≥ 20× the WASM backend on 2 threads`, g4096 === undefined || w4096 === undefined ? undefined : w4096 / g4096, 20, "×");
  for (const N of sizes) {
    const ours = best.get(N)?.ms;
    const theirs = tfMm.get(N);
    judge(`matmul ${N}² ≥ tfjs-webgpu`, ours === undefined || theirs === undefined ? undefined : theirs / ours, 1, "× tfjs's speed");
  }
  for (const [w, batches] of [
    [mlpName, mlpBatches],
    ["LeNet", lenetBatches],
  ] as const) {
    for (const batch of batches) {
      const ours = at(w, "typegrad webgpu", batch);
      const theirs = at(w, "tfjs-webgpu", batch);
      judge(`${w} step at batch ${batch} ≥ tfjs-webgpu`, ours === undefined || theirs === undefined ? undefined : theirs / ours, 1, "× tfjs's speed");
    }
  }
  console.log("\n## targets (issue 20)");
  console.log("| target | measured | met? |");
  console.log("|---|---|---|");
  for (const t of targets) console.log(`| ${t.target} | ${t.value} | ${t.met === undefined ? "—" : t.met ? "met" : "missed"} |`);
  results.targets = targets;
  results.seconds = (performance.now() - started) / 1000;
  console.log(`\nbench:gpu: ${fmt((performance.now() - started) / 1000)} s${smoke ? " (smoke)" : ""}`);
  save();
};

await main();
clearTimeout(watchdog);
// tfjs and Dawn keep handles open: leave now that everything is printed
process.exit(0);
