/**
 * `importOnnx(bytes, model)`: an ONNX file's parameters, typed by the model the program builds.
 * The file is decoded with protobufjs (a malformed one is a `Left`, never an exception); its
 * graph must be the one `exportOnnx` writes for that model (the same ops in the same order, wired
 * the same way, with the same attributes, the input's and output's unit dims the model's); each
 * initializer must have the expected dtype (float32 by default) and the model's shape, and the
 * bytes its shape needs. Every difference is listed: under `graph` for the graph, under the
 * tensor's name for a parameter. A recurrent body's tensors are ONNX's `W`, `R`, `B`, checked
 * against ONNX's shapes and read back into each direction's `W`, `U`, `b` (`bh`): see
 * `recurrent.ts`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { DType, TypedArray } from "../backend/backend.js";
import { readFloats } from "../codec/bytes.js";
import { type DecodeError, type DecodeErrors, describeValue, key, leaf, nonEmpty } from "../codec/errors.js";
import { type FoundTensor, paramsFromFound } from "../codec/modelTensors.js";
import { type Describable, isRecurrentArchitecture, type ParamsOfModel } from "../nn/architecture.js";
import { showShape } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { dtypeOption } from "../tensor/dtype.js";
import { ONNX_OPSET } from "./export.js";
import { type Attribute, type GraphEnd, graphEnds, graphNodes, type NodeSpec, onnxInitializers, permuteFlat } from "./graph.js";
import { int64, onnx } from "./proto.js";
import { recurrentBody, recurrentFileShapes, recurrentFromFile } from "./recurrent.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Options of {@link importOnnx}. @category model @since 0.3.0 */
export interface ImportOnnxOptions {
  /** The dtype every parameter must have (default float32). */
  readonly dtype?: DType;
  /** The largest file accepted, in bytes (default 2^30). */
  readonly maxBytes?: number;
}

const DataType = onnx.TensorProto.DataType;

const importKeys: OptionKeys<ImportOnnxOptions> = { dtype: true, maxBytes: true };

const dtypeName = (t: number): string => (DataType as unknown as Record<number, string>)[t] ?? `data type ${t}`;

const onnxName = (d: DType): string => (d === "float64" ? "DOUBLE" : "FLOAT");

type Model = InstanceType<typeof onnx.ModelProto>;
type Graph = NonNullable<Model["graph"]>;
type TensorP = NonNullable<Graph["initializer"]>[number];
type ValueInfo = NonNullable<Graph["input"]>[number];
type NodeP = NonNullable<Graph["node"]>[number];

// -------------------------------------------------------------------------------------
// checking
// -------------------------------------------------------------------------------------

/** The oldest opset whose ops mean what typegrad writes (Softmax's `axis` took its meaning in 13). */
const OLDEST_OPSET = 13;

/** ONNX's default operator domain, spelt `""` or `"ai.onnx"`. */
const isDefaultDomain = (domain: string | null | undefined): boolean => domain === undefined || domain === null || domain === "" || domain === "ai.onnx";

/**
 * The default domain's opset must be imported once and lie in 13..`ONNX_OPSET`: a newer opset may
 * give an op typegrad reads another meaning (the file is refused rather than misread).
 */
const checkOpset = (imports: readonly { readonly domain?: string | null; readonly version?: unknown }[]): DecodeError | undefined => {
  const range = `expected ${OLDEST_OPSET} to ${ONNX_OPSET} (typegrad writes ${ONNX_OPSET})`;
  const own = imports.filter((o) => isDefaultDomain(o.domain));
  if (own.length === 0) return leaf(undefined, `missing (no opset_import for the default domain 'ai.onnx'), ${range}`);
  if (own.length > 1) return leaf(own.length, `the default domain is imported twice (${own.map((o) => `'${o.domain ?? ""}' ${String(o.version)}`).join(", ")})`);
  // compared as a double: a version past 2^53 is still newer
  const raw = String(own[0]?.version);
  const v = Number(raw);
  if (v > ONNX_OPSET) return leaf(raw, `${raw} is newer than typegrad reads: ${range}`);
  if (!(v >= OLDEST_OPSET)) return leaf(raw, `${raw} is older than typegrad reads: ${range}`);
  return undefined;
};

