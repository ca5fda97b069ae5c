/**
 * ONNX export checked by an independent runtime: every exportable layer and activation, in both
 * layouts, as `dense`, `sequential` and `mlp`, is run by ONNX Runtime (onnxruntime-web's WASM
 * execution provider, in Node) on random inputs and must agree with typegrad's forward pass
 * within 1e-5 of the outputs' scale (float32); a small MNIST model trained here must give the
 * same class for every held-out digit. Round trips typegrad → ONNX → typegrad are bit-exact;
 * files that are not the model, and corrupt or hostile bytes, are a `Left` naming what differs.
 */
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import onnxProto from "onnx-proto";
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { loadMnist } from "../../src/datasets/index.js";
import {
  type ActivationName,
  activationNames,
  adam,
  type DecodeErrors,
  type DenseArchitecture,
  type DescribedModel,
  dense,
  draw,
  fit as fitModel,
  type Layout,
  mlp,
  namedLeaves,
  oneHot,
  type Params,
  predictClasses,
  randn,
  rng,
  sequential,
  softmaxCrossEntropy,
  split,
  type Tensor,
  toFlat,
  toTensors,
} from "../../src/index.js";
import { exportOnnx, importOnnx, ONNX_OPSET, onnxOps } from "../../src/onnx/index.js";
import { bits, comparisons, randomParams, relative, TOLERANCE } from "./harness.js";

const { onnx } = onnxProto;
type GraphProto = InstanceType<typeof onnx.GraphProto>;
/** A decoded model's graph (the exporter always writes one). */
const graphOf = (m: InstanceType<typeof onnx.ModelProto>): GraphProto => m.graph as GraphProto;

const text = <A>(r: E.Either<DecodeErrors, A>): string => (E.isLeft(r) ? draw(r.left) : "(a Right)");

/** The first and last layer of a model's architecture, for input and output shapes. */
const ends = (model: DescribedModel): { nIn: number; nOut: number; layout: Layout } => {
  const a = model.architecture;
  if (a.kind === "dense") return { nIn: a.nIn, nOut: a.nOut, layout: a.layout };
  if (a.kind === "mlp") return { nIn: a.sizes[0] as number, nOut: a.sizes[a.sizes.length - 1] as number, layout: a.layout };
  if (a.kind !== "sequential") throw new Error(`not a dense model: ${a.kind}`);
  const first = a.layers[0] as DenseArchitecture | undefined;
  const last = a.layers[a.layers.length - 1] as DenseArchitecture | undefined;
  return { nIn: first?.nIn ?? 0, nOut: last?.nOut ?? 0, layout: first?.layout ?? "columns" };
};

/** ONNX Runtime's output for input `X` (typegrad's layout), as a flat array. */
const runOrt = async (session: ort.InferenceSession, X: Tensor, input = "X", output = "Y"): Promise<{ data: Float32Array; dims: readonly number[] }> => {
  const out = await session.run({ [input]: new ort.Tensor("float32", toFlat(X) as Float32Array, [...X.shape] as number[]) });
  const y = out[output];
  if (y === undefined) throw new Error(`no output '${output}'`);
  return { data: y.data as Float32Array, dims: y.dims };
};

const measured = comparisons("");

/** Export, run in ONNX Runtime on two random batches (1 and 13 examples), compare; import back and compare bits. */
const check = async (what: string, model: DescribedModel, seed: number): Promise<void> => {
  const params = randomParams(model, seed);
  const bytes = exportOnnx(model, params as never);
  const session = await ort.InferenceSession.create(bytes);
  const { nIn, nOut, layout } = ends(model);
  for (const m of [1, 13]) {
    const X = randn(rng(seed + m), layout === "rows" ? [m, nIn] : [nIn, m]);
    const mine = model.apply(params, X);
    const theirs = await runOrt(session, X);
    expect([...theirs.dims], what).toEqual(layout === "rows" ? [m, nOut] : [nOut, m]);
    const rel = relative(theirs.data, toFlat(mine));
    measured.push({ what: `${what}, m = ${m}`, rel });
    expect(rel, `${what}, m = ${m}`).toBeLessThanOrEqual(TOLERANCE);
  }
  await session.release();
  const back = importOnnx(bytes, model);
  if (E.isLeft(back)) throw new Error(draw(back.left));
  const sent = namedLeaves("test", params);
  const got = new Map(namedLeaves("test", back.right as Params));
  expect(got.size).toBe(sent.length);
  for (const [n, x] of sent) expect(bits(got.get(n) as Tensor), `${what}: ${n}`).toBe(bits(x));
};

