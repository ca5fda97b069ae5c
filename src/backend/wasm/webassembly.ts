/**
 * The few WebAssembly facilities the WASM backend uses, typed here because the project's `lib`
 * has no DOM and `@types/node` declares no `WebAssembly` namespace. Everything is looked up on
 * `globalThis` at run time, so this module loads in browsers and in Node; what is specific to a
 * host lives in `platform.ts`.
 *
 * @module
 */
import { setEngineFlag } from "./platform.js";

/** A compiled module. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** Linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The kernels exported by `assembly/index.ts` (pointers are byte offsets). */
export interface Kernels {
  heapBase(): number;
  readonly SCRATCH: { readonly value: number };
  readonly RELAXED_SIMD: { readonly value: number };
  gemm(dt: number, transA: number, transB: number, M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, scratch: number): void;
  unary(dt: number, op: number, x: number, o: number, n: number): void;
  binary(dt: number, op: number, a: number, b: number, o: number, rank: number, meta: number, then: number): void;
  softmax(dt: number, log: number, x: number, o: number, outer: number, n: number, inner: number): void;
  softmaxXentGrad(dt: number, ls: number, y: number, g: number, m: number, o: number, outer: number, n: number, inner: number): void;
  where(dtc: number, dt: number, c: number, a: number, b: number, o: number, rank: number, meta: number): void;
  cast(from: number, to: number, x: number, o: number, n: number): void;
  /** Returns 0, or NaN when an element of `o` is not finite. */
  sgdUpdate(dt: number, w: number, g: number, lr: number, o: number, n: number): number;
  /** 0 when every element is finite, else NaN. */
  allFinite(dt: number, x: number, n: number): number;
  logLossGrad(dt: number, z: number, y: number, g: number, m: number, o: number, n: number): void;
  reduce(dt: number, op: number, x: number, o: number, outer: number, n: number, inner: number): void;
  argmax(dt: number, x: number, o: number, outer: number, n: number, inner: number): void;
  broadcast(dt: number, x: number, o: number, rank: number, meta: number): void;
  gather(dt: number, x: number, o: number, rank: number, meta: number): void;
  transpose(dt: number, x: number, o: number, batch: number, rows: number, cols: number): void;
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, bytes: number, count: number): void;
  zero(dst: number, bytes: number): void;
  im2col(dt: number, x: number, o: number, geometry: number, padValue: number, n0: number, n1: number): void;
  col2im(dt: number, cols: number, o: number, geometry: number, n0: number, n1: number): void;
  conv2d(dt: number, x: number, w: number, o: number, geometry: number, r0: number, r1: number, scratch: number): void;
  convScratch(kh: number, kw: number, ci: number, og: number, groups: number, W: number, sw: number, dw: number, pl: number, ow: number): number;
}

/** The global `WebAssembly` object, as far as it is used here. */
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { readonly exports: unknown };
  readonly Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
}

/** `WebAssembly`, or undefined where the host has none. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** True when shared memory and `Atomics.wait` can be used (Node; cross-origin isolated pages). */
export const sharedMemoryAvailable = (): boolean => {
  if (wasmApi === undefined || typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") return false;
  try {
    new wasmApi.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
};

/** A module with one function using `f32x4.relaxed_madd`: valid only where relaxed SIMD is. */
// biome-ignore format: one module section per line
export const RELAXED_PROBE: Uint8Array = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, // magic, version
  1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, // type: (v128, v128, v128) -> v128
  3, 2, 1, 0, // one function of that type
  10, 13, 1, 11, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 0x02, 0x0b, // local.get 0 1 2, f32x4.relaxed_madd
]);

/**
 * True when the host runs relaxed SIMD as it is. Node 20's V8 (11.3) has it behind a flag that
 * the next V8 turned on by default: with `optIn` (the user's explicit choice, see
 * `configureWasm({ relaxedSimd: true })`), the flag is set for this process when the probe fails
 * without it. Importing or using typegrad never sets it otherwise.
 */
export const relaxedSimdAvailable = (optIn = false): boolean => {
  if (wasmApi === undefined) return false;
  if (wasmApi.validate(RELAXED_PROBE)) return true;
  if (!optIn) return false;
  setEngineFlag("--experimental-wasm-relaxed-simd");
  return wasmApi.validate(RELAXED_PROBE);
};
