/**
 * Fuzzing every decoder: hostile inputs must never throw, and every input known to be bad must
 * be a `Left` whose drawn message is non-empty. Runs per property: `TYPEGRAD_FUZZ_RUNS`.
 */
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  csvDataset,
  type DecodeError,
  decodeCheckpoint,
  decodeParams,
  decodeTensors,
  draw,
  encodeCheckpoint,
  encodeNpy,
  fromArray,
  jsonDataset,
  parseCsv,
  parseNpy,
  type Tensor,
  tensorCodec,
  toFlat,
} from "../../src/index.js";
import { arbAnything, arbBrokenTensor, arbCsvText, arbMutation, arbShape, arbValidTensor, fuzzRuns, mutate } from "./fuzz-arbitraries.js";

/** A Left must carry at least one message, each line non-empty. */
const wellFormedLeft = (errs: readonly DecodeError[]): boolean =>
  errs.length > 0 &&
  draw(errs, 1e9)
    .split("\n")
    .every((l) => l.trim().length > 0);

/** A Right tensor must have finite elements and the spec's literal dims. */
const sound = (x: Tensor, spec: readonly (number | string)[]): boolean =>
  x.shape.length === spec.length && spec.every((d, i) => typeof d !== "number" || d === x.shape[i]) && toFlat(x).every(Number.isFinite);

const params = { numRuns: fuzzRuns };

describe(`fuzz: decoders (${fuzzRuns} runs per property)`, () => {
  it("tensorCodec: every broken tensor is a Left with a message", () => {
    fc.assert(
      fc.property(arbBrokenTensor, ([spec, input]) => {
        const r = tensorCodec(spec).decode(input);
        return E.isLeft(r) && r.left.length > 0 && r.left.every((e) => typeof e.message === "string" && e.message.length > 0);
      }),
      params,
    );
  });

  it("tensorCodec: arbitrary values never throw; a Right is sound", () => {
    fc.assert(
      fc.property(arbAnything, fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("m", "n", "?")), { maxLength: 3 }), (u, spec) => {
        const r = tensorCodec(spec).decode(u);
        return E.isLeft(r) ? r.left.length > 0 : sound(r.right, spec);
      }),
      params,
    );
  });

  it("tensorCodec: valid tensors decode, in both forms", () => {
    fc.assert(
      fc.property(arbValidTensor, ({ shape, data }) => {
        const C = tensorCodec(shape);
        const flat = C.decode({ shape, data });
        return E.isRight(flat) && sound(flat.right, shape);
      }),
      params,
    );
  });

  it("decodeTensors / decodeParams: broken members are reported by name, others never throw", () => {
    fc.assert(
      fc.property(arbBrokenTensor, arbAnything, fc.constantFrom("X", "W1", "__proto__", "constructor"), ([spec, broken], other, name) => {
        const r = decodeTensors({ A: spec, B: ["m", "?"] }, { A: broken, B: other, [name]: other });
        const p = decodeParams({ A: spec, B: [2] }, { A: broken, B: other });
        const names = (e: E.Either<readonly DecodeError[], unknown>): string[] => (E.isLeft(e) ? e.left.map((x) => (x._tag === "Key" ? x.key : "")) : []);
        return E.isLeft(r) && wellFormedLeft(r.left) && names(r).includes("A") && E.isLeft(p) && wellFormedLeft(p.left) && names(p).includes("A");
      }),
      params,
    );
  });

  it("decodeTensors: arbitrary records never throw", () => {
    fc.assert(
      fc.property(arbAnything, (u) => {
        const r = decodeTensors({ X: [2, "m"], Y: [1, "m"] }, u);
        return E.isLeft(r) ? wellFormedLeft(r.left) : r.right.X.shape[1] === r.right.Y.shape[1];
      }),
      params,
    );
  });

  it("parseNpy: truncated, bit-flipped, spliced and random bytes never throw; truncation is always a Left", () => {
    fc.assert(
      fc.property(arbValidTensor, fc.constantFrom("float32" as const, "float64" as const), arbMutation, ({ shape, data }, dtype, m) => {
        const good = encodeNpy(fromArray(shape, data, { dtype }));
        const bad = mutate(good, m);
        const r = parseNpy(bad);
        if (m.kind === "truncate" && bad.length < good.length) return E.isLeft(r) && wellFormedLeft(r.left);
        return E.isLeft(r) ? wellFormedLeft(r.left) : r.right.size === r.right.shape.reduce((a, b) => a * b, 1);
      }),
      params,
    );
  });

  it("decodeCheckpoint: every truncation and bit flip is a Left (checksums); random bytes never throw", () => {
    fc.assert(
      fc.property(arbShape, arbShape, arbMutation, (s1, s2, m) => {
        const n = (s: number[]): number[] => Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => i - 2.5);
        const good = encodeCheckpoint({ W: fromArray(s1, n(s1)), b: fromArray(s2, n(s2), { dtype: "float64" }) });
        const bad = mutate(good, m);
        const r = decodeCheckpoint(bad);
        const same = bad.length === good.length && bad.every((v, i) => v === good[i]);
        if (same) return E.isRight(r);
        if (m.kind === "truncate" || m.kind === "flip") return E.isLeft(r) && wellFormedLeft(r.left);
        return E.isLeft(r) ? wellFormedLeft(r.left) : true;
      }),
      params,
    );
  });

  it("parseCsv / csvDataset: hostile text never throws; a Right has X [features, m] and Y [., m]", () => {
    fc.assert(
      fc.property(arbCsvText, fc.constantFrom("label", "y", 0, 1), fc.constantFrom("integer" as const, "onehot" as const), (text, label, labels) => {
        const rows = parseCsv(text);
        if (E.isLeft(rows) && !wellFormedLeft(rows.left)) return false;
        const r = csvDataset(text, { label, labels });
        if (E.isLeft(r)) return wellFormedLeft(r.left);
        return r.right.X.shape[1] === r.right.Y.shape[1] && toFlat(r.right.X).every(Number.isFinite);
      }),
      params,
    );
  });

  it("jsonDataset: mutated JSON text never throws", () => {
    fc.assert(
      fc.property(arbValidTensor, arbMutation, ({ shape, data }, m) => {
        const text = JSON.stringify({ X: { shape, data } });
        const bad = new TextDecoder().decode(mutate(new TextEncoder().encode(text), m));
        const r = jsonDataset(bad, { X: shape });
        return E.isLeft(r) ? wellFormedLeft(r.left) : sound(r.right.X, shape);
      }),
      params,
    );
  });

  it("counts: TYPEGRAD_FUZZ_RUNS sets the runs per property", () => {
    expect(fuzzRuns).toBe(Number(process.env.TYPEGRAD_FUZZ_RUNS ?? 200));
  });
});
