/**
 * Type-checker cost: generated L-layer typed models (chains of matmul/add/relu in typed
 * functions, importing typegrad) against an untyped control of the same code over a plain
 * `T` type, checked by `tsc --extendedDiagnostics` (TypeScript 5.9 from node_modules; 7 via npx
 * when it installs from npm). Files go to build/bench/typecheck (gitignored).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface CheckRow {
  readonly compiler: string;
  readonly model: string;
  readonly layers: number;
  readonly check_s: number;
  readonly total_s: number;
  readonly instantiations: number;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "build", "bench", "typecheck");

const typed = (L: number): string => {
  const lines = [
    'import { add } from "../../../src/ops/add.js";',
    'import { matmul } from "../../../src/ops/matmul.js";',
    'import { relu } from "../../../src/ops/relu.js";',
    'import type { Tensor } from "../../../src/tensor/tensor.js";',
    "",
  ];
  for (let i = 0; i < L; i++) {
    lines.push(`export function layer${i}(x: Tensor<[128, 64]>, W: Tensor<[64, 64]>, b: Tensor<[64]>): Tensor<[128, 64]> {`);
    lines.push("  return relu(add(matmul(x, W), b));", "}");
  }
  lines.push("export function model(x: Tensor<[128, 64]>, W: Tensor<[64, 64]>, b: Tensor<[64]>): Tensor<[128, 64]> {", "  let h = x;");
  for (let i = 0; i < L; i++) lines.push(`  h = layer${i}(h, W, b);`);
  lines.push("  return h;", "}");
  return lines.join("\n");
};

const untyped = (L: number): string => {
  const lines = ["type T = { readonly shape: readonly number[] };", "declare function matmul(a: T, b: T): T;", "declare function add(a: T, b: T): T;", "declare function relu(a: T): T;", ""];
  for (let i = 0; i < L; i++) lines.push(`export function layer${i}(x: T, W: T, b: T): T {`, "  return relu(add(matmul(x, W), b));", "}");
  lines.push("export function model(x: T, W: T, b: T): T {", "  let h = x;");
  for (let i = 0; i < L; i++) lines.push(`  h = layer${i}(h, W, b);`);
  lines.push("  return h;", "}");
  return lines.join("\n");
};

const tsconfig = (file: string) =>
  JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] }, files: [file] });

const parse = (out: string, key: string): number => {
  const m = out.match(new RegExp(`^${key}:\\s+([\\d.]+)`, "m"));
  return m === null ? Number.NaN : Number(m[1]);
};

/** Run `cmd args` in the model folder; rows for every model. */
export const typecheckCost = (compilers: readonly { name: string; cmd: string; args: readonly string[] }[], layers: readonly number[] = [10, 50, 200]): { rows: CheckRow[]; notes: string[] } => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rows: CheckRow[] = [];
  const notes: string[] = [];
  const models: [string, number, string][] = [
    ["typed", 0, typed(0)],
    ...layers.flatMap((L) => [["typed", L, typed(L)] as [string, number, string], ["untyped", L, untyped(L)] as [string, number, string]]),
  ];
  for (const [kind, L, src] of models) {
    const name = `${kind}${L}`;
    writeFileSync(join(dir, `${name}.ts`), src);
    writeFileSync(join(dir, `${name}.json`), tsconfig(`${name}.ts`));
  }
  for (const c of compilers) {
    for (const [kind, L] of models) {
      const name = `${kind}${L}`;
      try {
        const out = execFileSync(c.cmd, [...c.args, "-p", join(dir, `${name}.json`), "--extendedDiagnostics"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
        rows.push({ compiler: c.name, model: kind, layers: L, check_s: parse(out, "Check time"), total_s: parse(out, "Total time"), instantiations: parse(out, "Instantiations") });
      } catch (e) {
        const err = e as { stdout?: string; message: string };
        notes.push(`${c.name} ${name}: ${(err.stdout ?? err.message).split("\n").slice(0, 3).join(" ")}`);
        break;
      }
    }
  }
  return { rows, notes };
};
