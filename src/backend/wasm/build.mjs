// Builds the WASM SIMD kernels (assembly/*.ts) with the AssemblyScript compiler from npm into
// src/backend/wasm/bin/ (git-ignored; shipped in the package): typegrad.wasm (ordinary imported memory) and typegrad-shared.wasm (shared
// memory, for the worker-thread path), each also with relaxed SIMD (fused multiply-add in the
// matrix product): typegrad-relaxed.wasm, typegrad-shared-relaxed.wasm. Skips the work when both are newer than every source.
// Usage: node src/backend/wasm/build.mjs [--force]
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const src = join(here, "assembly");
const out = join(here, "bin");
const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");

const common = [join(src, "index.ts"), "-O3", "--noAssert", "--runtime", "stub", "--enable", "simd", "--importMemory", "--initialMemory", "1"];
const shared = ["--enable", "threads", "--sharedMemory", "--maximumMemory", "65536"];
const relaxed = ["--enable", "relaxed-simd"];
const targets = [
  { file: "typegrad.wasm", flags: [] },
  { file: "typegrad-shared.wasm", flags: shared },
  { file: "typegrad-relaxed.wasm", flags: relaxed },
  { file: "typegrad-shared-relaxed.wasm", flags: [...shared, ...relaxed] },
];

const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs);
const stale = (f) => {
  try {
    return statSync(join(out, f)).mtimeMs < newest;
  } catch {
    return true;
  }
};

const force = process.argv.includes("--force");
const todo = targets.filter((t) => force || stale(t.file));
if (todo.length === 0) {
  console.log("build:wasm: up to date");
} else {
  mkdirSync(out, { recursive: true });
  const run = (t) =>
    new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [asc, ...common, ...t.flags, "-o", join(out, t.file)], { stdio: ["ignore", "inherit", "inherit"] });
      p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build:wasm: asc failed for ${t.file} (exit ${code})`))));
    });
  const t0 = Date.now();
  await Promise.all(todo.map(run));
  console.log(`build:wasm: built ${todo.map((t) => t.file).join(", ")} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
