/**
 * The safetensors format (Hugging Face), read and written in memory; the files are in
 * `typegrad/node`. A file is an 8-byte little-endian header length `N`, `N` bytes of JSON
 * (`{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { key: text } }`,
 * padded with spaces), then the tensors' little-endian bytes, C order; offsets count from the end
 * of the header.
 *
 * Reading checks everything before it allocates: the header length against `maxHeaderBytes`
 * (default 100 MB, the reference implementation's limit) and the bytes there are; the JSON with
 * io-ts (known dtypes, integer dims and offsets); each tensor's size against `maxElements` and
 * against its byte range; the ranges in order, non-overlapping and covering the data exactly. A
 * corrupt or hostile file is a `Left` naming the tensor and what is wrong, never an exception.
 * F32 and F64 read as themselves; the integer types and BOOL read as float32 (8 and 16 bits) or
 * float64 (32 and 64 bits; 64-bit integers beyond 2^53 round).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { namedLeaves, type Params } from "../autodiff/tree.js";
import type { DType, TypedArray } from "../backend/backend.js";
import type { Describable, ParamsOfModel } from "../nn/architecture.js";
import { showShape } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { fromArray, toFlat } from "../tensor/create.js";
import { dtypeOption } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { readFloats, writeFloats } from "./bytes.js";
import { type DecodeError, type DecodeErrors, describeValue, fromValidationErrors, key, leaf, nonEmpty } from "./errors.js";
import { type FoundTensor, paramsFromFound } from "./modelTensors.js";
import { MAX_RANK } from "./tensor.js";
import { checkLimit, DEFAULT_MAX_ELEMENTS, setOwn } from "./untrusted.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Element types of safetensors that typegrad reads (and writes, but for BOOL). @category model @since 0.3.0 */
export type SafetensorsDType = "F64" | "F32" | "I64" | "I32" | "I16" | "I8" | "U64" | "U32" | "U16" | "U8" | "BOOL";

interface Kind {
  readonly size: number;
  readonly as: DType;
  readonly min: number;
  readonly max: number;
  readonly get: (v: DataView, at: number) => number;
  readonly set: (v: DataView, at: number, x: number) => void;
}

const kinds: Readonly<Record<SafetensorsDType, Kind>> = {
  F64: { size: 8, as: "float64", min: -Infinity, max: Infinity, get: (v, at) => v.getFloat64(at, true), set: (v, at, x) => v.setFloat64(at, x, true) },
  F32: { size: 4, as: "float32", min: -Infinity, max: Infinity, get: (v, at) => v.getFloat32(at, true), set: (v, at, x) => v.setFloat32(at, x, true) },
  I64: { size: 8, as: "float64", min: -(2 ** 63), max: 2 ** 63 - 1, get: (v, at) => Number(v.getBigInt64(at, true)), set: (v, at, x) => v.setBigInt64(at, BigInt(x), true) },
  I32: { size: 4, as: "float64", min: -(2 ** 31), max: 2 ** 31 - 1, get: (v, at) => v.getInt32(at, true), set: (v, at, x) => v.setInt32(at, x, true) },
  I16: { size: 2, as: "float32", min: -(2 ** 15), max: 2 ** 15 - 1, get: (v, at) => v.getInt16(at, true), set: (v, at, x) => v.setInt16(at, x, true) },
  I8: { size: 1, as: "float32", min: -128, max: 127, get: (v, at) => v.getInt8(at), set: (v, at, x) => v.setInt8(at, x) },
  U64: { size: 8, as: "float64", min: 0, max: 2 ** 64 - 1, get: (v, at) => Number(v.getBigUint64(at, true)), set: (v, at, x) => v.setBigUint64(at, BigInt(x), true) },
  U32: { size: 4, as: "float64", min: 0, max: 2 ** 32 - 1, get: (v, at) => v.getUint32(at, true), set: (v, at, x) => v.setUint32(at, x, true) },
  U16: { size: 2, as: "float32", min: 0, max: 2 ** 16 - 1, get: (v, at) => v.getUint16(at, true), set: (v, at, x) => v.setUint16(at, x, true) },
  U8: { size: 1, as: "float32", min: 0, max: 255, get: (v, at) => v.getUint8(at), set: (v, at, x) => v.setUint8(at, x) },
  BOOL: { size: 1, as: "float32", min: 0, max: 1, get: (v, at) => (v.getUint8(at) === 0 ? 0 : 1), set: (v, at, x) => v.setUint8(at, x) },
};

