/**
 * What a typegrad model is as an ONNX graph, one table row per activation: each dense layer is a
 * `Gemm` (`Z = W·A + b` when columns are examples, `Z = A·W + b` when rows are), then its
 * activation's op. Dropout is the identity at inference and adds nothing. The exporter writes
 * these nodes and the importer checks a file's graph against them, so the two cannot disagree.
 *
 * Image layers: typegrad is NHWC, ONNX's `Conv`, `MaxPool`, `AveragePool`,
 * `GlobalAveragePool` and `BatchNormalization` are NCHW (channels on axis 1). The graph keeps
 * typegrad's layout at its edges (the input and output are what `apply` takes and gives, so the
 * same arrays feed both) and inside between image layers runs NCHW: one `Transpose` where a run of
 * image layers begins (NHWC → NCHW) and one where it ends (before `Flatten`, `Reshape`, a dense
 * layer or the output). A chain of convolutions and pools thus costs two transposes, not two per
 * layer, and flattening happens in typegrad's order, so the dense weights after it are stored
 * as they are. Convolution kernels are stored transposed, in ONNX's `[F, C/groups, kh, kw]`
 * (from typegrad's `[kh, kw, C/groups, F]`): a constant, so transposing it once in the file
 * costs the runtime nothing, where a `Transpose` node would run at every call. Batch norm is
 * exported in its inference form (the running statistics).
 *
 * Recurrent models: the body's nodes and tensors are `recurrent.ts`'s; a `recurrentNet`'s head is
 * a dense layer as above (layer 2).
 *
 * @module
 */
import type { ActivationName } from "../nn/activations.js";
import { type Architecture, allLayers, type DenseArchitecture, isRecurrentArchitecture, type LayerArchitecture, paramLayout } from "../nn/architecture.js";
import { conv2d as convRule, windowGeometry } from "../shape/conv.js";
import { recurrentBody, recurrentNodes } from "./recurrent.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An attribute of a node: a float (`alpha`), an int (`axis`), a string (`direction`), ints (`kernel_shape`) or an int64 tensor (a `Constant`'s value). @internal */
export type Attribute =
  | { readonly name: string; readonly f: number }
  | { readonly name: string; readonly s: string }
  | { readonly name: string; readonly i: number }
  | { readonly name: string; readonly ints: readonly number[] }
  | { readonly name: string; readonly t: { readonly dims: readonly number[]; readonly int64s: readonly number[] } };

/** One ONNX node: its op, inputs, outputs and attributes. @internal */
export interface NodeSpec {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly Attribute[];
}

/** The names of one layer's parameters in the model's params tree (as `paramLayout` names them). @internal */
export interface LayerParamNames {
  readonly W: string;
  readonly b: string;
  readonly alpha: string;
}

/** The activation's op: its type and attributes, with `Z` and (PReLU) α as inputs. `undefined`: none (linear). */
type ActivationOp = { readonly opType: string; readonly attributes: readonly Attribute[]; readonly alpha?: true } | undefined;

/** One row per activation: the ONNX op computing it at inference (`unitAxis`: the axis of units). */
const activationOps: { readonly [A in ActivationName]: (l: Pick<DenseArchitecture, "alpha" | "rreluRange">, unitAxis: number) => ActivationOp } = {
  linear: () => undefined,
  sigmoid: () => ({ opType: "Sigmoid", attributes: [] }),
  tanh: () => ({ opType: "Tanh", attributes: [] }),
  relu: () => ({ opType: "Relu", attributes: [] }),
  leakyRelu: (l) => ({ opType: "LeakyRelu", attributes: [{ name: "alpha", f: l.alpha ?? 0.01 }] }),
  prelu: () => ({ opType: "PRelu", attributes: [], alpha: true }),
  // RReLU at inference: leaky ReLU with the mean slope
  rrelu: (l) => ({ opType: "LeakyRelu", attributes: [{ name: "alpha", f: ((l.rreluRange?.[0] ?? 1 / 8) + (l.rreluRange?.[1] ?? 1 / 3)) / 2 }] }),
  elu: (l) => ({ opType: "Elu", attributes: [{ name: "alpha", f: l.alpha ?? 1 }] }),
  softmax: (_, unitAxis) => ({ opType: "Softmax", attributes: [{ name: "axis", i: unitAxis }] }),
};

