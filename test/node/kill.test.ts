/**
 * Checkpoints under a kill loop: a child process saves a model checkpoint again and again and is
 * killed (SIGKILL) ≥ 100 times, half of them at seeded random points and half the moment a save's
 * temporary file appears (so that at least a fifth cut a save short, however fast the disk). After every kill the checkpoint on disk
 * is a complete one (the last save the child reported, or the one it was finishing), at most one
 * temporary file of a dead process is left, and one more save or load leaves none.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { draw } from "../../src/codec/errors.js";
import { fill, mlp, rng, toFlat } from "../../src/index.js";
import { loadModel, saveModel, tempPrefix } from "../../src/node/index.js";

const KILLS = Number(process.env.TYPEGRAD_KILLS ?? 100);
const dir = mkdtempSync(join(tmpdir(), "typegrad-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const net = mlp([256, 512, 256, 10]);
const temps = (path: string): string[] => readdirSync(join(path, "..")).filter((f) => f.startsWith(tempPrefix(path)));

describe("checkpoints under a kill loop", () => {
  it(`${KILLS} SIGKILLs at random points: the last complete checkpoint loads, temporary files do not pile up`, async () => {
    // one bundle of the child, so that each start is a plain `node` start (no TypeScript loader)
    const child = join(dir, "child.mjs");
    await build({ entryPoints: [join(import.meta.dirname, "save-loop-child.ts")], bundle: true, platform: "node", format: "esm", outfile: child, logLevel: "warning" });
    const path = join(dir, "ckpt", "model.ckpt");
    mkdirSync(join(dir, "ckpt"));
    saveModel(path, { model: net, params: net.init(rng(0)), meta: { n: 0 } });
    const g = rng(42);
    let next = 1;
    let midSave = 0;
    let maxTemps = 0;
    for (let k = 0; k < KILLS; k++) {
      const p: ChildProcess = spawn(process.execPath, [child, path, String(next)], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TYPEGRAD_BACKEND: "reference" } });
      let out = "";
      p.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
      });
      // "close", not "exit": every line the child wrote has been read by then
      const exited = new Promise<void>((resolve) => p.on("close", () => resolve()));
      // wait for the first save to land; then every other kill lands at a random time (up to about
      // three saves), and the others as soon as a save's temporary file appears, so that many
      // kills cut a save short however fast this machine writes
      while (!out.includes("saved") && p.exitCode === null) await new Promise((r) => setTimeout(r, 2));
      if (k % 2 === 0) await new Promise((r) => setTimeout(r, g.int(40)));
      else while (temps(path).length === 0 && p.exitCode === null) await new Promise((r) => setImmediate(r));
      p.kill("SIGKILL");
      await exited;
      const reported = [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
      const last = reported[reported.length - 1] ?? next - 1;
      const left = temps(path);
      maxTemps = Math.max(maxTemps, left.length);
      if (left.length > 0) midSave++;
      expect(left.length, `kill ${k}: temporary files left: ${left.join(", ")}`).toBeLessThanOrEqual(1);
      // the file on disk is whole: the last reported save, or the one that finished unreported
      const loaded = loadModel(path, net);
      if (E.isLeft(loaded)) throw new Error(`kill ${k}: ${draw(loaded.left)}`);
      const n = loaded.right.meta.n as number;
      expect(n === last || n === last + 1, `kill ${k}: loaded n = ${n}, the child reported ${last}`).toBe(true);
      const W = toFlat(loaded.right.params.W3);
      expect(W[0] === n && W[W.length - 1] === n).toBe(true);
      // the load above removed what the killed save left behind
      expect(temps(path)).toEqual([]);
      next = n + 1;
    }
    saveModel(path, { model: net, params: { ...net.init(rng(1)), W1: fill([512, 256], -1) }, meta: { n: -1 } });
    expect(temps(path)).toEqual([]);
    console.log(`kill loop: ${KILLS} kills, ${midSave} in the middle of a save, at most ${maxTemps} temporary file left at once`);
    expect(midSave).toBeGreaterThanOrEqual(KILLS / 5);
  }, 240_000);
});
