/**
 * Optimizers: one step against the formulas computed by hand on plain numbers, purity (inputs
 * untouched, same inputs → same outputs), structure of the state, convergence on a quadratic,
 * schedules and L2.
 */
import { describe, expect, test } from "vitest";
import { grad } from "../../src/autodiff/vjp.js";
import type { Backend } from "../../src/backend/backend.js";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { mul } from "../../src/ops/mul.js";
import { sub } from "../../src/ops/sub.js";
import { sum } from "../../src/ops/sum.js";
import { adam, addL2Grads, constant, cosineDecay, exponentialDecay, gd, inverseTimeDecay, l2Penalty, momentum, nesterov, type Optimizer, rmsprop, warmup } from "../../src/optim/index.js";
import { item, tensor, toFlat } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;

/** Two steps of each rule on scalars, by hand. */
const byHand: Record<string, (w: number, g1: number, g2: number) => number> = {
  gd: (w, g1, g2) => w - 0.1 * g1 - 0.1 * g2,
  momentum: (w, g1, g2) => {
    const v1 = 0.1 * g1;
    const v2 = 0.9 * v1 + 0.1 * g2;
    return w - 0.1 * v1 - 0.1 * v2;
  },
  nesterov: (w, g1, g2) => {
    const v1 = 0.1 * g1;
    const w1 = w - 0.1 * (0.9 * v1 + 0.1 * g1);
    const v2 = 0.9 * v1 + 0.1 * g2;
    return w1 - 0.1 * (0.9 * v2 + 0.1 * g2);
  },
  rmsprop: (w, g1, g2) => {
    const s1 = 0.1 * g1 * g1;
    const w1 = w - (0.1 * g1) / (Math.sqrt(s1) + 1e-8);
    const s2 = 0.9 * s1 + 0.1 * g2 * g2;
    return w1 - (0.1 * g2) / (Math.sqrt(s2) + 1e-8);
  },
  adam: (w, g1, g2) => {
    let m = 0.1 * g1;
    let v = 0.001 * g1 * g1;
    const w1 = w - (0.1 * (m / 0.1)) / (Math.sqrt(v / 0.001) + 1e-8);
    m = 0.9 * m + 0.1 * g2;
    v = 0.999 * v + 0.001 * g2 * g2;
    return w1 - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
  },
};

const opts: Record<string, Optimizer> = { gd: gd(0.1), momentum: momentum(0.1, 0.9), nesterov: nesterov(0.1, 0.9), rmsprop: rmsprop(0.1, 0.9), adam: adam(0.1) };

describe("optimizers", () => {
  test.each(Object.keys(opts))("%s: two steps match the formula, elementwise, and inputs are untouched", (name) => {
    const opt = opts[name] as Optimizer;
    const params = {
      W: tensor(
        [
          [1, -2],
          [0.5, 3],
        ],
        f64,
      ),
      b: tensor([[0.25], [-1]], f64),
    };
    const g1 = {
      W: tensor(
        [
          [0.3, -0.1],
          [2, 0],
        ],
        f64,
      ),
      b: tensor([[1], [-0.5]], f64),
    };
    const g2 = {
      W: tensor(
        [
          [-0.2, 0.4],
          [1, 1],
        ],
        f64,
      ),
      b: tensor([[0.1], [0.7]], f64),
    };
    const s0 = opt.init(params);
    const [p1, s1] = opt.step(params, g1, s0);
    const [p2, s2] = opt.step(p1, g2, s1);
    expect(s2.step).toBe(2);
    for (const k of ["W", "b"] as const) {
      const want = Array.from(toFlat(params[k])).map((w, i) => (byHand[name] as (a: number, b: number, c: number) => number)(w, toFlat(g1[k])[i] as number, toFlat(g2[k])[i] as number));
      const got = Array.from(toFlat(p2[k]));
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(want[i] as number, 12);
      });
    }
    expect(Array.from(toFlat(params.W))).toEqual([1, -2, 0.5, 3]);
    // pure: the same step again gives the same result, bit for bit
    expect(Array.from(toFlat(opt.step(params, g1, s0)[0].W))).toEqual(Array.from(toFlat(p1.W)));
    // the state mirrors the params' structure
    for (const slot of s2.slots) expect(Object.keys(slot)).toEqual(["W", "b"]);
  });

  test.each(Object.keys(opts))("%s minimises a quadratic", (name) => {
    const opt = opts[name] as Optimizer;
    const target = tensor([3, -1, 2], f64);
    const f = (w: Tensor<[3]>) => sum(mul(sub(w, target), sub(w, target)));
    let w = tensor([0, 0, 0], f64);
    let s = opt.init(w);
    for (let i = 0; i < 300; i++) [w, s] = opt.step(w, grad(f)(w), s);
    expect(item(f(w))).toBeLessThan(1e-2);
  });

  test("a mismatched gradient names the optimizer and the shapes", () => {
    const p = { W: tensor([[1, 2]]) };
    expect(() => gd(0.1).step(p, { W: tensor([[1], [2]]) } as never, gd(0.1).init(p))).toThrow("gd.step: gradient 0 has shape [2, 1], its parameter has [1, 2]");
  });
});

