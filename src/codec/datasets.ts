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
import { fromArray } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { type DecodeError, type DecodeErrors, describeValue, key, leaf, nonEmpty } from "./errors.js";
import { MAX_LISTED } from "./tensor.js";
import { type DecodeTensorsOptions, decodeTensors, type TensorSpecs, type TensorsOf } from "./tensors.js";

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
 *
 * @example
 * import { parseCsv } from "typegrad"
 * parseCsv('a,b\n1,"x, y"\n') // Right([{ line: 1, fields: ["a", "b"] }, { line: 2, fields: ["1", "x, y"] }])
 * @category CSV
 * @since 0.1.0
 */
export const parseCsv = (text: string, delimiter = ","): E.Either<DecodeErrors, CsvRecord[]> => {
  if (typeof text !== "string") return E.left([leaf(text, `expected CSV text, got ${describeValue(text)}`)]);
  if (typeof delimiter !== "string" || delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new TypeError(`parseCsv: argument 'delimiter' must be one character other than a quote or a line end, got ${describeValue(delimiter)}`);
  }
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
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
    fields = [];
    field = "";
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
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) return E.left([key(`line ${quoteLine}`, [leaf(undefined, "unterminated quoted field")])]);
  if (field !== "" || fields.length > 0) endRecord();
  return E.right(records);
};

// -------------------------------------------------------------------------------------
// CSV datasets
// -------------------------------------------------------------------------------------

/** How a CSV file becomes a dataset. @category model @since 0.1.0 */
export interface CsvOptions {
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

const checkCsvOptions = (opts: unknown): CsvOptions => {
  const fn = "csvDataset";
  if (opts === null || typeof opts !== "object") throw new TypeError(`${fn}: argument 'opts' must be an object with at least 'label', got ${describeValue(opts)}`);
  const o = opts as Record<string, unknown>;
  if (!(typeof o.label === "string" || (typeof o.label === "number" && Number.isSafeInteger(o.label) && o.label >= 0))) {
    throw new TypeError(`${fn}: option 'label' must be a column name or index, got ${describeValue(o.label)}`);
  }
  if (o.features !== undefined && !(Array.isArray(o.features) && o.features.every((f) => typeof f === "string"))) throw new TypeError(`${fn}: option 'features' must be an array of column names`);
  if (o.labels !== undefined && o.labels !== "integer" && o.labels !== "onehot") throw new TypeError(`${fn}: option 'labels' must be "integer" or "onehot", got ${describeValue(o.labels)}`);
  if (o.classes !== undefined && !(Array.isArray(o.classes) && o.classes.every((f) => typeof f === "string") && new Set(o.classes).size === o.classes.length && o.classes.length > 0)) {
    throw new TypeError(`${fn}: option 'classes' must be a non-empty array of distinct strings`);
  }
  if (o.dtype !== undefined && o.dtype !== "float32" && o.dtype !== "float64") throw new TypeError(`${fn}: option 'dtype' must be "float32" or "float64", got ${describeValue(o.dtype)}`);
  return o as unknown as CsvOptions;
};

/** Integer labels above this need explicit `classes`. */
const MAX_CLASSES = 65536;

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
 * then counted).
 *
 * @example
 * import { csvDataset } from "typegrad"
 * const r = csvDataset("x1,x2,y\n1,2,cat\n3,4,dog\n", { label: "y", labels: "onehot" })
 * // Right({ X: Tensor [2, 2], Y: Tensor [2, 2], features: ["x1", "x2"], classes: ["cat", "dog"] })
 * @category CSV
 * @since 0.1.0
 */
