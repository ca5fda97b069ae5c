/**
 * File readers read regular files only, up to a size limit checked before reading: a FIFO, a
 * device or an oversized file is a `Left` at once, never a hang or a huge allocation.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { type DecodeError, draw } from "../../src/index.js";
import { loadCheckpoint, readBytes, readCsvDataset, readJsonDataset, readNpy } from "../../src/node/index.js";

const dir = mkdtempSync(join(tmpdir(), "typegrad-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = (r: E.Either<readonly DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");
const timed = <A>(f: () => A): A => {
  const t0 = performance.now();
  const a = f();
  expect(performance.now() - t0).toBeLessThan(1000);
  return a;
};

const fifo = join(dir, "fifo");
execFileSync("mkfifo", [fifo]);

describe("file readers: regular files only", () => {
  it("a FIFO is a Left at once, for every reader", () => {
    const msg = `${fifo}: cannot read: not a regular file (a FIFO)`;
    expect(timed(() => text(readBytes(fifo)))).toBe("cannot read: not a regular file (a FIFO)");
    expect(timed(() => text(readNpy(fifo)))).toBe(msg);
    expect(timed(() => text(readCsvDataset(fifo, { label: 0 })))).toBe(msg);
    expect(timed(() => text(readJsonDataset(fifo, { X: [1] })))).toBe(msg);
    expect(timed(() => text(loadCheckpoint(fifo, { W: [1] })))).toBe(msg);
  });

  it.runIf(existsSync("/dev/zero"))("/dev/zero is a Left at once, not an endless read", () => {
    expect(timed(() => text(readNpy("/dev/zero")))).toBe("/dev/zero: cannot read: not a regular file (a character device)");
    expect(timed(() => text(readCsvDataset("/dev/zero", { label: 0 })))).toBe("/dev/zero: cannot read: not a regular file (a character device)");
  });

  it("a directory is still EISDIR", () => {
    expect(text(readNpy(dir))).toMatch(/cannot read: EISDIR/);
  });
});

describe("file readers: size limits checked before reading", () => {
  it("maxBytes on readBytes, readNpy, readCsvDataset, readJsonDataset", () => {
    const path = join(dir, "big");
    writeFileSync(path, "x,y\n1,0\n2,1\n");
    expect(text(readBytes(path, { maxBytes: 4 }))).toBe("cannot read: the file has 12 bytes, above the limit maxBytes = 4");
    expect(text(readCsvDataset(path, { label: "y", maxBytes: 4 }))).toBe(`${path}: cannot read: the file has 12 bytes, above the limit maxBytes = 4`);
    expect(E.isRight(readCsvDataset(path, { label: "y" }))).toBe(true);
    expect(text(readJsonDataset(path, { X: [1] }, { maxBytes: 4 }))).toBe(`${path}: cannot read: the file has 12 bytes, above the limit maxBytes = 4`);
    expect(text(readNpy(path, ["?"], { maxBytes: 4 }))).toBe(`${path}: cannot read: the file has 12 bytes, above the limit maxBytes = 4`);
    expect(() => readBytes(path, { maxBytes: -1 })).toThrow("readBytes: option 'maxBytes' must be a non-negative integer, got -1");
  });
});
