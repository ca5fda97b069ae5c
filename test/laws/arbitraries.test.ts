/**
 * Meta-tests of the generators (as fast-check's own `ArbitraryAssertions`): every value they
 * produce, and every value met while shrinking, keeps the promised shape and stays in its
 * domain. A property that fails on every other call makes fast-check walk long shrink paths.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameShape } from "../../laws/approx.js";
import { arbShape, arbTensor, arbTensors, drawCase } from "../../laws/arbitraries.js";
import { awayFrom, domains, inDomain, inVectorDomain, LEVELS, oneHot, probability, type TensorDomain, valueAt } from "../../laws/domains.js";
import { fcGen, seededGen, tinyGen } from "../../laws/gen.js";
import { registeredOps } from "../../src/ops/registry.js";
import { toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

/**
 * Check `valid` on the values of `arb` and along shrink paths: the property fails on every other
 * call, so shrinking goes deep and also tries the candidates it rejects. Returns how many values
 * were seen (shrinking happened when it exceeds the number of seeds).
 */
const alongShrinks = <T>(arb: fc.Arbitrary<T>, valid: (t: T) => string | undefined, seeds = 8): number => {
  let seen = 0;
  const problems: string[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    fc.check(
      fc.property(arb, (t) => {
        seen++;
        const p = valid(t);
        if (p !== undefined) problems.push(p);
        return seen % 2 === 0;
      }),
      { seed, numRuns: 20 },
    );
  }
  expect(problems).toEqual([]);
  expect(seen).toBeGreaterThan(2 * seeds);
  return seen;
};

const inAll = (x: Tensor, d: TensorDomain): string | undefined => {
  const data = toFlat(x);
  if ("kind" in d) return inVectorDomain(d, x.shape as readonly number[], data) ? undefined : `not in ${d.name}: ${Array.from(data)}`;
  const bad = Array.from(data).find((v) => !inDomain(d, v));
  return bad === undefined ? undefined : `${bad} is not in ${d.name}`;
};

describe("domains", () => {
  it("valueAt maps every level into the domain, away from the avoided points", () => {
    const ds = [domains.real, domains.positive, domains.unit, domains.awayFromZero, domains.wide, domains.mask, awayFrom([-1, 0, 1], 0.2)];
    fc.assert(fc.property(fc.constantFrom(...ds), fc.integer({ min: -LEVELS, max: LEVELS }), (d, k) => inDomain(d, valueAt(d, k))));
  });

  it("the extreme levels reach the ends of the domain and level 0 is its middle", () => {
    expect(valueAt(domains.real, -LEVELS)).toBe(-3);
    expect(valueAt(domains.real, LEVELS)).toBe(3);
    expect(valueAt(domains.real, 0)).toBe(0);
  });

  it("validates its builders with messages naming the function and argument", () => {
    expect(() => awayFrom([0], 0)).toThrow(/awayFrom: argument 'margin'/);
    expect(() => awayFrom([0], 5)).toThrow(/awayFrom: nothing of \[-3, 3\]/);
  });
});

describe("arbShape", () => {
  it("keeps ranks and dims within the constraints, while shrinking too", () => {
    alongShrinks(arbShape({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 5 }), (s) =>
      s.length >= 1 && s.length <= 3 && s.every((d) => Number.isInteger(d) && d >= 2 && d <= 5) ? undefined : `bad shape [${s}]`,
    );
  });

  it("rejects inconsistent constraints", () => {
    expect(() => arbShape({ minRank: 3, maxRank: 1 })).toThrow(/arbShape: 'maxRank'/);
  });
});

