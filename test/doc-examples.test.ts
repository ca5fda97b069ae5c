/**
 * The documentation examples, type-checked and run. Every public export of every entry point
 * (found with the TypeScript compiler API: `test/doc-examples/collect.ts`) that is a value has an
 * `@example`; each example is written as a module under `out/doc-examples/`, type-checked with the
 * repo's strict options and the package-name paths, then imported (run) in this process.
 *
 * An example starts with its import line(s) from the package name (`import { add } from
 * "typegrad"`). A top-level statement with a trailing comment states its result, which is checked:
 * `Tensor<[2, 3]>` checks a tensor's shape; anything else is read as a JavaScript literal and
 * compared with the value (a tensor is compared through `toArray`; numbers to 1e-6 relative;
 * `0.6931…` means "these digits, then more"; an object literal checks only the keys it names).
 * A remark may follow in parentheses: `// 3 (the middle one)`. Remarks on their own line are free.
 * An example whose first line is `// typecheck-only` is only type-checked (keep those rare).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getBackend, isTensor, setBackend, toArray } from "typegrad";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import { collect, compilerOptions, type DocExample, entries, root } from "./doc-examples/collect.js";

/** Values that need no example: course internals marked `@internal` (hidden from the docs site). */
const noExampleNeeded: readonly string[] = ["typegrad:activate", "typegrad:activationBackward"];

const options = compilerOptions();
const base = ts.createProgram(
  entries.map((e) => join(root, e.file)),
  options,
);
const all = collect(base);
const key = (x: { entry: string; name: string }): string => `${x.entry}:${x.name}`;
const skipped = new Set(noExampleNeeded);
const checked = all.filter((x) => x.isValue && !skipped.has(key(x)));
const examples = checked.flatMap((x) => x.examples);

const dir = join(root, "out", "doc-examples");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const fileOf = (ex: DocExample, suffix: string): string => join(dir, `${ex.id.replace(/[^\w]+/g, "_")}${suffix}.ts`);

/** A stated result: a shape, or a value tree where `{ __approx }` marks "these digits, then more". */
type Expected = { kind: "shape"; dims: unknown } | { kind: "value"; value: unknown };

const parseExpected = (text: string): Expected => {
  const remark = text.trimEnd().endsWith(")") ? text.indexOf(" (") : -1;
  const t = (remark < 0 ? text : text.slice(0, remark)).trim();
  const shape = /^Tensor<(.*)>$/.exec(t);
  if (shape) return { kind: "shape", dims: JSON.parse(shape[1] as string) };
  return { kind: "value", value: new Function(`return (${t.replace(/(-?\d+(?:\.\d+)?)…/g, '{ __approx: "$1" }')});`)() };
};

const matches = (got: unknown, want: unknown): boolean => {
  if (isTensor(got) && (typeof want === "number" || Array.isArray(want))) return matches(toArray(got), want);
  if (want !== null && typeof want === "object" && "__approx" in want) {
    const digits = (want as { __approx: string }).__approx;
    const decimals = digits.split(".")[1]?.length ?? 0;
    return typeof got === "number" && Math.abs(got - Number(digits)) < 10 ** -decimals;
  }
  if (Array.isArray(want)) return (Array.isArray(got) || ArrayBuffer.isView(got)) && (got as unknown[]).length === want.length && want.every((w, i) => matches((got as unknown[])[i], w));
  if (typeof want === "number") return typeof got === "number" && (Object.is(got, want) || Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)));
  if (want !== null && typeof want === "object") return got !== null && typeof got === "object" && Object.entries(want).every(([k, w]) => matches((got as Record<string, unknown>)[k], w));
  return Object.is(got, want);
};

interface Instrumented {
  readonly code: string;
  readonly expectations: readonly { line: string; text: string }[];
}

