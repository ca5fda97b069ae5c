/**
 * The last step of `npm run build`: bundle the package's JavaScript. `tsc -p tsconfig.build.json`
 * has written `dist/` (declarations, their maps, and one `.js` per source file); this script
 * replaces those `.js` files by an esbuild bundle with code splitting:
 *
 * - one entry file per `exports` subpath, where `exports` names it (`dist/src/index.js`,
 *   `dist/src/node/index.js`, `dist/laws/index.js`, …), and the code they share in chunks under
 *   `dist/src/chunks/`. Every entry loads the same chunks, so the six entries (and the CommonJS
 *   faces in `dist/src/cjs/`, which `require` them) share one module instance: one op registry,
 *   one backend state. Loading a few files instead of ~160 is what makes the import fast;
 * - the WASM builds copied to `dist/src/chunks/bin/`, where the chunk that names them with
 *   `new URL("./bin/….wasm", import.meta.url)` resolves them (checked below: every output file
 *   that names a build must lie in that folder);
 * - fp-ts and io-ts bundled in from their ES module builds (`es6/`), the parts typegrad uses:
 *   both ship only CommonJS to Node, and Node's ESM loader lexes every CommonJS file an ES
 *   module imports to find its names, which cost more than all of typegrad's own code (import
 *   + `ready()` 145 ms of CPU with them external, 58 ms bundled; see bench/NOTES.md). Both are
 *   pinned to exact versions in `dependencies`, so the bundled code is the version installed
 *   beside it (which the `.d.ts` files name). Their values are plain objects and structural
 *   codecs: a user's own fp-ts and io-ts work with typegrad's `Either`s and codecs (tested in
 *   `test/package/`);
 * - every other import (optional peers, Node's built-ins) stays an import;
 * - source maps (`.js.map`) that point at `src/` and `laws/` (shipped in the package).
 *
 * The `.d.ts` files are tsc's, untouched.
 *
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { build, type Plugin } from "esbuild";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
const chunks = join(dist, "src", "chunks");
const wasmSrc = join(root, "src", "backend", "wasm", "bin");

const fail = (message: string): never => {
  console.error(`bundle: ${message}`);
  process.exit(1);
};

if (!existsSync(join(dist, "src", "index.d.ts"))) fail("dist/ has no declarations: run tsc -p tsconfig.build.json first (npm run build)");

// the entries: each ESM `exports` target and the source it is built from
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | { import?: { default?: string } }> };
const entryPoints: Record<string, string> = {};
for (const [sub, target] of Object.entries(pkg.exports)) {
  const js = typeof target === "object" ? target.import?.default : undefined;
  if (js === undefined) continue;
  const out = js.replace(/^\.\/dist\//, "").replace(/\.js$/, "");
  const src = `${out}.ts`;
  if (!existsSync(join(root, src))) fail(`exports['${sub}'] names ${js}, but its source ${src} does not exist`);
  entryPoints[out] = join(root, src);
}

// tsc's per-file JavaScript goes; its declarations and the CommonJS faces (.cjs) stay
const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const f of walk(dist)) if (f.endsWith(".js") || f.endsWith(".js.map")) rmSync(f);
rmSync(join(dist, "src", "backend", "wasm", "bin"), { recursive: true, force: true });

/** The dependencies bundled in (see above); their CommonJS paths (`fp-ts/lib/…`) map to the ES module builds. */
const BUNDLED = /^(fp-ts|io-ts)(\/|$)/;
const imports: Plugin = {
  name: "typegrad-imports",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (!BUNDLED.test(args.path)) return { path: args.path, external: true };
      if (!args.path.startsWith("fp-ts/lib/")) return undefined;
      const es6 = args.path.replace("fp-ts/lib/", "fp-ts/es6/");
      const r = await b.resolve(es6, { kind: args.kind, resolveDir: args.resolveDir });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints,
  outdir: dist,
  chunkNames: "src/chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  mainFields: ["module", "main"],
  plugins: [imports],
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});
// a warning (a dropped side-effect import, an import esbuild cannot follow) fails the build
if (result.warnings.length > 0) fail(`esbuild warned ${result.warnings.length} time(s); see above`);

