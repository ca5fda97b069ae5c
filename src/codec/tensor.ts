/**
 * `tensorCodec(spec)`: the io-ts codec from untrusted data to a `Tensor` whose type is the
 * spec's shape. Two input forms are read: nested arrays (`[[1, 2], [3, 4]]`, a number for a
 * scalar) and flat JSON (`{ shape: [2, 2], data: [1, 2, 3, 4], dtype?: "float64" }`); a
 * `Tensor` is accepted as well. Checked, with a path to every bad element: the rank, each literal
 * dim, each named dim (against a binding shared with other tensors), raggedness, the element type
 * (numbers only), finiteness (NaN and ±Infinity are rejected unless `allowNonFinite`) and the
 * float32 range.
 *
 * Encoding is the inverse: `decode(encode(x))` is `x` again (the round-trip law,
 * `test/codec/tensor.test.ts`).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import type { DType } from "../backend/backend.js";
import { type Binding, emptyBinding, matchShape, type SpecDim, type SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import { fromArray, type Nested, toArray, toFlat } from "../tensor/create.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type DecodeError, type DecodeErrors, describeValue, index, key, leaf, nonEmpty, toValidationErrors, under } from "./errors.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** How a codec decodes and encodes. @category model @since 0.1.0 */
export interface TensorCodecOptions {
  /** dtype of decoded tensors; by default the input's (`dtype` field or tensor), else float32. */
  readonly dtype?: DType;
  /** Accept NaN and ±Infinity (rejected by default). */
  readonly allowNonFinite?: boolean;
  /** What `encode` produces: `"flat"` (`{ shape, data, dtype }`, the default) or `"nested"` arrays. */
  readonly encoding?: "flat" | "nested";
}

/** The flat JSON form of a tensor. @category model @since 0.1.0 */
export interface FlatTensorJson {
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly dtype?: DType;
}

/** What a tensor codec encodes to: nested arrays or the flat form. @category model @since 0.1.0 */
export type TensorJson = Nested | FlatTensorJson;

/** A spec: one entry per axis, a size, a name, or `"?"`. @category model @since 0.1.0 */
export type TensorSpec = readonly SpecDim[];

/**
 * The io-ts codec of tensors of shape `S`, with the spec it checks.
 *
 * @category model
 * @since 0.1.0
 */
export interface TensorCodec<S extends Shape> extends t.Type<Tensor<S>, TensorJson, unknown> {
  readonly spec: TensorSpec;
  readonly options: TensorCodecOptions;
}

/** The highest rank accepted (numpy's limit); deeper nesting is reported, never followed. @since 0.1.0 */
export const MAX_RANK = 32;

/** At most this many bad elements or rows are listed per tensor; the rest are counted. @since 0.1.0 */
export const MAX_LISTED = 20;

// -------------------------------------------------------------------------------------
// checking
// -------------------------------------------------------------------------------------

/** The result of checking one input against a spec. @category model @since 0.1.0 */
export interface Checked {
  readonly tensor: Tensor | undefined;
  readonly binding: Binding;
  readonly errors: DecodeError[];
}

/** Collects element and row errors, listing the first `MAX_LISTED` and counting the rest. */
class Issues {
  readonly listed: DecodeError[] = [];
  more = 0;
  add(e: DecodeError): void {
    if (this.listed.length < MAX_LISTED) this.listed.push(e);
    else this.more++;
  }
  done(): DecodeError[] {
    return this.more === 0 ? this.listed : [...this.listed, leaf(undefined, `... and ${this.more} more bad elements or rows`)];
  }
}

/** `path` (outermost index first) wrapped around a leaf. */
const at = (path: readonly number[], e: DecodeError): DecodeError => path.reduceRight((inner, i) => index(i, [inner]), e);

const isPlainObject = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u) && !ArrayBuffer.isView(u);

