/**
 * `trainStep`'s option `donate`: a donated loop gives the same parameters bit for bit as a loop
 * that keeps every old parameter, gives the old parameters and state back to the WASM backend
 * (read afterwards, they throw a message naming the option), changes nothing on the reference
 * backend (its memory is the garbage collector's), and is checked.
 */
import { describe, expect, test } from "vitest";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { wasm, wasmStats } from "../../src/backend/wasm/index.js";
import { mlp, softmaxCrossEntropy } from "../../src/nn/index.js";
import { adam, gd } from "../../src/optim/index.js";
import { fromArray, toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { trainStep, trainStepAsync } from "../../src/train/index.js";

const net = mlp([20, 16, 8, 3], { hidden: "relu", layout: "rows" });
const batch = (): { X: Tensor; Y: Tensor } => {
  const g = rng(3);
  return {
    X: fromArray(
      [12, 20],
      Array.from({ length: 240 }, () => g.uniform() - 0.5),
    ),
    Y: fromArray(
      [12, 3],
      Array.from({ length: 36 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)),
    ),
  };
};
const bytes = (ts: readonly Tensor[]): string => ts.map((t) => Buffer.from(toFlat(t).buffer).toString("base64")).join("|");

const loop = (donate: boolean, steps: number, opt = gd(0.1)) => {
  const { X, Y } = batch();
  let p = net.init(rng(1));
  let s = opt.init(p);
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    const r = trainStep(net, softmaxCrossEntropy, opt, p, s, X, Y, { layout: "rows", donate });
    p = r.params;
    s = r.state;
    losses.push(r.loss);
  }
  return { p, losses };
};

describe("trainStep's donate", () => {
  for (const [name, be] of [
    ["wasm", wasm],
    ["reference", reference],
  ] as const)
    test(`${name}: a donated loop gives the bytes of a loop that keeps the old parameters (gd and adam)`, () =>
      withBackend(be, () => {
        for (const opt of [gd(0.1), adam(0.01)]) {
          const kept = loop(false, 12, opt);
          const given = loop(true, 12, opt);
          expect(given.losses).toEqual(kept.losses);
          expect(bytes(Object.values(given.p))).toBe(bytes(Object.values(kept.p)));
        }
      }));

  test("wasm: the old parameters and optimizer state go back to the backend, and reading one throws naming the option", () =>
    withBackend(wasm, () => {
      const { X, Y } = batch();
      const opt = adam(0.01);
      const p0 = net.init(rng(1));
      const s0 = opt.init(p0);
      const r1 = trainStep(net, softmaxCrossEntropy, opt, p0, s0, X, Y, { layout: "rows" });
      const before = wasmStats().released;
      const r2 = trainStep(net, softmaxCrossEntropy, opt, r1.params, r1.state, X, Y, { layout: "rows", donate: true });
      const donatedReleases = wasmStats().released - before;
      const mid = wasmStats().released;
      trainStep(net, softmaxCrossEntropy, opt, r2.params, r2.state, X, Y, { layout: "rows" });
      const keptReleases = wasmStats().released - mid;
      // six parameters and their two moment slots: 18 storages more than the kept step gives back
      expect(donatedReleases - keptReleases).toBe(18);
      expect(() => toFlat(r1.params.W1)).toThrow("it was donated (trainStep's option 'donate')");
      expect(() => toFlat((r1.state.slots[0] as typeof p0).b2)).toThrow("donated");
      // the caller's first parameters were not donated: still readable
      expect(toFlat(p0.W1).length).toBe(20 * 16);
      expect(toFlat(r2.params.W1).length).toBe(20 * 16);
    }));

  test("the reference backend refuses a donated tensor too (one rule on every backend), and its new parameters read", () =>
    withBackend(reference, () => {
      const { X, Y } = batch();
      const opt = gd(0.1);
      const p0 = net.init(rng(1));
      const r = trainStep(net, softmaxCrossEntropy, opt, p0, opt.init(p0), X, Y, { layout: "rows", donate: true });
      expect(() => toFlat(p0.W1)).toThrow("toFlat: argument 't' (shape [20,16]) was given back after a training step: it was donated (trainStep's option 'donate')");
      expect(toFlat(r.params.W1).length).toBe(20 * 16);
    }));

  test("trainStepAsync donates too, with the same result", async () => {
    const { X, Y } = batch();
    const opt = gd(0.1);
    const run = (donate: boolean) =>
      withBackend(wasm, async () => {
        const p0 = net.init(rng(1));
        const r1 = await trainStepAsync(net, softmaxCrossEntropy, opt, p0, opt.init(p0), X, Y, { layout: "rows" });
        const r2 = await trainStepAsync(net, softmaxCrossEntropy, opt, r1.params, r1.state, X, Y, { layout: "rows", donate });
        const out = bytes(Object.values(r2.params));
        if (donate) expect(() => toFlat(r1.params.b1)).toThrow("donated");
        return out;
      });
    expect(await run(true)).toBe(await run(false));
  });

  test("a donate that is not a boolean is refused, naming the function", async () => {
    const { X, Y } = batch();
    const opt = gd(0.1);
    const p0 = net.init(rng(1));
    expect(() => trainStep(net, softmaxCrossEntropy, opt, p0, opt.init(p0), X, Y, { layout: "rows", donate: "yes" as never })).toThrow("trainStep: option 'donate' must be a boolean, got \"yes\"");
    await expect(trainStepAsync(net, softmaxCrossEntropy, opt, p0, opt.init(p0), X, Y, { layout: "rows", donate: 1 as never })).rejects.toThrow("trainStepAsync: option 'donate' must be a boolean");
  });
});
