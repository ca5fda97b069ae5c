/**
 * Creating tensors and reading them back. Shapes are inferred from literals, no `as const`:
 * `tensor([[1, 2, 3], [4, 5, 6]])` is a `Tensor<[2, 3]>`, `zeros([128, 784])` a
 * `Tensor<[128, 784]>`, `tensor(3)` a `Tensor<[]>`.
 *
 * @module
 */
import { type DType, type TypedArray, tooLarge } from "../backend/backend.js";
import { getBackend } from "../backend/current.js";
import type { Check, Dim, Mismatch, Ok, Shape, ShowShape } from "../shape/dims.js";
import { ShapeError, showShape, sizeOf } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { dtypeOption } from "./dtype.js";
import { fromStorage, isTensor, storageOf, type Tensor } from "./tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Creation options. @category model */
export interface CreateOptions {
  /** Element type; float32 by default. */
  readonly dtype?: DType;
}

/** A nested array of numbers (or a number). @category model */
export type Nested = number | readonly Nested[];

/** The shape of a nested array type: tuple lengths where known, `number` otherwise (depth ≤ 8). @category model */
export type NestedShape<T, D extends unknown[] = []> = D["length"] extends 8
  ? Shape
  : T extends number
    ? []
    : T extends readonly []
      ? [0]
      : T extends readonly [infer H, ...infer R]
        ? SameShapes<R, NestedShape<H, [...D, 0]>, D> extends infer E
          ? E extends Mismatch<string>
            ? E
            : NestedShape<H, [...D, 0]> extends infer Inner extends Dim[]
              ? [T["length"], ...Inner]
              : NestedShape<H, [...D, 0]>
          : never
        : T extends readonly (infer E)[]
          ? [number, ...(NestedShape<E, [...D, 0]> extends infer Inner extends Dim[] ? Inner : [])]
          : never;

type SameShapes<R, First, D extends unknown[], I extends unknown[] = [0]> = R extends readonly [infer H, ...infer Rest]
  ? NestedShape<H, [...D, 0]> extends infer SH
    ? [SH] extends [First]
      ? SameShapes<Rest, First, D, [...I, 0]>
      : Mismatch<`tensor: ragged nested array: element ${I["length"]} has shape ${ShowShape<SH>}, element 0 has ${ShowShape<First>}`>
    : never
  : true;

const createKeys: OptionKeys<CreateOptions> = { dtype: true };

const dtypeOf = (opts: CreateOptions | undefined, fn: string): DType => {
  checkOptionKeys(fn, opts, createKeys);
  return dtypeOption(fn, opts?.dtype);
};

