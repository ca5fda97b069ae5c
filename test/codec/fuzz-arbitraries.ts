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

// -------------------------------------------------------------------------------------
// hostile in-memory values: prototype tricks, getters, Proxies, holes, huge claims, deep nesting
// -------------------------------------------------------------------------------------

/** A hostile value made from a valid tensor `base`; `mustFail` when no decoder may accept it. */
export interface Hostile {
  readonly what: string;
  readonly value: unknown;
  readonly base: { readonly shape: number[]; readonly data: number[] };
  readonly mustFail: boolean;
}

/** `xs` with a hole at `i`. */
export const withHole = <A>(xs: readonly A[], i: number): A[] => {
  const out = new Array<A>(xs.length);
  xs.forEach((x, j) => {
    if (j !== i) out[j] = x;
  });
  return out;
};

/** `xs` with a getter at `i` (throwing or returning the value). */
const withGetter = <A>(xs: readonly A[], i: number, throws: boolean): A[] =>
  Object.defineProperty([...xs], i, {
    get: () => {
      if (throws) throw new Error("getter ran");
      return xs[i];
    },
    enumerable: true,
  });

const TRAPS = ["getPrototypeOf", "getOwnPropertyDescriptor", "ownKeys", "get", "has", "defineProperty", "isExtensible"] as const;

/** A Proxy of `target` whose listed traps throw. */
const trapping = (target: object, traps: readonly (typeof TRAPS)[number][]): object =>
  new Proxy(
    target,
    Object.fromEntries(
      traps.map((t) => [
        t,
        () => {
          throw new Error(`trap ${t}`);
        },
      ]),
    ),
  );

const revoked = (target: object): object => {
  const p = Proxy.revocable(target, {});
  p.revoke();
  return p.proxy;
};

/** A Proxy of an array that claims `length` elements. */
const lengthLiar = (target: unknown[], length: number): unknown[] =>
  new Proxy(target, {
    getOwnPropertyDescriptor: (t, k) => (k === "length" ? { value: length, writable: true, enumerable: false, configurable: false } : Reflect.getOwnPropertyDescriptor(t, k)),
    get: (t, k, r) => (k === "length" ? length : Reflect.get(t, k, r)),
  });

/** Arrays nested `depth` deep around 1, built once. */
const deep = (depth: number): unknown => {
  let x: unknown = 1;
  for (let i = 0; i < depth; i++) x = [x];
  return x;
};
const DEEP = [deep(33), deep(1000), deep(100_000)];

class ArrayLike2 extends Array<number> {}

