/**
 * What the op samplers draw, counted over many seeded draws: the laws only see what a sampler
 * reaches (every piece of a piecewise op, ties, broadcasts, every permutation), and never what it
 * promises to avoid (a kink inside a finite-difference step).
 */
import { describe, expect, it } from "vitest";
import { LEVELS, valueAt } from "../../laws/domains.js";
import { seededGen } from "../../laws/gen.js";
import { addActDef } from "../../src/ops/addAct.js";
import { broadcastToDef } from "../../src/ops/broadcastTo.js";
import { clipDef } from "../../src/ops/clip.js";
import { concatDef } from "../../src/ops/concat.js";
import { eluDef } from "../../src/ops/elu.js";
import { leakyReluDef } from "../../src/ops/leakyRelu.js";
import { permuteDef } from "../../src/ops/permute.js";
import { registeredOps } from "../../src/ops/registry.js";
import type { Case, Domain, Gen } from "../../src/ops/spec.js";
import { rng } from "../../src/tensor/random.js";

const draws = <P>(sample: (g: Gen) => Case<P>, n = 400, seed = 5): Case<P>[] => {
  const g = seededGen(rng(seed));
  return Array.from({ length: n }, () => sample(g));
};

/** The values a domain yields over a sweep of its levels (both ends and 0 included), once per domain. */
const swept = new Map<Domain, number[]>();
const valuesOf = (d: Domain): number[] => {
  const known = swept.get(d);
  if (known !== undefined) return known;
  const vs = Array.from({ length: 513 }, (_, i) => valueAt(d, -LEVELS + i * 128));
  swept.set(d, vs);
  return vs;
};

describe("every op's sampler", () => {
  it("draws each input from a named domain with min ≤ max, a margin around what it avoids", () => {
    for (const def of registeredOps) {
      const samplers = [def.spec.sample, ...(def.spec.kinks === undefined ? [] : [def.spec.kinks.sample])];
      for (const sample of samplers)
        for (const c of draws(sample as (g: Gen) => Case<unknown>, 20)) {
          for (const { domain: d } of c.inputs) {
            expect(d.name.length, `${def.name}: a domain without a name`).toBeGreaterThan(0);
            expect(d.min, `${def.name}: domain ${d.name}`).toBeLessThanOrEqual(d.max);
            if (d.avoid !== undefined && d.avoid.length > 0) expect(d.margin ?? 0, `${def.name}: domain ${d.name}`).toBeGreaterThan(0);
          }
        }
    }
  });
});

describe("the clip sampler", () => {
  it("reaches below lo, inside and above hi, never within 0.1 of the bounds ±1 it calls clip with", () => {
    const domains = new Set(draws(clipDef.spec.sample, 50).flatMap((c) => c.inputs.map((i) => i.domain)));
    const vs = [...domains].flatMap(valuesOf);
    expect(vs.some((v) => v < -2.5)).toBe(true);
    expect(vs.some((v) => v > -0.5 && v < 0.5)).toBe(true);
    expect(vs.some((v) => v > 2.5)).toBe(true);
    expect(vs.every((v) => Math.abs(Math.abs(v) - 1) >= 0.1)).toBe(true);
  });
});

describe("the addAct sampler", () => {
  // each test draws its own cases: mutation testing credits a sampler's code to the tests that ran it
  it("draws all three activations", () => {
    const cases = draws(addActDef.spec.sample);
    expect(new Set(cases.map((c) => c.params))).toEqual(new Set(["relu", "sigmoid", "tanh"]));
  });

  it("keeps relu's z + b off the kink at 0, on both sides of it", () => {
    for (const c of draws(addActDef.spec.sample).filter((k) => k.params === "relu")) {
      const [z, b] = c.inputs.map((i) => valuesOf(i.domain)) as [number[], number[]];
      const nearest = Math.min(...z.map(Math.abs)) - Math.max(...b.map(Math.abs));
      expect(nearest).toBeGreaterThan(0.05);
      expect(Math.min(...b)).toBeLessThan(0);
      expect(Math.max(...b)).toBeGreaterThan(0);
      expect(Math.min(...z)).toBe(-3);
      expect(Math.max(...z)).toBe(3);
    }
  });

  it("draws sigmoid's and tanh's inputs from the whole real domain, 0 included", () => {
    for (const c of draws(addActDef.spec.sample).filter((k) => k.params !== "relu"))
      for (const i of c.inputs) {
        const v = valuesOf(i.domain);
        expect([Math.min(...v), Math.max(...v)]).toEqual([-3, 3]);
        expect(v).toContain(0);
      }
  });
});

describe.each([
  ["leakyRelu", leakyReluDef, 0.01, 0.3],
  ["elu", eluDef, 0.5, 2],
] as const)("the %s sampler", (_name, def, lo, hi) => {
  it(`draws α in [${lo}, ${hi}], for the laws and on the kink alike`, () => {
    for (const sample of [def.spec.sample, def.spec.kinks?.sample]) {
      const alphas = draws(sample as (g: Gen) => Case<number>).map((c) => c.params);
      expect(Math.min(...alphas)).toBe(lo);
      expect(Math.max(...alphas)).toBe(hi);
    }
  });

  it("keeps the laws' inputs off 0 and puts the kink law's on 0", () => {
    for (const c of draws(def.spec.sample, 50)) {
      expect(c.inputs.length).toBe(1);
      expect(valuesOf(c.inputs[0]?.domain as Domain).every((v) => Math.abs(v) >= 0.1)).toBe(true);
    }
    for (const c of draws(def.spec.kinks?.sample as (g: Gen) => Case<number>, 50)) {
      expect(c.inputs.length).toBe(1);
      expect(valuesOf(c.inputs[0]?.domain as Domain)).toContain(0);
    }
  });
});

describe("the concat sampler", () => {
  it("joins 1 to 3 parts of different lengths along the axis, on every axis", () => {
    const cases = draws(concatDef.spec.sample);
    expect(new Set(cases.map((c) => c.inputs.length))).toEqual(new Set([1, 2, 3]));
    expect(new Set(cases.map((c) => c.params))).toEqual(new Set([0, 1, 2]));
    const uneven = cases.filter((c) => new Set(c.inputs.map((i) => i.shape[c.params])).size > 1);
    expect(uneven.length).toBeGreaterThan(cases.length / 4);
  });
});

describe("the permute sampler", () => {
  it("reaches every permutation of 3 axes", () => {
    const perms = draws(permuteDef.spec.sample)
      .filter((c) => c.params.length === 3)
      .map((c) => c.params.join(""));
    expect(new Set(perms)).toEqual(new Set(["012", "021", "102", "120", "201", "210"]));
  });
});

describe("the broadcastTo sampler", () => {
  it("broadcasts 1s up at the same rank and adds leading dims", () => {
    const cases = draws(broadcastToDef.spec.sample);
    const sameRankWider = cases.filter((c) => {
      const s = c.inputs[0]?.shape as readonly number[];
      return s.length === c.params.length && s.some((d, i) => d !== c.params[i]);
    });
    expect(sameRankWider.length).toBeGreaterThan(0);
    expect(cases.some((c) => (c.inputs[0]?.shape.length ?? 0) < c.params.length)).toBe(true);
  });
});
