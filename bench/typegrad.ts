/** typegrad's side of the benchmark: the TS reference backend and the WASM backend (1 and 2 threads). */

import {
  add,
  type Backend,
  configureWasm,
  exp,
  fit,
  fromArray,
  fromFlat,
  gd,
  matmul,
  mean,
  mlp,
  reference,
  relu,
  sigmoid,
  softmax,
  softmaxCrossEntropy,
  trainStep as step,
  sum,
  type Tensor,
  tanh,
  tidy,
  wasm,
  wasmStats,
  withBackend,
} from "../src/index.js";
import { batchWith, initParamsWith, mlpLoopWith, mlpNetWith, mlpStepWith, type Params, type StepApi } from "./mlp-step.js";
import { runs } from "./select.js";
import { measure, type Timing } from "./timing.js";
import { BIAS, data, dropped, MATMULS, MLP, MLP_BIG, type MlpCase, oneHot, REDUCE, SIGMOID, UNARIES, type UnaryName } from "./workloads.js";

export interface Row {
  readonly workload: string;
  readonly impl: string;
  readonly median_ms: number;
  readonly note?: string;
}

/** This checkout's sources, as the bench's MLP step uses them (`bench/mlp-step.ts`). */
const SOURCES: StepApi = { fromArray, gd, mlp, softmaxCrossEntropy, trainStep: step };

/** The library's MLP of each case, for `fit`'s rows (the core step's is `mlpStepWith`'s). */
const nets = new Map<MlpCase, ReturnType<typeof mlpNetWith>>();
const netOf = (w: MlpCase) => {
  const n = nets.get(w) ?? mlpNetWith(SOURCES, w);
  nets.set(w, n);
  return n;
};
const sgd = gd(MLP.lr);
/** Plain SGD keeps no state: one (empty) state serves every parameter record. */
const sgdState = sgd.init({});

/** Initial parameters (He-scaled uniform, deterministic, the same as the peers'). */
export const initParams = (c: MlpCase = MLP): Params => initParamsWith(SOURCES, c);

const steps = new Map<MlpCase, ReturnType<typeof mlpStepWith>>();
/**
 * One SGD step with the library's loop step and optimizer (see `mlpStepWith`); `donate` gives the
 * old parameters back to the backend.
 */
export const trainStep = (p: Params, X: Tensor, Y: Tensor, c: MlpCase = MLP, donate = false): Params => {
  const s = steps.get(c) ?? mlpStepWith(SOURCES, c);
  steps.set(c, s);
  return s(p, X, Y, donate);
};

export const batch = (c: MlpCase = MLP): { X: Tensor; Y: Tensor } => batchWith(SOURCES, c);

/** `f()` in a scope that gives its result's memory back at once (as the peers' `dispose` does). */
const scoped = (f: () => Tensor): void => {
  tidy(() => {
    f();
  });
};

/** The unary rows' ops. */
const UNARY_OPS: Record<UnaryName, (x: Tensor) => Tensor> = { sigmoid, tanh, exp, relu };

/** All typegrad rows for backend `be` (named `impl`). */
export const runTypegrad = (impl: string, be: Backend, quick: boolean): Row[] =>
  withBackend(be, () => {
    const rows: Row[] = [];
    const slow = be === reference;
    const push = (workload: string, t: Timing) => rows.push({ workload, impl, median_ms: t.median_ms });
    if (runs("matmul"))
      for (const c of MATMULS) {
        if (slow && c.M >= 1024 && quick) continue;
        const a = fromArray([c.M, c.K], data(c.M * c.K, 1));
        const b = fromArray([c.K, c.N], data(c.K * c.N, 2));
        push(
          c.name,
          measure(() => void matmul(a as Tensor<[number, number]>, b as Tensor<[number, number]>), slow ? 3000 : 1500, slow ? 3 : 10, slow ? 1 : 3),
        );
      }
    if (runs("elementwise")) {
      // the scoped form (the peers dispose their results: tfjs's `dispose`, jax-js's), whose
      // released result block the next result of the same size takes, hot in cache; and the
      // plain form, the result dropped (nothing disposed), in rows of its own
      const x = fromArray([SIGMOID.n], data(SIGMOID.n, 3));
      const xb = fromArray([BIAS.rows, BIAS.cols], data(BIAS.rows * BIAS.cols, 4));
      const bb = fromArray([BIAS.cols], data(BIAS.cols, 5));
      const cases: [string, () => Tensor][] = [...UNARIES.map((u): [string, () => Tensor] => [u.name, () => UNARY_OPS[u.op](x)]), [BIAS.name, () => add(xb, bb)]];
      for (const [name, f] of cases)
        push(
          name,
          measure(() => void scoped(f)),
        );
      for (const [name, f] of cases)
        push(
          dropped(name),
          measure(() => void f()),
        );
    }
    if (runs("reductions")) {
      const v = fromArray([REDUCE.sum.n], data(REDUCE.sum.n, 6));
      push(
        REDUCE.sum.name,
        measure(() => void sum(v)),
      );
      push(
        REDUCE.mean.name,
        measure(() => void mean(v)),
      );
      const m = fromArray([REDUCE.rows.rows, REDUCE.rows.cols], data(REDUCE.rows.rows * REDUCE.rows.cols, 4));
      push(
        REDUCE.rows.name,
        measure(() => void sum(m, 1)),
      );
      const z = fromArray([REDUCE.softmax.rows, REDUCE.softmax.cols], data(REDUCE.softmax.rows * REDUCE.softmax.cols, 9));
      push(
        REDUCE.softmax.name,
        measure(() => void scoped(() => softmax(z, 1))),
      );
      push(
        dropped(REDUCE.softmax.name),
        measure(() => void softmax(z, 1)),
      );
    }
    if (runs("mlp")) for (const w of slow ? [MLP] : [MLP, MLP_BIG]) push(w.name, measure(typegradMlpStep(w), 2000, slow ? 5 : 10, 3));
    return rows;
  });