/** What a safetensors file holds: its tensors by name, each one's dtype in the file, and the metadata. @category model @since 0.3.0 */
export interface Safetensors {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly dtypes: Readonly<Record<string, SafetensorsDType>>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Limits of the safetensors readers. @category model @since 0.3.0 */
export interface SafetensorsLimits {
  /** The longest JSON header accepted, in bytes (default 100,000,000, as the reference implementation). */
  readonly maxHeaderBytes?: number;
  /** The most elements of one tensor (default 2^28). */
  readonly maxElements?: number;
}

/** Options of `decodeSafetensorsParams`: the limits, and the dtype every parameter must have (default float32). @category model @since 0.3.0 */
export interface SafetensorsParamsOptions extends SafetensorsLimits {
  readonly dtype?: DType;
}

/** Options of `encodeSafetensors`. @category model @since 0.3.0 */
export interface EncodeSafetensorsOptions {
  /** Text metadata stored as `__metadata__`. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The dtype written for a tensor, by name (default: F32 or F64, as the tensor's); integer types need integer values in range. */
  readonly dtypes?: Readonly<Record<string, Exclude<SafetensorsDType, "BOOL">>>;
}

/**
 * The reference implementation's header limit: 100,000,000 bytes.
 *
 * @example
 * import { SAFETENSORS_MAX_HEADER_BYTES } from "typegrad"
 * SAFETENSORS_MAX_HEADER_BYTES // 100000000
 * @category model
 * @since 0.3.0
 */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** One tensor of a checked header. @internal */
export interface SafetensorsEntry {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Byte range in the data section. */
  readonly begin: number;
  readonly end: number;
}

/** A checked header: the tensors in file order, and the metadata. @internal */
export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

// -------------------------------------------------------------------------------------
// header
// -------------------------------------------------------------------------------------

const NonNegativeInt = new t.Type<number, number, unknown>(
  "a non-negative integer",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === "number" && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const DTypeCodec = t.keyof(
  Object.fromEntries(Object.keys(kinds).map((k) => [k, null])) as Record<SafetensorsDType, null>,
  "a safetensors dtype (F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)",
);

/** One tensor's header entry, as io-ts decodes it. */
const EntryCodec = t.type({ dtype: DTypeCodec, shape: t.array(NonNegativeInt), data_offsets: t.tuple([NonNegativeInt, NonNegativeInt]) }, "a tensor entry { dtype, shape, data_offsets }");

/** `__metadata__`: text by text. */
const MetadataCodec = t.record(t.string, t.string, "a record of strings");

const isPlainRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u);

/**
 * The header length from a file's first 8 bytes, checked against `maxHeaderBytes` and the
 * `total` bytes of the file. @internal
 */
export const headerLength = (first8: Uint8Array, total: number, maxHeaderBytes: number): E.Either<DecodeErrors, number> => {
  if (total < 8 || first8.length < 8) return E.left([leaf(undefined, `truncated: ${total} bytes, shorter than the 8-byte header length`)]);
  const view = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > maxHeaderBytes) return E.left([leaf(n, `the header claims ${n} bytes, above the limit maxHeaderBytes = ${maxHeaderBytes}`)]);
  if (n < 2) return E.left([leaf(n, `the header claims ${n} bytes, too short for a JSON object`)]);
  if (8 + n > total) return E.left([leaf(n, `truncated: the header claims ${n} bytes, the file has ${total - 8} after the length`)]);
  return E.right(n);
};

/**
 * The header's JSON (`text` bytes) decoded and checked against a data section of `dataLength`
 * bytes: entries known and well-formed, sizes within `maxElements` and matching their ranges,
 * ranges in order, non-overlapping, covering the data. @internal
 */
