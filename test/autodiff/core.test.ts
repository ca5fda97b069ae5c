/**
 * The autodiff core's `bind` at two documented edges: a non-differentiable primitive's output is
 * never traced (it records no node, even inside a differentiation), and inputs held by different
 * backends are brought to the first input's backend before the kernel runs.
 */
import { describe, expect, it } from "vitest";
import { nodeOf } from "../../src/autodiff/core.js";
import type { Backend } from "../../src/backend/backend.js";
import { add, argmax, grad, gt, mul, reference, reshape, sum, type Tensor, tensor, toArray, vjp, wasm, withBackend } from "../../src/index.js";
import { storageOf } from "../../src/tensor/tensor.js";

/** A stand-in for a device backend (WebGPU): the reference backend with an asynchronous read. */
const device = (name: string): Backend =>
  Object.assign(Object.create(reference) as Backend, {
    name,
    readAsync: (s: Parameters<Backend["read"]>[0]) => Promise.resolve(reference.read.call(s.backend, s)),
  });

describe("bind", () => {
  it("records no node for a comparison or argmax under a trace, and one for a differentiable op", () => {
    const seen: (ReturnType<typeof nodeOf> | undefined)[] = [];
    vjp(
      (x: Tensor<[3]>) => {
        const m = gt(x, 0);
        const i = argmax(x, 0);
        const y = mul(x, m);
        seen.push(nodeOf(m), nodeOf(i), nodeOf(y));
        return sum(y);
      },
      tensor([-1, 2, 3]),
    );
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toBeUndefined();
    expect(seen[2]?.prim.name).toBe("mul");
  });
  it("computes with inputs held by different backends, on the first input's backend", () => {
    const a = withBackend(wasm, () => tensor([1, 2, 3]));
    const b = withBackend(reference, () => tensor([10, 20, 30]));
    expect(toArray(add(a, b))).toEqual([11, 22, 33]);
    expect(toArray(add(b, a))).toEqual([11, 22, 33]);
  });
  it("a value of a differentiation that has returned is a plain value: ops on it record nothing", () => {
    let inside: Tensor | undefined;
    vjp(
      (x: Tensor<[2]>) => {
        inside = mul(x, x);
        return sum(inside);
      },
      tensor([1, 2]),
    );
    expect(nodeOf(inside as Tensor)).toBeDefined();
    const after = mul(inside as Tensor, 2);
    expect(after.impl.kind).toBe("concrete");
    expect(nodeOf(after)).toBeUndefined();
    expect(toArray(after)).toEqual([2, 8]);
  });
  it("copies only the inputs held elsewhere, once each, and computes on the copies", () => {
    const copied: number[] = [];
    const counting = Object.assign(Object.create(reference) as Backend, {
      name: "counting",
      fromArray(this: Backend, dtype: Parameters<Backend["fromArray"]>[0], data: Parameters<Backend["fromArray"]>[1]) {
        copied.push(data.length);
        return reference.fromArray.call(this, dtype, data);
      },
    });
    const here = withBackend(counting, () => tensor([1, 2, 3]));
    const there = withBackend(wasm, () => tensor([10, 20, 30, 40, 50, 60]));
    copied.length = 0;
    const out = mul(here, reshape(there, [2, 3]));
    expect(storageOf(out).backend).toBe(counting);
    expect(copied).toEqual([6]);
    expect(toArray(out)).toEqual([
      [10, 40, 90],
      [40, 100, 180],
    ]);
  });
  it("runs on the device backend when an input lives there, wherever it is; two device backends are an error naming the op", () => {
    const gpu = device("gpu");
    const cpu = withBackend(reference, () => tensor([1, 2, 3]));
    const onGpu = withBackend(gpu, () => tensor([10, 20, 30]));
    for (const out of [add(cpu, onGpu), add(onGpu, cpu)]) {
      expect(storageOf(out).backend).toBe(gpu);
      expect(toArray(out)).toEqual([11, 22, 33]);
    }
    expect(storageOf(add(onGpu, onGpu)).backend).toBe(gpu);
    expect(storageOf(add(cpu, cpu)).backend).toBe(reference);
    const other = withBackend(device("gpu2"), () => tensor([1, 1, 1]));
    expect(() => mul(onGpu, other)).toThrow(
      new Error(
        "mul: input 1 lives on the 'gpu2' backend and an earlier one on 'gpu'; a device tensor reads back only asynchronously, so move one with 'fromArray(t.shape, await toFlatAsync(t))' under the other backend",
      ),
    );
  });
  it("records an op at the innermost trace among its inputs, whichever input comes first", () => {
    // d/dx Σ ∂/∂y Σ x·y² at y = x: ∂/∂y = 2x·y = 2x², whose gradient is 4x
    const g = grad((x: Tensor<[2]>) => sum(grad((y: Tensor<[2]>) => sum(mul(x, mul(y, y))))(x)))(tensor([1.5, -2]));
    expect(toArray(g)).toEqual([6, -8]);
    const h = grad((x: Tensor<[2]>) => sum(grad((y: Tensor<[2]>) => sum(mul(mul(y, y), x)))(x)))(tensor([1.5, -2]));
    expect(toArray(h)).toEqual([6, -8]);
  });
});
