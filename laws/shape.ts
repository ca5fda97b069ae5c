/**
 * Shape laws: an op's runtime output shape equals the runtime twin of its type-level rule
 * (`shapes.matmul` for `MatMul`, `shapes.reduce` for `Reduce`, …). Each op declares its twin in
 * its registry entry (`OpDef.shape`), so every registered op is checked: none is skipped for a
 * missing table entry.
 *
 * @module
 */
import { registeredOps } from "../src/ops/registry.js";
import type { ShapeTwin } from "../src/ops/spec.js";
import { sameShape } from "./approx.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A runtime shape rule read from a sampled call: input shapes and the op's parameters (each op
 * declares its own in its registry entry, `OpDef.shape`).
 *
 * @category model
 * @since 0.1.0
 */
export type { ShapeTwin } from "../src/ops/spec.js";

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * The runtime twins of the registered ops' shape rules, by op name: read from the registry (each
 * op declares its twin next to its type-level rule), never a hand-kept list.
 *
 * @example
 * import { shapeTwins } from "typegrad/laws"
 * shapeTwins.matmul?.([[2, 3], [3, 4]], { transA: false, transB: false } as never) // [2, 4]
 * @category instances
 * @since 0.1.0
 */
export const shapeTwins: Readonly<Record<string, ShapeTwin>> = Object.fromEntries(registeredOps.map((d) => [d.name, d.shape as ShapeTwin]));

// -------------------------------------------------------------------------------------
// laws
// -------------------------------------------------------------------------------------

/**
 * The output shape of a call equals its twin rule's.
 *
 * @example
 * import { shapeTwinLaw, shapeTwins } from "typegrad/laws"
 * const add = shapeTwins.add
 * add !== undefined && shapeTwinLaw(add, [[2, 1], [3]], undefined, [2, 3]) // true
 * @category laws
 * @since 0.1.0
 */
export const shapeTwinLaw = (twin: ShapeTwin, inputs: readonly (readonly number[])[], params: unknown, output: readonly number[]): boolean => sameShape(output, twin(inputs, params as never));