/**
 * The MLP train step on the current backend, from fresh parameters: the loop `p = trainStep(…)`,
 * the old parameters donated (`donate: false` keeps them readable, copied out of WASM memory).
 */
export const typegradMlpStep = (c: MlpCase = MLP, donate = true): (() => void) => mlpLoopWith(SOURCES, c, donate);

/** The WASM backend with `threads` threads. */
export const runWasm = (threads: number, quick: boolean): Row[] => {
  const prev = configureWasm({ threads });
  try {
    return runTypegrad(`typegrad wasm ${threads}T`, wasm, quick);
  } finally {
    configureWasm(prev);
  }
};

/** Wait (at most `limitMs`) for the pool's `n` threads to come up (they start asynchronously); the count it runs. */
export const wasmReady = async (n = 2, limitMs = 3000): Promise<number> => {
  const end = Date.now() + limitMs;
  while (wasmStats().threads < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
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

/** Batches per `fit` epoch in {@link fitAgainstCore} and {@link fitVsCoreCpu}. */
const FIT_BATCHES = 40;

type FitSet = ReturnType<typeof fromFlat>;
/** `a` copied onto a `SharedArrayBuffer`, as `fromFlat`'s doc tells a user to share a large set. */
const onShared = (a: Float32Array): Float32Array => {
  const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
};
/**
 * The examples `fit` is timed on, made once per case (the core step reuses its batch too, and a
 * fresh 16 MB set per round left its garbage to be collected inside the next timed epochs), in
 * two forms of the same values: `shared`, on a `SharedArrayBuffer` as `loadMnist`, `examples`,
 * `take` and `split` make a set in Node (the pool's worker gathers `fit`'s batches from it), and
 * `plain`, `fromFlat` of the user's own plain `Float32Array`s (the main thread gathers them).
 */
const fitSets = new Map<MlpCase, { readonly shared: FitSet; readonly plain: FitSet }>();
const fitSet = (c: MlpCase): { readonly shared: FitSet; readonly plain: FitSet } => {
  let s = fitSets.get(c);
  if (s === undefined) {
    const m = c.batch * FIT_BATCHES;
    const plain = fromFlat(c.sizes[0], 10, data(m * c.sizes[0], 7), oneHot(m, 10, 8));
    s = { plain, shared: fromFlat(c.sizes[0], 10, onShared(plain.x), onShared(plain.y)) };
    fitSets.set(c, s);
  }
  return s;
};

/** The median of `xs`, and its quartiles. */
export const spread = (xs: readonly number[]): { readonly median: number; readonly q1: number; readonly q3: number } => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.round(p * (s.length - 1))] as number;
  return { median: at(0.5), q1: at(0.25), q3: at(0.75) };
};

/** Per round of {@link fitAgainstCore}: each form's figure (ms per step or batch) and the ratios. */
export interface FitRound {
  /** 40 core steps on one resident batch, timed whole: the mean per step. */
  readonly block: number;
  /** The same 40 steps' median (each step timed alone). */
  readonly step: number;
  /** 40 core steps, each on a new batch sliced by hand from the set (`fromArray` of a `subarray`), timed whole. */
  readonly fresh: number;
  /** One `fit` call of 40 batches (nothing passed but the run's options), timed whole: the mean per batch. */
  readonly epoch: number;
  /** The same on the set in the user's own plain arrays (the main thread gathers its batches). */
  readonly epochPlain: number;
  /** One more `fit` call: the median over its single batches, from one `onBatch` call to the next. */
  readonly batch: number;
}

