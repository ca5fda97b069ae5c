/**
 * `npm run bench:browser`: typegrad's WASM backend in headless Chromium (Debian's `chromium`
 * through `playwright-core`), in a module Web Worker of a cross-origin isolated page (COOP/COEP
 * headers), so that it runs on shared memory with its own Web Workers: the MLP steps and the
 * 1024² matmul on one thread and on every core (`bench/threads.ts`), beside the same in this Node
 * process (measured first, before Chromium starts). The worker is `bench/browser-worker.ts`, bundled here with esbuild; the
 * wasm builds are served next to it. Prints a markdown table. The thread count of both is the
 * host's (`TYPEGRAD_THREADS` sets Node's).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveIsolated } from "./isolated-page.js";
import { threadRows } from "./threads.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "build", "bench", "browser");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
if (chromium === undefined) {
  console.log("bench:browser skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)");
  process.exit(0);
}

const page = `<!doctype html><meta charset="utf-8"><pre id="out">running</pre><script type="module">
const w = new Worker("./worker.js", { type: "module" });
w.onmessage = (e) => { document.getElementById("out").textContent = e.data.error ? "ERROR " + e.data.error : "DONE " + JSON.stringify(e.data.result); };
w.onerror = (e) => { document.getElementById("out").textContent = "ERROR " + e.message; };
</script>`;

const server = await serveIsolated("browser-worker.ts", out, page);
const url = server.url;

// Node first, before Chromium starts (its processes would share the cores)
const node = await threadRows();
const { chromium: pw } = await import("playwright-core");
const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"] });
try {
  const tab = await browser.newPage();
  await tab.goto(url);
  await tab.waitForFunction('!/^running/.test(document.getElementById("out")?.textContent ?? "")', undefined, { timeout: 300_000 });
  const text = (await tab.textContent("#out")) ?? "";
  if (!text.startsWith("DONE ")) throw new Error(`bench:browser: the page said ${text.slice(0, 2000)}`);
  const r = JSON.parse(text.slice(5)) as {
    crossOriginIsolated: boolean;
    hardwareConcurrency: number;
    relaxedSimd: boolean;
    readyMs: number;
    rows: { workload: string; threads: number; median_ms: number }[];
  };
  const version = browser.version();
  console.log(
    `### typegrad in headless Chromium ${version} beside Node ${process.version} (${new Date().toISOString().slice(0, 10)}; Chromium: a module worker of a ${r.crossOriginIsolated ? "" : "NOT "}cross-origin isolated page, hardwareConcurrency ${r.hardwareConcurrency}, ${r.relaxedSimd ? "relaxed-SIMD" : "plain"} build, ready() ${r.readyMs.toFixed(0)} ms; Node: ${node.relaxedSimd ? "relaxed-SIMD" : "plain"} build, ready() ${node.readyMs.toFixed(0)} ms; \`npm run bench:browser\`)\n`,
  );
  const cols = [...r.rows.map((x) => ["Chromium", x.threads] as const), ...node.rows.map((x) => ["Node", x.threads] as const)].filter(
    (c, i, all) => all.findIndex((d) => d[0] === c[0] && d[1] === c[1]) === i,
  );
  const workloads = [...new Set(r.rows.map((x) => x.workload))];
  console.log(`| workload | ${cols.map(([h, t]) => `${h} ${t}T`).join(" | ")} |`);
  console.log(`|---|${cols.map(() => "---").join("|")}|`);
  const cell = (h: string, t: number, w: string) => (h === "Chromium" ? r.rows : node.rows).find((x) => x.workload === w && x.threads === t)?.median_ms.toFixed(2);
  for (const w of workloads) console.log(`| ${w} | ${cols.map(([h, t]) => `${cell(h, t, w) ?? "–"} ms`).join(" | ")} |`);
} finally {
  await browser.close();
  server.close();
}
process.exit(0);