/** An attribute's value as text: float attributes rounded to float32, ints, int64 tensors by dims and values. */
const attrValue = (a: {
  readonly type?: number | null;
  readonly f?: number | null;
  readonly i?: unknown;
  readonly s?: Uint8Array | null;
  readonly ints?: readonly unknown[] | null;
  readonly t?: { readonly dims?: readonly unknown[] | null; readonly int64Data?: readonly unknown[] | null; readonly dataType?: number | null } | null;
}): string | undefined => {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT:
      return String(a.f ?? 0);
    case T.INT:
      return String(int64(a.i));
    case T.STRING:
      return JSON.stringify(new TextDecoder().decode(a.s ?? new Uint8Array(0)));
    case T.INTS:
      return `[${(a.ints ?? []).map(int64).join(", ")}]`;
    case T.TENSOR:
      return a.t?.dataType === DataType.INT64 ? `int64 [${(a.t.dims ?? []).map(int64).join(", ")}]: [${(a.t.int64Data ?? []).map(int64).join(", ")}]` : "a tensor that is not int64";
    default:
      return undefined;
  }
};

/** The expected attribute's value as `attrValue` writes it. */
const wantValue = (w: Attribute): string =>
  "f" in w ? String(Math.fround(w.f)) : "i" in w ? String(w.i) : "s" in w ? JSON.stringify(w.s) : "ints" in w ? `[${w.ints.join(", ")}]` : `int64 [${w.t.dims.join(", ")}]: [${w.t.int64s.join(", ")}]`;

/** How node `got` differs from the expected `want`, as messages. */
const nodeDiff = (got: NodeP, want: NodeSpec): string[] => {
  const out: string[] = [];
  if (got.opType !== want.opType || !isDefaultDomain(got.domain)) return [`is ${got.domain ? `${got.domain}.` : ""}${got.opType ?? "?"}, expected ${want.opType} (${want.name})`];
  const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(", ")}]`;
  const ins = got.input ?? [];
  if (list(ins) !== list(want.inputs)) out.push(`${want.opType} reads ${list(ins)}, expected ${list(want.inputs)}`);
  const outs = got.output ?? [];
  if (list(outs) !== list(want.outputs)) out.push(`${want.opType} writes ${list(outs)}, expected ${list(want.outputs)}`);
  const attrs = got.attribute ?? [];
  for (const w of want.attributes) {
    const a = attrs.find((x) => x.name === w.name);
    const v = wantValue(w);
    const g = a === undefined ? undefined : attrValue(a);
    if (g !== v) out.push(`${want.opType} attribute '${w.name}' is ${g === undefined ? "missing" : g}, expected ${v}`);
  }
  for (const a of attrs) if (!want.attributes.some((w) => w.name === a.name)) out.push(`${want.opType} has attribute '${a.name ?? ""}', which the model's layer does not`);
  return out;
};

/** The dims of a value's tensor type, as numbers (symbolic: the name). */
const valueDims = (v: ValueInfo): (number | string)[] | undefined => v.type?.tensorType?.shape?.dim?.map((d) => (d.dimParam ? d.dimParam : int64(d.dimValue)));

/** How an edge's dims read in messages: the symbolic ones by their role. */
const expectedDims: { readonly [L in GraphEnd["layout"]]: (shape: readonly number[]) => string } = {
  rows: (s) => `[${["batch", ...s].join(", ")}] (rows are examples)`,
  columns: (s) => `[${[...s, "batch"].join(", ")}] (columns are examples)`,
  steps: (s) => `[${["steps", "batch", ...s].join(", ")}] (time-major: steps, examples, units)`,
};

const checkValue = (what: string, v: ValueInfo | undefined, end: GraphEnd, elemType: number): DecodeError[] => {
  if (v === undefined) return [leaf(undefined, `the graph has no ${what}`)];
  const errs: string[] = [];
  const t = v.type?.tensorType;
  if (t?.elemType !== elemType) errs.push(`element type ${dtypeName(t?.elemType ?? 0)}, expected ${dtypeName(elemType)}`);
  const d = valueDims(v);
  const { shape, layout } = end;
  const symbolic = layout === "steps" ? 2 : 1;
  const rest = layout === "columns" ? d?.slice(0, -1) : d?.slice(symbolic);
  if (d !== undefined && (d.length !== shape.length + symbolic || rest?.some((x, i) => x !== shape[i]))) errs.push(`shape [${d.join(", ")}], expected ${expectedDims[layout](shape)}`);
  return errs.length === 0 ? [] : [key(`${what} '${v.name ?? ""}'`, errs.map((m) => leaf(v.name, m)) as unknown as DecodeErrors)];
};

