/**
 * The README's TypeScript blocks, as a reader copies them. Every ```ts block of README.md is a
 * whole module (its imports from the package name included) and is type-checked with the repo's
 * strict options and the package-name paths, all blocks in one program. Inside a block:
 *
 * - a statement whose trailing comment starts with `compile error` must fail to compile on its
 *   line, with the message quoted (`"…"`) in the comment lines under it; no other line may fail;
 * - `const x = …; // Tensor<[2, 3]>` claims how `x` displays on hover, and is checked;
 * - the "ten-line tour" (the block followed by a ```text block of tsc output) must give exactly
 *   that output, file name and positions included.
 *
 * The blocks are not run here: `test/package/run.ts` runs the install block's app from the
 * tarball, and the blocks that train or write files are run by hand (see the README's dates).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compilerOptions, root } from "./doc-examples/collect.js";

interface Block {
  /** The README line of the block's first code line (1-based). */
  readonly line: number;
  readonly code: string;
  /** The ```text block right after it, if any (the tour's expected tsc output). */
  readonly output: string | undefined;
}

/** The ```ts blocks of a Markdown text, each with the ```text block that follows it, if any. */
const tsBlocks = (markdown: string): Block[] => {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  const fenceEnd = (from: number): number => {
    let j = from;
    while (j < lines.length && !/^```\s*$/.test(lines[j] as string)) j++;
    return j;
  };
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i] as string)) continue;
    const end = fenceEnd(i + 1);
    const code = lines.slice(i + 1, end).join("\n");
    let k = end + 1;
    while (k < lines.length && !/^```/.test(lines[k] as string) && k < end + 6) k++;
    const output = lines[k] === "```text" ? lines.slice(k + 1, fenceEnd(k + 1)).join("\n") : undefined;
    blocks.push({ line: i + 2, code, output });
    i = end;
  }
  return blocks;
};

const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = tsBlocks(readme);
const dir = join(root, "out", "readme");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const fileOf = (b: Block): string => join(dir, b.output === undefined ? `readme-${b.line}.ts` : "tour.ts");
for (const b of blocks) writeFileSync(fileOf(b), `${b.code}\n`);
const program = ts.createProgram(blocks.map(fileOf), compilerOptions());
const checker = program.getTypeChecker();
const flatten = (d: ts.Diagnostic): string => ts.flattenDiagnosticMessageText(d.messageText, "\n");

/** What one block claims: the lines that must fail (with their messages) and the hover claims. */
const claims = (sf: ts.SourceFile) => {
  const errors: { line: number; message: string }[] = [];
  const hovers: { name: string; node: ts.Identifier; want: string }[] = [];
  const text = sf.text;
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line;
  const allLines = text.split("\n");
  for (const st of sf.statements) {
    const comment = ts.getTrailingCommentRanges(text, st.end)?.[0];
    if (comment === undefined) continue;
    const note = text.slice(comment.pos + 2, comment.end).trim();
    if (note.startsWith("compile error")) {
      // the message: the quoted text of the comment lines right under the statement
      const quoted: string[] = [];
      for (let l = lineOf(st.end) + 1; l < allLines.length && /^\s*\/\//.test(allLines[l] as string); l++) quoted.push((allLines[l] as string).replace(/^\s*\/\/\s?/, "").trim());
      const message = /"([\s\S]*)"/.exec(quoted.join(" "))?.[1];
      if (message === undefined) throw new Error(`${sf.fileName}:${lineOf(st.end) + 1}: a 'compile error' comment without the quoted message under it`);
      errors.push({ line: lineOf(st.getStart(sf)), message });
    }
    const hover = /^(Tensor<.*>)(\s+\(.*\))?$/.exec(note);
    if (hover !== null && ts.isVariableStatement(st)) {
      const decl = st.declarationList.declarations[0];
      if (decl !== undefined && ts.isIdentifier(decl.name)) hovers.push({ name: decl.name.text, node: decl.name, want: hover[1] as string });
    }
  }
  return { errors, hovers };
};

describe("README.md ts blocks compile as written, against the package's public entries", () => {
  it("finds the blocks (the install app, the tour, and the course's)", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    expect(blocks.filter((b) => b.output !== undefined)).toHaveLength(1);
  });

  for (const b of blocks) {
    const sf = program.getSourceFile(fileOf(b));
    if (sf === undefined) throw new Error(`no source file for README.md:${b.line}`);
    const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];

    if (b.output !== undefined) {
      it(`README.md:${b.line} (the tour): tsc's output is the text block under it`, () => {
        const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" };
        expect(ts.formatDiagnostics(diagnostics, host).trim()).toBe(b.output?.trim());
      });
      continue;
    }

    it(`README.md:${b.line}: compiles, except the lines marked 'compile error', which fail with the quoted message`, () => {
      const { errors } = claims(sf);
      const lineOf = (d: ts.Diagnostic): number => sf.getLineAndCharacterOfPosition(d.start ?? 0).line;
      const unexpected = diagnostics.filter((d) => !errors.some((e) => e.line === lineOf(d)));
      expect(unexpected.map((d) => `README.md:${b.line + lineOf(d)}: ${flatten(d)}`)).toEqual([]);
      for (const e of errors) {
        const got = diagnostics.filter((d) => lineOf(d) === e.line).map(flatten);
        expect(got.length, `README.md:${b.line + e.line} should not compile`).toBeGreaterThan(0);
        expect(got.join("\n"), `README.md:${b.line + e.line}`).toContain(e.message);
      }
    });
  }

  it("each `const x = …; // Tensor<…>` shows that type on hover", () => {
    const all = blocks.flatMap((b) => {
      const sf = program.getSourceFile(fileOf(b));
      return sf === undefined ? [] : claims(sf).hovers.map((h) => ({ ...h, block: b.line }));
    });
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const h of all) expect(checker.typeToString(checker.getTypeAtLocation(h.node)), `README.md block at ${h.block}: ${h.name}`).toBe(h.want);
  });
});