const checkShape = (fn: string, shape: unknown): readonly number[] => {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${fn}: argument 'shape' must be an array of non-negative integer sizes, got ${JSON.stringify(shape)}`);
  }
  return shape as readonly number[];
};

/**
 * `shape`'s element count, refused (naming `fn` and its argument) when the current backend cannot
 * hold a tensor that large: before anything is allocated.
 *
 * @internal
 */
export const checkSize = (fn: string, shape: readonly number[], dtype: DType): number => {
  const n = sizeOf(shape);
  const why = tooLarge(getBackend(), n, dtype);
  if (why !== undefined) throw new RangeError(`${fn}: argument 'shape' ${showShape(shape)} has ${why}`);
  return n;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The deepest nesting `tensor` follows (numpy's limit on rank). */
const MAX_NESTING = 32;

/**
 * A tensor from a nested array literal (or a number, for a scalar). The shape is inferred, and a
 * ragged literal is a compile error. From JavaScript, a ragged array, a hole of a sparse array,
 * and nesting deeper than 32 levels (a cyclic array) throw, naming the element.
 *
 * @example
 * import { tensor } from "typegrad"
 * const x = tensor([[1, 2, 3], [4, 5, 6]]) // Tensor<[2, 3]>
 * const s = tensor(3) // Tensor<[]>
 * @category constructors
 */
export const tensor: <const T extends Nested>(data: Check<NestedShape<T>, T>, opts?: CreateOptions) => Tensor<Ok<NestedShape<T>>> = (data: unknown, opts?: CreateOptions): never => {
  const dtype = dtypeOf(opts, "tensor");
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    // a cyclic array (a[0] = a) would grow the shape until the engine aborts the process
    if (shape.length === MAX_NESTING) throw new ShapeError("tensor", `the array is nested more than ${MAX_NESTING} levels deep (a cyclic array?)`);
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  const walk = (u: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof u !== "number") throw new TypeError(`tensor: element ${path || "(root)"} must be a number, got ${Array.isArray(u) ? "an array (ragged nesting)" : typeof u}`);
      flat.push(u);
      return;
    }
    if (!Array.isArray(u) || u.length !== shape[depth]) {
      throw new ShapeError("tensor", `ragged nested array: element ${path || "(root)"} has ${Array.isArray(u) ? `length ${u.length}` : `a ${typeof u}`}, expected length ${shape[depth]}`);
    }
    // every index, holes of a sparse array included (forEach skips them)
    for (let i = 0; i < u.length; i++) walk(u[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, "");
  return fromStorage(getBackend().fromArray(dtype, flat), shape) as never;
};

/**
 * A tensor of shape `shape` over flat row-major `data` (copied).
 *
 * @example
 * import { fromArray, toArray } from "typegrad"
 * toArray(fromArray([2, 2], [1, 2, 3, 4])) // [[1, 2], [3, 4]]
 * @category constructors
 */
export const fromArray = <const S extends number[]>(shape: readonly [...S], data: ArrayLike<number>, opts?: CreateOptions): Tensor<S> => {
  const dims = checkShape("fromArray", shape);
  const dtype = dtypeOf(opts, "fromArray");
  if (data === null || typeof data !== "object" || typeof data.length !== "number") throw new TypeError("fromArray: argument 'data' must be an array or typed array of numbers");
  if (data.length !== sizeOf(dims)) throw new ShapeError("fromArray", `data has ${data.length} elements, shape ${showShape(dims)} needs ${sizeOf(dims)}`);
  checkSize("fromArray", dims, dtype);
  return fromStorage(getBackend().fromArray(dtype, data), dims);
};

/**
 * A tensor of shape `shape` filled with `value`.
 *
 * @example
 * import { fill, toArray } from "typegrad"
 * toArray(fill([2, 3], 7)) // [[7, 7, 7], [7, 7, 7]]
 * @category constructors
 */
export const fill = <const S extends number[]>(shape: readonly [...S], value: number, opts?: CreateOptions): Tensor<S> => filled("fill", shape, value, opts);

/** `fill` under the name of the function the user called (`zeros`, `ones`). */
const filled = <const S extends number[]>(fn: string, shape: readonly [...S], value: number, opts: CreateOptions | undefined): Tensor<S> => {
  const dims = checkShape(fn, shape);
  if (typeof value !== "number") throw new TypeError(`${fn}: argument 'value' must be a number, got ${typeof value}`);
  const dtype = dtypeOf(opts, fn);
  return fromStorage(getBackend().fill(dtype, checkSize(fn, dims, dtype), value), dims);
};

/**
 * Zeros.
 *
 * @example
 * import { zeros } from "typegrad"
 * zeros([128, 784]) // Tensor<[128, 784]>
 * @category constructors
 */
export const zeros = <const S extends number[]>(shape: readonly [...S], opts?: CreateOptions): Tensor<S> => filled("zeros", shape, 0, opts);

/**
 * Ones.
 *
 * @example
 * import { ones } from "typegrad"
 * ones([10, 1]) // Tensor<[10, 1]>
 * @category constructors
 */
export const ones = <const S extends number[]>(shape: readonly [...S], opts?: CreateOptions): Tensor<S> => filled("ones", shape, 1, opts);

/**
 * A tensor like `x` (same shape type, dtype unless given) filled with `value`.
 *
 * @example
 * import { fullLike, tensor, toArray } from "typegrad"
 * toArray(fullLike(tensor([1, 2, 3]), 0.5)) // [0.5, 0.5, 0.5]
 * @category constructors
 */
export const fullLike = <S extends Shape>(x: Tensor<S>, value: number, opts?: CreateOptions): Tensor<S> =>
  fromStorage(storageOf(x, "fullLike", "x").backend.fill(opts?.dtype ?? x.dtype, x.size, value), x.shape as readonly number[]);

/**
 * Zeros like `x`.
 *
 * @example
 * import { tensor, toArray, zerosLike } from "typegrad"
 * toArray(zerosLike(tensor([[1, 2], [3, 4]]))) // [[0, 0], [0, 0]]
 * @category constructors
 */
export const zerosLike = <S extends Shape>(x: Tensor<S>, opts?: CreateOptions): Tensor<S> => fullLike(x, 0, opts);

/**
 * Ones like `x`.
 *
 * @example
 * import { onesLike, tensor, toArray } from "typegrad"
 * toArray(onesLike(tensor([1, 2]))) // [1, 1]
 * @category constructors
 */
export const onesLike = <S extends Shape>(x: Tensor<S>, opts?: CreateOptions): Tensor<S> => fullLike(x, 1, opts);

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/** The nested-array type of a shape: `number[][]` for rank 2, `number` for a scalar. @category model */
export type NestedOf<S extends Shape> = S extends readonly [] ? number : S extends readonly [Dim, ...infer R extends Shape] ? NestedOf<R>[] : Nested;

/**
 * The elements as nested arrays (a number for a scalar).
 *
 * @example
 * import { tensor, toArray } from "typegrad"
 * toArray(tensor([[1, 2], [3, 4]])) // [[1, 2], [3, 4]]
 * toArray(tensor(5)) // 5
 * @category destructors
 */
export const toArray = <S extends Shape>(t: Tensor<S>): NestedOf<S> => {
  if (!isTensor(t)) throw new TypeError(`toArray: argument 't' must be a Tensor, got ${typeof t}`);
  return nest(t, read("toArray", t));
};

/** The elements of `t` (read for `fn`). */
const read = (fn: string, t: Tensor): TypedArray => {
  const s = storageOf(t, fn, "t");
  return s.backend.read(s);
};

const nest = <S extends Shape>(t: Tensor<S>, data: TypedArray): NestedOf<S> => {
  const shape = t.shape as readonly number[];
  let i = 0;
  const build = (d: number): Nested => {
    if (d === shape.length) return data[i++] as number;
    return Array.from({ length: shape[d] as number }, () => build(d + 1));
  };
  return build(0) as NestedOf<S>;
};

/**
 * The elements, flat and row-major, as a fresh typed array.
 *
 * @example
 * import { tensor, toFlat } from "typegrad"
 * toFlat(tensor([[1, 2], [3, 4]])) // [1, 2, 3, 4] (a Float32Array)
 * @category destructors
 */
export const toFlat = (t: Tensor): TypedArray => read("toFlat", t);

/**
 * The value of a one-element tensor.
 *
 * @example
 * import { item, sum, tensor } from "typegrad"
 * item(sum(tensor([1, 2, 3]))) // 6
 * @category destructors
 */
export const item = (t: Tensor): number => {
  if (t.size !== 1) throw new ShapeError("item", `expected a tensor with one element, got shape ${showShape(t.shape as readonly number[])}`);
  return read("item", t)[0] as number;
};

/**
 * {@link toFlat}, asynchronously: the only read of a GPU tensor (the WebGPU backend reads back
 * only asynchronously); on the CPU backends the same values as `toFlat`.
 *
 * @example
 * import { tensor, toFlatAsync } from "typegrad"
 * await toFlatAsync(tensor([[1, 2], [3, 4]])) // [1, 2, 3, 4] (a Float32Array)
 * @category destructors
 */
export const toFlatAsync = (t: Tensor): Promise<TypedArray> => readAsync("toFlatAsync", t);

/** The elements of `t`, read asynchronously for `fn`. */
const readAsync = async (fn: string, t: Tensor): Promise<TypedArray> => {
  if (!isTensor(t)) throw new TypeError(`${fn}: argument 't' must be a Tensor, got ${typeof t}`);
  const s = storageOf(t, fn, "t");
  return s.backend.readAsync === undefined ? s.backend.read(s) : s.backend.readAsync(s);
};

/**
 * {@link toArray}, asynchronously: the way to read a GPU tensor (`await ready("webgpu")`);
 * on the CPU backends it resolves to what `toArray` returns.
 *
 * @example
 * import { tensor, toArrayAsync } from "typegrad"
 * await toArrayAsync(tensor([[1, 2], [3, 4]])) // [[1, 2], [3, 4]]
 * @category destructors
 */
export const toArrayAsync = async <S extends Shape>(t: Tensor<S>): Promise<NestedOf<S>> => {
  if (!isTensor(t)) throw new TypeError(`toArrayAsync: argument 't' must be a Tensor, got ${typeof t}`);
  return nest(t, await readAsync("toArrayAsync", t));
};

/**
 * {@link item}, asynchronously: the value of a one-element tensor, on any backend (the GPU's
 * one read per training step).
 *
 * @example
 * import { itemAsync, sum, tensor } from "typegrad"
 * await itemAsync(sum(tensor([1, 2, 3]))) // 6
 * @category destructors
 */
export const itemAsync = async (t: Tensor): Promise<number> => {
  if (!isTensor(t)) throw new TypeError(`itemAsync: argument 't' must be a Tensor, got ${typeof t}`);
  if (t.size !== 1) throw new ShapeError("itemAsync", `expected a tensor with one element, got shape ${showShape(t.shape as readonly number[])}`);
  return (await readAsync("itemAsync", t))[0] as number;
};