/**
 * The ONNX ops each activation exports to (for documentation and tests).
 *
 * @example
 * import { onnxOps } from "typegrad/onnx"
 * onnxOps.relu // ["Gemm", "Relu"]
 * onnxOps.linear // ["Gemm"]
 * @category model
 * @since 0.3.0
 */
export const onnxOps: { readonly [A in ActivationName]: readonly string[] } = Object.fromEntries(
  Object.entries(activationOps).map(([a, op]) => {
    const o = op({}, 0);
    return [a, o === undefined ? ["Gemm"] : ["Gemm", o.opType]];
  }),
) as unknown as { readonly [A in ActivationName]: readonly string[] };

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** The parameter names of each dense layer of an architecture, first to last. @internal */
export const layerParamNames = (arch: Architecture): readonly LayerParamNames[] => {
  switch (arch.kind) {
    case "dense":
      return [{ W: "W", b: "b", alpha: "alpha" }];
    case "sequential":
      return arch.layers.map((_, k) => ({ W: `[${k}].W`, b: `[${k}].b`, alpha: `[${k}].alpha` }));
    case "mlp":
      return arch.sizes.slice(1).map((_, k) => ({ W: `W${k + 1}`, b: `b${k + 1}`, alpha: `alpha${k + 1}` }));
    case "recurrentNet":
      return [{ W: "head.W", b: "head.b", alpha: "head.alpha" }];
    default:
      return [];
  }
};

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** A layer's input per example (a size is `[size]`). */
const inShapeOf = (l: LayerArchitecture): number[] => {
  switch (l.kind) {
    case "dense":
      return [l.nIn];
    case "reshape":
      return [product(l.shape)];
    default:
      return [...l.inShape];
  }
};

type Window = {
  readonly size: readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: "valid" | "same" | number | readonly [number, number];
  readonly dilation?: number | readonly [number, number];
};

/** ONNX's window attributes of a convolution or pooling over `inShape` (`[H, W, C]`), with its output size. */
const windowAttrs = (fn: string, inShape: readonly number[], w: Window, defaultStride: readonly [number, number], dilations: boolean): { attrs: Attribute[]; out: [number, number] } => {
  const [H, Wd] = inShape as [number, number, number];
  const g = windowGeometry(
    fn,
    [1, ...inShape],
    w.size,
    { ...(w.stride === undefined ? {} : { stride: w.stride }), ...(w.padding === undefined ? {} : { padding: w.padding }), ...(w.dilation === undefined ? {} : { dilation: w.dilation }) },
    defaultStride,
  );
  const explicit = typeof w.padding === "number" || Array.isArray(w.padding);
  const after = (size: number, out: number, s: number, d: number, k: number, before: number) => (explicit ? before : Math.max(0, (out - 1) * s + d * (k - 1) + 1 - size - before));
  const attrs: Attribute[] = [
    { name: "kernel_shape", ints: [g.kh, g.kw] },
    { name: "strides", ints: [g.sh, g.sw] },
    { name: "pads", ints: [g.padTop, g.padLeft, after(H, g.outH, g.sh, g.dh, g.kh, g.padTop), after(Wd, g.outW, g.sw, g.dw, g.kw, g.padLeft)] },
    ...(dilations ? [{ name: "dilations", ints: [g.dh, g.dw] }] : []),
  ];
  return { attrs, out: [g.outH, g.outW] };
};

