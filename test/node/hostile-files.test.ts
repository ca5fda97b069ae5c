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
import { type DecodeError, type DecodeErrors, draw, mlp, rng } from "../../src/index.js";
import {
  loadCheckpoint,
  loadModel,
  loadSafetensors,
  readBytes,
  readCheckpoint,
  readCsvDataset,
  readJsonDataset,
  readNpy,
  readSafetensors,
  saveModel,
  writeNpy,
  writeSafetensors,
} from "../../src/node/index.js";

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

describe("file readers and writers: the path argument", () => {
  it("a path that is not a non-empty string is a TypeError naming the function (it was a Left whose path `draw` could not print: 's.replace is not a function')", () => {
    const net = mlp([2, 3, 1]);
    const params = net.init(rng(0));
    const calls: [string, (p: unknown) => unknown][] = [
      ["readNpy", (p) => readNpy(p as string)],
      ["readCsvDataset", (p) => readCsvDataset(p as string, { label: 0 })],
      ["readJsonDataset", (p) => readJsonDataset(p as string, { X: [1] })],
      ["readCheckpoint", (p) => readCheckpoint(p as string)],
      ["loadCheckpoint", (p) => loadCheckpoint(p as string, { W: [1] })],
      ["loadModel", (p) => loadModel(p as string, net)],
      ["readSafetensors", (p) => readSafetensors(p as string)],
      ["loadSafetensors", (p) => loadSafetensors(p as string, net)],
      ["saveModel", (p) => saveModel(p as string, { model: net, params })],
      ["writeNpy", (p) => writeNpy(p as string, params.W1)],
      ["writeSafetensors", (p) => writeSafetensors(p as string, params)],
    ];
    for (const [fn, call] of calls) {
      for (const [p, got] of [
        [5, "5"],
        [undefined, "undefined"],
        [null, "null"],
        [{ path: "x" }, "an object"],
        ["", '""'],
      ] as const) {
        expect(() => call(p), `${fn}(${String(p)})`).toThrow(new TypeError(`${fn}: argument 'path' must be a non-empty string, got ${got}`));
      }
    }
    expect(draw((readBytes(5 as unknown as string) as E.Left<DecodeErrors>).left)).toBe("expected a file path, got number");
  });
});
