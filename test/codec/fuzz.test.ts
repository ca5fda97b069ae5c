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
  decodeTensor,
  decodeTensors,
  draw,
  encodeCheckpoint,
  encodeNpy,
  encodeTensor,
  fromArray,
  jsonDataset,
  parseCsv,
  parseNpy,
  type Tensor,
  tensorCodec,
  tensorsCodec,
  toFlat,
} from "../../src/index.js";
import {
  arbAnything,
  arbBrokenTensor,
  arbCsvText,
  arbHostile,
  arbHostileCsv,
  arbHostileJson,
  arbHostileNpy,
  arbHostileRecord,
  arbMutation,
  arbShape,
  arbValidTensor,
  fuzzRuns,
  type Hostile,
  mutate,
} from "./fuzz-arbitraries.js";
import { counted, runs, total, totalCases } from "./fuzz-harness.js";

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

/** The tensor equals the hostile value's base (float32 rounding) and re-encodes to itself. */
const isBase = (x: Tensor, h: Hostile): boolean => {
  const flat = toFlat(x);
  const same = x.shape.length === h.base.shape.length && x.shape.every((d, i) => d === h.base.shape[i]) && flat.every((v, i) => v === Math.fround(h.base.data[i] as number));
  const again = decodeTensor(h.base.shape, encodeTensor(x));
  return same && E.isRight(again) && toFlat(again.right).every((v, i) => v === flat[i]);
};

/** Left with messages, or (when the value may be accepted) exactly the base. */
const leftOrBase = (r: E.Either<readonly DecodeError[], Tensor>, h: Hostile): boolean => (E.isLeft(r) ? wellFormedLeft(r.left) : !h.mustFail && isBase(r.right, h));

describe("fuzz: hostile values, total behaviour (never a throw, a hang or a huge allocation)", () => {
  it("decodeTensor / tensorCodec: prototype tricks, getters, Proxies, holes, huge claims, deep nesting", () => {
    fc.assert(
      fc.property(
        arbHostile,
        counted((h) => {
          const r = total(h.what, 0, () => decodeTensor(h.base.shape, h.value));
          const c = total(h.what, 0, () => tensorCodec(h.base.shape).decode(h.value));
          return leftOrBase(r, h) && E.isLeft(c) === E.isLeft(r);
        }),
      ),
      runs(3000),
    );
  });

  it("decodeTensors / decodeParams / tensorsCodec: hostile records and members", () => {
    fc.assert(
      fc.property(
        arbHostileRecord,
        counted((h) => {
          const spec = { X: h.base.shape };
          const pick = (r: E.Either<readonly DecodeError[], { X: Tensor }>): E.Either<readonly DecodeError[], Tensor> => E.map((o: { X: Tensor }) => o.X)(r);
          const t = total(h.what, 0, () => decodeTensors(spec, h.value));
          const p = total(h.what, 0, () => decodeParams(spec, h.value));
          const m = total(h.what, 0, () => decodeParams({ X: fromArray(h.base.shape, h.base.data) }, h.value));
          const c = total(h.what, 0, () => tensorsCodec(spec).decode(h.value));
          total(h.what, 0, () => tensorsCodec(spec).is(h.value));
          return leftOrBase(pick(t), h) && leftOrBase(pick(p), h) && leftOrBase(pick(m), h) && E.isLeft(c) === E.isLeft(t);
        }),
      ),
      runs(2500),
    );
  });

  it("csvDataset: empty, huge and too many labels are Lefts; a Right has no empty class and a bounded Y", () => {
    fc.assert(
      fc.property(
        arbHostileCsv,
        counted(({ text, labels, limits }) => {
          const r = total("csv", text.length * 2, () => csvDataset(text, { label: "y", labels, ...limits }));
          if (E.isLeft(r)) return wellFormedLeft(r.left);
          const { X, Y, classes } = r.right;
          const k = classes.length;
          const ys = toFlat(Y);
          const inRange = labels === "onehot" ? Y.shape[0] === k && ys.every((v) => v === 0 || v === 1) : ys.every((v) => Number.isInteger(v) && v >= 0 && v < k);
          return X.shape[1] === Y.shape[1] && !classes.includes("") && k <= Math.max(limits.maxClasses ?? 1024, 0) && inRange;
        }),
      ),
      runs(2000),
    );
  });

  it("jsonDataset: deep nesting, huge claimed shapes and dangerous keys", () => {
    fc.assert(
      fc.property(
        arbHostileJson,
        fc.constantFrom<(number | string)[]>([2], ["?"], ["?", "?"], [1, 2]),
        counted((text, spec) => {
          const r = total("json", text.length * 2, () => jsonDataset(text, { X: spec }));
          return E.isLeft(r) ? wellFormedLeft(r.left) : Object.getPrototypeOf(r.right) === Object.prototype && toFlat(r.right.X).every(Number.isFinite);
        }),
      ),
      runs(500),
    );
  });

  it("parseNpy: headers claiming any shape, dtype and version", () => {
    fc.assert(
      fc.property(
        arbHostileNpy,
        fc.nat(2 ** 28),
        counted((bytes, maxElements) => {
          const r = total("npy", bytes.length, () => parseNpy(bytes, undefined, { maxElements }));
          return E.isLeft(r) ? wellFormedLeft(r.left) : r.right.size <= maxElements && r.right.size === r.right.shape.reduce((a, b) => a * b, 1);
        }),
      ),
      runs(2000),
    );
  });

  it(`cases: at least 10,000 through the total-behaviour check at the default runs`, () => {
    // the hostile properties above: 3000 tensor, 2500 record, 2000 CSV, 500 JSON and 2000 npy cases
    if (fuzzRuns >= 200) expect(totalCases).toBeGreaterThanOrEqual(10_000);
  });
});