/**
 * `fit` against the core-API step in rounds, every form once per round and the order reversed
 * every other round (a host's drift or a collection falls on each side alike): the core step on
 * one resident batch (the "core-API step"), timed as a block of {@link FIT_BATCHES} and
 * step by step; a hand loop that slices a new batch from the set each step (what a user writing the
 * loop pays for the batch); `fit` timed as an epoch and batch by batch. After `warmup` rounds.
 */
export const fitAgainstCore = (c: MlpCase = MLP, rounds = 24, warmup = 3): FitRound[] =>
  withBackend(wasm, () => {
    const { shared: train, plain } = fitSet(c);
    const net = netOf(c) as never;
    const [features] = c.sizes;
    const coreStep = typegradMlpStep(c);
    let pFresh = initParams(c);
    let pFit = initParams(c);
    const options = { model: net, loss: softmaxCrossEntropy, optimizer: sgd, train, layout: "rows", batchSize: c.batch, epochs: 1, shuffle: false } as const;
    const forms: (() => Partial<FitRound>)[] = [
      () => {
        const ts: number[] = [];
        const t0 = performance.now();
        for (let i = 0; i < FIT_BATCHES; i++) {
          const t = performance.now();
          coreStep();
          ts.push(performance.now() - t);
        }
        return { block: (performance.now() - t0) / FIT_BATCHES, step: spread(ts).median };
      },
      () => {
        const t0 = performance.now();
        for (let i = 0; i < FIT_BATCHES; i++) {
          const X = fromArray([c.batch, features], train.x.subarray(i * c.batch * features, (i + 1) * c.batch * features));
          const Y = fromArray([c.batch, 10], train.y.subarray(i * c.batch * 10, (i + 1) * c.batch * 10));
          pFresh = step(net, softmaxCrossEntropy, sgd, pFresh, sgdState as never, X, Y, { layout: "rows", donate: true }).params as Params;
        }
        return { fresh: (performance.now() - t0) / FIT_BATCHES };
      },
      () => {
        const t0 = performance.now();
        pFit = fit({ ...options, params: pFit }).params as Params;
        return { epoch: (performance.now() - t0) / FIT_BATCHES };
      },
      () => {
        const t0 = performance.now();
        pFit = fit({ ...options, train: plain, params: pFit }).params as Params;
        return { epochPlain: (performance.now() - t0) / FIT_BATCHES };
      },
      () => {
        const ts: number[] = [];
        let last = -1;
        const onBatch = () => {
          const t = performance.now();
          if (last >= 0) ts.push(t - last);
          last = t;
        };
        pFit = fit({ ...options, params: pFit, onBatch }).params as Params;
        return { batch: spread(ts).median };
      },
    ];
    const out: FitRound[] = [];
    for (let r = -warmup; r < rounds; r++) {
      const order = r % 2 === 0 ? forms : [...forms].reverse();
      let round: Partial<FitRound> = {};
      for (const f of order) round = { ...round, ...f() };
      if (r >= 0) out.push(round as FitRound);
    }
    return out;
  });

/**
 * `fit` per batch against the core-API step in CPU time, on one thread (so the figure does not
 * depend on how a loaded host schedules the pool's workers): rounds of {@link FIT_BATCHES} core
 * steps and one `fit` epoch of {@link FIT_BATCHES} batches, each timed with `process.cpuUsage`,
 * the order reversed every other round; the medians over `rounds` after one round of warm-up,
 * and the per-round ratios' median and quartiles.
 */
export const fitVsCoreCpu = (
  c: MlpCase = MLP,
  rounds = 7,
): { readonly core_ms: number; readonly fit_ms: number; readonly ratio: { readonly median: number; readonly q1: number; readonly q3: number } } =>
  withBackend(wasm, () => {
    const prev = configureWasm({ threads: 1 });
    try {
      const train = fitSet(c).shared;
      const step = typegradMlpStep(c);
      let params = initParams(c);
      const cpu = (f: () => void): number => {
        const t0 = process.cpuUsage();
        f();
        const t = process.cpuUsage(t0);
        return (t.user + t.system) / 1000 / FIT_BATCHES;
      };
      const core = () => {
        for (let i = 0; i < FIT_BATCHES; i++) step();
      };
      const epoch = () => {
        params = fit({ model: netOf(c) as never, params, loss: softmaxCrossEntropy, optimizer: sgd, train, layout: "rows", batchSize: c.batch, epochs: 1, shuffle: false }).params as Params;
      };
      const cores: number[] = [];
      const fits: number[] = [];
      for (let r = -1; r < rounds; r++) {
        const first = r % 2 === 0;
        const a = first ? cpu(core) : 0;
        const b = cpu(epoch);
        const a2 = first ? a : cpu(core);
        if (r >= 0) {
          cores.push(a2);
          fits.push(b);
        }
      }
      return { core_ms: spread(cores).median, fit_ms: spread(fits).median, ratio: spread(fits.map((f, i) => f / (cores[i] as number))) };
    } finally {
      configureWasm(prev);
    }
  });