export const parseHeader = (text: Uint8Array, dataLength: number, maxElements: number): E.Either<DecodeErrors, SafetensorsHeader> => {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(text));
  } catch (e) {
    return E.left([leaf(undefined, `header: not UTF-8 JSON: ${e instanceof Error ? e.message : String(e)}`)]);
  }
  if (!isPlainRecord(json)) return E.left([leaf(json, `header: expected a JSON object, got ${describeValue(json)}`)]);
  const errors: DecodeError[] = [];
  const entries: [string, SafetensorsEntry][] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (name === "__metadata__") {
      const m = MetadataCodec.decode(value);
      if (E.isLeft(m)) errors.push(key(name, (nonEmpty(fromValidationErrors(m.left)) ?? [leaf(value, "expected a record of strings")]) as DecodeErrors));
      else {
        metadata = {};
        for (const [k, v] of Object.entries(m.right)) setOwn(metadata, k, v);
      }
      continue;
    }
    const r = EntryCodec.decode(value);
    if (E.isLeft(r)) {
      errors.push(key(name, (nonEmpty(fromValidationErrors(r.left)) ?? [leaf(value, "expected a tensor entry")]) as DecodeErrors));
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = r.right;
    if (shape.length > MAX_RANK) {
      errors.push(key(name, [leaf(shape.length, `rank ${shape.length}, above the most ${MAX_RANK}`)]));
      continue;
    }
    let n = 1;
    for (const d of shape) n *= d;
    if (n > maxElements) {
      errors.push(key(name, [leaf(shape, `shape ${showShape(shape)} has ${Number.isSafeInteger(n) ? n : "more than 2^53"} elements, above the limit maxElements = ${maxElements}`)]));
      continue;
    }
    const need = n * kinds[dtype].size;
    if (end < begin || end - begin !== need) {
      errors.push(key(name, [leaf([begin, end], `data_offsets [${begin}, ${end}] hold ${end - begin} bytes, a ${dtype} tensor of shape ${showShape(shape)} needs ${need}`)]));
      continue;
    }
    entries.push([name, { dtype, shape, begin, end }]);
  }
  const ne = nonEmpty(errors);
  if (ne !== undefined) return E.left(ne);
  // the ranges, in order: each starts where the previous ended, the last ends at the end of the data
  const sorted = [...entries].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = "the start of the data";
  for (const [name, e] of sorted) {
    if (e.begin < at) errors.push(key(name, [leaf([e.begin, e.end], `data_offsets [${e.begin}, ${e.end}] overlap ${prev}, which ends at ${at}`)]));
    else if (e.begin > at) errors.push(key(name, [leaf([e.begin, e.end], `data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - at} bytes after ${prev}`)]));
    if (e.end > dataLength) errors.push(key(name, [leaf([e.begin, e.end], `truncated: data_offsets [${e.begin}, ${e.end}] end past the data, which has ${dataLength} bytes`)]));
    at = Math.max(at, e.end);
    prev = `'${name}'`;
  }
  if (at < dataLength) errors.push(leaf(undefined, `${dataLength - at} bytes after the last tensor are not covered by any tensor`));
  const ne2 = nonEmpty(errors);
  return ne2 === undefined ? E.right({ entries: new Map(entries), metadata }) : E.left(ne2);
};

/** A checked entry's elements from exactly its bytes. @internal */
export const readEntry = (e: SafetensorsEntry, bytes: Uint8Array): TypedArray => {
  const k = kinds[e.dtype];
  const n = bytes.length / k.size;
  if (e.dtype === "F32" || e.dtype === "F64") return readFloats(bytes, 0, n, k.as, true);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = k.as === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = k.get(view, i * k.size);
  return out;
};

/** The keys of {@link SafetensorsLimits}. @internal */
export const safetensorsLimitKeys: OptionKeys<SafetensorsLimits> = { maxHeaderBytes: true, maxElements: true };

/** The keys of {@link SafetensorsParamsOptions}. @internal */
export const safetensorsParamsKeys: OptionKeys<SafetensorsParamsOptions> = { ...safetensorsLimitKeys, dtype: true };

const encodeKeys: OptionKeys<EncodeSafetensorsOptions> = { metadata: true, dtypes: true };

/** The limits option (and `dtype`, where `known` has it), validated (a `TypeError` naming `fn` otherwise). @internal */
export const safetensorsLimits = (fn: string, opts: unknown, known: Readonly<Record<string, true>>): { maxHeaderBytes: number; maxElements: number; dtype: DType } => {
  if (opts !== undefined && !isPlainRecord(opts)) throw new TypeError(`${fn}: argument 'opts' must be an object, got ${describeValue(opts)}`);
  checkOptionKeys(fn, opts, known);
  const o = (opts ?? {}) as Record<string, unknown>;
  return {
    maxHeaderBytes: checkLimit(fn, "maxHeaderBytes", o.maxHeaderBytes) ?? SAFETENSORS_MAX_HEADER_BYTES,
    maxElements: checkLimit(fn, "maxElements", o.maxElements) ?? DEFAULT_MAX_ELEMENTS,
    dtype: dtypeOption(fn, o.dtype),
  };
};

