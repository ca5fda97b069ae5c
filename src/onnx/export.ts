/**
 * `exportOnnx(model, params, opts)`: a typegrad model and its parameters as an ONNX model
 * (opset 17), written with protobufjs through `onnx-proto`. The graph has one input (`X` by
 * default) and one output (`Y`), both with a symbolic batch dimension (`m`), so one file serves
 * any batch size in ONNX Runtime (CPU, CUDA, TensorRT, WebAssembly) and in Triton's ONNX backend;
 * the parameters are initializers named as the params tree names them (`W1`, `b1`, …, or
 * `[0].W`, … for a `sequential`), stored as raw little-endian bytes, so nothing is rounded.
 * A recurrent model's input is time-major `[T, m, F]` with a symbolic length too (`T`), and
 * its body is one ONNX `RNN`, `GRU` or `LSTM` whose `W`, `R`, `B` are built from the cell's
 * parameters (`recurrent.ts`).
 *
 * @module
 */
import { namedLeaves, type Params } from "../autodiff/tree.js";
import type { TypedArray } from "../backend/backend.js";
import { writeFloats } from "../codec/bytes.js";
import { type Describable, isRecurrentArchitecture, type ParamsOfModel, paramLayout } from "../nn/architecture.js";
import { showShape } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { toFlat } from "../tensor/create.js";
import { DEFAULT_DTYPE } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Attribute, type GraphEnd, graphEnds, graphNodes, innerNames, onnxInitializers, permuteFlat } from "./graph.js";
import { onnx } from "./proto.js";
import { recurrentBody, recurrentToFile } from "./recurrent.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The opset typegrad writes: 17 (every op used is unchanged since, so newer runtimes read it).
 *
 * @example
 * import { ONNX_OPSET } from "typegrad/onnx"
 * ONNX_OPSET // 17
 * @category model
 * @since 0.3.0
 */
export const ONNX_OPSET = 17;

/** The ONNX IR version written (8: what opset 17 needs). */
const IR_VERSION = 8;

/** Names of the exported graph. @category model @since 0.3.0 */
export interface OnnxNames {
  /** The graph's input (default `"X"`). */
  readonly input?: string;
  /** The graph's output (default `"Y"`). */
  readonly output?: string;
  /** The symbolic batch dimension (default `"m"`). */
  readonly batch?: string;
  /** The symbolic sequence length of a recurrent model's input, `[steps, batch, features]` (default `"T"`). */
  readonly steps?: string;
}

/** Options of {@link exportOnnx}. @category model @since 0.3.0 */
export interface ExportOnnxOptions extends OnnxNames {
  /** The graph's name (default `"typegrad"`). */
  readonly name?: string;
  /** Text stored in the model's `metadata_props` (the architecture is always stored, as `typegrad.architecture`). */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * A recurrent model only: the name of a second input, each sequence's length (`[batch]`,
   * int32), for batches of sequences of different lengths padded at the end. It is the op's
   * `sequence_lens`, and does what `apply`'s `mask` does (a sequence of length `n` has a mask of
   * `n` ones, then zeros): padded steps give zeros and leave the state as it was, so `"last"`
   * is each sequence's state after its own last step. Default: none (every sequence is `T` long).
   */
  readonly lengths?: string;
}

const exportKeys: OptionKeys<ExportOnnxOptions> = { input: true, output: true, batch: true, steps: true, name: true, metadata: true, lengths: true };

/** The names, defaulted and validated (a `TypeError` naming `fn` otherwise). @internal */
export const onnxNames = (fn: string, opts: OnnxNames | undefined): Required<OnnxNames> => {
  const out = { input: opts?.input ?? "X", output: opts?.output ?? "Y", batch: opts?.batch ?? "m", steps: opts?.steps ?? "T" };
  for (const [k, v] of Object.entries(out)) if (typeof v !== "string" || v === "") throw new TypeError(`${fn}: option '${k}' must be a non-empty string, got ${JSON.stringify(v)}`);
  if (out.input === out.output) throw new TypeError(`${fn}: options 'input' and 'output' must differ, both are '${out.input}'`);
  if (out.batch === out.steps) throw new TypeError(`${fn}: options 'batch' and 'steps' must differ (one symbolic dim would say every batch is as long as its sequences), both are '${out.batch}'`);
  return out;
};

/** An edge's dims: its units, with the symbolic batch (and steps) where its layout puts them. */
const dims = (names: Required<OnnxNames>, end: GraphEnd) => {
  const units = end.shape.map((d) => ({ dimValue: d }));
  const batch = { dimParam: names.batch };
  if (end.layout === "columns") return [...units, batch];
  return end.layout === "steps" ? [{ dimParam: names.steps }, batch, ...units] : [batch, ...units];
};

