/**
 * What the autodiff core gives back to a backend (`tidy`, `grad`'s release of the primals `f`
 * computed), read exactly: on a backend that records every storage handed to its `release`,
 * refuses a second release of the same storage, and overwrites what it is given with NaN (as the
 * WASM backend's ring reuses a released block), so that a storage given back too early shows up
 * as a NaN in a later result.
 *
 * - `tidy` gives back what ops computed inside it, except what it keeps; a `tidy` inside another
 *   gives back its own at its end, and what it keeps belongs to the outer one; nothing computed
 *   while a trace is open is given back (a pullback made inside `tidy` stays usable).
 * - `grad` gives back the primals `f` computed, never its inputs or a view of them (reshape,
 *   stopGradient, or any primitive that returns an input's storage), its value or the gradient.
 * - An inner `grad` gives back nothing: its values may be residuals of the outer differentiation.
 * - A `grad` whose pullback runs another `grad` (a scan's backprop through time, inside the
 *   pullback's `tidy`) gives back each storage once.
 */
import { describe, expect, it } from "vitest";
import { bind, type Primitive, tidy } from "../../src/autodiff/core.js";
import { scan } from "../../src/autodiff/scan.js";
import { tidy as publicTidy } from "../../src/autodiff/tidy.js";
import { grad, valueAndGrad, vjp } from "../../src/autodiff/vjp.js";
import type { Backend, Storage } from "../../src/backend/backend.js";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { xor } from "../../src/data/index.js";
import { logLossFromLogits, mlp } from "../../src/nn/index.js";
import { add } from "../../src/ops/add.js";
import { exp } from "../../src/ops/exp.js";
import { mul } from "../../src/ops/mul.js";
import { reshape } from "../../src/ops/reshape.js";
import { stopGradient } from "../../src/ops/stopGradient.js";
import { sum } from "../../src/ops/sum.js";
import { tanh } from "../../src/ops/tanh.js";
import { adam } from "../../src/optim/index.js";
import { ones, tensor, toArray, toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import { storageBelow, storageOf, type Tensor } from "../../src/tensor/tensor.js";
import { fit as train, trainStep } from "../../src/train/index.js";

/** The reference backend, with a `release` that records, refuses a second release and poisons. */
const spy = (): { backend: Backend; released: Storage[] } => {
  const released: Storage[] = [];
  const backend = Object.assign(Object.create(reference) as Backend, {
    name: "spy",
    release: (s: Storage): void => {
      if (released.includes(s)) throw new Error("spy backend: a storage was released twice");
      released.push(s);
      (s as unknown as { data: Float32Array | Float64Array }).data.fill(Number.NaN);
    },
  });
  return { backend, released };
};

const close = (got: unknown, want: readonly number[]): void => {
  const g = got as number[];
  expect(g).toHaveLength(want.length);
  g.forEach((v, i) => {
    expect(v).toBeCloseTo(want[i] as number, 5);
  });
};

describe("tidy", () => {
  it("gives back what ops computed inside it, except what it keeps, and never its inputs", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const x = tensor([1, 2, 3]);
      let a: Tensor | undefined;
      const b = tidy(
        () => {
          a = add(x, 1);
          return mul(a, 2);
        },
        (r) => [r],
      );
      // (also given back: the operand scalars 1 and 2, made inside)
      expect(released).toContain(storageBelow(a as Tensor));
      expect(released).not.toContain(storageBelow(b));
      expect(released).not.toContain(storageBelow(x));
      expect(toArray(b)).toEqual([4, 6, 8]);
      expect(toArray(x)).toEqual([1, 2, 3]);
    });
  });
  it("inside another tidy gives back its own at its end; what it keeps belongs to the outer one, which gives it back at its end", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const x = tensor([1, 2]);
      let a: Tensor | undefined;
      let b: Tensor | undefined;
      let c: Tensor | undefined;
      let atInnerEnd: Storage[] = [];
      const d = tidy(
        () => {
          a = add(x, 1);
          c = tidy(
            () => {
              b = mul(a as Tensor, 2);
              return add(b, 1);
            },
            (r) => [r],
          );
          atInnerEnd = [...released];
          return mul(c, 3);
        },
        (r) => [r],
      );
      expect(atInnerEnd).toContain(storageBelow(b as Tensor));
      expect(atInnerEnd).not.toContain(storageBelow(a as Tensor));
      expect(atInnerEnd).not.toContain(storageBelow(c as Tensor));
      expect(released).toEqual(expect.arrayContaining([a, b, c].map((t) => storageBelow(t as Tensor))));
      expect(released).not.toContain(storageBelow(d));
      expect(new Set(released).size).toBe(released.length);
      expect(toArray(d)).toEqual([15, 21]);
    });
  });
  it("gives back nothing computed while a trace is open: a pullback made inside it stays usable", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const x = tensor([0.5, -1]);
      // vjp's residuals (exp(x)) are computed while its trace is open
      const pullback = tidy(
        () => vjp((v: Tensor<[2]>) => mul(exp(v), v), x)[1],
        () => [],
      );
      expect(released).toEqual([]);
      // d/dx x·eˣ = (1 + x)·eˣ
      close(toArray(pullback(ones([2]))), [1.5 * Math.exp(0.5), 0]);
    });
  });
  it("under an open trace gives back nothing (the values are the trace's residuals)", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const [y, pullback] = vjp(
        (v: Tensor<[2]>) =>
          tidy(
            () => mul(tanh(v), v),
            (r) => [r],
          ),
        tensor([0.5, -1]),
      );
      expect(released).toEqual([]);
      const t = [Math.tanh(0.5), Math.tanh(-1)];
      close(toArray(y), [0.5 * (t[0] as number), -(t[1] as number)]);
      // d/dx x·tanh x = tanh x + x·(1 − tanh² x)
      close(toArray(pullback(ones([2]))), [(t[0] as number) + 0.5 * (1 - (t[0] as number) ** 2), (t[1] as number) - (1 - (t[1] as number) ** 2)]);
    });
  });
});

