/**
 * Where the WASM builds lie and how their bytes are read: the one module of the WASM backend
 * that knows about platforms.
 *
 * Each build is named by a literal `new URL("./bin/….wasm", import.meta.url)`, the pattern Vite
 * and webpack 5 recognise: they copy the file into the app's output with no setup. Node reads the
 * file from disk synchronously (so the backend needs no `await` there); browsers fetch it in
 * `ready()`. esbuild leaves the pattern alone: copy the package's `bin/` folder next to the
 * bundle (see the README).
 *
 * @module
 */
import { nodeModule } from "./webassembly.js";

/** The four builds: plain or relaxed SIMD, imported or shared memory (worker threads). */
export type WasmBuild = "typegrad.wasm" | "typegrad-relaxed.wasm" | "typegrad-shared.wasm" | "typegrad-shared-relaxed.wasm";

/** The URL of a build (literal patterns, one per build, so bundlers see every file). */
export const wasmUrl = (build: WasmBuild): URL => {
  switch (build) {
    case "typegrad.wasm":
      return new URL("./bin/typegrad.wasm", import.meta.url);
    case "typegrad-relaxed.wasm":
      return new URL("./bin/typegrad-relaxed.wasm", import.meta.url);
    case "typegrad-shared.wasm":
      return new URL("./bin/typegrad-shared.wasm", import.meta.url);
    case "typegrad-shared-relaxed.wasm":
      return new URL("./bin/typegrad-shared-relaxed.wasm", import.meta.url);
  }
};

/**
 * The bytes of a build read synchronously from disk, where this module was loaded from a file in
 * Node; undefined elsewhere (browsers, bundles served over HTTP).
 */
export const readBuildSync = (build: WasmBuild): Uint8Array | undefined => {
  const url = wasmUrl(build);
  if (url.protocol !== "file:") return undefined;
  const fs = nodeModule<typeof import("node:fs")>("node:fs");
  const nodeUrl = nodeModule<typeof import("node:url")>("node:url");
  if (fs === undefined || nodeUrl === undefined) return undefined;
  const path = nodeUrl.fileURLToPath(url);
  if (!fs.existsSync(path)) throw new Error(`wasm backend: ${path} is missing (in a checkout of typegrad, run 'npm run build:wasm')`);
  return fs.readFileSync(path);
};

/** True where {@link readBuildSync} can work: Node (with `process.getBuiltinModule`) and a `file:` module URL. */
export const canReadSync = (): boolean => wasmUrl("typegrad.wasm").protocol === "file:" && nodeModule("node:fs") !== undefined;

/** The bytes of a build, fetched (browsers, workers, any host with `fetch`). */
export const fetchBuild = async (build: WasmBuild): Promise<Uint8Array> => {
  const url = wasmUrl(build);
  const f = (globalThis as { fetch?: (u: URL) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
  if (f === undefined) throw new Error(`wasm backend: cannot read ${url.href}: this host has neither Node's file system nor fetch`);
  const res = await f(url);
  if (!res.ok)
    throw new Error(
      `wasm backend: fetching ${url.href} answered ${res.status}; a bundler that does not copy 'new URL(…, import.meta.url)' assets (esbuild) needs typegrad's wasm files copied next to the bundle (see the README)`,
    );
  return new Uint8Array(await res.arrayBuffer());
};
