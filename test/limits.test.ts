/**
 * Sizes beyond what a backend can hold: `zeros([1e6, 1e6])`, an outer product of two 1e5
 * vectors, a padding of 1e10. Each is refused before anything is allocated, with a message that
 * names the function, the argument (or the op's result) and the limit, on every backend; and the
 * WASM backend's own memory limit, reached by a call whose inputs and output do not fit together,
 * is a clear error too, never the engine's bare `Memory.grow()` failure.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../src/backend/backend.js";
import { withBackend } from "../src/backend/current.js";
import { reference } from "../src/backend/reference.js";
import { wasm } from "../src/backend/wasm/index.js";
import { Arena } from "../src/backend/wasm/memory.js";
import { wasmStats } from "../src/backend/wasm/runtime.js";
import { add, bernoulli, broadcastTo, fill, fromArray, matmul, ones, pad, randn, reshape, rng, toArray, truncatedNormal, uniform, zeros } from "../src/index.js";

const backends: [string, Backend][] = [
  ["reference", reference],
  ["wasm", wasm],
];

describe.each(backends)("sizes beyond what the %s backend holds", (_name, backend) => {
  const run = <T>(f: () => T): T => withBackend(backend, f);
  const limit = /, more than a JavaScript typed array can hold \(2\^32 elements\)$/;

  it("creation names the function and its 'shape' argument", () => {
    expect(() => run(() => zeros([1e6, 1e6]))).toThrow(/^zeros: argument 'shape' \[1000000, 1000000\] has 1000000000000 elements \(3\.6 TiB as float32\), /);
    expect(() => run(() => zeros([1e6, 1e6]))).toThrow(limit);
    expect(() => run(() => ones([2 ** 40, 2 ** 20], { dtype: "float64" }))).toThrow(/^ones: argument 'shape' \[1099511627776, 1048576\] has 1152921504606847000 elements \(8\.0 EiB as float64\)/);
    expect(() => run(() => fill([1e5, 1e5], 2))).toThrow(/^fill: argument 'shape' \[100000, 100000\] has 10000000000 elements/);
    expect(() => run(() => randn(rng(0), [1e5, 1e5]))).toThrow(/^randn: argument 'shape' \[100000, 100000\] has 10000000000 elements \(37\.3 GiB as float32\)/);
    expect(() => run(() => uniform(rng(0), [1e5, 1e5]))).toThrow(/^uniform: argument 'shape'/);
    expect(() => run(() => truncatedNormal(rng(0), [1e5, 1e5]))).toThrow(/^truncatedNormal: argument 'shape'/);
    expect(() => run(() => bernoulli(rng(0), [1e5, 1e5], 0.5))).toThrow(/^bernoulli: argument 'shape'/);
  });

  it("an op whose result would be too large names the op and the result's shape", () => {
    expect(() => run(() => matmul(zeros([1e5, 1]), zeros([1, 1e5])))).toThrow(/^matmul: the result \[100000, 100000\] would have 10000000000 elements \(37\.3 GiB as float32\), /);
    expect(() => run(() => matmul(zeros([1e5, 1]), zeros([1, 1e5])))).toThrow(limit);
    expect(() => run(() => add(zeros([1e5, 1]), zeros([1, 1e5], { dtype: "float64" })))).toThrow(/^add: the result \[100000, 100000\] would have 10000000000 elements \(74\.5 GiB as float64\)/);
    expect(() => run(() => broadcastTo(zeros([1]), [1e6, 1e6]))).toThrow(/^broadcastTo: the result \[1000000, 1000000\]/);
    expect(() => run(() => pad(zeros([2]), 0, 1e10, 0))).toThrow(/^pad: the result \[10000000002\]/);
  });

  it("zero-sized and ordinary tensors are unaffected", () => {
    expect(run(() => reshape(zeros([0]), [1e10, 0])).shape).toEqual([1e10, 0]);
    expect(run(() => toArray(add(ones([2]), 1)))).toEqual([2, 2]);
    expect(run(() => toArray(fromArray([2], [1, 2])))).toEqual([1, 2]);
  });
});

describe("the wasm backend's memory limit (4 GiB)", () => {
  it("a tensor the wasm backend cannot hold is refused before memory grows", () => {
    expect(wasm.maxBytes).toBeGreaterThan(3.5 * 2 ** 30);
    expect(wasm.maxBytes).toBeLessThan(4 * 2 ** 30);
    const before = wasmStats().memoryBytes;
    expect(() => withBackend(wasm, () => zeros([2 ** 30]))).toThrow(
      /^zeros: argument 'shape' \[1073741824\] has 1073741824 elements \(4\.0 GiB as float32\), more than one tensor of the wasm backend can hold \(3\.9 GiB\)$/,
    );
    expect(() => withBackend(wasm, () => matmul(zeros([2 ** 15, 1]), zeros([1, 2 ** 15])))).toThrow(
      /^matmul: the result \[32768, 32768\] would have 1073741824 elements \(4\.0 GiB as float32\), more than one tensor of the wasm backend can hold/,
    );
    expect(wasmStats().memoryBytes).toBe(before);
  });

  it("near 4 GiB, memory grows to what is needed and no further than the limit", () => {
    const grown: number[] = [];
    let size = 1 << 20;
    const memory = {
      get buffer(): ArrayBuffer {
        // a real buffer for the arena's views, then one that only reports its size
        return (size === 1 << 20 ? new ArrayBuffer(size) : { byteLength: size }) as ArrayBuffer;
      },
      grow(pages: number): number {
        grown.push(pages);
        throw new RangeError("stop");
      },
    };
    const arena = new Arena(memory, 0, 1 << 20);
    size = 4 * 2 ** 30 - 10 * 65536; // 10 pages short of 4 GiB
    expect(() => arena.ensure(size + 3 * 65536)).toThrow(/engine says: stop/);
    size = 1 << 21; // small: grows by its own size at least
    expect(() => arena.ensure(size + 1)).toThrow(/engine says: stop/);
    expect(grown).toEqual([10, 32]);
  });

  it("a call whose inputs and output cannot fit together is a clear error, not Memory.grow()'s", () => {
    const memory = {
      buffer: new ArrayBuffer(1 << 20),
      grow(): number {
        throw new RangeError("WebAssembly.Memory.grow(): Maximum memory size exceeded");
      },
    };
    const arena = new Arena(memory, 0, 1 << 20);
    expect(() => arena.ensure(5 * 2 ** 30)).toThrow(
      /^wasm backend: out of memory: one kernel call needs 5\.0 GiB of WebAssembly memory for its inputs and output, more than it can grow to \(4 GiB at most; the engine says: WebAssembly\.Memory\.grow\(\): Maximum memory size exceeded\)$/,
    );
  });
});
