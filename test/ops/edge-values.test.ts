/**
 * Ops at the values where their code switches branch or where a careless form loses digits: the
 * two halves of erf, sigmoid's far tail, signed zeros in minimum/maximum (the same on both
 * backends), comparisons at ties against their references, dtype promotion of mixed operands,
 * and the default axis of the softmaxes and keepDims of logSumExp.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { setBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { wasm } from "../../src/backend/wasm/index.js";
import {
  broadcastTo,
  concat,
  erf,
  grad,
  gt,
  logSoftmax,
  logSumExp,
  maximum,
  minimum,
  mul,
  permute,
  reluGrad,
  ShapeError,
  sigmoid,
  softmax,
  sum,
  type Tensor,
  tensor,
  toArray,
  where,
} from "../../src/index.js";
import { eqDef } from "../../src/ops/eq.js";
import { erfcScalar } from "../../src/ops/erf.js";
import { gtDef } from "../../src/ops/gt.js";
import { ltDef } from "../../src/ops/lt.js";
import { maximumDef } from "../../src/ops/maximum.js";
import { minimumDef } from "../../src/ops/minimum.js";
import { reluGradDef } from "../../src/ops/reluGrad.js";
import { softmaxReference } from "../../src/ops/softmax.js";
import type { OpDef } from "../../src/ops/spec.js";

const f64 = { dtype: "float64" } as const;
const flat = (t: Tensor): number[] => (toArray(t) as number[]).flat(4) as number[];

let restore: Backend | undefined;
afterEach(() => {
  if (restore !== undefined) setBackend(restore);
  restore = undefined;
});

describe("erf", () => {
  it("is correctly rounded at |x| = 2, where the continued fraction takes over from the series", () => {
    // erf(2) = 0.99532226501895273416…: the series gives 0.9953222650189525 there (2 ulps low)
    expect(flat(erf(tensor([2, -2], f64)))).toEqual([0.9953222650189527, -0.9953222650189527]);
    // erf(1.9) = 0.99279042923525747…: the series, within the 4 ulps the kernel declares
    expect(Math.abs((flat(erf(tensor([1.9], f64)))[0] as number) - 0.9927904292352575)).toBeLessThanOrEqual(4 * 2 ** -53);
  });

  it("is exactly ±1 far out, and +0 at 0", () => {
    expect(flat(erf(tensor([6, 20, 27, -20], f64)))).toEqual([1, 1, 1, -1]);
    expect(Object.is(flat(erf(tensor([0], f64)))[0], 0)).toBe(true);
  });

  it("erfc keeps its tiny tail (no 1 - erf cancellation) and is 2 - erfc(|x|) for x < 0", () => {
    // erfc(2) = 0.0046777349810472658…, erfc(6) = 2.1519736712498913e-17
    expect(erfcScalar(2)).toBe(0.004677734981047266);
    expect(Math.abs(erfcScalar(6) / 2.1519736712498913e-17 - 1)).toBeLessThan(1e-13);
    expect(erfcScalar(-6)).toBe(2);
    expect(erfcScalar(0)).toBe(1);
  });
});

describe("sigmoid", () => {
  it("keeps its far negative tail in float64 (e^x / (1 + e^x), not 1 / (1 + e^-x) = 1 / ∞)", () => {
    const [a, b, c] = flat(sigmoid(tensor([-720, -40, 0], f64)));
    expect(Math.abs((a as number) / Math.exp(-720) - 1)).toBeLessThan(1e-12);
    expect(Math.abs((b as number) / Math.exp(-40) - 1)).toBeLessThan(1e-12);
    expect(c).toBe(0.5);
  });
});

describe("minimum and maximum", () => {
  const a = [-0, 0, 0, -0, 1, Number.NaN, 2];
  const b = [0, -0, 0, -0, Number.NaN, 1, 2];
  const signs = (xs: number[]): string[] => xs.map((v) => (Object.is(v, -0) ? "-0" : String(v)));

  it.each([
    ["reference", reference],
    ["wasm", wasm],
  ] as const)("treat signed zeros and NaN as Math.min and Math.max, in both dtypes (%s)", (_name, backend) => {
    restore = setBackend(backend);
    for (const dtype of ["float32", "float64"] as const) {
      const [x, y] = [tensor(a, { dtype }), tensor(b, { dtype })];
      expect(signs(flat(minimum(x, y)))).toEqual(signs(a.map((v, i) => Math.min(v, b[i] as number))));
      expect(signs(flat(maximum(x, y)))).toEqual(signs(a.map((v, i) => Math.max(v, b[i] as number))));
    }
  });
});

describe("reluGrad", () => {
  // ct with signed zeros, NaN and infinities, against masks on both sides of 0 (NaN, ±0, ±∞ too)
  const ct = [-0, 0, Number.NaN, Number.POSITIVE_INFINITY, -2.5, 3, -0, Number.NEGATIVE_INFINITY, 1.5, -7, 0.25];
  const x = [1, 2, 3, 4, 5, 0, -0, Number.NaN, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const bits = (xs: number[]): string[] => xs.map((v) => (Object.is(v, -0) ? "-0" : String(v)));

  it.each([
    ["reference", reference],
    ["wasm", wasm],
  ] as const)("gives the bits of where(gt(x, 0), ct, 0) in both dtypes, broadcast too (%s)", (_name, backend) => {
    restore = setBackend(backend);
    for (const dtype of ["float32", "float64"] as const) {
      const [c, m] = [tensor(ct, { dtype }), tensor(x, { dtype })];
      expect(bits(flat(reluGrad(c, m)))).toEqual(bits(flat(where(gt(m, 0), c, 0))));
      expect(bits(flat(reluGrad(c, m)))).toEqual(bits(ct.map((v, i) => ((x[i] as number) > 0 ? v : 0))));
      // a row of masks against a column of cotangents (the SIMD body and the scalar tail both run)
      const col = tensor(
        ct.map((v) => [v]),
        { dtype },
      );
      const row = tensor([x], { dtype });
      expect(bits(flat(reluGrad(col, row)))).toEqual(bits(flat(where(gt(row, 0), col, 0))));
    }
  });

  it("its reference (the laws' oracle) gives 0 at x = ±0 too, as the kernel", () => {
    const want = reluGradDef.spec.reference(
      [
        { shape: [11], data: ct },
        { shape: [11], data: x },
      ],
      undefined,
    );
    expect(bits(want.data as number[])).toEqual(bits(ct.map((v, i) => ((x[i] as number) > 0 ? v : 0))));
    expect(bits(want.data as number[])).toEqual(bits(flat(reluGrad(tensor(ct, f64), tensor(x, f64)))));
  });
});

describe("comparisons and selections at ties", () => {
  const ties = [-1.25, 0, 0.75, 3];
  const others = [-1.25, 1, 0.75, -3];
  it.each([gtDef, ltDef, eqDef, minimumDef, maximumDef].map((d) => [d.name, d] as const))("%s agrees with its reference where a = b", (_name, def) => {
    const d = def as OpDef<void>;
    const xs = [tensor(ties, f64), tensor(others, f64)];
    const want = d.spec.reference(
      xs.map((x) => ({ shape: [4], data: flat(x) })),
      undefined,
    );
    expect(flat(d.spec.call(xs, undefined))).toEqual(want.data);
  });

  it("a tie is not greater, not less, and equal", () => {
    const x = tensor([2, -1], f64);
    expect(flat(gtDef.spec.call([x, x], undefined))).toEqual([0, 0]);
    expect(
      gtDef.spec.reference(
        [
          { shape: [2], data: [2, -1] },
          { shape: [2], data: [2, -1] },
        ],
        undefined,
      ).data,
    ).toEqual([0, 0]);
  });
});

describe("mixed dtypes", () => {
  it("concat promotes every part to float64 when one is, wherever it sits", () => {
    const a = tensor([0.1]);
    const b = tensor([0.1], f64);
    for (const parts of [
      [a, b],
      [b, a],
      [a, a, b],
    ]) {
      const out = concat(parts, 0);
      expect(out.dtype).toBe("float64");
      expect(flat(out).filter((v) => v === 0.1).length).toBe(1);
    }
    expect(concat([a, a], 0).dtype).toBe("float32");
  });

  it("where makes a plain-number branch in the dtype of the tensor branch, not of cond", () => {
    const cond = tensor([1, 0]);
    const out = where(cond, 0.1, tensor([2, 3], f64));
    expect(out.dtype).toBe("float64");
    expect(flat(out)).toEqual([0.1, 3]);
    expect(flat(where(cond, tensor([2, 3], f64), 0.1))).toEqual([2, 0.1]);
  });
});

describe("axes by default and negative axes", () => {
  it("softmax and logSoftmax run along the last axis by default", () => {
    expect(flat(softmax(tensor([0, 0], f64)))).toEqual([0.5, 0.5]);
    expect(flat(logSoftmax(tensor([0, 0], f64)))).toEqual([Math.log(0.5), Math.log(0.5)]);
    const x = tensor(
      [
        [
          [1, 2],
          [3, 5],
        ],
      ],
      f64,
    );
    expect(flat(softmax(x))).toEqual(flat(softmax(x, 2)));
    expect(flat(logSoftmax(x))).toEqual(flat(logSoftmax(x, 2)));
  });

  it("logSumExp drops the reduced axis unless asked to keep it", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(logSumExp(x, 1).shape).toEqual([2]);
    expect(logSumExp(x, 1, true).shape).toEqual([2, 1]);
    expect(logSumExp(x).shape).toEqual([]);
  });

  it("permute's gradient with negative axes is the cotangent permuted back", () => {
    const w = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      f64,
    );
    const x = tensor(
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      f64,
    );
    const g = grad((v: Tensor<[3, 2]>) => sum(mul(permute(v, [-1, 0]), w)))(x);
    expect(toArray(g)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });
});

describe("the softmax reference", () => {
  it("shifts by each line's maximum, so huge logits stay finite", () => {
    expect(softmaxReference({ shape: [2], data: [1000, 0] }, 0, false).data).toEqual([1, 0]);
    expect(softmaxReference({ shape: [2], data: [0, 1000] }, 0, true).data).toEqual([-1000, 0]);
    expect(softmaxReference({ shape: [2, 2], data: [1000, 0, 0, 1000] }, 1, false).data).toEqual([1, 0, 0, 1]);
  });
});

describe("broadcastTo", () => {
  it("refuses a target the shape cannot broadcast to, naming itself", () => {
    expect(() => broadcastTo(tensor([1, 2, 3]), [2, 2] as never)).toThrow(ShapeError);
  });
});
