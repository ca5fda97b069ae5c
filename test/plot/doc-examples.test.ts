/**
 * The plot modules' documentation: every export has a doc comment with `@category`, every
 * exported value an `@example`, and every example runs, with each `expr // expected` line
 * checked (`expected` is JSON). Examples that import from "typegrad/plot" or "typegrad" run with
 * those names in scope.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import * as typegrad from "../../src/index.js";

const dir = join(import.meta.dirname, "..", "..", "src", "plot");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .sort();
const modules = await Promise.all(files.map((f) => import(`../../src/plot/${f.replace(/\.ts$/, ".js")}`) as Promise<Record<string, unknown>>));
const scope: Record<string, unknown> = Object.assign({}, typegrad, ...modules);

interface Doc {
  readonly file: string;
  readonly name: string;
  readonly kind: string;
  readonly comment: string | undefined;
}

/** Each `export const|type|interface` of a file with the doc comment right above it. */
const docs = (file: string): Doc[] => {
  const text = readFileSync(join(dir, file), "utf8");
  const out: Doc[] = [];
  for (const m of text.matchAll(/^export (const|type|interface) (\w+)/gm)) {
    const before = text.slice(0, m.index).trimEnd();
    const comment = before.endsWith("*/") ? before.slice(before.lastIndexOf("/**")) : undefined;
    out.push({ file, name: m[2] as string, kind: m[1] as string, comment });
  }
  return out;
};

/** The example's lines: after `@example`, up to the next tag, without the comment's stars. */
const exampleLines = (comment: string): string[] => {
  const body = comment.slice(comment.indexOf("@example") + "@example".length);
  const end = body.search(/(^|\s)@(category|since|module)\b/m);
  return (end < 0 ? body : body.slice(0, end))
    .replace(/\*\/\s*$/, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trimEnd())
    .filter((l) => l.trim() !== "" && !l.startsWith("import "));
};

const all = files.flatMap(docs);

describe("plot documentation", () => {
  test("finds the public functions", () => {
    expect(all.map((d) => d.name)).toEqual(expect.arrayContaining(["lineChart", "trainingCurves", "decisionBoundary", "digitGrid"]));
  });
  for (const d of all) {
    test(`${d.file}: ${d.name} has @category${d.kind === "const" ? " and a running @example" : ""}`, () => {
      expect(d.comment, "doc comment").toBeDefined();
      expect(d.comment).toMatch(/@category \w+/);
      if (d.kind !== "const") return;
      expect(d.comment).toContain("@example");
      const lines = exampleLines(d.comment as string);
      const checks: { line: string; got: unknown }[] = [];
      const body = lines
        .map((line, i) => {
          const cut = line.lastIndexOf(" // ");
          if (cut < 0) return line;
          const code = line.slice(0, cut).trim();
          const decl = /^const (\w+) = (.*)$/.exec(code);
          return decl ? `const ${decl[1]} = ${decl[2]}; __check(${i}, ${decl[1]});` : `__check(${i}, ${code});`;
        })
        .join("\n");
      new Function(...Object.keys(scope), "__check", body)(...Object.values(scope), (i: number, got: unknown) => checks.push({ line: lines[i] as string, got }));
      expect(checks.length, "a checked line").toBeGreaterThan(0);
      for (const { line, got } of checks) expect(got, line).toEqual(JSON.parse(line.slice(line.lastIndexOf(" // ") + 4)));
    });
  }
});
