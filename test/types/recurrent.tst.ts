/**
 * Recurrent layers' types: parameters with the gate blocks side by side (`[F, 4H]` for an LSTM),
 * outputs `[T, m, H]` or `[m, H]` over a literal or named time axis, `bidirectional` doubles
 * `H`; a wrong feature size is an error at `X` naming the layer, a wrong head size an error at
 * the head naming both.
 */
import { describe, expect, test } from "tstyche";
import { bidirectional, dense, gru, gruCell, lstm, lstmCell, recurrentNet, rng, rnn, type Tensor } from "../../src/index.js";

declare const X: Tensor<[28, "m", 28]>;
declare const Xt: Tensor<["t", "m", 28]>;
declare const X30: Tensor<[28, "m", 30]>;

describe("recurrent layers: programs that compile", () => {
  test("lstm parameters: one [F, 4H] input product, one [H, 4H] recurrent product", () => {
    const p = lstm(28, 128).init(rng(0));
    expect(p.W).type.toBe<Tensor<[28, 512]>>();
    expect(p.U).type.toBe<Tensor<[128, 512]>>();
    expect(p.b).type.toBe<Tensor<[1, 512]>>();
  });
  test("gru parameters have a second bias", () => {
    expect(gru(28, 64).init(rng(0)).bh).type.toBe<Tensor<[1, 192]>>();
  });
  test("the last state or every state, over a literal or named time axis", () => {
    const l = lstm(28, 128);
    expect(l.apply(l.init(rng(0)), X)).type.toBe<Tensor<["m", 128]>>();
    const s = rnn(28, 16, { returns: "sequence" });
    expect(s.apply(s.init(rng(0)), X)).type.toBe<Tensor<[28, "m", 16]>>();
    expect(s.apply(s.init(rng(0)), Xt)).type.toBe<Tensor<["t", "m", 16]>>();
  });
  test("bidirectional doubles the hidden size", () => {
    const b = bidirectional(gru(28, 32, { returns: "sequence" }));
    expect(b.apply(b.init(rng(0)), X)).type.toBe<Tensor<[28, "m", 64]>>();
  });
  test("cells: an LSTM's state is { h, c }", () => {
    const c = lstmCell(28, 8);
    const s = c.step(c.init(rng(0)), c.initialState(4), null as unknown as Tensor<[4, 28]>);
    expect(s.c).type.toBe<Tensor<[4, 8]>>();
    expect(gruCell(3, 5).initialState(2)).type.toBe<Tensor<[2, 5]>>();
  });
  test("a recurrent body chained into a dense head", () => {
    const net = recurrentNet(lstm(28, 64), dense(64, 10, { layout: "rows" }));
    expect(net.apply(net.init(rng(0)), X)).type.toBe<Tensor<["m", 10]>>();
    expect(net.init(rng(0)).head.W).type.toBe<Tensor<[64, 10]>>();
  });
});

describe("recurrent layers: programs that must not compile", () => {
  test("a wrong feature size, at X, naming the layer", () => {
    const l = lstm(28, 128);
    // @ts-expect-error lstm: X has 30 features per step but the layer takes 28
    l.apply(l.init(rng(0)), X30);
  });
  test("a batch-major or flat input, at X", () => {
    const l = gru(28, 16);
    // @ts-expect-error gru: X must be time-major [T, m, 28], got ['m', 784]
    l.apply(l.init(rng(0)), null as unknown as Tensor<["m", 784]>);
  });
  test("a wrong feature size for a cell's step, at x", () => {
    const c = lstmCell(28, 8);
    // @ts-expect-error lstm: x has 30 features but the cell takes 28
    c.step(c.init(rng(0)), c.initialState(4), null as unknown as Tensor<[4, 30]>);
  });
  test("parameters of another hidden size", () => {
    const l = lstm(28, 128);
    expect(l.apply).type.not.toBeCallableWith(lstm(28, 64).init(rng(0)), X);
  });
  test("a head that does not take the body's size, at the head, naming both", () => {
    // @ts-expect-error recurrentNet: the head takes 128 inputs but the lstm gives 64
    recurrentNet(lstm(28, 64), dense(128, 10, { layout: "rows" }));
  });
  test("a head whose columns are examples", () => {
    // @ts-expect-error recurrentNet: the head must have layout 'rows'
    recurrentNet(lstm(28, 64), dense(64, 10));
  });
  test("a body that returns every state", () => {
    expect(recurrentNet).type.not.toBeCallableWith(lstm(28, 64, { returns: "sequence" }), dense(64, 10, { layout: "rows" }));
  });
});
