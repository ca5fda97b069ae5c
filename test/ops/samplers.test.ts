/**
 * The op samplers keep the promises their docs make about what they draw: the laws only cross a
 * kernel's edges if the sampler reaches them. Counted over many seeded draws.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { GEMM_EDGES, matmulDef } from "../../src/ops/matmul.js";
import { rng } from "../../src/tensor/random.js";

describe("the matmul sampler", () => {
  // each test draws its own cases (the same ones, seed 11): mutation testing credits a sampler's
  // code only to the tests that ran it, and code run while collecting the tests to none
  const sampleCases = () => {
    const g = seededGen(rng(11));
    return Array.from({ length: 4000 }, () => matmulDef.spec.sample(g));
  };
  /** [m, k, n] of a case, whatever its transposes and batch dims. */
  const mkn = (c: ReturnType<typeof sampleCases>[number]): [number, number, number] => {
    const [a, b] = c.inputs.map((i) => i.shape as readonly number[]) as [readonly number[], readonly number[]];
    const [m, k] = c.params.transA ? [a.at(-1), a.at(-2)] : [a.at(-2), a.at(-1)];
    const n = c.params.transB ? b.at(-2) : b.at(-1);
    return [m as number, k as number, n as number];
  };
  const sampleDims = () => sampleCases().map(mkn);

  it("draws mostly small products, with about one case in four large in one dim", () => {
    const dims = sampleDims();
    const large = dims.filter((d) => d.some((v) => v > 9)).length / dims.length;
    expect(large).toBeGreaterThan(0.18);
    expect(large).toBeLessThan(0.32);
    expect(dims.every((d) => d.filter((v) => v > 9).length <= 1)).toBe(true);
  });

  it("reaches every gemm block edge ±1, in its own role, and sizes anywhere in 10..70", () => {
    const dims = sampleDims();
    const at = (role: 0 | 1 | 2, v: number): boolean => dims.some((d) => d[role] === v);
    for (const delta of [-1, 0, 1]) {
      expect(at(0, GEMM_EDGES.MC + delta)).toBe(true);
      expect(at(1, GEMM_EDGES.KC + delta)).toBe(true);
      for (const nc of GEMM_EDGES.NC) expect(at(2, nc + delta)).toBe(true);
    }
    const mid = new Set(dims.flat().filter((v) => v >= 10 && v <= 70));
    expect(mid.size).toBeGreaterThan(40);
  });

  it("draws both transposes, batched operands of rank 3 and 4, and broadcast batch dims of 1", () => {
    const cases = sampleCases();
    const flags = new Set(cases.map((c) => `${c.params.transA},${c.params.transB}`));
    expect(flags.size).toBe(4);
    const ranks = new Set(cases.flatMap((c) => c.inputs.map((i) => i.shape.length)));
    expect([...ranks].sort()).toEqual([2, 3, 4]);
    // one operand batched and the other not
    expect(cases.some((c) => (c.inputs[0]?.shape.length ?? 0) !== (c.inputs[1]?.shape.length ?? 0))).toBe(true);
    // a batch dim of 1 against a larger one, in a and in b
    const oneAgainst = (one: 0 | 1): boolean =>
      cases.some((c) => {
        const [a, b] = c.inputs.map((i) => (i.shape as readonly number[]).slice(0, -2));
        const [x, y] = one === 0 ? [a, b] : [b, a];
        const n = Math.min(x?.length ?? 0, y?.length ?? 0);
        for (let i = 1; i <= n; i++) if (x?.at(-i) === 1 && (y?.at(-i) ?? 1) > 1) return true;
        return false;
      });
    expect(oneAgainst(0)).toBe(true);
    expect(oneAgainst(1)).toBe(true);
  });

  it("puts one large case in four anywhere in 10..70, the others at a block edge ±1", () => {
    const large = sampleDims()
      .map((d) => d.find((v) => v > 9))
      .filter((v) => v !== undefined);
    const mid = large.filter((v) => v <= 70).length / large.length;
    expect(mid).toBeGreaterThan(0.18);
    expect(mid).toBeLessThan(0.32);
  });

  it("gives either operand fewer batch dims than the other, and sets about half of them to 1", () => {
    const batches = sampleCases().map((c) => c.inputs.map((i) => (i.shape as readonly number[]).slice(0, -2)) as [number[], number[]]);
    expect(batches.some(([a, b]) => a.length < b.length)).toBe(true);
    expect(batches.some(([a, b]) => b.length < a.length)).toBe(true);
    for (const which of [0, 1] as const) {
      const dims = batches.flatMap((p) => p[which]);
      // a dim is 1 when set so (one in 4) or drawn so (one in 3 of the rest): 1/4 + 3/4 · 1/3 = 1/2
      const ones = dims.filter((d) => d === 1).length / dims.length;
      expect(ones).toBeGreaterThan(0.4);
      expect(ones).toBeLessThan(0.6);
    }
  });
});
