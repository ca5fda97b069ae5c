/**
 * The code panel's checker: the TypeScript compiler in a worker, with typegrad's own declarations
 * (the built package's `.d.ts`, and fp-ts's and io-ts's), checking the edited program with the
 * repo's strict options. Shape mistakes come back with the op's message
 * (`sequential: layer 2 takes 7 inputs but layer 1 gives 8`). Loaded only when the panel is edited.
 */
import ts from "typescript";

const raw = (files: Record<string, unknown>): [string, string][] => Object.entries(files).map(([k, v]) => [`/${k.replace(/^(\.\.\/)+/, "")}`, v as string]);
const files = new Map<string, string>([
  ...raw(import.meta.glob(["../../../node_modules/typescript/lib/lib.es*.d.ts", "../../../node_modules/typescript/lib/lib.decorators*.d.ts"], { query: "?raw", import: "default", eager: true })),
  ...raw(import.meta.glob("../../../dist/src/**/*.d.ts", { query: "?raw", import: "default", eager: true })),
  ...raw(import.meta.glob("../../../node_modules/fp-ts/lib/*.d.ts", { query: "?raw", import: "default", eager: true })),
  ...raw(import.meta.glob("../../../node_modules/io-ts/lib/*.d.ts", { query: "?raw", import: "default", eager: true })),
  // what the program uses of its host
  ["/env.d.ts", "declare const console: { log(...data: unknown[]): void };\ndeclare const process: { readonly argv: readonly string[] };\n"],
]);
const MAIN = "/playground.ts";

const options: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  lib: ["lib.es2022.d.ts"],
  types: [],
  skipLibCheck: true,
  noEmit: true,
};

/** Where an import lands in the virtual file system (typegrad's entry, its relative files, fp-ts, io-ts). */
const resolve = (name: string, from: string): string | undefined => {
  const dts = (p: string): string | undefined => {
    const base = p.replace(/\.js$/, "");
    return [`${base}.d.ts`, `${base}/index.d.ts`].find((f) => files.has(f));
  };
  if (name === "typegrad") return "/dist/src/index.d.ts";
  if (name.startsWith(".")) {
    const parts = from.split("/").slice(0, -1);
    for (const seg of name.split("/")) {
      if (seg === "..") parts.pop();
      else if (seg !== ".") parts.push(seg);
    }
    return dts(parts.join("/"));
  }
  if (name === "io-ts") return "/node_modules/io-ts/lib/index.d.ts";
  if (name.startsWith("fp-ts/") || name.startsWith("io-ts/")) return dts(`/node_modules/${name}`);
  return undefined;
};

const cache = new Map<string, ts.SourceFile>();
let source = "";
let previous: ts.Program | undefined;

const host: ts.CompilerHost = {
  getSourceFile: (name, languageVersion) => {
    if (name === MAIN) return ts.createSourceFile(name, source, languageVersion, true);
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const text = files.get(name);
    if (text === undefined) return undefined;
    const sf = ts.createSourceFile(name, text, languageVersion, true);
    cache.set(name, sf);
    return sf;
  },
  getDefaultLibFileName: () => "/node_modules/typescript/lib/lib.es2022.d.ts",
  getDefaultLibLocation: () => "/node_modules/typescript/lib",
  writeFile: () => {},
  getCurrentDirectory: () => "/",
  getDirectories: () => [],
  getCanonicalFileName: (f) => f,
  useCaseSensitiveFileNames: () => true,
  getNewLine: () => "\n",
  fileExists: (f) => f === MAIN || files.has(f),
  readFile: (f) => (f === MAIN ? source : files.get(f)),
  resolveModuleNames: (names, from) =>
    names.map((n) => {
      const f = resolve(n, from);
      return f === undefined ? undefined : { resolvedFileName: f, extension: ts.Extension.Dts, isExternalLibraryImport: !f.startsWith("/dist/") };
    }),
};

export interface Diagnostic {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

self.onmessage = (e: MessageEvent<{ readonly id: number; readonly code: string }>) => {
  const t0 = performance.now();
  source = e.data.code;
  const program = ts.createProgram({ rootNames: [MAIN, "/env.d.ts"], options, host, ...(previous === undefined ? {} : { oldProgram: previous }) });
  previous = program;
  const sf = program.getSourceFile(MAIN) as ts.SourceFile;
  const diagnostics: Diagnostic[] = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
    const { line, character } = d.start === undefined ? { line: 0, character: 0 } : sf.getLineAndCharacterOfPosition(d.start);
    return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
  });
  (self as unknown as { postMessage(m: unknown): void }).postMessage({ id: e.data.id, diagnostics, ms: performance.now() - t0 });
};
(self as unknown as { postMessage(m: unknown): void }).postMessage({ id: 0, ready: true });
