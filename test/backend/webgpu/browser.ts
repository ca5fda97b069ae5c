/**
 * The agreement checks (`agree.ts`) in headless Chromium: Debian's `chromium` driven by
 * `playwright-core`, WebGPU on with `--enable-unsafe-webgpu` (its SwiftShader adapter on a
 * machine without a GPU), the page served from 127.0.0.1. Resolves to the page's report, or to
 * `{ skip }` where there is no Chromium.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import type { Report } from "./agree.js";

const root = new URL("../../..", import.meta.url).pathname;

export const chromiumPath = (): string | undefined => ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

export const runInChromium = async (timeoutMs = 300_000): Promise<Report> => {
  const exe = chromiumPath();
  if (exe === undefined) return { skip: "no Chromium at /usr/bin/chromium (apt-get install chromium)" };
  const dir = join(root, "out", "webgpu-browser");
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(root, "test/backend/webgpu/browser-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(dir, "bundle.js"),
    alias: { typegrad: join(root, "src/index.ts") },
    logLevel: "error",
  });
  // the WASM backend's builds, where the bundle's `new URL("./bin/….wasm", import.meta.url)` finds them (the mixed-backend check)
  mkdirSync(join(dir, "bin"), { recursive: true });
  for (const f of readdirSync(join(root, "src/backend/wasm/bin"))) if (f.endsWith(".wasm")) copyFileSync(join(root, "src/backend/wasm/bin", f), join(dir, "bin", f));
  writeFileSync(join(dir, "index.html"), '<!doctype html><meta charset="utf-8"><script type="module" src="bundle.js"></script>\n');
  const server = createServer((req, res) => {
    const name = (req.url ?? "/").split("?")[0] === "/" ? "index.html" : (req.url ?? "").slice(1).split("?")[0];
    const file = join(dir, name ?? "");
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : file.endsWith(".wasm") ? "application/wasm" : "text/html" }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox", "--enable-unsafe-webgpu", "--use-angle=swiftshader", "--enable-features=Vulkan"] });
  try {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { __webgpuReport?: unknown }).__webgpuReport !== undefined, undefined, { timeout: timeoutMs, polling: 500 });
    const report = (await page.evaluate(() => (globalThis as { __webgpuReport?: unknown }).__webgpuReport)) as Report;
    return logs.length === 0 ? report : { ...report, errors: [...(report.errors ?? []), ...logs] };
  } finally {
    await browser.close();
    server.close();
  }
};

if (process.argv[1]?.endsWith("browser.ts")) {
  const r = await runInChromium();
  const bad = (r.cases ?? []).filter((c) => !(c.err <= c.tol));
  console.log(JSON.stringify({ adapter: r.adapter, skip: r.skip, cases: r.cases?.length, bad, errors: r.errors }, null, 1));
}