const AttributeType = onnx.AttributeProto.AttributeType;

/** A node attribute as the protobuf schema has it. */
const attributeProto = (a: Attribute) => {
  if ("f" in a) return { name: a.name, type: AttributeType.FLOAT, f: a.f };
  if ("i" in a) return { name: a.name, type: AttributeType.INT, i: a.i };
  if ("s" in a) return { name: a.name, type: AttributeType.STRING, s: new TextEncoder().encode(a.s) };
  if ("ints" in a) return { name: a.name, type: AttributeType.INTS, ints: [...a.ints] };
  return { name: a.name, type: AttributeType.TENSOR, t: { dims: [...a.t.dims], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...a.t.int64s] } };
};

// -------------------------------------------------------------------------------------
// exporting
// -------------------------------------------------------------------------------------

/**
 * The ONNX bytes of a model (`dense`, `sequential` or `mlp`, either layout; `rnn`, `gru`, `lstm`,
 * `bidirectional` or `recurrentNet`) and its parameters.
 * Each dense layer becomes a `Gemm` and its activation's op (`onnxOps`); dropout, the identity at
 * inference, adds nothing. Image layers become `Conv` (stride, padding, dilation, groups),
 * `MaxPool`, `AveragePool`, `GlobalAveragePool` + `Flatten`, `BatchNormalization` (inference
 * form: the running statistics), `Flatten` and `Reshape`; the graph's input and output keep
 * typegrad's NHWC and the image layers run NCHW between two `Transpose` nodes, with kernels stored
 * as ONNX's `[F, C/groups, kh, kw]` (see `graph.ts`).
 *
 * Recurrent models: the graph's input is typegrad's time-major `[T, m, F]` (ONNX's `layout = 0`,
 * so no transpose), `T` and `m` symbolic; a body is one `RNN`, `GRU` (`linear_before_reset = 1`,
 * typegrad's GRU being PyTorch's) or `LSTM` op in `direction` `forward`, `reverse` or
 * `bidirectional`, its gate blocks reordered and transposed into ONNX's `W`, `R`, `B`; then what
 * selects `Y` (`returns: "sequence"`, `[T, m, D·H]`) or `Y_h` (`"last"`, `[m, D·H]`), two
 * directions joined forward first; then a `recurrentNet`'s dense head. Option `lengths` adds a
 * second input, each sequence's length (ONNX's `sequence_lens`), for padded batches. ONNX Runtime
 * (1.31) runs these ops in float32 only: float64 parameters make a valid file it does not run.
 *
 * Throws (naming the argument) when `params` is not the model's.
 *
 * @example
 * import { mlp, rng } from "typegrad"
 * import { exportOnnx, importOnnx } from "typegrad/onnx"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 8, 3], { hidden: "tanh", output: "softmax" })
 * const params = model.init(rng(0))
 * const bytes = exportOnnx(model, params, { input: "X", output: "probs" })
 * bytes.length > 200 // true
 * const back = importOnnx(bytes, model)
 * E.isRight(back) && back.right.W1 // Tensor<[8, 4]>
 * @example
 * import { dense, lstm, recurrentNet, rng } from "typegrad"
 * import { exportOnnx, importOnnx } from "typegrad/onnx"
 * import * as E from "fp-ts/lib/Either.js"
 * const net = recurrentNet(lstm(28, 16), dense(16, 10, { layout: "rows" }))
 * const params = net.init(rng(0))
 * // X: [T, m, 28] (any length and batch) → ONNX's LSTM → Y: [m, 10]; lengths: [m] int32
 * const bytes = exportOnnx(net, params, { lengths: "lengths" })
 * const back = importOnnx(bytes, net)
 * E.isRight(back) && back.right.body.U // Tensor<[16, 64]>
 * @category exporting
 * @since 0.3.0
 */
