/**
 * `expm1(x)`: elementwise eˣ - 1, accurate near 0.
 *
 * Forward: `out = eˣ - 1`. Pullback: `ct_x = ct · (out + 1)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { unaryOp } from "./builders.js";
import { mul } from "./mul.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "expm1",
  doc: "out = eˣ - 1",
  kernel: {
    scalar: Math.expm1,
    wasm: { f32: "Mathf.expm1(v)", f64: "Math.expm1(v)" },
    costly: true,
    accuracy: { lo: -20, hi: 20, ulp: 2 },
  },
  pullback: (ct, _x, out) => mul(ct, add(out, 1)),
  spec: {
    domain: domains.real,
    reference: Math.expm1,
    secondOrder: true,
  },
});

/**
 * Elementwise eˣ - 1, accurate near 0. Use it bare in `pipe`: `pipe(x, expm1)`.
 *
 * @example
 * import { expm1, tensor, toArray } from "typegrad"
 * toArray(expm1(tensor([0]))) // [0]
 * @category operations
 */
export const expm1: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const expm1Prim = built.prim;

/** Registry entry. */
export const expm1Def: OpDef<void> = built.def;
