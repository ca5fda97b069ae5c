/**
 * Type-checking cost of shape types on an explicit L-layer model. Run
 * `npx tsx test/types/perf/model.ts [layers] [--tsc]` (default 50 layers; not part of `npm test`). It generates, in a temporary
 * directory, one function holding an explicit model, in three variants:
 *
 * - `typed`: literal sizes and a named batch dim `"m"`, as users write models;
 * - `unknown`: the same typegrad code on `Tensor` (unknown shapes), so no rule does real work;
 * - `plain`: the same code over a declared shape-free DSL (no typegrad at all);
 *
 * and two programs: `forward` (relu(add(matmul(W, A), b)) per layer, 3 calls) and `step`
 * (forward, backward and an SGD update per layer, 15 calls). For each it reports, first, what the
 * editor pays on every edit of the model file: a fresh checker's semantic diagnostics of that
 * file alone (in process, CPU time, best of 3), with its instantiations; with `--tsc`, also the
 * numbers of `tsc --noEmit --extendedDiagnostics` for the forward model over the whole program
 * (library included, so subtract the `unknown` row to see what the shapes cost).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";

type Variant = "typed" | "unknown" | "plain";
type Program = "forward" | "step";

const root = join(import.meta.dirname, "..", "..", "..");
/** Layer sizes: all different, so no shape computation is served from the checker's caches. */
const dim = (l: number): number => (l === 0 ? 784 : 64 + l);

const plainDsl = [
  "type T = { readonly __t: true };",
  "declare function matmul(a: T, b: T): T;",
  "declare function add(a: T, b: T | number): T;",
  "declare function sub(a: T, b: T | number): T;",
  "declare function mul(a: T | number, b: T | number): T;",
  "declare function div(a: T, b: T | number): T;",
  "declare function gt(a: T, b: T | number): T;",
  "declare function relu(a: T): T;",
  "declare function transpose(a: T): T;",
  "declare function mean(a: T, axis?: number, keepDims?: boolean): T;",
  "declare function zeros(shape: readonly number[]): T;",
];

/** The source of an L-layer model. */
export const source = (variant: Variant, program: Program, layers: number): string => {
  const lib = JSON.stringify(join(root, "src", "index.js"));
  const lines = variant === "plain" ? [...plainDsl] : [`import { add, div, gt, matmul, mean, mul, relu, sub, type Tensor, transpose, zeros } from ${lib};`];
  const cast = variant === "unknown" ? " as Tensor" : "";
  for (let l = 1; l <= layers; l++) lines.push(`const W${l} = zeros([${dim(l)}, ${dim(l - 1)}])${cast};`, `const b${l} = zeros([${dim(l)}, 1])${cast};`);
  const t = (d: number): string => (variant === "typed" ? `Tensor<[${d}, "m"]>` : variant === "unknown" ? "Tensor" : "T");
  lines.push(program === "forward" ? `export function forward(A0: ${t(dim(0))}) {` : `export function step(A0: ${t(dim(0))}, Y: ${t(dim(layers))}) {`);
  for (let l = 1; l <= layers; l++) lines.push(`  const Z${l} = add(matmul(W${l}, A${l - 1}), b${l});`, `  const A${l} = relu(Z${l});`);
  if (program === "forward") {
    lines.push(`  return A${layers};`, "}");
    return `${lines.join("\n")}\n`;
  }
  lines.push(`  const dA${layers} = sub(A${layers}, Y);`);
  for (let l = layers; l >= 1; l--) {
    lines.push(
      `  const dZ${l} = mul(dA${l}, gt(Z${l}, 0));`,
      `  const dW${l} = div(matmul(dZ${l}, transpose(A${l - 1})), 32);`,
      `  const db${l} = mean(dZ${l}, 1, true);`,
      `  const dA${l - 1} = matmul(transpose(W${l}), dZ${l});`,
      `  const W${l}n = sub(W${l}, mul(0.1, dW${l}));`,
      `  const b${l}n = sub(b${l}, mul(0.1, db${l}));`,
    );
  }
  lines.push(`  return { dA0, ${Array.from({ length: layers }, (_, i) => `W${i + 1}n, b${i + 1}n`).join(", ")} };`, "}");
  return `${lines.join("\n")}\n`;
};

