/**
 * safetensors files on disk: written atomically, read streaming (header first, checked, then each
 * tensor's bytes), regular files only, within `maxBytes`; the reference implementation's files
 * load typed.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { type DecodeErrors, dense, draw, encodeSafetensors, mlp, randn, rng, sequential, type Tensor, toFlat } from "../../src/index.js";
import { loadSafetensors, readSafetensors, writeSafetensors } from "../../src/node/index.js";

const dir = mkdtempSync(join(tmpdir(), "typegrad-safetensors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = join(import.meta.dirname, "..", "fixtures", "safetensors");
const text = <A>(r: E.Either<DecodeErrors, A>): string => (E.isLeft(r) ? draw(r.left) : "ok");
const bits = (x: Tensor): string => Buffer.from(toFlat(x).buffer, toFlat(x).byteOffset, toFlat(x).byteLength).toString("hex");

describe("safetensors files", () => {
  it("write then load: the same bits, typed by the model, and no temporary file left", () => {
    const model = sequential([dense(5, 4, { activation: "prelu" }), dense(4, 3, { activation: "softmax" })]);
    const p = model.init(rng(0));
    const path = join(dir, "seq.safetensors");
    writeSafetensors(path, p, { metadata: { note: "test" } });
    const r = loadSafetensors(path, model);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(bits(r.right[0].alpha)).toBe(bits(p[0].alpha));
    expect(bits(r.right[1].W)).toBe(bits(p[1].W));
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    // the bytes are exactly what the in-memory encoder makes
    expect(Buffer.from(readFileSync(path)).equals(Buffer.from(encodeSafetensors(p, { metadata: { note: "test" } })))).toBe(true);
  });

  it("loads the reference implementation's file typed, and reads one with every dtype", () => {
    const r = loadSafetensors(join(fixtures, "mlp_4_3_2.safetensors"), mlp([4, 3, 2]));
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect([...r.right.W1.shape]).toEqual([3, 4]);
    const all = readSafetensors(join(fixtures, "mixed.safetensors"));
    if (E.isLeft(all)) throw new Error(draw(all.left));
    expect(all.right.dtypes.u64).toBe("U64");
    expect(Array.from(toFlat(all.right.tensors.i64 as Tensor))).toEqual([-(2 ** 40), 7]);
  });

  it("a mismatched model is a Left under the file's path, naming each tensor", () => {
    const path = join(fixtures, "mlp_4_3_2.safetensors");
    expect(text(loadSafetensors(path, mlp([4, 5, 2])))).toBe(
      [`${path}: W1: shape [3, 4], expected [5, 4]`, `${path}: b1: shape [3, 1], expected [5, 1]`, `${path}: W2: shape [2, 3], expected [2, 5]`].join("\n"),
    );
  });

  it("a FIFO, a directory, a missing or oversized file: a Left at once", () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const t0 = performance.now();
    expect(text(readSafetensors(fifo))).toBe(`${fifo}: cannot read: not a regular file (a FIFO)`);
    expect(text(loadSafetensors(fifo, dense(1, 1)))).toBe(`${fifo}: cannot read: not a regular file (a FIFO)`);
    expect(performance.now() - t0).toBeLessThan(1000);
    mkdirSync(join(dir, "d"), { recursive: true });
    expect(text(readSafetensors(join(dir, "d")))).toMatch(/cannot read: EISDIR/);
    expect(text(readSafetensors(join(dir, "missing.safetensors")))).toMatch(/cannot read: ENOENT/);
    const path = join(dir, "big.safetensors");
    writeSafetensors(path, { x: randn(rng(0), [100]) });
    expect(text(readSafetensors(path, { maxBytes: 100 }))).toMatch(/cannot read: the file has \d+ bytes, above the limit maxBytes = 100$/);
  });

  it("a truncated or padded file is a Left naming what is wrong", () => {
    const path = join(dir, "cut.safetensors");
    copyFileSync(join(fixtures, "mlp_4_3_2.safetensors"), path);
    truncateSync(path, 400);
    expect(text(readSafetensors(path))).toBe(
      [`${path}: b1: truncated: data_offsets [72, 84] end past the data, which has 80 bytes`, `${path}: b2: truncated: data_offsets [84, 92] end past the data, which has 80 bytes`].join("\n"),
    );
    const padded = join(dir, "padded.safetensors");
    writeFileSync(padded, Buffer.concat([readFileSync(join(fixtures, "mlp_4_3_2.safetensors")), Buffer.alloc(3)]));
    expect(text(loadSafetensors(padded, mlp([4, 3, 2])))).toBe(`${padded}: 3 bytes after the last tensor are not covered by any tensor`);
  });

  it("a header length claiming gigabytes allocates nothing", () => {
    const path = join(dir, "claims.safetensors");
    const b = Buffer.alloc(16);
    b.writeUInt32LE(0xffffffff, 0);
    b.writeUInt32LE(0xffff, 4);
    writeFileSync(path, b);
    expect(text(readSafetensors(path))).toBe(`${path}: the header claims 281474976710655 bytes, above the limit maxHeaderBytes = 100000000`);
    expect(text(readSafetensors(path, { maxHeaderBytes: 2 ** 50 }))).toBe(`${path}: truncated: the header claims 281474976710655 bytes, the file has 8 after the length`);
  });

  it("rejects a bad path or option with a message naming the function", () => {
    expect(() => readSafetensors("")).toThrow("readSafetensors: argument 'path' must be a non-empty string, got \"\"");
    expect(() => loadSafetensors("x", dense(1, 1), { maxBytes: -1 })).toThrow("loadSafetensors: option 'maxBytes' must be a non-negative integer, got -1");
  });
});
