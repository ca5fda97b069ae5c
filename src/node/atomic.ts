/**
 * Files written so that a crash never leaves a half-written one: the bytes go to a temporary
 * file in the same directory, are flushed to disk (`fsync`), and the temporary file is renamed
 * over the target (atomic on POSIX file systems); then the directory is flushed too. A reader
 * sees the old file or the new one, never a mix. Reading returns `Either`, and reads regular
 * files only, up to a size checked before reading.
 *
 * @module
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { type DecodeErrors, describeValue, leaf } from "../codec/errors.js";
import { checkLimit } from "../codec/untrusted.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";

/** Bytes written per `write` call. */
const CHUNK = 1 << 20;

let counter = 0;

/**
 * The temporary file names `writeFileAtomic` uses for `path` start with this.
 *
 * @example
 * import { tempPrefix } from "typegrad/node"
 * tempPrefix("out/doc/model.ckpt") // ".model.ckpt.tmp-"
 * @category files
 * @since 0.1.0
 */
export const tempPrefix = (path: string): string => `.${basename(path)}.tmp-`;

/** True unless process `pid` is known to be gone. */
const alive = (pid: number): boolean => {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== "ESRCH";
  }
};

/**
 * Remove what interrupted saves of `path` left behind: files in its directory named exactly as
 * {@link writeFileAtomic} names its temporary files for `path` (`.<name>.tmp-<pid>-<n>`) whose
 * process is gone. Nothing else is touched, and a save still running in another process keeps
 * its file. Returns how many were removed; never throws (a file that cannot be removed stays).
 * `writeFileAtomic` and the checkpoint readers call it, so an interrupted save leaves at most
 * one such file, and only until the next save or load of the same path.
 *
 * @example
 * import { removeStaleTemps, tempPrefix } from "typegrad/node"
 * import { mkdirSync, writeFileSync } from "node:fs"
 * removeStaleTemps("out/doc/stale.ckpt") // 0 (no save of it was interrupted)
 * mkdirSync("out/doc", { recursive: true })
 * writeFileSync(`out/doc/${tempPrefix("out/doc/stale.ckpt")}2147483647-0`, "half a save by a process that is gone")
 * removeStaleTemps("out/doc/stale.ckpt") // 1
 * @category files
 * @since 0.2.0
 */