const repoOptions = (): ts.CompilerOptions => {
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
};

/** What a fresh checker pays for the model file's diagnostics (the editor's cost per edit). */
export const editorCost = (variant: Variant, program: Program, layers: number): { ms: number; instantiations: number; errors: string[] } => fileCost(source(variant, program, layers));

/** What a fresh checker pays for the diagnostics of a file of this text in test/types/perf (best of 3, CPU time). */
export const fileCost = (text: string): { ms: number; instantiations: number; errors: string[] } => {
  const file = join(root, "test", "types", "perf", "__model__.ts");
  const options = { ...repoOptions(), noEmit: true };
  let best = Number.POSITIVE_INFINITY;
  let instantiations = 0;
  let errors: string[] = [];
  for (let run = 0; run < 3; run++) {
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (f, v, ...rest) => (f === file ? ts.createSourceFile(f, text, v) : getSourceFile.call(host, f, v, ...rest));
    host.fileExists = (f) => f === file || fileExists.call(host, f);
    host.readFile = (f) => (f === file ? text : readFile.call(host, f));
    const p = ts.createProgram([file], options, host);
    const before = p.getInstantiationCount();
    const t0 = process.cpuUsage();
    const diags = p.getSemanticDiagnostics(p.getSourceFile(file));
    const { user, system } = process.cpuUsage(t0);
    best = Math.min(best, (user + system) / 1000);
    instantiations = p.getInstantiationCount() - before;
    errors = diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  }
  return { ms: Math.round(best), instantiations, errors };
};

/** `tsc --noEmit --extendedDiagnostics` over the whole program (the library is checked too). */
export const tscCost = (variant: Variant, program: Program, layers: number): Record<string, string> => ({ variant, ...tscCostOf(source(variant, program, layers)) });

/** `tsc --noEmit --extendedDiagnostics` over a program of one file of this text (the library is checked too). */
export const tscCostOf = (text: string): Record<string, string> => {
  const dir = mkdtempSync(join(tmpdir(), "typegrad-perf-"));
  try {
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(dir, "model.ts"), text);
    const { compilerOptions } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")) as { compilerOptions: object };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...compilerOptions, typeRoots: [join(root, "node_modules", "@types")] }, files: ["model.ts"] }));
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--extendedDiagnostics"], { encoding: "utf8" });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // errors elsewhere in the program (not the model) are not ours
    }
    const pick = (k: string): string => out.match(new RegExp(`^${k}:\\s+(.*)$`, "m"))?.[1]?.trim() ?? "?";
    return { instantiations: pick("Instantiations"), types: pick("Types"), check: pick("Check time"), total: pick("Total time") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv[1] === import.meta.filename) {
  const layers = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 50);
  const variants = ["plain", "unknown", "typed"] as const;
  for (const program of ["forward", "step"] as const) {
    console.log(`${program}, ${layers} layers: the model file's diagnostics, fresh checker (editor, per edit)`);
    console.table(
      variants.map((v) => {
        const r = editorCost(v, program, layers);
        if (r.errors.length > 0) throw new Error(`${v} ${program}: the generated model does not compile:\n${r.errors.slice(0, 3).join("\n")}`);
        return { variant: v, ms: r.ms, instantiations: r.instantiations };
      }),
    );
  }
  if (process.argv.includes("--tsc")) {
    console.log(`forward, ${layers} layers: tsc --noEmit --extendedDiagnostics (whole program, library included)`);
    console.table(variants.map((v) => tscCost(v, "forward", layers)));
  }
}
