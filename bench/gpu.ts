/**
 * `npm run bench:gpu`: the WebGPU backend against its peers in one run, after the same warm-up.
 *
 * - matmul N×N·N×N (1024, 4096): GPU time per product (many products queued, then one wait),
 *   GFLOP/s, share of the GPU's published FP32 peak (no tensor cores), and a tile-size sweep on
 *   the largest size;
 * - the MLP 784-1024-1024-10 training step (plain gradient descent, softmax cross-entropy, one scalar read per step)
 *   at batch 128 and 4096, and the same step on the WASM backend for the ratio;
 * - peers where they run in Node: `@tensorflow/tfjs-backend-webgpu` and jax-js's WebGPU device,
 *   given the Node `webgpu` package's `navigator.gpu`.
 *
 * `--smoke` runs tiny sizes (a correctness run on a CPU machine's SwiftShader adapter: the
 * numbers mean nothing); `--swiftshader` re-runs this script with the SwiftShader driver's
 * environment (see bench/swiftshader.ts); `--peak <TFLOP/s>` names the FP32 peak when the adapter
 * is not in the table below.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Backend, configureWebGPU, gd, itemAsync, type MatmulTile, mlp, ready, rng, setBackend, softmaxCrossEntropy, type Tensor, tensor, valueAndGrad, wasm, webgpuInfo } from "typegrad";
import { webgpuInternals } from "../src/backend/webgpu/index.js";
import { swiftshaderDir, swiftshaderEnv } from "./swiftshader.js";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const peakArg = args.indexOf("--peak");

if (args.includes("--swiftshader") && process.env.VK_ICD_FILENAMES === undefined) {
  const dir = swiftshaderDir();
  if (dir === undefined) throw new Error("bench:gpu --swiftshader: no SwiftShader driver (apt-get install chromium, or bash bench/swiftshader.sh)");
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: "inherit", env: swiftshaderEnv(dir) });
  process.exit(r.status ?? 1);
}

/** Published FP32 (non-tensor-core) peaks, TFLOP/s, by WebGPU adapter device name. */
const PEAKS: Readonly<Record<string, number>> = { "nvidia-h200": 67, "nvidia-h100": 67, "nvidia-a100": 19.5, "nvidia-l4": 30.3, "nvidia-a10g": 31.2 };

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
};

const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : "—");
/** Three significant digits (GFLOP/s on a software adapter are tiny). */
const sig = (x: number): string => (Number.isFinite(x) ? x.toPrecision(3) : "—");

