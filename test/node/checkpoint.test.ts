import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { draw, fill, fromArray, type Tensor, toFlat, zeros } from "../../src/index.js";
import { loadCheckpoint, readCheckpoint, saveCheckpoint, tempPrefix } from "../../src/node/index.js";

const dir = mkdtempSync(join(tmpdir(), "typegrad-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = (r: E.Either<readonly import("../../src/index.js").DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");

const model = { W1: fromArray([3, 2], [1, 2, 3, 4, 5, 6]), b1: fromArray([3, 1], [0.1, 0.2, 0.3]), W2: fromArray([1, 3], [7, 8, 9]), b2: zeros([1, 1]) };

describe("saveCheckpoint / loadCheckpoint", () => {
  it("saves and loads against a spec record and against the model", () => {
    const path = join(dir, "a", "model.ckpt");
    const manifest = saveCheckpoint(path, model, { meta: { epoch: 2 } });
    expect(manifest.params.map((p) => p.name)).toEqual(["W1", "b1", "W2", "b2"]);
    const bySpec = loadCheckpoint(path, { W1: [3, 2], b1: [3, 1], W2: [1, 3], b2: [1, 1] });
    if (E.isLeft(bySpec)) throw new Error(draw(bySpec.left));
    const W1: Tensor<[3, 2]> = bySpec.right.W1;
    expect(Array.from(toFlat(W1))).toEqual([1, 2, 3, 4, 5, 6]);
    const byModel = loadCheckpoint(path, { W1: zeros([3, 2]), b1: zeros([3, 1]), W2: zeros([1, 3]), b2: zeros([1, 1]) });
    if (E.isLeft(byModel)) throw new Error(draw(byModel.left));
    expect(Array.from(toFlat(byModel.right.b1))).toEqual(Array.from(toFlat(model.b1)));
    const info = readCheckpoint(path);
    expect(E.isRight(info) && info.right.manifest.meta).toEqual({ epoch: 2 });
    expect(readdirSync(join(dir, "a"))).toEqual(["model.ckpt"]);
  });

  it("lists every mismatched parameter by name, under the file's path", () => {
    const path = join(dir, "b.ckpt");
    saveCheckpoint(path, model);
    const r = loadCheckpoint(path, { W1: [3, 3], b1: [3, 1], W2: [1, 3], b3: [1, 1] });
    expect(text(r)).toBe(
      [`${path}: W1: dim 1 is 2, expected 3`, `${path}: b3: missing: expected a parameter of shape [1, 1]`, `${path}: b2: unexpected parameter (expected only W1, b1, W2, b3)`].join("\n"),
    );
  });

  it("reports missing, truncated and corrupted files as such", () => {
    const path = join(dir, "c.ckpt");
    saveCheckpoint(path, model);
    const good = readFileSync(path);
    const spec = { W1: [3, 2], b1: [3, 1], W2: [1, 3], b2: [1, 1] } as const;
    expect(text(loadCheckpoint(join(dir, "none.ckpt"), spec))).toMatch(/none\.ckpt: cannot read: ENOENT/);
    writeFileSync(path, good.subarray(0, good.length - 3));
    expect(text(loadCheckpoint(path, spec))).toBe(`${path}: truncated: ${good.length - 3} bytes, the manifest says ${good.length}`);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 0x10;
    writeFileSync(path, flipped);
    expect(text(loadCheckpoint(path, spec))).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: corrupted: data checksum mismatch`));
    writeFileSync(path, "W1,b1\n1,2\n");
    expect(text(loadCheckpoint(path, spec))).toBe(`${path}: not a typegrad checkpoint (bad magic bytes)`);
  });

  it("throws a message naming the function when the path cannot be written", () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "x");
    expect(() => saveCheckpoint(join(file, "sub", "m.ckpt"), model)).toThrow(/^saveCheckpoint: could not write '.*plain-file\/sub\/m\.ckpt': /);
    expect(() => saveCheckpoint(join(dir, "x.ckpt"), { W: "no" } as never)).toThrow("encodeCheckpoint: argument 'params' must be tensors, arrays or records of tensors; 'W' is \"no\"");
  });

  it("a process killed in the middle of a save leaves the previous checkpoint loadable", async () => {
    const path = join(dir, "kill", "model.ckpt");
    const spec = { W: [2048, 4096], b: [2048, 1] } as const;
    saveCheckpoint(path, { W: fill([2048, 4096], 1), b: fill([2048, 1], 1) });
    const childPath = join(import.meta.dirname, "save-child.ts");
    let killedMidSave = false;
    for (let attempt = 0; attempt < 5 && !killedMidSave; attempt++) {
      const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", childPath, path, `${attempt + 2}`], { stdio: ["ignore", "pipe", "pipe"] });
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      let done = false;
      void exited.then(() => {
        done = true;
      });
      // Wait until the temporary file is being written, then kill without warning.
      for (;;) {
        if (done) break;
        const temps = readdirSync(join(dir, "kill")).filter((f) => f.startsWith(tempPrefix(path)));
        if (temps.length > 0) {
          child.kill("SIGKILL");
          break;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await exited;
      const temps = readdirSync(join(dir, "kill")).filter((f) => f.startsWith(tempPrefix(path)));
      const full = statSync(path).size;
      if (temps.length > 0) {
        killedMidSave = true;
        // The save was really cut short: the temporary file is there, and the target is untouched.
        const loaded = loadCheckpoint(path, spec);
        if (E.isLeft(loaded)) throw new Error(draw(loaded.left));
        const W = toFlat(loaded.right.W);
        expect(W[0]).toBe(1);
        expect(W[W.length - 1]).toBe(1);
        expect(full).toBeGreaterThan(2048 * 4096 * 4);
        // the load removed what the killed save left behind
        expect(readdirSync(join(dir, "kill")).filter((f) => f.startsWith(tempPrefix(path)))).toEqual([]);
      } else {
        // The child finished before the kill landed: the new checkpoint is complete; restore and retry.
        const loaded = loadCheckpoint(path, spec);
        expect(E.isRight(loaded) && toFlat(loaded.right.W)[0]).toBe(attempt + 2);
        saveCheckpoint(path, { W: fill([2048, 4096], 1), b: fill([2048, 1], 1) });
      }
    }
    expect(killedMidSave).toBe(true);
  });
});
