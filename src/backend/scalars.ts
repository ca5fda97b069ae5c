/**
 * The scalar functions of the elementwise kernels, by kernel name. An elementwise op defines its
 * kernel once, next to its math (`unaryOp`, `binaryOp` in `src/ops/builders.ts`), and registers
 * the scalar function here when its module loads; the reference backend runs these, so it needs
 * no edit per op. (The WASM backend's kernels are generated from the same definitions.)
 *
 * @module
 */
import type { BinaryKernel, UnaryKernel } from "./kernels.generated.js";

const unaryScalars = new Map<string, (x: number) => number>();
const binaryScalars = new Map<string, (a: number, b: number) => number>();

/** Register the scalar function of unary kernel `name`. @internal */
export const defineUnaryScalar = (name: UnaryKernel, f: (x: number) => number): void => {
  unaryScalars.set(name, f);
};

/** Register the scalar function of binary kernel `name`. @internal */
export const defineBinaryScalar = (name: BinaryKernel, f: (a: number, b: number) => number): void => {
  binaryScalars.set(name, f);
};

const missing = (kind: string, name: string): never => {
  throw new RangeError(`reference backend ${kind}: unknown op '${name}' (no op module defines this kernel)`);
};

/** The scalar function of unary kernel `name`. @internal */
export const unaryScalar = (name: UnaryKernel): ((x: number) => number) => unaryScalars.get(name) ?? missing("unary", name);

/** The scalar function of binary kernel `name`. @internal */
export const binaryScalar = (name: BinaryKernel): ((a: number, b: number) => number) => binaryScalars.get(name) ?? missing("binary", name);
