/**
 * Every kind of architecture: which are recurrent, which refuse to be a chain of layers, and that
 * each (recurrent ones, average pooling, non-default initialisers and PReLU's initial α included)
 * rebuilds strictly to itself with the parameter layout `paramLayout` lists; an option that was
 * not given is absent from the description, not `undefined`.
 */
import { describe, expect, it } from "vitest";
import type { Params } from "../../src/autodiff/tree.js";
import { namedLeaves } from "../../src/autodiff/tree.js";
import { type Architecture, allLayers, architectureLayers, buildModel, isRecurrentArchitecture, paramLayout } from "../../src/nn/architecture.js";
import { avgPool2dLayer, conv2dLayer, flattenLayer, globalAvgPool2dLayer } from "../../src/nn/conv.js";
import { dense } from "../../src/nn/dense.js";
import { mlp } from "../../src/nn/mlp.js";
import { bidirectional, gru, lstm, recurrentNet, rnn } from "../../src/nn/recurrent.js";
import { sequential } from "../../src/nn/sequential.js";
import { rng } from "../../src/tensor/random.js";

const shapesOf = (p: Params): [string, readonly number[]][] => namedLeaves("test", p).map(([n, t]) => [n, t.shape as readonly number[]]);
const roundTrip = (arch: Architecture): void => {
  const model = buildModel(JSON.parse(JSON.stringify(arch)) as Architecture);
  expect(model.architecture).toStrictEqual(arch);
  const params = model.init(rng(0)) as Params;
  const layout = paramLayout(arch);
  expect(shapesOf(params).map(([n, s]) => [n.replace(/^\[(\d+)\]\./, "[$1]."), s])).toEqual(layout.specs.map(([n, s]) => [n, s]));
  expect(shapesOf(layout.build(Object.fromEntries(namedLeaves("test", params))))).toEqual(shapesOf(params));
};

const recurrent = {
  rnn: rnn(3, 4).architecture,
  gru: gru(3, 4, { returns: "sequence" }).architecture,
  lstm: lstm(3, 4, { reverse: true }).architecture,
  bidirectional: bidirectional(gru(3, 4)).architecture,
  recurrentNet: recurrentNet(lstm(3, 4), dense(4, 2, { layout: "rows" })).architecture,
};

describe("recurrent architectures", () => {
  it("isRecurrentArchitecture: the five recurrent kinds, and nothing else", () => {
    for (const a of Object.values(recurrent)) expect(isRecurrentArchitecture(a as Architecture)).toBe(true);
    for (const a of [dense(3, 2).architecture, mlp([3, 2]).architecture, sequential([dense(3, 2, { layout: "rows" })]).architecture]) expect(isRecurrentArchitecture(a as Architecture)).toBe(false);
  });
  it("allLayers and architectureLayers refuse them, naming the kind", () => {
    expect(() => allLayers(recurrent.gru as Architecture)).toThrow(new TypeError("allLayers: the model is a recurrent layer (gru), not a chain of dense and image layers"));
    expect(() => architectureLayers(recurrent.recurrentNet as Architecture)).toThrow(new TypeError("allLayers: the model is a recurrentNet, not a chain of dense and image layers"));
  });
  it("paramLayout names and shapes them as init makes them (gates side by side; a gru's second bias)", () => {
    expect(paramLayout(recurrent.rnn as Architecture).specs).toEqual([
      ["W", [3, 4]],
      ["U", [4, 4]],
      ["b", [1, 4]],
    ]);
    expect(paramLayout(recurrent.bidirectional as Architecture).specs).toEqual(
      ["forward", "backward"].flatMap((d) => [
        [`${d}.W`, [3, 12]],
        [`${d}.U`, [4, 12]],
        [`${d}.b`, [1, 12]],
        [`${d}.bh`, [1, 12]],
      ]),
    );
    expect(paramLayout(recurrent.recurrentNet as Architecture).specs).toEqual([
      ["body.W", [3, 16]],
      ["body.U", [4, 16]],
      ["body.b", [1, 16]],
      ["head.W", [4, 2]],
      ["head.b", [1, 2]],
    ]);
  });
  it("each rebuilds strictly to itself, with the parameters paramLayout lists", () => {
    for (const a of Object.values(recurrent)) roundTrip(a as Architecture);
    roundTrip(recurrentNet(bidirectional(rnn(2, 3)), dense(6, 1, { layout: "rows" })).architecture as Architecture);
  });
});

describe("image and dense architectures, every option", () => {
  it("average pooling, global average pooling and a conv2d with an initialiser other than its default", () => {
    roundTrip(
      sequential([
        conv2dLayer([6, 6, 2], 4, 3, { activation: "relu", init: "xavierUniform", padding: "same" }),
        avgPool2dLayer([6, 6, 4], 2, { stride: 2, padding: "valid" }),
        avgPool2dLayer([3, 3, 4], 2),
        globalAvgPool2dLayer([1, 1, 4]),
        dense(4, 2, { layout: "rows" }),
      ]).architecture,
    );
    roundTrip(sequential([conv2dLayer([4, 4, 1], 2, 3, { activation: "tanh", init: "he" }), flattenLayer([2, 2, 2])]).architecture);
  });
  it("an option not given is absent, one given is kept", () => {
    expect(Object.keys(conv2dLayer([4, 4, 1], 1, 1).architecture)).toEqual(["kind", "inShape", "filters", "kernel", "groups", "activation", "dropout", "init"]);
    expect(conv2dLayer([4, 4, 1], 1, 1, { padding: "same", dilation: 2 }).architecture).toMatchObject({ padding: "same", dilation: 2 });
    expect(Object.keys(dense(3, 2, { activation: "prelu" }).architecture)).toEqual(["kind", "nIn", "nOut", "activation", "layout", "dropout", "init"]);
    expect(dense(3, 2, { activation: "prelu", alphaInit: 0.1 }).architecture.alphaInit).toBe(0.1);
    for (const l of architectureLayers(mlp([3, 2, 1]).architecture)) expect(Object.keys(l)).toEqual(["kind", "nIn", "nOut", "activation", "layout", "dropout"]);
    expect(architectureLayers(mlp([3, 2, 1], { hidden: "rrelu", rreluRange: [0.1, 0.2] }).architecture).map((l) => l.rreluRange)).toEqual([
      [0.1, 0.2],
      [0.1, 0.2],
    ]);
  });
});
