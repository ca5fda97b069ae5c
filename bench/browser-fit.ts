/**
 * `npx tsx bench/browser-fit.ts [--m M] [--epochs E] [--rounds R] [--runs N]`: `fit` per batch
 * against the core-API step in headless Chromium (Debian's `chromium` through `playwright-core`),
 * in a module Web Worker of a cross-origin isolated page, the WASM backend on 2 threads: with the
 * pool's worker gathering the shuffled batches (a training set in shared memory) and without (the
 * same set in plain arrays). The worker is `bench/browser-fit-worker.ts`, bundled here from the
 * sources with esbuild; each run is a fresh page. Prints per run the median ms per batch of each
 * form, the ratios to the core step, and the share of the batches' elements the worker copied;
 * and (Linux) the CPU time per batch of the thread that runs typegrad (the page's module worker)
 * and of the pool's worker, read from `/proc` (Chromium's renderer threads named
 * `DedicatedWorker`, the first started being the page's) between forms: a loaded host does not
 * inflate it by descheduling them.
 * Not part of `npm test`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveIsolated } from "./isolated-page.js";

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const query = `?m=${Number(arg("--m", "60000"))}&epochs=${Number(arg("--epochs", "1"))}&rounds=${Number(arg("--rounds", "3"))}`;
const runs = Number(arg("--runs", "1"));
const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "build", "bench", "browser-fit");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
if (chromium === undefined) {
  console.log("browser-fit skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)");
  process.exit(0);
}
const page = `<!doctype html><meta charset="utf-8"><pre id="out">running</pre><script type="module">
const w = new Worker("./worker.js" + location.search, { type: "module" });
window.w = w;
w.onmessage = (e) => { if (e.data.mark !== undefined) { console.log("MARK " + e.data.mark); return; } document.getElementById("out").textContent = e.data.error ? "ERROR " + e.data.error : "DONE " + JSON.stringify(e.data.result); };
w.onerror = (e) => { document.getElementById("out").textContent = "ERROR " + e.message; };
</script>`;
const server = await serveIsolated("browser-fit-worker.ts", out, page);
const url = `${server.url}${query}`;
const { chromium: pw } = await import("playwright-core");
const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"] });
/** CPU ms (user + system) of the `DedicatedWorker` threads of Chromium's renderers, in start order. */
const workerCpu = (): number[] => {
  const out: [number, number][] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!cmd.includes("--type=renderer")) continue;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim() !== "DedicatedWorker") continue;
        const f = (readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
        out.push([Number(tid), (Number(f[11]) + Number(f[12])) * 10]);
      } catch {}
    }
  }
  return out.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
};
const med = (a: readonly number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)] as number;
try {
  console.log(`headless Chromium ${browser.version()}, ${new Date().toISOString()}`);
  for (let run = 1; run <= runs; run++) {
    const tab = await browser.newPage();
    const cpu: Record<string, { main: number[]; pool: number[] }> = {};
    let at: number[] = [];
    tab.on("console", (msg) => {
      const text = msg.text();
      if (!text.startsWith("MARK ")) return;
      const [, phase, ...rest] = text.split(" ");
      const form = rest.join(" ");
      const now = workerCpu();
      if (phase === "end") {
        cpu[form] ??= { main: [], pool: [] };
        const c = cpu[form];
        c.main.push((now[0] ?? Number.NaN) - (at[0] ?? Number.NaN));
        c.pool.push((now[1] ?? Number.NaN) - (at[1] ?? Number.NaN));
      }
      at = now;
      void tab.evaluate("window.w.postMessage('go')");
    });
    await tab.goto(url);
    await tab.waitForFunction('!/^running/.test(document.getElementById("out")?.textContent ?? "")', undefined, { timeout: 600_000 });
    const text = (await tab.textContent("#out")) ?? "";
    await tab.close();
    if (!text.startsWith("DONE ")) throw new Error(`browser-fit: the page said ${text.slice(0, 2000)}`);
    const r = JSON.parse(text.slice(5)) as {
      crossOriginIsolated: boolean;
      threads: number;
      relaxedSimd: boolean;
      m: number;
      epochs: number;
      batches: number;
      ms: Record<string, number[]>;
      byWorker: Record<string, number[]>;
      onMain: Record<string, number[]>;
    };
    const core = r.ms.core as number[];
    const parts = Object.entries(r.ms).map(([k, v]) => {
      const ratios = k === "core" ? "" : ` (${(med(v) / med(core)).toFixed(3)}× core; rounds ${v.map((t, i) => (t / (core[i] as number)).toFixed(3)).join(", ")})`;
      return `${k} ${med(v).toFixed(3)} ms${ratios}`;
    });
    const share = Object.entries(r.byWorker).map(([k, v]) => `${k} ${(100 * med(v)).toFixed(1)}%`);
    const mainChunks = Object.entries(r.onMain).map(([k, v]) => `${k} ${(100 * med(v)).toFixed(1)}%`);
    const coreCpu = cpu.core?.main ?? [];
    const cpuParts = Object.entries(cpu).map(([k, c]) => {
      const ratio = k === "core" ? "" : `, ${(med(c.main) / med(coreCpu)).toFixed(3)}× core`;
      return `${k} ${(med(c.main) / r.batches).toFixed(3)} ms${ratio} (pool's worker ${(med(c.pool) / r.batches).toFixed(3)} ms)`;
    });
    console.log(
      `run ${run} (${r.crossOriginIsolated ? "" : "NOT "}isolated, ${r.threads} threads, ${r.relaxedSimd ? "relaxed" : "plain"} build, m ${r.m}, ${r.epochs} epoch(s) a round): ${parts.join("; ")}; copied by the worker: ${share.join(", ")}; split chunks run by the main thread: ${mainChunks.join(", ")}; CPU per batch of the thread running typegrad: ${cpuParts.join("; ")}`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(0);
