/**
 * The optimizers', schedules' and L2's argument checks and edge values: every refusal names the
 * function and the argument, every bound is where the docs put it (β in [0, 1), rates > 0, λ ≥ 0,
 * m > 0), schedules at their boundaries, L2's weight filter on nested trees, and the optimizers'
 * results surviving their own memory scopes on the WASM backend.
 */
import { describe, expect, test } from "vitest";
import { withBackend } from "../../src/backend/current.js";
import { wasm } from "../../src/backend/wasm/index.js";
import {
  adam,
  addL2Grads,
  constant,
  cosineDecay,
  exponentialDecay,
  gd,
  inverseTimeDecay,
  l2Penalty,
  momentum,
  nesterov,
  rateAt,
  rmsprop,
  warmup,
  withGradientClipping,
} from "../../src/optim/index.js";
import { builtinKind, builtinState, stateMismatch } from "../../src/optim/optimizers.js";
import { item, tensor, toFlat } from "../../src/tensor/create.js";

const f64 = { dtype: "float64" } as const;

describe("optimizers refuse bad arguments, naming them", () => {
  test.each([
    ["momentum", "beta", (b: number) => momentum(0.1, b)],
    ["nesterov", "beta", (b: number) => nesterov(0.1, b)],
    ["rmsprop", "beta", (b: number) => rmsprop(0.1, b)],
    ["adam", "beta1", (b: number) => adam(0.1, b)],
    ["adam", "beta2", (b: number) => adam(0.1, 0.9, b)],
  ] as const)("%s: '%s' must be in [0, 1)", (fn, arg, make) => {
    expect(() => make(1)).toThrow(`${fn}: argument '${arg}' must be in [0, 1), got 1`);
    expect(() => make(-0.1)).toThrow(`${fn}: argument '${arg}' must be in [0, 1), got -0.1`);
    expect(() => make(Number.NaN)).toThrow(RangeError);
    expect(make(0).name).toBe(fn);
    expect(make(0.999).name).toBe(fn);
  });

  test.each([
    ["gd", (lr: unknown) => gd(lr as number)],
    ["momentum", (lr: unknown) => momentum(lr as number)],
    ["nesterov", (lr: unknown) => nesterov(lr as number)],
    ["rmsprop", (lr: unknown) => rmsprop(lr as number)],
    ["adam", (lr: unknown) => adam(lr as number)],
  ] as const)("%s: the learning rate is checked when the optimizer is made, not at its first step", (fn, make) => {
    expect(() => make(-1)).toThrow(new RangeError(`${fn}: argument 'lr' must be a finite number ≥ 0 or a schedule (a function of the step), got -1`));
    expect(() => make(Number.NaN)).toThrow(new RangeError(`${fn}: argument 'lr' must be a finite number ≥ 0 or a schedule (a function of the step), got NaN`));
    expect(() => make(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => make("1e-3")).toThrow(new TypeError(`${fn}: argument 'lr' must be a finite number ≥ 0 or a schedule (a function of the step), got "1e-3"`));
    expect(() => make(undefined)).toThrow(TypeError);
    expect(make(0).name).toBe(fn);
    expect(make(() => 0.1).name).toBe(fn);
  });

  test("the built-in optimizer a name is made from: the whole name, any number of clips with any bound", () => {
    expect(builtinKind("adam")).toBe("adam");
    expect(builtinState("adam+clip(10)")).toEqual({ slots: 2, kind: "adam" });
    expect(builtinKind("momentum+clip(0.5)+clip(12.25)")).toBe("momentum");
    expect(builtinState("gd+clip(1)")).toEqual({ slots: 0, kind: "gd" });
    expect([builtinState("momentum"), builtinState("nesterov"), builtinState("rmsprop")]).toEqual([
      { slots: 1, kind: "momentum" },
      { slots: 1, kind: "nesterov" },
      { slots: 1, kind: "rmsprop" },
    ]);
    for (const other of ["my-adam", "adam2", "Adam", "adam+clip", "handAdam", ""]) {
      expect(builtinKind(other), other).toBe(undefined);
      expect(builtinState(other), other).toBe(undefined);
    }
  });

  test("the one check of a state against its optimizer gives the mismatch as data: the slot count first, then the maker", () => {
    const momentumStates = builtinState("momentum+clip(5)");
    // fits: as many slots, made by it or untagged
    expect(stateMismatch(momentumStates, 1, "momentum")).toBe(undefined);
    expect(stateMismatch(momentumStates, 1, undefined)).toBe(undefined);
    // another slot count, whoever made it (the count is told first)
    expect(stateMismatch(momentumStates, 2, "adam")).toEqual({ mismatch: "slots", keeps: 1, holds: 2 });
    expect(stateMismatch(builtinState("gd"), 2, undefined)).toEqual({ mismatch: "slots", keeps: 0, holds: 2 });
    expect(stateMismatch(builtinState("adam"), 0, "adam")).toEqual({ mismatch: "slots", keeps: 2, holds: 0 });
    // as many slots, another maker: the tag as given, a string or not
    expect(stateMismatch(momentumStates, 1, "rmsprop")).toEqual({ mismatch: "maker", made: "rmsprop" });
    expect(stateMismatch(momentumStates, 1, 7)).toEqual({ mismatch: "maker", made: 7 });
    expect(stateMismatch(momentumStates, 1, null)).toEqual({ mismatch: "maker", made: null });
    // slots that are no array (no count): the maker alone
    expect(stateMismatch(momentumStates, undefined, "nesterov")).toEqual({ mismatch: "maker", made: "nesterov" });
    expect(stateMismatch(momentumStates, undefined, "momentum")).toBe(undefined);
    // a user's optimizer (no built-in name): nothing is known of its states, so nothing misfits
    expect(stateMismatch(builtinState("my-optimizer"), 5, "adam")).toBe(undefined);
    // a user's leafwise optimizer checks its own states: its slots and its name as the tag
    const mine = { slots: 2, kind: "handAdam" };
    expect(stateMismatch(mine, 2, "handAdam")).toBe(undefined);
    expect(stateMismatch(mine, 2, undefined)).toBe(undefined);
    expect(stateMismatch(mine, 1, "handAdam")).toEqual({ mismatch: "slots", keeps: 2, holds: 1 });
    expect(stateMismatch(mine, 2, "adam")).toEqual({ mismatch: "maker", made: "adam" });
  });

  test("options passed as an object, Keras-style, are named as such", () => {
    expect(() => adam(1e-3, { beta1: 0.5 } as unknown as number)).toThrow(
      new TypeError("adam: argument 'beta1' must be in [0, 1), got an object (adam's arguments are positional: adam(lr, beta1, beta2, eps))"),
    );
    expect(() => momentum(0.1, { beta: 0.5 } as unknown as number)).toThrow(
      /^momentum: argument 'beta' must be in \[0, 1\), got an object \(momentum's arguments are positional: momentum\(lr, beta\)\)$/,
    );
  });

  test.each([
    ["rmsprop", (e: number) => rmsprop(0.1, 0.9, e)],
    ["adam", (e: number) => adam(0.1, 0.9, 0.999, e)],
  ] as const)("%s: 'eps' must be a finite number ≥ 0", (fn, make) => {
    expect(() => make(-1e-8)).toThrow(new RangeError(`${fn}: argument 'eps' must be a finite number ≥ 0, got -1e-8`));
    expect(() => make(Number.NaN)).toThrow(new RangeError(`${fn}: argument 'eps' must be a finite number ≥ 0, got NaN`));
    expect(() => make("1e-8" as unknown as number)).toThrow(
      new TypeError(`${fn}: argument 'eps' must be a finite number ≥ 0, got "1e-8" (${fn}'s arguments are positional: ${fn === "adam" ? "adam(lr, beta1, beta2, eps)" : "rmsprop(lr, beta, eps)"})`),
    );
    expect(make(0).name).toBe(fn);
  });

  test("step: grads and state must match the params", () => {
    const p = { W: tensor([[1, 2]], f64), b: tensor([0], f64) };
    const opt = adam(0.1);
    expect(() => opt.step(p, { W: tensor([[1, 2]], f64) } as never, opt.init(p))).toThrow("adam.step: argument 'grads' has 1 tensors, 'params' has 2");
    expect(() => opt.step(p, p, gd(0.1).init(p) as never)).toThrow("adam.step: argument 'state' must come from adam.init (2 slots)");
    expect(() => opt.step(p, p, null as never)).toThrow("adam.step: argument 'state' must come from adam.init (2 slots)");
    expect(() => opt.step(p, { W: tensor([[1, 2, 3]], f64), b: tensor([0], f64) } as never, opt.init(p))).toThrow("adam.step: gradient 0 has shape [1, 3], its parameter has [1, 2]");
    expect(() => opt.step(p, { W: tensor([1, 2], f64), b: tensor([0], f64) } as never, opt.init(p))).toThrow("adam.step: gradient 0 has shape [2], its parameter has [1, 2]");
    expect(() => momentum(0.1).init("W" as never)).toThrow(/momentum\.init/);
    expect(() => opt.step(p, p, 5 as never)).toThrow("adam.step: argument 'state' must come from adam.init (2 slots)");
    expect(() => opt.step(p, p, undefined as never)).toThrow(new TypeError("adam.step: argument 'state' must come from adam.init (2 slots)"));
    const v = { w: tensor([1, 2], f64) };
    expect(() => gd(0.1).step(v, { w: tensor([[1], [2]], f64) } as never, gd(0.1).init(v))).toThrow("gd.step: gradient 0 has shape [2, 1], its parameter has [2]");
  });

  test("a state says which optimizer made it: another optimizer with as many slots refuses it, naming both", () => {
    const p = { w: tensor([1, -2], f64) };
    const g = { w: tensor([0.5, 0.5], f64) };
    // momentum, nesterov and rmsprop each keep one slot: the slot count alone cannot tell them apart
    const [, ms] = momentum(0.1).step(p, g, momentum(0.1).init(p));
    expect(ms.kind).toBe("momentum");
    expect(rmsprop(0.1).init(p).kind).toBe("rmsprop");
    expect(adam(0.1).init(p).kind).toBe("adam");
    expect(gd(0.1).init(p).kind).toBe("gd");
    expect(() => rmsprop(0.1).step(p, g, ms)).toThrow(new TypeError("rmsprop.step: argument 'state' was made by momentum, not rmsprop: step with the optimizer that made the state"));
    expect(() => nesterov(0.1).step(p, g, momentum(0.1).init(p))).toThrow("nesterov.step: argument 'state' was made by momentum, not nesterov");
    expect(() => momentum(0.1).step(p, g, { ...ms, kind: 7 } as never)).toThrow("momentum.step: argument 'state' was made by 7, not momentum");
    expect(() => momentum(0.1).step(p, g, { ...ms, kind: { name: "momentum" } } as never)).toThrow("momentum.step: argument 'state' was made by an object, not momentum");
    // the clipped optimizer's state is its inner optimizer's
    const clipped = withGradientClipping(momentum(0.1), 5);
    expect(clipped.init(p).kind).toBe("momentum");
    expect(() => withGradientClipping(rmsprop(0.1), 5).step(p, g, ms)).toThrow("rmsprop.step: argument 'state' was made by momentum, not rmsprop");
    // a state without a tag (built by hand, or read from a file that named no optimizer) is taken by the slot count
    expect(toFlat(momentum(0.1).step(p, g, { step: 1, slots: ms.slots })[0].w).length).toBe(2);
    const [w2, s2] = rmsprop(0.1).step(p, g, { step: 0, slots: rmsprop(0.1).init(p).slots });
    expect(s2.kind).toBe("rmsprop");
    expect(toFlat(w2.w).length).toBe(2);
  });

  test("on the WASM backend, the new weights and slots outlive the step's memory scope", () => {
    withBackend(wasm, () => {
      const p = { w: tensor([1, -2], f64) };
      const opt = adam(0.1);
      const [p1, s1] = opt.step(p, { w: tensor([0.5, 0.5], f64) }, opt.init(p));
      const [p2, s2] = opt.step(p1, { w: tensor([0.5, -1], f64) }, s1);
      expect(Array.from(toFlat(p2.w)).every(Number.isFinite)).toBe(true);
      expect(s2.slots.map((s) => toFlat(s.w).length)).toEqual([2, 2]);
    });
  });
});

describe("schedules", () => {
  test("rateAt: a number or a schedule's value at the step, finite and ≥ 0", () => {
    expect(rateAt("train", (s) => 0.5 * s, 2)).toBe(1);
    expect(rateAt("train", 0, 0)).toBe(0);
    expect(() => rateAt("train", -1, 3)).toThrow("train: the learning rate at step 3 must be a finite number ≥ 0, got -1");
    expect(() => rateAt("train", Number.POSITIVE_INFINITY, 0)).toThrow(/train: the learning rate at step 0/);
    expect(() => rateAt("train", () => Number.NaN, 0)).toThrow(/got NaN/);
  });

  test.each([
    ["constant", "lr", (v: number) => constant(v)],
    ["exponentialDecay", "lr", (v: number) => exponentialDecay(v, 0.5, 10)],
    ["exponentialDecay", "rate", (v: number) => exponentialDecay(0.1, v, 10)],
    ["exponentialDecay", "every", (v: number) => exponentialDecay(0.1, 0.5, v)],
    ["inverseTimeDecay", "lr", (v: number) => inverseTimeDecay(v, 1)],
    ["cosineDecay", "lr", (v: number) => cosineDecay(v, 10)],
    ["cosineDecay", "total", (v: number) => cosineDecay(0.1, v)],
    ["warmup", "steps", (v: number) => warmup(constant(0.1), v)],
  ] as const)("%s: '%s' must be a finite number > 0", (fn, arg, make) => {
    // (constant checks when asked for the rate)
    for (const bad of [0, -1, Number.POSITIVE_INFINITY]) expect(() => make(bad)(0)).toThrow(`${fn}: argument '${arg}' must be a finite number > 0, got ${bad}`);
    expect(() => make("1" as never)(0)).toThrow(`${fn}: argument '${arg}' must be a finite number > 0, got 1`);
    expect(typeof make(0.5)).toBe("function");
  });

  test("inverseTimeDecay: k ≥ 0 (0 is a constant rate)", () => {
    expect(inverseTimeDecay(0.1, 0)(100)).toBe(0.1);
    expect(() => inverseTimeDecay(0.1, -1)).toThrow("inverseTimeDecay: argument 'k' must be a finite number ≥ 0, got -1");
  });

  test("the schedules' other arguments are checked when the schedule is made, not mid-run", () => {
    // before: k = ∞ gave NaN at step 0, min < 0 or NaN a negative or NaN rate at the end of the
    // run, a rate > 1 a step size that grew to ∞, and warmup(0.1, …) "s is not a function"
    for (const k of [Number.POSITIVE_INFINITY, Number.NaN]) expect(() => inverseTimeDecay(0.1, k)).toThrow(`inverseTimeDecay: argument 'k' must be a finite number ≥ 0, got ${k}`);
    for (const min of [-1, Number.NaN, 0.2, Number.POSITIVE_INFINITY])
      expect(() => cosineDecay(0.1, 10, min)).toThrow(new RangeError(`cosineDecay: argument 'min' must be a finite number from 0 to lr (0.1), got ${min}`));
    // a numeric string compares as a number: refused all the same
    expect(() => cosineDecay(0.1, 10, "0.01" as unknown as number)).toThrow(new RangeError("cosineDecay: argument 'min' must be a finite number from 0 to lr (0.1), got 0.01"));
    expect(() => exponentialDecay(0.1, 0.5, 10, { stairCase: true } as never)).toThrow(new TypeError("exponentialDecay: unknown option 'stairCase' (did you mean 'staircase'?)"));
    expect(cosineDecay(0.1, 10, 0.1)(5)).toBeCloseTo(0.1, 15);
    expect(cosineDecay(0.1, 10, 0)(10)).toBe(0);
    for (const rate of [1.0001, 2, 1e9])
      expect(() => exponentialDecay(0.1, rate, 10)).toThrow(new RangeError(`exponentialDecay: argument 'rate' must be in (0, 1] (the factor per 'every' steps), got ${rate}`));
    expect(exponentialDecay(0.1, 1, 10)(1000)).toBe(0.1);
    for (const s of [0.1, null, "cosine"]) expect(() => warmup(s as never, 4)).toThrow(new TypeError(`warmup: argument 's' must be a schedule (a function of the step), got ${JSON.stringify(s)}`));
  });

  test("cosineDecay from lr to min over total steps, min afterwards", () => {
    const s = cosineDecay(1, 10, 0.2);
    expect(s(0)).toBeCloseTo(1, 12);
    expect(s(5)).toBeCloseTo(0.6, 12);
    expect(s(10)).toBeCloseTo(0.2, 12);
    expect(s(50)).toBeCloseTo(0.2, 12);
  });

  test("warmup: linear over the first steps, then the schedule", () => {
    const s = warmup(constant(0.4), 4);
    expect([0, 1, 2, 3, 4, 5].map(s)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.4, 0.4]);
  });
});

describe("L2", () => {
  test("λ ≥ 0 and m > 0, named", () => {
    const p = { W: tensor([[1, 2]], f64) };
    expect(item(l2Penalty(p, 0, 5))).toBe(0);
    expect(() => l2Penalty(p, -1, 5)).toThrow("l2Penalty: argument 'lambda' must be ≥ 0, got -1");
    expect(() => l2Penalty(p, 0.1, 0)).toThrow("l2Penalty: argument 'm' must be > 0 (the number of examples), got 0");
    expect(() => addL2Grads(p, p, -1, 5)).toThrow("addL2Grads: argument 'lambda' must be ≥ 0, got -1");
    expect(() => addL2Grads(p, p, 0.1, 0)).toThrow("addL2Grads: argument 'm' must be > 0 (the number of examples), got 0");
    expect(() => addL2Grads(p, { W: p.W, b: p.W } as never, 0.1, 5)).toThrow("addL2Grads: argument 'grads' has 2 tensors, 'params' has 1");
    expect(() => addL2Grads(p, "x" as never, 0.1, 5)).toThrow(/addL2Grads/);
  });

  test("the weights are the leaves whose last name starts with W, at any depth, in records and arrays", () => {
    const t = (v: number) => tensor([v], f64);
    // 2·(λ/2m)·Σw² with λ = 2, m = 1: Σ w² over the weights
    const params = { W1: t(1), b1: t(10), layers: [{ W: t(2), b: t(20) }], W: { b: t(30) }, Wout: [t(3)] };
    expect(item(l2Penalty(params as never, 2, 1))).toBe(1 + 4);
    const g = addL2Grads(params as never, { W1: t(0), b1: t(0), layers: [{ W: t(0), b: t(0) }], W: { b: t(0) }, Wout: [t(0)] } as never, 2, 1) as typeof params;
    expect([g.W1, g.b1, g.layers[0]?.W, g.layers[0]?.b, g.W.b, g.Wout[0]].map((x) => item(x as never))).toEqual([2, 0, 4, 0, 0, 0]);
  });
});

describe("gradients pair with parameters by place, a record's fields by name", () => {
  const p = { W: tensor([[1, 2]], f64), b: tensor([3], f64) };
  const g = { W: tensor([[0.5, -1]], f64), b: tensor([2], f64) };
  // the same gradients, the record's fields in the other order (as a hand-built record may hold them)
  const swapped = { b: g.b, W: g.W };
  const flat = (t: Record<string, unknown>): Record<string, number[]> => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(toFlat(v as never))]));

  test("step with the fields in another order gives the same update, for every built-in", () => {
    for (const opt of [gd(0.1), momentum(0.1), nesterov(0.1), rmsprop(0.1), adam(0.1)]) {
      const [a] = opt.step(p, g, opt.init(p));
      const [b] = opt.step(p, swapped as typeof g, opt.init(p));
      expect(flat(b)).toEqual(flat(a));
      // W moved by W's gradient, not b's
      expect(flat(a).W).not.toEqual(flat(p).W);
    }
    expect(flat(gd(1).step(p, swapped as typeof g, gd(1).init(p))[0])).toEqual({ W: [0.5, 3], b: [1] });
  });

  test("gradients under other names, or of another nesting, are refused naming the first difference", () => {
    const opt = gd(0.1);
    expect(() => opt.step(p, { V: g.W, b: g.b } as never, opt.init(p))).toThrow(new TypeError("gd.step: argument 'grads' must have the structure of 'params'; it has no field 'W'"));
    expect(() => opt.step({ layers: [p] }, { layers: { 0: p } } as never, opt.init({ layers: [p] }))).toThrow(
      new TypeError("gd.step: argument 'grads' must have the structure of 'params'; at 'layers' it has a record, 'params' has an array"),
    );
    // a shape that differs at the same place keeps its own message
    expect(() => opt.step(p, { b: g.b, W: tensor([[1, 2, 3]], f64) } as never, opt.init(p))).toThrow("gd.step: gradient 0 has shape [1, 3], its parameter has [1, 2]");
  });

  test("addL2Grads adds each weight's term to its own gradient, whatever the order", () => {
    const a = addL2Grads(p, g, 0.5, 1);
    expect(flat(addL2Grads(p, swapped as typeof g, 0.5, 1))).toEqual(flat(a));
    expect(flat(a)).toEqual({ W: [1, 0], b: [2] });
    expect(() => addL2Grads(p, { V: g.W, b: g.b } as never, 0.5, 1)).toThrow(new TypeError("addL2Grads: argument 'grads' must have the structure of 'params'; it has no field 'W'"));
    // an optional parameter left out (a field holding undefined) is no leaf, as everywhere
    expect(flat(addL2Grads({ ...p, extra: undefined } as never, g, 0.5, 1))).toEqual({ W: [1, 0], b: [2] });
    // another nesting, and a gradient of another shape (it broadcast before), are refused
    expect(() => addL2Grads({ layers: [p] }, { layers: { 0: p } } as never, 0.5, 1)).toThrow(
      new TypeError("addL2Grads: argument 'grads' must have the structure of 'params'; at 'layers' it has a record, 'params' has an array"),
    );
    expect(() => addL2Grads(p, { W: tensor([[1]], f64), b: g.b } as never, 0.5, 1)).toThrow(
      new TypeError("addL2Grads: argument 'grads' must have the structure of 'params'; at 'W' it has a tensor of shape [1, 1], 'params' has [1, 2]"),
    );
  });

  test("what is not a tree is refused naming the function and the argument's place", () => {
    const bad = { W: "W", b: g.b };
    expect(() => gd(0.1).step(p, bad as never, gd(0.1).init(p))).toThrow(new TypeError("gd.step: parameters must be tensors, arrays or records of tensors; 'W' is string W"));
    expect(() => gd(0.1).step(bad as never, g, gd(0.1).init(p))).toThrow(new TypeError("gd.step: parameters must be tensors, arrays or records of tensors; 'W' is string W"));
    expect(() => addL2Grads(p, bad as never, 0.5, 1)).toThrow(new TypeError("addL2Grads: parameters must be tensors, arrays or records of tensors; 'W' is string W"));
    expect(() => addL2Grads(bad as never, g, 0.5, 1)).toThrow(new TypeError("addL2Grads: parameters must be tensors, arrays or records of tensors; 'W' is string W"));
  });
});
