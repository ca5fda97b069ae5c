/**
 * `scan` and `scanTree` refusing what they cannot run, each message in full (the function, the
 * argument, the step and what was expected), next to the nearest call that runs.
 */
import { describe, expect, it } from "vitest";
import { type Step, scan, scanTree } from "../../src/autodiff/scan.js";
import type { Params } from "../../src/autodiff/tree.js";
import { grad } from "../../src/autodiff/vjp.js";
import { add } from "../../src/ops/add.js";
import { astype } from "../../src/ops/astype.js";
import { mul } from "../../src/ops/mul.js";
import { reshape } from "../../src/ops/reshape.js";
import { sum } from "../../src/ops/sum.js";
import { ones, toArray } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;
const xs = ones([3, 2], f64);
const h0 = ones([2], f64);
const acc = (h: Tensor<[2]>, x: Tensor<[2]>) => [add(h, x), h] as const;
const bad = (v: unknown): never => v as never;
/** scanTree with a step written without types (any carry, xs and params trees). */
const tree = (f: (c: Params, x: Params, p: Params) => unknown, init: Params, x: Params, params: Params = []) => scanTree("scan", f as Step, init, x, params, false);

describe("scan refuses", () => {
  it("arguments that are not a step, a time axis or options", () => {
    expect(() => scan(bad(1), h0, xs)).toThrow(new TypeError("scan: argument 'f' must be a function (carry, x, params) => [carry, y], got number 1"));
    expect(() => scan(acc, h0, bad([]))).toThrow(new TypeError("scan: argument 'xs' holds no tensor: there is nothing to scan over"));
    expect(() => scan(acc, h0, bad(ones([0, 2], f64)))).toThrow(new TypeError("scan: argument 'xs' has 0 steps: scan needs at least one"));
    expect(() => tree((c) => [c, c], h0, [xs, ones([4, 2], f64)])).toThrow(
      new TypeError("scan: argument 'xs': every tensor needs the same leading (time) axis; tensor 1 has shape [4, 2], tensor 0 has 3 steps"),
    );
    expect(() => tree((c) => [c, c], h0, [ones([], f64), xs])).toThrow(
      new TypeError("scan: argument 'xs': every tensor needs the same leading (time) axis; tensor 0 has shape [], tensor 0 has none steps"),
    );
    expect(() => scan(acc, h0, xs, bad(null))).toThrow(new TypeError("scan: argument 'opts' must be { params?, reverse? }, got null"));
    expect(() => scan(acc, h0, xs, bad(3))).toThrow("scan: argument 'opts' must be { params?, reverse? }, got number 3");
    expect(() => scan(acc, h0, xs, { reverse: bad("yes") })).toThrow(new TypeError("scan: option 'reverse' must be a boolean, got string yes"));
    expect(toArray(scan(acc, h0, xs, { reverse: true })[0])).toEqual([4, 4]);
    expect(() => scan(acc, bad("h"), xs)).toThrow(new TypeError("scan: the initial carry ('init') must be tensors, arrays or records of tensors; the argument is string h"));
    expect(() => scan(acc, h0, bad(3))).toThrow(new TypeError("scan: the scanned inputs ('xs') must be tensors, arrays or records of tensors; the argument is number 3"));
    expect(() => scan(acc, h0, xs, { params: bad([null]) })).toThrow(new TypeError("scan: 'params' must be tensors, arrays or records of tensors; '[0]' is null"));
  });
  it("a step that returns no pair, another carry, or ys that change shape", () => {
    expect(() =>
      scan(
        bad((h: Tensor) => [h]),
        h0,
        xs,
      ),
    ).toThrow(new TypeError("scan: f must return a pair [carry, y], got an array at step 0"));
    expect(() =>
      scan(
        bad((h: Tensor) => [h, h, h]),
        h0,
        xs,
      ),
    ).toThrow("scan: f must return a pair [carry, y], got an array at step 0");
    expect(() =>
      scan(
        bad(() => "h"),
        h0,
        xs,
      ),
    ).toThrow("scan: f must return a pair [carry, y], got string h at step 0");
    expect(() => tree((c) => [[c, c], c], h0, xs)).toThrow(new TypeError("scan: f returned a carry of 2 tensors at step 0, init has 1"));
    expect(() => tree((c) => [(c as Tensor[])[0], c], [h0, h0], xs)).toThrow("scan: f returned a carry of 1 tensors at step 0, init has 2");
    expect(() => scan((h: Tensor<[2]>, x: Tensor<[2]>) => [astype(add(h, x), "float32") as never, h] as const, h0, xs)).toThrow(
      new TypeError("scan: f returned carry tensor 0 of shape [2] (float32) at step 0, init's is [2] (float64): the carry must keep its type"),
    );
    expect(() => tree((c, _x, _p) => [c, [c, c]], [h0, h0], xs)).not.toThrow();
    expect(() => tree(() => ["h", h0], h0, xs)).toThrow(new TypeError("scan: the carry f returns must be tensors, arrays or records of tensors; the argument is string h"));
    expect(() => tree((c) => [c, { y: 2 }], h0, xs)).toThrow(new TypeError("scan: the outputs f returns must be tensors, arrays or records of tensors; 'y' is number 2"));
    // a carry of another rank or other sizes, where every size the two share agrees
    expect(() => tree(() => [ones([2], f64), h0], ones([2, 1], f64), xs)).toThrow(
      new TypeError("scan: f returned carry tensor 0 of shape [2] (float64) at step 0, init's is [2, 1] (float64): the carry must keep its type"),
    );
    expect(() => tree(() => [ones([2, 4], f64), h0], ones([2, 3], f64), xs)).toThrow("scan: f returned carry tensor 0 of shape [2, 4] (float64) at step 0, init's is [2, 3] (float64)");
    let t = 0;
    const grows = (c: Params) => [c, t++ === 0 ? c : reshape(c as Tensor<[2]>, [1, 2])];
    expect(() => tree(grows, h0, xs)).toThrow(new TypeError("scan: f returned outputs of shapes [1, 2] at step 1, [2] before: every step's y must have one shape"));
    let u = 0;
    const more = (c: Params) => [c, u++ === 0 ? [c] : [c, c]];
    expect(() => tree(more, h0, xs)).toThrow(new TypeError("scan: f returned outputs of shapes [2], [2] at step 1, [2] before: every step's y must have one shape"));
    // two outputs each step, only the second changing its shape
    let w = 0;
    const second = (c: Params) => [c, [c, w++ === 0 ? c : reshape(c as Tensor<[2]>, [1, 2])]];
    expect(() => tree(second, h0, xs)).toThrow(new TypeError("scan: f returned outputs of shapes [2], [1, 2] at step 1, [2], [2] before: every step's y must have one shape"));
    let v = 0;
    const later = (c: Params) => [c, v++ < 2 ? c : ones([3], f64)];
    expect(() => tree(later, h0, xs)).toThrow("scan: f returned outputs of shapes [3] at step 2, [2] before");
    expect(() =>
      scan(
        bad((h: Tensor) => [h, [h]]),
        h0,
        xs,
      ),
    ).toThrow(new TypeError("scan: f must return [carry, y] with y a Tensor"));
  });
  it("a differentiated tensor that f reads without receiving it, even when f's other outputs are not traced", () => {
    const w = ones([2], f64);
    expect(() => grad((v: Tensor<[2]>) => sum(scan((h: Tensor<[2]>, x: Tensor<[2]>) => [mul(add(h, x), v), x] as const, h0, xs)[0]))(w)).toThrow(
      /^scan: f uses a tensor that is being differentiated without receiving it: pass the tensors f reads through the 'params' option/,
    );
  });
  it("mixed dtypes under differentiation, naming both", () => {
    const f = (h: Tensor<[2]>) => sum(scan(acc, h, ones([3, 2]) as never)[0]);
    expect(() => grad(f)(h0)).toThrow(new TypeError("scan: init, xs and params must share one dtype, got float64 and float32"));
    expect(toArray(grad((h: Tensor<[2]>) => sum(scan(acc, h, xs)[0]))(h0))).toEqual([1, 1]);
  });
});
