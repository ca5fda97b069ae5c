/**
 * `ready()` warms the JavaScript of a training step (src/train/ready.ts): a few real steps of a tiny
 * dense network in each layout, run while the WASM backend's workers start. It must leave next to
 * nothing behind: what it made goes back to the backend once (on the WASM backend an unreleased
 * storage sits in the ring until evicted, and is copied out then), the creation backend is the one
 * it found, and a program's results are the same bytes with or without it.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Backend, Storage } from "../../src/backend/backend.js";
import { getBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { warmTrainingStep } from "../../src/train/ready.js";

/** The reference backend, recording every storage it makes and every one given back (twice is an error; given back is poisoned). */
const spy = (): { backend: Backend; made: Set<Storage>; released: Set<Storage> } => {
  const made = new Set<Storage>();
  const released = new Set<Storage>();
  const make = (reference as unknown as { make: (d: Float32Array | Float64Array) => Storage }).make;
  const backend = Object.assign(Object.create(reference) as Backend, {
    name: "spy",
    make(this: Backend, data: Float32Array | Float64Array): Storage {
      const s = make.call(this, data);
      made.add(s);
      return s;
    },
    release: (s: Storage): void => {
      if (released.has(s)) throw new Error("spy backend: a storage was released twice");
      released.add(s);
      (s as unknown as { data: Float32Array | Float64Array }).data.fill(Number.NaN);
    },
  });
  return { backend, made, released };
};

describe("ready()'s warm-up of the training step", () => {
  it("runs training steps and gives back what it made, each once, leaving only the steps' scalars and a few tiny values", () => {
    const { backend, made, released } = spy();
    const before = getBackend();
    warmTrainingStep(backend);
    expect(getBackend()).toBe(before);
    // six steps of a two-layer network make hundreds of storages (a step that did nothing would not)
    expect(made.size).toBeGreaterThan(200);
    expect([...released].filter((s) => !made.has(s))).toEqual([]);
    // Left: the scalar constants of the ops (the WASM backend shares one storage per value and never
    // releases them) and, per step, the few values a step computes under its trace and does not
    // return (its cost, the softmax) plus the first parameters' random draws: 370 elements here.
    // Without the warm-up's own give-back (the data, the parameters, the optimizer slots and the
    // outputs) 1,792 are left.
    const left = [...made].filter((s) => !released.has(s) && s.length > 1);
    expect(left.reduce((n, s) => n + s.length, 0)).toBeLessThan(600);
  });

  it("changes no result: a seeded training run gives the same bytes with or without ready() first", () => {
    const root = join(import.meta.dirname, "..", "..");
    const program = (withReady: boolean): string => `
(async () => {
  const tg = await import("./src/index.ts");
  ${withReady ? "await tg.ready();" : ""}
  const net = tg.mlp([6, 5, 3], { hidden: "relu", layout: "rows" });
  const opt = tg.adam(0.01);
  let params = net.init(tg.rng(7));
  let state = opt.init(params);
  const X = tg.uniform(tg.rng(8), [16, 6]);
  const Y = tg.fromArray([16, 3], Float32Array.from({ length: 48 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)));
  const losses = [];
  for (let s = 0; s < 4; s++) {
    const r = tg.trainStep(net, tg.softmaxCrossEntropy, opt, params, state, X, Y, { layout: "rows" });
    ({ params, state } = r);
    losses.push(r.loss);
  }
  console.log(JSON.stringify({ backend: tg.getBackend().name, losses, W1: Array.from(tg.toFlat(params.W1)) }));
})();`;
    const { TYPEGRAD_BACKEND: _, ...env } = process.env;
    const run = (withReady: boolean): unknown =>
      JSON.parse(
        execFileSync(join(root, "node_modules", ".bin", "tsx"), ["--eval", program(withReady)], { cwd: root, env, encoding: "utf8" })
          .trim()
          .split("\n")
          .at(-1) ?? "",
      );
    const [plain, readied] = [run(false), run(true)];
    expect((plain as { backend: string }).backend).toBe("wasm");
    expect(readied).toEqual(plain);
  }, 90_000);
});
