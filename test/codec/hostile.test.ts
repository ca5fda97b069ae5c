/**
 * The hostile classes a tester found, one `describe` each: values wrongly accepted, values that
 * made a decoder throw instead of returning a `Left`, and inputs that asked for unbounded work.
 * Each case must be a `Left` naming where the problem is.
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/codec/bytes.js";
import {
  add,
  csvDataset,
  type DecodeError,
  decodeCheckpoint,
  decodeParams,
  decodeTensor,
  decodeTensors,
  draw,
  encodeCheckpoint,
  fromArray,
  fromValidationErrors,
  jsonDataset,
  parseCsv,
  parseNpy,
  tensor,
  tensorCodec,
  tensorsCodec,
} from "../../src/index.js";
import { withHole } from "./fuzz-arbitraries.js";

const text = (r: E.Either<readonly DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");
const timed = <A>(f: () => A): A => {
  const t0 = performance.now();
  const a = f();
  expect(performance.now() - t0).toBeLessThan(1000);
  return a;
};

describe("wrongly accepted", () => {
  it("shape or data inherited through the prototype, and class instances, are not tensors", () => {
    expect(text(decodeTensor([2], Object.create({ shape: [2], data: [1, 2] })))).toMatch(/expected a plain object/);
    const halfInherited = Object.assign(Object.create({ data: [1, 2] }), { shape: [2] });
    expect(text(decodeTensor([2], halfInherited))).toMatch(/expected a plain object/);
    class Fake {
      shape = [2];
      data = [1, 2];
    }
    expect(text(decodeTensor([2], new Fake()))).toMatch(/expected a plain object/);
    expect(text(decodeTensors({ X: [2] }, Object.create({ X: [1, 2] })))).toMatch(/expected a plain object/);
    // a null-prototype object is plain data
    expect(E.isRight(decodeTensor([2], Object.assign(Object.create(null), { shape: [2], data: [1, 2] })))).toBe(true);
  });

  it("holes in shape, in flat data and in nested arrays are errors at their index", () => {
    expect(text(decodeTensor(["?", "?"], { shape: withHole([1, 2, 3], 1), data: [1, 2, 3] }))).toBe("shape: index 1: a hole (sparse array), expected a value");
    expect(text(decodeTensor([3], { shape: [3], data: withHole([1, 2, 3], 1) }))).toBe("data: index 1: a hole (sparse array), expected a value");
    expect(text(decodeTensor([2, 3], [[1, 2, 3], withHole([4, 5, 6], 1)]))).toBe("index 1: index 1: a hole (sparse array), expected a value");
  });

  it("__proto__, constructor and prototype are refused as tensor names", () => {
    expect(() => decodeTensors(JSON.parse('{"__proto__": [2]}'), JSON.parse('{"__proto__": [1, 2]}'))).toThrow(
      "decodeTensors: argument 'specs' has the name '__proto__', which is not allowed (it is special in JavaScript objects)",
    );
    expect(() => decodeParams({ constructor: [2] }, { constructor: [1, 2] })).toThrow("decodeParams: argument 'specs' has the name 'constructor'");
    expect(() => tensorsCodec({ prototype: [2] })).toThrow("tensorsCodec: argument 'specs' has the name 'prototype'");
    // in the input they are unexpected names, never a prototype
    const r = decodeParams({ W: [2] }, JSON.parse('{"W": [1, 2], "__proto__": [3, 4]}'));
    expect(text(r)).toBe("__proto__: unexpected parameter (expected only W)");
    const ok = decodeTensors({ W: [2] }, JSON.parse('{"W": [1, 2], "__proto__": {"polluted": true}}'));
    expect(E.isRight(ok) && Object.getPrototypeOf(ok.right)).toBe(Object.prototype);
  });

  it("an empty CSV label cell is an error with its line and column, not a class", () => {
    expect(text(csvDataset("x,y\n1,a\n2,\n3,b\n", { label: "y" }))).toBe("line 3: column 'y': missing label");
    expect(text(csvDataset("x,y\n1,0\n2, \n3,1\n", { label: "y", labels: "onehot" }))).toBe("line 3: column 'y': missing label");
  });
});

describe("thrown instead of Left", () => {
  it("getters are never run: an accessor is an error at its path", () => {
    let ran = 0;
    const getter = {
      get shape(): number[] {
        ran++;
        throw new Error("boom");
      },
      data: [1, 2],
    };
    expect(text(decodeTensor([2], getter))).toBe("shape: a getter (accessor property), expected a data property");
    const el = Object.defineProperty([1, 2], 0, {
      get() {
        ran++;
        return 1;
      },
      enumerable: true,
    });
    expect(text(decodeTensor([2], { shape: [2], data: el }))).toBe("data: index 0: a getter (accessor property), expected a data property");
    expect(text(decodeTensor([2], el))).toBe("index 0: a getter (accessor property), expected a data property");
    const rec = Object.defineProperty({}, "X", { get: () => [1, 2], enumerable: true });
    expect(text(decodeTensors({ X: [2] }, rec))).toBe("X: a getter (accessor property), expected a data property");
    expect(ran).toBe(0);
  });

  it("Proxies: revoked ones and throwing traps are a Left", () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(text(decodeTensor([2], revoked.proxy))).toMatch(/^cannot be read as plain data: .*revoked/);
    const revokedArray = Proxy.revocable([1, 2], {});
    revokedArray.revoke();
    expect(E.isLeft(decodeTensor([2], revokedArray.proxy))).toBe(true);
    expect(E.isLeft(decodeTensors({ X: [2] }, revoked.proxy))).toBe(true);
    const boom = (): never => {
      throw new Error("trap");
    };
    const trapping = new Proxy({}, { getPrototypeOf: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, get: boom, has: boom });
    expect(text(decodeTensor([2], trapping))).toBe("cannot be read as plain data: trap");
    expect(E.isLeft(tensorCodec([2]).decode({ shape: [2], data: trapping }))).toBe(true);
    expect(E.isLeft(decodeParams({ W: [2] }, { W: trapping }))).toBe(true);
    expect(tensorsCodec({ X: [2] }).is(trapping)).toBe(false);
    expect(tensorCodec([2]).is(trapping)).toBe(false);
    // drawing errors about a revoked Proxy never touches it
    const io = t.type({ lr: t.number }).decode({ lr: revoked.proxy });
    expect(E.isLeft(io) && draw(fromValidationErrors(io.left))).toBe("lr: expected number, got an unreadable object");
  });

  it("an object faking a Tensor through its prototype is a Left", () => {
    const Tensor = Object.getPrototypeOf(tensor([1]));
    expect(E.isLeft(decodeTensor([2], Object.create(Tensor)))).toBe(true);
  });

  it("a one-hot label of 65535 is an error with line and column, not a 2.75 GB allocation", () => {
    const csv = `x,y\n1,65535\n${"2,1\n".repeat(6000)}`;
    expect(timed(() => text(csvDataset(csv, { label: "y", labels: "onehot" })))).toBe(
      "line 2: column 'y': label 65535 is too large for a class index (at most 1024 classes; give option 'classes' or raise 'maxClasses')",
    );
    // declared classes: the label must be one of them
    expect(text(csvDataset("x,y\n1,0\n2,5\n", { label: "y", labels: "onehot", classes: ["0", "1"] }))).toBe("line 3: column 'y': unknown class \"5\" (classes: 0, 1)");
    expect(text(csvDataset("x,y\n1,99999999999999999999999\n", { label: "y" }))).toMatch(/^line 2: column 'y': label 99999999999999999999999 is too large for a class index/);
  });
});

describe("bounds", () => {
  it("maxElements, maxRank: checked before any work", () => {
    expect(timed(() => text(decodeTensor(["?", "?"], { shape: [65536, 65536], data: [] })))).toBe("data: has 0 values, shape [65536, 65536] needs 4294967296");
    expect(text(decodeTensor(["?"], [1, 2, 3], { maxElements: 2 }))).toBe("an array of 3 values, above the limit maxElements = 2");
    expect(text(decodeTensor(["?"], { shape: [3], data: [1, 2, 3] }, { maxElements: 2 }))).toBe("data: an array of 3 values, above the limit maxElements = 2");
    expect(text(decodeTensor(["?"], { shape: [3], data: new Float64Array(3) }, { maxElements: 2 }))).toBe("shape: [3] has 3 elements, above the limit maxElements = 2");
    expect(text(decodeTensor(["?", "?"], [[1]], { maxRank: 1 }))).toBe("nested more than 1 levels deep, expected rank 2");
    const liar = new Proxy([1], {
      getOwnPropertyDescriptor: (t, k) => (k === "length" ? { value: 1e9, writable: true, enumerable: false, configurable: false } : Reflect.getOwnPropertyDescriptor(t, k)),
    });
    expect(E.isLeft(timed(() => decodeTensor(["?"], liar)))).toBe(true);
    expect(() => decodeTensor([2], [1, 2], { maxElements: -1 })).toThrow("decodeTensor: option 'maxElements' must be a non-negative integer, got -1");
  });

  it("deep nesting never overflows the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1e6; i++) deep = [deep];
    expect(timed(() => text(decodeTensor([1], deep)))).toMatch(/nested more than 32 levels deep/);
    expect(E.isLeft(timed(() => jsonDataset(`{"X": ${"[".repeat(1e5)}${"]".repeat(1e5)}}`, { X: [1] })))).toBe(true);
  });

  it("CSV: maxRows, maxColumns, maxClasses, maxLength", () => {
    expect(text(csvDataset("x,y\n1,0\n2,1\n3,0\n", { label: "y", maxRows: 2 }))).toBe("line 4: more than 2 rows (maxRows)");
    expect(text(parseCsv("a,b,c\n", ",", { maxColumns: 2 }))).toBe("line 1: more than 2 columns (maxColumns)");
    expect(text(csvDataset("x,y\n1,a\n2,b\n3,c\n", { label: "y", maxClasses: 2 }))).toBe("line 4: column 'y': label \"c\" would be class 3, above the limit maxClasses = 2");
    expect(text(csvDataset("x,y\n1,0\n", { label: "y", maxLength: 4 }))).toBe("the text has 8 characters, above the limit maxLength = 4");
    expect(text(jsonDataset('{"X": [1]}', { X: [1] }, { maxLength: 4 }))).toBe("the text has 10 characters, above the limit maxLength = 4");
    expect(() => csvDataset("x,y\n", { label: "y", maxRows: 1.5 })).toThrow("csvDataset: option 'maxRows' must be a non-negative integer, got 1.5");
  });

  it("parseNpy: a header claiming more than maxElements is a Left before any allocation", () => {
    const h = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    const head = new Uint8Array(10 + h.length + 1);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length + 1, 0]);
    head.set(new TextEncoder().encode(`${h}\n`), 10);
    const bytes = new Uint8Array(head.length + 12);
    bytes.set(head);
    expect(E.isRight(parseNpy(bytes))).toBe(true);
    expect(text(parseNpy(bytes, ["?"], { maxElements: 2 }))).toBe("the header's shape [3] has 3 elements, above the limit maxElements = 2");
  });
});

/** Checkpoint bytes whose manifest carries `meta` (raw JSON text), checksums correct. */
const withMeta = (metaJson: string): Uint8Array => {
  const good = encodeCheckpoint({ W: fromArray([1], [1]) });
  const h = new DataView(good.buffer).getUint32(8, true);
  const manifest = new TextDecoder().decode(good.subarray(16, 16 + h));
  const text = new TextEncoder().encode(`${manifest.slice(0, -1)},"meta":${metaJson}}`);
  const dataStart = Math.ceil((16 + text.length) / 8) * 8;
  const oldStart = Math.ceil((16 + h) / 8) * 8;
  const out = new Uint8Array(dataStart + good.length - oldStart);
  out.set(good.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, text.length, true);
  new DataView(out.buffer).setUint32(12, crc32(text), true);
  out.set(text, 16);
  out.set(good.subarray(oldStart), dataStart);
  return out;
};

