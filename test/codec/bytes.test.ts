/**
 * `readFloats` reads the same floats from a Node `Buffer` as from a `Uint8Array` of the same
 * bytes. A small `Buffer` is a view into a shared 8 KiB pool at an offset, and `Buffer#slice`
 * shares that memory: reading through `slice(…).buffer` once gave the pool's first bytes instead,
 * so a model file read with `fs.readFileSync` (or passed through protobufjs, which hands out
 * `Buffer` views of a `Buffer`) decoded to garbage parameters with no error.
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { readFloats } from "../../src/codec/bytes.js";
import { decodeSafetensorsParams, draw, encodeSafetensors, mlp, rng, toFlat } from "../../src/index.js";

const floats = [1, -2.5, 3.25, Math.PI];

describe("readFloats", () => {
  it("a Buffer in a shared pool, at an offset, reads as the Uint8Array of its bytes", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const data = dtype === "float64" ? Float64Array.from(floats) : Float32Array.from(floats);
      const plain = new Uint8Array([7, 7, 7, ...new Uint8Array(data.buffer)]);
      const pooled = Buffer.from(plain);
      expect(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
      const want = Array.from(readFloats(plain, 3, 4, dtype, true));
      expect(want).toEqual(Array.from(data));
      expect(Array.from(readFloats(pooled, 3, 4, dtype, true))).toEqual(want);
      expect(Array.from(readFloats(pooled.subarray(3), 0, 4, dtype, true))).toEqual(want);
      // big-endian bytes, read through a DataView
      const big = Buffer.alloc(3 + data.byteLength);
      data.forEach((v, i) => {
        if (dtype === "float64") big.writeDoubleBE(v, 3 + 8 * i);
        else big.writeFloatBE(v, 3 + 4 * i);
      });
      expect(Array.from(readFloats(big, 3, 4, dtype, false))).toEqual(want);
    }
  });

  it("the result owns its memory: changing the bytes afterwards changes nothing", () => {
    const bytes = new Uint8Array(Float32Array.from(floats).buffer);
    const x = readFloats(bytes, 0, 4, "float32", true);
    bytes.fill(0);
    expect(Array.from(x)).toEqual(Array.from(Float32Array.from(floats)));
  });

  it("too few bytes is a RangeError saying how many were needed", () => {
    expect(() => readFloats(new Uint8Array(7), 0, 2, "float32", true)).toThrow(new RangeError("readFloats: 2 float32 values at byte 0 need 8 bytes, there are 7"));
    expect(() => readFloats(new Uint8Array(16), 9, 1, "float64", false)).toThrow("readFloats: 1 float64 values at byte 9 need 17 bytes, there are 16");
    expect(Array.from(readFloats(new Uint8Array(8), 8, 0, "float32", true))).toEqual([]);
  });

  it("decodeSafetensorsParams reads a Buffer's parameters bit for bit", () => {
    const model = mlp([3, 4, 2]);
    const p = model.init(rng(0));
    const r = decodeSafetensorsParams(Buffer.from(encodeSafetensors(p)), model);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(Array.from(toFlat(r.right.W1))).toEqual(Array.from(toFlat(p.W1)));
  });
});
