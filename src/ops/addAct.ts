/**
 * `addAct(z, b, act)`: `act(z + b)` with numpy broadcasting, in one kernel pass — the bias add
 * and activation of a dense layer (`relu(add(matmul(A, W), b))`) without the intermediate
 * `z + b` ever being written out. `act` is `"relu"`, `"sigmoid"` or `"tanh"`.
 *
 * Forward: `out = act(z + b)`, bit for bit the same as the two ops in a row. Pullback, from the
 * output alone: `g = ct ⊙ act'`, with relu' = `out > 0`, σ' = `out(1 - out)`, tanh' =
 * `1 - out²` (each activation's own rule from its op file: `sigmoidFromOutput`, …); then `ct_z = g`, `ct_b = g` (summed back to `b`'s shape by the autodiff core).
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import type { UnaryKernel } from "../backend/backend.js";
import { broadcast } from "../shape/broadcast.js";
import type { Tensor } from "../tensor/tensor.js";
import { describe, dual, elementwiseTwin, expectTensor, promote, sampleBroadcast, two } from "./define.js";
import { zipWith } from "./naive.js";
import { reluFromOutput } from "./relu.js";
import { sigmoidFromOutput } from "./sigmoid.js";
import { domains, type OpDef } from "./spec.js";
import { tanhFromOutput } from "./tanh.js";
import type { AddActOp } from "./types.js";

/** The activations `addAct` fuses. @category model */
export type FusedActivation = "relu" | "sigmoid" | "tanh";

const fused: readonly FusedActivation[] = ["relu", "sigmoid", "tanh"];

/** `ct ⊙ act'`, from the activation's output: each activation's own rule, written once in its op file. */
const fromOutput: Readonly<Record<FusedActivation, (ct: Tensor, out: Tensor) => Tensor>> = { relu: reluFromOutput, sigmoid: sigmoidFromOutput, tanh: tanhFromOutput };

/** The primitive; its parameter is the activation. */
export const addActPrim: Primitive<FusedActivation> = {
  name: "addAct",
  shape: (ss) => {
    const [a, b] = two(ss);
    return broadcast(a, b, "addAct");
  },
  forward: (xs, ss, act, out) => {
    const [a, b] = two(xs);
    const [sa, sb] = two(ss);
    return a.backend.binary("add", a, sa, b, sb, out, act satisfies UnaryKernel);
  },
  pullback: (ct, _xs, out, act) => {
    const g = fromOutput[act](ct, out);
    return [g, g];
  },
};

const addActImpl = (z: Tensor, b: Tensor, act: FusedActivation): Tensor => {
  expectTensor("addAct", "z", z);
  expectTensor("addAct", "b", b);
  if (!fused.includes(act)) throw new TypeError(`addAct: argument 'act' must be one of ${fused.map((a) => JSON.stringify(a)).join(", ")}, got ${describe(act)}`);
  return bind(addActPrim, promote(z, b), act);
};

/**
 * `act(z + b)` in one pass (numpy broadcasting; a shape mismatch is reported at `b`).
 *
 * @example
 * import { addAct, tensor, toArray } from "typegrad"
 * toArray(addAct(tensor([[-2, 1], [3, -4]]), tensor([1, 1]), "relu")) // [[0, 2], [4, 0]]
 * @category operations
 */
export const addAct: AddActOp = dual(3, addActImpl);

/** Registry entry: relu is sampled with `z + b` away from its kink. */
export const addActDef: OpDef<FusedActivation> = {
  name: "addAct",
  kind: "primitive",
  doc: "act(z + b), act ∈ relu, sigmoid, tanh",
  shape: elementwiseTwin,
  forward: { kind: "backend", method: "binary" },
  pullback: addActPrim.pullback,
  spec: {
    // the add (0.5) amplified by the activation's condition number (≤ |z| ≤ 6 for sigmoid), then the kernel (≤ 2 ulp)
    error: { ulps: { float32: 8, float64: 8 } },
    sample: (g) => {
      const act = fused[g.int(0, fused.length - 1)] as FusedActivation;
      const [sz, sb] = sampleBroadcast(g, 2) as [number[], number[]];
      const near = { name: "within 0.04 of 0", min: -0.04, max: 0.04 };
      return {
        inputs: [
          { shape: sz, domain: act === "relu" ? domains.awayFromZero : domains.real },
          { shape: sb, domain: act === "relu" ? near : domains.real },
        ],
        params: act,
      };
    },
    call: (xs, act) => {
      const [z, b] = two(xs);
      return addActImpl(z, b, act);
    },
    reference: (xs, act) =>
      zipWith(xs, (z, b) => {
        const v = z + b;
        return act === "relu" ? Math.max(0, v) : act === "sigmoid" ? 1 / (1 + Math.exp(-v)) : Math.tanh(v);
      }),
    secondOrder: true,
  },
};
