/**
 * Datasets from text: CSV (a header, numeric feature columns, a label column turned into class
 * indices or one-hot columns) and JSON (named tensors, checked by `decodeTensors`). Examples are
 * columns, as everywhere in typegrad: `X` is `[features, m]`, `Y` is `[1, m]` (class indices) or
 * `[classes, m]` (one-hot).
 *
 * Every bad cell is reported with its line and column (`line 13: column 'petal_width': expected
 * a number, got "n/a"`); files are read in `typegrad/node`.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { DType } from "../backend/backend.js";
import { checkOptionKeys, type OptionKeys, withoutKeys } from "../shape/options.js";
import { fromArray } from "../tensor/create.js";
import { DEFAULT_DTYPE, dtypeOption } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { type DecodeError, type DecodeErrors, describeValue, key, leaf, nonEmpty } from "./errors.js";
import { MAX_LISTED } from "./tensor.js";
import { type DecodeTensorsOptions, decodeTensors, decodeTensorsKeys, type TensorSpecs, type TensorsOf } from "./tensors.js";
import { checkLimit, DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_LENGTH, tooLong } from "./untrusted.js";

// -------------------------------------------------------------------------------------
// CSV text
// -------------------------------------------------------------------------------------

/** A parsed CSV record and the (1-based) line it starts on. @category model @since 0.1.0 */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * Split CSV text into records (RFC 4180: quoted fields may hold the delimiter, newlines and
 * doubled quotes; `\n` or `\r\n` line ends; blank lines skipped; a leading BOM dropped).
 * Limits (`limits`): `maxLength` characters (default 2^28), `maxRows` (default 2^22) and
 * `maxColumns` per row (default 65536), each an error at the line that passes it.
 *
 * @example
 * import { draw, parseCsv } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = parseCsv('a,b\n1,"x, y"\n')
 * E.isRight(r) && r.right // [{ line: 1, fields: ["a", "b"] }, { line: 2, fields: ["1", "x, y"] }]
 * const bad = parseCsv('a,b\n1,"x\n')
 * E.isLeft(bad) && draw(bad.left) // "line 2: unterminated quoted field"
 * @category CSV
 * @since 0.1.0
 */
export const parseCsv = (text: string, delimiter = ",", limits?: CsvLimits): E.Either<DecodeErrors, CsvRecord[]> => splitCsv("parseCsv", text, delimiter, checkCsvLimits("parseCsv", limits), 0);

/** The limits of CSV text, each a non-negative integer. @category model @since 0.1.0 */
export interface CsvLimits {
  /** The most rows, the header not counted (default 2^22). */
  readonly maxRows?: number;
  /** The most fields per row (default 65536). */
  readonly maxColumns?: number;
  /** The longest text, in characters (default 2^28). */
  readonly maxLength?: number;
}

/**
 * Default of `maxRows`: 2^22 rows.
 *
 * @example
 * import { DEFAULT_MAX_ROWS, draw, parseCsv } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * DEFAULT_MAX_ROWS // 4194304
 * const r = parseCsv("a\n1\n2\n3\n", ",", { maxRows: 2 })
 * E.isLeft(r) && draw(r.left) // "line 3: more than 2 rows (maxRows)"
 * @category model
 * @since 0.1.0
 */
export const DEFAULT_MAX_ROWS = 2 ** 22;

/**
 * Default of `maxColumns`: 65536 fields per row.
 *
 * @example
 * import { DEFAULT_MAX_COLUMNS, draw, parseCsv } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * DEFAULT_MAX_COLUMNS // 65536
 * const r = parseCsv("a,b,c\n1,2,3\n", ",", { maxColumns: 2 })
 * E.isLeft(r) && draw(r.left) // "line 1: more than 2 columns (maxColumns)"
 * @category model
 * @since 0.1.0
 */
export const DEFAULT_MAX_COLUMNS = 65536;

/**
 * Default of `maxClasses`: 1024 inferred classes.
 *
 * @example
 * import { csvDataset, DEFAULT_MAX_CLASSES, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * DEFAULT_MAX_CLASSES // 1024
 * const r = csvDataset("x,y\n1,0\n2,5\n", { label: "y", maxClasses: 3 })
 * E.isLeft(r) && draw(r.left) // "line 3: column 'y': label 5 is too large for a class index (at most 3 classes; give option 'classes' or raise 'maxClasses')"
 * @category model
 * @since 0.1.0
 */
export const DEFAULT_MAX_CLASSES = 1024;

