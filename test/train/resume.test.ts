/**
 * Stopping and continuing a run: `fit` returns its `TrainState` and resumes from one bit for bit
 * (shuffling, dropout, augmentation and Adam all carry over); an `AbortSignal` stops it between
 * batches; `fitAsync` runs the same loop, yielding to the event loop, with the same result.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "vitest";
import { draw } from "../../src/codec/errors.js";
import { type Examples, fromFlat, oneHot, shiftImages } from "../../src/data/index.js";
import { mlp, softmaxCrossEntropy } from "../../src/nn/index.js";
import { loadModel, saveModel } from "../../src/node/checkpoint.js";
import { adam, gd, momentum } from "../../src/optim/index.js";
import { toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { type FitResult, fitAsync, type TrainState, fit as train } from "../../src/train/index.js";

/** 3×3 "images" of 3 classes (a bright row), with noise. */
const images = (m: number, seed: number): Examples<9, 3> => {
  const g = rng(seed);
  const x = new Float64Array(m * 9);
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const c = g.int(3);
    y[i] = c;
    for (let j = 0; j < 9; j++) x[i * 9 + j] = (Math.floor(j / 3) === c ? 1 : 0) + 0.3 * g.normal();
  }
  return oneHot(fromFlat(9, 1, x, y), 3);
};

const net = mlp([9, 12, 3], { hidden: "relu", dropout: 0.3 });
const data = images(40, 1);
const options = {
  model: net,
  params: net.init(rng(2)),
  loss: softmaxCrossEntropy,
  optimizer: adam(0.02),
  train: data,
  validation: images(20, 3),
  batchSize: 8,
  seed: 7,
  augment: (b: Examples<9, 3>, g: Parameters<typeof shiftImages>[1]) => shiftImages(b, g, { width: 3, height: 3 }),
} as const;

const flat = (p: Record<string, Tensor>): number[][] =>
  Object.keys(p)
    .sort()
    .map((k) => Array.from(toFlat(p[k] as Tensor)));

describe("resume", () => {
  test("4 epochs equal 2 epochs and a resume to 4, bit for bit (params, history, optimizer state)", () => {
    const whole = train({ ...options, epochs: 4 });
    const first = train({ ...options, epochs: 2 });
    expect(first.state.epoch).toBe(2);
    expect(first.state.step).toBe(2 * 5);
    const rest = train({ ...options, params: first.params, resume: first.state, epochs: 4 });
    expect(rest.history.map((h) => h.epoch)).toEqual([3, 4]);
    expect([...first.history, ...rest.history]).toEqual(whole.history);
    expect(flat(rest.params)).toEqual(flat(whole.params));
    expect(rest.optState.step).toBe(whole.optState.step);
    expect(rest.optState.slots.map(flat)).toEqual(whole.optState.slots.map(flat));
    expect(rest.state).toEqual(whole.state);
    // the randomness matters: another seed gives another run
    expect(flat(train({ ...options, epochs: 4, seed: 8 }).params)).not.toEqual(flat(whole.params));
  });

  test("the state onEpoch sees resumes like the result's", () => {
    const saved: { params?: Record<string, Tensor>; state?: TrainState<Record<string, Tensor>> } = {};
    const whole = train({
      ...options,
      epochs: 3,
      onEpoch: (r, params, state) => {
        if (r.epoch === 1) Object.assign(saved, { params, state });
      },
    });
    const s = saved.state as TrainState<Record<string, Tensor>>;
    expect(s.epoch).toBe(1);
    const rest = train({ ...options, params: saved.params as never, resume: s as never, epochs: 3 });
    expect(flat(rest.params)).toEqual(flat(whole.params));
  });

  test("resuming a finished run runs nothing; bad resume options are named", () => {
    const done = train({ ...options, epochs: 2 });
    const again = train({ ...options, params: done.params, resume: done.state, epochs: 2 });
    expect(again.history).toEqual([]);
    expect(flat(again.params)).toEqual(flat(done.params));
    expect(() => train({ ...options, epochs: 2, resume: done.state, optState: done.optState })).toThrow(/fit: give either option 'optState' or option 'resume'/);
    expect(() => train({ ...options, epochs: 2, resume: {} as never })).toThrow(/fit: option 'resume' must be a TrainState/);
  });
});