const main = async (): Promise<void> => {
  const gpu = await ready("webgpu");
  const info = webgpuInfo();
  const device = info?.adapter.device ?? "";
  const peak = peakArg >= 0 ? Number(args[peakArg + 1]) : PEAKS[device];
  console.log(`# bench:gpu ${smoke ? "(smoke: tiny sizes, numbers meaningless)" : ""}`);
  console.log(`adapter: ${info?.adapter.vendor} ${info?.adapter.architecture} ${device} ${info?.adapter.description}${info?.adapter.isFallbackAdapter ? " (software fallback)" : ""}`);
  console.log(`FP32 peak: ${peak === undefined ? "unknown (pass --peak <TFLOP/s>)" : `${peak} TFLOP/s`}`);
  const sync = webgpuInternals.sync;

  /** Median GPU ms per call of `f` (queued `reps` times, then one wait), after one warm-up round. */
  const gpuTime = async (f: () => void, reps: number, rounds: number): Promise<{ cold: number; steady: number }> => {
    const t0 = performance.now();
    f();
    await sync();
    const cold = performance.now() - t0;
    const ts: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const s = performance.now();
      for (let i = 0; i < reps; i++) f();
      await sync();
      ts.push((performance.now() - s) / reps);
    }
    return { cold, steady: median(ts) };
  };

  // ---- matmul -------------------------------------------------------------------------
  const sizes = smoke ? [32, 64] : [1024, 4096];
  console.log("\n## matmul N×N·N×N (typegrad webgpu)");
  console.log("| N | tile | cold ms | steady ms | GFLOP/s | % of FP32 peak |");
  console.log("|---|---|---|---|---|---|");
  const tiles: MatmulTile[] = [
    { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 },
    { bm: 64, bn: 64, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 64, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 128, bk: 16, tm: 8, tn: 8 },
    { bm: 32, bn: 32, bk: 16, tm: 2, tn: 2 },
    { bm: 16, bn: 16, bk: 16, tm: 1, tn: 1 },
  ];
  const matmulRow = async (N: number, tile: MatmulTile): Promise<number> => {
    const a = gpu.fromArray("float32", rand(N * N, 1));
    const b = gpu.fromArray("float32", rand(N * N, 2));
    const reps = smoke ? 2 : N >= 4096 ? 5 : 20;
    const t = await gpuTime(
      () => {
        const c = webgpuInternals.matmulWith(tile, a, [N, N], b, [N, N], false, false, [N, N]);
        gpu.release?.(c);
      },
      reps,
      smoke ? 2 : 5,
    );
    const gflops = (2 * N ** 3) / (t.steady * 1e6);
    console.log(
      `| ${N} | ${tile.bm}×${tile.bn}×${tile.bk}, ${tile.tm}×${tile.tn}/thread | ${fmt(t.cold)} | ${fmt(t.steady, 3)} | ${sig(gflops)} | ${peak === undefined ? "—" : fmt((gflops / (peak * 1000)) * 100)} |`,
    );
    gpu.release?.(a);
    gpu.release?.(b);
    return gflops;
  };
  const largest = sizes[sizes.length - 1] as number;
  let best: { tile: MatmulTile; gflops: number } | undefined;
  for (const tile of smoke ? tiles.slice(0, 2) : tiles) {
    const g = await matmulRow(largest, tile);
    if (best === undefined || g > best.gflops) best = { tile, gflops: g };
  }
  console.log(`\nbest tile at N=${largest}: ${JSON.stringify(best?.tile)} (${sig(best?.gflops ?? Number.NaN)} GFLOP/s); the default is ${JSON.stringify(configureWebGPU({}).tile)}`);
  if (best !== undefined) configureWebGPU({ tile: best.tile });
  for (const N of sizes.slice(0, -1)) await matmulRow(N, best?.tile ?? (tiles[0] as MatmulTile));

  // ---- MLP step ---------------------------------------------------------------------------
  const dims = smoke ? ([64, 32, 32, 10] as const) : ([784, 1024, 1024, 10] as const);
  const batches = smoke ? [8, 32] : [128, 4096];
  console.log(`\n## MLP ${dims.join("-")} training step (plain gradient descent, softmax cross-entropy, one scalar read per step)`);
  console.log("| backend | batch | cold ms | steady ms/step |");
  console.log("|---|---|---|---|");
  const net = mlp([dims[0], dims[1], dims[2], dims[3]], { hidden: "relu", layout: "rows" });
  const stepTimes = new Map<string, number>();
  const mlpRow = async (b: Backend, batch: number, steps: number): Promise<void> => {
    const prev = setBackend(b);
    try {
      const X = tensor(Array.from({ length: batch }, (_, i) => Array.from(rand(dims[0], 10 + i)))) as unknown as Tensor<[number, (typeof dims)[0]]>;
      const Y = tensor(Array.from({ length: batch }, (_, i) => Array.from({ length: dims[3] }, (_, k) => (k === i % dims[3] ? 1 : 0)))) as unknown as Tensor<[number, (typeof dims)[3]]>;
      let params = net.init(rng(0));
      const opt = gd(0.01);
      let state = opt.init(params);
      const step = async (): Promise<number> => {
        const [J, grads] = valueAndGrad((p: typeof params) => softmaxCrossEntropy(net.apply(p, X, { training: true }), Y, { layout: "rows" }))(params);
        [params, state] = opt.step(params, grads, state);
        return itemAsync(J);
      };
      const t0 = performance.now();
      await step();
      const cold = performance.now() - t0;
      const ts: number[] = [];
      for (let i = 0; i < steps; i++) {
        const s = performance.now();
        await step();
        ts.push(performance.now() - s);
      }
      const steady = median(ts);
      stepTimes.set(`${b.name}:${batch}`, steady);
      console.log(`| typegrad ${b.name} | ${batch} | ${fmt(cold)} | ${fmt(steady, 2)} |`);
    } finally {
      setBackend(prev);
    }
  };
  for (const batch of batches) await mlpRow(gpu, batch, smoke ? 3 : 20);
  for (const batch of batches) await mlpRow(wasm, batch, smoke ? 2 : batch >= 4096 ? 3 : 10);
  for (const batch of batches) {
    const g = stepTimes.get(`webgpu:${batch}`);
    const w = stepTimes.get(`wasm:${batch}`);
    if (g !== undefined && w !== undefined) console.log(`batch ${batch}: webgpu is ${fmt(w / g, 2)}× the WASM backend's speed`);
  }

  // ---- peers ----------------------------------------------------------------------------
  await peers(sizes, smoke);
};

