/**
 * Model checkpoints in memory (format 2): model + parameters + meta + training state round-trip
 * bit for bit in both dtypes; every kind of mismatch against the expected model is a `Left` that
 * says what differs; hostile manifests (deep nesting, huge arrays, wrong types, `__proto__` keys)
 * are `Left`s too, in time linear in their size.
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/codec/bytes.js";
import {
  adam,
  CHECKPOINT_VERSION,
  type DecodeError,
  type DescribedModel,
  decodeCheckpoint,
  decodeModel,
  dense,
  draw,
  encodeCheckpoint,
  encodeModel,
  gd,
  MANIFEST_LIMITS,
  mlp,
  momentum,
  type Params,
  rng,
  sequential,
  type Tensor,
  toFlat,
  withGradientClipping,
} from "../../src/index.js";
import type { TrainState } from "../../src/train/state.js";

const text = (r: E.Either<readonly DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");

/** The bits of every element, so that -0, NaN payloads and the last ulp all count. */
const bits = (x: Tensor): string => `${x.dtype}:${Buffer.from(new Uint8Array(toFlat(x).buffer)).toString("hex")}`;
const leaves = (p: Params): Tensor[] =>
  Array.isArray(p) ? p.flatMap(leaves) : "shape" in (p as object) && "dtype" in (p as object) ? [p as Tensor] : Object.values(p as Record<string, Params>).flatMap(leaves);
const sameBits = (a: Params, b: Params): void => expect(leaves(a).map(bits)).toEqual(leaves(b).map(bits));

/** A trained-looking state: an optimizer's slots after two steps, counters, generator states. */
const stateFor = <P extends Params>(params: P, opt = adam(1e-2)): TrainState<P> => {
  let s = opt.init(params);
  let p = params;
  for (let i = 0; i < 2; i++) [p, s] = opt.step(p, p, s);
  const g = rng(5);
  g.normal(); // leaves a spare normal draw in the state
  return { optState: s, epoch: 3, step: 42, rng: { shuffle: rng(1).state(), noise: g.state(), augment: rng(3).state() } };
};

/** The same bytes with the manifest text rewritten (checksums fixed, padding kept), for hostile inputs. */
const rewrite = (bytes: Uint8Array, edit: (manifest: string) => string): Uint8Array => {
  const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const dataStart = Math.ceil((16 + h) / 8) * 8;
  const m = new TextEncoder().encode(edit(new TextDecoder().decode(bytes.subarray(16, 16 + h))));
  const start = Math.ceil((16 + m.length) / 8) * 8;
  const out = new Uint8Array(start + bytes.length - dataStart);
  out.set(bytes.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, m.length, true);
  new DataView(out.buffer).setUint32(12, crc32(m), true);
  out.set(m, 16);
  out.set(bytes.subarray(dataStart), start);
  return out;
};

