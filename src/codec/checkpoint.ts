/**
 * The checkpoint format, in memory (saving and loading files, atomically, is in
 * `typegrad/node`). One self-describing blob:
 *
 * ```
 * offset 0   8 bytes   magic "\x89TGCKPT\n"
 *        8   uint32 LE manifest length H
 *        12  uint32 LE CRC-32 of the manifest
 *        16  H bytes   manifest, JSON: { format, version, params: [{ name, shape, dtype }], dataBytes, checksum, meta? }
 *            zeros up to a multiple of 8
 *            data      every parameter in manifest order, little-endian, C order
 * ```
 *
 * `checksum` is the CRC-32 of the data. Decoding checks the magic, both checksums, the version,
 * and that the length is exactly what the manifest says, so a truncated or corrupted blob is
 * reported as such and never half-loaded.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import type { Params } from "../autodiff/tree.js";
import type { DType } from "../backend/backend.js";
import { fromArray, toFlat } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { crc32, hex32, itemSize, readFloats, writeFloats } from "./bytes.js";
import { type DecodeErrors, describeValue, fromValidationErrors, key, leaf, nonEmpty } from "./errors.js";
import { namedLeaves } from "./params.js";
import { MAX_RANK } from "./tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The format version this library writes (and the newest it reads). @category model @since 0.1.0 */
export const CHECKPOINT_VERSION = 1;

/** JSON values, for checkpoint metadata. @category model @since 0.1.0 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const Json: t.Type<Json> = t.recursion("Json", () => t.union([t.null, t.boolean, t.number, t.string, t.array(Json), t.record(t.string, Json)]));

const Size = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer");

const ParamEntry = t.type({ name: t.string, shape: t.array(Size), dtype: t.keyof({ float32: null, float64: null }) });

/** The manifest's codec. @category model @since 0.1.0 */
export const Manifest = t.intersection([
  t.type({
    format: t.literal("typegrad-checkpoint"),
    version: t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1, "a format version"),
    params: t.array(ParamEntry),
    dataBytes: Size,
    checksum: t.string,
  }),
  t.partial({ meta: t.record(t.string, Json) }),
]);

/** What a checkpoint says about itself. @category model @since 0.1.0 */
export type Manifest = t.TypeOf<typeof Manifest>;

/** A decoded checkpoint: its manifest and its parameters by name. @category model @since 0.1.0 */
export interface Checkpoint {
  readonly manifest: Manifest;
  readonly params: Readonly<Record<string, Tensor>>;
}

const MAGIC = [0x89, 0x54, 0x47, 0x43, 0x4b, 0x50, 0x54, 0x0a]; // "\x89TGCKPT\n"
const PREAMBLE = 16;
const MAX_MANIFEST = 1 << 26;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

/**
 * The checkpoint bytes of a params tree (named as `namedLeaves` names them), with optional
 * JSON metadata (epoch, accuracy...).
 *
 * @example
 * import { encodeCheckpoint, zeros } from "typegrad"
 * const bytes = encodeCheckpoint({ W: zeros([2, 3]), b: zeros([2, 1]) }, { epoch: 3 })
 * @category encoding
 * @since 0.1.0
 */
export const encodeCheckpoint = (params: Params, meta?: Readonly<Record<string, Json>>): Uint8Array => {
  const leaves = namedLeaves("encodeCheckpoint", params);
  if (meta !== undefined && !(Json.is(meta) && typeof meta === "object" && meta !== null && !Array.isArray(meta))) {
    throw new TypeError(`encodeCheckpoint: argument 'meta' must be a record of JSON values, got ${describeValue(meta)}`);
  }
  const entries = leaves.map(([name, x]) => ({ name, shape: [...(x.shape as readonly number[])], dtype: x.dtype }));
  const dataBytes = leaves.reduce((n, [, x]) => n + x.size * itemSize(x.dtype), 0);
  const data = new Uint8Array(dataBytes);
  let at = 0;
  for (const [, x] of leaves) {
    writeFloats(data, at, toFlat(x), x.dtype);
    at += x.size * itemSize(x.dtype);
  }
  const manifest: Manifest = {
    format: "typegrad-checkpoint",
    version: CHECKPOINT_VERSION,
    params: entries,
    dataBytes,
    checksum: `crc32:${hex32(crc32(data))}`,
    ...(meta === undefined ? {} : { meta }),
  };
  const text = new TextEncoder().encode(JSON.stringify(manifest));
  const dataStart = align8(PREAMBLE + text.length);
  const out = new Uint8Array(dataStart + dataBytes);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, text.length, true);
  view.setUint32(12, crc32(text), true);
  out.set(text, PREAMBLE);
  out.set(data, dataStart);
  return out;
};

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

