/**
 * `sqrt(x)`: elementwise square root.
 *
 * Forward: `out = √x`. Pullback: `ct_x = ct / (2·out)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { unaryOp } from "./builders.js";
import { div } from "./div.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "sqrt",
  doc: "out = √x",
  kernel: {
    scalar: Math.sqrt,
    wasm: { f32: "Mathf.sqrt(v)", f64: "Math.sqrt(v)" },
    accuracy: { lo: 0, hi: 100, ulp: 0 },
  },
  pullback: (ct, _x, out) => div(ct, mul(out, 2)),
  spec: {
    domain: domains.positive,
    reference: Math.sqrt,
    secondOrder: true,
  },
});

/**
 * Elementwise square root. Use it bare in `pipe`: `pipe(x, sqrt)`.
 *
 * @example
 * import { sqrt, tensor, toArray } from "typegrad"
 * toArray(sqrt(tensor([4, 9]))) // [2, 3]
 * @category operations
 */
export const sqrt: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const sqrtPrim = built.prim;

/** Registry entry. */
export const sqrtDef: OpDef<void> = built.def;
