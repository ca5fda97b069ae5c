/**
 * ONNX export of the recurrent models, checked by ONNX Runtime (onnxruntime-web's WASM execution
 * provider, in Node): `rnn`, `gru` and `lstm`, read forwards, backwards (`reverse`) and both ways
 * (`bidirectional`), returning the last state or every step's, alone and as the body of a
 * `recurrentNet` with a dense head (PReLU's α too). Every parameter is random (biases included, so a gate block
 * in the wrong place shows), the inputs differ in length and batch (the file's dims are symbolic),
 * and ONNX Runtime's output must agree with typegrad's `apply` within 1e-5 of the outputs' scale
 * (float32; the worst seen is printed). Sequences of different lengths in one batch (the option
 * `lengths`, ONNX's `sequence_lens`) must agree with `apply`'s `mask`. Importing the file back
 * gives the parameters bit for bit; files that are another model are a `Left` naming the
 * difference in ONNX's terms.
 */
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import {
  bidirectional,
  type DecodeErrors,
  type Describable,
  dense,
  draw,
  fromArray,
  gru,
  lstm,
  namedLeaves,
  type Params,
  randn,
  recurrentNet,
  rng,
  rnn,
  type Tensor,
  toFlat,
} from "../../src/index.js";
import { exportOnnx, importOnnx } from "../../src/onnx/index.js";
import { onnx } from "../../src/onnx/proto.js";
import { bits, comparisons, randomParams, relative, TOLERANCE } from "./harness.js";

const measured = comparisons(" (recurrent)");

type Model = Describable & { apply: (p: Params, X: Tensor, run?: { mask?: Tensor }) => Tensor };
const layers = { rnn, gru, lstm } as const;
const kinds = ["rnn", "gru", "lstm"] as const;
const F = 3;
const H = 4;

const text = <A>(r: E.Either<DecodeErrors, A>): string => (E.isLeft(r) ? draw(r.left) : "(a Right)");

/** A layer of `kind` read in `direction`, returning `returns`. */
const layer = (kind: (typeof kinds)[number], direction: "forward" | "reverse" | "bidirectional", returns: "last" | "sequence"): Model => {
  const l = (layers[kind] as (f: number, h: number, o: object) => unknown)(F, H, { returns, reverse: direction === "reverse" });
  return (direction === "bidirectional" ? bidirectional(l as never) : l) as Model;
};

/** ONNX Runtime's output for time-major `X` (and lengths), flat. */
const runOrt = async (session: ort.InferenceSession, X: Tensor, lengths?: readonly number[]): Promise<{ data: Float32Array; dims: readonly number[] }> => {
  const feeds: Record<string, ort.Tensor> = { X: new ort.Tensor("float32", toFlat(X) as Float32Array, [...X.shape] as number[]) };
  if (lengths !== undefined) feeds.lengths = new ort.Tensor("int32", Int32Array.from(lengths), [lengths.length]);
  const y = (await session.run(feeds)).Y as ort.Tensor;
  return { data: y.data as Float32Array, dims: y.dims };
};

/** Export, run ONNX Runtime on sequences of 1 step × 1 example and 7 steps × 3, compare with `apply`; import back, compare bits. Returns the graph. */
const check = async (what: string, model: Model, seed: number): Promise<Graph> => {
  const params = randomParams(model, seed);
  const bytes = exportOnnx(model, params as never);
  const session = await ort.InferenceSession.create(bytes);
  for (const [T, m] of [
    [1, 1],
    [7, 3],
  ] as const) {
    const X = randn(rng(seed + T), [T, m, F]);
    const mine = model.apply(params, X);
    const theirs = await runOrt(session, X);
    expect([...theirs.dims], what).toEqual([...mine.shape]);
    const rel = relative(theirs.data, toFlat(mine));
    measured.push({ what: `${what}, T = ${T}, m = ${m}`, rel });
    expect(rel, `${what}, T = ${T}, m = ${m}`).toBeLessThanOrEqual(TOLERANCE);
  }
  await session.release();
  const back = importOnnx(bytes, model);
  if (E.isLeft(back)) throw new Error(`${what}: ${draw(back.left)}`);
  const got = new Map(namedLeaves("test", back.right as Params));
  const sent = namedLeaves("test", params);
  expect([...got.keys()]).toEqual(sent.map(([n]) => n));
  for (const [n, x] of sent) expect(bits(got.get(n) as Tensor), `${what}: ${n}`).toBe(bits(x));
  return onnx.ModelProto.decode(bytes).graph as Graph;
};

type Graph = InstanceType<typeof onnx.GraphProto>;
const opsOf = (g: Graph): string[] => g.node.map((n) => n.opType ?? "");
const dimsOf = (v: Graph["input"][number] | undefined) => v?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));