const fail = (message: string): E.Either<DecodeErrors, never> => E.left([leaf(undefined, message)]);

/**
 * The manifest of checkpoint bytes, and where the data starts: checks the magic, the manifest's
 * checksum and schema, and the version.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeManifest = (bytes: Uint8Array): E.Either<DecodeErrors, { manifest: Manifest; dataStart: number }> => {
  if (!(bytes instanceof Uint8Array)) return E.left([leaf(bytes, `expected bytes (a Uint8Array), got ${describeValue(bytes)}`)]);
  if (MAGIC.some((b, i) => i < bytes.length && bytes[i] !== b)) return fail("not a typegrad checkpoint (bad magic bytes)");
  if (bytes.length < PREAMBLE) return fail(`truncated: ${bytes.length} bytes, shorter than the ${PREAMBLE}-byte preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(8, true);
  if (h > MAX_MANIFEST) return fail(`corrupted: manifest length ${h} is implausible`);
  if (PREAMBLE + h > bytes.length) return fail(`truncated: the manifest needs ${h} bytes, the file has ${bytes.length - PREAMBLE} after the preamble`);
  const text = bytes.subarray(PREAMBLE, PREAMBLE + h);
  if (crc32(text) !== view.getUint32(12, true)) return fail("corrupted: manifest checksum mismatch");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(text));
  } catch (e) {
    return fail(`corrupted: the manifest is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (json !== null && typeof json === "object" && typeof (json as { version?: unknown }).version === "number" && (json as { version: number }).version > CHECKPOINT_VERSION) {
    return fail(`format version ${(json as { version: number }).version} is newer than this reader (${CHECKPOINT_VERSION}); upgrade typegrad`);
  }
  const m = Manifest.decode(json);
  if (E.isLeft(m)) return E.left([key("manifest", nonEmpty(fromValidationErrors(m.left)) ?? [leaf(json, "invalid")])]);
  const manifest = m.right;
  const names = new Set<string>();
  let need = 0;
  for (const p of manifest.params) {
    if (names.has(p.name)) return fail(`corrupted: parameter '${p.name}' appears twice in the manifest`);
    names.add(p.name);
    if (p.shape.length > MAX_RANK) return fail(`corrupted: parameter '${p.name}' has rank ${p.shape.length}`);
    need += p.shape.reduce((a, b) => a * b, 1) * itemSize(p.dtype);
  }
  if (need !== manifest.dataBytes) return fail(`corrupted: the parameters need ${need} bytes, the manifest says ${manifest.dataBytes}`);
  return E.right({ manifest, dataStart: align8(PREAMBLE + h) });
};

/**
 * Decode checkpoint bytes: every check passes, or nothing is returned but the reasons.
 *
 * @example
 * import { decodeCheckpoint, encodeCheckpoint, zeros } from "typegrad"
 * decodeCheckpoint(encodeCheckpoint({ W: zeros([2, 3]) })) // Right({ manifest, params: { W } })
 * decodeCheckpoint(encodeCheckpoint({ W: zeros([2, 3]) }).subarray(0, 50)) // Left: truncated
 * @category decoding
 * @since 0.1.0
 */
export const decodeCheckpoint = (bytes: Uint8Array): E.Either<DecodeErrors, Checkpoint> => {
  const head = decodeManifest(bytes);
  if (E.isLeft(head)) return head;
  const { manifest, dataStart } = head.right;
  const expected = dataStart + manifest.dataBytes;
  if (bytes.length < expected) return fail(`truncated: ${bytes.length} bytes, the manifest says ${expected}`);
  if (bytes.length > expected) return fail(`corrupted: ${bytes.length - expected} unexpected bytes after the data`);
  for (let i = PREAMBLE + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true); i < dataStart; i++) {
    if (bytes[i] !== 0) return fail("corrupted: non-zero padding after the manifest");
  }
  const sum = `crc32:${hex32(crc32(bytes, dataStart, expected))}`;
  if (sum !== manifest.checksum) return fail(`corrupted: data checksum mismatch (manifest ${manifest.checksum}, data ${sum})`);
  const params: Record<string, Tensor> = {};
  let at = dataStart;
  for (const p of manifest.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    Object.defineProperty(params, p.name, { value: fromArray(p.shape, readFloats(bytes, at, n, p.dtype as DType, true), { dtype: p.dtype }), enumerable: true, configurable: true, writable: true });
    at += n * itemSize(p.dtype);
  }
  return E.right({ manifest, params });
};