const checkCsvLimits = (fn: string, limits: unknown): Required<CsvLimits> => {
  if (limits !== undefined && (limits === null || typeof limits !== "object")) throw new TypeError(`${fn}: argument 'limits' must be an object, got ${describeValue(limits)}`);
  const o = (limits ?? {}) as Record<string, unknown>;
  return {
    maxRows: checkLimit(fn, "maxRows", o.maxRows) ?? DEFAULT_MAX_ROWS,
    maxColumns: checkLimit(fn, "maxColumns", o.maxColumns) ?? DEFAULT_MAX_COLUMNS,
    maxLength: checkLimit(fn, "maxLength", o.maxLength) ?? DEFAULT_MAX_LENGTH,
  };
};

/** `parseCsv`, with `headers` rows not counted against `maxRows`. */
const splitCsv = (fn: string, text: string, delimiter: string, limits: Required<CsvLimits>, headers: number, what = "argument"): E.Either<DecodeErrors, CsvRecord[]> => {
  if (typeof text !== "string") return E.left([leaf(text, `expected CSV text, got ${describeValue(text)}`)]);
  if (typeof delimiter !== "string" || delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new TypeError(`${fn}: ${what} 'delimiter' must be one character other than a quote or a line end, got ${describeValue(delimiter)}`);
  }
  const long = tooLong(text, limits.maxLength);
  if (long !== undefined) return E.left(long);
  const { maxRows, maxColumns } = limits;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let quoted = false;
  let closed = false;
  let quoteLine = 0;
  let i = 0;
  // Set when a limit is passed: the record's line and what was passed.
  let over: DecodeErrors | undefined;
  const pushField = (): void => {
    fields.push(field);
    field = "";
    if (fields.length > maxColumns) over = [key(`line ${start}`, [leaf(undefined, `more than ${maxColumns} columns (maxColumns)`)])];
  };
  const endRecord = (): void => {
    pushField();
    // a copy of exact size: a grown array keeps spare capacity, ten times a short row
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields: fields.slice() });
    if (records.length > maxRows + headers) over = [key(`line ${start}`, [leaf(undefined, `more than ${maxRows} rows (maxRows)`)])];
    fields = [];
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (closed && c !== delimiter && c !== "\n" && c !== "\r") {
      return E.left([key(`line ${line}`, [leaf(field, "text after a closing quote (quote the whole field and double the quote)")])]);
    }
    closed = false;
    if (c === '"' && field === "") {
      quoted = true;
      quoteLine = line;
    } else if (c === '"') {
      return E.left([key(`line ${line}`, [leaf(field, "a quote inside an unquoted field (quote the whole field and double the quote)")])]);
    } else if (c === delimiter) {
      pushField();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
    if (over !== undefined) return E.left(over);
    i++;
  }
  if (quoted) return E.left([key(`line ${quoteLine}`, [leaf(undefined, "unterminated quoted field")])]);
  if (field !== "" || fields.length > 0) endRecord();
  if (over !== undefined) return E.left(over);
  return E.right(records);
};

// -------------------------------------------------------------------------------------
// CSV datasets
// -------------------------------------------------------------------------------------

/**
 * How a CSV file becomes a dataset. The limits are checked before the work they bound:
 * `maxLength` (characters of text, default 2^28), `maxRows` (default 2^22), `maxColumns`
 * (default 65536), `maxClasses` (inferred classes, default 1024) and `maxElements` (of the
 * one-hot `Y`, default 2^28).
 *
 * @category model
 * @since 0.1.0
 */
export interface CsvOptions extends CsvLimits {
  /** The label column: its header name, or its index. */
  readonly label: string | number;
  /** Feature columns, by name, in order; by default every column but the label. */
  readonly features?: readonly string[];
  /** `"integer"` (Y is `[1, m]`, the class index; the default) or `"onehot"` (Y is `[classes, m]`). */
  readonly labels?: "integer" | "onehot";
  /**
   * The classes, in index order. By default: when every label is a non-negative integer, class
   * `i` is `"i"` (up to the largest); otherwise the distinct labels, sorted.
   */
  readonly classes?: readonly string[];
  /** Field delimiter, `","` by default. */
  readonly delimiter?: string;
  /** Accept NaN and ±Infinity features (rejected by default). */
  readonly allowNonFinite?: boolean;
  readonly dtype?: DType;
  /**
   * The most classes inferred from the labels (default 1024): an integer label at or above it,
   * or one string label too many, is an error at its line. Declared `classes` are not limited.
   */
  readonly maxClasses?: number;
  /** The most elements of `X` and of a one-hot `Y` (default 2^28). */
  readonly maxElements?: number;
}

