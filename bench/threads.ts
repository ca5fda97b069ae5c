/**
 * The thread-scaling rows, one definition for Node and for the browser (`bench/browser.ts`):
 * after `ready()`, the MLP steps and the 1024² matmul on one thread and on every core the host
 * offers (each after its own warm-up; medians).
 */
import { configureWasm, fromArray, matmul, ready, type Tensor, wasm, wasmStats, withBackend } from "../src/index.js";
import { measure } from "./timing.js";
import { typegradMlpStep, wasmReady } from "./typegrad.js";
import { data, MLP, MLP_BIG } from "./workloads.js";

export interface ThreadRow {
  readonly workload: string;
  readonly threads: number;
  readonly median_ms: number;
}

export const threadRows = async (): Promise<{ readyMs: number; relaxedSimd: boolean; rows: ThreadRow[] }> => {
  const t0 = performance.now();
  await ready();
  const readyMs = performance.now() - t0;
  const many = configureWasm({}).threads;
  await wasmReady(many, 5000);
  const rows: ThreadRow[] = [];
  const a = withBackend(wasm, () => fromArray([1024, 1024], data(1024 * 1024, 1))) as Tensor<[1024, 1024]>;
  const steps = withBackend(wasm, () => [MLP, MLP_BIG].map((w) => [w.name, typegradMlpStep(w)] as const));
  const prev = configureWasm({});
  for (const threads of [...new Set([1, many])]) {
    configureWasm({ threads });
    const used = wasmStats().threads;
    for (const [name, step] of steps) rows.push({ workload: name, threads: used, median_ms: measure(() => withBackend(wasm, step), 1500, 10, 3).median_ms });
    rows.push({ workload: "matmul f32 1024", threads: used, median_ms: measure(() => void matmul(a, a), 1500, 5, 2).median_ms });
  }
  configureWasm(prev);
  return { readyMs, relaxedSimd: wasmStats().relaxedSimd, rows };
};
