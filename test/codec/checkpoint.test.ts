import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/codec/bytes.js";
import { CHECKPOINT_VERSION, decodeCheckpoint, draw, encodeCheckpoint, fromArray, toFlat } from "../../src/index.js";

const params = {
  W1: fromArray([3, 2], [1, -2, 3.5, 4, 5e-8, -6]),
  b1: fromArray([3, 1], [0.5, 0, -0.5], { dtype: "float64" }),
  layers: [{ W: fromArray([1, 2], [7, 8]) }],
};
const text = (r: E.Either<readonly import("../../src/index.js").DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");

describe("checkpoint bytes", () => {
  it("crc32 is the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("round-trips names, shapes, dtypes, values and metadata", () => {
    const bytes = encodeCheckpoint(params, { epoch: 3, note: "test" });
    const r = decodeCheckpoint(bytes);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    const { manifest, params: p } = r.right;
    expect(manifest.version).toBe(1); // parameters and meta only: written as version 1, readable by earlier releases
    expect(manifest.meta).toEqual({ epoch: 3, note: "test" });
    expect(manifest.params).toEqual([
      { name: "W1", shape: [3, 2], dtype: "float32" },
      { name: "b1", shape: [3, 1], dtype: "float64" },
      { name: "layers[0].W", shape: [1, 2], dtype: "float32" },
    ]);
    expect(Object.keys(p)).toEqual(["W1", "b1", "layers[0].W"]);
    expect(Array.from(toFlat(p.W1 as never))).toEqual(Array.from(toFlat(params.W1)));
    expect(p.b1?.dtype).toBe("float64");
    expect(Array.from(toFlat(p.b1 as never))).toEqual([0.5, 0, -0.5]);
  });

  it("reports every truncation as truncated", () => {
    const bytes = encodeCheckpoint(params);
    for (let n = 0; n < bytes.length; n++) {
      const msg = text(decodeCheckpoint(bytes.subarray(0, n)));
      expect(msg, `length ${n}`).toMatch(n < 8 ? /^(truncated|not a typegrad checkpoint)/ : /^truncated: /);
    }
  });

  it("reports every single bit flip as corrupted (never a half-loaded Right)", () => {
    const bytes = encodeCheckpoint(params);
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = new Uint8Array(bytes);
        b[i] = (b[i] as number) ^ (1 << bit);
        const r = decodeCheckpoint(b);
        expect(E.isLeft(r), `byte ${i} bit ${bit}`).toBe(true);
        if (E.isLeft(r)) expect(draw(r.left)).toMatch(/^(corrupted|truncated|not a typegrad checkpoint|format version)/);
      }
    }
  });

  it("refuses a newer format version with a message saying so", () => {
    const bytes = encodeCheckpoint(params);
    const h = new DataView(bytes.buffer).getUint32(8, true);
    const manifest = new TextDecoder().decode(bytes.subarray(16, 16 + h)).replace('"version":1', '"version":9');
    const m = new TextEncoder().encode(manifest);
    const b = new Uint8Array(bytes);
    b.set(m, 16);
    new DataView(b.buffer).setUint32(12, crc32(m), true);
    expect(text(decodeCheckpoint(b))).toBe(`format version 9 is newer than this reader (${CHECKPOINT_VERSION}); upgrade typegrad`);
  });

  it("throws for params that are not a tree of tensors", () => {
    expect(() => encodeCheckpoint({ W: [1, 2] } as never)).toThrow("encodeCheckpoint: argument 'params' must be tensors, arrays or records of tensors; 'W[0]' is 1");
  });
});
