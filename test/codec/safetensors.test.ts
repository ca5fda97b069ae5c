import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  type DecodeErrors,
  decodeSafetensors,
  decodeSafetensorsParams,
  dense,
  draw,
  encodeSafetensors,
  fromArray,
  mlp,
  namedLeaves,
  type Params,
  randn,
  rng,
  sequential,
  type Tensor,
  toFlat,
} from "../../src/index.js";

const dir = join(import.meta.dirname, "..", "fixtures", "safetensors");
interface Expected {
  readonly metadata: Record<string, string>;
  readonly tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
}
const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Record<string, Expected>;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, `${name}.safetensors`)));

const bits = (x: Tensor): string => Buffer.from(toFlat(x).buffer, toFlat(x).byteOffset, toFlat(x).byteLength).toString("hex");
const leftText = <A>(r: E.Either<DecodeErrors, A>): string => (E.isLeft(r) ? draw(r.left) : "(a Right)");

/** A safetensors file from a header value and data bytes (for hand-made, hostile files). */
const file = (header: unknown, data: Uint8Array | number = 0, headerText?: string): Uint8Array => {
  const text = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + text.length + body.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(body, 8 + text.length);
  return out;
};

describe("safetensors: files written by the reference implementation (Python safetensors 0.8.0)", () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`reads ${name}.safetensors: every tensor's dtype, shape and values, and the metadata`, () => {
      const r = decodeSafetensors(fixture(name));
      if (E.isLeft(r)) throw new Error(draw(r.left));
      expect(r.right.metadata).toEqual(want.metadata);
      expect(Object.keys(r.right.tensors).sort()).toEqual(Object.keys(want.tensors).sort());
      for (const [k, t] of Object.entries(want.tensors)) {
        const x = r.right.tensors[k] as Tensor;
        expect(r.right.dtypes[k], k).toBe(t.dtype);
        expect([...x.shape], k).toEqual(t.shape);
        expect(Array.from(toFlat(x)), k).toEqual(t.values);
      }
    });
  }

  it("loads mlp_4_3_2.safetensors typed as mlp([4, 3, 2])'s parameters", () => {
    const model = mlp([4, 3, 2]);
    const r = decodeSafetensorsParams(fixture("mlp_4_3_2"), model);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    const p: ReturnType<typeof model.init> = r.right;
    expect(Array.from(toFlat(p.W2))).toEqual((expected.mlp_4_3_2 as Expected).tensors.W2?.values);
    expect([...p.b1.shape]).toEqual([3, 1]);
  });

  it("names every tensor that does not fit another model: shape, dtype, missing, unexpected", () => {
    expect(leftText(decodeSafetensorsParams(fixture("mlp_4_3_2"), mlp([4, 3, 2], { layout: "rows" })))).toBe(
      ["W1: shape [3, 4], expected [4, 3]", "b1: shape [3, 1], expected [1, 3]", "W2: shape [2, 3], expected [3, 2]", "b2: shape [2, 1], expected [1, 2]"].join("\n"),
    );
    expect(leftText(decodeSafetensorsParams(fixture("mlp_4_3_2"), mlp([4, 3, 2]), { dtype: "float64" }))).toBe(
      ["W1: dtype F32, expected F64", "b1: dtype F32, expected F64", "W2: dtype F32, expected F64", "b2: dtype F32, expected F64"].join("\n"),
    );
    expect(leftText(decodeSafetensorsParams(fixture("mixed"), dense(2, 2)))).toMatch(
      /^W: missing: expected a F32 tensor of shape \[2, 2\]\nb: missing: .*\nu64: unexpected tensor \(the model's are W, b\)/,
    );
  });
});

