/**
 * Implementations of the op specs' abstract `Gen` (`{ int, bool }`): over fast-check's `fc.gen()`
 * (so sampled cases shrink: choices shrink towards their lower bounds), over a seeded `Rng`
 * (reproducible sampling without fast-check), and a `tinyGen` that keeps every choice within two
 * of its lower bound (tiny shapes, for full Jacobians).
 *
 * @module
 */
import fc from "fast-check";
import type { Gen } from "../src/ops/spec.js";
import type { Rng } from "../src/tensor/random.js";

export type { Gen } from "../src/ops/spec.js";

const checkRange = (fn: string, min: number, max: number): void => {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) throw new RangeError(`${fn}: int(min, max) needs integers with min <= max, got int(${min}, ${max})`);
};

/**
 * A `Gen` over a fast-check generator value: use it inside a property on `fc.gen()`.
 *
 * @example
 * import { fcGen, registry } from "typegrad/laws"
 * import fc from "fast-check"
 * fc.assert(
 *   fc.property(fc.gen(), (g) => {
 *     const c = registry.add.spec.sample(fcGen(g))
 *     return c.inputs.length === 2
 *   }),
 *   { numRuns: 5 },
 * )
 * @category constructors
 * @since 0.1.0
 */
export const fcGen = (g: fc.GeneratorValue): Gen => ({
  int: (min, max) => {
    checkRange("fcGen", min, max);
    return g(fc.integer, { min, max });
  },
  bool: () => g(fc.boolean),
});

/**
 * A `Gen` over a seeded generator: same seed, same cases.
 *
 * @example
 * import { rng } from "typegrad"
 * import { registry, seededGen } from "typegrad/laws"
 * // same seed, same case
 * const c = registry.matmul.spec.sample(seededGen(rng(1)))
 * c.inputs.length // 2
 * @category constructors
 * @since 0.1.0
 */
export const seededGen = (r: Rng): Gen => ({
  int: (min, max) => {
    checkRange("seededGen", min, max);
    return min + r.int(max - min + 1);
  },
  bool: () => r.uniform() < 0.5,
});

/**
 * `g` with every integer choice kept within `span` of its lower bound: still a valid choice
 * (it is in `[min, max]`), so any sampler stays correct, but shapes stay tiny.
 *
 * @example
 * import { rng } from "typegrad"
 * import { registry, seededGen, tinyGen } from "typegrad/laws"
 * const c = registry.sum.spec.sample(tinyGen(seededGen(rng(1))))
 * c.inputs.length // 1
 * @category combinators
 * @since 0.1.0
 */
export const tinyGen = (g: Gen, span = 2): Gen => ({
  int: (min, max) => g.int(min, Math.min(max, min + span)),
  bool: () => g.bool(),
});
