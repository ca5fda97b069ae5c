/**
 * The playground's build and server, shared by `npm run playground`, `npm run build:playground`,
 * the browser test, the measurement and the screenshot: build typegrad's package (when dist/ is
 * older than its sources), Vite-build the page into examples/playground/dist/, and serve it with
 * the cross-origin isolation headers (COOP/COEP) that shared memory needs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";

export const root = join(import.meta.dirname, "..", "..", "..");
export const playground = join(root, "examples", "playground");
export const site = join(playground, "dist");

const newest = (dir: string): number => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
};

const run = (cmd: string, args: readonly string[]): void => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`playground: ${cmd} ${args.join(" ")} exited ${r.status}`);
};

/** `npm run build` when the package's dist/ is missing or older than src/ and laws/ (the page imports the built package). */
export const ensurePackage = (): void => {
  const built = join(root, "dist", "src", "index.js");
  const wasm = join(root, "dist", "src", "chunks", "bin", "typegrad.wasm");
  if (existsSync(built) && existsSync(wasm) && statSync(built).mtimeMs >= Math.max(newest(join(root, "src")), newest(join(root, "laws")))) return;
  console.log("playground: building typegrad (npm run build)");
  run("npm", ["run", "build", "--silent"]);
};

/** Build the static site into examples/playground/dist/. */
export const buildSite = (): string => {
  ensurePackage();
  run(process.execPath, [join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--config", join(playground, "vite.config.ts")]);
  return site;
};

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** Serve `dir` on 127.0.0.1:`port` (0: any free port) with COOP/COEP; resolves with the server and its URL. */
export const serve = (dir: string, port: number, host = "127.0.0.1"): Promise<{ server: Server; url: string }> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? "/").split(/[?#]/)[0] ?? "/");
      const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
      if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      res
        .writeHead(200, {
          "content-type": types[extname(file)] ?? "application/octet-stream",
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
          "cross-origin-resource-policy": "same-origin",
          "cache-control": "no-cache",
        })
        .end(readFileSync(file));
    });
    server.once("error", reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve({ server, url: `http://${host}:${typeof a === "object" && a !== null ? a.port : port}/` });
    });
  });

/** Debian's Chromium, if installed. */
export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
