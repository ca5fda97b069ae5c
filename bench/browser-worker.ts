/**
 * The browser side of `npm run bench:browser`, bundled by `bench/browser.ts` and run in a module
 * Web Worker of a cross-origin isolated page (where typegrad may use shared memory and its own
 * Web Workers): `threadRows` (bench/threads.ts). Posts `{ result }` or `{ error }` to the page.
 */
import { threadRows } from "./threads.js";

const scope = globalThis as unknown as { postMessage(m: unknown): void; crossOriginIsolated?: boolean; navigator: { hardwareConcurrency: number } };

threadRows().then(
  (r) => scope.postMessage({ result: { ...r, crossOriginIsolated: scope.crossOriginIsolated === true, hardwareConcurrency: scope.navigator.hardwareConcurrency } }),
  (e: unknown) => scope.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