describe("safetensors: round trips are bit-exact", () => {
  const models = [
    ["mlp columns", mlp([5, 4, 3], { hidden: "tanh" })],
    ["mlp rows", mlp([5, 4, 3], { layout: "rows" })],
    ["sequential with PReLU", sequential([dense(3, 4, { activation: "prelu" }), dense(4, 2, { activation: "softmax" })])],
    ["dense", dense(6, 2, { layout: "rows", activation: "elu" })],
  ] as const;
  for (const [what, model] of models) {
    it(`${what}: typegrad → safetensors → typegrad gives the same bits, typed`, () => {
      for (const dtype of ["float32", "float64"] as const) {
        const p0 = (model.init as (g: ReturnType<typeof rng>, o: { dtype: typeof dtype }) => Params)(rng(7), { dtype });
        // random values everywhere (biases start at 0)
        const leaves = namedLeaves("test", p0);
        const bytes = encodeSafetensors(Object.fromEntries(leaves.map(([n, x], i) => [n, fromArray([...x.shape] as number[], toFlat(randn(rng(i), [...x.shape] as number[], { dtype })), { dtype })])));
        const r = decodeSafetensorsParams(bytes, model as never, { dtype });
        if (E.isLeft(r)) throw new Error(draw(r.left));
        const back = new Map(namedLeaves("test", r.right as Params));
        const sent = decodeSafetensors(bytes);
        if (E.isLeft(sent)) throw new Error(draw(sent.left));
        for (const [n, x] of Object.entries(sent.right.tensors)) expect(bits(back.get(n) as Tensor), n).toBe(bits(x));
        expect(back.size).toBe(leaves.length);
      }
    });
  }

  it("any float32 values, NaN and infinities included, and any shape (property)", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 })
          .chain((shape) => fc.tuple(fc.constant(shape), fc.float32Array({ minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }))),
        ([shape, data]) => {
          const x = fromArray(shape, data);
          const r = decodeSafetensors(encodeSafetensors({ x }));
          if (E.isLeft(r)) return false;
          const y = r.right.tensors.x as Tensor;
          return bits(y) === bits(x) && y.shape.join() === shape.join();
        },
      ),
      { numRuns: 200 },
    );
  });

  it("integer dtypes on request, values checked", () => {
    const bytes = encodeSafetensors({ step: fromArray([2], [3, -4]), mask: fromArray([3], [0, 1, 255]) }, { dtypes: { step: "I64", mask: "U8" } });
    const r = decodeSafetensors(bytes);
    expect(E.isRight(r) && r.right.dtypes).toEqual({ step: "I64", mask: "U8" });
    expect(E.isRight(r) && Array.from(toFlat(r.right.tensors.step as Tensor))).toEqual([3, -4]);
    expect(() => encodeSafetensors({ x: fromArray([1], [0.5]) }, { dtypes: { x: "I32" } })).toThrow("encodeSafetensors: argument 'params': 'x' holds 0.5 at index 0, which is not a I32 value");
    expect(() => encodeSafetensors({ x: fromArray([1], [256]) }, { dtypes: { x: "U8" } })).toThrow(/not a U8 value/);
    expect(() => encodeSafetensors({ x: fromArray([1], [1]) }, { dtypes: { y: "U8" } })).toThrow("encodeSafetensors: option 'dtypes' names 'y', which is not a tensor of 'params'");
    expect(() => encodeSafetensors({ x: fromArray([1], [1]) }, { metadata: { n: 1 as unknown as string } })).toThrow(/option 'metadata' must be a record of strings/);
  });

  it("pads the header to a multiple of 8 bytes with spaces", () => {
    const bytes = encodeSafetensors({ a: fromArray([1], [1]) }, { metadata: { k: "v" } });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n))).toMatch(/^\{"__metadata__":\{"k":"v"\},"a":\{"dtype":"F32","shape":\[1\],"data_offsets":\[0,4\]\}\} *$/);
  });
});

