/**
 * The throwing file readers of `typegrad/node`: the value, or a `DecodeFailure` naming the reader
 * with the file's path and the same drawn errors as the `Either` reader.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, test } from "vitest";
import { DecodeFailure, draw, toArray, zeros } from "../../src/index.js";
import { loadCheckpoint, loadCheckpointOrThrow, readCheckpointOrThrow, readCsvDataset, readCsvDatasetOrThrow, readJsonDatasetOrThrow, readNpyOrThrow, saveCheckpoint } from "../../src/node/index.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const dir = mkdtempSync(join(tmpdir(), "typegrad-orthrow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const thrown = (f: () => unknown): DecodeFailure => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeFailure);
    return e as DecodeFailure;
  }
  throw new Error("expected a DecodeFailure");
};

describe("node readers, throwing", () => {
  test("CSV: the dataset, or every bad cell under the file's path", () => {
    expect(readCsvDatasetOrThrow(join(fixtures, "csv", "iris-small.csv"), { label: "species", labels: "onehot" }).X.shape[0]).toBe(4);
    const bad = join(fixtures, "csv", "bad.csv");
    const r = readCsvDataset(bad, { label: "label" });
    if (E.isRight(r)) throw new Error("bad.csv decoded");
    const e = thrown(() => readCsvDatasetOrThrow(bad, { label: "label" }));
    expect(e.message).toBe(`readCsvDataset: ${draw(r.left)}`);
    expect(e.message.startsWith(`readCsvDataset: ${bad}: line 3: column 'x2': missing value`)).toBe(true);
  });

  test("JSON, npy and a missing file", () => {
    const path = join(dir, "xor.json");
    writeFileSync(
      path,
      JSON.stringify({
        X: [
          [0, 1],
          [1, 0],
        ],
        Y: [[1, 1]],
      }),
    );
    expect(readJsonDatasetOrThrow(path, { X: [2, "m"], Y: [1, "m"] }).Y.shape).toEqual([1, 2]);
    expect(thrown(() => readJsonDatasetOrThrow(path, { X: [3, "m"], Y: [1, "m"] })).message).toMatch(new RegExp(`^readJsonDataset: ${path}: X: `));
    expect(readNpyOrThrow(join(fixtures, "npy", "f4_2x3.npy"), [2, 3]).shape).toEqual([2, 3]);
    expect(thrown(() => readNpyOrThrow(join(dir, "nope.npy"))).message).toMatch(/^readNpy: .*nope\.npy: cannot read/);
  });

  test("checkpoints: the parameters, or every mismatch by name under the path", () => {
    const path = join(dir, "m.ckpt");
    saveCheckpoint(path, { W1: zeros([2, 3]), b1: zeros([2, 1]) }, { meta: { epoch: 1 } });
    expect(readCheckpointOrThrow(path).manifest.meta).toEqual({ epoch: 1 });
    expect(toArray(loadCheckpointOrThrow(path, { W1: [2, 3], b1: [2, 1] }).b1)).toEqual([[0], [0]]);
    const r = loadCheckpoint(path, { W1: [2, 4], b1: [2, 1] });
    if (E.isRight(r)) throw new Error("mismatch loaded");
    const e = thrown(() => loadCheckpointOrThrow(path, { W1: [2, 4], b1: [2, 1] }));
    expect(e.message).toBe(`loadCheckpoint: ${draw(r.left)}`);
    expect(e.message).toMatch(new RegExp(`^loadCheckpoint: ${path}: W1: `));
  });
});