describe("checkpoint manifests", () => {
  it("the crafted-checkpoint helper makes valid checkpoints", () => {
    expect(E.isRight(decodeCheckpoint(withMeta('{"epoch": 3}')))).toBe(true);
  });

  // a deeply nested meta (a 200 KB manifest, checksums correct) is refused by the manifest's
  // iterative depth bound before the schema (which recurses) sees it
  it("decodeCheckpoint: a deeply nested meta is a Left, not a RangeError", () => {
    const r = decodeCheckpoint(withMeta(`{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`));
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) expect(draw(r.left)).toMatch(/manifest: .*nest/);
  });
});

describe("a Proxy around a real Tensor", () => {
  it("is not a tensor: ops reject it by name, decoders read it as data (a Left here) without its get trap", () => {
    const x = fromArray([2], [1, 2]);
    let trapped = 0;
    const p = new Proxy(x, {
      get: (target, k, r) => {
        trapped++;
        return Reflect.get(target, k, r);
      },
    });
    expect(() => add(p as never, x)).toThrow("add: argument 'a' must be a Tensor or a number, got a Tensor");
    trapped = 0; // the op's message named the object's constructor; the decoder asks nothing
    const r = decodeTensor([2], p);
    expect(E.isLeft(r)).toBe(true);
    expect(trapped).toBe(0);
  });
});

describe("reserved names in parameter trees", () => {
  it("are refused by namedLeaves and so by the checkpoint encoders, at the path", () => {
    expect(() => encodeCheckpoint({ constructor: fromArray([1], [0]) } as never)).toThrow(
      "encodeCheckpoint: argument 'params' has a parameter named 'constructor' at 'constructor', which is not allowed",
    );
    expect(() => encodeCheckpoint({ layers: [{ prototype: fromArray([1], [0]) }] } as never)).toThrow("a parameter named 'prototype' at 'layers[0].prototype'");
  });
});
