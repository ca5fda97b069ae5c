/**
 * The op builders (src/ops/builders.ts): the reductions' driver refuses bad arguments naming the
 * op; the reduction sampler reaches every axis form and both keepDims; the error model counts
 * the folded elements; the tie laws sit on the kink values and the kink law refuses a documented
 * derivative that leaves an input out.
 */
import { describe, expect, it } from "vitest";
import { runOpLaws } from "../../laws/checkOp.js";
import { seededGen } from "../../laws/gen.js";
import { max, tensor, toArray } from "../../src/index.js";
import { type ReduceParams, reducedLength, sampleReduce } from "../../src/ops/builders.js";
import { kinkDomain } from "../../src/ops/define.js";
import { registry } from "../../src/ops/registry.js";
import { type Case, domains, type Kinks, type OpDef } from "../../src/ops/spec.js";
import { sum } from "../../src/ops/sum.js";
import { rng } from "../../src/tensor/random.js";

const bad = (v: unknown): never => v as never;
const x = tensor([
  [1, 5, 2],
  [7, 0, 7],
]);

describe("the reductions' driver", () => {
  it("refuses a non-tensor and a non-number axis, naming the op", () => {
    // a first argument that is no tensor is the data-last form: the tensor comes next
    expect(() => sum(0)(bad("x"))).toThrow(new TypeError("sum: argument 'x' must be a Tensor, got string x"));
    expect(() => max(0)(bad(null))).toThrow(new TypeError("max: argument 'x' must be a Tensor, got null"));
    expect(() => sum(x, bad("1"))).toThrow(new TypeError("sum: argument 'axis' must be a number, got \"1\""));
    expect(() => max(x, bad([0]))).toThrow(new TypeError("max: argument 'axis' must be a number, got [0]"));
    expect(toArray(sum(x, 1))).toEqual([8, 14]);
    expect(toArray(max(x, -2, true))).toEqual([[7, 5, 7]]);
  });
});

describe("the reduction sampler and error model", () => {
  const c = (shape: number[], axis: number | undefined): Case<ReduceParams> => ({ inputs: [{ shape, domain: domains.real }], params: { axis, keepDims: false } });

  it("reducedLength: the reduced axis's length (negative axes from the end), or every element", () => {
    expect(reducedLength(c([2, 3, 5], undefined))).toBe(30);
    expect(reducedLength(c([2, 3, 5], 1))).toBe(3);
    expect(reducedLength(c([2, 3, 5], -1))).toBe(5);
    expect(reducedLength(c([2, 3, 5], -3))).toBe(2);
    expect(reducedLength(c([], undefined))).toBe(1);
  });

  it("sampleReduce reaches every element, every axis counted from either end, and both keepDims", () => {
    const g = seededGen(rng(3));
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const k = sampleReduce(g);
      const rank = (k.inputs[0]?.shape ?? []).length;
      expect(rank).toBeGreaterThanOrEqual(1);
      const { axis, keepDims } = k.params;
      if (axis !== undefined) expect(axis >= -rank && axis < rank).toBe(true);
      seen.add(`${rank} ${axis ?? "all"} ${keepDims}`);
    }
    for (const rank of [1, 2, 3])
      for (const axis of ["all", ...Array.from({ length: 2 * rank }, (_, i) => String(i - rank))]) for (const keep of [true, false]) expect(seen.has(`${rank} ${axis} ${keep}`)).toBe(true);
  });
});

describe("the tie and kink laws", () => {
  const g = seededGen(rng(4));
  const kinksOf = (def: OpDef<never>): Kinks<never> => def.spec.kinks as Kinks<never>;

  it("binary ties (maximum, minimum): equal shapes, every element from the kink values 0 and 1 and the two around them", () => {
    for (const def of [registry.maximum, registry.minimum] as unknown as OpDef<never>[]) {
      for (let i = 0; i < 50; i++) {
        const k = kinksOf(def).sample(g);
        expect(k.inputs).toHaveLength(2);
        expect(k.inputs[1]?.shape).toEqual(k.inputs[0]?.shape);
        for (const input of k.inputs) expect(input.domain).toEqual(kinkDomain([0, 1]));
      }
    }
  });

  it("reduction ties (max): a sampled reduction whose input comes from the kink values", () => {
    const kinks = kinksOf(registry.max as unknown as OpDef<never>);
    for (let i = 0; i < 50; i++) {
      const k = kinks.sample(g) as Case<ReduceParams>;
      expect(k.inputs).toHaveLength(1);
      expect(k.inputs[0]?.domain).toEqual(kinkDomain([0, 1]));
    }
  });

  it("the documented derivatives give one cotangent per input, and the kink law fails one that leaves an input out", () => {
    const dense = (shape: number[], data: number[]) => ({ shape, data });
    const m = kinksOf(registry.maximum as unknown as OpDef<never>).pullback([dense([3], [0, 1, 1]), dense([3], [1, 1, 0])], dense([3], [2, 4, 6]), undefined as never);
    expect(m).toEqual([dense([3], [0, 2, 6]), dense([3], [2, 2, 0])]);
    const r = kinksOf(registry.max as unknown as OpDef<never>).pullback([dense([2, 2], [1, 1, 0, 1])], dense([2], [4, 6]), { axis: 1, keepDims: false } as never);
    expect(r).toEqual([dense([2, 2], [2, 2, 0, 6])]);

    const def = registry.maximum;
    const kinks = def.spec.kinks as Kinks<void>;
    const short: OpDef<void> = { ...def, spec: { ...def.spec, kinks: { ...kinks, pullback: (xs, ct, p) => kinks.pullback(xs, ct, p).slice(0, 1) } } };
    const outcome = runOpLaws(short, { numRuns: 3, law: "kink gradient" }).find((o) => o.law === "kink gradient");
    expect(outcome?.ok).toBe(false);
    expect(outcome?.message).toContain("the documented derivative gives 1 cotangents for 2 inputs");
  });
});
