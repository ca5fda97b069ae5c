/**
 * `npx tsx bench/peak.ts [--smoke]`: the physical limit the matrix product is judged against —
 * the WASM SIMD128 peak of one core of this CPU, in GFLOP/s, for float32 `f32x4.mul` + `f32x4.add`
 * (the plain build's multiply-add) and `f32x4.relaxed_madd` (the relaxed build's), and float64
 * likewise. The kernel is a loop of 12 independent accumulators (so that neither an add's latency
 * nor a register spill limits it: 12 + 2 operands fit V8's 15 allocatable xmm registers), each
 * updated `acc = acc + x·y` once per iteration: 8 float32 (4 float64) flops per update. The module
 * is written here byte by byte (no compiler), so what is timed is exactly that loop.
 *
 * Timed by the CPU time of this thread (`process.cpuUsage`), the median of several runs after a
 * warm-up; one thread, nothing else in the process. Then the eight matrix products of the MLP
 * 784-128-64-10 b128 training step on the WASM backend (one thread; the relaxed build unless
 * `TYPEGRAD_RELAXED_SIMD=0`), their GFLOP/s against that peak, and numpy's time for each
 * (`numpy_bench.py --only products`, one thread) where python3 and numpy exist.
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";

/** The global `WebAssembly`, as used here (the project's TypeScript libs leave it out). */
const WA = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: Record<string, unknown> } } })
  .WebAssembly;

const ACCS = 12;

/** Unsigned LEB128. */
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const SIMD = 0xfd;
const op = (code: number): number[] => [SIMD, ...leb(code)];
const F32X4_ADD = 228;
const F32X4_MUL = 230;
const F64X2_ADD = 240;
const F64X2_MUL = 242;
const F32X4_RELAXED_MADD = 0x105;
const F64X2_RELAXED_MADD = 0x107;
const F32X4_EXTRACT_LANE = 31;
const F64X2_EXTRACT_LANE = 33;
const V128_CONST = 12;

/** A v128 constant with every lane `v`. */
const splat = (v: number, f64: boolean): number[] => {
  const b = new Uint8Array(16);
  const view = new DataView(b.buffer);
  for (let i = 0; i < (f64 ? 2 : 4); i++) f64 ? view.setFloat64(i * 8, v, true) : view.setFloat32(i * 4, v, true);
  return [...op(V128_CONST), ...b];
};

/**
 * A module exporting `run(iterations: i32) → f64`: ACCS accumulators updated `acc = acc + x·y`
 * per iteration (`relaxed`: one relaxed_madd), their first lanes summed at the end so that nothing is dead.
 */
const module = (f64: boolean, relaxed: boolean): Uint8Array => {
  // locals: 0 the count (param), 1..ACCS the accumulators, then x, y
  const x = ACCS + 1;
  const y = ACCS + 2;
  const body: number[] = [];
  // x, y slightly off 1 and their product under 1, so that the sums grow slowly and stay normal
  body.push(...splat(1.0000001, f64), 0x21, ...leb(x), ...splat(0.9999999, f64), 0x21, ...leb(y));
  for (let a = 1; a <= ACCS; a++) body.push(...splat(a * 1e-3, f64), 0x21, ...leb(a));
  body.push(0x03, 0x40); // loop
  for (let a = 1; a <= ACCS; a++) {
    if (relaxed) body.push(0x20, ...leb(x), 0x20, ...leb(y), 0x20, ...leb(a), ...op(f64 ? F64X2_RELAXED_MADD : F32X4_RELAXED_MADD), 0x21, ...leb(a));
    else body.push(0x20, ...leb(a), 0x20, ...leb(x), 0x20, ...leb(y), ...op(f64 ? F64X2_MUL : F32X4_MUL), ...op(f64 ? F64X2_ADD : F32X4_ADD), 0x21, ...leb(a));
  }
  // count = count - 1; continue while not 0
  body.push(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b);
  // the sum of the accumulators' first lanes, as f64
  for (let a = 1; a <= ACCS; a++) {
    body.push(0x20, ...leb(a), ...op(f64 ? F64X2_EXTRACT_LANE : F32X4_EXTRACT_LANE), 0);
    if (!f64) body.push(0xbb); // f64.promote_f32
    if (a > 1) body.push(0xa0); // f64.add
  }
  body.push(0x0b);
  const locals = [1, ...leb(ACCS + 2), 0x7b]; // one group: ACCS + 2 v128
  const fn = [...locals, ...body];
  const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
  const name = [..."run"].map((c) => c.charCodeAt(0));
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7c]), // type: (i32) → f64
    ...section(3, [1, 0]), // function 0 of type 0
    ...section(7, [1, name.length, ...name, 0x00, 0]), // export "run"
    ...section(10, [1, ...leb(fn.length), ...fn]),
  ]);
};

export interface Peak {
  readonly kernel: string;
  readonly gflops: number;
}

/** Each kernel's GFLOP/s on this thread (relaxed ones only where the engine validates relaxed SIMD). */
export const measurePeak = (smoke = false): Peak[] => {
  const out: Peak[] = [];
  for (const f64 of [false, true])
    for (const relaxed of [false, true]) {
      const bytes = module(f64, relaxed);
      if (!WA.validate(bytes)) {
        if (relaxed) continue;
        throw new Error(`bench/peak: the ${f64 ? "f64x2" : "f32x4"} module does not validate`);
      }
      const run = new WA.Instance(new WA.Module(bytes)).exports.run as (n: number) => number;
      const iters = smoke ? 1e4 : 2e7;
      for (let w = 0; w < (smoke ? 1 : 3); w++) run(iters);
      const rates: number[] = [];
      for (let r = 0; r < (smoke ? 1 : 7); r++) {
        const c0 = process.cpuUsage();
        const sum = run(iters);
        const c = process.cpuUsage(c0);
        if (!Number.isFinite(sum)) throw new Error("bench/peak: the accumulators overflowed");
        const flops = iters * ACCS * (f64 ? 4 : 8);
        rates.push(flops / ((c.user + c.system) * 1e3));
      }
      rates.sort((a, b) => a - b);
      out.push({ kernel: `${f64 ? "f64x2" : "f32x4"} ${relaxed ? "relaxed_madd" : "mul + add"}`, gflops: rates[Math.floor(rates.length / 2)] as number });
    }
  return out;
};

