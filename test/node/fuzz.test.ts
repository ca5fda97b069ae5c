/**
 * Fuzzing the file readers: mutated files (truncated, bit-flipped, spliced, random) written to
 * disk and read back never throw; a truncated or flipped checkpoint is always a Left. Hostile
 * paths (a FIFO, a symlink to one, /dev/zero, a directory, a missing file, a file above
 * `maxBytes`) are a Left at once, through the total-behaviour check.
 * Runs per property: `TYPEGRAD_FUZZ_RUNS`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, it } from "vitest";
import { type DecodeError, draw, encodeCheckpoint, encodeNpy, fromArray } from "../../src/index.js";
import { loadCheckpoint, readBytes, readCheckpoint, readCsvDataset, readJsonDataset, readNpy } from "../../src/node/index.js";
import { arbCsvText, arbMutation, arbShape, arbValidTensor, fuzzRuns, mutate } from "../codec/fuzz-arbitraries.js";
import { counted, runs, total } from "../codec/fuzz-harness.js";

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

const fifo = join(dir, "fifo");
execFileSync("mkfifo", [fifo]);
const link = join(dir, "link-to-fifo");
symlinkSync(fifo, link);
const sub = join(dir, "sub");
mkdirSync(sub);
const regular = join(dir, "regular");

type Kind = "regular" | "oversized" | "fifo" | "symlink to a FIFO" | "/dev/zero" | "directory" | "missing";
const kinds: Kind[] = ["regular", "oversized", "fifo", "symlink to a FIFO", "directory", "missing", ...(existsSync("/dev/zero") ? (["/dev/zero"] as const) : [])];

/** The path of a file of that kind (a regular one holding `bytes`). */
const pathOf = (kind: Kind, bytes: Uint8Array): string => {
  if (kind === "regular" || kind === "oversized") writeFileSync(regular, bytes);
  return { regular, oversized: regular, fifo, "symlink to a FIFO": link, "/dev/zero": "/dev/zero", directory: sub, missing: join(dir, "missing") }[kind];
};

const contents = fc.oneof(
  arbValidTensor.map(({ shape, data }) => encodeNpy(fromArray(shape, data))),
  arbCsvText.map((t) => new TextEncoder().encode(`a,b\n${t}`)),
  fc.uint8Array({ maxLength: 200 }),
  fc.constant(encodeCheckpoint({ W: fromArray([1], [1]) })),
);

describe("fuzz: hostile paths, total behaviour", () => {
  it("every reader: FIFOs, /dev/zero, directories, missing and oversized files are a Left at once, naming the file", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        contents,
        counted((kind, bytes) => {
          const path = pathOf(kind, bytes);
          const maxBytes = kind === "oversized" ? Math.max(0, bytes.length - 1) : undefined;
          const lim = maxBytes === undefined ? {} : { maxBytes };
          const n = bytes.length;
          const at = (errs: readonly DecodeError[]): boolean =>
            errs.length > 0 &&
            draw(errs, 1e9)
              .split("\n")
              .every((l) => l.startsWith(`${path}: `));
          const refused = kind !== "regular" && !(kind === "oversized" && bytes.length === 0);
          const results = [
            total(`readNpy ${kind}`, n, () => readNpy(path, undefined, lim)),
            total(`readCsvDataset ${kind}`, n, () => readCsvDataset(path, { label: 0, labels: "onehot", ...lim })),
            total(`readJsonDataset ${kind}`, n, () => readJsonDataset(path, { X: ["?"] }, lim)),
            ...(kind === "oversized" ? [] : [total(`loadCheckpoint ${kind}`, n, () => loadCheckpoint(path, { W: [1] })), total(`readCheckpoint ${kind}`, n, () => readCheckpoint(path))]),
          ];
          const raw = total(`readBytes ${kind}`, n, () => readBytes(path, lim));
          const rawOk = refused ? E.isLeft(raw) : E.isRight(raw) && raw.right.length === bytes.length && raw.right.every((b, i) => b === bytes[i]);
          return rawOk && results.every((r) => (E.isLeft(r) ? at(r.left) : !refused));
        }),
      ),
      runs(600),
    );
  });
});
