/**
 * The checkpoint format, in memory (saving and loading files, atomically, is in
 * `typegrad/node`). One self-describing blob:
 *
 * ```
 * offset 0   8 bytes   magic "\x89TGCKPT\n"
 *        8   uint32 LE manifest length H
 *        12  uint32 LE CRC-32 of the manifest
 *        16  H bytes   manifest, JSON (below)
 *            zeros up to a multiple of 8
 *            data      every tensor of `params`, then every tensor of `training.tensors`, in
 *                      manifest order, little-endian, C order
 * ```
 *
 * The manifest: `{ format: "typegrad-checkpoint", version, params: [{ name, shape, dtype }],
 * dataBytes, checksum, meta?, architecture?, training? }`. `checksum` is the CRC-32 of the data;
 * `meta` is the user's JSON; `architecture` (version 2) is the model's description
 * (`Architecture`); `training` (version 2) is what resuming needs: `{ optimizer?, optStep, slots,
 * epoch, step, rng: { shuffle, noise, augment }, tensors }`, the optimizer's slot tensors named
 * `opt.<slot>.<parameter>` (`opt.0.W1`). A blob with neither is written as version 1, byte for
 * byte what earlier releases wrote, so they can still read it.
 *
 * Decoding checks the magic, both checksums, the version, and that the length is exactly what the
 * manifest says, so a truncated or corrupted blob is reported as such and never half-loaded. The
 * manifest's JSON is bounded before its schema is read (`MANIFEST_LIMITS`: size, nesting depth,
 * number of tensors; no `__proto__` keys, no non-finite numbers), iteratively, so a hostile
 * manifest costs time linear in its size and gives a `Left`, never a stack overflow.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { namedLeaves, type Params } from "../autodiff/tree.js";
import type { DType } from "../backend/backend.js";
import { type Architecture, buildModel, type Describable, type DescribedModel, type ParamsOfModel, paramLayout } from "../nn/architecture.js";
import { builtinKind, builtinState, type OptState, stateMismatch } from "../optim/optimizers.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { fromArray, toFlat } from "../tensor/create.js";
import type { RngState } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { TrainState } from "../train/state.js";
import { ArchitectureCodec, diffArchitecture } from "./architecture.js";
import { crc32, hex32, itemSize, readFloats, writeFloats } from "./bytes.js";
import { type DecodeError, type DecodeErrors, describeValue, draw, fromValidationErrors, index, key, leaf, nonEmpty, toValidationErrors } from "./errors.js";
import { refine, struct } from "./struct.js";
import { MAX_RANK } from "./tensor.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The format version this library writes for models and training state (and the newest it reads).
 *
 * @example
 * import { CHECKPOINT_VERSION, decodeManifest, encodeModel, mlp, rng } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * CHECKPOINT_VERSION // 2
 * const model = mlp([2, 1])
 * const r = decodeManifest(encodeModel({ model, params: model.init(rng(0)) }))
 * E.isRight(r) && r.right.manifest.version // 2
 * @category model
 * @since 0.1.0
 */
export const CHECKPOINT_VERSION = 2;

/**
 * What the manifest decoder accepts at most: its size in bytes, the nesting depth of its JSON
 * (`meta` included), and the number of tensors (parameters and optimizer slots).
 *
 * @example
 * import { MANIFEST_LIMITS } from "typegrad"
 * MANIFEST_LIMITS // { bytes: 67108864, depth: 64, tensors: 65536 }
 * @category model
 * @since 0.2.0
 */
export const MANIFEST_LIMITS = { bytes: 1 << 26, depth: 64, tensors: 1 << 16 } as const;

/** JSON values, for checkpoint metadata. @category model @since 0.1.0 */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/**
 * The first problem of a would-be JSON value, with its path: nested deeper than `maxDepth`
 * containers, a non-finite number (unless allowed), a `__proto__` key, or something JSON cannot hold. Iterative:
 * linear in the size, whatever the depth.
 */
