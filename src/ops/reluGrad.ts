/**
 * `reluGrad(ct, x)`: relu's pullback in one kernel, `ct` where `x > 0`, else 0 (the course's
 * derivative, 0 at the kink). It is what `relu` and `addAct(…, "relu")` give back, from their
 * output (`x > 0` exactly where `relu(x) > 0`), in one pass instead of a mask and a select.
 *
 * Forward: `out = x > 0 ? ct : 0` (NaN in `x` gives 0; `ct` passes through bit for bit).
 * Pullback: `ct_ct = reluGrad(g, x)` (linear in `ct`), `ct_x = 0` (the mask is flat wherever it
 * is defined), so `relu` stays twice differentiable.
 *
 * @module
 */
import { binaryOp } from "./builders.js";
import { domains, type OpDef } from "./spec.js";
import type { BinaryOp } from "./types.js";

const built = binaryOp({
  name: "reluGrad",
  doc: "a where b > 0, else 0",
  kernel: { scalar: (a, b) => (b > 0 ? a : 0), wasm: "b > <T>0 ? a : <T>0" },
  pullback: (ct, _a, b, _out, wants) => [wants[0] ? reluGrad(ct, b) : undefined, undefined],
  spec: {
    domains: [domains.real, domains.awayFromZero],
    reference: (a, b) => (b > 0 ? a : 0),
    secondOrder: true,
    // at b = 0 the mask is 0 (relu'(0) = 0), and it never depends on b
    kinks: { derivative: (_a, b) => [b > 0 ? 1 : 0, 0] },
  },
});

/**
 * Relu's pullback in one pass: `ct` where `x > 0`, else 0, numpy broadcasting (the same bits as
 * `where(gt(x, 0), ct, 0)`).
 *
 * @example
 * import { reluGrad, tensor, toArray } from "typegrad"
 * toArray(reluGrad(tensor([5, 6, 7]), tensor([-1, 0, 2]))) // [0, 0, 7]
 * @category operations
 */
export const reluGrad: BinaryOp<"reluGrad"> = built.op;

/** The primitive. */
export const reluGradPrim = built.prim;

/** Registry entry. */
export const reluGradDef: OpDef<void> = built.def;