/** A dataset with examples as columns. @category model @since 0.1.0 */
export interface CsvDataset {
  /** Features, `[features, m]`. */
  readonly X: Tensor<[number, "m"]>;
  /** Labels, `[1, m]` (class indices) or `[classes, m]` (one-hot). */
  readonly Y: Tensor<[number, "m"]>;
  readonly features: readonly string[];
  readonly classes: readonly string[];
}

/** The keys of {@link CsvOptions}. @internal */
export const csvKeys: OptionKeys<CsvOptions> = {
  label: true,
  features: true,
  labels: true,
  classes: true,
  delimiter: true,
  allowNonFinite: true,
  dtype: true,
  maxClasses: true,
  maxElements: true,
  maxRows: true,
  maxColumns: true,
  maxLength: true,
};

const checkCsvOptions = (opts: unknown): CsvOptions => {
  const fn = "csvDataset";
  if (opts === null || typeof opts !== "object") throw new TypeError(`${fn}: argument 'opts' must be an object with at least 'label', got ${describeValue(opts)}`);
  checkOptionKeys(fn, opts, csvKeys);
  const o = opts as Record<string, unknown>;
  if (!(typeof o.label === "string" || (typeof o.label === "number" && Number.isSafeInteger(o.label) && o.label >= 0))) {
    throw new TypeError(`${fn}: option 'label' must be a column name or index, got ${describeValue(o.label)}`);
  }
  if (o.features !== undefined && !(Array.isArray(o.features) && o.features.every((f) => typeof f === "string"))) throw new TypeError(`${fn}: option 'features' must be an array of column names`);
  if (o.labels !== undefined && o.labels !== "integer" && o.labels !== "onehot") throw new TypeError(`${fn}: option 'labels' must be "integer" or "onehot", got ${describeValue(o.labels)}`);
  if (o.classes !== undefined && !(Array.isArray(o.classes) && o.classes.every((f) => typeof f === "string") && new Set(o.classes).size === o.classes.length && o.classes.length > 0)) {
    throw new TypeError(`${fn}: option 'classes' must be a non-empty array of distinct strings`);
  }
  dtypeOption(fn, o.dtype);
  checkCsvLimits(fn, o);
  checkLimit(fn, "maxClasses", o.maxClasses);
  checkLimit(fn, "maxElements", o.maxElements);
  return o as unknown as CsvOptions;
};

/** At most this many classes are listed in a message. */
const LISTED_CLASSES = 20;

/** A cell as a number (decimal notation, or nan / inf / infinity with a sign), or why it is not one. */
const parseCell = (cell: string, allowNonFinite: boolean, dtype: DType): number | string => {
  const s = cell.trim();
  if (s === "") return "missing value";
  let v: number;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) v = Number(s);
  else if (/^[+-]?nan$/i.test(s)) v = Number.NaN;
  else if (/^[+-]?inf(inity)?$/i.test(s)) v = s.startsWith("-") ? -Infinity : Infinity;
  else return `expected a number, got ${describeValue(cell)}`;
  if (allowNonFinite) return v;
  if (!Number.isFinite(v)) return `${s} is not finite (allow with { allowNonFinite: true })`;
  if (dtype === "float32" && !Number.isFinite(Math.fround(v))) return `${s} is out of float32 range`;
  return v;
};

/**
 * A dataset from CSV text with a header: numeric features, a label column turned into class
 * indices (`[1, m]`) or one-hot columns (`[classes, m]`). Every bad cell is listed (up to 20,
 * then counted); an empty label, an integer label at or above `maxClasses` and a label outside
 * the declared `classes` are errors with line and column. Limits: `maxLength` (2^28
 * characters), `maxRows` (2^22), `maxColumns` (65536), `maxClasses` (1024 inferred classes),
 * `maxElements` (2^28, for `X` and a one-hot `Y`). Memory: at most about 128 bytes per input
 * character (measured: 96 for one-character rows, 13 for a wide numeric table), plus a one-hot
 * `Y` of at most `maxClasses` × rows elements.
 *
 * @example
 * import { csvDataset, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = csvDataset("x1,x2,y\n1,2,cat\n3,4,dog\n", { label: "y", labels: "onehot" })
 * E.isRight(r) && r.right.X // [[1, 3], [2, 4]]
 * E.isRight(r) && r.right.Y // [[1, 0], [0, 1]]
 * E.isRight(r) && r.right.classes // ["cat", "dog"]
 * const bad = csvDataset("x,y\n1,0\n2,\n", { label: "y" })
 * E.isLeft(bad) && draw(bad.left) // "line 3: column 'y': missing label"
 * @category CSV
 * @since 0.1.0
 */
