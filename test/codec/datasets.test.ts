import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { csvDataset, draw, jsonDataset, parseCsv, toArray } from "../../src/index.js";

const text = (r: E.Either<readonly import("../../src/index.js").DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");

describe("parseCsv", () => {
  it("handles quotes, doubled quotes, CRLF, blank lines and a BOM", () => {
    const r = parseCsv('\ufeffa,b\r\n1,"x, ""y"""\r\n\r\n2,"multi\nline"\n');
    expect(r).toEqual(
      E.right([
        { line: 1, fields: ["a", "b"] },
        { line: 2, fields: ["1", 'x, "y"'] },
        { line: 4, fields: ["2", "multi\nline"] },
      ]),
    );
  });

  it("reports unterminated quotes and stray quotes with their line", () => {
    expect(text(parseCsv('a,b\n1,"open\n2,3\n'))).toBe("line 2: unterminated quoted field");
    expect(text(parseCsv('a,b\n1,x"y\n'))).toBe("line 2: a quote inside an unquoted field (quote the whole field and double the quote)");
  });
});

describe("csvDataset", () => {
  const iris = "sepal_length,sepal_width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n";

  it("makes X [features, m] and integer or one-hot Y [., m]", () => {
    const r = csvDataset(iris, { label: "species" });
    if (E.isLeft(r)) throw new Error(draw(r.left));
    expect(r.right.features).toEqual(["sepal_length", "sepal_width"]);
    expect(r.right.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect(toArray(r.right.X).map((row) => row.map((v) => Math.round(v * 10) / 10))).toEqual([
      [5.1, 7, 6.3, 4.9],
      [3.5, 3.2, 3.3, 3],
    ]);
    expect(toArray(r.right.Y)).toEqual([[0, 1, 2, 0]]);
    const oh = csvDataset(iris, { label: 2, labels: "onehot", features: ["sepal_width"], dtype: "float64" });
    if (E.isLeft(oh)) throw new Error(draw(oh.left));
    expect(toArray(oh.right.X)).toEqual([[3.5, 3.2, 3.3, 3.0]]);
    expect(toArray(oh.right.Y)).toEqual([
      [1, 0, 0, 1],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
  });

  it("numeric labels are class indices; given classes fix the order", () => {
    const r = csvDataset("x,y\n1,2\n2,0\n", { label: "y", labels: "onehot" });
    expect(E.isRight(r) && r.right.classes).toEqual(["0", "1", "2"]);
    expect(E.isRight(r) && toArray(r.right.Y)).toEqual([
      [0, 1],
      [0, 0],
      [1, 0],
    ]);
    const c = csvDataset(iris, { label: "species", classes: ["virginica", "versicolor", "setosa"] });
    expect(E.isRight(c) && toArray(c.right.Y)).toEqual([[2, 1, 0, 2]]);
  });

  it("reports every bad line and cell with its line and column", () => {
    const bad = "a,b,label\n1,2,x\n1,n/a,y\n1,2\n,3,x\n1,inf,z\n";
    expect(text(csvDataset(bad, { label: "label", classes: ["x", "y"] }))).toBe(
      [
        `line 3: column 'b': expected a number, got "n/a"`,
        "line 4: has 2 fields, expected 3 (as the header)",
        "line 5: column 'a': missing value",
        "line 6: column 'b': inf is not finite (allow with { allowNonFinite: true })",
        "line 6: column 'label': unknown class \"z\" (classes: x, y)",
      ].join("\n"),
    );
    expect(text(csvDataset("a,b\n1,2\n", { label: "c" }))).toBe('line 1: no label column "c" (columns: a, b)');
    expect(text(csvDataset("a,a\n1,2\n", { label: "a" }))).toBe("line 1: column name 'a' appears twice");
    expect(text(csvDataset("", { label: "a" }))).toBe("empty CSV: expected a header line");
    expect(text(csvDataset("a,y\n1,99999999999\n", { label: "y" }))).toBe(
      "line 2: column 'y': label 99999999999 is too large for a class index (at most 1024 classes; give option 'classes' or raise 'maxClasses')",
    );
  });

  it("throws for bad options, naming the option", () => {
    expect(() => csvDataset("a\n1\n", {} as never)).toThrow("csvDataset: option 'label' must be a column name or index, got undefined");
    expect(() => csvDataset("a\n1\n", { label: "a", labels: "hot" as never })).toThrow('csvDataset: option \'labels\' must be "integer" or "onehot", got "hot"');
  });
});

describe("csvDataset: the label is never a feature", () => {
  // before: features: ["y"] trained on the label itself (X was the label column), without a word
  it("a feature list naming the label column is an error at line 1, by name or index", () => {
    const csv = "a,b,y\n1,2,0\n3,4,1\n";
    expect(text(csvDataset(csv, { label: "y", features: ["a", "y"] }))).toBe("line 1: option 'features' names the label column 'y'");
    expect(text(csvDataset(csv, { label: 2, features: ["y"] }))).toBe("line 1: option 'features' names the label column 'y'");
    expect(text(csvDataset(csv, { label: "y", features: ["a", "a"] }))).toBe("line 1: option 'features' names column 'a' twice");
    expect(text(csvDataset(csv, { label: "y", features: ["b", "a"] }))).toBe("ok");
  });

  it("a bad delimiter is named as csvDataset's option (parseCsv's argument)", () => {
    expect(() => csvDataset("a;y\n1;0\n", { label: "y", delimiter: ";;" })).toThrow(new TypeError("csvDataset: option 'delimiter' must be one character other than a quote or a line end, got \";;\""));
    expect(() => parseCsv("a;y\n1;0\n", "")).toThrow("parseCsv: argument 'delimiter' must be one character");
  });
});

describe("jsonDataset", () => {
  it("decodes named tensors with one binding, and reports bad JSON", () => {
    const r = jsonDataset('{"X": [[1, 2], [3, 4]], "Y": [[0, 1]]}', { X: [2, "m"], Y: [1, "m"] });
    expect(E.isRight(r) && r.right.X.shape).toEqual([2, 2]);
    expect(text(jsonDataset('{"X": [[1, 2], [3, 4]], "Y": [[0, 1, 1]]}', { X: [2, "m"], Y: [1, "m"] }))).toBe("Y: dim 'm' is 3 here but 2 in X");
    expect(text(jsonDataset("{X: 1}", { X: [1] }))).toMatch(/^not valid JSON: /);
  });
});

describe("CSV edge cases found by fuzzing", () => {
  it("rejects text after a closing quote, and draws every message on one line", () => {
    expect(text(parseCsv('a,b\n"x"y,1\n'))).toBe("line 2: text after a closing quote (quote the whole field and double the quote)");
    expect(text(csvDataset('"a\r\nb",x\n1,2\n', { label: "label" }))).toBe('line 1: no label column "label" (columns: a\\nb, x)');
    expect(text(parseCsv('"a\n\nb"c\n'))).toBe("line 3: text after a closing quote (quote the whole field and double the quote)");
  });
});