export const arbHostile: fc.Arbitrary<Hostile> = arbValidTensor.chain((base) => {
  const { shape, data } = base;
  const size = data.length;
  const nested = nestedOf(shape, data);
  const h = (what: string, value: unknown, mustFail: boolean): Hostile => ({ what, value, base, mustFail });
  const options: fc.Arbitrary<Hostile>[] = [
    fc.constant(h("inherited shape and data", Object.create({ shape, data }), true)),
    fc.constant(h("inherited data", Object.assign(Object.create({ data }), { shape }), true)),
    fc.constant(
      h(
        "class instance",
        new (class {
          shape = shape;
          data = data;
        })(),
        true,
      ),
    ),
    fc.constant(h("null prototype", Object.assign(Object.create(null), { shape, data }), false)),
    fc.tuple(fc.constantFrom("shape", "data", "dtype"), fc.boolean()).map(([k, throws]) =>
      h(
        `getter on '${k}'`,
        Object.defineProperty({ shape, data, dtype: "float32" }, k, {
          get: () => {
            if (throws) throw new Error("getter ran");
            return k === "shape" ? shape : k === "data" ? data : "float32";
          },
          enumerable: true,
        }),
        true,
      ),
    ),
    fc.constant(h("transparent Proxy", new Proxy({ shape, data }, {}), false)),
    fc.subarray([...TRAPS], { minLength: 1 }).map((t) => h(`Proxy throwing ${t.join(", ")}`, trapping({ shape, data }, t), false)),
    fc.subarray([...TRAPS], { minLength: 1 }).map((t) => h(`Proxy data throwing ${t.join(", ")}`, { shape, data: trapping([...data], t) }, false)),
    fc.subarray([...TRAPS], { minLength: 1 }).map((t) => h(`nested Proxy throwing ${t.join(", ")}`, Array.isArray(nested) ? trapping(nested, t) : nested, false)),
    fc.constant(h("revoked Proxy", revoked({ shape, data }), true)),
    fc.constant(h("revoked Proxy data", { shape, data: revoked([...data]) }, true)),
    fc.constantFrom(2 ** 28 + 1, 2 ** 32 - 1, 1e6).map((n) => h(`data claiming length ${n}`, { shape: [n], data: lengthLiar([...data], n) }, true)),
    fc.constantFrom(2 ** 28 + 1, 2 ** 32 - 1, 1e6).map((n) => h(`nested claiming length ${n}`, lengthLiar([...data], n), true)),
    fc.constantFrom(2 ** 20, 2 ** 28, 2 ** 32 - 1).map((n) => h(`shape [${n}] with a sparse array of ${n}`, { shape: [n], data: new Array(n) }, true)),
    fc.constant(h("huge shape", { shape: [2 ** 26, 2 ** 26, ...shape], data }, true)),
    fc.constantFrom(...DEEP).map((d) => h("deep nesting", d, true)),
    fc.constantFrom(...DEEP).map((d) => h("deep nesting in data", { shape, data: [...data, d] }, true)),
    fc.constantFrom(...DEEP).map((d) => h("deep nesting in shape", { shape: [...shape, d], data }, true)),
    fc.constant(h("__proto__ key", JSON.parse(JSON.stringify({ shape, data }).replace("{", '{"__proto__": {"shape": [1], "data": [1]}, ')), false)),
    fc.constant(h("constructor and prototype keys", { shape, data, constructor: [1], prototype: { shape: [1] } }, false)),
    fc.constant(h("typed Float64Array data", { shape, data: Float64Array.from(data) }, false)),
    fc.constant(h("Int32Array data", { shape, data: Int32Array.from(data) }, true)),
    fc.constant(h("Array subclass data", { shape, data: ArrayLike2.from(data) }, true)),
  ];
  if (size > 0) {
    options.push(
      fc.nat(size - 1).map((i) => h("hole in data", { shape, data: withHole(data, i) }, true)),
      fc.tuple(fc.nat(size - 1), fc.boolean()).map(([i, t]) => h("getter in data", { shape, data: withGetter(data, i, t) }, true)),
      fc.tuple(fc.nat(size - 1), fc.constantFrom(Number.NaN, Infinity, -Infinity)).map(([i, v]) => h(`${v} in data`, { shape, data: data.map((x, j) => (j === i ? v : x)) }, true)),
    );
  }
  if (shape.length > 0) {
    options.push(fc.nat(shape.length - 1).map((i) => h("hole in shape", { shape: withHole(shape, i), data }, true)));
    if (Array.isArray(nested) && nested.length > 0) {
      options.push(
        fc.nat(nested.length - 1).map((i) => h("hole in nested", withHole(nested as unknown[], i), true)),
        fc.tuple(fc.nat(nested.length - 1), fc.boolean()).map(([i, t]) => h("getter in nested", withGetter(nested as unknown[], i, t), true)),
      );
    }
  }
  return fc.oneof(...options);
});

/** A record holding a hostile value under `X`, itself maybe hostile. */
export const arbHostileRecord: fc.Arbitrary<Hostile> = arbHostile.chain((x) => {
  const r = (what: string, value: unknown, mustFail: boolean): Hostile => ({ ...x, what: `${what} of ${x.what}`, value, mustFail: x.mustFail || mustFail });
  return fc.oneof(
    fc.constant(r("record", { X: x.value }, false)),
    fc.constant(r("inherited record", Object.create({ X: x.value }), true)),
    fc.constant(r("record with __proto__ key", JSON.parse('{"__proto__": {"X": 1}, "constructor": 2}') as object, true)),
    fc.constant(r("record with getter", Object.defineProperty({}, "X", { get: () => x.value, enumerable: true }), true)),
    fc.subarray([...TRAPS], { minLength: 1 }).map((t) => r(`record Proxy throwing ${t.join(", ")}`, trapping({ X: x.value }, t), false)),
    fc.constant(r("revoked record", revoked({ X: x.value }), true)),
  );
});

