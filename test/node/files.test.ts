import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { draw, fromArray, type Tensor, toArray, toFlat } from "../../src/index.js";
import { readBytes, readCsvDataset, readJsonDataset, readNpy, tempPrefix, writeFileAtomic, writeNpy } from "../../src/node/index.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const dir = mkdtempSync(join(tmpdir(), "typegrad-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = (r: E.Either<readonly import("../../src/index.js").DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");

describe("npy files", () => {
  it("reads numpy's files with and without a spec", () => {
    const r = readNpy(join(fixtures, "npy", "f4_2x3.npy"), [2, 3]);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    const x: Tensor<[2, 3]> = r.right;
    expect(toArray(x)[1]?.[2]).toBeCloseTo(5 * 0.37 - 1.5, 6);
    const any = readNpy(join(fixtures, "npy", "f8_rank5.npy"));
    expect(E.isRight(any) && any.right.shape).toEqual([2, 1, 3, 1, 2]);
  });

  it("writes what it reads back, byte for byte as numpy", () => {
    const path = join(dir, "out", "x.npy");
    const x = fromArray([2, 3], [1, 2, 3, 4, 5, 6]);
    writeNpy(path, x);
    const back = readNpy(path, [2, 3]);
    expect(E.isRight(back) && Array.from(toFlat(back.right))).toEqual([1, 2, 3, 4, 5, 6]);
    const numpyFile = readFileSync(join(fixtures, "npy", "f4_2x3.npy"));
    const ours = join(dir, "same.npy");
    const n = readNpy(join(fixtures, "npy", "f4_2x3.npy"));
    if (E.isLeft(n)) throw new Error(draw(n.left));
    writeNpy(ours, n.right);
    expect(readFileSync(ours).equals(numpyFile)).toBe(true);
  });

  it("names the file in every error", () => {
    const path = join(dir, "short.npy");
    writeFileSync(path, readFileSync(join(fixtures, "npy", "f8_2x3x4.npy")).subarray(0, 200));
    expect(text(readNpy(path))).toBe(`${path}: truncated: the data needs 192 bytes, the file has 72 after the header`);
    expect(text(readNpy(join(dir, "missing.npy")))).toMatch(/missing\.npy: cannot read: ENOENT/);
    expect(text(readNpy(dir))).toMatch(/cannot read: EISDIR/);
  });
});

describe("dataset files", () => {
  it("reads a CSV dataset", () => {
    const r = readCsvDataset(join(fixtures, "csv", "iris-small.csv"), { label: "species", labels: "onehot" });
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(r.right.X.shape).toEqual([4, 6]);
    expect(toArray(r.right.Y)).toEqual([
      [1, 1, 0, 0, 0, 0],
      [0, 0, 1, 1, 0, 0],
      [0, 0, 0, 0, 1, 1],
    ]);
  });

  it("reports every bad line of a CSV file under its path", () => {
    const path = join(fixtures, "csv", "bad.csv");
    expect(text(readCsvDataset(path, { label: "label" }))).toBe(
      [`${path}: line 3: column 'x2': missing value`, `${path}: line 4: column 'x1': expected a number, got "abc"`, `${path}: line 5: has 2 fields, expected 3 (as the header)`].join("\n"),
    );
  });

  it("reads a JSON dataset with one binding", () => {
    const path = join(dir, "xor.json");
    writeFileSync(
      path,
      JSON.stringify({
        X: [
          [0, 0, 1, 1],
          [0, 1, 0, 1],
        ],
        Y: [[0, 1, 1, 0]],
      }),
    );
    const r = readJsonDataset(path, { X: [2, "m"], Y: [1, "m"] });
    expect(E.isRight(r) && r.right.Y.shape).toEqual([1, 4]);
    writeFileSync(
      path,
      JSON.stringify({
        X: [
          [0, 0, 1, 1],
          [0, 1, 0],
        ],
        Y: [[0, 1, 1]],
      }),
    );
    expect(text(readJsonDataset(path, { X: [2, "m"], Y: [1, "m"] }))).toBe(`${path}: X: index 1: row has 3 values, expected 4\n${path}: Y: dim 'm' is 3 here but 4 in X`);
  });
});

describe("writeFileAtomic / readBytes", () => {
  it("replaces the file as a whole and leaves no temporary file", () => {
    const path = join(dir, "atomic.bin");
    writeFileAtomic("test", path, new Uint8Array([1, 2, 3]));
    writeFileAtomic("test", path, new Uint8Array([4, 5]));
    const r = readBytes(path);
    expect(E.isRight(r) && Array.from(r.right)).toEqual([4, 5]);
    expect(readdirSync(dir).filter((f) => f.startsWith(tempPrefix(path)))).toEqual([]);
    expect(() => writeFileAtomic("test", "", new Uint8Array(0))).toThrow("test: argument 'path' must be a non-empty string, got \"\"");
  });
});