describe("the public tidy around the library's own scopes", () => {
  it("trainStep and fit inside it give back each storage once, and what they return stays readable", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const net = mlp([2, 4, 1], { hidden: "tanh" });
      const data = xor(rng(0), { m: 8 });
      const opt = adam(0.05);
      const X = tensor([
        [0, 1, 1, 0],
        [0, 0, 1, 1],
      ]);
      const Y = tensor([[0, 1, 0, 1]]);
      let p = net.init(rng(1));
      let st = opt.init(p);
      for (let i = 0; i < 3; i++) {
        const r = publicTidy(() => trainStep(net, logLossFromLogits, opt, p, st, X, Y));
        p = r.params;
        st = r.state;
      }
      const fitted = publicTidy(() => train({ model: net, params: p, loss: logLossFromLogits, optimizer: opt, train: data, epochs: 2, batchSize: 4, seed: 1 }));
      expect(released.length).toBeGreaterThan(0);
      expect(new Set(released).size).toBe(released.length);
      for (const t of [p.W1, p.b1, p.W2, p.b2, fitted.params.W1, fitted.params.b2]) expect(Array.from(toFlat(t)).every(Number.isFinite)).toBe(true);
    });
  });
  it("a kept view of a tensor made outside stays the outer scope's: no scope gives it back", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const x = tensor([1, 2, 3]);
      const v = publicTidy(() => publicTidy(() => reshape(x, [3, 1])));
      publicTidy(() => {
        publicTidy(() => reshape(x, [1, 3]));
      });
      expect(released).not.toContain(storageBelow(x));
      expect(toArray(v)).toEqual([[1], [2], [3]]);
    });
  });
  it("a tensor the library gave back is refused, naming the function and saying who released it", () => {
    withBackend(spy().backend, () => {
      const x = tensor([1, 2]);
      let t: Tensor | undefined;
      tidy(
        () => {
          t = add(x, 1);
        },
        () => [],
      );
      expect(() => toArray(t as Tensor)).toThrow(/^toArray: argument 't' \(shape \[2\]\) was given back by typegrad, which releases the intermediates nobody should see/);
      expect(() => add(x, t as Tensor)).toThrow(/^add: argument 'b' \(shape \[2\]\) was given back by typegrad/);
    });
  });
});