describe("exportOnnx: ONNX Runtime agrees with typegrad's forward pass", () => {
  beforeAll(async () => {
    // the WASM runtime starts once, before the timed cases
    await ort.InferenceSession.create(exportOnnx(dense(1, 1), dense(1, 1).init(rng(0))));
  });

  const settings: Partial<Record<ActivationName, { alpha?: number; rreluRange?: readonly [number, number] }>> = { leakyRelu: { alpha: 0.2 }, elu: { alpha: 0.7 }, rrelu: { rreluRange: [0.1, 0.3] } };
  for (const layout of ["columns", "rows"] as const) {
    activationNames.forEach((activation, k) => {
      it(`dense and sequential with ${activation} (${onnxOps[activation].join(" → ")}), ${layout} are examples`, async () => {
        const s = settings[activation] ?? {};
        await check(`dense ${activation} ${layout}`, dense(5, 3, { activation, layout }) as DescribedModel, 10 + k);
        if (activation in settings) await check(`dense ${activation} ${layout} defaults`, dense(5, 3, { activation, layout }) as DescribedModel, 40 + k);
        const net = sequential([dense(6, 5, { activation, layout, dropout: 0.3, ...s }), dense(5, 4, { activation, layout, ...s }), dense(4, 3, { layout })]);
        await check(`sequential ${activation} ${layout}`, net as DescribedModel, 20 + k);
      });
    });
    it(`mlp, ${layout} are examples: hidden tanh, softmax output, dropout as the identity`, async () => {
      await check(`mlp ${layout}`, mlp([8, 6, 5, 3], { hidden: "tanh", output: "softmax", layout, dropout: 0.5 }) as DescribedModel, 30);
      await check(`mlp relu ${layout}`, mlp([8, 16, 3], { layout }) as DescribedModel, 31);
    });
  }

  it("writes opset 17, a symbolic batch dim and the names asked for", async () => {
    const model = mlp([4, 3, 2], { layout: "rows" });
    const bytes = exportOnnx(model, model.init(rng(0)), { input: "pixels", output: "logits", batch: "batch" });
    const proto = onnx.ModelProto.decode(bytes);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", ONNX_OPSET]]);
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(17);
    const graph = graphOf(proto);
    const dims = (v: GraphProto["input"][number] | undefined) => v?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((i) => i.name)).toEqual(["pixels"]);
    expect(dims(graph.input[0])).toEqual(["batch", 4]);
    expect(dims(graph.output[0])).toEqual(["batch", 2]);
    expect(graph.node.map((n) => n.opType)).toEqual(["Gemm", "Relu", "Gemm"]);
    const session = await ort.InferenceSession.create(bytes);
    expect([session.inputNames, session.outputNames]).toEqual([["pixels"], ["logits"]]);
    const r = await runOrt(session, randn(rng(1), [3, 4]), "pixels", "logits");
    expect([...r.dims]).toEqual([3, 2]);
    await session.release();
  });

  it("float64 parameters round trip bit-exact as DOUBLE initializers", () => {
    const model = mlp([3, 4, 2]);
    const p = model.init(rng(0), { dtype: "float64" });
    const r = importOnnx(exportOnnx(model, p), model, { dtype: "float64" });
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(bits(r.right.W2)).toBe(bits(p.W2));
    expect(r.right.W2.dtype).toBe("float64");
  });

  it("throws, naming the argument, for parameters that are not the model's or bad names", () => {
    const model = mlp([4, 3, 2]);
    const p = model.init(rng(0));
    expect(() => exportOnnx(mlp([4, 5, 2]), p as never)).toThrow("exportOnnx: argument 'params': 'W1' has shape [3, 4], the model expects [5, 4]");
    expect(() => exportOnnx(model, { ...p, extra: p.W1 } as never)).toThrow("exportOnnx: argument 'params' has tensors the model does not: extra");
    expect(() => exportOnnx(model, p, { input: "Y" })).toThrow("exportOnnx: options 'input' and 'output' must differ, both are 'Y'");
    expect(() => exportOnnx(model, p, { input: "W1" })).toThrow("exportOnnx: option 'input' is 'W1', a name the graph uses for a parameter or an inner value");
    expect(() => exportOnnx(model, p, { batch: "" })).toThrow("exportOnnx: option 'batch' must be a non-empty string");
    expect(() => exportOnnx({} as DescribedModel, p as never)).toThrow("exportOnnx: argument 'model' must be a typegrad model (with an 'architecture')");
  });
});