/** CSV tables with hostile labels (empty, blank, huge integers, many classes) and cells. */
export const arbHostileCsv: fc.Arbitrary<{ text: string; labels: "integer" | "onehot"; limits: Record<string, number> }> = fc.record({
  text: fc
    .tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.array(
        fc.tuple(
          fc.array(fc.constantFrom("1", "2.5", "-3e2", "", "nan", "inf", "x", "1e39"), { minLength: 1, maxLength: 4 }),
          fc.oneof(fc.constantFrom("", " ", "0", "1", "2", "65535", "65536", "99999999999", "99999999999999999999999", "1e3", "-1", "cat", "dog", "__proto__"), fc.nat().map(String)),
        ),
        { maxLength: 30 },
      ),
    )
    .map(([nf, rows]) => {
      const head = [...Array.from({ length: nf }, (_, i) => `x${i}`), "y"].join(",");
      return [head, ...rows.map(([cells, y]) => [...Array.from({ length: nf }, (_, i) => cells[i % cells.length]), y].join(","))].join("\n");
    }),
  labels: fc.constantFrom("integer" as const, "onehot" as const),
  limits: fc.record(
    { maxRows: fc.integer({ min: 0, max: 40 }), maxColumns: fc.integer({ min: 1, max: 8 }), maxClasses: fc.integer({ min: 1, max: 70000 }), maxElements: fc.integer({ min: 0, max: 1e6 }) },
    { requiredKeys: [] },
  ),
});

/** JSON texts that nest deep, claim huge shapes or carry dangerous keys. */
export const arbHostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 200_000 }).map((n) => `{"X": ${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.integer({ min: 1, max: 200_000 }).map((n) => `{"X": {"shape": [1], "data": ${"[".repeat(n)}1${"]".repeat(n)}}}`),
  fc.constantFrom(2 ** 20, 2 ** 28, 2 ** 53 - 1, 1e300).map((n) => `{"X": {"shape": [${n}, ${n}], "data": [1, 2]}}`),
  fc.constant('{"__proto__": {"X": [1, 2]}, "X": [1, 2]}'),
  fc.constant('{"X": {"__proto__": {"shape": [2]}, "data": [1, 2]}}'),
  fc.constant('{"X": {"shape": [2], "data": [1, 2], "constructor": {"prototype": 1}}}'),
  fc.constant('{"X": [1e400, -1e400]}'),
);

/** `.npy` bytes whose header claims any shape, dtype and version, with a few data bytes. */
export const arbHostileNpy: fc.Arbitrary<Uint8Array> = fc
  .record({
    version: fc.constantFrom(1, 2, 3),
    descr: fc.constantFrom("<f4", ">f8", "|u1", "<i8", "<f2", "|b1", "<c8", "O"),
    shape: fc.array(fc.oneof(fc.nat(4), fc.constantFrom(2 ** 20, 2 ** 31, 2 ** 53 - 1, 1e20)), { maxLength: 40 }),
    fortran: fc.boolean(),
    extra: fc.uint8Array({ maxLength: 64 }),
  })
  .map(({ version, descr, shape, fortran, extra }) => {
    const tuple = shape.length === 1 ? `(${BigInt(shape[0] as number)},)` : `(${shape.map((d) => BigInt(d)).join(", ")})`;
    const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${tuple}, }\n`;
    const text = new TextEncoder().encode(dict);
    const pre = version === 1 ? 10 : 12;
    const out = new Uint8Array(pre + text.length + extra.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
    const view = new DataView(out.buffer);
    if (version === 1) view.setUint16(8, text.length, true);
    else view.setUint32(8, text.length, true);
    out.set(text, pre);
    out.set(extra, pre + text.length);
    return out;
  });