/** The example with each commented top-level statement's value pushed onto `__checks`. */
const instrument = (code: string): Instrumented => {
  const sf = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const expectations: { line: string; text: string }[] = [];
  let out = "const __checks: [number, unknown][] = [];\n";
  let from = 0;
  for (const st of sf.statements) {
    const comment = ts.getTrailingCommentRanges(code, st.end)?.find((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia);
    if (comment === undefined) continue;
    const text = code.slice(comment.pos + 2, comment.end).trim();
    const line = code.slice(st.getStart(sf), comment.end);
    const i = expectations.length;
    const start = st.getStart(sf);
    out += code.slice(from, start);
    if (ts.isExpressionStatement(st)) {
      out += `const __v${i} = ${st.expression.getText(sf)}; __checks.push([${i}, __v${i}]);`;
    } else if (ts.isVariableStatement(st) && st.declarationList.declarations.length === 1 && st.declarationList.declarations[0]?.initializer !== undefined) {
      const d = st.declarationList.declarations[0];
      out += `const __v${i} = ${d.initializer?.getText(sf)}; __checks.push([${i}, __v${i}]); ${st.declarationList.flags & ts.NodeFlags.Const ? "const" : "let"} ${d.name.getText(sf)} = __v${i};`;
    } else {
      throw new Error(`a trailing comment states a result only after an expression or a 'const x = …': ${line}`);
    }
    from = st.end;
    expectations.push({ line, text });
  }
  out += `${code.slice(from)}\nexport { __checks };\n`;
  return { code: out, expectations };
};

for (const ex of examples) writeFileSync(fileOf(ex, ""), `${ex.code}\n`);

describe("documentation examples", () => {
  it("every public value export has an example (or is on an allow-list)", () => {
    const missing = checked.filter((x) => x.examples.length === 0).map((x) => `${key(x)} (${x.file})`);
    expect(missing, "exports without an @example").toEqual([]);
  });

  it("every public export has a @category (or is @internal)", () => {
    const missing = all.filter((x) => !x.tags.includes("category") && !x.tags.includes("internal")).map((x) => `${key(x)} (${x.file})`);
    expect(missing, "exports without a @category").toEqual([]);
  });

  it("the allow-lists name only exports that exist and still need to be there", () => {
    const names = new Set(all.map(key));
    expect(
      [...skipped].filter((n) => !names.has(n)),
      "stale allow-list names",
    ).toEqual([]);
    const documented = all.filter((x) => noExampleNeeded.includes(key(x)) && x.examples.length > 0).map(key);
    expect(documented, "on noExampleNeeded but documented with an example: remove them from the list").toEqual([]);
  });

  it("every example starts with its import line(s) from the package name", () => {
    const bad = examples.filter((ex) => !/^(\/\/.*\n)*import [^;]* from "typegrad(\/\w+)?"/.test(ex.code)).map((ex) => `${ex.id} (${ex.source})`);
    expect(bad).toEqual([]);
  });

  it("every example type-checks with the repo's strict options", () => {
    const program = ts.createProgram(
      examples.map((ex) => fileOf(ex, "")),
      options,
      undefined,
      base,
    );
    const errors = examples.flatMap((ex) => {
      const sf = program.getSourceFile(fileOf(ex, ""));
      if (sf === undefined) return [`${ex.id} (${ex.source}): not compiled`];
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
        const line = d.start === undefined ? "?" : String(sf.getLineAndCharacterOfPosition(d.start).line + 1);
        return `${ex.id} (${ex.source}), example line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    });
    expect(errors.length, `${errors.length} type errors in examples:\n\n${errors.join("\n\n")}`).toBe(0);
  });

  describe("every example runs and its stated results hold", () => {
    const initial = getBackend();
    afterEach(() => {
      if (getBackend() !== initial) setBackend(initial);
    });
    for (const ex of examples.filter((e) => e.run)) {
      it(`${ex.id} (${ex.source})`, async () => {
        const { code, expectations } = instrument(ex.code);
        const file = fileOf(ex, ".run");
        writeFileSync(file, code);
        const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { __checks: [number, unknown][] };
        expect(mod.__checks.length).toBe(expectations.length);
        for (const [i, got] of mod.__checks) {
          const { line, text } = expectations[i] as { line: string; text: string };
          const want = parseExpected(text);
          if (want.kind === "shape") {
            expect(isTensor(got), line).toBe(true);
            expect([...(got as { shape: readonly number[] }).shape], line).toEqual(want.dims);
          } else {
            expect(matches(got, want.value), `${line}\n  got ${JSON.stringify(got, (_, v) => (isTensor(v) ? toArray(v) : v))}`).toBe(true);
          }
        }
      });
    }
  });
});
