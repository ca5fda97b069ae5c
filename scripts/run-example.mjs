/**
 * `node scripts/run-example.mjs examples/<name>.ts [args…]`: run an example as compiled
 * JavaScript in plain Node (what `npm start` does). esbuild bundles the example with typegrad's
 * sources (the `typegrad…` imports resolve to `src/` through tsconfig.json's `paths`; packages
 * in node_modules stay imports) into `build/examples/<name>.mjs` in about a second, the WASM
 * builds are copied beside it (`build/examples/bin/`, where `new URL("./bin/….wasm",
 * import.meta.url)` looks), and a fresh `node` runs it with the arguments.
 *
 * Why not `tsx examples/<name>.ts`: tsx's loader runs in a thread of its own with its own V8
 * heap, and costs the main job ~36 MB of peak RSS (see bench/NOTES.md's memory notes); the
 * compiled job runs with nothing but Node.
 *
 * The example keeps its paths: `build/examples/` is as deep as `examples/`, so
 * `import.meta.dirname`-relative paths (`out/`) land where they do under tsx.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const [example, ...args] = process.argv.slice(2);
if (example === undefined || !/^examples\/[\w-]+\.ts$/.test(example) || !existsSync(join(root, example)))
  throw new Error(`run-example: argument 'example' must name a file examples/<name>.ts, got ${example === undefined ? "nothing" : `'${example}'`}`);

const outDir = join(root, "build", "examples");
const out = join(outDir, `${basename(example, ".ts")}.mjs`);
await build({
  absWorkingDir: root,
  entryPoints: [join(root, example)],
  outfile: out,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
const bin = join(root, "src", "backend", "wasm", "bin");
mkdirSync(join(outDir, "bin"), { recursive: true });
for (const f of readdirSync(bin)) if (f.endsWith(".wasm")) copyFileSync(join(bin, f), join(outDir, "bin", f));

const r = spawnSync(process.execPath, [relative(process.cwd(), out), ...args], { stdio: "inherit" });
if (r.error !== undefined) throw r.error;
process.exit(r.status ?? 1);
