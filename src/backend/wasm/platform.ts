/**
 * Everything the WASM backend knows about its host, in one module: where the builds lie and how
 * their bytes are read, Node's built-in modules, the environment, how many cores there are, how
 * a worker thread starts, whether this thread may block, and V8's flags. Every other module of
 * the backend is plain JavaScript and WebAssembly.
 *
 * Each build is named by a literal `new URL("./bin/….wasm", import.meta.url)`, the pattern Vite
 * and webpack 5 recognise: they copy the file into the app's output with no setup. Node reads the
 * file from disk synchronously (so the backend needs no `await` there); browsers fetch it in
 * `ready()`. esbuild leaves the pattern alone: copy the package's `bin/` folder next to the
 * bundle (see the README).
 *
 * Nothing here runs when the module is imported except the lookup of `globalThis` properties:
 * no engine flag is set, no file read, no worker started.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// Node's built-ins and the environment
// -------------------------------------------------------------------------------------

/** Node's built-in module `id`, or undefined outside Node (no static import, so browsers load this file). */
export const nodeModule = <T>(id: string): T | undefined => {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return p?.getBuiltinModule?.(id) as T | undefined;
};

/** An environment variable of the Node process, or undefined (browsers, unset). */
export const envVar = (name: string): string | undefined => {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return v === undefined || v === "" ? undefined : v;
};

/**
 * Set a V8 flag for this process (Node only; a no-op elsewhere). Called only on the user's
 * explicit request (`configureWasm({ relaxedSimd: true })`, `TYPEGRAD_RELAXED_SIMD=1`).
 */
export const setEngineFlag = (flag: string): void => {
  nodeModule<typeof import("node:v8")>("node:v8")?.setFlagsFromString(flag);
};

/**
 * An uninitialised byte buffer of `n` bytes with its own ArrayBuffer (Node's
 * `Buffer.allocUnsafeSlow`), or undefined where the host has none: for host copies that are
 * overwritten at once, it costs a fraction of a zero-filled allocation.
 */
export const uninitialisedBytes: ((n: number) => Uint8Array) | undefined = nodeModule<typeof import("node:buffer")>("node:buffer")?.Buffer.allocUnsafeSlow;

// -------------------------------------------------------------------------------------
// threads
// -------------------------------------------------------------------------------------

interface BrowserGlobals {
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly crossOriginIsolated?: boolean;
  readonly Worker?: new (url: string) => { postMessage(m: unknown): void; terminate(): void };
  readonly Blob?: new (parts: string[], opts: { type: string }) => unknown;
  readonly URL: { createObjectURL?(b: unknown): string };
  readonly document?: unknown;
}

const g = globalThis as unknown as BrowserGlobals;

/** True in Node (worker threads are available there). */
const isNode = (): boolean => nodeModule("node:worker_threads") !== undefined;

/**
 * True where this thread may block in `Atomics.wait`: Node's threads, and browser workers; not
 * a page's main thread (which has a `document`).
 */
export const canBlock = (): boolean => isNode() || g.document === undefined;

/**
 * How many threads the WASM backend may use on this host: Node's `os.availableParallelism()`;
 * in a browser `navigator.hardwareConcurrency` when the page is cross-origin isolated (shared
 * memory) and this code runs in a worker (a page's main thread may not block), else 1.
 */
export const hostThreads = (): number => {
  const os = nodeModule<typeof import("node:os")>("node:os");
  if (os !== undefined) return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
  if (g.crossOriginIsolated !== true || !canBlock() || g.Worker === undefined) return 1;
  return Math.max(1, g.navigator?.hardwareConcurrency ?? 1);
};

/** True where {@link startWorker} can start a thread. */
export const canStartWorkers = (): boolean => isNode() || (g.Worker !== undefined && g.Blob !== undefined && g.URL.createObjectURL !== undefined && canBlock());

/** A started worker thread. */
export interface HostWorker {
  terminate(): void;
  /**
   * Send the worker a message. Node: it takes it synchronously, inside its loop (the `receive`
   * its body is called with: a `MessagePort` and `receiveMessageOnPort`). Browsers (and Node's
   * `"events"` host): it takes it from its event loop, once its body has returned to it and been
   * called again (see {@link startWorker}). Undefined where the host cannot send one.
   */
  readonly mail?: ((m: unknown) => void) | undefined;
}

