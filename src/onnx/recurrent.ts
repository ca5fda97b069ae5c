/**
 * Recurrent layers as ONNX's `RNN`, `GRU` and `LSTM` ops (opset 14 semantics, the same in 17).
 * typegrad's layers are time-major, `X: [T, m, F]`, which is ONNX's default `layout = 0`, so the
 * graph's input feeds the op as it is: no `Transpose`. One op runs a whole body: a layer in its
 * `direction` (`"forward"` or `"reverse"`), or a `bidirectional` pair as one `"bidirectional"` op.
 *
 * The parameters differ in three ways, all resolved in the file's constants (free at run time):
 *
 * | | typegrad (per direction) | ONNX (directions stacked on axis 0) |
 * |---|---|---|
 * | input weights | `W: [F, G·H]` | `W: [D, G·H, F]` (transposed) |
 * | recurrent weights | `U: [H, G·H]` | `R: [D, G·H, H]` (transposed) |
 * | biases | `b` (and the GRU's `bh`): `[1, G·H]` | `B: [D, 2·G·H]`, `Wb` then `Rb` |
 * | gate blocks | rnn one; gru `r z n`; lstm `i f o g` | rnn one; GRU `z r h`; LSTM `i o f c` |
 *
 * `Rb` is the GRU's `bh`; an rnn or LSTM has one bias, written as `Wb` with `Rb = 0` (on reading,
 * `b = Wb + Rb`, the same function: both only ever appear summed). typegrad's GRU is PyTorch's,
 * the reset gate applied after the recurrent product, `n = tanh(x·W_n + b_n + r ⊙ (h·U_n + bh_n))`:
 * ONNX's `linear_before_reset = 1`. The activations are ONNX's defaults (rnn `Tanh`; GRU
 * `Sigmoid, Tanh`; LSTM `Sigmoid, Tanh, Tanh`), which are typegrad's. The initial state is zeros
 * (no `initial_h`), as `apply` without `initial`.
 *
 * Outputs: `returns: "sequence"` reads `Y: [T, D, m, H]`, `"last"` reads `Y_h: [D, m, H]` (the
 * forward direction's state after the last step, the backward one's after the first, as
 * `bidirectional`). One direction is squeezed out of its axis; two are moved next to the units and
 * joined, forward first (`Transpose`, `Reshape`), as `bidirectional`'s `concat`.
 *
 * @module
 */
import type { DType, TypedArray } from "../backend/backend.js";
import type { FoundTensor } from "../codec/modelTensors.js";
import type { RecurrentModelArchitecture } from "../nn/architecture.js";
import type { CellKind, RecurrentArchitecture } from "../nn/recurrent.js";
import { showShape } from "../shape/dims.js";
import type { NodeSpec } from "./graph.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A recurrent body as ONNX sees it. @internal */
export interface OnnxRecurrentBody {
  /** The layer (a bidirectional pair's forward layer). */
  readonly layer: RecurrentArchitecture;
  /** `"forward"`, `"reverse"` or `"bidirectional"` (ONNX's `direction`). */
  readonly direction: "forward" | "reverse" | "bidirectional";
  /** Number of directions, `D`. */
  readonly directions: 1 | 2;
  /** The prefix of the file's tensors (`""`, or `"body."` in a `recurrentNet`). */
  readonly file: string;
  /** The prefix of each direction's parameters in the params tree, forward first. */
  readonly params: readonly string[];
  /** The units of the body's output per step: `D·H`. */
  readonly nOut: number;
}

const GATES: Readonly<Record<CellKind, number>> = { rnn: 1, gru: 3, lstm: 4 };

/** ONNX's gate blocks, in its order, as typegrad's block index (GRU `z r h` from `r z n`; LSTM `i o f c` from `i f o g`). */
const onnxOrder: Readonly<Record<CellKind, readonly number[]>> = { rnn: [0], gru: [1, 0, 2], lstm: [0, 2, 1, 3] };

const opTypes: Readonly<Record<CellKind, string>> = { rnn: "RNN", gru: "GRU", lstm: "LSTM" };

/** ONNX's names of each cell's gate blocks, in its order (for messages). */
const gateNames: Readonly<Record<CellKind, string>> = { rnn: "one block", gru: "gates z, r, h", lstm: "gates i, o, f, c" };

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** A recurrent architecture's body. @internal */
export const recurrentBody = (arch: RecurrentModelArchitecture): OnnxRecurrentBody => {
  const file = arch.kind === "recurrentNet" ? "body." : "";
  const body = arch.kind === "recurrentNet" ? arch.body : arch;
  if (body.kind === "bidirectional") {
    const H = body.layer.nHidden;
    return { layer: body.layer, direction: "bidirectional", directions: 2, file, params: [`${file}forward.`, `${file}backward.`], nOut: 2 * H };
  }
  return { layer: body, direction: body.reverse ? "reverse" : "forward", directions: 1, file, params: [file], nOut: body.nHidden };
};