describe("exportOnnx: recurrent layers in ONNX Runtime", () => {
  beforeAll(async () => {
    await ort.InferenceSession.create(exportOnnx(dense(1, 1), dense(1, 1).init(rng(0))));
  });

  kinds.forEach((kind, k) => {
    it(`${kind}: forward, reverse and bidirectional, returning the last state and the sequence`, async () => {
      for (const direction of ["forward", "reverse", "bidirectional"] as const)
        for (const returns of ["last", "sequence"] as const) {
          const g = await check(
            `${kind} ${direction} ${returns}`,
            layer(kind, direction, returns),
            10 * k + (direction === "bidirectional" ? 2 : direction === "reverse" ? 1 : 0) + (returns === "sequence" ? 5 : 0),
          );
          // time-major in: ONNX's layout 0, no Transpose before the op
          expect(dimsOf(g.input[0])).toEqual(["T", "m", F]);
          const D = direction === "bidirectional" ? 2 : 1;
          expect(dimsOf(g.output[0])).toEqual(returns === "sequence" ? ["T", "m", D * H] : ["m", D * H]);
          expect(opsOf(g)).toEqual([kind.toUpperCase(), ...(D === 1 ? ["Constant", "Squeeze"] : ["Transpose", "Constant", "Reshape"])]);
          const op = g.node[0] as InstanceType<typeof onnx.NodeProto>;
          const attr = (name: string) => op.attribute.find((a) => a.name === name);
          expect(new TextDecoder().decode(attr("direction")?.s)).toBe(direction);
          expect(Number(attr("hidden_size")?.i)).toBe(H);
          // typegrad's GRU applies the reset gate after the recurrent product (PyTorch's form)
          expect(attr("linear_before_reset") === undefined ? undefined : Number(attr("linear_before_reset")?.i)).toBe(kind === "gru" ? 1 : undefined);
          expect([...(op.output ?? [])]).toEqual(returns === "sequence" ? ["layer1/Y"] : ["", "layer1/Y_h"]);
          expect(g.initializer.map((t) => [t.name, (t.dims ?? []).map(Number)])).toEqual([
            ["W", [D, { rnn: 1, gru: 3, lstm: 4 }[kind] * H, F]],
            ["R", [D, { rnn: 1, gru: 3, lstm: 4 }[kind] * H, H]],
            ["B", [D, 2 * { rnn: 1, gru: 3, lstm: 4 }[kind] * H]],
          ]);
        }
    });

    it(`${kind} in a recurrentNet: forward, reverse and bidirectional bodies, a dense head`, async () => {
      const head = (n: number, activation: "tanh" | "softmax" | "linear" | "prelu") => dense(n, 5, { layout: "rows", activation });
      const g = await check(`recurrentNet ${kind}`, recurrentNet(layer(kind, "forward", "last") as never, head(H, "softmax") as never) as unknown as Model, 100 + k);
      expect(opsOf(g)).toEqual([kind.toUpperCase(), "Constant", "Squeeze", "Gemm", "Softmax"]);
      expect(g.initializer.map((t) => t.name)).toEqual(["body.W", "body.R", "body.B", "head.W", "head.b"]);
      expect(dimsOf(g.output[0])).toEqual(["m", 5]);
      await check(`recurrentNet ${kind} reverse`, recurrentNet(layer(kind, "reverse", "last") as never, head(H, "prelu") as never) as unknown as Model, 110 + k);
      const g2 = await check(`recurrentNet bidirectional ${kind}`, recurrentNet(layer(kind, "bidirectional", "last") as never, head(2 * H, "tanh") as never) as unknown as Model, 120 + k);
      expect(opsOf(g2)).toEqual([kind.toUpperCase(), "Transpose", "Constant", "Reshape", "Gemm", "Tanh"]);
    });
  });

  it("option 'lengths': sequences of different lengths in one batch agree with apply's mask (ONNX's sequence_lens)", async () => {
    const lengths = [5, 2, 0, 3];
    const [T, m] = [5, lengths.length];
    const mask = fromArray(
      [T, m],
      Float32Array.from({ length: T * m }, (_, i) => (Math.floor(i / m) < (lengths[i % m] as number) ? 1 : 0)),
    );
    const cases: [string, Model][] = [
      ["lstm bidirectional sequence", layer("lstm", "bidirectional", "sequence")],
      ["gru reverse last", layer("gru", "reverse", "last")],
      ["rnn recurrentNet", recurrentNet(layer("rnn", "bidirectional", "last") as never, dense(2 * H, 2, { layout: "rows" }) as never) as unknown as Model],
    ];
    for (const [what, model] of cases) {
      const params = randomParams(model, 7);
      const bytes = exportOnnx(model, params as never, { lengths: "lengths", steps: "time" });
      const g = onnx.ModelProto.decode(bytes).graph as Graph;
      expect(g.input.map((i) => [i.name, dimsOf(i), i.type?.tensorType?.elemType])).toEqual([
        ["X", ["time", "m", F], onnx.TensorProto.DataType.FLOAT],
        ["lengths", ["m"], onnx.TensorProto.DataType.INT32],
      ]);
      const session = await ort.InferenceSession.create(bytes);
      const X = randn(rng(8), [T, m, F]);
      const mine = model.apply(params, X, { mask });
      const theirs = await runOrt(session, X, lengths);
      expect([...theirs.dims]).toEqual([...mine.shape]);
      const rel = relative(theirs.data, toFlat(mine));
      measured.push({ what: `${what} with lengths`, rel });
      expect(rel, what).toBeLessThanOrEqual(TOLERANCE);
      await session.release();
      // the file with its lengths input reads back as the model
      const back = importOnnx(bytes, model);
      expect(E.isRight(back), text(back)).toBe(true);
    }
  });

  it("float64 parameters round trip bit-exact as DOUBLE initializers", () => {
    const model = bidirectional(gru(2, 3));
    const p = model.init(rng(0), { dtype: "float64" });
    const r = importOnnx(exportOnnx(model, p), model, { dtype: "float64" });
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(bits(r.right.backward.bh)).toBe(bits(p.backward.bh));
    expect(r.right.forward.U.dtype).toBe("float64");
  });

  it("throws, naming the argument, for parameters that are not the model's or bad options", () => {
    const model = bidirectional(lstm(3, 4));
    const p = model.init(rng(0));
    expect(() => exportOnnx(model, { forward: p.forward } as never)).toThrow(
      "exportOnnx: argument 'params' has no 'backward.W' (the model's parameters are forward.W, forward.U, forward.b, backward.W, backward.U, backward.b)",
    );
    expect(() => exportOnnx(bidirectional(lstm(3, 5)), p as never)).toThrow("exportOnnx: argument 'params': 'forward.W' has shape [3, 16], the model expects [3, 20]");
    expect(() => exportOnnx(model, p, { input: "R" })).toThrow("exportOnnx: option 'input' is 'R', a name the graph uses for a parameter or an inner value");
    expect(() => exportOnnx(model, p, { batch: "n", steps: "n" })).toThrow("exportOnnx: options 'batch' and 'steps' must differ");
    expect(() => exportOnnx(model, p, { lengths: "X" })).toThrow("exportOnnx: option 'lengths' must differ from 'input' and 'output', got 'X'");
    expect(() => exportOnnx(model, p, { lengths: "" })).toThrow("exportOnnx: option 'lengths' must be a non-empty string");
    expect(() => exportOnnx(model, p, { lengths: "W" })).toThrow("exportOnnx: option 'lengths' is 'W', a name the graph uses for a parameter or an inner value");
    const flat = dense(2, 2);
    expect(() => exportOnnx(flat, flat.init(rng(0)), { lengths: "n" })).toThrow(
      "exportOnnx: option 'lengths' is for recurrent models (rnn, gru, lstm, bidirectional, recurrentNet); this one is a dense",
    );
  });
});