describe("encodeModel / decodeModel", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`round-trips model, parameters, meta and training state bit for bit (${dtype})`, () => {
      const model = mlp([4, 3, 2], { hidden: "tanh", dropout: 0.25 });
      const params = model.init(rng(0), { dtype });
      const state = stateFor(params);
      const meta = { epoch: 3, history: [{ loss: 0.5 }, { loss: 0.25 }], note: null };
      const bytes = encodeModel({ model, params, meta, state, optimizer: adam(1e-2) });
      const r = decodeModel(bytes, model);
      if (E.isLeft(r)) throw new Error(draw(r.left));
      expect(r.right.model).toBe(model);
      sameBits(r.right.params, params);
      expect(Object.keys(r.right.params)).toEqual(["W1", "b1", "W2", "b2"]);
      expect(r.right.meta).toEqual(meta);
      expect(r.right.optimizer).toBe("adam");
      const s = r.right.state;
      if (s === undefined) throw new Error("no state");
      expect([s.epoch, s.step, s.optState.step]).toEqual([3, 42, 2]);
      expect(s.rng).toEqual(state.rng);
      expect(s.optState.slots.length).toBe(2);
      s.optState.slots.forEach((slot, k) => {
        sameBits(slot, state.optState.slots[k] as Params);
      });
      const again = decodeCheckpoint(bytes);
      if (E.isLeft(again)) throw new Error(draw(again.left));
      expect(again.right.manifest.version).toBe(CHECKPOINT_VERSION);
      expect(Object.keys(again.right.slots)).toEqual(["opt.0.W1", "opt.0.b1", "opt.0.W2", "opt.0.b2", "opt.1.W1", "opt.1.b1", "opt.1.W2", "opt.1.b2"]);
      expect(again.right.manifest.training?.tensors.map((e) => e.dtype)).toEqual(Array(8).fill(dtype));
    });
  }

  it("rebuilds the model from the stored architecture when no model is given", () => {
    const model = sequential([dense(4, 3, { activation: "prelu" }), dense(3, 2, { activation: "softmax", layout: "columns" })]);
    const params = model.init(rng(1));
    const r = decodeModel(encodeModel({ model, params, state: stateFor(params, momentum(0.1)), optimizer: "momentum" }));
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(r.right.model.architecture).toEqual(model.architecture);
    sameBits(r.right.params, params);
    expect(Object.keys((r.right.params as Record<string, Tensor>[])[0] as object)).toEqual(["W", "b", "alpha"]);
    expect(r.right.state?.optState.slots.length).toBe(1);
    expect(r.right.optimizer).toBe("momentum");
    expect(r.right.meta).toEqual({});
  });

  it("a state of a fresh optimizer and no optimizer name round-trips", () => {
    const model = dense(3, 2);
    const params = model.init(rng(2));
    const state: TrainState<typeof params> = { optState: { step: 0, slots: [] }, epoch: 0, step: 0, rng: { shuffle: rng(1).state(), noise: rng(2).state(), augment: rng(3).state() } };
    const r = decodeModel(encodeModel({ model, params, state }), model);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(r.right.state).toEqual(state);
    expect(r.right).not.toHaveProperty("optimizer");
  });

  it("says precisely how the stored model differs from the expected one", () => {
    const saved = mlp([784, 128, 64, 10], { hidden: "tanh" });
    const bytes = encodeModel({ model: saved, params: saved.init(rng(0)) });
    const t = (expected: DescribedModel): string => text(decodeModel(bytes, expected));
    expect(t(mlp([784, 128, 128, 10], { hidden: "tanh" }))).toBe("architecture: layer 2: has 64 units, expected 128");
    expect(t(mlp([784, 128, 64, 10]))).toBe(['architecture: layer 1: activation is "tanh", expected "relu"', 'architecture: layer 2: activation is "tanh", expected "relu"'].join("\n"));
    expect(t(mlp([784, 128, 10], { hidden: "tanh" }))).toBe("architecture: has 3 layers (sizes [784, 128, 64, 10]), expected 2 (sizes [784, 128, 10])");
    expect(t(mlp([784, 128, 64, 10], { hidden: "tanh", layout: "rows" }))).toMatch(/^architecture: layer 1: layout is "columns", expected "rows"\n/);
    expect(t(mlp([784, 128, 64, 10], { hidden: "tanh", dropout: 0.2 }))).toBe("architecture: layer 1: dropout is 0, expected 0.2\narchitecture: layer 2: dropout is 0, expected 0.2");
    expect(t(sequential([dense(784, 10)]) as unknown as DescribedModel)).toBe("architecture: is an mlp [784, 128, 64, 10], expected a sequential [784, 10]");
    expect(t(mlp([784, 128, 64, 10], { hidden: "tanh", init: "small" }))).toBe("ok");
  });

  it("checks a parameters-only (version 1) checkpoint by its tensors: shapes, dtypes, missing and extra names", () => {
    const model = mlp([4, 3, 2]);
    const p = model.init(rng(0));
    expect(text(decodeModel(encodeCheckpoint(p), model))).toBe("ok");
    expect(text(decodeModel(encodeCheckpoint(p), mlp([4, 3, 3])))).toBe("params: W2: shape is [2, 3], expected [3, 3]\nparams: b2: shape is [2, 1], expected [3, 1]");
    expect(text(decodeModel(encodeCheckpoint({ W1: p.W1, b1: p.b1, W2: p.W2 }), model))).toBe("params: b2: missing: expected a parameter of shape [2, 1]");
    expect(text(decodeModel(encodeCheckpoint({ ...p, W3: p.W2 }), model))).toBe("params: W3: unexpected parameter: the model has no such parameter");
    expect(text(decodeModel(encodeCheckpoint(p), model, { dtype: "float64" }))).toBe(["W1", "b1", "W2", "b2"].map((n) => `params: ${n}: dtype is float32, expected float64`).join("\n"));
    expect(text(decodeModel(encodeCheckpoint(p)))).toMatch(/^no architecture stored \(a version-1 checkpoint of parameters only\): pass the model/);
  });

  it("checks the optimizer's slots against the parameters", () => {
    const model = mlp([4, 3, 2]);
    const params = model.init(rng(0));
    const bytes = encodeModel({ model, params, state: stateFor(params) });
    // the same length, so the data stays where it was
    const renamed = rewrite(bytes, (m) => m.replace('"name":"opt.1.b2"', '"name":"opt.1.bX"'));
    expect(text(decodeModel(renamed, model))).toBe("training: opt.1.b2: missing: expected a slot tensor of shape [2, 1]\ntraining: opt.1.bX: unexpected slot tensor: the model has no such parameter");
    const fewer = rewrite(bytes, (m) => m.replace('"slots":2', '"slots":1'));
    expect(text(decodeModel(fewer, model))).toMatch(/^training: opt\.1\.W1: unexpected slot tensor/);
  });

  it("throws, naming the function and the argument, when what is saved does not fit the model", () => {
    const model = mlp([4, 3, 2]);
    const p = model.init(rng(0));
    const other = mlp([4, 5, 2]).init(rng(0));
    expect(() => encodeModel({ model, params: other as never })).toThrow(
      "encodeModel: argument 'params' does not fit the model: W1: shape is [5, 4], expected [3, 4]; b1: shape is [5, 1], expected [3, 1]; W2: shape is [2, 5], expected [2, 3]",
    );
    expect(() => encodeModel({ model: { apply: () => p.W1 } as unknown as DescribedModel, params: p })).toThrow(/^encodeModel: argument 'model' must be a model with an architecture/);
    expect(() => encodeModel({ model, params: p, state: stateFor(other) as never })).toThrow(
      /^encodeModel: argument 'state': optimizer slot 0 does not fit the parameters: W1: shape is \[5, 4\], expected \[3, 4\]/,
    );
    expect(() => encodeModel({ model, params: p, state: { ...stateFor(p), epoch: -1 } })).toThrow(
      "encodeModel: argument 'state' is not a valid TrainState: epoch: expected a non-negative integer, got -1",
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => encodeModel({ model, params: p, meta: { x: deep as never } })).toThrow(
      /^encodeModel: argument 'meta' must be a record of JSON values: x: (index 0: ){62}nested deeper than 63 levels$/,
    );
    // as JSON.stringify does, non-finite numbers are written as null (a diverged run can still be saved)
    const nan = decodeModel(encodeModel({ model, params: p, meta: { loss: Number.NaN } }), model);
    expect(E.isRight(nan) && nan.right.meta).toEqual({ loss: null });
    expect(() => decodeModel(new Uint8Array(0), { W: p.W1 } as never)).toThrow(/^decodeModel: argument 'expected' must be a model such as mlp/);
  });
});