const jsonProblem = (u: unknown, maxDepth: number, allowNonFinite = false): DecodeErrors | undefined => {
  interface Frame {
    readonly v: unknown;
    readonly depth: number;
    readonly parent: Frame | undefined;
    readonly seg: string | number | undefined;
  }
  const at = (f: Frame, actual: unknown, message: string): DecodeErrors => {
    let node = leaf(actual, message);
    for (let p: Frame | undefined = f; p !== undefined && p.seg !== undefined; p = p.parent) node = typeof p.seg === "number" ? index(p.seg, [node]) : key(p.seg, [node]);
    return [node];
  };
  const stack: Frame[] = [{ v: u, depth: 0, parent: undefined, seg: undefined }];
  for (let f = stack.pop(); f !== undefined; f = stack.pop()) {
    const v = f.v;
    if (v === null || typeof v === "boolean" || typeof v === "string") continue;
    if (typeof v === "number") {
      if (!(allowNonFinite || Number.isFinite(v))) return at(f, v, `expected a finite number, got ${v}`);
      continue;
    }
    if (typeof v !== "object" || ArrayBuffer.isView(v)) return at(f, v, `expected a JSON value, got ${describeValue(v)}`);
    if (f.depth >= maxDepth) return at(f, undefined, `nested deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: f.depth + 1, parent: f, seg: i });
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return at(f, v, `expected a plain object, got ${describeValue(v)}`);
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      const child: Frame = { v: (v as Record<string, unknown>)[k], depth: f.depth + 1, parent: f, seg: k };
      if (k === "__proto__") return at(child, undefined, "the key '__proto__' is not allowed");
      stack.push(child);
    }
  }
  return undefined;
};

const isPlainRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && !Array.isArray(u) && !ArrayBuffer.isView(u);

/** The codec of `meta`: a record of JSON values, bounded as the manifest is (one level less). */
const JsonRecord: t.Type<Readonly<Record<string, Json>>> = new t.Type<Readonly<Record<string, Json>>>(
  "JsonRecord",
  (u): u is Readonly<Record<string, Json>> => isPlainRecord(u) && jsonProblem(u, MANIFEST_LIMITS.depth - 1) === undefined,
  (u, c) => {
    if (!isPlainRecord(u)) return t.failure(u, c, `expected a record of JSON values, got ${describeValue(u)}`);
    const p = jsonProblem(u, MANIFEST_LIMITS.depth - 1);
    return p === undefined ? t.success(u as Readonly<Record<string, Json>>) : t.failures(toValidationErrors(p, c, JsonRecord));
  },
  t.identity,
);

const Size = refine("Size", (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer");

/** An array of at most `max` items, its length checked before any item. */
const limited = <A>(item: t.Type<A>, max: number, what: string): t.Type<readonly A[]> => {
  const arr = t.array(item);
  return new t.Type<readonly A[]>(
    `Array<${item.name}>`,
    (u): u is readonly A[] => Array.isArray(u) && u.length <= max && u.every(item.is),
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected an array of ${what}, got ${describeValue(u)}`);
      if (u.length > max) return t.failure(u, c, `has ${u.length} ${what}, at most ${max} are accepted`);
      return arr.validate(u, c);
    },
    t.identity,
  );
};

const DTypeC = new t.Type<DType>(
  "DType",
  (u): u is DType => u === "float32" || u === "float64",
  (u, c) => (u === "float32" || u === "float64" ? t.success(u) : t.failure(u, c, `expected "float32" or "float64", got ${describeValue(u)}`)),
  t.identity,
);

/**
 * One tensor of the data section: its name, shape and dtype.
 *
 * @example
 * const e: TensorEntry = { name: "W1", shape: [128, 784], dtype: "float32" }
 * @category model
 * @since 0.2.0
 */
export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const Entry: t.Type<TensorEntry> = struct("TensorEntry", { name: t.string, shape: limited(Size, MAX_RANK, "sizes"), dtype: DTypeC }, {});

