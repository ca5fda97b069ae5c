/** typegrad's side of the benchmark: the TS reference backend and the WASM backend (1 and 2 threads). */
import { add, type Backend, configureWasm, fromArray, grad, logSoftmax, matmul, mean, mul, neg, reference, relu, sigmoid, sub, sum, type Tensor, wasm, wasmStats, withBackend } from "../src/index.js";
import { measure, type Timing } from "./timing.js";
import { BIAS, data, MATMULS, MLP, oneHot, SIGMOID } from "./workloads.js";

export interface Row {
  readonly workload: string;
  readonly impl: string;
  readonly median_ms: number;
  readonly note?: string;
}

type Params = { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor; W3: Tensor; b3: Tensor };

/** Softmax cross-entropy of the MLP (the forward pass; the backward pass comes from `grad`). */
const loss = (p: Params, X: Tensor, Y: Tensor): Tensor<[]> => {
  const A1 = relu(add(matmul(X as Tensor<[number, number]>, p.W1 as Tensor<[number, number]>), p.b1));
  const A2 = relu(add(matmul(A1 as Tensor<[number, number]>, p.W2 as Tensor<[number, number]>), p.b2));
  const Z3 = add(matmul(A2 as Tensor<[number, number]>, p.W3 as Tensor<[number, number]>), p.b3);
  return neg(mean(sum(mul(Y, logSoftmax(Z3 as Tensor<[number, number]>)), 1))) as Tensor<[]>;
};

/** Initial parameters (He-scaled uniform, deterministic). */
export const initParams = (): Params => {
  const [d0, d1, d2, d3] = MLP.sizes;
  const w = (i: number, o: number, seed: number) =>
    fromArray(
      [i, o],
      data(i * o, seed).map((v) => v * Math.sqrt(6 / i)),
    );
  return { W1: w(d0, d1, 1), b1: fromArray([d1], new Float32Array(d1)), W2: w(d1, d2, 2), b2: fromArray([d2], new Float32Array(d2)), W3: w(d2, d3, 3), b3: fromArray([d3], new Float32Array(d3)) };
};

/** One SGD step. */
export const trainStep = (p: Params, X: Tensor, Y: Tensor): Params => {
  const g = grad(loss)(p, X, Y);
  const upd = (w: Tensor, gw: Tensor) => sub(w, mul(gw, MLP.lr));
  return { W1: upd(p.W1, g.W1), b1: upd(p.b1, g.b1), W2: upd(p.W2, g.W2), b2: upd(p.b2, g.b2), W3: upd(p.W3, g.W3), b3: upd(p.b3, g.b3) };
};

export const batch = (): { X: Tensor; Y: Tensor } => ({ X: fromArray([MLP.batch, MLP.sizes[0]], data(MLP.batch * MLP.sizes[0], 7)), Y: fromArray([MLP.batch, 10], oneHot(MLP.batch, 10, 8)) });

/** All typegrad rows for backend `be` (named `impl`). */
export const runTypegrad = (impl: string, be: Backend, quick: boolean): Row[] =>
  withBackend(be, () => {
    const rows: Row[] = [];
    const slow = be === reference;
    const push = (workload: string, t: Timing) => rows.push({ workload, impl, median_ms: t.median_ms });
    for (const c of MATMULS) {
      if (slow && c.M >= 1024 && quick) continue;
      const a = fromArray([c.M, c.K], data(c.M * c.K, 1));
      const b = fromArray([c.K, c.N], data(c.K * c.N, 2));
      push(
        c.name,
        measure(() => void matmul(a as Tensor<[number, number]>, b as Tensor<[number, number]>), slow ? 3000 : 1500, slow ? 3 : 10, slow ? 1 : 3),
      );
    }
    const x = fromArray([SIGMOID.n], data(SIGMOID.n, 3));
    push(
      SIGMOID.name,
      measure(() => void sigmoid(x)),
    );
    const xb = fromArray([BIAS.rows, BIAS.cols], data(BIAS.rows * BIAS.cols, 4));
    const bb = fromArray([BIAS.cols], data(BIAS.cols, 5));
    push(
      BIAS.name,
      measure(() => void add(xb, bb)),
    );
    let p = initParams();
    const { X, Y } = batch();
    push(
      MLP.name,
      measure(
        () => {
          p = trainStep(p, X, Y);
        },
        2000,
        slow ? 5 : 20,
        3,
      ),
    );
    return rows;
  });

/** The WASM backend with 1 or 2 threads. */
export const runWasm = (threads: 1 | 2, quick: boolean): Row[] => {
  const prev = configureWasm({ threads });
  try {
    return runTypegrad(`typegrad wasm ${threads}T`, wasm, quick);
  } finally {
    configureWasm(prev);
  }
};

/** Wait for the helper thread to come up (it starts asynchronously). */
export const wasmReady = async (): Promise<number> => {
  wasmStats();
  for (let i = 0; i < 300 && wasmStats().threads < 2; i++) await new Promise((r) => setTimeout(r, 10));
  return wasmStats().threads;
};

export interface MemoryRow {
  readonly step: number;
  readonly rss_mb: number;
  readonly heap_mb: number;
  readonly wasm_mb: number;
}

/** Memory over `steps` MLP steps in one synchronous loop on the WASM backend (the hard case). */
export const memorySteps = (steps: number): { samples: MemoryRow[]; ms_per_step: number; stats: ReturnType<typeof wasmStats> } =>
  withBackend(wasm, () => {
    let p = initParams();
    const { X, Y } = batch();
    const samples: MemoryRow[] = [];
    const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
    const t0 = performance.now();
    for (let t = 1; t <= steps; t++) {
      p = trainStep(p, X, Y);
      if (t === 100 || t === 1000 || t % 2500 === 0) {
        const m = process.memoryUsage();
        samples.push({ step: t, rss_mb: mb(m.rss), heap_mb: mb(m.heapUsed), wasm_mb: mb(wasmStats().memoryBytes) });
      }
    }
    return { samples, ms_per_step: (performance.now() - t0) / steps, stats: wasmStats() };
  });
