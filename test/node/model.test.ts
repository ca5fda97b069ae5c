/**
 * Model checkpoints on disk: `saveModel` writes atomically, `loadModel(path, expected)` gives the
 * typed parameters and training state back or says (under the file's path) what differs;
 * `loadModel(path)` rebuilds the model; the version-1 fixture written by the previous release
 * still loads, through every API, and today's `encodeCheckpoint` writes it byte for byte.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, describe, expect, it } from "vitest";
import { adam, type DecodeError, draw, encodeCheckpoint, fromArray, mlp, rng, type Tensor, toFlat } from "../../src/index.js";
import { loadCheckpoint, loadModel, readCheckpoint, saveCheckpoint, saveModel } from "../../src/node/index.js";

const dir = mkdtempSync(join(tmpdir(), "typegrad-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = (r: E.Either<readonly DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");
const fixtures = join(import.meta.dirname, "..", "fixtures", "checkpoint");

describe("saveModel / loadModel", () => {
  it("saves atomically and loads model, parameters, meta and state back", () => {
    const model = mlp([6, 4, 3], { hidden: "elu", alpha: 0.5 });
    const params = model.init(rng(0), { dtype: "float64" });
    const opt = adam(1e-3);
    const state = { optState: opt.step(params, params, opt.init(params))[1], epoch: 1, step: 8, rng: { shuffle: rng(1).state(), noise: rng(2).state(), augment: rng(3).state() } };
    const path = join(dir, "run", "model.ckpt");
    const manifest = saveModel(path, { model, params, meta: { accuracy: 0.9 }, state, optimizer: opt });
    expect(manifest.version).toBe(2);
    expect(manifest.architecture).toEqual(model.architecture);
    expect(readdirSync(join(dir, "run"))).toEqual(["model.ckpt"]);
    const r = loadModel(path, model);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    const W1: Tensor<[4, 6]> = r.right.params.W1;
    expect(Array.from(toFlat(W1))).toEqual(Array.from(toFlat(params.W1)));
    expect(r.right.meta).toEqual({ accuracy: 0.9 });
    expect(r.right.state?.optState.step).toBe(1);
    expect(r.right.state?.rng).toEqual(state.rng);
    expect(Array.from(toFlat(r.right.state?.optState.slots[1]?.b2 as Tensor))).toEqual(Array.from(toFlat(state.optState.slots[1]?.b2 as Tensor)));
    const rebuilt = loadModel(path);
    if (E.isLeft(rebuilt)) throw new Error(draw(rebuilt.left));
    const X = fromArray([6, 2], [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6], { dtype: "float64" });
    expect(Array.from(toFlat(rebuilt.right.model.apply(rebuilt.right.params, X)))).toEqual(Array.from(toFlat(model.apply(params, X))));
    // the old API reads the new file: its parameters, and the slots apart
    const old = loadCheckpoint(path, { W1: [4, 6], b1: [4, 1], W2: [3, 4], b2: [3, 1] });
    expect(text(old)).toBe("ok");
    const info = readCheckpoint(path);
    expect(E.isRight(info) && Object.keys(info.right.slots).length).toBe(8);
  });

  it("says what differs, under the file's path", () => {
    const path = join(dir, "mnist.ckpt");
    const saved = mlp([784, 128, 64, 10]);
    saveModel(path, { model: saved, params: saved.init(rng(0)) });
    expect(text(loadModel(path, mlp([784, 128, 128, 10])))).toBe(`${path}: architecture: layer 2: has 64 units, expected 128`);
    expect(text(loadModel(path, mlp([784, 128, 64, 10], { hidden: "tanh" })))).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: architecture: layer 1: activation is "relu", expected "tanh"`),
    );
    expect(text(loadModel(path, mlp([784, 128, 64, 10]), { dtype: "float64" }))).toMatch(/mnist\.ckpt: params: W1: dtype is float32, expected float64/);
    expect(text(loadModel(join(dir, "none.ckpt"), saved))).toMatch(/none\.ckpt: cannot read: ENOENT/);
  });

  it("throws a message naming the function when the path cannot be written or the params do not fit", () => {
    const model = mlp([2, 2]);
    expect(() => saveModel(join(dir, "x.ckpt"), { model, params: mlp([3, 2]).init(rng(0)) as never })).toThrow(
      /^encodeModel: argument 'params' does not fit the model: W1: shape is \[2, 3\], expected \[2, 2\]/,
    );
    saveCheckpoint(join(dir, "plain"), { W: fromArray([1], [1]) });
    expect(() => saveModel(join(dir, "plain", "sub.ckpt"), { model, params: model.init(rng(0)) })).toThrow(/^saveModel: could not write '.*plain\/sub\.ckpt': /);
  });
});

describe("the version-1 fixture (written by the previous release)", () => {
  const path = join(fixtures, "v1-mlp-4-3-2.ckpt");
  const expected = JSON.parse(readFileSync(join(fixtures, "v1-mlp-4-3-2.json"), "utf8")) as { meta: Record<string, unknown>; params: Record<string, number[]> };
  const values = (p: Record<string, Tensor>): Record<string, number[]> => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.from(toFlat(v))]));

  it("loads through loadModel with the expected model, checked by its parameters", () => {
    const r = loadModel(path, mlp([4, 3, 2], { hidden: "tanh" }));
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(values(r.right.params)).toEqual(expected.params);
    expect(r.right.meta).toEqual(expected.meta);
    expect(r.right.state).toBeUndefined();
    expect(text(loadModel(path, mlp([4, 5, 2])))).toBe(
      `${path}: params: W1: shape is [3, 4], expected [5, 4]\n${path}: params: b1: shape is [3, 1], expected [5, 1]\n${path}: params: W2: shape is [2, 3], expected [2, 5]`,
    );
    expect(text(loadModel(path))).toMatch(/v1-mlp-4-3-2\.ckpt: no architecture stored \(a version-1 checkpoint of parameters only\)/);
  });

  it("loads through the old API, and today's encodeCheckpoint writes the same bytes", () => {
    const r = loadCheckpoint(path, { W1: [3, 4], b1: [3, 1], W2: [2, 3], b2: [2, 1] });
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(values(r.right)).toEqual(expected.params);
    const ck = readCheckpoint(path);
    if (E.isLeft(ck)) throw new Error(draw(ck.left));
    expect(ck.right.manifest.version).toBe(1);
    const again = encodeCheckpoint(ck.right.params, ck.right.manifest.meta);
    expect(Buffer.from(again).equals(readFileSync(path))).toBe(true);
  });
});