/** The file's tensors of a body: `W`, `R`, `B` with ONNX's shapes. @internal */
export const recurrentFileShapes = (b: OnnxRecurrentBody): readonly (readonly [string, readonly number[]])[] => {
  const { nIn: F, nHidden: H, kind } = b.layer;
  const GH = GATES[kind] * H;
  return [
    [`${b.file}W`, [b.directions, GH, F]],
    [`${b.file}R`, [b.directions, GH, H]],
    [`${b.file}B`, [b.directions, 2 * GH]],
  ];
};

/**
 * The nodes of a body from input `X` (`[T, m, F]`): the op and what selects its output, ending in
 * value `out` (`[T, m, D·H]` or `[m, D·H]`); `lengths` (`[m]`, int32), if given, is the op's
 * `sequence_lens`.
 *
 * @internal
 */
export const recurrentNodes = (b: OnnxRecurrentBody, X: string, out: string, lengths?: string): NodeSpec[] => {
  const { kind, nHidden: H, returns } = b.layer;
  const op = opTypes[kind];
  const p = "layer1/";
  const raw = returns === "sequence" ? `${p}Y` : `${p}Y_h`;
  const nodes: NodeSpec[] = [
    {
      name: `${p}${op}`,
      opType: op,
      inputs: [X, `${b.file}W`, `${b.file}R`, `${b.file}B`, ...(lengths === undefined ? [] : [lengths])],
      outputs: returns === "sequence" ? [raw] : ["", raw],
      attributes: [{ name: "direction", s: b.direction }, { name: "hidden_size", i: H }, ...(kind === "gru" ? [{ name: "linear_before_reset", i: 1 }] : [])],
    },
  ];
  const constant = (name: string, values: readonly number[]): string => {
    const to = `${p}${name}`;
    nodes.push({ name: `${p}${name}/Constant`, opType: "Constant", inputs: [], outputs: [to], attributes: [{ name: "value", t: { dims: [values.length], int64s: values } }] });
    return to;
  };
  // Y: [T, D, m, H] → [T, m, D·H]; Y_h: [D, m, H] → [m, D·H]
  const dirAxis = returns === "sequence" ? 1 : 0;
  if (b.directions === 1) {
    const axes = constant("axes", [dirAxis]);
    nodes.push({ name: `${p}Squeeze`, opType: "Squeeze", inputs: [raw, axes], outputs: [out], attributes: [] });
    return nodes;
  }
  const moved = `${raw}/units`;
  const perm = returns === "sequence" ? [0, 2, 1, 3] : [1, 0, 2];
  nodes.push({ name: `${p}Transpose`, opType: "Transpose", inputs: [raw], outputs: [moved], attributes: [{ name: "perm", ints: perm }] });
  const shape = constant("shape", returns === "sequence" ? [0, 0, -1] : [0, -1]);
  nodes.push({ name: `${p}Reshape`, opType: "Reshape", inputs: [moved, shape], outputs: [out], attributes: [] });
  return nodes;
};

/**
 * Rows of `src` (`[rows, G·H]`, typegrad's gate blocks side by side) written transposed into
 * `dst` at `offset` (`[G·H, rows]`, ONNX's gate order), or read back when `back`.
 */
const gateBlocks = (src: TypedArray, dst: TypedArray, offset: number, rows: number, H: number, order: readonly number[], back: boolean): void => {
  const GH = order.length * H;
  order.forEach((g, k) => {
    for (let j = 0; j < H; j++)
      for (let r = 0; r < rows; r++) {
        const s = r * GH + g * H + j;
        const d = offset + (k * H + j) * rows + r;
        if (back) src[s] = dst[d] as number;
        else dst[d] = src[s] as number;
      }
  });
};

const make = (dtype: DType, n: number): TypedArray => (dtype === "float64" ? new Float64Array(n) : new Float32Array(n));

const from = (x: TypedArray): DType => (x instanceof Float64Array ? "float64" : "float32");

/**
 * The file's tensors of a body from its parameters by name (`get`, C order): `W`, `R`, `B`.
 *
 * @internal
 */