// the WASM builds beside the chunk that names them
mkdirSync(join(chunks, "bin"), { recursive: true });
const builds = readdirSync(wasmSrc).filter((f) => f.endsWith(".wasm"));
if (builds.length !== 4) fail(`expected 4 WASM builds in ${relative(root, wasmSrc)}, found ${builds.length}: run npm run build:wasm`);
for (const f of builds) copyFileSync(join(wasmSrc, f), join(chunks, "bin", f));
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js"));
for (const f of outputs) {
  const text = readFileSync(join(root, f), "utf8");
  for (const m of text.matchAll(/new URL\("\.\/bin\/([^"]+)", import\.meta\.url\)/g)) {
    if (dirname(join(root, f)) !== chunks) fail(`${f} names ./bin/${m[1]} but is not in dist/src/chunks/, where the builds are copied`);
    if (!builds.includes(m[1] as string)) fail(`${f} names ./bin/${m[1]}, which is not one of the builds (${builds.join(", ")})`);
  }
}

// the entries with an optional peer, on Node: a missing peer is named with what to install. A
// static import of a missing package fails while Node links the module graph, before any of
// typegrad's code runs, with "Cannot find package 'fast-check' imported from …"; so Node's ESM
// entry (`exports[sub].import.node`) imports the bundle dynamically and re-exports its names,
// read from esbuild's metafile (the same module instance as the bundle's entry). The CommonJS
// faces (src/cjs/laws.cts, onnx.cts) catch the same error from require; both word it with
// src/cjs/peer.cts.
const peerEntries = [
  { sub: "typegrad/laws", out: "dist/laws", peer: "fast-check", install: "--save-dev fast-check" },
  { sub: "typegrad/onnx", out: "dist/src/onnx", peer: "onnx-proto", install: "onnx-proto" },
] as const;
for (const { sub, out, peer, install } of peerEntries) {
  const built = result.metafile.outputs[`${out}/index.js`];
  if (built === undefined) fail(`no ${out}/index.js in the bundle`);
  const names = (built as { exports: string[] }).exports;
  if (names.length < 1 || names.includes("default")) fail(`${out}/index.js exports ${names.length} names${names.includes("default") ? ", a default among them" : ""}`);
  const helper = relative(join(root, out), join(dist, "src", "cjs", "peer.cjs"))
    .split(sep)
    .join("/");
  if (!existsSync(join(dist, "src", "cjs", "peer.cjs"))) fail("dist/src/cjs/peer.cjs is missing: tsc -p tsconfig.build.json writes it");
  writeFileSync(
    join(root, out, "node.js"),
    `// Node's ESM entry of ${sub}, written by scripts/bundle.ts: ./index.js, imported dynamically so
// that a missing ${peer} (an optional peer) is named with what to install.
import peer from "${helper}";
let m;
try {
  m = await import("./index.js");
} catch (e) {
  if (peer.peerMissing(e, ${JSON.stringify(peer)})) throw new Error(peer.peerMessage(${JSON.stringify(sub)}, ${JSON.stringify(peer)}, ${JSON.stringify(install)}), { cause: e });
  throw e;
}
export const { ${names.join(", ")} } = m;
`,
  );
}

// the maps name src/ and laws/ (shipped in the package); the bundled fp-ts and io-ts sources are
// embedded, since where npm installs those packages is not known here
for (const f of Object.keys(result.metafile.outputs).filter((o) => o.endsWith(".js.map"))) {
  const file = join(root, f);
  const map = JSON.parse(readFileSync(file, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
  const deps = map.sources.map((s) => (s.includes("/node_modules/") ? readFileSync(join(dirname(file), s), "utf8") : null));
  for (const s of map.sources) if (!s.includes("/node_modules/") && !/^(\.\.\/)+(src|laws)\//.test(s)) fail(`${f} names a source outside src/ and laws/: ${s}`);
  if (deps.some((d) => d !== null)) writeFileSync(file, JSON.stringify({ ...map, sourcesContent: deps }));
}

const size = outputs.reduce((s, f) => s + statSync(join(root, f)).size, 0);
const shown = outputs.map((f) => relative(dist, join(root, f)).split(sep).join("/"));
console.log(
  `bundle: ${Object.keys(entryPoints).length} entries + ${shown.filter((f) => f.startsWith("src/chunks/")).length} chunks, ${(size / 1024).toFixed(0)} KiB of JavaScript, ${builds.length} WASM builds in dist/src/chunks/bin/`,
);