const own = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** Why `v` is not an acceptable element, or undefined when it is. */
const badElement = (v: unknown, dtype: DType, allowNonFinite: boolean): string | undefined => {
  if (typeof v !== "number") return `expected a number, got ${Array.isArray(v) ? `${describeValue(v)} (nested deeper than the spec's rank)` : describeValue(v)}`;
  if (allowNonFinite) return undefined;
  if (!Number.isFinite(v)) return `${v} is not finite (allow with { allowNonFinite: true })`;
  if (dtype === "float32" && !Number.isFinite(Math.fround(v))) return `${v} is out of float32 range`;
  return undefined;
};

/** The errors of matching `shape` against `spec`, as leaves (the `where: ` prefix dropped). */
const shapeErrors = (where: string, spec: TensorSpec, shape: readonly number[], binding: Binding): { binding: Binding; errors: DecodeError[] } => {
  const r = matchShape(where, spec, shape, binding);
  const prefix = `${where}: `;
  return { binding: r.binding, errors: r.errors.map((m) => leaf(shape, m.message.startsWith(prefix) ? m.message.slice(prefix.length) : m.message)) };
};

/** The size a spec dim promises under a binding, if it promises one. */
const promised = (d: SpecDim | undefined, binding: Binding): number | undefined => (typeof d === "number" ? d : d === undefined || d === "?" ? undefined : binding.sizes.get(d));

const checkNested = (where: string, spec: TensorSpec, u: unknown, dtype: DType, allowNonFinite: boolean, binding: Binding): Checked => {
  // The shape along the first elements.
  const probed: number[] = [];
  let x: unknown = u;
  while (Array.isArray(x) && probed.length <= MAX_RANK) {
    probed.push(x.length);
    if (x.length === 0) break;
    x = x[0];
  }
  if (probed.length > MAX_RANK) return { tensor: undefined, binding, errors: [leaf(undefined, `nested more than ${MAX_RANK} levels deep, expected rank ${spec.length}`)] };
  const empty = probed.length > 0 && probed[probed.length - 1] === 0;
  if (empty) for (let d = probed.length; d < spec.length; d++) probed.push(promised(spec[d], binding) ?? 0);
  if (probed.length !== spec.length) return { tensor: undefined, ...shapeErrors(where, spec, probed, binding) };

  // What each axis should have: what the spec or binding promises, else what the first row has.
  const rank = spec.length;
  const expected = probed.map((p, d) => (d === 0 ? p : (promised(spec[d], binding) ?? p)));
  const arrays = new Array<number>(rank).fill(0);
  const wrong: { path: number[]; len: number; actual: unknown }[][] = Array.from({ length: rank }, () => []);
  const issues = new Issues();
  const data: number[] = [];
  const path: number[] = [];
  const walk = (v: unknown, d: number): void => {
    if (d === rank) {
      const bad = badElement(v, dtype, allowNonFinite);
      if (bad === undefined) data.push(v as number);
      else issues.add(at(path, leaf(v, bad)));
      return;
    }
    if (!Array.isArray(v)) {
      issues.add(at(path, leaf(v, `expected a row of ${expected[d]} values, got ${describeValue(v)}`)));
      return;
    }
    arrays[d] = (arrays[d] ?? 0) + 1;
    if (v.length !== expected[d]) wrong[d]?.push({ path: [...path], len: v.length, actual: v });
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      walk(v[i], d + 1);
      path.pop();
    }
  };
  walk(u, 0);

  // An axis whose rows all have one wrong length is a dim error; otherwise the rows are ragged.
  const shape = [...expected];
  for (let d = 1; d < rank; d++) {
    const w = wrong[d] ?? [];
    const first = w[0];
    if (first === undefined) continue;
    if (w.length === arrays[d] && w.every((r) => r.len === first.len)) shape[d] = first.len;
    else for (const r of w) issues.add(at(r.path, leaf(r.actual, `row has ${r.len} value${r.len === 1 ? "" : "s"}, expected ${expected[d]}`)));
  }
  const s = shapeErrors(where, spec, shape, binding);
  const errors = [...s.errors, ...issues.done()];
  return { tensor: errors.length === 0 ? fromArray(shape, data, { dtype }) : undefined, binding: s.binding, errors };
};