/** A layer's output per example. */
const outShapeOf = (l: LayerArchitecture, s: readonly number[]): number[] => {
  switch (l.kind) {
    case "dense":
      return [l.nOut];
    case "conv2d":
      return convRule([1, ...s], [l.kernel[0], l.kernel[1], (s[2] as number) / l.groups, l.filters], convOptions(l)).shape.slice(1);
    case "maxPool2d":
    case "avgPool2d":
      return [...windowAttrs(l.kind, s, l, l.size, false).out, s[2] as number];
    case "globalAvgPool2d":
      return [s[2] as number];
    case "batchNorm":
      return [...s];
    case "flatten":
      return [product(s)];
    case "reshape":
      return [...l.shape];
  }
};

const convOptions = (l: Extract<LayerArchitecture, { kind: "conv2d" }>) => ({
  ...(l.stride === undefined ? {} : { stride: l.stride }),
  ...(l.padding === undefined ? {} : { padding: l.padding }),
  ...(l.dilation === undefined ? {} : { dilation: l.dilation }),
  groups: l.groups,
});

/**
 * One edge of the graph: the shape per example (a size is `[size]`) and where the symbolic dims
 * go: `rows` `[batch, …shape]`, `columns` `[…shape, batch]`, `steps` (time-major)
 * `[steps, batch, …shape]`.
 *
 * @internal
 */
export interface GraphEnd {
  readonly shape: readonly number[];
  readonly layout: "rows" | "columns" | "steps";
}

/**
 * The graph's edges: the input the first layer takes and the output the last gives.
 *
 * @internal
 */
export const graphEnds = (arch: Architecture): { readonly input: GraphEnd; readonly output: GraphEnd } => {
  if (isRecurrentArchitecture(arch)) {
    const b = recurrentBody(arch);
    const input: GraphEnd = { shape: [b.layer.nIn], layout: "steps" };
    if (arch.kind === "recurrentNet") return { input, output: { shape: [arch.head.nOut], layout: "rows" } };
    return { input, output: { shape: [b.nOut], layout: b.layer.returns === "sequence" ? "steps" : "rows" } };
  }
  const layers = allLayers(arch);
  const first = layers[0];
  if (first === undefined) throw new TypeError("the model has no layers");
  let s = inShapeOf(first);
  const input = s;
  for (const l of layers) s = outShapeOf(l, s);
  const layout = first.kind === "dense" ? first.layout : "rows";
  return { input: { shape: input, layout }, output: { shape: s, layout } };
};

/**
 * The initializers of an architecture's graph: each parameter's name, its shape in the file, and
 * the axis permutation from typegrad's shape to the file's (convolution kernels: `[3, 2, 0, 1]`,
 * `[kh, kw, C/g, F] → [F, C/g, kh, kw]`); `undefined` when stored as it is. A recurrent model's
 * head only: its body's tensors are ONNX's `W`, `R`, `B` (`recurrent.ts`).
 *
 * @internal
 */
export const onnxInitializers = (arch: Architecture): readonly { readonly name: string; readonly shape: readonly number[]; readonly perm?: readonly number[] }[] => {
  // a recurrent body's tensors are written by `recurrentToFile`; a head's are stored as they are
  if (isRecurrentArchitecture(arch))
    return paramLayout(arch)
      .specs.filter(([name]) => name.startsWith("head."))
      .map(([name, shape]) => ({ name, shape }));
  const convs = new Set(arch.kind === "sequential" ? arch.layers.flatMap((l, k) => (l.kind === "conv2d" ? [`[${k}].W`] : [])) : []);
  return paramLayout(arch).specs.map(([name, shape]) => {
    if (!convs.has(name)) return { name, shape };
    const perm = [3, 2, 0, 1];
    return { name, shape: perm.map((a) => shape[a] as number), perm };
  });
};