/** The name of a typegrad dtype in safetensors' terms. @internal */
export const safetensorsName = (d: DType): string => (d === "float64" ? "F64" : "F32");

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

const headerOf = (fn: string, bytes: Uint8Array, opts: unknown, known: Readonly<Record<string, true>>): E.Either<DecodeErrors, { header: SafetensorsHeader; start: number }> => {
  const limits = safetensorsLimits(fn, opts, known);
  if (!(bytes instanceof Uint8Array)) return E.left([leaf(bytes, `expected bytes (a Uint8Array), got ${describeValue(bytes)}`)]);
  return E.flatMap(headerLength(bytes, bytes.length, limits.maxHeaderBytes), (n: number) =>
    E.map((header: SafetensorsHeader) => ({ header, start: 8 + n }))(parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, limits.maxElements)),
  );
};

/**
 * Every tensor of a safetensors file's bytes, by name, with its dtype in the file and the
 * file's metadata; or every reason the bytes are not a valid file.
 *
 * @example
 * import { decodeSafetensors, draw, encodeSafetensors, tensor } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const bytes = encodeSafetensors({ W: tensor([[1, 2], [3, 4]]) }, { metadata: { format: "pt" } })
 * const r = decodeSafetensors(bytes)
 * E.isRight(r) && r.right.tensors.W // [[1, 2], [3, 4]]
 * E.isRight(r) && r.right.metadata // { format: "pt" }
 * const bad = decodeSafetensors(bytes.subarray(0, bytes.length - 4))
 * E.isLeft(bad) && draw(bad.left) // "W: truncated: data_offsets [0, 16] end past the data, which has 12 bytes"
 * @category reading
 * @since 0.3.0
 */
export const decodeSafetensors = (bytes: Uint8Array, opts?: SafetensorsLimits): E.Either<DecodeErrors, Safetensors> =>
  E.map(({ header, start }: { header: SafetensorsHeader; start: number }) => {
    const tensors: Record<string, Tensor> = {};
    const dtypes: Record<string, SafetensorsDType> = {};
    for (const [name, e] of header.entries) {
      setOwn(tensors, name, fromArray(e.shape as number[], readEntry(e, bytes.subarray(start + e.begin, start + e.end)), { dtype: kinds[e.dtype].as }));
      setOwn(dtypes, name, e.dtype);
    }
    return { tensors, dtypes, metadata: header.metadata };
  })(headerOf("decodeSafetensors", bytes, opts, safetensorsLimitKeys));

/** The tensors of a checked header, listed for `paramsFromFound`. @internal */
export const foundTensors = (header: SafetensorsHeader, read: (e: SafetensorsEntry) => Uint8Array): Map<string, FoundTensor> =>
  new Map([...header.entries].map(([name, e]) => [name, { dtype: e.dtype, as: kinds[e.dtype].as, shape: e.shape, read: () => readEntry(e, read(e)) }]));

/**
 * A model's parameters from a safetensors file's bytes, typed by the model: each of its
 * parameters (named as `paramLayout` names them: `W1`, `b1`, … for an `mlp`, `[0].W`, … for a
 * `sequential`) must be there with the expected dtype (`dtype`, default float32) and the
 * model's shape, and nothing else; every difference is listed by tensor name.
 *
 * @example
 * import { decodeSafetensorsParams, draw, encodeSafetensors, mlp, rng } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 3, 2])
 * const bytes = encodeSafetensors(model.init(rng(0)))
 * const r = decodeSafetensorsParams(bytes, model)
 * E.isRight(r) && r.right.W1 // Tensor<[3, 4]>
 * const bad = decodeSafetensorsParams(bytes, mlp([4, 5, 2]))
 * E.isLeft(bad) && draw(bad.left) // "W1: shape [3, 4], expected [5, 4]\nb1: shape [3, 1], expected [5, 1]\nW2: shape [2, 3], expected [2, 5]"
 * @category reading
 * @since 0.3.0
 */
