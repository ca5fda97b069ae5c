/** TensorFlow.js peers: tfjs-backend-cpu and tfjs-backend-wasm (single thread in Node). */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runs } from "./select.js";
import { measure, type Timing } from "./timing.js";
import type { Row } from "./typegrad.js";
import { BIAS, data, MATMULS, MLP, MLP_BIG, type MlpCase, oneHot, REDUCE, SIGMOID, UNARIES, type UnaryName } from "./workloads.js";

/** The unary rows' ops. */
const UNARY_OPS: Record<UnaryName, (x: tf.Tensor) => tf.Tensor> = { sigmoid: tf.sigmoid, tanh: tf.tanh, exp: tf.exp, relu: tf.relu };

/**
 * The CommonJS tfjs-core that Node loads registers no gradients, and its ESM build cannot be
 * imported by Node (directory imports). Bundle `register_all_gradients` once with esbuild (a
 * dependency of tsx) and import it: gradients live in a registry on `globalThis`, shared by both.
 */
let gradients: Promise<unknown> | undefined;
const registerGradients = (): Promise<unknown> => {
  if (gradients !== undefined) return gradients;
  const require = createRequire(import.meta.url);
  const esbuild = require("esbuild") as { buildSync(o: object): unknown };
  const outfile = fileURLToPath(new URL("../build/bench/tfjs-gradients.mjs", import.meta.url));
  esbuild.buildSync({ entryPoints: [require.resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js")], bundle: true, format: "esm", platform: "node", outfile, logLevel: "error" });
  gradients = import(pathToFileURL(outfile).href);
  return gradients;
};

export const runTfjs = async (backend: "cpu" | "wasm", quick: boolean): Promise<Row[]> => {
  await useTfjs(backend);
  const impl = `tfjs ${backend}`;
  const rows: Row[] = [];
  const push = (workload: string, t: Timing) => rows.push({ workload, impl, median_ms: t.median_ms });
  const slow = backend === "cpu";
  if (runs("matmul"))
    for (const c of MATMULS) {
      if (slow && quick && c.M >= 1024) continue;
      const a = tf.tensor2d(data(c.M * c.K, 1), [c.M, c.K]);
      const b = tf.tensor2d(data(c.K * c.N, 2), [c.K, c.N]);
      push(
        c.name,
        measure(() => tf.matMul(a, b).dispose(), slow ? 3000 : 1500, slow ? 3 : 10, slow ? 1 : 3),
      );
      tf.dispose([a, b]);
    }
  if (runs("elementwise")) {
    const x = tf.tensor1d(data(SIGMOID.n, 3));
    for (const u of UNARIES)
      push(
        u.name,
        measure(() => UNARY_OPS[u.op](x).dispose()),
      );
    const xb = tf.tensor2d(data(BIAS.rows * BIAS.cols, 4), [BIAS.rows, BIAS.cols]);
    const bb = tf.tensor1d(data(BIAS.cols, 5));
    push(
      BIAS.name,
      measure(() => tf.add(xb, bb).dispose()),
    );
    tf.dispose([x, xb, bb]);
  }
  if (runs("reductions")) {
    const v = tf.tensor1d(data(REDUCE.sum.n, 6));
    push(
      REDUCE.sum.name,
      measure(() => tf.sum(v).dispose()),
    );
    push(
      REDUCE.mean.name,
      measure(() => tf.mean(v).dispose()),
    );
    const m = tf.tensor2d(data(REDUCE.rows.rows * REDUCE.rows.cols, 4), [REDUCE.rows.rows, REDUCE.rows.cols]);
    push(
      REDUCE.rows.name,
      measure(() => tf.sum(m, 1).dispose()),
    );
    const z = tf.tensor2d(data(REDUCE.softmax.rows * REDUCE.softmax.cols, 9), [REDUCE.softmax.rows, REDUCE.softmax.cols]);
    push(
      REDUCE.softmax.name,
      measure(() => tf.softmax(z, 1).dispose()),
    );
    tf.dispose([v, m, z]);
  }
  if (runs("mlp"))
    for (const w of slow ? [MLP] : [MLP, MLP_BIG]) {
      const mlp = tfjsMlpStep(w);
      push(w.name, measure(mlp.step, 2000, slow ? 5 : 10, 3));
      mlp.dispose();
    }
  return rows;
};

/** The MLP train step on tfjs's current backend (`tf.train.sgd`, inside `tf.tidy`), and its cleanup. */
export const tfjsMlpStep = (w: MlpCase = MLP): { step: () => void; dispose: () => void } => {
  const [d0, d1, d2, d3] = w.sizes;
  const weight = (i: number, o: number, seed: number) =>
    tf.variable(
      tf.tensor2d(
        data(i * o, seed).map((v) => v * Math.sqrt(6 / i)),
        [i, o],
      ),
    );
  const vars = [weight(d0, d1, 1), tf.variable(tf.zeros([d1])), weight(d1, d2, 2), tf.variable(tf.zeros([d2])), weight(d2, d3, 3), tf.variable(tf.zeros([d3]))];
  const [W1, b1, W2, b2, W3, b3] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const X = tf.tensor2d(data(w.batch * d0, 7), [w.batch, d0]);
  const Y = tf.tensor2d(oneHot(w.batch, 10, 8), [w.batch, 10]);
  const opt = tf.train.sgd(w.lr);
  const loss = (): tf.Scalar => {
    const A1 = tf.relu(tf.add(tf.matMul(X, W1), b1));
    const A2 = tf.relu(tf.add(tf.matMul(A1, W2), b2));
    const Z3 = tf.add(tf.matMul(A2, W3), b3);
    return tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(Z3)), 1))) as tf.Scalar;
  };
  return {
    step: () => tf.tidy(() => void opt.minimize(loss)),
    dispose: () => {
      tf.dispose([...vars, X, Y]);
      opt.dispose();
    },
  };
};

/** Switch tfjs to `backend` (and register its gradients once). */
export const useTfjs = async (backend: "cpu" | "wasm"): Promise<void> => {
  await registerGradients();
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not initialise`);
  await tf.ready();
};
