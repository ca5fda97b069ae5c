/**
 * `npm run bench:step -- [threads] [ringMiB]`: where one MLP train step of the benchmark spends
 * its time on the WASM backend — every backend method is wrapped with a timer, its self time (less
 * the wrapped methods it called) and inclusive time shown (`run` holds the kernel calls and any
 * eviction copies, `run ×n` counts them; each kernel call is shown under the method that made
 * it), after 300 warm-up steps,
 * averaged over 2,000 steps. Not a benchmark (the timers cost a little); a profile to act on.
 * The old parameters are donated, as in the benchmark's step; `--keep` keeps them (copied out).
 */
import { configureWasm, wasm, wasmStats, withBackend } from "../src/index.js";
import { batch, initParams, trainStep, wasmReady } from "./typegrad.js";
import { MLP } from "./workloads.js";

const keep = process.argv.includes("--keep");
const [threadsArg, ringArg] = process.argv.slice(2).filter((a) => a !== "--keep");
const threads = Math.max(1, Math.min(64, Math.floor(Number(threadsArg ?? 1)) || 1));
if (ringArg !== undefined) configureWasm({ ringBytes: Number(ringArg) * 2 ** 20 });
await wasmReady();
configureWasm({ threads });

type Method = (this: unknown, ...a: unknown[]) => unknown;
const proto = Object.getPrototypeOf(wasm) as Record<string, Method>;
const time: Record<string, number> = {};
/** Time in a method less the time in the wrapped methods it called (`inner`: the open calls' nested time). */
const self: Record<string, number> = {};
const inner: number[] = [];
const keys: string[] = [];
const count: Record<string, number> = {};
const label = (k: string, a: unknown[]): string => {
  if (k === "unary" || k === "binary" || k === "reduce") return `${k} ${String(a[0])}${k === "binary" && a[6] !== undefined ? `+${String(a[6])}` : ""}`;
  if (k === "matmul") return `matmul ${(a[1] as number[]).join("x")}${a[4] ? "ᵀ" : ""} · ${(a[3] as number[]).join("x")}${a[5] ? "ᵀ" : ""}`;
  return k;
};
for (const k of Object.getOwnPropertyNames(proto)) {
  const f = proto[k];
  if (k === "constructor" || typeof f !== "function") continue;
  proto[k] = function (this: unknown, ...a: unknown[]) {
    // a kernel call is shown under the method that made it
    const key = k === "run" && keys.length > 0 ? `  kernel of ${keys[keys.length - 1]}` : label(k, a);
    const t0 = performance.now();
    keys.push(key);
    inner.push(0);
    const r = f.apply(this, a);
    const dt = performance.now() - t0;
    const nested = inner.pop() as number;
    keys.pop();
    if (inner.length > 0) inner[inner.length - 1] = (inner[inner.length - 1] as number) + dt;
    time[key] = (time[key] ?? 0) + dt;
    self[key] = (self[key] ?? 0) + dt - nested;
    count[key] = (count[key] ?? 0) + 1;
    return r;
  };
}

withBackend(wasm, () => {
  let p = initParams();
  const { X, Y } = batch();
  for (let i = 0; i < 300; i++) p = trainStep(p, X, Y, MLP, !keep);
  for (const k of Object.keys(time)) {
    delete time[k];
    delete self[k];
    delete count[k];
  }
  const N = 2000;
  const s0 = wasmStats();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) p = trainStep(p, X, Y, MLP, !keep);
  const step = (performance.now() - t0) / N;
  const s1 = wasmStats();
  const per = (k: keyof typeof s0) => ((s1[k] as number) - (s0[k] as number)) / N;
  console.log(`${"".padEnd(40)} ${"self".padStart(8)}     ${"inclusive".padStart(9)}`);
  for (const [k, t] of Object.entries(self).sort((a, b) => b[1] - a[1]))
    console.log(`${k.padEnd(40)} ${((t / N) * 1000).toFixed(1).padStart(8)} µs  ${(((time[k] ?? 0) / N) * 1000).toFixed(1).padStart(8)} µs  ×${((count[k] ?? 0) / N).toFixed(0)}`);
  let all = 0;
  for (const t of Object.values(self)) all += t;
  console.log(`in the backend: ${((all / N) * 1000).toFixed(0)} µs per step; outside it (the library's JavaScript, the garbage collector): ${((step - all / N) * 1000).toFixed(0)} µs`);
  console.log(
    `\nstep ${(step * 1000).toFixed(0)} µs on ${threads} thread(s)${keep ? ", old parameters kept" : ", old parameters donated"}; per step: ${per("evictions").toFixed(1)} evictions, ${per("copiedOut").toFixed(1)} copied out, ${per("released").toFixed(1)} released, ${per("reused").toFixed(1)} blocks reused`,
  );
});
process.exit(0);