/** The graph's differences from the model's. */
const checkGraph = (graph: Graph, model: Describable, elemType: number): DecodeError[] => {
  const inits = new Set((graph.initializer ?? []).map((i) => i.name));
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name));
  const outputs = graph.output ?? [];
  const errs: DecodeError[] = [];
  // a recurrent model may have a second input: each sequence's length (exportOnnx's option 'lengths')
  const recurrent = isRecurrentArchitecture(model.architecture);
  if (inputs.length !== 1 && !(recurrent && inputs.length === 2))
    errs.push(leaf(inputs.length, `the graph has ${inputs.length} inputs (besides initializers), expected 1${recurrent ? " (or 2: the sequences and their lengths)" : ""}`));
  if (outputs.length !== 1) errs.push(leaf(outputs.length, `the graph has ${outputs.length} outputs, expected 1`));
  const ends = graphEnds(model.architecture);
  errs.push(...checkValue("input", inputs[0], ends.input, elemType), ...checkValue("output", outputs[0], ends.output, elemType));
  const lengths = recurrent && inputs.length === 2 ? inputs[1] : undefined;
  if (lengths !== undefined) errs.push(...checkValue("lengths input", lengths, { shape: [], layout: "rows" }, DataType.INT32));
  const want = graphNodes(model.architecture, inputs[0]?.name ?? "X", outputs[0]?.name ?? "Y", lengths?.name ?? undefined);
  const got = graph.node ?? [];
  if (got.length !== want.length)
    errs.push(leaf(got.length, `the graph has ${got.length} nodes (${got.map((n) => n.opType).join(", ")}), the model's has ${want.length} (${want.map((n) => n.opType).join(", ")})`));
  for (let i = 0; i < Math.min(got.length, want.length); i++) {
    const d = nodeDiff(got[i] as NodeP, want[i] as NodeSpec);
    if (d.length > 0) errs.push(key(`node ${i}`, d.map((m) => leaf(got[i]?.name, m)) as unknown as DecodeErrors));
  }
  return errs;
};