export const csvDataset = (text: string, options: CsvOptions): E.Either<DecodeErrors, CsvDataset> => {
  const opts = checkCsvOptions(options);
  const parsed = parseCsv(text, opts.delimiter ?? ",");
  if (E.isLeft(parsed)) return parsed;
  const [head, ...rows] = parsed.right;
  if (head === undefined) return E.left([leaf(text, "empty CSV: expected a header line")]);
  const names = head.fields.map((f) => f.trim());
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) return E.left([key("line 1", [leaf(dup, `column name '${dup}' appears twice`)])]);
  const labelCol = typeof opts.label === "number" ? opts.label : names.indexOf(opts.label);
  if (labelCol < 0 || labelCol >= names.length) return E.left([key("line 1", [leaf(opts.label, `no label column ${describeValue(opts.label)} (columns: ${names.join(", ")})`)])]);
  const featureNames = opts.features ?? names.filter((_, i) => i !== labelCol);
  const missing = featureNames.filter((f) => !names.includes(f));
  if (missing.length > 0) return E.left([key("line 1", [leaf(missing, `no feature column ${missing.map((m) => `'${m}'`).join(", ")} (columns: ${names.join(", ")})`)])]);
  const cols = featureNames.map((f) => names.indexOf(f));

  const errors: DecodeError[] = [];
  let more = 0;
  const report = (e: DecodeError): void => {
    if (errors.length < MAX_LISTED) errors.push(e);
    else more++;
  };
  const m = rows.length;
  const nf = cols.length;
  const X = new Float64Array(nf * m);
  const labels: string[] = [];
  rows.forEach((r, j) => {
    const where = `line ${r.line}`;
    if (r.fields.length !== names.length) {
      report(key(where, [leaf(r.fields, `has ${r.fields.length} fields, expected ${names.length} (as the header)`)]));
      return;
    }
    cols.forEach((c, i) => {
      const v = parseCell(r.fields[c] as string, opts.allowNonFinite === true, opts.dtype ?? "float32");
      if (typeof v === "string") report(key(where, [key(`column '${names[c]}'`, [leaf(r.fields[c], v)])]));
      else X[i * m + j] = v;
    });
    labels[j] = (r.fields[labelCol] as string).trim();
  });
  const allInts = labels.every((l) => /^\d+$/.test(l));
  const largest = allInts ? labels.reduce((a, l) => Math.max(a, Number(l)), -1) : -1;
  if (opts.classes === undefined && largest >= MAX_CLASSES) {
    return E.left([leaf(largest, `label ${largest} is too large for a class index (at most ${MAX_CLASSES} classes; give option 'classes')`)]);
  }
  const classes = opts.classes ?? (allInts ? Array.from({ length: largest + 1 }, (_, i) => `${i}`) : [...new Set(labels)].sort());
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const y = new Float64Array(m);
  labels.forEach((l, j) => {
    const k = classIndex.get(l);
    if (k === undefined)
      report(
        key(`line ${(rows[j] as { line: number }).line}`, [
          key(`column '${names[labelCol]}'`, [leaf(l, l === "" ? "missing label" : `unknown class ${describeValue(l)} (classes: ${classes.join(", ")})`)]),
        ]),
      );
    else y[j] = k;
  });
  if (more > 0) errors.push(leaf(undefined, `... and ${more} more bad lines or cells`));
  const errs = nonEmpty(errors);
  if (errs !== undefined) return E.left(errs);
  const dtype = opts.dtype ?? "float32";
  const k = classes.length;
  let Y: Tensor<[number, "m"]>;
  if (opts.labels === "onehot") {
    const oh = new Float64Array(k * m);
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

/**
 * A dataset from JSON text holding named tensors (nested arrays or `{ shape, data }`), checked
 * against `specs` with one binding.
 *
 * @example
 * import { jsonDataset } from "typegrad"
 * jsonDataset('{"X": [[1, 2], [3, 4]], "Y": [[0, 1]]}', { X: [2, "m"], Y: [1, "m"] }) // Right({ X, Y })
 * @category JSON
 * @since 0.1.0
 */
export const jsonDataset = <const Sp extends TensorSpecs>(text: string, specs: Sp, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, TensorsOf<Sp>> => {
  if (typeof text !== "string") return E.left([leaf(text, `expected JSON text, got ${describeValue(text)}`)]);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return E.left([leaf(undefined, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`)]);
  }
  return decodeTensors(specs, json, opts);
};
