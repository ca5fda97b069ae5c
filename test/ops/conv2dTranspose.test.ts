/**
 * conv2dTranspose beyond its registry laws (src/ops/conv2dTranspose.ts): refusals naming the op
 * and the argument; its reference (the defining scatter-sum the forward law compares with) agrees
 * with the op where windows cross the output's edges (explicit padding, "same", strides,
 * dilations); the sampler keeps explicit padding within d(k − 1)/2 and reaches that bound.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { conv2dTranspose, fromArray, type Tensor, toFlat, zeros } from "../../src/index.js";
import { conv2dTransposeDef } from "../../src/ops/conv2dTranspose.js";
import { domains } from "../../src/ops/spec.js";
import { conv2dTranspose as rule } from "../../src/shape/conv.js";
import { rng } from "../../src/tensor/random.js";

const bad = (v: unknown): never => v as never;
const anyConvT = conv2dTranspose as unknown as (x: Tensor, w: Tensor, o?: object) => Tensor;

describe("conv2dTranspose refusals", () => {
  it("names the argument that is no tensor", () => {
    expect(() => anyConvT(bad({}), zeros([1, 1, 1, 1]) as Tensor)).toThrow(new TypeError("conv2dTranspose: argument 'x' must be a Tensor, got a Object"));
    expect(() => anyConvT(zeros([1, 2, 2, 1]) as Tensor, bad(null))).toThrow(new TypeError("conv2dTranspose: argument 'kernel' must be a Tensor, got null"));
  });
});

describe("the conv2dTranspose reference", () => {
  it("equals the op where windows cross the edges: explicit padding, same, strides and dilations", () => {
    const r = rng(17);
    const data = (shape: number[]): number[] => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round(r.uniform() * 8 - 4));
    const cases: [number[], number[], { stride: [number, number]; dilation: [number, number]; padding: "valid" | "same" | number | [number, number] }][] = [
      [[2, 3, 4, 2], [3, 3, 2, 2], { stride: [1, 1], dilation: [1, 1], padding: 1 }],
      [[1, 3, 3, 1], [3, 2, 1, 1], { stride: [2, 1], dilation: [1, 1], padding: 1 }],
      [[1, 3, 2, 2], [3, 3, 3, 2], { stride: [2, 2], dilation: [1, 2], padding: "same" }],
      [[1, 2, 3, 1], [2, 3, 2, 1], { stride: [1, 2], dilation: [2, 1], padding: "same" }],
      [[2, 2, 2, 1], [3, 3, 1, 1], { stride: [2, 2], dilation: [2, 2], padding: 2 }],
      [[1, 2, 3, 2], [2, 2, 1, 2], { stride: [1, 1], dilation: [1, 1], padding: "valid" }],
      [[1, 3, 3, 1], [3, 3, 2, 1], { stride: [2, 1], dilation: [1, 1], padding: [1, 0] }],
      [[1, 2, 3, 1], [3, 3, 1, 1], { stride: [1, 1], dilation: [2, 1], padding: [0, 1] }],
    ];
    for (const [xs, ws, opts] of cases) {
      const [xd, wd] = [data(xs), data(ws)];
      const got = anyConvT(fromArray(xs, xd, { dtype: "float64" }) as Tensor, fromArray(ws, wd, { dtype: "float64" }) as Tensor, opts);
      const want = conv2dTransposeDef.spec.reference(
        [
          { shape: xs, data: xd },
          { shape: ws, data: wd },
        ],
        opts,
      );
      expect([opts, want.shape]).toEqual([opts, got.shape]);
      // small integers: every sum is exact
      expect([opts, want.data]).toEqual([opts, Array.from(toFlat(got))]);
    }
  });
});

describe("the conv2dTranspose error model", () => {
  it("counts kh·kw·C·(1 + kh·kw) terms: the gemm's C products carried into kh·kw window cells, and col2im's own roundings", () => {
    const c = {
      inputs: [
        { shape: [1, 2, 2, 5], domain: domains.real },
        { shape: [2, 3, 4, 5], domain: domains.real },
      ],
      params: { stride: [1, 1], dilation: [1, 1], padding: "valid" },
    } as const;
    expect(conv2dTransposeDef.spec.error?.terms?.(c)).toBe(2 * 3 * 5 * (1 + 2 * 3));
    expect(conv2dTransposeDef.spec.error?.magnitude).toBe(9);
  });
});

describe("the conv2dTranspose sampler", () => {
  it("draws valid cases with explicit padding at most floor(d(k − 1)/2) on each axis, and reaches that bound", () => {
    const g = seededGen(rng(12));
    const reached = new Set<string>();
    const allowed = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const c = conv2dTransposeDef.spec.sample(g);
      const [x, w] = c.inputs.map((input) => input.shape) as [number[], number[]];
      expect(() => rule(x, w, c.params)).not.toThrow();
      const { padding, dilation } = c.params;
      if (typeof padding !== "number") continue;
      const bound = Math.min(Math.floor((dilation[0] * ((w[0] as number) - 1)) / 2), Math.floor((dilation[1] * ((w[1] as number) - 1)) / 2), 1);
      expect(padding).toBeLessThanOrEqual(bound);
      const key = `${w[0]} ${w[1]} ${dilation.join(" ")}`;
      if (bound > 0) allowed.add(key);
      if (padding > 0) reached.add(key);
    }
    // d(k − 1) ≥ 2 on both axes: (k, d) in {(2, 2), (3, 1), (3, 2)} for each
    expect(allowed.size).toBe(9);
    expect([...reached].sort()).toEqual([...allowed].sort());
  });
});