/** The eight products of the MLP 784-128-64-10 b128 training step (as `numpy_bench.py`'s PRODUCTS): M, K, N, A read transposed, B read transposed. */
export const PRODUCTS: readonly (readonly [number, number, number, boolean, boolean])[] = [
  [128, 784, 128, false, false],
  [128, 128, 64, false, false],
  [128, 64, 10, false, false],
  [64, 128, 10, true, false],
  [128, 10, 64, false, true],
  [128, 128, 64, true, false],
  [128, 64, 128, false, true],
  [784, 128, 128, true, false],
];

export const productName = ([M, K, N, ta, tb]: (typeof PRODUCTS)[number]): string => `product ${M}x${K}${ta ? "T" : ""} . ${K}x${N}${tb ? "T" : ""}`;

/**
 * Each product's CPU time (ms, median of rounds) on the WASM backend, one thread: calls in a row,
 * each result given back as soon as it is made (so the arena reuses its block).
 */
export const measureProducts = async (smoke = false): Promise<{ name: string; ms: number; gflops: number }[]> => {
  const { configureWasm, wasm } = await import("../src/index.js");
  const { wasmReady } = await import("./typegrad.js");
  await wasmReady();
  const prev = configureWasm({ threads: 1 });
  const out: { name: string; ms: number; gflops: number }[] = [];
  for (const p of PRODUCTS) {
    const [M, K, N, ta, tb] = p;
    const a = wasm.fromArray(
      "float32",
      Array.from({ length: M * K }, (_, i) => Math.sin(i)),
    );
    const b = wasm.fromArray(
      "float32",
      Array.from({ length: K * N }, (_, i) => Math.cos(i)),
    );
    const calls = smoke ? 3 : Math.max(20, Math.round(2e8 / (M * N * K)));
    const round = (): number => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) wasm.release?.(wasm.matmul(a, ta ? [K, M] : [M, K], b, tb ? [N, K] : [K, N], ta, tb, [M, N]));
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000 / calls;
    };
    for (let w = 0; w < (smoke ? 1 : 3); w++) round();
    const ts = Array.from({ length: smoke ? 1 : 9 }, round).sort((x, y) => x - y);
    const ms = ts[Math.floor(ts.length / 2)] as number;
    out.push({ name: productName(p), ms, gflops: (2 * M * N * K) / (ms * 1e6) });
  }
  configureWasm(prev);
  return out;
};

/** numpy's times for the same products (1 thread), or undefined without python3 + numpy. */
const numpyProducts = async (): Promise<Map<string, number> | undefined> => {
  const { execFileSync } = await import("node:child_process");
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  try {
    const out = execFileSync("python3", [new URL("numpy_bench.py", import.meta.url).pathname, "--only", "products"], { env, encoding: "utf8", timeout: 120_000 });
    const res = JSON.parse(out) as { rows: { workload: string; median_ms: number }[] };
    return new Map(res.rows.map((r) => [r.workload, r.median_ms]));
  } catch {
    return undefined;
  }
};

const main = import.meta.url === `file://${process.argv[1]}`;
if (main) {
  // Node 20 validates relaxed SIMD behind this flag; with it set, the backend loads its relaxed
  // build unless told otherwise (TYPEGRAD_RELAXED_SIMD=0 for the plain one)
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  const smoke = process.argv.includes("--smoke");
  const peaks = measurePeak(smoke);
  for (const p of peaks) console.log(`${p.kernel.padEnd(22)} ${p.gflops.toFixed(1).padStart(7)} GFLOP/s (one core)`);
  const products = await measureProducts(smoke);
  const { wasmStats } = await import("../src/index.js");
  const relaxed = wasmStats().relaxedSimd;
  const peak = peaks.find((p) => p.kernel === `f32x4 ${relaxed ? "relaxed_madd" : "mul + add"}`)?.gflops ?? Number.NaN;
  const np = smoke ? undefined : await numpyProducts();
  console.log(`\nthe MLP step's products, one thread, ${relaxed ? "relaxed" : "plain"} build (peak ${peak.toFixed(1)} GFLOP/s)${np === undefined ? "" : "; numpy 1 thread"}:`);
  let total = 0;
  let totalNp = 0;
  for (const r of products) {
    const n = np?.get(r.name);
    total += r.ms;
    totalNp += n ?? 0;
    const tail = n === undefined ? "" : `   numpy ${n.toFixed(4)} ms ${((2 * r.gflops * r.ms) / (2 * n)).toFixed(1).padStart(6)} GFLOP/s  typegrad/numpy ${(r.ms / n).toFixed(2)}×`;
    console.log(`${r.name.padEnd(28)} ${r.ms.toFixed(4)} ms ${r.gflops.toFixed(1).padStart(6)} GFLOP/s ${((100 * r.gflops) / peak).toFixed(0).padStart(4)}% of peak${tail}`);
  }
  console.log(`all eight: ${total.toFixed(3)} ms${np === undefined ? "" : `, numpy ${totalNp.toFixed(3)} ms (${(total / totalNp).toFixed(2)}×)`}`);
  process.exit(0);
}
