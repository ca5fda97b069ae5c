/**
 * `tsx bench/cold.ts <impl>`: time to peak, in this fresh process. Imports the implementation,
 * makes it ready (typegrad: `ready()`, which warms its kernels; tfjs: `setBackend` + `ready`;
 * jax-js: `init`), builds the MLP step, then times the first 20 steps, warms up for 1.5 s and
 * times 20 more. Prints one JSON line: `{ impl, import_ready_ms, first20_ms, steady20_ms }`.
 * `bench/run.ts` runs it once per implementation, each in its own child process.
 */
import { MLP } from "./workloads.js";

const impl = process.argv[2] ?? "typegrad wasm";
const t0 = performance.now();
let step: () => void | Promise<void>;
if (impl === "typegrad wasm") {
  const tg = await import("../src/index.js");
  await tg.ready();
  const { typegradMlpStep } = await import("./typegrad.js");
  const s = tg.withBackend(tg.wasm, () => typegradMlpStep(MLP));
  step = () => tg.withBackend(tg.wasm, s);
} else if (impl === "tfjs wasm" || impl === "tfjs cpu") {
  const { tfjsMlpStep, useTfjs } = await import("./tfjs.js");
  await useTfjs(impl === "tfjs wasm" ? "wasm" : "cpu");
  step = tfjsMlpStep(MLP).step;
} else if (impl === "jax-js wasm") {
  const { jaxMlpStep, useJax } = await import("./jax.js");
  await useJax();
  step = jaxMlpStep(MLP).step;
} else throw new Error(`bench/cold.ts: unknown implementation '${impl}'`);
const t1 = performance.now();
const twenty = async (): Promise<number> => {
  const s = performance.now();
  for (let i = 0; i < 20; i++) await step();
  return performance.now() - s;
};
const first = await twenty();
const w0 = performance.now();
while (performance.now() - w0 < 1500) await step();
const steady = await twenty();
console.log(JSON.stringify({ impl, import_ready_ms: t1 - t0, first20_ms: first, steady20_ms: steady }));
process.exit(0);
