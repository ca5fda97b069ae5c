/**
 * Files written so that a crash never leaves a half-written one: the bytes go to a temporary
 * file in the same directory, are flushed to disk (`fsync`), and the temporary file is renamed
 * over the target (atomic on POSIX file systems); then the directory is flushed too. A reader
 * sees the old file or the new one, never a mix. Reading returns `Either`.
 *
 * @module
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { type DecodeErrors, leaf } from "../codec/errors.js";

/** Bytes written per `write` call. */
const CHUNK = 1 << 20;

let counter = 0;

/** The temporary file names `writeFileAtomic` uses for `path` start with this. @category files @since 0.1.0 */
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
 * import { removeStaleTemps } from "typegrad/node"
 * removeStaleTemps("out/model.ckpt") // 0 when no save of it was ever interrupted
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
 * Write `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the directory).
 * Creates missing directories. Throws an `Error` naming `fn` and the path when the system refuses.
 *
 * @example
 * import { writeFileAtomic } from "typegrad/node"
 * writeFileAtomic("save", "out/a.bin", new Uint8Array([1, 2, 3]))
 * @category files
 * @since 0.1.0
 */
export const writeFileAtomic = (fn: string, path: string, bytes: Uint8Array): void => {
  if (typeof path !== "string" || path === "") throw new TypeError(`${fn}: argument 'path' must be a non-empty string, got ${typeof path}`);
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

/**
 * The bytes of a file, or an error saying why it cannot be read (missing, a directory, too large...).
 *
 * @example
 * import { readBytes } from "typegrad/node"
 * readBytes("missing.bin") // Left: "cannot read: ENOENT: no such file or directory, open 'missing.bin'"
 * @category files
 * @since 0.1.0
 */
export const readBytes = (path: string): E.Either<DecodeErrors, Uint8Array> => {
  if (typeof path !== "string") return E.left([leaf(path, `expected a file path, got ${typeof path}`)]);
  try {
    const b = readFileSync(path);
    return E.right(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  } catch (e) {
    return E.left([leaf(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`)]);
  }
};