describe("importOnnx: a recurrent file that is not the model is a Left naming the difference", () => {
  const model = lstm(3, 4);
  const params = randomParams(model, 3) as ReturnType<typeof model.init>;
  const bytes = exportOnnx(model, params);
  const edited = (edit: (g: InstanceType<typeof onnx.GraphProto>) => void): Uint8Array => {
    const m = onnx.ModelProto.decode(bytes);
    edit(m.graph as InstanceType<typeof onnx.GraphProto>);
    return onnx.ModelProto.encode(m).finish();
  };

  it("another cell, direction, size or output", () => {
    expect(text(importOnnx(bytes, gru(3, 4)))).toMatch(
      /^graph: node 0: is LSTM, expected GRU \(layer1\/GRU\)\nW: shape \[1, 16, 3\], expected \[1, 12, 3\] \(ONNX's GRU W: \[directions, 3 · hidden, inputs\], gates z, r, h\)/,
    );
    expect(text(importOnnx(bytes, lstm(3, 4, { reverse: true })))).toBe(`graph: node 0: LSTM attribute 'direction' is "forward", expected "reverse"`);
    expect(text(importOnnx(bytes, lstm(3, 5)))).toBe(
      [
        "graph: output 'Y': shape [m, 4], expected [batch, 5] (rows are examples)",
        "graph: node 0: LSTM attribute 'hidden_size' is 4, expected 5",
        "W: shape [1, 16, 3], expected [1, 20, 3] (ONNX's LSTM W: [directions, 4 · hidden, inputs], gates i, o, f, c)",
        "R: shape [1, 16, 4], expected [1, 20, 5] (ONNX's LSTM R: [directions, 4 · hidden, hidden], gates i, o, f, c)",
        "B: shape [1, 32], expected [1, 40] (ONNX's LSTM B: [directions, 2 · 4 · hidden] (Wb then Rb), gates i, o, f, c)",
      ].join("\n"),
    );
    expect(text(importOnnx(bytes, lstm(2, 4)))).toMatch(/^graph: input 'X': shape \[T, m, 3\], expected \[steps, batch, 2\] \(time-major: steps, examples, units\)\n/);
    expect(text(importOnnx(bytes, bidirectional(lstm(3, 4))))).toMatch(/node 0: LSTM attribute 'direction' is "forward", expected "bidirectional"/);
    expect(text(importOnnx(bytes, lstm(3, 4, { returns: "sequence" })))).toMatch(/node 0: LSTM writes \['', 'layer1\/Y_h'\], expected \['layer1\/Y'\]/);
    expect(text(importOnnx(bytes, recurrentNet(lstm(3, 4), dense(4, 2, { layout: "rows" }))))).toMatch(/body\.W: missing: expected ONNX's LSTM W of shape \[1, 16, 3\]/);
  });

  it("missing and extra tensors, and a second input that is not int32 lengths", () => {
    expect(
      text(
        importOnnx(
          edited((g) => g.initializer.splice(1, 1)),
          model,
        ),
      ),
    ).toBe("R: missing: expected ONNX's LSTM R of shape [1, 16, 4], [directions, 4 · hidden, hidden], gates i, o, f, c");
    expect(
      text(
        importOnnx(
          edited((g) => g.initializer.push(onnx.TensorProto.create({ name: "U", dataType: 1, dims: [1], floatData: [1] }))),
          model,
        ),
      ),
    ).toBe("U: unexpected tensor (the file's are W, R, B)");
    const twoInputs = edited((g) => g.input.push(onnx.ValueInfoProto.create({ name: "lengths", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "m" }] } } } })));
    expect(text(importOnnx(twoInputs, model))).toBe(
      ["graph: lengths input 'lengths': element type FLOAT, expected INT32", "graph: node 0: LSTM reads ['X', 'W', 'R', 'B'], expected ['X', 'W', 'R', 'B', 'lengths']"].join("\n"),
    );
  });

  it("corrupt bytes of a bidirectional recurrentNet's file never throw (property)", () => {
    const net = recurrentNet(bidirectional(gru(2, 3)), dense(6, 2, { layout: "rows" }));
    const file = exportOnnx(net, net.init(rng(1)), { lengths: "lengths" });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
        const corrupt = file.slice();
        for (const [at, v] of flips) corrupt[at % corrupt.length] = v;
        const r = importOnnx(corrupt, net);
        return E.isRight(r) || draw(r.left).length > 0;
      }),
      { numRuns: 200 },
    );
  });

  it("a Node Buffer (fs.readFileSync's) reads as its bytes", () => {
    const back = importOnnx(Buffer.from(bytes), model);
    if (E.isLeft(back)) throw new Error(draw(back.left));
    for (const [n, x] of namedLeaves("test", params)) expect(bits((back.right as unknown as Record<string, Tensor>)[n] as Tensor), n).toBe(bits(x));
  });

  it("a second bias (Rb) in a foreign file is added to the one bias of an lstm: ONNX Runtime still agrees", async () => {
    // typegrad writes Rb = 0; another exporter (PyTorch's two LSTM biases) may not
    const Rb = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
    const withRb = edited((g) => {
      const B = g.initializer[2] as InstanceType<typeof onnx.TensorProto>;
      const data = new Float32Array(new Uint8Array(B.rawData).buffer.slice(0));
      data.set(Rb, 16);
      B.rawData = new Uint8Array(data.buffer);
    });
    const back = importOnnx(withRb, model);
    if (E.isLeft(back)) throw new Error(draw(back.left));
    const session = await ort.InferenceSession.create(withRb);
    const X = randn(rng(4), [6, 2, 3]);
    const theirs = await runOrt(session, X);
    const rel = relative(theirs.data, toFlat(model.apply(back.right, X)));
    measured.push({ what: "lstm with Rb, folded", rel });
    expect(rel).toBeLessThanOrEqual(TOLERANCE);
    expect(bits(back.right.W)).toBe(bits(params.W));
    await session.release();
  });
});
