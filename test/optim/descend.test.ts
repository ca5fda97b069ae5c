/**
 * The optimizers' fused update `w − α·u` (`src/optim/descend.ts`, the backends' `sgdUpdate`): bit
 * for bit the two ops it replaces on every CPU backend, both dtypes, empty to split-sized
 * tensors, odd rates, and `sub(w, u)` at α = 1 (one kernel without `sgdUpdate`); every optimizer
 * ends with it; its pullback that of the two ops; and the backends' kernels agree with the
 * reference's (the oracle). The WebGPU backend, which has no `sgdUpdate`, runs the two-kernel
 * fallback in its agreement tests (`test/backend/webgpu/agree.ts` trains with `gd`).
 */
import { describe, expect, test } from "vitest";
import { vjp } from "../../src/autodiff/vjp.js";
import type { Backend, DType, Storage } from "../../src/backend/backend.js";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { configureWasm, wasm } from "../../src/backend/wasm/index.js";
import { mul } from "../../src/ops/mul.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { descend } from "../../src/optim/descend.js";
import { adam, gd, momentum, nesterov, type Optimizer, rmsprop } from "../../src/optim/index.js";
import { fromArray, toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const bytes = (a: Float32Array | Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

/** Values spread over many binades, with zeros, a negative zero and huge ones (products that overflow). */
const values = (n: number, seed: number): number[] => {
  const g = rng(seed);
  return Array.from({ length: n }, (_, i) => (i % 97 === 5 ? 0 : i % 89 === 7 ? -0 : i % 101 === 3 ? 3e38 : (g.uniform() - 0.5) * 2 ** Math.floor(g.uniform() * 40 - 20)));
};

const RATES = [0.1, 1e-3, 0.05, 1 / 3, 7.3e-7, -0.25, 0, 1e10];
const SIZES = [0, 1, 3, 16, 17, 129, 70_001];
const BACKENDS: [string, Backend][] = [
  ["reference", reference],
  ["wasm", wasm],
];

describe("descend(w, u, α)", () => {
  for (const [name, be] of BACKENDS)
    for (const dtype of ["float32", "float64"] as DType[])
      test(`${name}, ${dtype}: the bytes of sub(w, mul(u, α)) for every size and rate`, () =>
        withBackend(be, () => {
          for (const n of SIZES) {
            const w = fromArray([n], values(n, 1), { dtype });
            const u = fromArray([n], values(n, 2), { dtype });
            for (const a of RATES) {
              const got = toFlat(descend(w, u, a));
              const want = toFlat(sub(w, mul(u, a)));
              if (bytes(got) !== bytes(want)) expect.fail(`${name} ${dtype} n=${n} α=${a}: descend differs from sub(w, mul(u, α))`);
            }
          }
        }));

  for (const [name, be] of BACKENDS)
    test(`${name} without sgdUpdate (as WebGPU): the bytes of sub(w, mul(u, α)) from the two kernels, the scaled temporary given back`, () => {
      // (the reference backend has no release: its memory is garbage-collected)
      const released: unknown[] = [];
      const release = be.release?.bind(be);
      const withoutSgd = Object.create(be, {
        sgdUpdate: { value: undefined },
        release: {
          value:
            release === undefined
              ? undefined
              : (s: Storage) => {
                  released.push(s);
                  release(s);
                },
        },
      }) as Backend;
      withBackend(withoutSgd, () => {
        for (const dtype of ["float32", "float64"] as DType[])
          for (const n of [0, 1, 17, 129]) {
            const w = fromArray([n], values(n, 13), { dtype });
            const u = fromArray([n], values(n, 14), { dtype });
            for (const a of RATES) {
              released.length = 0;
              const got = descend(w, u, a);
              expect(released.length, `one temporary for α=${a}`).toBe(a === 1 || release === undefined ? 0 : 1);
              if (bytes(toFlat(got)) !== bytes(toFlat(sub(w, mul(u, a))))) expect.fail(`${name} without sgdUpdate ${dtype} n=${n} α=${a}: descend differs from sub(w, mul(u, α))`);
            }
          }
      });
    });

  for (const [name, be] of BACKENDS)
    test(`${name}: α = 1 is sub(w, u) bit for bit, with the backend's sgdUpdate and without it (then one kernel)`, () => {
      const withoutSgd = Object.create(be, { sgdUpdate: { value: undefined } }) as Backend;
      for (const b of [be, withoutSgd])
        withBackend(b, () => {
          for (const dtype of ["float32", "float64"] as DType[])
            for (const n of SIZES) {
              const w = fromArray([n], values(n, 11), { dtype });
              const u = fromArray([n], values(n, 12), { dtype });
              if (bytes(toFlat(descend(w, u, 1))) !== bytes(toFlat(sub(w, u)))) expect.fail(`${name}${b === be ? "" : " without sgdUpdate"} ${dtype} n=${n}: descend(w, u, 1) differs from sub(w, u)`);
            }
        });
      let calls = 0;
      const counting = Object.create(withoutSgd, {
        binary: {
          value(this: Backend, ...a: Parameters<Backend["binary"]>) {
            calls++;
            return be.binary.apply(this, a);
          },
        },
      }) as Backend;
      withBackend(counting, () => {
        const w = fromArray([5], [1, 2, 3, 4, 5]);
        const u = fromArray([5], [5, 4, 3, 2, 1]);
        calls = 0;
        toFlat(descend(w, u, 1));
        expect(calls).toBe(1);
      });
    });

  test("with splitElementwise on (the one-pass kernel stays whole, the two ops split) the bytes are the same", () => {
    const prev = configureWasm({ splitElementwise: true });
    try {
      withBackend(wasm, () => {
        const w = fromArray([3, 70_001], values(210_003, 3));
        const u = fromArray([3, 70_001], values(210_003, 4));
        expect(bytes(toFlat(descend(w, u, 0.01)))).toBe(bytes(toFlat(sub(w, mul(u, 0.01)))));
      });
    } finally {
      configureWasm(prev);
    }
  });

  test("the WASM backend's sgdUpdate agrees with the reference's, byte for byte", () => {
    for (const dtype of ["float32", "float64"] as DType[]) {
      const w = values(1000, 5);
      const g = values(1000, 6);
      const ours = wasm.read(wasm.sgdUpdate?.(wasm.fromArray(dtype, w), wasm.fromArray(dtype, g), 0.07) as never);
      const oracle = reference.read(reference.sgdUpdate?.(reference.fromArray(dtype, w), reference.fromArray(dtype, g), 0.07) as never);
      expect(bytes(ours)).toBe(bytes(oracle));
    }
  });

  test("the WASM backend's sgdUpdate refuses storages of different lengths or dtypes, naming both", () => {
    expect(() => wasm.sgdUpdate?.(wasm.fromArray("float32", [1, 2]), wasm.fromArray("float32", [1]), 0.1)).toThrow(
      "wasm backend sgdUpdate: arguments 'w' and 'g' must have one dtype and length, got float32 × 2 and float32 × 1",
    );
    expect(() => wasm.sgdUpdate?.(wasm.fromArray("float32", [1]), wasm.fromArray("float64", [1]), 0.1)).toThrow("got float32 × 1 and float64 × 1");
  });

  test("its pullback is that of sub(w, mul(u, α)): ct for w, −α·ct for u", () => {
    const w = fromArray([2, 3], [1, 2, 3, 4, 5, 6], { dtype: "float64" });
    const u = fromArray([2, 3], [0.5, -1, 2, 0, 3, -2], { dtype: "float64" });
    const ct = fromArray([2, 3], [1, -2, 0.5, 3, 0, 1], { dtype: "float64" });
    const [, fused] = vjp((p: { w: Tensor; u: Tensor }) => descend(p.w, p.u, 0.3), { w, u });
    const [, plain] = vjp((p: { w: Tensor; u: Tensor }) => sub(p.w, mul(p.u, 0.3)), { w, u });
    const f = fused(ct);
    const q = plain(ct);
    expect(toFlat(f.w)).toEqual(toFlat(q.w));
    expect(toFlat(f.u)).toEqual(toFlat(q.u));
    expect(Array.from(toFlat(f.u))).toEqual([1, -2, 0.5, 3, 0, 1].map((c) => c * -0.3));
  });

  test("through a step: d/du of Σ(w − α·u) is −α", () => {
    const w = fromArray([3], [1, 2, 3], { dtype: "float64" });
    const u = fromArray([3], [0.5, 1, 2], { dtype: "float64" });
    const [, back] = vjp((b: Tensor) => sum(descend(w, b, 2)), u);
    expect(Array.from(toFlat(back(fromArray([], [1], { dtype: "float64" }))))).toEqual([-2, -2, -2]);
  });

  test("a mismatch of shape or dtype falls back to the two ops (broadcasting, promotion)", () => {
    // one rank and dtype, another size: broadcast
    const rows = fromArray([2, 2], [1, 2, 3, 4]);
    expect(Array.from(toFlat(descend(rows, fromArray([1, 2], [2, 4]), 0.5)))).toEqual([0, 0, 2, 2]);
    // one dtype, the update of a higher rank whose trailing sizes match: broadcast
    const wide = descend(fromArray([2], [1, 2]), rows, 0.5);
    expect(wide.shape).toEqual([2, 2]);
    expect(Array.from(toFlat(wide))).toEqual([0.5, 1, -0.5, 0]);
    // one shape, another dtype: promoted
    const promoted = descend(fromArray([2], [1, 2]), fromArray([2], [0.1, 0.2], { dtype: "float64" }), 1);
    expect(promoted.dtype).toBe("float64");
    expect(Array.from(toFlat(promoted))).toEqual([1 - 0.1, 2 - 0.2]);
    const w = fromArray([2, 2], [1, 2, 3, 4]);
    const u = fromArray([2], [1, 2], { dtype: "float64" });
    const got = descend(w, u, 0.5);
    expect(got.dtype).toBe("float64");
    expect(Array.from(toFlat(got))).toEqual([0.5, 1, 2.5, 3]);
  });
});

describe("the optimizers through descend", () => {
  const opts: [string, Optimizer][] = [
    ["gd", gd(0.05)],
    ["momentum", momentum(0.05, 0.9)],
    ["nesterov", nesterov(0.05, 0.9)],
    ["rmsprop", rmsprop(0.05)],
    ["adam", adam(0.05)],
  ];
  test("each ends with one sgdUpdate per parameter (so its new parameters carry the probe fit reads)", () => {
    let calls = 0;
    const counting = Object.create(wasm, {
      sgdUpdate: {
        value(this: Backend, ...a: Parameters<NonNullable<Backend["sgdUpdate"]>>) {
          calls++;
          return (wasm.sgdUpdate as NonNullable<Backend["sgdUpdate"]>).apply(this, a);
        },
      },
    }) as Backend;
    withBackend(counting, () => {
      for (const [name, o] of opts) {
        const p = { W: fromArray([4, 3], values(12, 7)), b: fromArray([3], values(3, 8)) };
        calls = 0;
        o.step(p, { W: fromArray([4, 3], values(12, 9)), b: fromArray([3], values(3, 10)) }, o.init(p));
        expect(calls, name).toBe(2);
      }
    });
  });
  for (const [name, be] of BACKENDS)
    test(`${name}: three steps give the same parameters on the reference and this backend`, () => {
      for (const [opt, o] of opts) {
        const run = (b: Backend) =>
          withBackend(b, () => {
            let p = { W: fromArray([40, 30], values(1200, 7)), b: fromArray([30], values(30, 8)) };
            let s = o.init(p);
            for (let t = 0; t < 3; t++) [p, s] = o.step(p, { W: fromArray([40, 30], values(1200, 9 + t)), b: fromArray([30], values(30, 20 + t)) }, s);
            return bytes(toFlat(p.W)) + bytes(toFlat(p.b));
          });
        expect(run(be), `${opt} on ${name}`).toBe(run(reference));
      }
    });
});
