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
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { fromArray, type Nested, toArray, toFlat } from "../tensor/create.js";
import { DEFAULT_DTYPE, dtypeOption, isDType } from "../tensor/dtype.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type DecodeError, type DecodeErrors, describeValue, index, key, leaf, nonEmpty, toValidationErrors, under } from "./errors.js";
import { checkLimit, DEFAULT_MAX_ELEMENTS, elementOf, guarded, lengthOf, plainKind, readOwn, type TensorLimits } from "./untrusted.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How a codec decodes and encodes. The limits (`maxRank`, default 32; `maxElements`, default
 * 2^28) are checked before any work: a deeper nesting, a longer array or a larger claimed shape
 * is an error, never a loop or an allocation.
 *
 * @category model
 * @since 0.1.0
 */
export interface TensorCodecOptions extends TensorLimits {
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

/**
 * The highest rank accepted (numpy's limit); deeper nesting is reported, never followed.
 *
 * @example
 * import { MAX_RANK } from "typegrad"
 * MAX_RANK // 32
 * @category model
 * @since 0.1.0
 */
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

/** The limits in force: the options', else the defaults. */
interface Limits {
  readonly maxRank: number;
  readonly maxElements: number;
}
const limitsOf = (opts: TensorCodecOptions): Limits => ({ maxRank: opts.maxRank ?? MAX_RANK, maxElements: opts.maxElements ?? DEFAULT_MAX_ELEMENTS });

/** `[2, 3] has 6 elements, above the limit maxElements = 4` when it is. */
const tooMany = (shape: readonly number[], max: number): string | undefined => {
  const size = shape.reduce((a, b) => a * b, 1);
  return size > max ? `[${shape.join(", ")}] has ${size} elements, above the limit maxElements = ${max}` : undefined;
};

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

const checkNested = (where: string, spec: TensorSpec, u: unknown, dtype: DType, allowNonFinite: boolean, binding: Binding, limits: Limits): Checked => {
  const { maxRank, maxElements } = limits;
  const fail = (e: DecodeError): Checked => ({ tensor: undefined, binding, errors: [e] });
  // The shape along the first elements (index 0 at every level).
  const probed: number[] = [];
  const zeros = (): number[] => probed.map(() => 0);
  let x: unknown = u;
  while (probed.length <= maxRank) {
    const kind = plainKind(x);
    if (kind !== "array") {
      if (kind !== "other" && kind !== "record" && Array.isArray(x)) return fail(at(zeros(), kind));
      break;
    }
    const n = lengthOf(x as unknown[], maxElements);
    if (typeof n !== "number") return fail(at(zeros(), n));
    probed.push(n);
    if (n === 0) break;
    const first = elementOf(x as unknown[], 0);
    if ("_tag" in first) return fail(at(zeros(), first));
    x = first.value;
  }
  if (probed.length > maxRank) return fail(leaf(undefined, `nested more than ${maxRank} levels deep, expected rank ${spec.length}`));
  const empty = probed.length > 0 && probed[probed.length - 1] === 0;
  if (empty) for (let d = probed.length; d < spec.length; d++) probed.push(promised(spec[d], binding) ?? 0);
  if (probed.length !== spec.length) return { tensor: undefined, ...shapeErrors(where, spec, probed, binding) };

  // What each axis should have: what the spec or binding promises, else what the first row has.
  const rank = spec.length;
  const expected = probed.map((p, d) => (d === 0 ? p : (promised(spec[d], binding) ?? p)));
  const over = tooMany(expected, maxElements);
  if (over !== undefined) return fail(leaf(undefined, over));
  const arrays = new Array<number>(rank).fill(0);
  const wrong: { path: number[]; len: number; actual: unknown }[][] = Array.from({ length: rank }, () => []);
  const issues = new Issues();
  const data: number[] = [];
  const path: number[] = [];
  let visited = 0;
  // A hole, a getter, a non-plain array or too many elements stops the walk: that one error is reported.
  let fatal: DecodeError | undefined;
  const walk = (v: unknown, d: number): void => {
    if (d === rank) {
      if (++visited > maxElements) {
        fatal = leaf(undefined, `has more than ${maxElements} elements, above the limit maxElements = ${maxElements}`);
        return;
      }
      const bad = badElement(v, dtype, allowNonFinite);
      if (bad === undefined) data.push(v as number);
      else issues.add(at(path, leaf(v, bad)));
      return;
    }
    const kind = plainKind(v);
    if (kind !== "array") {
      if (kind !== "other" && kind !== "record" && Array.isArray(v)) fatal = at(path, kind);
      else issues.add(at(path, leaf(v, `expected a row of ${expected[d]} values, got ${describeValue(v)}`)));
      return;
    }
    const row = v as unknown[];
    const n = lengthOf(row, maxElements);
    if (typeof n !== "number") {
      fatal = at(path, n);
      return;
    }
    arrays[d] = (arrays[d] ?? 0) + 1;
    if (n !== expected[d]) wrong[d]?.push({ path: [...path], len: n, actual: v });
    for (let i = 0; i < n && fatal === undefined; i++) {
      path.push(i);
      const e = elementOf(row, i);
      if ("_tag" in e) fatal = at(path, e);
      else walk(e.value, d + 1);
      path.pop();
    }
  };
  walk(u, 0);
  if (fatal !== undefined) return fail(fatal);

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

/** A genuine typed array of floats (a Proxy is never one: `ArrayBuffer.isView` sees through it). */
const isFloatArray = (u: unknown): u is Float32Array | Float64Array => {
  if (!ArrayBuffer.isView(u)) return false;
  const proto: unknown = Object.getPrototypeOf(u);
  return proto === Float32Array.prototype || proto === Float64Array.prototype;
};

const checkFlat = (where: string, spec: TensorSpec, u: object, opts: TensorCodecOptions, binding: Binding, limits: Limits): Checked => {
  const errors: DecodeError[] = [];
  const allowNonFinite = opts.allowNonFinite === true;
  let dtype: DType = opts.dtype ?? DEFAULT_DTYPE;
  const dt = readOwn(u, "dtype");
  if (dt.tag === "bad") errors.push(key("dtype", [dt.error]));
  else if (dt.tag === "value") {
    if (isDType(dt.value)) dtype = opts.dtype ?? dt.value;
    else errors.push(key("dtype", [leaf(dt.value, `expected "float32" or "float64", got ${describeValue(dt.value)}`)]));
  }
  const shape: number[] = [];
  const sh = readOwn(u, "shape");
  const shv = sh.tag === "value" ? sh.value : undefined;
  const shKind = plainKind(shv);
  if (sh.tag === "bad") errors.push(key("shape", [sh.error]));
  else if (shKind !== "array") errors.push(key("shape", [typeof shKind === "object" && Array.isArray(shv) ? shKind : leaf(shv, `expected an array of sizes, got ${describeValue(shv)}`)]));
  else {
    const n = lengthOf(shv as unknown[], Number.MAX_SAFE_INTEGER);
    if (typeof n !== "number") errors.push(key("shape", [n]));
    else if (n > limits.maxRank) errors.push(key("shape", [leaf(shv, `rank ${n} is above the limit ${limits.maxRank}`)]));
    else
      for (let i = 0; i < n; i++) {
        const e = elementOf(shv as unknown[], i);
        const d = "_tag" in e ? undefined : e.value;
        if ("_tag" in e) errors.push(key("shape", [index(i, [e])]));
        else if (typeof d === "number" && Number.isSafeInteger(d) && d >= 0) shape.push(d);
        else errors.push(key("shape", [index(i, [leaf(d, `expected a non-negative integer size, got ${describeValue(d)}`)])]));
      }
  }
  const rd = readOwn(u, "data");
  const raw = rd.tag === "value" ? rd.value : undefined;
  const rawKind = plainKind(raw);
  const typed = isFloatArray(raw);
  const isNumbers = rawKind === "array" || typed;
  if (rd.tag === "bad") errors.push(key("data", [rd.error]));
  else if (!isNumbers) errors.push(key("data", [typeof rawKind === "object" && Array.isArray(raw) ? rawKind : leaf(raw, `expected an array of numbers, got ${describeValue(raw)}`)]));
  const length = typed ? raw.length : isNumbers ? lengthOf(raw as unknown[], limits.maxElements) : 0;
  if (typeof length !== "number") errors.push(key("data", [length]));
  if (errors.length > 0 || !isNumbers || typeof length !== "number") return { tensor: undefined, binding, errors };

  const size = shape.reduce((a, b) => a * b, 1);
  const over = size === length ? tooMany(shape, limits.maxElements) : undefined;
  if (over !== undefined) return { tensor: undefined, binding, errors: [key("shape", [leaf(shape, over)])] };
  if (size !== length) errors.push(key("data", [leaf(undefined, `has ${length} values, shape [${shape.join(", ")}] needs ${size}`)]));
  const s = shapeErrors(where, spec, shape, binding);
  errors.unshift(...s.errors);
  const issues = new Issues();
  const values: ArrayLike<unknown> = typed ? raw : new Array<unknown>(length);
  if (!typed) {
    const arr = raw as unknown[];
    const out = values as unknown[];
    for (let i = 0; i < length; i++) {
      const e = elementOf(arr, i);
      if ("_tag" in e) return { tensor: undefined, binding, errors: [key("data", [index(i, [e])])] };
      out[i] = e.value;
    }
  }
  for (let i = 0; i < length; i++) {
    const bad = badElement(values[i], dtype, allowNonFinite);
    if (bad !== undefined) issues.add(index(i, [leaf(values[i], bad)]));
  }
  errors.push(...under("data", issues.done()));
  return { tensor: errors.length === 0 ? fromArray(shape, values as ArrayLike<number>, { dtype }) : undefined, binding: s.binding, errors };
};

const checkInstance = (where: string, spec: TensorSpec, x: Tensor, opts: TensorCodecOptions, binding: Binding): Checked => {
  const own = readOwn(x, "shape");
  if (own.tag !== "value" || plainKind(own.value) !== "array")
    return { tensor: undefined, binding, errors: [leaf(x, "expected a tensor, got an object with Tensor's prototype but no shape of its own")] };
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

const NOT_A_TENSOR = "expected a tensor (nested arrays of numbers, or { shape, data })";

const checkAny = (where: string, spec: TensorSpec, u: unknown, opts: TensorCodecOptions, binding: Binding): Checked => {
  const limits = limitsOf(opts);
  if (typeof u === "number") return checkNested(where, spec, u, opts.dtype ?? DEFAULT_DTYPE, opts.allowNonFinite === true, binding, limits);
  if (u === null || typeof u !== "object" || ArrayBuffer.isView(u)) return { tensor: undefined, binding, errors: [leaf(u, `${NOT_A_TENSOR}, got ${describeValue(u)}`)] };
  const kind = plainKind(u);
  if (kind === "array") return checkNested(where, spec, u, opts.dtype ?? DEFAULT_DTYPE, opts.allowNonFinite === true, binding, limits);
  if (kind === "record") {
    if (readOwn(u, "shape").tag !== "absent" || readOwn(u, "data").tag !== "absent") return checkFlat(where, spec, u, opts, binding, limits);
    return { tensor: undefined, binding, errors: [leaf(u, `${NOT_A_TENSOR}, got an object without 'shape' and 'data'`)] };
  }
  if (isTensor(u)) return checkInstance(where, spec, u, opts, binding);
  return { tensor: undefined, binding, errors: [kind === "other" ? leaf(u, `${NOT_A_TENSOR}, got ${describeValue(u)}`) : kind] };
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
export const checkTensor = (where: string, spec: TensorSpec, u: unknown, opts: TensorCodecOptions = {}, binding: Binding = emptyBinding): Checked =>
  guarded(
    u,
    () => checkAny(where, spec, u, opts, binding),
    (errors) => ({ tensor: undefined, binding, errors: [...errors] }),
  );

/**
 * The spec as messages print it: `[784, 'm']`.
 *
 * @example
 * import { showSpec } from "typegrad"
 * showSpec([784, "m", "?"]) // "[784, 'm', ?]"
 * @category checking
 * @since 0.1.0
 */
export const showSpec = (spec: TensorSpec): string => `[${spec.map((d) => (typeof d === "number" || d === "?" ? `${d}` : `'${d}'`)).join(", ")}]`;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** The keys of {@link TensorCodecOptions}. @internal */
export const tensorCodecKeys: OptionKeys<TensorCodecOptions> = { dtype: true, allowNonFinite: true, encoding: true, maxRank: true, maxElements: true };

/**
 * Validate an options argument or throw a message naming the function; `known` are the keys the
 * function takes (the codec's by default; `decodeTensors` adds `binding`).
 *
 * @internal
 */
export const checkOptions = (fn: string, opts: unknown, known: Readonly<Record<string, true>> = tensorCodecKeys): TensorCodecOptions => {
  if (opts === undefined) return {};
  if (!isPlainObject(opts)) throw new TypeError(`${fn}: argument 'opts' must be an object, got ${describeValue(opts)}`);
  checkOptionKeys(fn, opts, known);
  dtypeOption(fn, opts.dtype);
  if (opts.allowNonFinite !== undefined && typeof opts.allowNonFinite !== "boolean") throw new TypeError(`${fn}: option 'allowNonFinite' must be a boolean, got ${describeValue(opts.allowNonFinite)}`);
  if (opts.encoding !== undefined && opts.encoding !== "flat" && opts.encoding !== "nested")
    throw new TypeError(`${fn}: option 'encoding' must be "flat" or "nested", got ${describeValue(opts.encoding)}`);
  checkLimit(fn, "maxRank", opts.maxRank, MAX_RANK);
  checkLimit(fn, "maxElements", opts.maxElements);
  return opts as TensorCodecOptions;
};

/** Validate a spec argument or throw a message naming the function. @internal */
export const checkSpec = (fn: string, arg: string, spec: unknown): TensorSpec => {
  if (!Array.isArray(spec) || spec.length > MAX_RANK) throw new TypeError(`${fn}: argument '${arg}' must be an array of at most ${MAX_RANK} dims, got ${describeValue(spec)}`);
  for (let i = 0; i < spec.length; i++) {
    const d: unknown = spec[i];
    const ok = (typeof d === "number" && Number.isSafeInteger(d) && d >= 0) || (typeof d === "string" && d.length > 0);
    if (!ok) throw new TypeError(`${fn}: argument '${arg}' dim ${i} must be a non-negative integer, a name or "?", got ${describeValue(d)}`);
  }
  return spec as TensorSpec;
};

/**
 * Encode a tensor in the chosen form. Nested arrays cannot carry the sizes after a zero-size
 * axis (`[]` is every `[0, n]`); decoding them takes those sizes from the spec, so use the flat
 * form for such tensors unless the spec fixes them.
 *
 * @example
 * import { encodeTensor, tensor } from "typegrad"
 * encodeTensor(tensor([[1, 2], [3, 4]])) // { shape: [2, 2], data: [1, 2, 3, 4], dtype: "float32" }
 * encodeTensor(tensor([[1, 2], [3, 4]]), "nested") // [[1, 2], [3, 4]]
 * @category constructors
 * @since 0.1.0
 */
export const encodeTensor = (x: Tensor, encoding: "flat" | "nested" = "flat"): TensorJson =>
  encoding === "nested" ? (toArray(x) as Nested) : { shape: [...(x.shape as readonly number[])], data: Array.from(toFlat(x)), dtype: x.dtype };

/**
 * The io-ts codec of tensors matching `spec`: decodes nested arrays, `{ shape, data }` and
 * tensors into `Tensor<SpecShape<spec>>`; encodes back (flat by default).
 *
 * Untrusted input is read as plain data (own data properties of plain objects and arrays; a
 * getter is an error, never run; holes, inherited fields and class instances are errors) within
 * the limits `maxRank` (default 32) and `maxElements` (default 2^28); it never throws, and
 * allocates at most about twice the elements it is given.
 *
 * @example
 * import { draw, fromValidationErrors, tensorCodec } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const Image = tensorCodec([2, 3])
 * const ok = Image.decode([[1, 2, 3], [4, 5, 6]])
 * E.isRight(ok) && ok.right // Tensor<[2, 3]>
 * const bad = Image.decode([[1, 2, 3], [4, 5]])
 * E.isLeft(bad) && draw(fromValidationErrors(bad.left)) // "index 1: row has 2 values, expected 3"
 * @category constructors
 * @since 0.1.0
 */
export const tensorCodec = <const S extends SpecDim[]>(spec: readonly [...S], opts?: TensorCodecOptions): TensorCodec<SpecShape<S>> => {
  const sp = checkSpec("tensorCodec", "spec", spec);
  const options = checkOptions("tensorCodec", opts);
  const name = `Tensor${showSpec(sp)}`;
  const is = (u: unknown): u is Tensor<SpecShape<S>> =>
    guarded(
      u,
      () => isTensor(u) && matchShape(name, sp, u.shape as readonly number[]).errors.length === 0,
      () => false,
    );
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
 * Limits and reading rules as `tensorCodec`: `maxRank` (default 32), `maxElements` (default 2^28).
 *
 * @example
 * import { decodeTensor, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = decodeTensor([3], { shape: [3], data: [1, 2, 3] })
 * E.isRight(r) && r.right // [1, 2, 3]
 * const bad = decodeTensor([2, "m"], [[1, 2, 3], [4, 5]])
 * E.isLeft(bad) && draw(bad.left) // "index 1: row has 2 values, expected 3"
 * @category constructors
 * @since 0.1.0
 */
export const decodeTensor = <const S extends SpecDim[]>(spec: readonly [...S], u: unknown, opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor<SpecShape<S>>> => {
  const r = checkTensor("tensor", checkSpec("decodeTensor", "spec", spec), u, checkOptions("decodeTensor", opts));
  const errs = nonEmpty(r.errors);
  if (errs !== undefined || r.tensor === undefined) return E.left(errs ?? [leaf(u, "not a tensor")]);
  return E.right(r.tensor as Tensor<SpecShape<S>>);
};
