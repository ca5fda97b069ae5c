/**
 * Generators of hostile inputs for the fuzz tests: tensors in both JSON forms and then broken
 * (ragged rows, bad elements, extra nesting, wrong or huge or negative dims), arbitrary values,
 * and byte mutations (truncation, bit flips, random bytes). Shape first, then data.
 */
import fc from "fast-check";

/** Runs per property: `TYPEGRAD_FUZZ_RUNS` (a few hundred by default; 10,000 for a full run). */
export const fuzzRuns = ((): number => {
  const raw = process.env.TYPEGRAD_FUZZ_RUNS ?? "200";
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`TYPEGRAD_FUZZ_RUNS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
})();

export const arbShape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });

/** Values that are never a valid element. */
export const arbBadElement: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e39, null, undefined, true, false, "1", "", [], [1], {}, { shape: [1], data: [1] }),
  fc.string({ minLength: 1 }),
  fc.bigInt(),
);

/** A nested array of a shape, its elements finite doubles in float32 range. */
export const nestedOf = (shape: readonly number[], data: readonly number[]): unknown => {
  let i = 0;
  const build = (d: number): unknown => (d === shape.length ? data[i++] : Array.from({ length: shape[d] as number }, () => build(d + 1)));
  return build(0);
};

export const arbValidTensor = arbShape.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    data: fc.array(fc.double({ min: -1e30, max: 1e30, noNaN: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }),
  }),
);

/** Replace the element at flat position `k` (mod size) of a nested array. */
const replaceLeaf = (u: unknown, rank: number, k: number, v: unknown): unknown => {
  let seen = 0;
  let done = false;
  const go = (x: unknown, d: number): unknown => {
    if (d === rank) {
      if (!done && seen++ === k) {
        done = true;
        return v;
      }
      return x;
    }
    return (x as unknown[]).map((y) => go(y, d + 1));
  };
  return go(u, 0);
};

/** Drop the last element of the `k`-th (mod count) array at depth `depth`. */
const shortenRow = (u: unknown, depth: number, k: number): unknown => {
  let seen = 0;
  const go = (x: unknown, d: number): unknown => {
    if (!Array.isArray(x)) return x;
    if (d === depth) return seen++ === k ? x.slice(0, -1) : x;
    return x.map((y) => go(y, d + 1));
  };
  return go(u, 0);
};

/**
 * A valid tensor, then broken in one way that must be rejected by a codec whose spec is its
 * shape (all literal dims): [spec, input, what was done].
 */
export const arbBrokenTensor: fc.Arbitrary<[number[], unknown, string]> = arbValidTensor.chain(({ shape, data }) => {
  const nested = nestedOf(shape, data);
  const size = data.length;
  const options: fc.Arbitrary<[number[], unknown, string]>[] = [
    fc.integer({ min: 1, max: 40 }).map((n) => [shape, Array.from({ length: n }).reduce((x) => [x], nested), "extra nesting"] as [number[], unknown, string]),
    fc.record({ extra: fc.integer({ min: 1, max: 5 }) }).map(({ extra }) => [shape, { shape, data: [...data, ...new Array(extra).fill(0)] }, "flat data too long"]),
    fc.constantFrom(-1, -1e9, 1.5, 2 ** 53, 1e300, Number.NaN).map((bad) => [shape, { shape: [...shape, bad], data }, "bad flat dim"]),
    arbBadElement.map((v) => [shape, { shape, data: [...data, v] }, "flat data with a bad extra element"]),
    fc.constantFrom("float16", "int8", 32, null).map((dt) => [shape, { shape, data, dtype: dt }, "bad dtype"]),
  ];
  if (shape.length > 0) options.push(fc.constant([shape, { shape: shape.map((d) => d * 1e6 + 1), data }, "huge flat dims"]));
  if (size > 0) {
    options.push(fc.tuple(fc.nat(), arbBadElement).map(([k, v]) => [shape, replaceLeaf(nested, shape.length, k % size, v), "bad element"]));
    options.push(arbBadElement.map((v) => [shape, { shape, data: data.map((x, i) => (i === 0 ? v : x)) }, "flat bad element"]));
    options.push(fc.constant([shape, { shape, data: data.slice(1) }, "flat data too short"]));
  }
  const deep = shape.findIndex((d, i) => i > 0 && d > 0 && shape.slice(0, i).every((p) => p > 0));
  if (deep > 0) {
    const rows = shape.slice(0, deep).reduce((a, b) => a * b, 1);
    options.push(fc.nat().map((k) => [shape, shortenRow(nested, deep, k % rows), "ragged row"]));
  }
  // (dim 0 is always visible in nested arrays; sizes after a zero-size axis are not)
  if (shape.length > 0) options.push(fc.constant([[(shape[0] as number) + 1, ...shape.slice(1)], nested, "wrong literal dim"]));
  return fc.oneof(...options);
});

/** Any JS value, including the awkward ones. */
export const arbAnything: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, maxDepth: 4 }),
  fc.jsonValue(),
);

/** A mutation of some bytes: a truncation, 1-4 bit flips, a random byte splice or garbage. */
export type ByteMutation = { kind: "truncate"; at: number } | { kind: "flip"; bits: number[] } | { kind: "splice"; at: number; bytes: Uint8Array } | { kind: "garbage"; bytes: Uint8Array };

export const arbMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.nat().map((at) => ({ kind: "truncate" as const, at })),
  fc.array(fc.nat(), { minLength: 1, maxLength: 4 }).map((bits) => ({ kind: "flip" as const, bits })),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, bytes]) => ({ kind: "splice" as const, at, bytes })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: "garbage" as const, bytes })),
);

/** Apply a mutation (truncation strictly shortens; flips are of distinct bits). */
export const mutate = (b: Uint8Array, m: ByteMutation): Uint8Array => {
  switch (m.kind) {
    case "truncate":
      return b.slice(0, b.length === 0 ? 0 : m.at % b.length);
    case "flip": {
      const out = new Uint8Array(b);
      for (const bit of new Set(m.bits.map((x) => x % (b.length * 8)))) out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
      return out;
    }
    case "splice": {
      const at = m.at % (b.length + 1);
      return new Uint8Array([...b.subarray(0, at), ...m.bytes, ...b.subarray(at)]);
    }
    case "garbage":
      return m.bytes;
  }
};

/** CSV-like text from an alphabet rich in delimiters, quotes, line ends and number syntax. */
export const arbCsvText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(",", '"', "\n", "\r\n", "\r", "1", "2.5", "-", "e", "x", "y", "label", "nan", "inf", " ", "", "\ufeff", "0", "99999999999"), { maxLength: 60 })
  .map((parts) => parts.join(""));