describe("safetensors: corrupt and hostile bytes are a Left naming what is wrong, never a throw", () => {
  const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });
  const big = new Uint8Array(8);
  new DataView(big.buffer).setUint32(4, 1, true); // a header length of 2^32
  const cases: [string, Uint8Array, RegExp | string][] = [
    ["empty", new Uint8Array(0), "truncated: 0 bytes, shorter than the 8-byte header length"],
    ["a header length above the limit", big, "the header claims 4294967296 bytes, above the limit maxHeaderBytes = 100000000"],
    ["a header longer than the file", file({}).subarray(0, 9), "truncated: the header claims 2 bytes, the file has 1 after the length"],
    ["a header that is not JSON", file(null, 0, "{nope}"), /^header: not UTF-8 JSON: /],
    ["a header that is not UTF-8", file(null, 0, '{"a":1}').map((b, i) => (i === 10 ? 0xff : b)), /^header: not UTF-8 JSON: /],
    ["a header that is an array", file([1, 2]), "header: expected a JSON object, got an array of 2"],
    ["an unknown dtype", file({ x: entry("F16", [1], 0, 2) }, 2), /^x: dtype: expected a safetensors dtype/],
    ["a negative dim", file({ x: entry("F32", [-1], 0, 4) }, 4), /^x: shape: index 0: expected a non-negative integer, got -1/],
    ["offsets that are not a pair", file({ x: { dtype: "F32", shape: [1], data_offsets: [0] } }, 4), /^x: data_offsets/],
    ["a range of the wrong size", file({ x: entry("F32", [2], 0, 4) }, 4), "x: data_offsets [0, 4] hold 4 bytes, a F32 tensor of shape [2] needs 8"],
    ["a shape of 2^60 elements", file({ x: entry("F32", [2 ** 30, 2 ** 30], 0, 4) }, 4), /^x: shape \[1073741824, 1073741824\] has more than 2\^53 elements, above the limit maxElements = 268435456/],
    ["overlapping tensors", file({ a: entry("F32", [2], 0, 8), b: entry("F32", [1], 4, 8) }, 8), /overlap 'a', which ends at 8/],
    ["a gap", file({ a: entry("F32", [1], 0, 4), b: entry("F32", [1], 8, 12) }, 12), "b: data_offsets [8, 12] leave a gap of 4 bytes after 'a'"],
    ["data not starting at 0", file({ a: entry("F32", [1], 4, 8) }, 8), "a: data_offsets [4, 8] leave a gap of 4 bytes after the start of the data"],
    ["truncated data", file({ a: entry("F32", [3], 0, 12) }, 8), "a: truncated: data_offsets [0, 12] end past the data, which has 8 bytes"],
    ["trailing bytes", file({ a: entry("F32", [1], 0, 4) }, 8), "4 bytes after the last tensor are not covered by any tensor"],
    ["metadata that is not text", file({ __metadata__: { n: 1 } }), /^__metadata__: n: expected string, got 1/],
    ["a rank above 32", file({ a: entry("F32", new Array(33).fill(1), 0, 4) }, 4), "a: rank 33, above the most 32"],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      const r = decodeSafetensors(bytes);
      expect(E.isLeft(r)).toBe(true);
      if (typeof message === "string") expect(leftText(r)).toBe(message);
      else expect(leftText(r)).toMatch(message);
      expect(E.isLeft(decodeSafetensorsParams(bytes, dense(1, 1)))).toBe(true);
    });
  }

  it("names like __proto__ are plain names, never a prototype change", () => {
    const r = decodeSafetensors(file(JSON.parse('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}'), 4));
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(Object.getPrototypeOf(r.right.tensors)).toBe(Object.prototype);
    expect(Object.keys(r.right.tensors)).toEqual(["__proto__"]);
  });

  it("random bytes and random corruptions of a valid file never throw (property)", () => {
    const valid = encodeSafetensors({ W: randn(rng(0), [3, 4]), b: randn(rng(1), [3, 1]) }, { metadata: { a: "b" } });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (junk, flips) => {
        const corrupt = valid.slice();
        for (const [at, v] of flips) corrupt[at % corrupt.length] = v;
        for (const b of [junk, corrupt]) {
          const r = decodeSafetensors(b);
          if (E.isLeft(r) && draw(r.left).length === 0) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("rejects bad options with a message naming the function and the option", () => {
    expect(() => decodeSafetensors(new Uint8Array(8), { maxHeaderBytes: -1 })).toThrow("decodeSafetensors: option 'maxHeaderBytes' must be a non-negative integer, got -1");
    expect(() => decodeSafetensorsParams(new Uint8Array(8), dense(1, 1), { dtype: "int8" as never })).toThrow(`decodeSafetensorsParams: option 'dtype' must be "float32" or "float64", got "int8"`);
    expect(E.isLeft(decodeSafetensors("nope" as unknown as Uint8Array))).toBe(true);
  });
});
