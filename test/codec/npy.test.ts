import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { draw, encodeNpy, fromArray, parseNpy, type Tensor, toFlat } from "../../src/index.js";

interface Case {
  readonly descr: string;
  readonly shape: number[];
  readonly data: (number | null)[];
  readonly nonFinite: (string | null)[];
  readonly byteIdentical: boolean;
  readonly note: string;
}
const dir = join(import.meta.dirname, "..", "fixtures", "npy");
const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as { cases: Record<string, Case> };
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, `${name}.npy`)));
const values = (c: Case): number[] => c.data.map((v, i) => v ?? (c.nonFinite[i] === "nan" ? Number.NaN : c.nonFinite[i] === "inf" ? Infinity : -Infinity));

describe(".npy against numpy's own files", () => {
  it("has a fixture for every case and nothing else", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".npy"))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(files).toEqual(Object.keys(expected.cases).sort());
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, c] of Object.entries(expected.cases)) {
    it(`reads ${name} (${c.note})`, () => {
      const r = parseNpy(bytesOf(name), c.shape, { allowNonFinite: true });
      if (E.isLeft(r)) throw new Error(draw(r.left));
      expect(r.right.shape).toEqual(c.shape);
      expect(r.right.dtype).toBe(c.descr.endsWith("f8") || c.descr.endsWith("i8") || c.descr.endsWith("i4") ? "float64" : "float32");
      const got = Array.from(toFlat(r.right));
      values(c).forEach((v, i) => {
        expect(Object.is(got[i], v) || got[i] === v, `${name}[${i}]: ${got[i]} vs ${v}`).toBe(true);
      });
    });
    if (c.byteIdentical) {
      it(`writes ${name} byte for byte as np.save does`, () => {
        const x = fromArray(c.shape, values(c), { dtype: c.descr === "<f8" ? "float64" : "float32" });
        expect(Buffer.from(encodeNpy(x)).equals(Buffer.from(bytesOf(name)))).toBe(true);
      });
    }
  }

  it("rejects NaN and infinities unless allowed", () => {
    const r = parseNpy(bytesOf("f8_nonfinite_4"));
    expect(E.isLeft(r) && draw(r.left)).toBe(
      [
        "data: index 1: NaN is not finite (allow with { allowNonFinite: true })",
        "data: index 2: Infinity is not finite (allow with { allowNonFinite: true })",
        "data: index 3: -Infinity is not finite (allow with { allowNonFinite: true })",
      ].join("\n"),
    );
  });

  it("checks the spec", () => {
    const r = parseNpy(bytesOf("f4_2x3"), [3, "n"]);
    expect(E.isLeft(r) && draw(r.left)).toBe("dim 0 is 2, expected 3");
    const ok = parseNpy(bytesOf("f4_2x3"), ["m", "n"]);
    if (E.isRight(ok)) {
      const x: Tensor<["m", "n"]> = ok.right;
      expect(x.shape).toEqual([2, 3]);
    } else throw new Error(draw(ok.left));
  });

  it("reports truncated, padded and foreign files", () => {
    const b = bytesOf("f4_2x3");
    const err = (u: Uint8Array): string => {
      const r = parseNpy(u);
      return E.isLeft(r) ? draw(r.left) : "ok";
    };
    expect(err(b.subarray(0, b.length - 1))).toBe("truncated: the data needs 24 bytes, the file has 23 after the header");
    expect(err(b.subarray(0, 50))).toBe("truncated: the header needs 118 bytes, the file has 40 after the preamble");
    expect(err(b.subarray(0, 5))).toBe("truncated: 5 bytes, shorter than an .npy preamble (10 bytes)");
    expect(err(new Uint8Array([...b, 0]))).toBe("corrupted: 1 unexpected bytes after the data");
    expect(err(new TextEncoder().encode("PK\u0003\u0004 this is a zip"))).toBe("not an .npy file (bad magic bytes)");
    const flipped = new Uint8Array(b);
    flipped[20] = 0x5b; // "'descr'" loses its quote
    expect(err(flipped)).toMatch(/^header: not a Python literal: /);
  });

  it("round-trips through its own writer for every rank and both dtypes", () => {
    for (const shape of [[], [0], [3], [2, 0, 4], [1, 2, 3, 2]]) {
      for (const dtype of ["float32", "float64"] as const) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = fromArray(
          shape,
          Array.from({ length: n }, (_, i) => i * 0.25 - 1),
          { dtype },
        );
        const r = parseNpy(encodeNpy(x));
        if (E.isLeft(r)) throw new Error(draw(r.left));
        expect(r.right.shape).toEqual(shape);
        expect(r.right.dtype).toBe(dtype);
        expect(Array.from(toFlat(r.right))).toEqual(Array.from(toFlat(x)));
      }
    }
  });
});
