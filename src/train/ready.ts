/**
 * `ready()`: load a backend, then, for the WASM backend, run a few training steps of a tiny
 * network so that the engine has compiled the JavaScript a training step runs before the user's
 * first step does.
 *
 * Why here, above the backend: in a fresh process, V8 compiles each function the first time it
 * runs (and gathers the type feedback its faster tiers need over the next few calls). A training
 * step runs a few hundred of typegrad's functions — the ops, the autodiff core, the layers, the
 * losses, the optimizers, the loop — so without this the user's first step paid that compilation
 * (with the kernels' tier-up, the bench's first MLP step cost 19.7 ms of CPU, 6.3 ms after this
 * warm-up; medians of 11 fresh processes on a loaded 2-core host). Only this room sees that
 * whole path; the backend warms its own kernels (`warmKernels`).
 *
 * @module
 */

import { tidy } from "../autodiff/core.js";
import type { Backend } from "../backend/backend.js";
import { type BackendName, loadBackend, withBackend } from "../backend/current.js";
import { wasm } from "../backend/wasm/index.js";
import { softmaxCrossEntropy } from "../nn/losses.js";
import { mlp } from "../nn/mlp.js";
import { adam, gd } from "../optim/optimizers.js";
import { fromArray } from "../tensor/create.js";
import { rng } from "../tensor/random.js";
import { trainStep } from "./fit.js";

/**
 * Load a backend and make it the one new tensors are created on: by default the fastest the host
 * supports (the WASM backend: fetched in a browser, read from disk in Node). In Node nothing needs
 * it; in a browser, await it once before creating tensors. Resolves to the backend.
 *
 * For the WASM backend it also gets the first training steps up to speed: it runs every float32
 * kernel a few times (so the engine's optimising compiler has them), runs three training steps of
 * a tiny dense network in each layout (so the engine has compiled the JavaScript a step runs)
 * while the thread pool's workers start, waits for the workers, runs a few split kernels through
 * them, and makes resident the WASM memory the first steps write (a few MiB), so that they do not
 * take its page faults one by one. Once per process.
 *
 * `ready("webgpu")` is the only way to the GPU: it finds an adapter (the host's `navigator.gpu`;
 * in Node the optional `webgpu` package) and rejects, saying why and leaving the current backend
 * unchanged, where there is none. GPU tensors are read with `toArrayAsync` and its siblings.
 *
 * @example
 * import { ready } from "typegrad"
 * const start = async () => {
 *   const backend = await ready() // in a browser: fetches the WASM kernels once
 *   return backend.name // "wasm"
 * }
 * @category backend
 */
export const ready = (name?: BackendName): Promise<Backend> => loadBackend(name, () => warmTrainingStep(wasm));

/** Training steps per layout in the warm-up: one compiles, the next gather type feedback. */
const WARM_STEPS = 3;

/**
 * A few training steps of a tiny dense network (relu hidden layer, softmax cross-entropy) on
 * backend `b`, with examples in rows and SGD, then in columns and Adam, inside one memory scope:
 * everything they make (data, parameters, optimizer slots, outputs) is given back at its end;
 * nothing it does is seen outside: no generator but its own, no state kept.
 *
 * @internal
 */
export const warmTrainingStep = (b: Backend): void =>
  withBackend(b, () =>
    tidy(
      () => {
        const [n, h, k, m] = [8, 6, 4, 4];
        const values = Float32Array.from({ length: m * n }, (_, i) => Math.sin(i));
        const labels = Float32Array.from({ length: m * k }, (_, i) => (i % k === Math.floor(i / k) % k ? 1 : 0));
        for (const layout of ["rows", "columns"] as const) {
          const rows = layout === "rows";
          const net = mlp([n, h, k], { hidden: "relu", layout });
          const opt = rows ? gd(0.01) : adam(1e-3);
          let params = net.init(rng(0));
          let state = opt.init(params);
          const X = fromArray(rows ? [m, n] : [n, m], values);
          const Y = fromArray(rows ? [m, k] : [k, m], labels);
          for (let s = 0; s < WARM_STEPS; s++) ({ params, state } = trainStep(net, softmaxCrossEntropy, opt, params, state, X, Y, { layout }));
        }
      },
      () => [],
    ),
  );