/**
 * How a worker takes the messages `mail` sends: `"port"`, synchronously inside its loop (Node's
 * `receiveMessageOnPort`); `"events"`, from its event loop, as a Web Worker does (the only way
 * in browsers).
 */
export type WorkerHost = "port" | "events";

let nodeHost: WorkerHost = "port";

/**
 * Make the worker threads started from now on in Node take their messages from their event loop,
 * as Web Workers do (`"events"`), or by `receiveMessageOnPort` (`"port"`, the default): so that
 * Node's tests run the browsers' path. Browsers always use `"events"`.
 *
 * @internal
 */
export const setNodeWorkerHost = (host: WorkerHost): void => {
  nodeHost = host;
};

/**
 * The text of a worker that takes its messages from its event loop: the first message is the
 * start data, given to `body` with no `receive`; `body` returns (when it wants its mail) a
 * function that takes each later message (and may run its loop again until it wants more).
 */
const onMessages = (body: string): string => `let take; const on = (m) => { if (take === undefined) take = (${body})(m, undefined) ?? (() => undefined); else take(m); };`;

/**
 * Start a worker running `body`, the source text of a function of two arguments, called with
 * `data` (structured-cloned: a WebAssembly module, a shared memory and shared buffers pass as
 * they are) and `receive`. Node (`"port"` host, the default): a `worker_threads` worker evaluated
 * from text, unreferenced so that it never keeps the process alive, with a `MessagePort` for
 * `mail`; `receive` returns the next message sent by `mail`, or undefined. Browsers: a module-less
 * Web Worker from a Blob URL (Node's `"events"` host: a `worker_threads` worker that does the
 * same), whose `receive` is undefined: `body` takes no message while it runs, and returns to its
 * event loop a function that is called with each message `mail` sends. Undefined where the host
 * has no workers.
 */
export const startWorker = (body: string, data: unknown): HostWorker | undefined => {
  const wt = nodeModule<typeof import("node:worker_threads")>("node:worker_threads");
  if (wt !== undefined) {
    // the worker inherits the process's options as they are (an explicit `execArgv` is checked, and
    // rejects engine and process-wide flags such as `--max-old-space-size` or `--expose-gc`); the
    // text reads its data through `process.getBuiltinModule`, so it runs as CommonJS and as a module
    // (an inherited `--input-type=module`: a `node -e` script)
    const head = `const wt = process.getBuiltinModule("node:worker_threads");`;
    if (nodeHost === "events") {
      const worker = new wt.Worker(`${head} ${onMessages(body)} wt.parentPort.on("message", on);`, { eval: true });
      worker.on("error", () => undefined);
      worker.unref();
      worker.postMessage(data);
      return { terminate: () => void worker.terminate(), mail: (m) => worker.postMessage(m) };
    }
    const { port1, port2 } = new wt.MessageChannel();
    const worker = new wt.Worker(`${head} (${body})(wt.workerData.data, () => wt.receiveMessageOnPort(wt.workerData.port)?.message);`, {
      eval: true,
      workerData: { data, port: port2 },
      transferList: [port2],
    });
    // a worker that fails to start must not take the process down: jobs run on the workers that are up
    worker.on("error", () => undefined);
    worker.unref();
    port1.unref();
    return {
      terminate: () => {
        port1.close();
        void worker.terminate();
      },
      mail: (m) => port1.postMessage(m),
    };
  }
  if (!canStartWorkers() || g.Worker === undefined || g.Blob === undefined || g.URL.createObjectURL === undefined) return undefined;
  const url = g.URL.createObjectURL(new g.Blob([`${onMessages(body)} onmessage = (e) => on(e.data);`], { type: "text/javascript" }));
  const worker = new g.Worker(url);
  worker.postMessage(data);
  return { terminate: () => worker.terminate(), mail: (m) => worker.postMessage(m) };
};

// -------------------------------------------------------------------------------------
// the builds
// -------------------------------------------------------------------------------------

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
  const bytes = new Uint8Array(await res.arrayBuffer());
  // a dev server's HTML fallback for a file it does not have (Vite 7 serving a pre-bundled typegrad)
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    const start = JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 15))).slice(1, -1);
    throw new Error(
      `wasm backend: ${url.href} answered ${res.status} with something that is not a WebAssembly module (it starts with '${start}'): the bundler moved typegrad without its wasm files. Vite's dev server before Vite 8: set optimizeDeps: { exclude: ["typegrad"] }; esbuild: copy the files next to the bundle (see the README)`,
    );
  }
  return bytes;
};