/** `data` of C-order shape `shape` with its axes permuted (`out.shape[i] = shape[perm[i]]`). @internal */
export const permuteFlat = <T extends { readonly length: number; [i: number]: number }>(data: T, shape: readonly number[], perm: readonly number[], make: (n: number) => T): T => {
  const r = shape.length;
  const strides = new Array<number>(r);
  let acc = 1;
  for (let a = r - 1; a >= 0; a--) {
    strides[a] = acc;
    acc *= shape[a] as number;
  }
  const outShape = perm.map((a) => shape[a] as number);
  const out = make(data.length);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let i = 0; i < r; i++) src += (idx[i] as number) * (strides[perm[i] as number] as number);
    out[o] = data[src] as number;
    for (let i = r - 1; i >= 0; i--) {
      idx[i] = (idx[i] as number) + 1;
      if ((idx[i] as number) < (outShape[i] as number)) break;
      idx[i] = 0;
    }
  }
  return out;
};

/** Layer `k`'s activation (`Z` to `A{k+1}`), if it has one. */
const activationNode = (k: number, name: ActivationName, l: Pick<DenseArchitecture, "alpha" | "rreluRange">, unitAxis: number, Z: string, alpha: string): NodeSpec | undefined => {
  const act = activationOps[name](l, unitAxis);
  if (act === undefined) return undefined;
  return { name: `layer${k + 1}/${act.opType}`, opType: act.opType, inputs: act.alpha ? [Z, alpha] : [Z], outputs: [`A${k + 1}`], attributes: act.attributes };
};

/** Dense layer `k` on value `A`: a `Gemm` and its activation's op. */
const denseNodes = (k: number, l: DenseArchitecture, q: LayerParamNames, A: string): NodeSpec[] => {
  const rows = l.layout === "rows";
  const Z = `Z${k + 1}`;
  const gemm: NodeSpec = { name: `layer${k + 1}/Gemm`, opType: "Gemm", inputs: rows ? [A, q.W, q.b] : [q.W, A, q.b], outputs: [Z], attributes: [] };
  const act = activationNode(k, l.activation, l, rows ? 1 : 0, Z, q.alpha);
  return act === undefined ? [gemm] : [gemm, act];
};

/** The last node's output renamed to the graph's output. */
const ending = (nodes: NodeSpec[], output: string): NodeSpec[] => {
  const last = nodes[nodes.length - 1];
  if (last !== undefined) nodes[nodes.length - 1] = { ...last, outputs: [...last.outputs.slice(0, -1), output] };
  return nodes;
};

/**
 * The nodes of an architecture's graph from input `input` to output `output` (a recurrent model's
 * second input `lengths`, if given: each sequence's length).
 *
 * @internal
 */
