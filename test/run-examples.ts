/**
 * Runs every example in `examples/` in quick mode (`TYPEGRAD_QUICK=1`), two at a time, and fails
 * if any exits non-zero. Examples check their own claims and throw when one does not hold.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", "examples");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .sort();

const run = (f: string): Promise<{ f: string; code: number; ms: number; out: string }> =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", join(dir, f)], { env: { ...process.env, TYPEGRAD_QUICK: "1" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("close", (code) => resolve({ f, code: code ?? 1, ms: performance.now() - t0, out }));
  });

const queue = [...files];
const results: Awaited<ReturnType<typeof run>>[] = [];
await Promise.all(
  [0, 1].map(async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) results.push(await run(f));
  }),
);
let failed = 0;
for (const r of results.sort((a, b) => a.f.localeCompare(b.f))) {
  const ok = r.code === 0;
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} examples/${r.f} (${(r.ms / 1000).toFixed(1)} s)`);
  if (!ok) console.log(r.out.replace(/^/gm, "     "));
}
console.log(`examples: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
