/**
 * The backend new tensors are created on. Ops run on the backend of their first input, so this
 * only decides where data enters.
 *
 * The default is the fastest backend the host supports: the WASM backend in Node, with no call
 * needed (it loads itself on first use); in a browser the reference backend until
 * `await ready()` has fetched the WASM one. `TYPEGRAD_BACKEND=reference` (or `wasm`) in Node's
 * environment overrides the default; `setBackend` chooses explicitly.
 *
 * @module
 */
import type { Backend } from "./backend.js";
import { reference } from "./reference.js";
import { loadWasm, wasm, wasmLoadsSync } from "./wasm/index.js";
import { loadWebGPU, webgpu } from "./webgpu/index.js";

/** The names {@link ready} accepts. @category model */
export type BackendName = "wasm" | "reference" | "webgpu";

const byName: Readonly<Record<BackendName, Backend>> = { wasm, reference, webgpu };

let current: Backend | undefined;

const envChoice = (): string | undefined => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TYPEGRAD_BACKEND;

const isName = (s: unknown): s is BackendName => s === "wasm" || s === "reference" || s === "webgpu";

/** The default: the environment's choice, else the WASM backend where it loads synchronously. */
const defaultBackend = (): Backend => {
  const env = envChoice();
  if (env !== undefined && env !== "") {
    if (!isName(env) || env === "webgpu")
      throw new Error(`typegrad: environment variable TYPEGRAD_BACKEND must be 'wasm' or 'reference', got '${env}' (the WebGPU backend loads asynchronously: 'await ready("webgpu")')`);
    return byName[env];
  }
  return wasmLoadsSync() ? wasm : reference;
};

/**
 * The backend creation functions use.
 *
 * @example
 * import { getBackend, reference, wasm } from "typegrad"
 * const b = getBackend()
 * b === wasm || b === reference // true (WASM by default in Node)
 * @category backend
 */
export const getBackend = (): Backend => {
  current ??= defaultBackend();
  return current;
};

/**
 * Make `b` the backend creation functions use; returns the previous one.
 *
 * @example
 * import { getBackend, reference, setBackend } from "typegrad"
 * const previous = setBackend(reference)
 * getBackend().name // "reference" (plain TypeScript, the tests' oracle)
 * setBackend(previous)
 * @category backend
 */
export const setBackend = (b: Backend): Backend => {
  if (typeof b !== "object" || b === null || typeof b.name !== "string") throw new TypeError(`setBackend: argument 'b' must be a backend (wasm, reference, webgpu), got ${String(b)}`);
  const prev = getBackend();
  current = b;
  return prev;
};

/**
 * Run `f` with `b` as the creation backend, then restore the previous one.
 *
 * @example
 * import { getBackend, ones, reference, withBackend } from "typegrad"
 * const x = withBackend(reference, () => ones([2, 2])) // Tensor<[2, 2]> (created on the reference backend)
 * @category backend
 */
export const withBackend = <T>(b: Backend, f: () => T): T => {
  const prev = setBackend(b);
  try {
    return f();
  } finally {
    setBackend(prev);
  }
};

/**
 * Load backend `name` (default: wasm) and make it the one new tensors are created on; the
 * public `ready` (`src/train/ready.ts`) calls it. `meanwhile` runs once, the first time the
 * WASM backend is readied, after its kernels are warm and while its worker threads start.
 *
 * @internal
 */
export const loadBackend = async (name?: BackendName, meanwhile?: () => void): Promise<Backend> => {
  if (name !== undefined && !isName(name)) throw new TypeError(`ready: argument 'name' must be 'wasm', 'reference' or 'webgpu', got ${String(name)}`);
  const b = byName[name ?? "wasm"];
  if (b === wasm) await loadWasm(meanwhile);
  if (b === webgpu) await loadWebGPU();
  current = b;
  return b;
};