describe("exportOnnx: a small MNIST model gives the same digit in ONNX Runtime", () => {
  it("trained here on 500 digits: same argmax on every held-out digit, in both layouts", async () => {
    const digits = oneHot(await loadMnist({ m: 700 }), 10);
    const [train, test] = split(digits, rng(0), 500 / 700);
    for (const layout of ["columns", "rows"] as const) {
      const model = mlp([784, 32, 10], { layout });
      const { params } = fitModel({ model, params: model.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(0.01), train, layout, batchSize: 50, epochs: 3, seed: 2 });
      const session = await ort.InferenceSession.create(exportOnnx(model, params));
      const { X } = toTensors(test, layout);
      const theirs = await runOrt(session, X);
      const mine = predictClasses(model, params, X, { layout });
      const n = 10;
      const ortClasses = mine.map((_, j) => {
        let best = 0;
        for (let c = 1; c < n; c++) {
          const at = (k: number): number => (layout === "rows" ? (theirs.data[j * n + k] as number) : (theirs.data[k * test.m + j] as number));
          if (at(c) > at(best)) best = c;
        }
        return best;
      });
      expect(ortClasses).toEqual(mine);
      expect(mine.length).toBe(200);
      const correct = mine.filter(
        (c, j) =>
          c ===
          Array.from(toFlat(toTensors(test, "rows").Y))
            .slice(j * 10, j * 10 + 10)
            .indexOf(1),
      ).length;
      expect(correct / test.m).toBeGreaterThan(0.6);
      measured.push({ what: `MNIST ${layout}`, rel: relative(theirs.data, toFlat(model.apply(params, X as never))) });
      await session.release();
    }
  });
});