const checkFlat = (where: string, spec: TensorSpec, u: Record<string, unknown>, opts: TensorCodecOptions, binding: Binding): Checked => {
  const errors: DecodeError[] = [];
  const allowNonFinite = opts.allowNonFinite === true;
  let dtype: DType = opts.dtype ?? "float32";
  if (own(u, "dtype")) {
    if (u.dtype === "float32" || u.dtype === "float64") dtype = opts.dtype ?? u.dtype;
    else errors.push(key("dtype", [leaf(u.dtype, `expected "float32" or "float64", got ${describeValue(u.dtype)}`)]));
  }
  const shape: number[] = [];
  const sh = u.shape;
  if (!Array.isArray(sh)) errors.push(key("shape", [leaf(sh, `expected an array of sizes, got ${describeValue(sh)}`)]));
  else if (sh.length > MAX_RANK) errors.push(key("shape", [leaf(sh, `rank ${sh.length} is above the limit ${MAX_RANK}`)]));
  else {
    sh.forEach((d: unknown, i) => {
      if (typeof d === "number" && Number.isSafeInteger(d) && d >= 0) shape.push(d);
      else errors.push(key("shape", [index(i, [leaf(d, `expected a non-negative integer size, got ${describeValue(d)}`)])]));
    });
  }
  const raw = u.data;
  const isNumbers = Array.isArray(raw) || raw instanceof Float32Array || raw instanceof Float64Array;
  if (!isNumbers) errors.push(key("data", [leaf(raw, `expected an array of numbers, got ${describeValue(raw)}`)]));
  if (errors.length > 0 || !isNumbers) return { tensor: undefined, binding, errors };

  const values = raw as ArrayLike<unknown>;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) errors.push(key("data", [leaf(undefined, `has ${values.length} values, shape [${shape.join(", ")}] needs ${size}`)]));
  const s = shapeErrors(where, spec, shape, binding);
  errors.unshift(...s.errors);
  const issues = new Issues();
  for (let i = 0; i < values.length; i++) {
    const bad = badElement(values[i], dtype, allowNonFinite);
    if (bad !== undefined) issues.add(index(i, [leaf(values[i], bad)]));
  }
  errors.push(...under("data", issues.done()));
  return { tensor: errors.length === 0 ? fromArray(shape, values as ArrayLike<number>, { dtype }) : undefined, binding: s.binding, errors };
};

const checkInstance = (where: string, spec: TensorSpec, x: Tensor, opts: TensorCodecOptions, binding: Binding): Checked => {
  const s = shapeErrors(where, spec, x.shape as readonly number[], binding);
  const dtype = opts.dtype ?? x.dtype;
  const flat = toFlat(x);
  const issues = new Issues();
  for (let i = 0; i < flat.length; i++) {
    const bad = badElement(flat[i], dtype, opts.allowNonFinite === true);
    if (bad !== undefined) issues.add(index(i, [leaf(flat[i], bad)]));
  }
  const errors = [...s.errors, ...under("data", issues.done())];
  const tensor = errors.length > 0 ? undefined : dtype === x.dtype ? x : fromArray(x.shape as number[], flat, { dtype });
  return { tensor, binding: s.binding, errors };
};

/**
 * Check one untrusted value against `spec` under `binding`: the tensor (when there is no error),
 * the binding extended with the named dims it fixed, and every error (paths relative to the
 * value). `where` names the value in messages about named dims (`'m' is 500 here but 499 in X`).
 *
 * @example
 * import { checkTensor, draw } from "typegrad"
 * draw(checkTensor("X", [2, "m"], [[1, 2, 3], [4, 5]]).errors) // "index 1: row has 2 values, expected 3"
 * @category checking
 * @since 0.1.0
 */
export const checkTensor = (where: string, spec: TensorSpec, u: unknown, opts: TensorCodecOptions = {}, binding: Binding = emptyBinding): Checked => {
  if (isTensor(u)) return checkInstance(where, spec, u, opts, binding);
  if (isPlainObject(u)) {
    if (own(u, "shape") || own(u, "data")) return checkFlat(where, spec, u, opts, binding);
    return { tensor: undefined, binding, errors: [leaf(u, "expected a tensor (nested arrays of numbers, or { shape, data }), got an object without 'shape' and 'data'")] };
  }
  if (Array.isArray(u) || typeof u === "number") return checkNested(where, spec, u, opts.dtype ?? "float32", opts.allowNonFinite === true, binding);
  return { tensor: undefined, binding, errors: [leaf(u, `expected a tensor (nested arrays of numbers, or { shape, data }), got ${describeValue(u)}`)] };
};

/** The spec as messages print it: `[784, 'm']`. @category checking @since 0.1.0 */
export const showSpec = (spec: TensorSpec): string => `[${spec.map((d) => (typeof d === "number" || d === "?" ? `${d}` : `'${d}'`)).join(", ")}]`;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Validate an options argument or throw a message naming the function. @internal */
export const checkOptions = (fn: string, opts: unknown): TensorCodecOptions => {
  if (opts === undefined) return {};
  if (!isPlainObject(opts)) throw new TypeError(`${fn}: argument 'opts' must be an object, got ${describeValue(opts)}`);
  if (opts.dtype !== undefined && opts.dtype !== "float32" && opts.dtype !== "float64") throw new TypeError(`${fn}: option 'dtype' must be "float32" or "float64", got ${describeValue(opts.dtype)}`);
  if (opts.allowNonFinite !== undefined && typeof opts.allowNonFinite !== "boolean") throw new TypeError(`${fn}: option 'allowNonFinite' must be a boolean, got ${describeValue(opts.allowNonFinite)}`);
  if (opts.encoding !== undefined && opts.encoding !== "flat" && opts.encoding !== "nested")
    throw new TypeError(`${fn}: option 'encoding' must be "flat" or "nested", got ${describeValue(opts.encoding)}`);
  return opts as TensorCodecOptions;
};