/** An initializer as a found tensor, or why its data cannot be read. */
const foundOf = (t: TensorP): FoundTensor | DecodeErrors => {
  const shape = (t.dims ?? []).map(int64);
  if (shape.some((d) => !(d >= 0))) return [leaf(t.dims, `dims [${(t.dims ?? []).map(String).join(", ")}] are not non-negative integers`)];
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return [leaf(undefined, "its data is stored outside the file (external data), which typegrad does not read")];
  const dtype = t.dataType ?? 0;
  const as: DType | undefined = dtype === DataType.FLOAT ? "float32" : dtype === DataType.DOUBLE ? "float64" : undefined;
  const name = dtypeName(dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  if (as === undefined) return { dtype: name, as, shape, read: () => new Float32Array(0) };
  const size = as === "float64" ? 8 : 4;
  const raw = t.rawData;
  const typed = as === "float64" ? (t.doubleData ?? []) : (t.floatData ?? []);
  if (raw !== undefined && raw !== null && raw.length > 0) {
    if (raw.length !== n * size) return [leaf(raw.length, `raw_data has ${raw.length} bytes, shape ${showShape(shape)} of ${name} needs ${n * size}`)];
    return { dtype: name, as, shape, read: () => readFloats(raw, 0, n, as, true) };
  }
  if (typed.length !== n) return [leaf(typed.length, `${as === "float64" ? "double_data" : "float_data"} has ${typed.length} values, shape ${showShape(shape)} needs ${n}`)];
  return { dtype: name, as, shape, read: (): TypedArray => (as === "float64" ? Float64Array.from(typed) : Float32Array.from(typed)) };
};

// -------------------------------------------------------------------------------------
// importing
// -------------------------------------------------------------------------------------

/**
 * The parameters of `model` from an ONNX file's bytes, typed by the model; or every reason the
 * file is not that model (`graph: node 1: is Tanh, expected Relu (layer1/Relu)`,
 * `W1: shape [8, 5], expected [8, 4]`), or not an ONNX model at all. The file's default-domain
 * opset (`""` or `"ai.onnx"`) must be 13 to `ONNX_OPSET` (17): a newer opset may give an op
 * another meaning, so such a file is refused (`opset: 18 is newer than typegrad reads: …`).
 *
 * @example
 * import { draw, mlp, rng } from "typegrad"
 * import { exportOnnx, importOnnx } from "typegrad/onnx"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 8, 3])
 * const bytes = exportOnnx(model, model.init(rng(0)))
 * const r = importOnnx(bytes, model)
 * E.isRight(r) && r.right.b2 // Tensor<[3, 1]>
 * const wrong = importOnnx(bytes, mlp([4, 8, 3], { hidden: "tanh" }))
 * E.isLeft(wrong) && draw(wrong.left) // "graph: node 1: is Relu, expected Tanh (layer1/Tanh)"
 * const junk = importOnnx(new Uint8Array([8, 1, 18]), model)
 * E.isLeft(junk) && draw(junk.left) // "not an ONNX model: index out of range: 3 + 10 > 3"
 * @category importing
 * @since 0.3.0
 */
export const importOnnx = <const M extends Describable>(bytes: Uint8Array, model: M, opts: ImportOnnxOptions = {}): E.Either<DecodeErrors, ParamsOfModel<M>> => {
  const fn = "importOnnx";
  if (model === null || typeof model !== "object" || typeof (model as Describable).architecture !== "object")
    throw new TypeError(`${fn}: argument 'model' must be a typegrad model (with an 'architecture'), got ${describeValue(model)}`);
  const arch = (model as Describable).architecture;
  if (opts === null || typeof opts !== "object") throw new TypeError(`${fn}: argument 'opts' must be an object, got ${describeValue(opts)}`);
  checkOptionKeys(fn, opts, importKeys);
  const dtype = dtypeOption(fn, opts.dtype);
  const maxBytes = opts.maxBytes ?? 2 ** 30;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError(`${fn}: option 'maxBytes' must be a non-negative integer, got ${describeValue(maxBytes)}`);
  if (!(bytes instanceof Uint8Array)) return E.left([leaf(bytes, `expected bytes (a Uint8Array), got ${describeValue(bytes)}`)]);
  if (bytes.length > maxBytes) return E.left([leaf(bytes.length, `${bytes.length} bytes, above the limit maxBytes = ${maxBytes}`)]);
  let proto: Model;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (e) {
    return E.left([leaf(undefined, `not an ONNX model: ${e instanceof Error ? e.message : String(e)}`)]);
  }
  const graph = proto.graph;
  if (graph === undefined || graph === null) return E.left([leaf(undefined, "not an ONNX model: it has no graph")]);
  const errors: DecodeError[] = [];
  const opsetError = checkOpset(proto.opsetImport ?? []);
  if (opsetError !== undefined) errors.push(key("opset", [opsetError]));
  const graphErrors = checkGraph(graph, model, dtype === "float64" ? DataType.DOUBLE : DataType.FLOAT);
  if (graphErrors.length > 0) errors.push(key("graph", graphErrors as unknown as DecodeErrors));
  const found = new Map<string, FoundTensor>();
  // initializers whose data cannot be read: reported once, not again as missing
  const unreadable = new Set<string>();
  (graph.initializer ?? []).forEach((t, i) => {
    const name = t.name ?? "";
    const f = foundOf(t);
    if (found.has(name) || unreadable.has(name)) errors.push(key(name, [leaf(undefined, `a second initializer of this name (number ${i})`)]));
    else if (Array.isArray(f)) {
      errors.push(key(name, f as DecodeErrors));
      unreadable.add(name);
    } else found.set(name, f as FoundTensor);
  });
  // convolution kernels are stored in ONNX's [F, C/g, kh, kw]: read them back as typegrad's [kh, kw, C/g, F]
  for (const { name, shape, perm } of onnxInitializers(model.architecture)) {
    const f = found.get(name);
    if (perm === undefined || f === undefined) continue;
    if (f.shape.length !== shape.length || f.shape.some((d, i) => d !== shape[i])) {
      errors.push(key(name, [leaf(f.shape, `shape ${showShape(f.shape)}, expected ${showShape(shape)} (a convolution kernel, ONNX's [filters, channels / groups, kh, kw])`)]));
      unreadable.add(name);
      found.delete(name);
      continue;
    }
    const inverse = perm.map((_, i) => perm.indexOf(i));
    found.set(name, {
      ...f,
      shape: inverse.map((a) => shape[a] as number),
      read: () => {
        const x = f.read();
        return permuteFlat(x, shape, inverse, (n) => (x instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)));
      },
    });
  }
  // a recurrent body's ONNX W, R, B: read back as each direction's W, U, b (bh)
  if (isRecurrentArchitecture(arch)) {
    const body = recurrentBody(arch);
    // the file's names are not the parameters': say which the file should have
    const names = [...recurrentFileShapes(body).map(([n]) => n), ...onnxInitializers(arch).map((i) => i.name)];
    for (const name of [...found.keys()].filter((n) => !names.includes(n))) {
      errors.push(key(name, [leaf(undefined, `unexpected tensor (the file's are ${names.join(", ")})`)]));
      found.delete(name);
    }
    const { errors: es, moot } = recurrentFromFile(body, found, unreadable);
    for (const [name, message] of es) errors.push(key(name, [leaf(undefined, message)]));
    for (const name of moot) unreadable.add(name);
  }
  const params = paramsFromFound(model, found, dtype, onnxName);
  const all = [...errors, ...(E.isLeft(params) ? params.left.filter((e) => !(e._tag === "Key" && unreadable.has(e.key))) : [])];
  const ne = nonEmpty(all);
  return ne === undefined && E.isRight(params) ? params : E.left(ne ?? [leaf(undefined, "not the model's parameters")]);
};
