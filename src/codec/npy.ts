/**
 * numpy's `.npy` format, read and written in memory (the files themselves are in
 * `typegrad/node`). Read: format versions 1, 2 and 3; float32 and float64 in either byte order;
 * integer and boolean arrays (read as floats: float32 up to 16-bit integers, float64 beyond, so
 * 64-bit integers above 2^53 round); C or Fortran order; any rank up to 32. Written: version 1.0,
 * little-endian float32 or float64, C order, exactly as `np.save` writes it.
 *
 * A bad file is an error naming what is wrong (`truncated: the data needs 96 bytes, the file has
 * 40 after the header`), never an exception; checked against files numpy wrote
 * (`test/fixtures/npy/`, made by `test/fixtures/gen_npy.py`).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { DType } from "../backend/backend.js";
import type { SpecDim, SpecShape } from "../shape/bind.js";
import type { Shape } from "../shape/dims.js";
import { toFlat } from "../tensor/create.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { readFloats, writeFloats } from "./bytes.js";
import { type DecodeErrors, describeValue, leaf, nonEmpty } from "./errors.js";
import { checkOptions, checkSpec, checkTensor, MAX_RANK, type TensorCodecOptions, type TensorSpec } from "./tensor.js";
import { DEFAULT_MAX_ELEMENTS } from "./untrusted.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What an `.npy` header says. @category model @since 0.1.0 */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Where the data starts. */
  readonly dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

interface Kind {
  readonly size: number;
  readonly dtype: DType;
  readonly read: (v: DataView, at: number, le: boolean) => number;
}

const kinds: Readonly<Record<string, Kind>> = {
  f4: { size: 4, dtype: "float32", read: (v, at, le) => v.getFloat32(at, le) },
  f8: { size: 8, dtype: "float64", read: (v, at, le) => v.getFloat64(at, le) },
  f2: { size: 2, dtype: "float32", read: (v, at, le) => half(v.getUint16(at, le)) },
  i1: { size: 1, dtype: "float32", read: (v, at) => v.getInt8(at) },
  u1: { size: 1, dtype: "float32", read: (v, at) => v.getUint8(at) },
  b1: { size: 1, dtype: "float32", read: (v, at) => (v.getUint8(at) === 0 ? 0 : 1) },
  i2: { size: 2, dtype: "float32", read: (v, at, le) => v.getInt16(at, le) },
  u2: { size: 2, dtype: "float32", read: (v, at, le) => v.getUint16(at, le) },
  i4: { size: 4, dtype: "float64", read: (v, at, le) => v.getInt32(at, le) },
  u4: { size: 4, dtype: "float64", read: (v, at, le) => v.getUint32(at, le) },
  i8: { size: 8, dtype: "float64", read: (v, at, le) => Number(v.getBigInt64(at, le)) },
  u8: { size: 8, dtype: "float64", read: (v, at, le) => Number(v.getBigUint64(at, le)) },
};

/** An IEEE half-precision number from its bits. */
const half = (h: number): number => {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f === 0 ? s * Number.POSITIVE_INFINITY : Number.NaN;
  return s * 2 ** (e - 15) * (1 + f / 1024);
};

// -------------------------------------------------------------------------------------
// header
// -------------------------------------------------------------------------------------

type Py = string | number | boolean | readonly Py[] | { readonly [k: string]: Py };