describe("the optimizer's name and its state agree", () => {
  const model = mlp([4, 3, 2]);
  const params = model.init(rng(0));
  const adamState = stateFor(params, adam(1e-2));
  const momentumState = stateFor(params, momentum(0.1));

  it("encodeModel refuses a built-in optimizer's name on another optimizer's state, naming both arguments", () => {
    expect(() => encodeModel({ model, params, state: adamState, optimizer: "gd" })).toThrow(
      "encodeModel: argument 'optimizer' is \"gd\", which keeps 0 slots, but argument 'state' holds 2 optimizer slots",
    );
    expect(() => encodeModel({ model, params, state: adamState, optimizer: gd(0.1) })).toThrow(/^encodeModel: argument 'optimizer' is "gd", which keeps 0 slots, but argument 'state' holds 2/);
    expect(() => encodeModel({ model, params, state: momentumState, optimizer: "adam" })).toThrow(/^encodeModel: argument 'optimizer' is "adam", which keeps 2 slots, but argument 'state' holds 1/);
    expect(() => encodeModel({ model, params, state: adamState, optimizer: "rmsprop" })).toThrow(/^encodeModel: argument 'optimizer' is "rmsprop", which keeps 1 slot, but argument 'state' holds 2/);
    expect(() => encodeModel({ model, params, state: adamState, optimizer: withGradientClipping(momentum(0.1), 5) })).toThrow(
      /^encodeModel: argument 'optimizer' is "momentum\+clip\(5\)", which keeps 1 slot, but argument 'state' holds 2/,
    );
    // the right names pass, and a custom optimizer's name is the caller's to choose
    for (const [state, optimizer] of [
      [adamState, "adam"],
      [adamState, withGradientClipping(adam(1e-3), 1)],
      [momentumState, "nesterov"],
      [momentumState, "my-optimizer"],
    ] as const)
      expect(text(decodeModel(encodeModel({ model, params, state, optimizer }), model))).toBe("ok");
  });

  it("encodeModel refuses an optimizer without a state (its name would be lost)", () => {
    expect(() => encodeModel({ model, params, optimizer: adam(1e-3) })).toThrow(
      "encodeModel: argument 'optimizer' is given without argument 'state': the optimizer's name is stored with its state (pass fit's result.state too, or leave 'optimizer' out)",
    );
  });

  it("a file whose built-in optimizer name does not match its slots is a Left, with a path", () => {
    const bytes = encodeModel({ model, params, state: adamState, optimizer: "adam" });
    const relabel = (name: string) => rewrite(bytes, (m) => m.replace('"optimizer":"adam"', `"optimizer":"${name}"`));
    expect(text(decodeCheckpoint(relabel("gd")))).toBe('manifest: training: optimizer: "gd" keeps 0 slots, the file holds 2');
    expect(text(decodeModel(relabel("momentum"), model))).toBe('manifest: training: optimizer: "momentum" keeps 1 slot, the file holds 2');
    expect(text(decodeModel(relabel("custom"), model))).toBe("ok");
  });
});