/** tfjs-backend-webgpu and jax-js's WebGPU device on the same matmuls, where they run in Node. */
const peers = async (sizes: readonly number[], quick: boolean): Promise<void> => {
  console.log("\n## peers (matmul N×N·N×N, steady ms per product incl. their own sync)");
  const g = globalThis as { navigator?: { gpu?: unknown } };
  try {
    if (g.navigator?.gpu === undefined) {
      const spec = ["web", "gpu"].join("");
      const m = (await import(spec)) as { create: (o: string[]) => unknown; globals: object };
      Object.assign(globalThis, m.globals);
      Object.defineProperty(globalThis, "navigator", { value: { ...(g.navigator ?? {}), gpu: m.create([]) }, configurable: true });
    }
  } catch (e) {
    console.log(`peers skipped: no navigator.gpu (${e instanceof Error ? e.message : String(e)})`);
    return;
  }
  try {
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-backend-webgpu");
    await tf.setBackend("webgpu");
    await tf.ready();
    for (const N of sizes) {
      const a = tf.tensor2d(rand(N * N, 1), [N, N]);
      const b = tf.tensor2d(rand(N * N, 2), [N, N]);
      const ts: number[] = [];
      for (let r = 0; r < (quick ? 2 : 6); r++) {
        const s = performance.now();
        const c = tf.matMul(a, b);
        await c.data();
        c.dispose();
        ts.push(performance.now() - s);
      }
      const t = median(ts.slice(1));
      console.log(`tfjs-webgpu N=${N}: ${fmt(t, 2)} ms (${sig((2 * N ** 3) / (t * 1e6))} GFLOP/s, including one readback)`);
      a.dispose();
      b.dispose();
    }
  } catch (e) {
    console.log(`tfjs-webgpu: unavailable in Node here (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
  try {
    const jax = await import("@jax-js/jax");
    const devices = ((await jax.init("webgpu" as never)) as unknown as string[] | undefined) ?? [];
    if (!devices.includes("webgpu")) throw new Error(`init("webgpu") gave ${JSON.stringify(devices)}`);
    jax.defaultDevice("webgpu" as never);
    for (const N of sizes) {
      const a = jax.numpy.array(rand(N * N, 1)).reshape([N, N]);
      const b = jax.numpy.array(rand(N * N, 2)).reshape([N, N]);
      const ts: number[] = [];
      for (let r = 0; r < (quick ? 2 : 6); r++) {
        const s = performance.now();
        (await jax.numpy.matmul(a.ref, b.ref).blockUntilReady()).dispose();
        ts.push(performance.now() - s);
      }
      const t = median(ts.slice(1));
      console.log(`jax-js webgpu N=${N}: ${fmt(t, 2)} ms (${sig((2 * N ** 3) / (t * 1e6))} GFLOP/s)`);
    }
  } catch (e) {
    console.log(`jax-js webgpu: unavailable in Node here (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
};

await main();
