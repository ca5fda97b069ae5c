/** jax-js peer (wasm device; the train step under `jit`). */
import { blockUntilReady, defaultDevice, grad, init, jit, nn, numpy as np, tree } from "@jax-js/jax";
import { runs } from "./select.js";
import { measureAsync, type Timing } from "./timing.js";
import type { Row } from "./typegrad.js";
import { BIAS, data, MATMULS, MLP, MLP_BIG, type MlpCase, oneHot, REDUCE, SIGMOID, UNARIES, type UnaryName } from "./workloads.js";

/** The unary rows' ops. */
const UNARY_OPS: Record<UnaryName, (x: np.Array) => np.Array> = { sigmoid: nn.sigmoid, tanh: (x) => np.tanh(x), exp: np.exp, relu: nn.relu };

type Params = { W1: np.Array; b1: np.Array; W2: np.Array; b2: np.Array; W3: np.Array; b3: np.Array };

export const runJax = async (): Promise<Row[]> => {
  await useJax();
  const impl = "jax-js wasm";
  const rows: Row[] = [];
  const push = (workload: string, t: Timing) => rows.push({ workload, impl, median_ms: t.median_ms });
  if (runs("matmul"))
    for (const c of MATMULS) {
      const a = np.array(data(c.M * c.K, 1)).reshape([c.M, c.K]);
      const b = np.array(data(c.K * c.N, 2)).reshape([c.K, c.N]);
      push(c.name, await measureAsync(async () => (await np.matmul(a.ref, b.ref).blockUntilReady()).dispose()));
      a.dispose();
      b.dispose();
    }
  if (runs("elementwise")) {
    const x = np.array(data(SIGMOID.n, 3));
    for (const u of UNARIES) push(u.name, await measureAsync(async () => (await UNARY_OPS[u.op](x.ref).blockUntilReady()).dispose()));
    x.dispose();
    const xb = np.array(data(BIAS.rows * BIAS.cols, 4)).reshape([BIAS.rows, BIAS.cols]);
    const bb = np.array(data(BIAS.cols, 5));
    push(BIAS.name, await measureAsync(async () => (await xb.ref.add(bb.ref).blockUntilReady()).dispose()));
    xb.dispose();
    bb.dispose();
  }
  if (runs("reductions")) {
    const v = np.array(data(REDUCE.sum.n, 6));
    push(REDUCE.sum.name, await measureAsync(async () => (await np.sum(v.ref).blockUntilReady()).dispose()));
    push(REDUCE.mean.name, await measureAsync(async () => (await np.mean(v.ref).blockUntilReady()).dispose()));
    v.dispose();
    const m = np.array(data(REDUCE.rows.rows * REDUCE.rows.cols, 4)).reshape([REDUCE.rows.rows, REDUCE.rows.cols]);
    push(REDUCE.rows.name, await measureAsync(async () => (await np.sum(m.ref, 1).blockUntilReady()).dispose()));
    m.dispose();
    const z = np.array(data(REDUCE.softmax.rows * REDUCE.softmax.cols, 9)).reshape([REDUCE.softmax.rows, REDUCE.softmax.cols]);
    push(REDUCE.softmax.name, await measureAsync(async () => (await nn.softmax(z.ref, 1).blockUntilReady()).dispose()));
    z.dispose();
  }
  if (runs("mlp"))
    for (const w of [MLP, MLP_BIG]) {
      const mlp = jaxMlpStep(w);
      push(w.name, await measureAsync(mlp.step, 2000, 10, 3));
    }
  return rows;
};

/** The MLP train step under `jit` on jax-js's wasm device (call after `init("wasm")`). */
export const jaxMlpStep = (c: MlpCase = MLP): { step: () => Promise<void> } => {
  const [d0, d1, d2, d3] = c.sizes;
  const w = (i: number, o: number, seed: number) => np.array(data(i * o, seed).map((v) => v * Math.sqrt(6 / i))).reshape([i, o]);
  let p: Params = { W1: w(d0, d1, 1), b1: np.zeros([d1]), W2: w(d1, d2, 2), b2: np.zeros([d2]), W3: w(d2, d3, 3), b3: np.zeros([d3]) };
  const X = np.array(data(c.batch * d0, 7)).reshape([c.batch, d0]);
  const Y = np.array(oneHot(c.batch, 10, 8)).reshape([c.batch, 10]);
  const loss = (q: Params, xs: np.Array, ys: np.Array): np.Array => {
    const A1 = nn.relu(np.matmul(xs, q.W1).add(q.b1));
    const A2 = nn.relu(np.matmul(A1, q.W2).add(q.b2));
    const Z3 = np.matmul(A2, q.W3).add(q.b3);
    return nn
      .logSoftmax(Z3)
      .mul(ys)
      .sum()
      .mul(-1 / c.batch);
  };
  const step = jit((q: Params, xs: np.Array, ys: np.Array): Params => {
    const g = grad(loss)(tree.ref(q), xs, ys);
    return tree.map((v: np.Array, gv: np.Array) => v.sub(gv.mul(c.lr)), q, g) as Params;
  });
  return {
    step: async () => {
      p = await blockUntilReady(step(p, X.ref, Y.ref));
    },
  };
};

/** Initialise jax-js on its wasm device. */
export const useJax = async (): Promise<void> => {
  await init("wasm");
  defaultDevice("wasm");
};