export const decodeSafetensorsParams = <const M extends Describable>(bytes: Uint8Array, model: M, opts?: SafetensorsParamsOptions): E.Either<DecodeErrors, ParamsOfModel<M>> => {
  const { dtype } = safetensorsLimits("decodeSafetensorsParams", opts, safetensorsParamsKeys);
  return E.flatMap(headerOf("decodeSafetensorsParams", bytes, opts, safetensorsParamsKeys), ({ header, start }: { header: SafetensorsHeader; start: number }) =>
    paramsFromFound(
      model,
      foundTensors(header, (e) => bytes.subarray(start + e.begin, start + e.end)),
      dtype,
      safetensorsName,
    ),
  );
};

// -------------------------------------------------------------------------------------
// writing
// -------------------------------------------------------------------------------------

/**
 * The safetensors bytes of a params tree (tensors named as `namedLeaves` names them), F32 or F64
 * as each tensor's dtype unless `dtypes` says otherwise, with `metadata` as `__metadata__`. The
 * header is padded with spaces to a multiple of 8 bytes, as the reference implementation writes
 * it. Throws (naming the argument) for a value that does not fit an integer dtype.
 *
 * @example
 * import { decodeSafetensors, encodeSafetensors, tensor } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const bytes = encodeSafetensors({ W: tensor([[1.5, 2]]), step: tensor([7]) }, { dtypes: { step: "I64" } })
 * bytes.length // 144 (8 + 120 header bytes + 8 + 8)
 * const r = decodeSafetensors(bytes)
 * E.isRight(r) && r.right.dtypes // { W: "F32", step: "I64" }
 * @category writing
 * @since 0.3.0
 */
export const encodeSafetensors = (params: Params, opts: EncodeSafetensorsOptions = {}): Uint8Array => {
  const fn = "encodeSafetensors";
  if (!isPlainRecord(opts)) throw new TypeError(`${fn}: argument 'opts' must be an object, got ${describeValue(opts)}`);
  checkOptionKeys(fn, opts, encodeKeys);
  const leaves = namedLeaves(fn, params);
  const names = new Set(leaves.map(([n]) => n));
  const dtypes = (opts.dtypes ?? {}) as Readonly<Record<string, SafetensorsDType>>;
  for (const [n, d] of Object.entries(dtypes)) {
    if (!names.has(n)) throw new TypeError(`${fn}: option 'dtypes' names '${n}', which is not a tensor of 'params'`);
    if (!Object.hasOwn(kinds, d) || d === "BOOL")
      throw new TypeError(`${fn}: option 'dtypes' gives '${n}' the dtype ${describeValue(d)}, expected one of F64, F32, I64, I32, I16, I8, U64, U32, U16, U8`);
  }
  const metadata = opts.metadata;
  if (metadata !== undefined && (!isPlainRecord(metadata) || Object.values(metadata).some((v) => typeof v !== "string")))
    throw new TypeError(`${fn}: option 'metadata' must be a record of strings, got ${describeValue(metadata)}`);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) setOwn(header, "__metadata__", { ...metadata });
  let offset = 0;
  const plan = leaves.map(([name, x]) => {
    const dtype: SafetensorsDType = Object.hasOwn(dtypes, name) ? (dtypes[name] as SafetensorsDType) : x.dtype === "float64" ? "F64" : "F32";
    const data = toFlat(x);
    const begin = offset;
    offset += data.length * kinds[dtype].size;
    setOwn(header, name, { dtype, shape: [...(x.shape as readonly number[])], data_offsets: [begin, offset] });
    return { name, dtype, data, begin };
  });
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  json += " ".repeat((8 - (raw.length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, text.length, true);
  out.set(text, 8);
  const start = 8 + text.length;
  for (const { name, dtype, data, begin } of plan) {
    const k = kinds[dtype];
    if (dtype === "F32" || dtype === "F64") {
      writeFloats(out, start + begin, data, k.as);
      continue;
    }
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!Number.isInteger(v) || v < k.min || v > k.max)
        throw new RangeError(`${fn}: argument 'params': '${name}' holds ${v} at index ${i}, which is not a ${dtype} value (an integer in [${k.min}, ${k.max}])`);
      k.set(view, start + begin + i * k.size, v);
    }
  }
  return out;
};