export const exportOnnx = <const M extends Describable>(model: M, params: ParamsOfModel<M>, opts: ExportOnnxOptions = {}): Uint8Array => {
  const fn = "exportOnnx";
  const arch = (model as Describable | null)?.architecture;
  if (arch === undefined || arch === null || typeof arch !== "object") throw new TypeError(`${fn}: argument 'model' must be a typegrad model (with an 'architecture')`);
  checkOptionKeys(fn, opts, exportKeys);
  const names = onnxNames(fn, opts);
  const lengths = opts.lengths;
  if (lengths !== undefined) {
    if (typeof lengths !== "string" || lengths === "") throw new TypeError(`${fn}: option 'lengths' must be a non-empty string, got ${JSON.stringify(lengths)}`);
    if (!isRecurrentArchitecture(arch)) throw new TypeError(`${fn}: option 'lengths' is for recurrent models (rnn, gru, lstm, bidirectional, recurrentNet); this one is a ${arch.kind}`);
    if (lengths === names.input || lengths === names.output) throw new TypeError(`${fn}: option 'lengths' must differ from 'input' and 'output', got '${lengths}'`);
  }
  let ends: ReturnType<typeof graphEnds>;
  let inits: ReturnType<typeof onnxInitializers>;
  try {
    ends = graphEnds(arch);
    inits = onnxInitializers(arch);
  } catch (e) {
    throw new TypeError(`${fn}: argument 'model' cannot be exported: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { specs } = paramLayout(arch);
  const leaves = new Map(namedLeaves(fn, params as Params));
  const first = leaves.values().next().value;
  const dtype = first?.dtype ?? DEFAULT_DTYPE;
  for (const [name, shape] of specs) {
    const x = leaves.get(name);
    if (x === undefined) throw new TypeError(`${fn}: argument 'params' has no '${name}' (the model's parameters are ${specs.map(([n]) => n).join(", ")})`);
    if (showShape(x.shape as readonly number[]) !== showShape(shape))
      throw new TypeError(`${fn}: argument 'params': '${name}' has shape ${showShape(x.shape as readonly number[])}, the model expects ${showShape(shape)}`);
    if (x.dtype !== dtype) throw new TypeError(`${fn}: argument 'params': '${name}' is ${x.dtype}, expected ${dtype} like the first parameter (one dtype for the whole graph)`);
  }
  if (leaves.size !== specs.length) throw new TypeError(`${fn}: argument 'params' has tensors the model does not: ${[...leaves.keys()].filter((n) => !specs.some(([s]) => s === n)).join(", ")}`);
  const nodes = graphNodes(arch, names.input, names.output, lengths);
  const inner = innerNames(nodes);
  const flatOf = (name: string): TypedArray => toFlat(leaves.get(name) as Tensor);
  // a recurrent body's W, R, B (built from several parameters each), then what is stored as it is
  const tensors = [
    ...(isRecurrentArchitecture(arch) ? recurrentToFile(recurrentBody(arch), flatOf, dtype) : []),
    ...inits.map(({ name, shape, perm }) => {
      const flat = flatOf(name);
      const from = (leaves.get(name) as Tensor).shape as readonly number[];
      return { name, shape, data: perm === undefined ? flat : permuteFlat(flat, from, perm, (n) => (flat instanceof Float64Array ? new Float64Array(n) : new Float32Array(n))) };
    }),
  ];
  for (const [k, v] of [["input", names.input], ["output", names.output], ...(lengths === undefined ? [] : [["lengths", lengths]])] as const) {
    if ((inner.has(v) && v !== names.output) || leaves.has(v) || tensors.some((t) => t.name === v))
      throw new TypeError(`${fn}: option '${k}' is '${v}', a name the graph uses for a parameter or an inner value`);
  }
  const elemType = dtype === "float64" ? onnx.TensorProto.DataType.DOUBLE : onnx.TensorProto.DataType.FLOAT;
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: "typegrad",
    producerVersion: "0.3.0",
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    metadataProps: [
      { key: "typegrad.architecture", value: JSON.stringify(arch) },
      ...Object.entries(opts.metadata ?? {}).map(([key, value]) => {
        if (typeof value !== "string") throw new TypeError(`${fn}: option 'metadata' must be a record of strings; '${key}' is ${typeof value}`);
        return { key, value };
      }),
    ],
    graph: {
      name: opts.name ?? "typegrad",
      node: nodes.map((n) => ({
        name: n.name,
        opType: n.opType,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: n.attributes.map(attributeProto),
      })),
      initializer: tensors.map(({ name, shape, data }) => {
        const raw = new Uint8Array(data.byteLength);
        writeFloats(raw, 0, data, dtype);
        return { name, dataType: elemType, dims: [...shape], rawData: raw };
      }),
      input: [
        { name: names.input, type: { tensorType: { elemType, shape: { dim: dims(names, ends.input) } } } },
        ...(lengths === undefined ? [] : [{ name: lengths, type: { tensorType: { elemType: onnx.TensorProto.DataType.INT32, shape: { dim: [{ dimParam: names.batch }] } } } }]),
      ],
      output: [{ name: names.output, type: { tensorType: { elemType, shape: { dim: dims(names, ends.output) } } } }],
    },
  });
  const bytes = onnx.ModelProto.encode(proto).finish();
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};