describe("importOnnx: a file that is not the model is a Left naming each difference", () => {
  const model = mlp([4, 3, 2], { hidden: "leakyRelu", alpha: 0.1 });
  const params = model.init(rng(0));
  const bytes = exportOnnx(model, params);
  /** The exported model, changed by `edit`, as bytes. */
  const edited = (edit: (m: InstanceType<typeof onnx.ModelProto>) => void): Uint8Array => {
    const m = onnx.ModelProto.decode(bytes);
    edit(m);
    return onnx.ModelProto.encode(m).finish();
  };

  it("another architecture: node by node, and each parameter's shape", () => {
    expect(text(importOnnx(bytes, mlp([4, 3, 2], { hidden: "leakyRelu", alpha: 0.2 })))).toBe("graph: node 1: LeakyRelu attribute 'alpha' is 0.10000000149011612, expected 0.20000000298023224");
    expect(text(importOnnx(bytes, mlp([4, 5, 2], { hidden: "leakyRelu", alpha: 0.1 })))).toBe(
      ["W1: shape [3, 4], expected [5, 4]", "b1: shape [3, 1], expected [5, 1]", "W2: shape [2, 3], expected [2, 5]"].join("\n"),
    );
    expect(text(importOnnx(bytes, mlp([4, 3, 3, 2], { hidden: "leakyRelu", alpha: 0.1 })))).toMatch(
      /^graph: the graph has 3 nodes \(Gemm, LeakyRelu, Gemm\), the model's has 5 \(Gemm, LeakyRelu, Gemm, LeakyRelu, Gemm\)\n/,
    );
    expect(text(importOnnx(bytes, mlp([5, 3, 2], { hidden: "leakyRelu", alpha: 0.1 })))).toMatch(/^graph: input 'X': shape \[4, m\], expected \[5, batch\] \(columns are examples\)\n/);
    expect(text(importOnnx(bytes, model, { dtype: "float64" }))).toMatch(/^graph: input 'X': element type FLOAT, expected DOUBLE\n(.|\n)*W1: dtype FLOAT, expected DOUBLE/);
  });

  it("changed parameters: missing, unexpected, wrong dtype, short data, external data", () => {
    expect(
      text(
        importOnnx(
          edited((m) => graphOf(m).initializer.splice(1, 1)),
          model,
        ),
      ),
    ).toBe("b1: missing: expected a FLOAT tensor of shape [3, 1]");
    expect(
      text(
        importOnnx(
          edited((m) => graphOf(m).initializer.push(onnx.TensorProto.create({ name: "extra", dataType: 1, dims: [1], floatData: [1] }))),
          model,
        ),
      ),
    ).toBe("extra: unexpected tensor (the model's are W1, b1, W2, b2)");
    expect(
      text(
        importOnnx(
          edited((m) => {
            const t = graphOf(m).initializer[0];
            if (t) t.dataType = onnx.TensorProto.DataType.INT32;
          }),
          model,
        ),
      ),
    ).toBe("W1: dtype INT32, expected FLOAT");
    expect(
      text(
        importOnnx(
          edited((m) => {
            const t = graphOf(m).initializer[3];
            if (t?.rawData) t.rawData = t.rawData.subarray(0, 4);
          }),
          model,
        ),
      ),
    ).toBe("b2: raw_data has 4 bytes, shape [2, 1] of FLOAT needs 8");
    expect(
      text(
        importOnnx(
          edited((m) => {
            const t = graphOf(m).initializer[0];
            if (t) t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
          }),
          model,
        ),
      ),
    ).toBe("W1: its data is stored outside the file (external data), which typegrad does not read");
    // float_data instead of raw_data is read too
    const asFloats = edited((m) => {
      for (const t of graphOf(m).initializer ?? []) {
        t.floatData = Array.from(new Float32Array((t.rawData ?? new Uint8Array(0)).slice().buffer));
        t.rawData = new Uint8Array(0);
      }
    });
    const r = importOnnx(asFloats, model);
    expect(E.isRight(r) && bits(r.right.W1)).toBe(bits(params.W1));
  });

  it("a changed graph: another op, rewired inputs, a foreign domain, an old opset", () => {
    expect(
      text(
        importOnnx(
          edited((m) => {
            const n = graphOf(m).node[1];
            if (n) n.opType = "Relu";
          }),
          model,
        ),
      ),
    ).toBe("graph: node 1: is Relu, expected LeakyRelu (layer1/LeakyRelu)");
    expect(
      text(
        importOnnx(
          edited((m) => {
            const n = graphOf(m).node[2];
            if (n) n.input = ["W2", "X", "b2"];
          }),
          model,
        ),
      ),
    ).toBe("graph: node 2: Gemm reads ['W2', 'X', 'b2'], expected ['W2', 'A1', 'b2']");
    expect(
      text(
        importOnnx(
          edited((m) => {
            const n = graphOf(m).node[0];
            if (n) n.attribute = [...(n.attribute ?? []), onnx.AttributeProto.create({ name: "transA", type: 2, i: 1 })];
          }),
          model,
        ),
      ),
    ).toBe("graph: node 0: Gemm has attribute 'transA', which the model's layer does not");
    expect(
      text(
        importOnnx(
          edited((m) => {
            const o = m.opsetImport[0];
            if (o) o.version = 9;
          }),
          model,
        ),
      ),
    ).toBe("opset: 9 is older than typegrad reads: expected 13 to 17 (typegrad writes 17)");
  });

  it("a future opset, a missing or doubled default domain are Lefts that name the opset and the range; 'ai.onnx' is the default domain", () => {
    const opsets = (list: readonly (readonly [string, number])[]) =>
      text(
        importOnnx(
          edited((m) => {
            m.opsetImport = list.map(([domain, version]) => onnx.OperatorSetIdProto.create({ domain, version }));
          }),
          model,
        ),
      );
    expect(opsets([["", 18]])).toBe("opset: 18 is newer than typegrad reads: expected 13 to 17 (typegrad writes 17)");
    expect(opsets([["", 1e9]])).toBe("opset: 1000000000 is newer than typegrad reads: expected 13 to 17 (typegrad writes 17)");
    expect(opsets([["", 2 ** 62]])).toBe("opset: 4611686018427387904 is newer than typegrad reads: expected 13 to 17 (typegrad writes 17)");
    expect(opsets([["", -1]])).toBe("opset: -1 is older than typegrad reads: expected 13 to 17 (typegrad writes 17)");
    expect(opsets([])).toBe("opset: missing (no opset_import for the default domain 'ai.onnx'), expected 13 to 17 (typegrad writes 17)");
    expect(opsets([["com.microsoft", 1]])).toBe("opset: missing (no opset_import for the default domain 'ai.onnx'), expected 13 to 17 (typegrad writes 17)");
    expect(
      opsets([
        ["", 17],
        ["ai.onnx", 13],
      ]),
    ).toBe("opset: the default domain is imported twice ('' 17, 'ai.onnx' 13)");
    // 'ai.onnx' is how some tools spell the default domain, in the imports and on nodes
    expect(opsets([["ai.onnx", 17]])).toBe("(a Right)");
    expect(
      opsets([
        ["ai.onnx", 15],
        ["ai.onnx.ml", 3],
      ]),
    ).toBe("(a Right)");
    expect(
      text(
        importOnnx(
          edited((m) => {
            for (const n of graphOf(m).node) n.domain = "ai.onnx";
          }),
          model,
        ),
      ),
    ).toBe("(a Right)");
  });

  it("corrupt and hostile bytes never throw (property), and say what they are", () => {
    expect(text(importOnnx(new Uint8Array(0), model))).toBe("not an ONNX model: it has no graph");
    expect(text(importOnnx(bytes.subarray(0, bytes.length - 7), model))).toMatch(/^not an ONNX model: /);
    expect(text(importOnnx(bytes, model, { maxBytes: 100 }))).toBe(`${bytes.length} bytes, above the limit maxBytes = 100`);
    expect(text(importOnnx("x" as unknown as Uint8Array, model))).toBe('expected bytes (a Uint8Array), got "x"');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (junk, flips) => {
        const corrupt = bytes.slice();
        for (const [at, v] of flips) corrupt[at % corrupt.length] = v;
        for (const b of [junk, corrupt]) {
          const r = importOnnx(b, model);
          if (E.isLeft(r) && draw(r.left).length === 0) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("messages nested 300,000 deep (model → graph → node → attribute → graph …) are a Left, not a crash", () => {
    const depth = 300_000;
    const tags = [0x0a, 0x2a, 0x32]; // GraphProto.node, NodeProto.attribute, AttributeProto.g
    const varintLength = (n: number): number => (n < 128 ? 1 : 1 + varintLength(Math.floor(n / 128)));
    const lengths = [0];
    for (let k = 1; k <= depth; k++) lengths.push(1 + varintLength(lengths[k - 1] as number) + (lengths[k - 1] as number));
    const top = lengths[depth] as number;
    const deep = new Uint8Array(1 + varintLength(top) + top);
    let at = 0;
    const varint = (n: number): void => {
      let v = n;
      while (v >= 128) {
        deep[at++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      deep[at++] = v;
    };
    deep[at++] = 0x3a; // ModelProto.graph
    varint(top);
    for (let k = depth; k >= 1; k--) {
      deep[at++] = tags[(depth - k) % 3] as number;
      varint(lengths[k - 1] as number);
    }
    expect(at).toBe(deep.length);
    expect(text(importOnnx(deep, model))).toMatch(/^not an ONNX model: /);
  });

  it("rejects bad arguments with a message naming the function and the argument", () => {
    expect(() => importOnnx(bytes, null as unknown as DescribedModel)).toThrow("importOnnx: argument 'model' must be a typegrad model (with an 'architecture')");
    expect(() => importOnnx(bytes, model, { dtype: "int8" as never })).toThrow(`importOnnx: option 'dtype' must be "float32" or "float64", got "int8"`);
  });
});