export const recurrentToFile = (b: OnnxRecurrentBody, get: (name: string) => TypedArray, dtype: DType): { readonly name: string; readonly shape: readonly number[]; readonly data: TypedArray }[] => {
  const { nIn: F, nHidden: H, kind } = b.layer;
  const GH = GATES[kind] * H;
  const order = onnxOrder[kind];
  const [[wn, ws], [rn, rs], [bn, bs]] = recurrentFileShapes(b) as [[string, number[]], [string, number[]], [string, number[]]];
  const W = make(dtype, b.directions * GH * F);
  const R = make(dtype, b.directions * GH * H);
  const B = make(dtype, b.directions * 2 * GH);
  b.params.forEach((q, d) => {
    gateBlocks(get(`${q}W`), W, d * GH * F, F, H, order, false);
    gateBlocks(get(`${q}U`), R, d * GH * H, H, H, order, false);
    gateBlocks(get(`${q}b`), B, d * 2 * GH, 1, H, order, false);
    if (kind === "gru") gateBlocks(get(`${q}bh`), B, d * 2 * GH + GH, 1, H, order, false);
  });
  return [
    { name: wn, shape: ws, data: W },
    { name: rn, shape: rs, data: R },
    { name: bn, shape: bs, data: B },
  ];
};

/**
 * A body's parameters from the file's tensors in `found`, in place: `W`, `R`, `B` (checked against
 * ONNX's shapes) are replaced by each direction's `W`, `U`, `b` (and `bh`), read lazily. Returns
 * the errors, under the file's names (none for one in `unreadable`, already reported), and the
 * parameter names they make moot.
 *
 * @internal
 */
export const recurrentFromFile = (
  b: OnnxRecurrentBody,
  found: Map<string, FoundTensor>,
  unreadable: ReadonlySet<string>,
): { readonly errors: readonly (readonly [string, string])[]; readonly moot: readonly string[] } => {
  const { nIn: F, nHidden: H, kind } = b.layer;
  const GH = GATES[kind] * H;
  const order = onnxOrder[kind];
  const shapes = recurrentFileShapes(b);
  const what: Readonly<Record<string, string>> = {
    W: `[directions, ${GATES[kind]} · hidden, inputs]`,
    R: `[directions, ${GATES[kind]} · hidden, hidden]`,
    B: `[directions, 2 · ${GATES[kind]} · hidden] (Wb then Rb)`,
  };
  const errors: [string, string][] = [];
  const tensors = shapes.map(([name, shape]) => {
    const f = found.get(name);
    found.delete(name);
    if (f === undefined && unreadable.has(name)) errors.push([name, ""]);
    else if (f === undefined)
      errors.push([name, `missing: expected ONNX's ${opTypes[kind]} ${name.slice(b.file.length)} of shape ${showShape(shape)}, ${what[name.slice(b.file.length)]}, ${gateNames[kind]}`]);
    else if (showShape(f.shape) !== showShape(shape))
      errors.push([name, `shape ${showShape(f.shape)}, expected ${showShape(shape)} (ONNX's ${opTypes[kind]} ${name.slice(b.file.length)}: ${what[name.slice(b.file.length)]}, ${gateNames[kind]})`]);
    return f;
  });
  const names = b.params.flatMap((q) => [`${q}W`, `${q}U`, `${q}b`, ...(kind === "gru" ? [`${q}bh`] : [])]);
  if (errors.length > 0) return { errors: errors.filter(([, m]) => m !== ""), moot: names };
  const [W, R, B] = tensors as [FoundTensor, FoundTensor, FoundTensor];
  // each file tensor is read once, however many parameters come from it
  const once = (f: FoundTensor): (() => TypedArray) => {
    let x: TypedArray | undefined;
    return () => {
      x ??= f.read();
      return x;
    };
  };
  const [w, r, bb] = [once(W), once(R), once(B)];
  const piece = (from: FoundTensor, shape: readonly number[], read: () => TypedArray): FoundTensor => ({ dtype: from.dtype, as: from.as, shape, read });
  b.params.forEach((q, d) => {
    const out = (rows: number, src: () => TypedArray, offset: number) => (): TypedArray => {
      const x = make(from(src()), rows * GH);
      gateBlocks(x, src(), offset, rows, H, order, true);
      return x;
    };
    found.set(`${q}W`, piece(W, [F, GH], out(F, w, d * GH * F)));
    found.set(`${q}U`, piece(R, [H, GH], out(H, r, d * GH * H)));
    const wb = out(1, bb, d * 2 * GH);
    const rb = out(1, bb, d * 2 * GH + GH);
    if (kind === "gru") {
      found.set(`${q}b`, piece(B, [1, GH], wb));
      found.set(`${q}bh`, piece(B, [1, GH], rb));
    } else
      found.set(
        `${q}b`,
        piece(B, [1, GH], () => {
          // one bias: Wb + Rb (Rb is 0 in what typegrad writes, so the bits come back as they went)
          const x = wb();
          const y = rb();
          for (let i = 0; i < x.length; i++) if (y[i] !== 0) x[i] = (x[i] as number) + (y[i] as number);
          return x;
        }),
      );
  });
  return { errors, moot: [] };
};