/** A primitive that returns its second input's storage (a view of it) with the shape of the first. */
const second: Primitive<undefined> = {
  name: "second",
  shape: (shapes) => [...(shapes[1] as readonly number[])],
  forward: (storages) => storages[1] as Storage,
  pullback: (ct) => [undefined, ct],
};

describe("grad gives back the primals f computed", () => {
  it("never the inputs, a view of them, the value or the gradient", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const w = tensor([
        [1, 2],
        [3, 4],
      ]);
      const c = tensor([1, -1, 2, 0.5]);
      const computed: Storage[] = [];
      const [value, g] = valueAndGrad((v: Tensor<[2, 2]>) => {
        const flat = reshape(v, [4]); // the input's own storage
        const fixed = stopGradient(flat); // the same storage again
        const picked = bind(second, [c, flat], undefined); // flat's storage, through two inputs
        const p = mul(picked, c);
        const q = mul(fixed, p);
        computed.push(storageOf(p), storageOf(q));
        return sum(q);
      })(w);
      // d/dw Σ w²·c = 2·w·c (stopGradient holds the first factor: w·c)
      expect(toArray(value)).toBe(1 - 4 + 18 + 8);
      expect(toArray(g)).toEqual([
        [1, -2],
        [6, 2],
      ]);
      // (also given back: the pullback's own intermediates, which its tidy gives back)
      expect(released).toEqual(expect.arrayContaining(computed));
      for (const t of [w, c, value, g]) expect(released).not.toContain(storageOf(t));
      expect(toArray(w)).toEqual([
        [1, 2],
        [3, 4],
      ]);
    });
  });
  it("an inner grad gives back nothing: what it computed may be a residual of the outer one", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const D = tensor([0.5, -1]);
      // the inner function's exp(y) does not depend on x: it is a constant of the outer trace
      // that the outer pullback reads (d/dx Σ eᴰ·x = eᴰ)
      const g = grad((x: Tensor<[2]>) => sum(grad((y: Tensor<[2]>) => sum(mul(exp(y), x)))(D)))(tensor([2, 3]));
      close(toArray(g), [Math.exp(0.5), Math.exp(-1)]);
      expect(released.length).toBeGreaterThan(0); // the outer grad's own primals
      close(toArray(D), [0.5, -1]);
    });
  });
  it("a pullback that runs another grad (a scan's, inside the pullback's tidy) gives back each storage once", () => {
    const { backend, released } = spy();
    withBackend(backend, () => {
      const xs = tensor([[1], [2], [3]]);
      const f = (p: { w: Tensor<[1]> }) => sum(scan((h: Tensor<[1]>, x: Tensor<[1]>, q: { w: Tensor<[1]> }) => [tanh(add(mul(h, q.w), x)), h] as const, tensor([0.5]), xs, { params: p })[0]);
      const w = tensor([0.7]);
      const g = grad(f)({ w });
      // central difference on the reference backend
      const at = (v: number) => withBackend(reference, () => toArray(f({ w: tensor([v]) })) as number);
      const h = 1e-3;
      expect((toArray(g.w) as number[])[0]).toBeCloseTo((at(0.7 + h) - at(0.7 - h)) / (2 * h), 3);
      expect(released.length).toBeGreaterThan(0);
      expect(new Set(released).size).toBe(released.length);
    });
  });
});