describe("schedules and L2", () => {
  test("schedules give the documented rates", () => {
    expect(constant(0.01)(1000)).toBe(0.01);
    const e = exponentialDecay(1e-3, 0.92, 63, { staircase: true });
    expect(e(62)).toBe(1e-3);
    expect(e(63)).toBeCloseTo(0.92e-3, 15);
    expect(exponentialDecay(1, 0.5, 2)(1)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(inverseTimeDecay(0.1, 1)(9)).toBeCloseTo(0.01, 15);
    expect(cosineDecay(0.1, 100)(50)).toBeCloseTo(0.05, 15);
    expect(cosineDecay(0.1, 100)(200)).toBe(0);
    expect(warmup(constant(0.1), 10)(4)).toBeCloseTo(0.05, 15);
    expect(() => gd(() => Number.NaN).step(tensor([1]), tensor([1]), gd(0.1).init(tensor([1])))).toThrow(/gd.step: the learning rate at step 0/);
  });

  test("l2Penalty is (λ/2m) Σ‖W‖² over weights only, and addL2Grads is its gradient", () => {
    const p = { W1: tensor([[1, 2]], f64), b1: tensor([[5]], f64), W2: tensor([[3]], f64) };
    expect(item(l2Penalty(p, 0.5, 4))).toBeCloseTo((0.5 / 8) * (1 + 4 + 9), 12);
    const zero = { W1: tensor([[0, 0]], f64), b1: tensor([[0]], f64), W2: tensor([[0]], f64) };
    const byGrad = grad((q: typeof p) => l2Penalty(q, 0.5, 4))(p);
    const byHand = addL2Grads(p, zero, 0.5, 4);
    for (const k of ["W1", "b1", "W2"] as const) expect(Array.from(toFlat(byHand[k]))).toEqual(Array.from(toFlat(byGrad[k])));
    expect(Array.from(toFlat(byHand.b1))).toEqual([0]);
  });
});

describe("optimizer state", () => {
  /** The reference backend, counting the storages it makes. */
  const counting = () => {
    let made = 0;
    const be = Object.create(reference, {
      fill: {
        value(this: Backend, ...a: Parameters<Backend["fill"]>) {
          made++;
          return reference.fill.apply(this, a);
        },
      },
    }) as Backend;
    return { be, made: () => made };
  };

  test("gd keeps no slots and makes no tensors for them; momentum's and adam's start at zero", () => {
    const c = counting();
    const params = withBackend(c.be, () => ({ W: tensor([[1, 2]]), b: tensor([3]) }));
    const s = withBackend(c.be, () => gd(0.1).init(params));
    expect(s.slots).toEqual([]);
    expect(c.made()).toBe(0);
    for (const [opt, n] of [
      [momentum(0.1), 1],
      [adam(0.1), 2],
    ] as const) {
      const st = withBackend(c.be, () => opt.init(params));
      expect(st.slots.length).toBe(n);
      for (const slot of st.slots) expect([...toFlat(slot.W), ...toFlat(slot.b)]).toEqual([0, 0, 0]);
    }
    expect(c.made()).toBeGreaterThan(0);
  });
});