export const csvDataset = (text: string, options: CsvOptions): E.Either<DecodeErrors, CsvDataset> => {
  const opts = checkCsvOptions(options);
  const maxClasses = opts.maxClasses ?? DEFAULT_MAX_CLASSES;
  const maxElements = opts.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const parsed = splitCsv("csvDataset", text, opts.delimiter ?? ",", checkCsvLimits("csvDataset", opts), 1, "option");
  if (E.isLeft(parsed)) return parsed;
  const [head, ...rows] = parsed.right;
  if (head === undefined) return E.left([leaf(text, "empty CSV: expected a header line")]);
  const names = head.fields.map((f) => f.trim());
  const column = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const n = names[i] as string;
    if (column.has(n)) return E.left([key("line 1", [leaf(n, `column name '${n}' appears twice`)])]);
    column.set(n, i);
  }
  const labelCol = typeof opts.label === "number" ? opts.label : (column.get(opts.label) ?? -1);
  if (labelCol < 0 || labelCol >= names.length) return E.left([key("line 1", [leaf(opts.label, `no label column ${describeValue(opts.label)} (columns: ${names.join(", ")})`)])]);
  const featureNames = opts.features ?? names.filter((_, i) => i !== labelCol);
  const missing = featureNames.filter((f) => !column.has(f));
  if (missing.length > 0) return E.left([key("line 1", [leaf(missing, `no feature column ${missing.map((m) => `'${m}'`).join(", ")} (columns: ${names.join(", ")})`)])]);
  const labelName = names[labelCol] as string;
  if (featureNames.includes(labelName)) return E.left([key("line 1", [leaf(labelName, `option 'features' names the label column '${labelName}'`)])]);
  const twice = featureNames.find((f, i) => featureNames.indexOf(f) !== i);
  if (twice !== undefined) return E.left([key("line 1", [leaf(twice, `option 'features' names column '${twice}' twice`)])]);
  const cols = featureNames.map((f) => column.get(f) as number);

  const errors: DecodeError[] = [];
  let more = 0;
  const report = (e: DecodeError): void => {
    if (errors.length < MAX_LISTED) errors.push(e);
    else more++;
  };
  const m = rows.length;
  const nf = cols.length;
  if (nf * m > maxElements) return E.left([leaf(undefined, `X would have ${nf} × ${m} = ${nf * m} elements, above the limit maxElements = ${maxElements}`)]);
  const X = new Float64Array(nf * m);
  const labels: string[] = [];
  // rows whose label is already reported (or whose row is)
  const reported = new Uint8Array(m);
  const labelAt = (j: number, e: string, l: string): DecodeError => key(`line ${(rows[j] as CsvRecord).line}`, [key(`column '${names[labelCol]}'`, [leaf(l, e)])]);
  rows.forEach((r, j) => {
    const where = `line ${r.line}`;
    labels[j] = "";
    if (r.fields.length !== names.length) {
      reported[j] = 1;
      report(key(where, [leaf(r.fields, `has ${r.fields.length} fields, expected ${names.length} (as the header)`)]));
      return;
    }
    cols.forEach((c, i) => {
      const v = parseCell(r.fields[c] as string, opts.allowNonFinite === true, opts.dtype ?? DEFAULT_DTYPE);
      if (typeof v === "string") report(key(where, [key(`column '${names[c]}'`, [leaf(r.fields[c], v)])]));
      else X[i * m + j] = v;
    });
    const l = (r.fields[labelCol] as string).trim();
    if (l === "") {
      reported[j] = 1;
      report(labelAt(j, "missing label", l));
    }
    labels[j] = l;
  });
  let classes: readonly string[];
  if (opts.classes !== undefined) classes = opts.classes;
  else if (labels.every((l, j) => reported[j] === 1 || /^\d+$/.test(l))) {
    // integer labels: class i is "i", up to the largest; each label at or above maxClasses is an error
    let largest = -1;
    labels.forEach((l, j) => {
      if (reported[j] === 1) return;
      const v = Number(l);
      if (v >= maxClasses) reported[j] = 1;
      if (v >= maxClasses) report(labelAt(j, `label ${l} is too large for a class index (at most ${maxClasses} classes; give option 'classes' or raise 'maxClasses')`, l));
      else largest = Math.max(largest, v);
    });
    classes = Array.from({ length: largest + 1 }, (_, i) => `${i}`);
  } else {
    const seen = new Set<string>();
    labels.forEach((l, j) => {
      if (reported[j] === 1 || seen.has(l)) return;
      if (seen.size >= maxClasses) reported[j] = 1;
      if (seen.size >= maxClasses) report(labelAt(j, `label ${describeValue(l)} would be class ${seen.size + 1}, above the limit maxClasses = ${maxClasses}`, l));
      else seen.add(l);
    });
    classes = [...seen].sort();
  }
  const listed = classes.length > LISTED_CLASSES ? `${classes.slice(0, LISTED_CLASSES).join(", ")}, ... (${classes.length} in all)` : classes.join(", ");
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const y = new Float64Array(m);
  labels.forEach((l, j) => {
    if (reported[j] === 1) return;
    const k = classIndex.get(l);
    if (k === undefined) report(labelAt(j, `unknown class ${describeValue(l)} (classes: ${listed})`, l));
    else y[j] = k;
  });
  if (more > 0) errors.push(leaf(undefined, `... and ${more} more bad lines or cells`));
  const errs = nonEmpty(errors);
  if (errs !== undefined) return E.left(errs);
  const dtype = opts.dtype ?? DEFAULT_DTYPE;
  const k = classes.length;
  let Y: Tensor<[number, "m"]>;
  if (opts.labels === "onehot") {
    if (k * m > maxElements) return E.left([leaf(undefined, `one-hot Y would have ${k} × ${m} = ${k * m} elements, above the limit maxElements = ${maxElements}`)]);
    const oh = dtype === "float64" ? new Float64Array(k * m) : new Float32Array(k * m);
    y.forEach((c, j) => {
      oh[c * m + j] = 1;
    });
    Y = fromArray([k, m], oh, { dtype }) as unknown as Tensor<[number, "m"]>;
  } else Y = fromArray([1, m], y, { dtype }) as unknown as Tensor<[number, "m"]>;
  return E.right({ X: fromArray([nf, m], X, { dtype }) as unknown as Tensor<[number, "m"]>, Y, features: featureNames, classes });
};

