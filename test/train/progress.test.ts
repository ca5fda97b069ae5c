/**
 * `fit({ progress })`: one line per epoch on a plain stream, a bar redrawn in place with ETA on a
 * terminal, nothing at all when off, and a clear error where there is no stream.
 */
import { describe, expect, test, vi } from "vitest";
import { xor } from "../../src/data/index.js";
import { logLossFromLogits, mlp } from "../../src/nn/index.js";
import { adam } from "../../src/optim/index.js";
import { rng } from "../../src/tensor/random.js";
import { fit as train } from "../../src/train/index.js";
import { clock, epochLine } from "../../src/train/progress.js";

const net = mlp([2, 4, 1], { hidden: "tanh" });
const base = { model: net, params: net.init(rng(1)), loss: logLossFromLogits, optimizer: adam(0.05), train: xor(rng(0), { m: 32 }), batchSize: 8, epochs: 3, seed: 2 } as const;

const sink = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (s: string) => chunks.push(s) } };
};

describe("progress", () => {
  test("a plain stream gets one line per epoch with the epoch's metrics", () => {
    const { chunks, stream } = sink(false);
    const r = train({ ...base, validation: xor(rng(3), { m: 16 }), progress: { stream } });
    const lines = chunks.join("").split("\n").slice(0, -1);
    expect(lines).toHaveLength(3);
    expect(chunks.join("")).not.toContain("\r");
    r.history.forEach((h, i) => {
      expect(lines[i]).toMatch(
        new RegExp(`^epoch ${i + 1}/3  4 batches  \\d+:\\d\\d  loss ${h.loss.toFixed(4)}  acc ${h.accuracy?.toFixed(4)}  val_loss ${h.valLoss?.toFixed(4)}  val_acc ${h.valAccuracy?.toFixed(4)}`),
      );
    });
    expect(lines[0]).toMatch(/ETA \d+:\d\d$/);
    expect(lines[2]).not.toMatch(/ETA/);
  });

  test("a terminal gets a bar redrawn in place, with counters and ETA", () => {
    const { chunks, stream } = sink(true);
    train({ ...base, progress: { stream, every: 0 } });
    const bars = chunks.filter((c) => /\[[#-]+\]/.test(c));
    expect(bars.length).toBe(12);
    const bar = bars[5] as string;
    expect(bar.startsWith("\r") && bar.endsWith("\u001b[K")).toBe(true);
    expect(bar.slice(1, -3)).toMatch(/^epoch 2\/3 \[#+-+\] 2\/4 \| ETA \d+:\d\d \| loss \d\.\d{4} acc \d\.\d{4}$/);
    expect(chunks.filter((c) => c.endsWith("\n"))).toHaveLength(3);
  });

  test("off: no clock read, nothing written; on without a stream: an error naming the option", () => {
    const now = vi.spyOn(performance, "now");
    train({ ...base, progress: false });
    train(base);
    expect(now).not.toHaveBeenCalled();
    now.mockRestore();
    const saved = globalThis.process;
    const stderr = Object.getOwnPropertyDescriptor(saved, "stderr");
    Object.defineProperty(saved, "stderr", { value: undefined, configurable: true });
    try {
      expect(() => train({ ...base, progress: true })).toThrow(/fit: option 'progress' needs a stream with write\(text\)/);
    } finally {
      if (stderr !== undefined) Object.defineProperty(saved, "stderr", stderr);
    }
  });

  test("clock and epochLine", () => {
    expect(clock(61_000)).toBe("1:01");
    expect(clock(3_725_000)).toBe("1:02:05");
    expect(clock(Number.NaN)).toBe("-:--");
    expect(epochLine({ epoch: 1, steps: 4, loss: 0.5, accuracy: undefined, valLoss: undefined, valAccuracy: undefined }, 2, 4, 0)).toBe("epoch 1/2  4 batches  0:00  loss 0.5000");
  });
});
