/**
 * Recurrent models in checkpoints: `rnn`, `gru`, `lstm` (either direction, either output),
 * `bidirectional` and `recurrentNet` carry their architecture, round-trip through
 * `encodeModel`/`decodeModel` and `saveModel`/`loadModel` typed and bit for bit, rebuild from the
 * stored architecture alone (same outputs), and a checkpoint of another model is a `Left` naming
 * each difference. A loaded one exports to ONNX and reads back (`test/onnx/onnx-rnn.test.ts`
 * runs the files in ONNX Runtime).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "vitest";
import {
  ArchitectureCodec,
  bidirectional,
  type Describable,
  decodeModel,
  dense,
  draw,
  encodeModel,
  fromValidationErrors,
  gru,
  lstm,
  mlp,
  modelFromArchitecture,
  namedLeaves,
  type Params,
  randn,
  recurrentNet,
  rng,
  rnn,
  type Tensor,
  toFlat,
} from "../../src/index.js";
import { loadModel, saveModel } from "../../src/node/index.js";
import { exportOnnx, importOnnx } from "../../src/onnx/index.js";

const bits = (p: Params): string[] => namedLeaves("test", p).map(([n, x]) => `${n}:${Buffer.from(toFlat(x).buffer, toFlat(x).byteOffset, toFlat(x).byteLength).toString("hex")}`);

type Runnable = Describable & { apply(p: Params, X: Tensor): Tensor };
const models: [string, Runnable, number][] = [
  ["rnn", rnn(3, 5) as unknown as Runnable, 3],
  ["gru, every step", gru(3, 5, { returns: "sequence" }) as unknown as Runnable, 3],
  ["lstm, reversed", lstm(4, 6, { reverse: true }) as unknown as Runnable, 4],
  ["bidirectional gru", bidirectional(gru(3, 4)) as unknown as Runnable, 3],
  ["recurrentNet lstm → dense", recurrentNet(lstm(28, 16), dense(16, 10, { layout: "rows" })) as unknown as Runnable, 28],
  ["recurrentNet bidirectional rnn → dense prelu", recurrentNet(bidirectional(rnn(3, 4)), dense(8, 2, { layout: "rows", activation: "prelu" })) as unknown as Runnable, 3],
];

describe("recurrent models in checkpoints", () => {
  for (const [what, model, F] of models)
    test(`${what}: round trip typed and bit for bit, rebuilt from the stored architecture with the same output`, () => {
      const params = model.init(rng(1));
      const bytes = encodeModel({ model, params, meta: { what } });
      const typed = decodeModel(bytes, model);
      if (E.isLeft(typed)) throw new Error(draw(typed.left));
      expect(bits(typed.right.params)).toEqual(bits(params));
      const rebuilt = decodeModel(bytes);
      if (E.isLeft(rebuilt)) throw new Error(draw(rebuilt.left));
      expect(rebuilt.right.model.architecture).toEqual(model.architecture);
      const X = randn(rng(2), [7, 2, F]);
      expect(Array.from(toFlat(rebuilt.right.model.apply(rebuilt.right.params, X)))).toEqual(Array.from(toFlat(model.apply(params, X))));
    });

  test("the parameters are typed by the model the program builds", () => {
    const net = recurrentNet(lstm(28, 16), dense(16, 10, { layout: "rows" }));
    const r = decodeModel(encodeModel({ model: net, params: net.init(rng(0)) }), net);
    if (E.isLeft(r)) throw new Error(draw(r.left));
    const U: Tensor<[16, 64]> = r.right.params.body.U;
    const W: Tensor<[16, 10]> = r.right.params.head.W;
    expect([U.shape, W.shape]).toEqual([
      [16, 64],
      [16, 10],
    ]);
  });

  test("another model is a Left naming each difference", () => {
    const net = recurrentNet(lstm(28, 16), dense(16, 10, { layout: "rows" }));
    const bytes = encodeModel({ model: net, params: net.init(rng(0)) });
    const text = (m: Describable): string => {
      const r = decodeModel(bytes, m);
      return E.isLeft(r) ? draw(r.left) : "(a Right)";
    };
    expect(text(recurrentNet(gru(28, 32), dense(32, 10, { layout: "rows" })) as Describable)).toBe(
      "architecture: body: is an lstm, expected a gru\narchitecture: body: has 16 hidden units, expected 32\narchitecture: head: takes 16 inputs, expected 32",
    );
    expect(text(recurrentNet(bidirectional(lstm(28, 8)), dense(16, 10, { layout: "rows" })) as Describable)).toBe("architecture: body: is an lstm, expected a bidirectional layer");
    expect(text(mlp([28, 10]) as Describable)).toBe("architecture: is a recurrentNet, expected an mlp");
    const single = lstm(28, 16);
    const one = decodeModel(encodeModel({ model: single, params: single.init(rng(0)) }), lstm(28, 16, { returns: "sequence", reverse: true }) as Describable);
    expect(E.isLeft(one) && draw(one.left)).toBe('architecture: returns "last", expected "sequence"\narchitecture: reverse is false, expected true');
  });

  test("untrusted architectures are decoded with a path to each bad field", () => {
    const r = ArchitectureCodec.decode({ kind: "recurrentNet", body: { kind: "lstm", nIn: 0, nHidden: 4, returns: "all", reverse: false }, head: dense(4, 2, { layout: "rows" }).architecture });
    expect(E.isLeft(r) && draw(fromValidationErrors(r.left))).toBe('body: nIn: expected an integer ≥ 1, got 0\nbody: returns: expected one of last, sequence, got "all"');
    const backwards = modelFromArchitecture({ kind: "bidirectional", layer: { kind: "gru", nIn: 3, nHidden: 4, returns: "last", reverse: true } });
    expect(E.isLeft(backwards) && draw(backwards.left)).toContain("bidirectional: argument 'layer' must read forwards");
    const unknown = ArchitectureCodec.decode({ kind: "transformer" });
    expect(E.isLeft(unknown) && draw(fromValidationErrors(unknown.left))).toContain(
      'expected one of "dense", "sequential", "mlp", "rnn", "gru", "lstm", "bidirectional", "recurrentNet", got "transformer"',
    );
  });

  test("saveModel / loadModel: files round trip typed", () => {
    const dir = mkdtempSync(join(tmpdir(), "typegrad-rnn-"));
    try {
      const net = bidirectional(gru(3, 4));
      const params = net.init(rng(5));
      const path = join(dir, "gru.ckpt");
      saveModel(path, { model: net, params });
      const back = loadModel(path, net);
      if (E.isLeft(back)) throw new Error(draw(back.left));
      const W: Tensor<[3, 12]> = back.right.params.backward.W;
      expect(bits(back.right.params)).toEqual(bits(params));
      expect(W.shape).toEqual([3, 12]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a model loaded from its checkpoint exports to ONNX and reads back bit for bit", () => {
    for (const [what, model] of models) {
      const params = model.init(rng(9));
      const loaded = decodeModel(encodeModel({ model, params }), model);
      if (E.isLeft(loaded)) throw new Error(`${what}: ${draw(loaded.left)}`);
      const back = importOnnx(exportOnnx(model, loaded.right.params), model);
      if (E.isLeft(back)) throw new Error(`${what}: ${draw(back.left)}`);
      expect(bits(back.right), what).toEqual(bits(params));
    }
  });
});
