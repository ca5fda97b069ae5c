/**
 * What the Chromium benches (`bench/browser.ts`, `bench/browser-fit.ts`) share: a module Web
 * Worker bundled from the sources with esbuild, the WASM builds beside it (where its
 * `new URL("./bin/….wasm", import.meta.url)` finds them), and a localhost server that gives the page
 * and those files with the COOP/COEP headers, so that the page is cross-origin isolated and
 * typegrad may use shared memory and its own Web Workers there.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const types: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".wasm": "application/wasm" };

/**
 * Bundle `bench/<worker>` into `<out>/worker.js`, copy the WASM builds to `<out>/bin/`, and serve
 * `page` at `/` and `out`'s files, cross-origin isolated, on a free port of 127.0.0.1. Resolves to
 * the page's address and a function that stops the server.
 */
export const serveIsolated = async (worker: string, out: string, page: string): Promise<{ readonly url: string; readonly close: () => void }> => {
  mkdirSync(join(out, "bin"), { recursive: true });
  const esbuild = createRequire(import.meta.url)("esbuild") as { buildSync(o: object): unknown };
  esbuild.buildSync({ entryPoints: [join(root, "bench", worker)], bundle: true, format: "esm", platform: "browser", target: "es2022", outfile: join(out, "worker.js"), logLevel: "error" });
  const bin = join(root, "src", "backend", "wasm", "bin");
  for (const f of readdirSync(bin)) if (f.endsWith(".wasm")) copyFileSync(join(bin, f), join(out, "bin", f));
  const server = createServer((req, res) => {
    const isolation = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": "text/html", ...isolation }).end(page);
      return;
    }
    const file = join(out, path);
    if (!file.startsWith(out) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", ...isolation }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`, close: () => server.close() };
};