export const removeStaleTemps = (path: string): number => {
  if (typeof path !== "string" || path === "") return 0;
  const dir = dirname(resolve(path));
  const prefix = tempPrefix(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d{1,10})-(\d{1,16})$/.exec(name.slice(prefix.length));
    if (m === null || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
};

/**
 * `path`, when it is a non-empty string; else a `TypeError` naming `fn` (a programming error,
 * not a bad file: readers give a bad file back as a `Left`).
 *
 * @internal
 */
export const checkPath = (fn: string, path: unknown): string => {
  if (typeof path !== "string" || path === "") throw new TypeError(`${fn}: argument 'path' must be a non-empty string, got ${describeValue(path)}`);
  return path;
};

/**
 * Write `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the directory).
 * Creates missing directories. Throws an `Error` naming `fn` and the path when the system refuses.
 *
 * @example
 * import { readBytes, writeFileAtomic } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * writeFileAtomic("save", "out/doc/atomic.bin", new Uint8Array([1, 2, 3]))
 * const r = readBytes("out/doc/atomic.bin")
 * E.isRight(r) && [...r.right] // [1, 2, 3]
 * @category files
 * @since 0.1.0
 */
export const writeFileAtomic = (fn: string, path: string, bytes: Uint8Array): void => {
  checkPath(fn, path);
  const dir = dirname(resolve(path));
  removeStaleTemps(path);
  const tmp = join(dir, `${tempPrefix(path)}${process.pid}-${counter++}`);
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, "wx", 0o644);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may not exist; nothing to clean
    }
    throw new Error(`${fn}: could not write '${path}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    const d = openSync(dir, "r");
    try {
      fsyncSync(d);
    } finally {
      closeQuietly(d);
    }
  } catch {
    // some file systems cannot fsync a directory; the rename itself is still atomic
  }
};

const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
};

/** Options of the file readers. @category files @since 0.1.0 */
export interface ReadOptions {
  /**
   * The largest file read, in bytes, checked (with `fstat`) before reading. Default: 1 GiB for
   * binary files (`.npy`, checkpoints), 256 MiB for text (CSV, JSON).
   */
  readonly maxBytes?: number;
}

const readKeys: OptionKeys<ReadOptions> = { maxBytes: true };

/**
 * Default of `maxBytes` for binary files: 1 GiB.
 *
 * @example
 * import { draw, zeros } from "typegrad"
 * import { DEFAULT_MAX_BYTES, readNpy, writeNpy } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * DEFAULT_MAX_BYTES // 1073741824
 * writeNpy("out/doc/limit.npy", zeros([4]))
 * const r = readNpy("out/doc/limit.npy", [4], { maxBytes: 100 })
 * E.isLeft(r) && draw(r.left) // "out/doc/limit.npy: cannot read: the file has 144 bytes, above the limit maxBytes = 100"
 * @category files
 * @since 0.1.0
 */
export const DEFAULT_MAX_BYTES = 2 ** 30;

/**
 * Default of `maxBytes` for text files: 256 MiB.
 *
 * @example
 * import { draw } from "typegrad"
 * import { DEFAULT_MAX_TEXT_BYTES, readCsvDataset } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * import { mkdirSync, writeFileSync } from "node:fs"
 * DEFAULT_MAX_TEXT_BYTES // 268435456
 * mkdirSync("out/doc", { recursive: true })
 * writeFileSync("out/doc/limit.csv", "x,y\n1,0\n2,1\n")
 * const r = readCsvDataset("out/doc/limit.csv", { label: "y", maxBytes: 8 })
 * E.isLeft(r) && draw(r.left) // "out/doc/limit.csv: cannot read: the file has 12 bytes, above the limit maxBytes = 8"
 * @category files
 * @since 0.1.0
 */
export const DEFAULT_MAX_TEXT_BYTES = 2 ** 28;

/** What a file `fstat` says is not regular is, for messages (structurally typed: no Node type in the declarations). @internal */
export const kindOf = (st: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string =>
  st.isFIFO() ? "a FIFO" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "not a file";

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them: the file is opened
 * without blocking (`O_NONBLOCK`, so a FIFO cannot stall the open), checked with `fstat` (a
 * FIFO, a device or a directory is an error at once, never an endless read) and sized before
 * anything is read or allocated. @internal
 */
export const readRegularFile = (path: unknown, maxBytes: number): E.Either<DecodeErrors, Uint8Array> => {
  if (typeof path !== "string") return E.left([leaf(path, `expected a file path, got ${typeof path}`)]);
  const read = withRegularFile(path, maxBytes, (fd, size) => {
    const out = new Uint8Array(size);
    let off = 0;
    while (off < out.length) {
      const n = readSync(fd, out, off, out.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === out.length ? out : out.subarray(0, off);
  });
  return E.mapLeft((why: string): DecodeErrors => [leaf(path, `cannot read: ${why}`)])(read);
};

/**
 * Open the regular file at `path` without blocking (`O_NONBLOCK`), check it with `fstat` (a FIFO,
 * a device or a directory is refused at once) and against `maxBytes`, run `use` on the open
 * descriptor and its size, and close it. Every failure, `use`'s exceptions included, is the
 * reason as text. @internal
 */
export const withRegularFile = <A>(path: string, maxBytes: number, use: (fd: number, size: number) => A): E.Either<string, A> => {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (st.isDirectory()) return E.left("EISDIR: illegal operation on a directory, read");
    if (!st.isFile()) return E.left(`not a regular file (${kindOf(st)})`);
    if (st.size > maxBytes) return E.left(`the file has ${st.size} bytes, above the limit maxBytes = ${maxBytes}`);
    return E.right(use(fd, st.size));
  } catch (e) {
    return E.left(e instanceof Error ? e.message : String(e));
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
};

/**
 * The bytes of a file, or an error saying why it cannot be read (missing, a directory, not a
 * regular file, larger than `maxBytes`, default 1 GiB).
 *
 * @example
 * import { draw } from "typegrad"
 * import { readBytes, writeFileAtomic } from "typegrad/node"
 * import * as E from "fp-ts/lib/Either.js"
 * writeFileAtomic("save", "out/doc/bytes.bin", new Uint8Array([1, 2, 3]))
 * const r = readBytes("out/doc/bytes.bin")
 * E.isRight(r) && r.right.length // 3
 * const missing = readBytes("out/doc/missing.bin")
 * E.isLeft(missing) && draw(missing.left) // "cannot read: ENOENT: no such file or directory, open 'out/doc/missing.bin'"
 * const big = readBytes("out/doc/bytes.bin", { maxBytes: 2 })
 * E.isLeft(big) && draw(big.left) // "cannot read: the file has 3 bytes, above the limit maxBytes = 2"
 * @category files
 * @since 0.1.0
 */
export const readBytes = (path: string, opts?: ReadOptions): E.Either<DecodeErrors, Uint8Array> => {
  checkOptionKeys("readBytes", opts, readKeys);
  return readRegularFile(path, checkLimit("readBytes", "maxBytes", opts?.maxBytes) ?? DEFAULT_MAX_BYTES);
};