/** Parse the Python literal subset `.npy` headers use: dicts, tuples, lists, strings, ints, booleans. */
const parsePy = (src: string): { value: Py } | { error: string } => {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${i}`);
  };
  const value = (depth: number): Py => {
    if (depth > 8) fail("nested too deep");
    ws();
    const c = src[i];
    if (c === "'" || c === '"') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) fail("unterminated string");
      const s = src.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === "{" || c === "(" || c === "[") {
      const close = c === "{" ? "}" : c === "(" ? ")" : "]";
      i++;
      const items: Py[] = [];
      const dict: Record<string, Py> = {};
      for (;;) {
        ws();
        if (src[i] === close) break;
        const v = value(depth + 1);
        if (c === "{") {
          if (typeof v !== "string") fail("expected a string key");
          ws();
          if (src[i] !== ":") fail("expected ':'");
          i++;
          Object.defineProperty(dict, v as string, { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
        } else items.push(v);
        ws();
        if (src[i] === ",") i++;
        else if (src[i] !== close) fail(`expected ',' or '${close}'`);
      }
      i++;
      return c === "{" ? dict : items;
    }
    const m = /^(True|False|-?\d+L?)/.exec(src.slice(i, i + 40));
    if (m === null) return fail("unexpected input");
    const tok = m[1] as string;
    i += tok.length;
    return tok === "True" ? true : tok === "False" ? false : Number.parseInt(tok, 10);
  };
  try {
    const v = value(0);
    ws();
    if (i !== src.length) fail("unexpected text after the header dict");
    return { value: v };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
};

/**
 * The header of an `.npy` file, or what is wrong with it.
 *
 * @example
 * import { draw, encodeNpy, parseNpyHeader, zeros } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = parseNpyHeader(encodeNpy(zeros([2, 3])))
 * E.isRight(r) && r.right // { descr: "<f4", fortranOrder: false, shape: [2, 3], dataOffset: 128 }
 * const bad = parseNpyHeader(new Uint8Array([1, 2, 3]))
 * E.isLeft(bad) && draw(bad.left) // "truncated: 3 bytes, shorter than an .npy preamble (10 bytes)"
 * @category header
 * @since 0.1.0
 */
export const parseNpyHeader = (bytes: Uint8Array): E.Either<DecodeErrors, NpyHeader> => {
  const bad = (m: string): E.Either<DecodeErrors, NpyHeader> => E.left([leaf(undefined, m)]);
  if (!(bytes instanceof Uint8Array)) return E.left([leaf(bytes, `expected bytes (a Uint8Array), got ${describeValue(bytes)}`)]);
  if (bytes.length < 10) return bad(`truncated: ${bytes.length} bytes, shorter than an .npy preamble (10 bytes)`);
  if (MAGIC.some((b, i) => bytes[i] !== b)) return bad("not an .npy file (bad magic bytes)");
  const major = bytes[6] as number;
  if (major < 1 || major > 3) return bad(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) return bad(`truncated: ${bytes.length} bytes, shorter than the preamble`);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + hlen > bytes.length) return bad(`truncated: the header needs ${hlen} bytes, the file has ${bytes.length - start} after the preamble`);
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + hlen));
  const parsed = parsePy(text.trim());
  if ("error" in parsed) return bad(`header: not a Python literal: ${parsed.error}`);
  const h = parsed.value;
  if (h === null || typeof h !== "object" || Array.isArray(h)) return bad("header: expected a dict");
  const dict = h as Record<string, Py>;
  const errs: string[] = [];
  const field = (k: string): Py | undefined => (Object.hasOwn(dict, k) ? dict[k] : undefined);
  const descr = field("descr");
  if (typeof descr !== "string") errs.push(`header: 'descr' must be a type string such as '<f4', got ${describeValue(descr)}`);
  const fortran = field("fortran_order");
  if (typeof fortran !== "boolean") errs.push(`header: 'fortran_order' must be True or False, got ${describeValue(fortran)}`);
  const shape = field("shape");
  const shapeOk = Array.isArray(shape) && shape.length <= MAX_RANK && shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0);
  if (!shapeOk) errs.push(`header: 'shape' must be a tuple of at most ${MAX_RANK} non-negative integers, got ${describeValue(shape)}`);
  const first = errs[0];
  if (first !== undefined) return E.left([leaf(text, first), ...errs.slice(1).map((m) => leaf(text, m))]);
  return E.right({ descr: descr as string, fortranOrder: fortran as boolean, shape: shape as number[], dataOffset: start + hlen });
};

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

/** Reorder Fortran-order data (first axis fastest) into C order. */
const fortranToC = (f: ArrayLike<number>, shape: readonly number[], out: Float64Array | Float32Array): void => {
  const rank = shape.length;
  const fStrides = new Array<number>(rank);
  let s = 1;
  for (let d = 0; d < rank; d++) {
    fStrides[d] = s;
    s *= shape[d] as number;
  }
  const idx = new Array<number>(rank).fill(0);
  for (let c = 0; c < out.length; c++) {
    let at = 0;
    for (let d = 0; d < rank; d++) at += (idx[d] as number) * (fStrides[d] as number);
    out[c] = f[at] as number;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (shape[d] as number)) break;
      idx[d] = 0;
    }
  }
};

/**
 * Read an `.npy` file's bytes as a tensor, checked against `spec` when given (the spec's
 * rank, literal and named dims; NaN and ±Infinity rejected unless `allowNonFinite`). The
 * header's shape is checked against the bytes and against `maxElements` (default 2^28) before
 * anything is allocated: the work and memory are at most a small multiple of `bytes.length`.
 *
 * @example
 * import { draw, encodeNpy, parseNpy, tensor } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const bytes = encodeNpy(tensor([[1, 2], [3, 4]]))
 * const r = parseNpy(bytes, [2, "n"])
 * E.isRight(r) && r.right // [[1, 2], [3, 4]]
 * const bad = parseNpy(bytes, [3, "n"])
 * E.isLeft(bad) && draw(bad.left) // "dim 0 is 2, expected 3"
 * @category reading
 * @since 0.1.0
 */
export function parseNpy<const S extends SpecDim[]>(bytes: Uint8Array, spec: readonly [...S], opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor<SpecShape<S>>>;
export function parseNpy(bytes: Uint8Array, spec?: undefined, opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor<Shape>>;
export function parseNpy(bytes: Uint8Array, spec?: TensorSpec, opts?: TensorCodecOptions): E.Either<DecodeErrors, Tensor> {
  const options = checkOptions("parseNpy", opts);
  const sp = spec === undefined ? undefined : checkSpec("parseNpy", "spec", spec);
  const header = parseNpyHeader(bytes);
  if (E.isLeft(header)) return header;
  const { descr, fortranOrder, shape, dataOffset } = header.right;
  const order = descr[0];
  const kind = Object.hasOwn(kinds, descr.slice(1)) ? kinds[descr.slice(1)] : undefined;
  const one = kind?.size === 1;
  if (kind === undefined || !(order === "<" || order === ">" || order === "=" || (order === "|" && one))) {
    return E.left([leaf(descr, `unsupported dtype '${descr}' (supported: float16/32/64, integers, bool)`)]);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - dataOffset;
  if (n * kind.size > available) return E.left([leaf(undefined, `truncated: the data needs ${n * kind.size} bytes, the file has ${available} after the header`)]);
  if (n * kind.size < available) return E.left([leaf(undefined, `corrupted: ${available - n * kind.size} unexpected bytes after the data`)]);
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  if (n > maxElements) return E.left([leaf(undefined, `the header's shape [${shape.join(", ")}] has ${n} elements, above the limit maxElements = ${maxElements}`)]);
  const le = order !== ">";
  let data: Float32Array | Float64Array;
  if (descr.slice(1) === "f4" || descr.slice(1) === "f8") data = readFloats(bytes, dataOffset, n, kind.dtype, le) as Float32Array | Float64Array;
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, n * kind.size);
    data = kind.dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = kind.read(view, i * kind.size, le);
  }
  if (fortranOrder && shape.length > 1) {
    const c = kind.dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    fortranToC(data, shape, c);
    data = c;
  }
  const r = checkTensor("npy", sp ?? shape.map(() => "?"), { shape, data, dtype: kind.dtype }, options);
  const errs = nonEmpty(r.errors);
  return errs === undefined && r.tensor !== undefined ? E.right(r.tensor) : E.left(errs ?? [leaf(undefined, "not a tensor")]);
}

// -------------------------------------------------------------------------------------
// writing
// -------------------------------------------------------------------------------------

/**
 * The `.npy` bytes of a tensor: version 1.0, `'<f4'` or `'<f8'`, C order, header padded to 64
 * bytes (as `np.save` writes).
 *
 * @example
 * import { encodeNpy, tensor } from "typegrad"
 * encodeNpy(tensor([1, 2, 3])).length // 140 (128 header bytes + 3 float32s)
 * @category writing
 * @since 0.1.0
 */
export const encodeNpy = (x: Tensor): Uint8Array => {
  if (!isTensor(x)) throw new TypeError(`encodeNpy: argument 'x' must be a Tensor, got ${describeValue(x)}`);
  const shape = x.shape as readonly number[];
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '${x.dtype === "float64" ? "<f8" : "<f4"}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = `${dict}${" ".repeat(total - 10 - dict.length - 1)}\n`;
  const data = toFlat(x);
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), 10);
  writeFloats(out, total, data, x.dtype);
  return out;
};