const Word = refine("Word", (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, "a 32-bit unsigned integer");
const RngStateC: t.Type<RngState> = new t.Type<RngState>(
  "RngState",
  (u): u is RngState => E.isRight(RngStateC.validate(u, [])),
  (u, c) => {
    if (!Array.isArray(u) || u.length !== 5) return t.failure(u, c, `expected [s0, s1, s2, s3, spare], got ${describeValue(u)}`);
    const errs: t.ValidationError[] = [];
    for (let i = 0; i < 4; i++) {
      const r = Word.validate(u[i], [...c, { key: `${i}`, type: Word, actual: u[i] }]);
      if (E.isLeft(r)) errs.push(...r.left);
    }
    const spare: unknown = u[4];
    if (!(spare === null || (typeof spare === "number" && Number.isFinite(spare))))
      errs.push({ value: spare, context: [...c, { key: "4", type: RngStateC, actual: spare }], message: `expected a finite number or null, got ${describeValue(spare)}` });
    if (errs.length === 0 && u.slice(0, 4).every((w) => w === 0)) return t.failure(u, c, "expected a generator state, got four zero words");
    return errs.length > 0 ? t.failures(errs) : t.success([u[0], u[1], u[2], u[3], spare] as unknown as RngState);
  },
  t.identity,
);

/**
 * The training state a checkpoint holds (version 2): the optimizer's name, step count and number
 * of slots, the run's epoch, step and generator states, and the slot tensors' entries.
 *
 * @example
 * decodeCheckpoint(bytes).right.manifest.training
 * // { optimizer: "adam", optStep: 940, slots: 2, epoch: 2, step: 940, rng: { shuffle, noise, augment }, tensors: [{ name: "opt.0.W1", ... }, ...] }
 * @category model
 * @since 0.2.0
 */
export interface TrainingManifest {
  readonly optimizer?: string;
  readonly optStep: number;
  readonly slots: number;
  readonly epoch: number;
  readonly step: number;
  readonly rng: { readonly shuffle: RngState; readonly noise: RngState; readonly augment: RngState };
  readonly tensors: readonly TensorEntry[];
}

const Training: t.Type<TrainingManifest> = struct(
  "Training",
  {
    optStep: Size,
    slots: refine("Slots", (n) => Number.isSafeInteger(n) && n >= 0 && n <= 16, "a number of slots in 0..16"),
    epoch: Size,
    step: Size,
    rng: struct("Rngs", { shuffle: RngStateC, noise: RngStateC, augment: RngStateC }, {}),
    tensors: limited(Entry, MANIFEST_LIMITS.tensors, "tensors"),
  },
  { optimizer: t.string },
);

/**
 * What a checkpoint says about itself.
 *
 * @example
 * import { decodeManifest, encodeCheckpoint, zeros } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = decodeManifest(encodeCheckpoint({ W: zeros([2, 3]) }, { epoch: 1 }))
 * E.isRight(r) && r.right.manifest.meta // { epoch: 1 }
 * E.isRight(r) && r.right.manifest.params // [{ name: "W", shape: [2, 3], dtype: "float32" }]
 * @category model
 * @since 0.1.0
 */
export interface Manifest {
  readonly format: "typegrad-checkpoint";
  readonly version: number;
  /** The model's parameters, in data order. */
  readonly params: readonly TensorEntry[];
  readonly dataBytes: number;
  readonly checksum: string;
  readonly meta?: Readonly<Record<string, Json>>;
  readonly architecture?: Architecture;
  readonly training?: TrainingManifest;
}

/**
 * The manifest's codec.
 *
 * @example
 * import { draw, fromValidationErrors, Manifest } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const ok = { format: "typegrad-checkpoint", version: 1, params: [{ name: "W", shape: [2, 3], dtype: "float32" }], dataBytes: 24, checksum: "crc32:a3c1ca20" }
 * E.isRight(Manifest.decode(ok)) // true
 * const r = Manifest.decode({ ...ok, dataBytes: -1 })
 * E.isLeft(r) && draw(fromValidationErrors(r.left)) // "dataBytes: expected a non-negative integer, got -1"
 * @category model
 * @since 0.1.0
 */
export const Manifest: t.Type<Manifest> = struct(
  "Manifest",
  {
    format: t.literal("typegrad-checkpoint"),
    version: refine("Version", (n) => Number.isInteger(n) && n >= 1, "a format version"),
    params: limited(Entry, MANIFEST_LIMITS.tensors, "tensors"),
    dataBytes: Size,
    checksum: t.string,
  },
  { meta: JsonRecord, architecture: ArchitectureCodec, training: Training },
);

/** A decoded checkpoint: its manifest, its parameters by name, and the optimizer's slot tensors by name (`opt.0.W1`…; none without training state). @category model @since 0.1.0 */
export interface Checkpoint {
  readonly manifest: Manifest;
  readonly params: Readonly<Record<string, Tensor>>;
  readonly slots: Readonly<Record<string, Tensor>>;
}

const MAGIC = [0x89, 0x54, 0x47, 0x43, 0x4b, 0x50, 0x54, 0x0a]; // "\x89TGCKPT\n"
const PREAMBLE = 16;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

// -------------------------------------------------------------------------------------
// encoding
// -------------------------------------------------------------------------------------

const checkMeta = (fn: string, meta: unknown): Readonly<Record<string, Json>> | undefined => {
  if (meta === undefined) return undefined;
  if (!isPlainRecord(meta)) throw new TypeError(`${fn}: argument 'meta' must be a record of JSON values, got ${describeValue(meta)}`);
  // NaN and ±Infinity are written as null, as JSON.stringify writes them (a diverged run can still be saved)
  const p = jsonProblem(meta, MANIFEST_LIMITS.depth - 1, true);
  if (p !== undefined) throw new TypeError(`${fn}: argument 'meta' must be a record of JSON values: ${draw(p)}`);
  return meta as Readonly<Record<string, Json>>;
};

const entryOf = ([name, x]: readonly [string, Tensor]): TensorEntry => ({ name, shape: [...(x.shape as readonly number[])], dtype: x.dtype });

/** The blob of named tensors and manifest extras: version 1 when there is neither architecture nor training. */
const encodeBlob = (
  fn: string,
  params: readonly (readonly [string, Tensor])[],
  extra: {
    readonly meta?: Readonly<Record<string, Json>> | undefined;
    readonly architecture?: Architecture;
    readonly training?: Omit<TrainingManifest, "tensors">;
    readonly slots?: readonly (readonly [string, Tensor])[];
  },
): Uint8Array => {
  const slots = extra.slots ?? [];
  if (params.length + slots.length > MANIFEST_LIMITS.tensors) throw new RangeError(`${fn}: ${params.length + slots.length} tensors, at most ${MANIFEST_LIMITS.tensors} fit a checkpoint`);
  const all = [...params, ...slots];
  const dataBytes = all.reduce((n, [, x]) => n + x.size * itemSize(x.dtype), 0);
  const data = new Uint8Array(dataBytes);
  let at = 0;
  for (const [, x] of all) {
    writeFloats(data, at, toFlat(x), x.dtype);
    at += x.size * itemSize(x.dtype);
  }
  const v2 = extra.architecture !== undefined || extra.training !== undefined;
  const manifest: Manifest = {
    format: "typegrad-checkpoint",
    version: v2 ? CHECKPOINT_VERSION : 1,
    params: params.map(entryOf),
    dataBytes,
    checksum: `crc32:${hex32(crc32(data))}`,
    ...(extra.meta === undefined ? {} : { meta: extra.meta }),
    ...(extra.architecture === undefined ? {} : { architecture: extra.architecture }),
    ...(extra.training === undefined ? {} : { training: { ...extra.training, tensors: slots.map(entryOf) } }),
  };
  const text = new TextEncoder().encode(JSON.stringify(manifest));
  if (text.length > MANIFEST_LIMITS.bytes) throw new RangeError(`${fn}: the manifest would be ${text.length} bytes, at most ${MANIFEST_LIMITS.bytes} are accepted (is 'meta' that large?)`);
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

/**
 * The checkpoint bytes of a params tree (named as `namedLeaves` names them), with optional
 * JSON metadata (epoch, accuracy...). Written as format version 1, as earlier releases did.
 *
 * @example
 * import { encodeCheckpoint, zeros } from "typegrad"
 * const bytes = encodeCheckpoint({ W: zeros([2, 3]), b: zeros([2, 1]) }, { epoch: 3 })
 * bytes instanceof Uint8Array // true
 * @category encoding
 * @since 0.1.0
 */
export const encodeCheckpoint = (params: Params, meta?: Readonly<Record<string, Json>>): Uint8Array => {
  const leaves = namedLeaves("encodeCheckpoint", params);
  return encodeBlob("encodeCheckpoint", leaves, { meta: checkMeta("encodeCheckpoint", meta) });
};

/**
 * What `encodeModel` stores: the model (its architecture), its parameters, and optionally JSON
 * metadata, the training state `fit` returns and the optimizer (or its name) that state belongs to:
 * `optimizer` only with `state`, and a built-in optimizer's name must match the state's number of
 * slots (adam keeps 2, momentum/nesterov/rmsprop 1, gd none).
 *
 * @example
 * const input: ModelCheckpoint<Mlp<[784, 128, 10]>> = { model, params, meta: { epoch: 3 }, state, optimizer: adam(1e-3) }
 * @category model
 * @since 0.2.0
 */
export interface ModelCheckpoint<M extends Describable> {
  readonly model: M;
  readonly params: ParamsOfModel<M>;
  readonly meta?: Readonly<Record<string, Json>>;
  readonly state?: TrainState<ParamsOfModel<M>>;
  readonly optimizer?: string | { readonly name: string };
}

/** The keys of {@link ModelCheckpoint} (`saveModel` checks its argument against them too). @internal */
export const modelCheckpointKeys: OptionKeys<ModelCheckpoint<Describable>> = { model: true, params: true, meta: true, state: true, optimizer: true };

/** The mismatches of named tensors against specs: missing, extra, wrong shape or dtype. */
const tensorErrors = (
  specs: readonly (readonly [string, readonly number[]])[],
  byName: Readonly<Record<string, Tensor>>,
  dtypeOf: (name: string) => DType | undefined,
  what: string,
): DecodeError[] => {
  const out: DecodeError[] = [];
  const known = new Set<string>();
  for (const [name, shape] of specs) {
    known.add(name);
    const x = Object.hasOwn(byName, name) ? byName[name] : undefined;
    if (x === undefined) {
      out.push(key(name, [leaf(undefined, `missing: expected ${what} of shape [${shape.join(", ")}]`)]));
      continue;
    }
    const s = x.shape as readonly number[];
    if (s.length !== shape.length || s.some((d, i) => d !== shape[i])) out.push(key(name, [leaf(s, `shape is [${s.join(", ")}], expected [${shape.join(", ")}]`)]));
    const dt = dtypeOf(name);
    if (dt !== undefined && x.dtype !== dt) out.push(key(name, [leaf(x.dtype, `dtype is ${x.dtype}, expected ${dt}`)]));
  }
  for (const name of Object.keys(byName)) if (!known.has(name)) out.push(key(name, [leaf(undefined, `unexpected ${what.replace(/^an? /, "")}: the model has no such parameter`)]));
  return out;
};

const byNameOf = (pairs: readonly (readonly [string, Tensor])[]): Record<string, Tensor> => {
  const out: Record<string, Tensor> = {};
  for (const [n, x] of pairs) Object.defineProperty(out, n, { value: x, enumerable: true, configurable: true, writable: true });
  return out;
};

const slotName = (k: number, name: string): string => `opt.${k}.${name}`;

/**
 * The checkpoint bytes of a model: its architecture, its parameters (checked against it), and
 * optionally metadata and the training state (optimizer slots, epoch, step, generator states),
 * so that `decodeModel` gives back the same model, the same parameters bit for bit, and a run
 * that can resume. Throws (naming the function and the argument) when the parameters or the
 * state do not fit the model.
 *
 * @example
 * import { encodeModel, mlp, rng } from "typegrad"
 * const model = mlp([4, 3, 2])
 * const bytes = encodeModel({ model, params: model.init(rng(0)), meta: { note: "untrained" } })
 * bytes instanceof Uint8Array // true
 * @category encoding
 * @since 0.2.0
 */
export const encodeModel = <M extends Describable>(input: ModelCheckpoint<M>): Uint8Array => {
  const fn = "encodeModel";
  if (!isPlainRecord(input)) throw new TypeError(`${fn}: argument 'input' must be { model, params, meta?, state?, optimizer? }, got ${describeValue(input)}`);
  checkOptionKeys(fn, input, modelCheckpointKeys);
  const a = ArchitectureCodec.decode((input.model as { architecture?: unknown } | undefined)?.architecture);
  if (E.isLeft(a)) throw new TypeError(`${fn}: argument 'model' must be a model with an architecture (dense, sequential or mlp): ${draw(fromValidationErrors(a.left), 5)}`);
  const architecture = a.right;
  const layout = paramLayout(architecture);
  const leaves = namedLeaves(fn, input.params as Params);
  const byName = byNameOf(leaves);
  const bad = nonEmpty(tensorErrors(layout.specs, byName, () => undefined, "a parameter"));
  if (bad !== undefined) throw new TypeError(`${fn}: argument 'params' does not fit the model: ${draw(bad, 5).replace(/\n/g, "; ")}`);
  const ordered = layout.specs.map(([n]) => [n, byName[n] as Tensor] as const);
  const meta = checkMeta(fn, input.meta);
  if (input.state === undefined) {
    if (input.optimizer !== undefined)
      throw new TypeError(`${fn}: argument 'optimizer' is given without argument 'state': the optimizer's name is stored with its state (pass fit's result.state too, or leave 'optimizer' out)`);
    return encodeBlob(fn, ordered, { meta, architecture });
  }
  const { training, slots } = trainingOf(fn, input.state as TrainState<Params>, input.optimizer, layout.specs, byName);
  return encodeBlob(fn, ordered, { meta, architecture, training, slots });
};

const slotCount = (n: number): string => `${n} slot${n === 1 ? "" : "s"}`;

/** The training section and the slot tensors of a state, checked against the parameters. */
const trainingOf = (
  fn: string,
  state: TrainState<Params>,
  optimizer: string | { readonly name: string } | undefined,
  specs: readonly (readonly [string, readonly number[]])[],
  params: Readonly<Record<string, Tensor>>,
): { training: Omit<TrainingManifest, "tensors">; slots: (readonly [string, Tensor])[] } => {
  const st: unknown = state;
  const opt = (st as { optState?: OptState<Params> } | null)?.optState;
  if (!isPlainRecord(st) || !isPlainRecord(opt) || !Array.isArray(opt.slots))
    throw new TypeError(`${fn}: argument 'state' must be a TrainState ({ optState: { step, slots }, epoch, step, rng }), got ${describeValue(st)}`);
  const shape = struct("TrainState", { epoch: Size, step: Size, rng: struct("Rngs", { shuffle: RngStateC, noise: RngStateC, augment: RngStateC }, {}) }, {}).decode(st);
  const optStep = Size.decode(opt.step);
  if (E.isLeft(shape) || E.isLeft(optStep)) {
    const errs = [
      ...(E.isLeft(shape) ? fromValidationErrors(shape.left) : []),
      ...(E.isLeft(optStep) ? [key("optState", [key("step", fromValidationErrors(optStep.left) as unknown as DecodeErrors)])] : []),
    ];
    throw new TypeError(`${fn}: argument 'state' is not a valid TrainState: ${draw(errs, 5).replace(/\n/g, "; ")}`);
  }
  if (opt.slots.length > 16) throw new TypeError(`${fn}: argument 'state' has ${opt.slots.length} optimizer slots, at most 16 are stored`);
  const given = typeof optimizer === "string" ? optimizer : optimizer?.name;
  if (given !== undefined && typeof given !== "string") throw new TypeError(`${fn}: argument 'optimizer' must be an optimizer or its name, got ${describeValue(optimizer)}`);
  const kind: unknown = opt.kind;
  if (kind !== undefined && typeof kind !== "string")
    throw new TypeError(`${fn}: argument 'state': optState.kind must be the name of the optimizer that made it (a string), got ${describeValue(kind)}`);
  const mismatch = stateMismatch(given === undefined ? undefined : builtinState(given), opt.slots.length, kind);
  if (mismatch?.mismatch === "slots")
    throw new TypeError(`${fn}: argument 'optimizer' is ${JSON.stringify(given)}, which keeps ${slotCount(mismatch.keeps)}, but argument 'state' holds ${mismatch.holds} optimizer slots`);
  if (mismatch !== undefined) throw new TypeError(`${fn}: argument 'optimizer' is ${JSON.stringify(given)}, but argument 'state' was made by ${kind}`);
  // the state's tag names its optimizer when the caller names none; decodeModel tags the state from the name
  const name = given ?? kind;
  const slots: (readonly [string, Tensor])[] = [];
  opt.slots.forEach((slot, k) => {
    const byName = byNameOf(namedLeaves(fn, slot));
    const bad = nonEmpty(tensorErrors(specs, byName, (n) => params[n]?.dtype, "a slot tensor"));
    if (bad !== undefined) throw new TypeError(`${fn}: argument 'state': optimizer slot ${k} does not fit the parameters: ${draw(bad, 5).replace(/\n/g, "; ")}`);
    for (const [n] of specs) slots.push([slotName(k, n), byName[n] as Tensor]);
  });
  const { epoch, step, rng } = shape.right;
  return { training: { ...(name === undefined ? {} : { optimizer: name }), optStep: optStep.right, slots: opt.slots.length, epoch, step, rng }, slots };
};

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

const fail = (message: string): E.Either<DecodeErrors, never> => E.left([leaf(undefined, message)]);

/**
 * The manifest of checkpoint bytes, and where the data starts: checks the magic, the manifest's
 * checksum, its bounds (`MANIFEST_LIMITS`) and schema, and the version.
 *
 * @example
 * import { decodeManifest, draw, encodeCheckpoint, zeros } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const bytes = encodeCheckpoint({ W: zeros([2, 3]) })
 * const r = decodeManifest(bytes)
 * E.isRight(r) && r.right.manifest // { format: "typegrad-checkpoint", version: 1, params: [{ name: "W", shape: [2, 3], dtype: "float32" }] }
 * const bad = decodeManifest(bytes.subarray(0, 50))
 * E.isLeft(bad) && draw(bad.left) // "truncated: the manifest needs 143 bytes, the file has 34 after the preamble"
 * @category decoding
 * @since 0.1.0
 */
export const decodeManifest = (bytes: Uint8Array): E.Either<DecodeErrors, { manifest: Manifest; dataStart: number }> => {
  if (!(bytes instanceof Uint8Array)) return E.left([leaf(bytes, `expected bytes (a Uint8Array), got ${describeValue(bytes)}`)]);
  if (MAGIC.some((b, i) => i < bytes.length && bytes[i] !== b)) return fail("not a typegrad checkpoint (bad magic bytes)");
  if (bytes.length < PREAMBLE) return fail(`truncated: ${bytes.length} bytes, shorter than the ${PREAMBLE}-byte preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(8, true);
  if (h > MANIFEST_LIMITS.bytes) return fail(`corrupted: manifest length ${h} is implausible (at most ${MANIFEST_LIMITS.bytes} bytes are accepted)`);
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
  const bounds = jsonProblem(json, MANIFEST_LIMITS.depth);
  if (bounds !== undefined) return E.left([key("manifest", bounds)]);
  const m = Manifest.decode(json);
  if (E.isLeft(m)) return E.left([key("manifest", nonEmpty(fromValidationErrors(m.left)) ?? [leaf(json, "invalid")])]);
  const manifest = m.right;
  if (manifest.version < 2 && (manifest.architecture !== undefined || manifest.training !== undefined)) return fail("corrupted: a version-1 manifest with an architecture or training state");
  const tr = manifest.training;
  if (tr?.optimizer !== undefined) {
    // a file keeps no tag of its own: its slots alone are checked against the stored name
    const mismatch = stateMismatch(builtinState(tr.optimizer), tr.slots, undefined);
    if (mismatch?.mismatch === "slots")
      return E.left([
        key("manifest", [key("training", [key("optimizer", [leaf(tr.optimizer, `${JSON.stringify(tr.optimizer)} keeps ${slotCount(mismatch.keeps)}, the file holds ${mismatch.holds}`)])])]),
      ]);
  }
  const entries = [...manifest.params, ...(tr?.tensors ?? [])];
  if (entries.length > MANIFEST_LIMITS.tensors) return E.left([key("manifest", [leaf(entries.length, `has ${entries.length} tensors, at most ${MANIFEST_LIMITS.tensors} are accepted`)])]);
  const names = new Set<string>();
  let need = 0;
  for (const p of entries) {
    if (names.has(p.name)) return fail(`corrupted: parameter '${p.name}' appears twice in the manifest`);
    names.add(p.name);
    need += p.shape.reduce((a, b) => a * b, 1) * itemSize(p.dtype);
  }
  if (need !== manifest.dataBytes) return fail(`corrupted: the parameters need ${need} bytes, the manifest says ${manifest.dataBytes}`);
  return E.right({ manifest, dataStart: align8(PREAMBLE + h) });
};

/**
 * Decode checkpoint bytes: every check passes, or nothing is returned but the reasons.
 *
 * @example
 * import { decodeCheckpoint, draw, encodeCheckpoint, ones } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const bytes = encodeCheckpoint({ W: ones([2, 3]) })
 * const r = decodeCheckpoint(bytes)
 * E.isRight(r) && r.right.params.W // [[1, 1, 1], [1, 1, 1]]
 * const bad = decodeCheckpoint(bytes.subarray(0, 50))
 * E.isLeft(bad) && draw(bad.left) // "truncated: the manifest needs 143 bytes, the file has 34 after the preamble"
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
  let at = dataStart;
  const read = (list: readonly TensorEntry[]): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const p of list) {
      const n = p.shape.reduce((a, b) => a * b, 1);
      Object.defineProperty(out, p.name, { value: fromArray([...p.shape], readFloats(bytes, at, n, p.dtype, true), { dtype: p.dtype }), enumerable: true, configurable: true, writable: true });
      at += n * itemSize(p.dtype);
    }
    return out;
  };
  const params = read(manifest.params);
  const slots = read(manifest.training?.tensors ?? []);
  return E.right({ manifest, params, slots });
};

/**
 * What `decodeModel` gives: the model, its parameters (typed as the expected model's), the
 * metadata (`{}` when none was stored), and the training state and optimizer name when stored.
 *
 * @example
 * const r = decodeModel(bytes, mlp([784, 128, 10])) // Either<DecodeErrors, LoadedModel<Mlp<…>, MlpParams<[784, 128, 10]>>>
 * if (r._tag === "Right") fit({ model: r.right.model, params: r.right.params, resume: r.right.state, … })
 * @category model
 * @since 0.2.0
 */
export interface LoadedModel<M, P extends Params> {
  readonly model: M;
  readonly params: P;
  readonly meta: Readonly<Record<string, Json>>;
  readonly state?: TrainState<P>;
  readonly optimizer?: string;
}

/**
 * Options of `decodeModel` and `loadModel`.
 *
 * @example
 * decodeModel(bytes, mlp([4, 3, 2]), { dtype: "float32" }) // Left when a stored tensor is float64
 * @category model
 * @since 0.2.0
 */
export interface DecodeModelOptions {
  /** The dtype every stored tensor must have (by default, any: the stored dtypes are kept). */
  readonly dtype?: DType;
}

/** The keys of {@link DecodeModelOptions} (`loadModel` checks its options against them too). @internal */
export const decodeModelKeys: OptionKeys<DecodeModelOptions> = { dtype: true };

const checkExpected = (fn: string, expected: unknown): Architecture => {
  const a = ArchitectureCodec.decode((expected as { architecture?: unknown } | null | undefined)?.architecture);
  if (expected === null || typeof expected !== "object" || E.isLeft(a)) throw new TypeError(`${fn}: argument 'expected' must be a model such as mlp([784, 128, 10]), got ${describeValue(expected)}`);
  return a.right;
};

/**
 * Decode a model checkpoint. With `expected` (the model the program builds, such as
 * `mlp([784, 128, 10])`): the stored architecture must equal it and every tensor must have the
 * shape it gives (a version-1 checkpoint, which has no architecture, is checked by its
 * parameters alone); the result is typed by it. Without: the model is rebuilt from the stored
 * architecture. Every difference is reported, by path: `architecture: layer 2: has 64 units,
 * expected 128`, `params: W1: shape is [128, 785], expected [128, 784]`,
 * `training: opt.0.b2: missing: ...`.
 *
 * @example
 * import { decodeModel, draw, encodeModel, mlp, rng } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const model = mlp([4, 3, 2])
 * const bytes = encodeModel({ model, params: model.init(rng(0)) })
 * const r = decodeModel(bytes, model)
 * E.isRight(r) && r.right.params.W1 // Tensor<[3, 4]> (typed MlpParams<[4, 3, 2]>)
 * const bad = decodeModel(bytes, mlp([4, 5, 2]))
 * E.isLeft(bad) && draw(bad.left) // "architecture: layer 1: has 3 units, expected 5"
 * @category decoding
 * @since 0.2.0
 */
export function decodeModel<const M extends Describable>(bytes: Uint8Array, expected: M, opts?: DecodeModelOptions): E.Either<DecodeErrors, LoadedModel<M, ParamsOfModel<M>>>;
export function decodeModel(bytes: Uint8Array, expected?: undefined, opts?: DecodeModelOptions): E.Either<DecodeErrors, LoadedModel<DescribedModel, Params>>;
export function decodeModel(bytes: Uint8Array, expected?: DescribedModel, opts?: DecodeModelOptions): E.Either<DecodeErrors, LoadedModel<DescribedModel, Params>> {
  const fn = "decodeModel";
  const want = expected === undefined ? undefined : checkExpected(fn, expected);
  checkOptionKeys(fn, opts, decodeModelKeys);
  const dtype = opts?.dtype;
  if (dtype !== undefined && dtype !== "float32" && dtype !== "float64") throw new TypeError(`${fn}: option 'dtype' must be "float32" or "float64", got ${describeValue(dtype)}`);
  const ck = decodeCheckpoint(bytes);
  if (E.isLeft(ck)) return ck;
  const { manifest, params: stored, slots: storedSlots } = ck.right;
  let model: DescribedModel;
  let arch: Architecture;
  if (want !== undefined) {
    if (manifest.architecture !== undefined) {
      const diffs = nonEmpty(diffArchitecture(manifest.architecture, want));
      if (diffs !== undefined) return E.left([key("architecture", diffs)]);
    }
    model = expected as DescribedModel;
    arch = want;
  } else {
    if (manifest.architecture === undefined)
      return fail(`no architecture stored (a version-${manifest.version} checkpoint of parameters only): pass the model it was saved from, e.g. decodeModel(bytes, mlp([784, 128, 10]))`);
    arch = manifest.architecture;
    try {
      model = buildModel(arch);
    } catch (e) {
      return E.left([key("architecture", [leaf(arch, e instanceof Error ? e.message : String(e))])]);
    }
  }
  const layout = paramLayout(arch);
  const paramErrs = nonEmpty(tensorErrors(layout.specs, stored, () => dtype, "a parameter"));
  if (paramErrs !== undefined) return E.left([key("params", paramErrs)]);
  const params = layout.build(stored);
  const meta = manifest.meta ?? {};
  const tr = manifest.training;
  if (tr === undefined) return E.right({ model, params, meta });
  const expectedSlots = Array.from({ length: tr.slots }, (_, k) => layout.specs.map(([n, shape]) => [slotName(k, n), shape] as const)).flat();
  const slotErrs = nonEmpty(tensorErrors(expectedSlots, storedSlots, (n) => stored[n.replace(/^opt\.\d+\./, "")]?.dtype, "a slot tensor"));
  if (slotErrs !== undefined) return E.left([key("training", slotErrs)]);
  const slots = Array.from({ length: tr.slots }, (_, k) => layout.build(Object.fromEntries(layout.specs.map(([n]) => [n, storedSlots[slotName(k, n)] as Tensor]))));
  // the tag from the stored name (a file keeps no tag of its own): a custom optimizer's name leaves the state untagged
  const kind = tr.optimizer === undefined ? undefined : builtinKind(tr.optimizer);
  const optState = { step: tr.optStep, slots, ...(kind === undefined ? {} : { kind }) };
  const state: TrainState<Params> = { optState, epoch: tr.epoch, step: tr.step, rng: tr.rng };
  return E.right({ model, params, meta, state, ...(tr.optimizer === undefined ? {} : { optimizer: tr.optimizer }) });
}
