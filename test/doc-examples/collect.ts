/**
 * Finds the `@example`s of every public export of every entry point with the TypeScript compiler
 * API: for each entry file, each exported symbol (aliases resolved), the `@example` tags of its
 * declarations. `npx tsx test/doc-examples/collect.ts` lists the exports that lack one.
 */
import { join, relative } from "node:path";
import ts from "typescript";
import { entries as packageEntries } from "../entries.js";

export const root = join(import.meta.dirname, "..", "..");

/** The package's entry points: the name a user imports and the source file it resolves to. */
export const entries = packageEntries.map((e) => ({ name: e.name, file: e.src }));

/** An example's first line that says it is only type-checked (it cannot run in the test process). */
export const typecheckOnly = "// typecheck-only";

export interface DocExample {
  /** `typegrad:matmul#0`: entry, export name, index of the example among the export's. */
  readonly id: string;
  readonly entry: string;
  readonly name: string;
  /** Where the example is written, relative to the repo root, with its line. */
  readonly source: string;
  readonly code: string;
  readonly run: boolean;
}

export interface PublicExport {
  readonly entry: string;
  readonly name: string;
  /** Relative path of the declaring file. */
  readonly file: string;
  /** A value (function, constant, class, namespace), not only a type. */
  readonly isValue: boolean;
  readonly examples: readonly DocExample[];
  /** The JSDoc tag names of its declarations (`category`, `internal`…); a namespace's are its `@module` comment's. */
  readonly tags: readonly string[];
}

/** The repo's compiler options (strict, the package-name paths), for type-checking examples. */
export const compilerOptions = (): ts.CompilerOptions => {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error("cannot read tsconfig.json");
  return { ...parsed.options, noEmit: true };
};

/** The code of one `@example` tag: the fenced block if there is one, else the whole text. */
const exampleCode = (raw: string): string => {
  const lines = raw
    .replace(/^@example/, "")
    .replace(/\*\/\s*$/, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\*( |$)/, ""));
  const text = lines.join("\n");
  const fenced = /```(?:ts|typescript)?\n([\s\S]*?)```/.exec(text);
  return (fenced ? (fenced[1] as string) : text).trim();
};

/** The first JSDoc comment of a file (its `@module` comment: the doc of `export * as ns`). */
const moduleComment = (sf: ts.SourceFile): ts.JSDoc | undefined => {
  const first = sf.statements[0];
  return first === undefined ? undefined : ts.getJSDocCommentsAndTags(first).find((d): d is ts.JSDoc => ts.isJSDoc(d) && /@module/.test(d.getText(sf)));
};

const examplesOf = (decl: ts.Node, sf: ts.SourceFile): string[] =>
  (ts.isSourceFile(decl) ? (moduleComment(decl)?.tags ?? []) : ts.getJSDocTags(decl)).filter((t) => t.tagName.text === "example").map((t) => exampleCode(sf.text.slice(t.getStart(sf), t.end)));

export const collect = (
  program: ts.Program = ts.createProgram(
    entries.map((e) => join(root, e.file)),
    compilerOptions(),
  ),
): PublicExport[] => {
  const checker = program.getTypeChecker();
  const out: PublicExport[] = [];
  for (const e of entries) {
    const sf = program.getSourceFile(join(root, e.file));
    const mod = sf && checker.getSymbolAtLocation(sf);
    if (mod === undefined) throw new Error(`cannot read the exports of ${e.file}`);
    for (const exp of checker.getExportsOfModule(mod)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const decls = sym.declarations ?? [];
      const first = decls[0];
      if (first === undefined) continue;
      const name = exp.getName();
      const seen = new Set<string>();
      const examples: DocExample[] = [];
      for (const d of decls) {
        const dsf = d.getSourceFile();
        for (const code of examplesOf(d, dsf)) {
          if (seen.has(code)) continue;
          seen.add(code);
          const line = dsf.getLineAndCharacterOfPosition(d.getStart(dsf)).line + 1;
          examples.push({
            id: `${e.name}:${name}#${examples.length}`,
            entry: e.name,
            name,
            source: `${relative(root, dsf.fileName)}:${line}`,
            code,
            run: !code.startsWith(typecheckOnly),
          });
        }
      }
      const isValue = (sym.flags & (ts.SymbolFlags.Value | ts.SymbolFlags.ValueModule)) !== 0;
      const tags = decls.flatMap((d) => (ts.isSourceFile(d) ? (moduleComment(d)?.tags ?? []) : ts.getJSDocTags(d))).map((t) => t.tagName.text);
      out.push({ entry: e.name, name, file: relative(root, first.getSourceFile().fileName), isValue, examples, tags });
    }
  }
  return out;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const all = collect();
  const values = all.filter((x) => x.isValue);
  const missing = values.filter((x) => x.examples.length === 0);
  const noImport = values.filter((x) => x.examples.length > 0 && x.examples.some((ex) => !/^(\/\/.*\n)*import /.test(ex.code)));
  console.log(`${all.length} exports, ${values.length} values, ${missing.length} without an example, ${noImport.length} with an example not starting with its import`);
  for (const x of missing) console.log(`missing  ${x.entry} ${x.name} (${x.file})`);
  for (const x of noImport) console.log(`noimport ${x.entry} ${x.name} (${x.file})`);
}