// -------------------------------------------------------------------------------------
// JSON datasets
// -------------------------------------------------------------------------------------

/** Options of `jsonDataset`: those of `decodeTensors`, and `maxLength` (characters of text, default 2^28). @category model @since 0.1.0 */
export interface JsonDatasetOptions extends DecodeTensorsOptions {
  readonly maxLength?: number;
}

/** The keys of {@link JsonDatasetOptions}. @internal */
export const jsonDatasetKeys: OptionKeys<JsonDatasetOptions> = { ...decodeTensorsKeys, maxLength: true };

/**
 * A dataset from JSON text holding named tensors (nested arrays or `{ shape, data }`), checked
 * against `specs` with one binding. `JSON.parse` does not recurse, and the decoder follows
 * arrays only as deep as the spec's rank, so deep nesting is an error, never a stack overflow.
 *
 * @example
 * import { draw, jsonDataset } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = jsonDataset('{"X": [[1, 2], [3, 4]], "Y": [[0, 1]]}', { X: [2, "m"], Y: [1, "m"] })
 * E.isRight(r) && r.right.X // Tensor<[2, 2]>
 * const bad = jsonDataset('{"X": [[1, 2], [3, 4]], "Y": [[0, 1, 1]]}', { X: [2, "m"], Y: [1, "m"] })
 * E.isLeft(bad) && draw(bad.left) // "Y: dim 'm' is 3 here but 2 in X"
 * @category JSON
 * @since 0.1.0
 */
export const jsonDataset = <const Sp extends TensorSpecs>(text: string, specs: Sp, opts?: JsonDatasetOptions): E.Either<DecodeErrors, TensorsOf<Sp>> => {
  checkOptionKeys("jsonDataset", opts, jsonDatasetKeys);
  if (typeof text !== "string") return E.left([leaf(text, `expected JSON text, got ${describeValue(text)}`)]);
  const long = tooLong(text, checkLimit("jsonDataset", "maxLength", opts?.maxLength) ?? DEFAULT_MAX_LENGTH);
  if (long !== undefined) return E.left(long);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return E.left([leaf(undefined, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`)]);
  }
  return decodeTensors(specs, json, withoutKeys(opts, ["maxLength"]));
};