describe("signal", () => {
  test("an abort between batches stops with reason 'aborted' and the last parameters", () => {
    const ctl = new AbortController();
    let seen: FitResult<Record<string, Tensor>>["params"] | undefined;
    const r = train({
      ...options,
      epochs: 3,
      onBatch: (i) => {
        if (i.step === 7) ctl.abort("enough");
      },
      onEpoch: (_r, p) => {
        seen = p;
      },
      signal: ctl.signal,
    });
    expect(r.stop.reason).toBe("aborted");
    expect(r.stop.step).toBe(7);
    expect(r.stop.message).toBe("fit: aborted at epoch 2, batch 2 (enough)");
    expect(r.history).toHaveLength(1);
    expect(r.state.epoch).toBe(1);
    // the parameters after update 7 are those of a run of 7 updates stopped by onBatch
    const byCallback = train({ ...options, epochs: 3, onBatch: (i) => (i.step === 7 ? "stop" : undefined) });
    expect(flat(r.params)).toEqual(flat(byCallback.params));
    expect(seen).toBeDefined();
  });

  test("an aborted signal stops before the first batch", () => {
    const r = train({ ...options, epochs: 3, signal: AbortSignal.abort() });
    expect(r.stop.reason).toBe("aborted");
    expect(r.stop.step).toBe(0);
    expect(r.params).toBe(options.params);
  });
});

describe("resuming with another optimizer", () => {
  test("a state with another number of slots than a built-in optimizer keeps is named as fit's option, not as optimizer.step's argument", () => {
    const first = train({ ...options, epochs: 1 });
    // before: "gd.step: argument 'state' must come from gd.init (0 slots)"
    expect(() => train({ ...options, params: first.params, resume: first.state, epochs: 2, optimizer: gd(0.1) })).toThrow(
      new TypeError("fit: option 'resume' holds 2 optimizer slots, but option 'optimizer' (gd) keeps 0: resume with the optimizer that made the state"),
    );
    expect(() => train({ ...options, optState: first.optState, epochs: 1, optimizer: momentum(0.1) })).toThrow(
      new TypeError("fit: option 'optState' holds 2 optimizer slots, but option 'optimizer' (momentum) keeps 1: resume with the optimizer that made the state"),
    );
    expect(train({ ...options, params: first.params, resume: first.state, epochs: 2 }).stop.reason).toBe("epochs");
  });
});

describe("fitAsync", () => {
  test("the same result as fit, bit for bit, and the event loop runs between batches", async () => {
    const sync = train({ ...options, epochs: 3 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let turns = 0;
    const p = fitAsync({ ...options, epochs: 3, onBatch: () => void turns++ });
    const r = await p.finally(() => clearInterval(timer));
    expect(r.history).toEqual(sync.history);
    expect(flat(r.params)).toEqual(flat(sync.params));
    expect(r.state).toEqual(sync.state);
    expect(turns).toBe(15);
    expect(ticks).toBeGreaterThan(0);
  });

  test("a timer due later fires while it trains (on Node, MessageChannel turns had starved timers to the end of the run)", async () => {
    const ctl = new AbortController();
    let armed = false;
    // a timer armed while the run is already turning the event loop, as a user's timeout would be
    const onBatch = () => {
      if (!armed) setTimeout(() => ctl.abort(), 5);
      armed = true;
    };
    const r = await fitAsync({ ...options, epochs: 300, signal: ctl.signal, onBatch });
    expect(r.stop.reason).toBe("aborted");
    expect(r.history.length).toBeLessThan(100);
  });

  test("an abort from another task stops it; bad options reject naming fitAsync", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 0);
    const r = await fitAsync({ ...options, epochs: 1000, signal: ctl.signal });
    expect(r.stop.reason).toBe("aborted");
    expect(r.stop.message).toMatch(/^fitAsync: aborted at epoch \d+, batch \d+/);
    await expect(fitAsync({ ...options, epochs: -1 })).rejects.toThrow("fitAsync: option 'epochs' must be an integer ≥ 0, got -1");
    await expect(fitAsync({ ...options, epochs: 1, yieldEvery: -1 })).rejects.toThrow(/fitAsync: option 'yieldEvery'/);
  });
});

describe("resume from a checkpoint on disk", () => {
  test("fit 2 epochs, saveModel with the state, loadModel, resume to 4: the same as 4 epochs in one run (float32 and float64)", () => {
    const dir = mkdtempSync(join(tmpdir(), "typegrad-resume-"));
    try {
      for (const dtype of ["float32", "float64"] as const) {
        const opts = { ...options, params: net.init(rng(2), { dtype }), dtype };
        const whole = train({ ...opts, epochs: 4 });
        const first = train({ ...opts, epochs: 2 });
        const path = join(dir, `run-${dtype}.ckpt`);
        saveModel(path, { model: net, params: first.params, state: first.state, optimizer: "adam", meta: { note: "after 2 epochs" } });
        const loaded = loadModel(path, net);
        if (E.isLeft(loaded)) throw new Error(draw(loaded.left));
        const { params, state, meta } = loaded.right;
        expect(meta).toEqual({ note: "after 2 epochs" });
        if (state === undefined) throw new Error("the checkpoint lost the training state");
        const rest = train({ ...opts, params, resume: state, epochs: 4 });
        expect([...first.history, ...rest.history]).toEqual(whole.history);
        expect(flat(rest.params)).toEqual(flat(whole.params));
        expect(rest.state).toEqual(whole.state);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
