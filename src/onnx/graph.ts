/**
 * What a typegrad model is as an ONNX graph, one table row per activation: each dense layer is a
 * `Gemm` (`Z = W·A + b` when columns are examples, `Z = A·W + b` when rows are), then its
 * activation's op. Dropout is the identity at inference and adds nothing. The exporter writes
 * these nodes and the importer checks a file's graph against them, so the two cannot disagree.
 *
 * @module
 */
import type { ActivationName } from "../nn/activations.js";
import { type Architecture, architectureLayers, type DenseArchitecture } from "../nn/architecture.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** An attribute of a node: a float (`alpha`) or an int (`axis`). @internal */
export type Attribute = { readonly name: string; readonly f: number } | { readonly name: string; readonly i: number };

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
const activationOps: { readonly [A in ActivationName]: (l: DenseArchitecture, unitAxis: number) => ActivationOp } = {
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
    const o = op({ kind: "dense", nIn: 1, nOut: 1, activation: a as ActivationName, layout: "columns", dropout: 0 }, 0);
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
  }
};

/** The nodes of an architecture's graph from input `input` to output `output`. @internal */
export const graphNodes = (arch: Architecture, input: string, output: string): NodeSpec[] => {
  const layers = architectureLayers(arch);
  const names = layerParamNames(arch);
  const nodes: NodeSpec[] = [];
  let A = input;
  layers.forEach((l, k) => {
    const last = k === layers.length - 1;
    const rows = l.layout === "rows";
    const p = names[k] as LayerParamNames;
    const act = activationOps[l.activation](l, rows ? 1 : 0);
    const Z = last && act === undefined ? output : `Z${k + 1}`;
    nodes.push({ name: `layer${k + 1}/Gemm`, opType: "Gemm", inputs: rows ? [A, p.W, p.b] : [p.W, A, p.b], outputs: [Z], attributes: [] });
    A = Z;
    if (act !== undefined) {
      const out = last ? output : `A${k + 1}`;
      nodes.push({ name: `layer${k + 1}/${act.opType}`, opType: act.opType, inputs: act.alpha ? [Z, p.alpha] : [Z], outputs: [out], attributes: act.attributes });
      A = out;
    }
  });
  return nodes;
};

/** The names the graph uses inside: `Z1`, `A1`, …, so inputs and outputs can avoid them. @internal */
export const innerNames = (nodes: readonly NodeSpec[]): Set<string> => new Set(nodes.flatMap((n) => n.outputs));
