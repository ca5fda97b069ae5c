/**
 * Fuzzing the file readers: mutated files (truncated, bit-flipped, spliced, random) written to
 * disk and read back never throw; a truncated or flipped checkpoint is always a Left.
 * Runs per property: `TYPEGRAD_FUZZ_RUNS`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, it } from "vitest";
import { type DecodeError, draw, encodeCheckpoint, encodeNpy, fromArray } from "../../src/index.js";
import { loadCheckpoint, readCsvDataset, readJsonDataset, readNpy } from "../../src/node/index.js";
import { arbCsvText, arbMutation, arbShape, arbValidTensor, fuzzRuns, mutate } from "../codec/fuzz-arbitraries.js";

const dir = mkdtempSync(join(tmpdir(), "typegrad-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "f");
const named = (errs: readonly DecodeError[]): boolean =>
  errs.length > 0 &&
  draw(errs, 1e9)
    .split("\n")
    .every((l) => l.startsWith(`${file}: `) && l.length > file.length + 2);
const params = { numRuns: fuzzRuns };

describe(`fuzz: file readers (${fuzzRuns} runs per property)`, () => {
  it("readNpy: mutated files never throw; errors name the file", () => {
    fc.assert(
      fc.property(arbValidTensor, arbMutation, ({ shape, data }, m) => {
        writeFileSync(file, mutate(encodeNpy(fromArray(shape, data, { dtype: "float64" })), m));
        const r = readNpy(file);
        return E.isLeft(r) ? named(r.left) : r.right.size === r.right.shape.reduce((a, b) => a * b, 1);
      }),
      params,
    );
  });

  it("loadCheckpoint: truncated and bit-flipped files are always a Left; nothing is half-loaded", () => {
    fc.assert(
      fc.property(arbShape, arbMutation, (shape, m) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const good = encodeCheckpoint({
          W: fromArray(
            shape,
            Array.from({ length: n }, (_, i) => i),
          ),
        });
        const bad = mutate(good, m);
        writeFileSync(file, bad);
        const r = loadCheckpoint(file, { W: shape });
        const same = bad.length === good.length && bad.every((v, i) => v === good[i]);
        if (same) return E.isRight(r);
        if (m.kind === "truncate" || m.kind === "flip") return E.isLeft(r) && named(r.left);
        return E.isLeft(r) ? named(r.left) : r.right.W.shape.every((d, i) => d === shape[i]);
      }),
      params,
    );
  });

  it("readCsvDataset / readJsonDataset: hostile files never throw", () => {
    fc.assert(
      fc.property(arbCsvText, arbMutation, (text, m) => {
        writeFileSync(file, text);
        const c = readCsvDataset(file, { label: 0, labels: "onehot" });
        if (E.isLeft(c) && !named(c.left)) return false;
        writeFileSync(
          file,
          mutate(
            new TextEncoder().encode(
              JSON.stringify({
                X: [
                  [1, 2],
                  [3, 4],
                ],
                Y: [[0, 1]],
              }),
            ),
            m,
          ),
        );
        const j = readJsonDataset(file, { X: [2, "m"], Y: [1, "m"] });
        return E.isLeft(j) ? named(j.left) : j.right.X.shape[1] === j.right.Y.shape[1];
      }),
      params,
    );
  });
});