/** Validate a spec argument or throw a message naming the function. @internal */
export const checkSpec = (fn: string, arg: string, spec: unknown): TensorSpec => {
  if (!Array.isArray(spec) || spec.length > MAX_RANK) throw new TypeError(`${fn}: argument '${arg}' must be an array of at most ${MAX_RANK} dims, got ${describeValue(spec)}`);
  spec.forEach((d: unknown, i) => {
    const ok = (typeof d === "number" && Number.isSafeInteger(d) && d >= 0) || (typeof d === "string" && d.length > 0);
    if (!ok) throw new TypeError(`${fn}: argument '${arg}' dim ${i} must be a non-negative integer, a name or "?", got ${describeValue(d)}`);
  });
  return spec as TensorSpec;
};

/**
 * Encode a tensor in the chosen form. Nested arrays cannot carry the sizes after a zero-size
 * axis (`[]` is every `[0, n]`); decoding them takes those sizes from the spec, so use the flat
 * form for such tensors unless the spec fixes them.
 *
 * @category constructors
 * @since 0.1.0
 */
export const encodeTensor = (x: Tensor, encoding: "flat" | "nested" = "flat"): TensorJson =>
  encoding === "nested" ? (toArray(x) as Nested) : { shape: [...(x.shape as readonly number[])], data: Array.from(toFlat(x)), dtype: x.dtype };

/**
 * The io-ts codec of tensors matching `spec`: decodes nested arrays, `{ shape, data }` and
 * tensors into `Tensor<SpecShape<spec>>`; encodes back (flat by default).
 *
 * @example
 * import { draw, fromValidationErrors, tensorCodec } from "typegrad"
 * const Image = tensorCodec([2, 3]) // TensorCodec<[2, 3]>
 * const ok = Image.decode([[1, 2, 3], [4, 5, 6]]) // Right(Tensor<[2, 3]>)
 * const bad = Image.decode([[1, 2, 3], [4, 5]])
 * if (bad._tag === "Left") draw(fromValidationErrors(bad.left)) // "index 1: row has 2 values, expected 3"
 * @category constructors
 * @since 0.1.0
 */
export const tensorCodec = <const S extends SpecDim[]>(spec: readonly [...S], opts?: TensorCodecOptions): TensorCodec<SpecShape<S>> => {
  const sp = checkSpec("tensorCodec", "spec", spec);
  const options = checkOptions("tensorCodec", opts);
  const name = `Tensor${showSpec(sp)}`;
  const is = (u: unknown): u is Tensor<SpecShape<S>> => isTensor(u) && matchShape(name, sp, u.shape as readonly number[]).errors.length === 0;
  const validate = (u: unknown, c: t.Context): t.Validation<Tensor<SpecShape<S>>> => {
    const r = checkTensor(name, sp, u, options);
    const errs = nonEmpty(r.errors);
    if (errs !== undefined || r.tensor === undefined) return t.failures(toValidationErrors(errs ?? [leaf(u, "not a tensor")], c, codec));
    return t.success(r.tensor as Tensor<SpecShape<S>>);
  };
  const codec: t.Type<Tensor<SpecShape<S>>, TensorJson, unknown> = new t.Type(name, is, validate, (x) => encodeTensor(x, options.encoding));
  return Object.assign(codec, { spec: sp, options });
};

/**
 * Decode with one spec, errors as the forest (a convenience over `tensorCodec(spec).decode`).
 *
 * @example
 * import { decodeTensor } from "typegrad"
 * decodeTensor([3], { shape: [3], data: [1, 2, 3] }) // Right(Tensor<[3]>)
 * @category constructors
 * @since 0.1.0
 */
export const decodeTensor = <const S extends SpecDim[]>(spec: readonly [...S], u: unknown, opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor<SpecShape<S>>> => {
  const r = checkTensor("tensor", checkSpec("decodeTensor", "spec", spec), u, checkOptions("decodeTensor", opts));
  const errs = nonEmpty(r.errors);
  if (errs !== undefined || r.tensor === undefined) return E.left(errs ?? [leaf(u, "not a tensor")]);
  return E.right(r.tensor as Tensor<SpecShape<S>>);
};
