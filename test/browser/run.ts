/**
 * `npm run test:browser`: bundles `src/index.ts` for the browser (esbuild, code splitting, so the
 * datasets stay in chunks loaded on demand), serves it on 127.0.0.1, and runs `page.html` in
 * headless Chromium: a logistic regression trained with `grad` on the reference and the WASM
 * backends (the build `wasmFile()` picks, relaxed SIMD in Chromium, then the plain build), and a
 * shape error. Needs Chromium (`apt-get install chromium`), so it is not part of
 * `npm test`; it exits 2 with a note when Chromium is missing.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
if (chromium === undefined) {
  console.log("test:browser: no Chromium found (apt-get install chromium); skipped");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "typegrad-browser-"));
execFileSync(
  join(root, "node_modules", ".bin", "esbuild"),
  [join(root, "src", "index.ts"), "--bundle", "--platform=browser", "--format=esm", "--splitting", `--outdir=${dir}`, "--log-level=warning"],
  { stdio: "inherit" },
);
for (const f of ["typegrad.wasm", "typegrad-relaxed.wasm"]) copyFileSync(join(root, "build", "wasm", f), join(dir, f));
copyFileSync(join(import.meta.dirname, "page.html"), join(dir, "page.html"));
console.log(`bundle: index.js ${(statSync(join(dir, "index.js")).size / 1024).toFixed(0)} KiB (datasets in separate chunks)`);

const types: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".wasm": "application/wasm" };
const server = createServer((req, res) => {
  const file = join(dir, (req.url ?? "/").split("?")[0] ?? "/");
  if (!file.startsWith(dir) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const port = typeof address === "object" && address !== null ? address.port : 0;
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Run page.html (with `query`) in headless Chromium; the text it shows. */
const runPage = (query: string) =>
  new Promise<string>((resolve) => {
    // async: the server above lives in this process and must keep answering while Chromium runs
    const child = spawn(chromium, [...flags, `--user-data-dir=${join(dir, "profile")}`, "--virtual-time-budget=30000", "--dump-dom", `http://127.0.0.1:${port}/page.html${query}`], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let text = "";
    const timer = setTimeout(() => child.kill(), 120_000);
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.on("close", () => {
      clearTimeout(timer);
      resolve(/<pre id="out">([\s\S]*?)<\/pre>/.exec(text)?.[1] ?? "(no output from Chromium)");
    });
  });
// the build wasmFile() picks (relaxed SIMD in Chromium), then the plain build
const runs = [
  { query: "", build: /wasm \(typegrad-relaxed\.wasm, relaxed SIMD: true\): accuracy 1\.000 cost (\S+)/ },
  { query: "?wasm=typegrad.wasm", build: /wasm \(typegrad\.wasm, relaxed SIMD: false\): accuracy 1\.000 cost (\S+)/ },
];
let passed = 0;
for (const r of runs) {
  const text = await runPage(r.query);
  console.log(text);
  if (text.startsWith("DONE") && /reference: accuracy 1\.000 cost (\S+)/.test(text) && r.build.test(text) && text.includes("error: add: shapes [2, 3] and [4, 3] do not broadcast (2 vs 4)")) passed++;
}
server.close();
const ok = passed === runs.length;
console.log(`browser: ${passed} passed, ${runs.length - passed} failed`);
process.exit(ok ? 0 : 1);