describe("arbTensor", () => {
  const cases: [string, TensorDomain][] = [
    ["real", domains.real],
    ["positive", domains.positive],
    ["unit", domains.unit],
    ["away from 0", domains.awayFromZero],
    ["mask", domains.mask],
    ["probability along 0", probability(0)],
    ["one-hot along -1", oneHot(-1)],
  ];
  it.each(cases)("keeps the shape, dtype and domain (%s), while shrinking too", (_n, d) => {
    alongShrinks(
      arbShape({ minRank: 1, maxRank: 3 }).chain((s) => arbTensor(s, d).map((x) => [s, x as Tensor] as const)),
      ([s, x]) => (sameShape(x.shape as readonly number[], s) && x.dtype === "float64" ? inAll(x, d) : `shape [${x.shape}] for [${s}]`),
    );
  });

  it("draws distinct elements when asked, while shrinking too", () => {
    alongShrinks(arbTensor([3, 4], domains.real, { distinct: true }), (x) => (new Set(toFlat(x)).size === 12 ? undefined : "repeated elements"));
  });

  it("honours the dtype option", () => {
    fc.assert(fc.property(arbTensor([2, 2], domains.real, { dtype: "float32" }), (x) => x.dtype === "float32"));
  });

  it("rejects a bad shape with a message naming it", () => {
    expect(() => arbTensor([2, -1])).toThrow(/arbTensor: argument 'shape'/);
  });
});

describe("arbTensors", () => {
  it("draws one shared size per named dim, keeps literal dims, while shrinking too", () => {
    const arb = arbTensors({ X: [3, "m"], Y: { shape: [1, "m"], domain: domains.mask }, W: ["n", 3] });
    alongShrinks(arb, ({ X, Y, W }) => {
      const [xs, ys, ws] = [X.shape as readonly number[], Y.shape as readonly number[], W.shape as readonly number[]];
      if (xs[0] !== 3 || ys[0] !== 1 || ws[1] !== 3) return "a literal dim changed";
      if (xs[1] !== ys[1]) return `m differs: ${xs[1]} vs ${ys[1]}`;
      if (!((xs[1] as number) >= 1 && (xs[1] as number) <= 4)) return `m = ${xs[1]} outside 1..4`;
      return inAll(Y, domains.mask);
    });
  });

  it("gives plain records (parameter trees)", () => {
    fc.assert(fc.property(arbTensors({ a: [1] }), (r) => Object.getPrototypeOf(r) === Object.prototype));
  });
});

describe("op samplers through fcGen", () => {
  it.each(registeredOps.map((d) => [d.name, d] as const))("%s: sampled calls stay valid while shrinking", (_n, def) => {
    let problems = 0;
    let seen = 0;
    for (const tiny of [false, true]) {
      for (let seed = 1; seed <= 4; seed++) {
        fc.check(
          fc.property(fc.gen(), (g) => {
            seen++;
            const d = drawCase(def.spec, g, { dtype: "float64", tiny });
            d.inputs.forEach((x, i) => {
              const want = d.case.inputs[i];
              if (want === undefined || !sameShape(x.shape as readonly number[], want.shape) || inAll(x, want.domain) !== undefined) problems++;
              if (tiny && (x.shape as readonly number[]).some((s) => s > 6)) problems++;
            });
            const continuous = d.inputs.filter((_, i) => d.differentiable[i]).flatMap((x) => Array.from(toFlat(x)));
            if (def.spec.nondiff !== true && new Set(continuous).size !== continuous.length) problems++;
            def.spec.call(d.inputs, d.case.params);
            return seen % 2 === 0;
          }),
          { seed, numRuns: 10 },
        );
      }
    }
    expect(problems).toBe(0);
    expect(seen).toBeGreaterThan(8);
  });
});

describe("Gen implementations", () => {
  it("seededGen: same seed, same case", () => {
    for (const def of registeredOps) expect(def.spec.sample(seededGen(rng(4)))).toEqual(def.spec.sample(seededGen(rng(4))));
  });

  it("tinyGen keeps choices within their bounds", () => {
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 10 }), (g, lo, w) => {
        const v = tinyGen(fcGen(g)).int(lo, lo + w);
        return v >= lo && v <= Math.min(lo + w, lo + 2);
      }),
    );
  });

  it("fcGen rejects an empty range with a message naming it", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        expect(() => fcGen(g).int(3, 1)).toThrow(/fcGen: int\(min, max\)/);
      }),
      { numRuns: 1 },
    );
  });
});