describe("the manifest decoder is bounded", () => {
  const model = mlp([2, 2]);
  const base = encodeCheckpoint(model.init(rng(0)), { x: 1 });
  const meta = (json: string): string => text(decodeCheckpoint(rewrite(base, (m) => m.replace('{"x":1}', json))));

  it("meta nested 3000 deep is a Left, not a stack overflow (arrays and objects)", () => {
    expect(meta(`{"a":${"[".repeat(3000)}${"]".repeat(3000)}}`)).toMatch(/^manifest: meta: a: (index 0: ){62}nested deeper than 64 levels$/);
    expect(meta(`${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`)).toMatch(/^manifest: meta: (a: ){63}nested deeper than 64 levels$/);
    expect(meta(`{"a":${"[".repeat(60)}${"]".repeat(60)}}`)).toBe("ok");
  });

  it("decoding time stays linear in the manifest's size", () => {
    // a complexity guard, not a speed test: linear is ~10× for 10× the input, quadratic ~100×.
    // CPU time, not wall-clock (a loaded machine stretches the wall clock of some runs by several
    // times); each size five times, interleaved, and the fastest counts.
    const manifest = (n: number) => rewrite(base, (m) => m.replace('{"x":1}', `{"a":${"[".repeat(n)}${"]".repeat(n)},"b":[${Array(n).fill('{"k":[1,"s",null,true]}').join(",")}]}`));
    const small = manifest(20_000);
    const large = manifest(200_000);
    const time = (bytes: Uint8Array): number => {
      const t0 = process.cpuUsage();
      decodeCheckpoint(bytes);
      const t = process.cpuUsage(t0);
      return (t.user + t.system) / 1000;
    };
    time(manifest(1000));
    let [ts, tl] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (let r = 0; r < 5; r++) {
      ts = Math.min(ts, time(small));
      tl = Math.min(tl, time(large));
    }
    expect(tl / Math.max(ts, 1)).toBeLessThan(40);
  });

  it("huge arrays, wrong types, __proto__ keys and non-finite numbers are Lefts with a path", () => {
    const edit = (f: (m: string) => string): string => text(decodeCheckpoint(rewrite(base, f)));
    const entry = '{"name":"a","shape":[],"dtype":"float32"}';
    expect(
      edit((m) =>
        m.replace(
          /"params":\[.*?\],"dataBytes"/,
          `"params":[${Array(MANIFEST_LIMITS.tensors + 1)
            .fill(entry)
            .join(",")}],"dataBytes"`,
        ),
      ),
    ).toBe(`manifest: params: has ${MANIFEST_LIMITS.tensors + 1} tensors, at most ${MANIFEST_LIMITS.tensors} are accepted`);
    expect(edit((m) => m.replace('"shape":[2,2]', `"shape":[${Array(1_000_000).fill(1).join(",")}]`))).toBe("manifest: params: index 0: shape: has 1000000 sizes, at most 32 are accepted");
    expect(edit((m) => m.replace('"version":1', '"version":"1"'))).toBe('manifest: version: expected a format version, got "1"');
    expect(edit((m) => m.replace('"dtype":"float32"', '"dtype":"int8"'))).toBe('manifest: params: index 0: dtype: expected "float32" or "float64", got "int8"');
    expect(edit((m) => m.replace('"meta":{"x":1}', '"meta":[1]'))).toBe("manifest: meta: expected a record of JSON values, got an array of 1");
    expect(edit((m) => m.replace('{"x":1}', '{"__proto__":{"polluted":true}}'))).toBe("manifest: meta: __proto__: the key '__proto__' is not allowed");
    expect(edit((m) => m.replace('"format"', '"__proto__":{"version":1},"format"'))).toBe("manifest: __proto__: the key '__proto__' is not allowed");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(edit((m) => m.replace('"x":1', '"x":1e999'))).toBe("manifest: meta: x: expected a finite number, got Infinity");
    expect(edit((m) => m.replace('"version":1', '"version":2,"architecture":{"kind":"mlp","sizes":[2,-2]}'))).toBe(
      [
        "manifest: architecture: sizes: index 1: expected an integer ≥ 1, got -2",
        "manifest: architecture: layout: expected one of columns, rows, got undefined",
        "manifest: architecture: hidden: expected one of linear, sigmoid, tanh, relu, leakyRelu, rrelu, elu, softmax, got undefined",
        "manifest: architecture: output: expected one of linear, sigmoid, tanh, relu, leakyRelu, rrelu, elu, softmax, got undefined",
        "manifest: architecture: dropout: expected a probability in [0, 1), got undefined",
      ].join("\n"),
    );
    expect(edit((m) => m.replace('"version":1', '"version":1,"architecture":{"kind":"mlp","sizes":[2,2],"layout":"columns","hidden":"relu","output":"linear","dropout":0}'))).toBe(
      "corrupted: a version-1 manifest with an architecture or training state",
    );
  });

  it("training sections are checked field by field", () => {
    const params = model.init(rng(0));
    const bytes = encodeModel({ model, params, state: stateFor(params) });
    const edit = (f: (m: string) => string): string => text(decodeCheckpoint(rewrite(bytes, f)));
    expect(edit((m) => m.replace(/"shuffle":\[[^\]]*\]/, '"shuffle":[0,0,0,0,null]'))).toBe("manifest: training: rng: shuffle: expected a generator state, got four zero words");
    expect(edit((m) => m.replace(/"noise":\[\d+/, '"noise":[-1'))).toBe("manifest: training: rng: noise: index 0: expected a 32-bit unsigned integer, got -1");
    expect(edit((m) => m.replace('"epoch":3', '"epoch":3.5'))).toBe("manifest: training: epoch: expected a non-negative integer, got 3.5");
  });
});