export const graphNodes = (arch: Architecture, input: string, output: string, lengths?: string): NodeSpec[] => {
  if (isRecurrentArchitecture(arch)) {
    // the body (layer 1), then a recurrentNet's head (layer 2)
    const nodes = recurrentNodes(recurrentBody(arch), input, "A1", lengths);
    if (arch.kind === "recurrentNet") nodes.push(...denseNodes(1, arch.head, layerParamNames(arch)[0] as LayerParamNames, "A1"));
    return ending(nodes, output);
  }
  const layers = allLayers(arch);
  const names = layerParamNames(arch);
  const nodes: NodeSpec[] = [];
  let A = input;
  /** Whether the current value is channels-first (NCHW), and its rank. */
  let channelsFirst = false;
  let s = layers[0] === undefined ? [] : inShapeOf(layers[0]);
  const transpose = (k: number, toFirst: boolean) => {
    const r = s.length + 1;
    if (r <= 2 || channelsFirst === toFirst) return;
    const rest = Array.from({ length: r - 2 }, (_, i) => i + (toFirst ? 1 : 2));
    const perm = toFirst ? [0, r - 1, ...rest] : [0, ...rest, 1];
    const out = `layer${k + 1}/${toFirst ? "nchw" : "nhwc"}`;
    nodes.push({ name: `layer${k + 1}/Transpose`, opType: "Transpose", inputs: [A], outputs: [out], attributes: [{ name: "perm", ints: perm }] });
    A = out;
    channelsFirst = toFirst;
  };
  const push = (ns: readonly NodeSpec[]) => {
    nodes.push(...ns);
    A = ns[ns.length - 1]?.outputs[0] ?? A;
  };
  layers.forEach((l, k) => {
    const p = `[${k}].`;
    const out = outShapeOf(l, s);
    switch (l.kind) {
      case "dense": {
        transpose(k, false);
        push(denseNodes(k, l, names[k] as LayerParamNames, A));
        break;
      }
      case "conv2d": {
        transpose(k, true);
        const Z = `Z${k + 1}`;
        const { attrs } = windowAttrs("conv2dLayer", s, { size: l.kernel, ...convOptions(l) }, [1, 1], true);
        nodes.push({ name: `layer${k + 1}/Conv`, opType: "Conv", inputs: [A, `${p}W`, `${p}b`], outputs: [Z], attributes: [...attrs, { name: "group", i: l.groups }] });
        A = Z;
        const act = activationNode(k, l.activation, {}, 1, Z, "");
        if (act !== undefined) push([act]);
        break;
      }
      case "maxPool2d":
      case "avgPool2d": {
        transpose(k, true);
        const { attrs } = windowAttrs(`${l.kind}Layer`, s, l, l.size, false);
        const op = l.kind === "maxPool2d" ? "MaxPool" : "AveragePool";
        const prev = A;
        A = `A${k + 1}`;
        nodes.push({ name: `layer${k + 1}/${op}`, opType: op, inputs: [prev], outputs: [A], attributes: op === "AveragePool" ? [...attrs, { name: "count_include_pad", i: 0 }] : attrs });
        break;
      }
      case "globalAvgPool2d": {
        transpose(k, true);
        const pooled = `layer${k + 1}/pooled`;
        nodes.push({ name: `layer${k + 1}/GlobalAveragePool`, opType: "GlobalAveragePool", inputs: [A], outputs: [pooled], attributes: [] });
        A = `A${k + 1}`;
        nodes.push({ name: `layer${k + 1}/Flatten`, opType: "Flatten", inputs: [pooled], outputs: [A], attributes: [{ name: "axis", i: 1 }] });
        channelsFirst = false;
        break;
      }
      case "batchNorm": {
        transpose(k, true);
        const prev = A;
        A = l.activation === undefined || l.activation === "linear" ? `A${k + 1}` : `Z${k + 1}`;
        nodes.push({
          name: `layer${k + 1}/BatchNormalization`,
          opType: "BatchNormalization",
          inputs: [prev, `${p}gamma`, `${p}beta`, `${p}mean`, `${p}variance`],
          outputs: [A],
          attributes: [{ name: "epsilon", f: l.epsilon ?? 1e-5 }],
        });
        const act = activationNode(k, l.activation ?? "linear", {}, 1, A, "");
        if (act !== undefined) push([act]);
        break;
      }
      case "flatten": {
        transpose(k, false);
        const prev = A;
        A = `A${k + 1}`;
        nodes.push({ name: `layer${k + 1}/Flatten`, opType: "Flatten", inputs: [prev], outputs: [A], attributes: [{ name: "axis", i: 1 }] });
        break;
      }
      case "reshape": {
        transpose(k, false);
        const to = `layer${k + 1}/shape`;
        nodes.push({ name: `layer${k + 1}/Constant`, opType: "Constant", inputs: [], outputs: [to], attributes: [{ name: "value", t: { dims: [out.length + 1], int64s: [0, ...out] } }] });
        const prev = A;
        A = `A${k + 1}`;
        nodes.push({ name: `layer${k + 1}/Reshape`, opType: "Reshape", inputs: [prev, to], outputs: [A], attributes: [] });
        break;
      }
    }
    s = out;
  });
  transpose(layers.length - 1, false);
  // the last value is the graph's output
  return ending(nodes, output);
};

/** The names the graph uses inside: `Z1`, `A1`, …, so inputs and outputs can avoid them. @internal */
export const innerNames = (nodes: readonly NodeSpec[]): Set<string> => new Set(nodes.flatMap((n) => n.outputs.filter((o) => o !== "")));
