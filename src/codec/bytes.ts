/**
 * Little-endian float arrays in byte buffers, and CRC-32: what the binary formats (`.npy`,
 * checkpoints) share. Pure and browser-safe.
 *
 * @module
 */
import type { DType, TypedArray } from "../backend/backend.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Bytes per element of a dtype. @category model @since 0.1.0 */
export const itemSize = (dtype: DType): number => (dtype === "float64" ? 8 : 4);

/** True when this machine stores numbers little-endian (every mainstream one does). */
const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * `n` floats of `dtype` read from `bytes` at `offset` (copied, so any alignment works, and a
 * Node `Buffer`, whose `slice` is a view into a shared pool, reads the same as a `Uint8Array`).
 *
 * @example
 * readFloats(new Uint8Array([0, 0, 128, 63]), 0, 1, "float32", true) // Float32Array [1]
 * @category operations
 * @since 0.1.0
 */
export const readFloats = (bytes: Uint8Array, offset: number, n: number, dtype: DType, littleEndian: boolean): TypedArray => {
  const size = itemSize(dtype);
  if (offset < 0 || offset + n * size > bytes.length) throw new RangeError(`readFloats: ${n} ${dtype} values at byte ${offset} need ${offset + n * size} bytes, there are ${bytes.length}`);
  if (littleEndian === hostLittleEndian) {
    // copied into a buffer of its own: a Node Buffer's `slice` shares its memory (often a pool, at an offset)
    const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + n * size));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * size);
  const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dtype === "float64" ? view.getFloat64(i * 8, littleEndian) : view.getFloat32(i * 4, littleEndian);
  return out;
};

/**
 * Write `data` as little-endian floats of `dtype` into `bytes` at `offset`.
 *
 * @example
 * const b = new Uint8Array(4); writeFloats(b, 0, [1], "float32") // b = [0, 0, 128, 63]
 * @category operations
 * @since 0.1.0
 */
export const writeFloats = (bytes: Uint8Array, offset: number, data: ArrayLike<number>, dtype: DType): void => {
  const n = data.length;
  if (hostLittleEndian) {
    const typed = dtype === "float64" ? Float64Array.from(data) : Float32Array.from(data);
    bytes.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), offset);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * itemSize(dtype));
  for (let i = 0; i < n; i++) {
    if (dtype === "float64") view.setFloat64(i * 8, data[i] as number, true);
    else view.setFloat32(i * 4, data[i] as number, true);
  }
};

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (IEEE 802.3, as zlib and PNG) of `bytes[start, end)`.
 *
 * @example
 * crc32(new TextEncoder().encode("123456789")) // 0xcbf43926
 * @category operations
 * @since 0.1.0
 */
export const crc32 = (bytes: Uint8Array, start = 0, end = bytes.length): number => {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (crcTable[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** `n` as 8 hex digits. @category operations @since 0.1.0 */
export const hex32 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");
