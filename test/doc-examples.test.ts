/**
 * Every op file's module-level `@example` (the one that imports from "typegrad") is run, and
 * each line `expr // expected` is checked: `Tensor<[2, 3]>` checks the shape, anything else is a
 * literal compared with the value (`0.6931…` means "these digits, then more"). Docs cannot
 * drift from behaviour.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as fpFunction from "fp-ts/lib/function.js";
import { describe, expect, it } from "vitest";
import * as typegrad from "../src/index.js";

const dir = join(import.meta.dirname, "..", "src", "ops");

interface Example {
  readonly file: string;
  readonly names: readonly string[];
  readonly lines: readonly string[];
}

const exampleOf = (file: string): Example | undefined => {
  const text = readFileSync(join(dir, file), "utf8");
  const header = text.slice(0, text.indexOf("@module"));
  const at = header.indexOf("@example");
  if (at < 0) return undefined;
  const lines = header
    .slice(at + "@example".length)
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, ""))
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("/"));
  const imp = lines.find((l) => l.startsWith("import "));
  if (imp === undefined || !imp.includes('from "typegrad"')) return undefined;
  const names = (/\{([^}]*)\}/.exec(imp)?.[1] ?? "").split(",").map((s) => s.trim());
  return { file, names, lines: lines.filter((l) => l !== imp) };
};

/** A parsed expectation: a shape, or a value tree where `{ approx }` marks "digits, then more". */
type Expected = { kind: "shape"; dims: unknown } | { kind: "value"; value: unknown };

const parseExpected = (text: string): Expected => {
  const t = text.replace(/\s+\(.*\)\s*$/, "").trim();
  const shape = /^Tensor<(.*)>$/.exec(t);
  if (shape) return { kind: "shape", dims: JSON.parse(shape[1] as string) };
  return { kind: "value", value: JSON.parse(t.replace(/(-?\d+(?:\.\d+)?)…/g, '{"approx":"$1"}')) };
};

const matches = (got: unknown, want: unknown): boolean => {
  if (want !== null && typeof want === "object" && "approx" in want) {
    const digits = (want as { approx: string }).approx;
    const decimals = digits.split(".")[1]?.length ?? 0;
    return typeof got === "number" && Math.abs(got - Number(digits)) < 10 ** -decimals;
  }
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => matches(got[i], w));
  if (typeof want === "number") return typeof got === "number" && Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want));
  return got === want;
};

const examples = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .sort()
  .map(exampleOf)
  .filter((e): e is Example => e !== undefined);

describe("op documentation examples", () => {
  it("covers every op file that documents one", () => {
    expect(examples.length).toBeGreaterThanOrEqual(40);
  });
  for (const ex of examples) {
    it(`${ex.file}`, () => {
      const scope: Record<string, unknown> = { ...typegrad, pipe: fpFunction.pipe };
      const missing = ex.names.filter((n) => !(n in scope));
      expect(missing, `${ex.file} imports names typegrad does not export`).toEqual([]);
      const checks: { line: string; got: unknown; want: Expected }[] = [];
      const body = ex.lines
        .map((line, i) => {
          const cut = line.indexOf(" // ");
          if (cut < 0) return line;
          const code = line.slice(0, cut).trim();
          const decl = /^const (\w+) = (.*)$/.exec(code);
          const expr = decl ? (decl[2] as string) : code;
          const bind = decl ? `const ${decl[1]} = __v${i}; ` : "";
          return `const __v${i} = ${expr}; __check(${i}, __v${i}); ${bind}`;
        })
        .join("\n");
      const run = new Function(...Object.keys(scope), "__check", body);
      run(...Object.values(scope), (i: number, got: unknown) => {
        const line = ex.lines[i] as string;
        checks.push({ line, got, want: parseExpected(line.slice(line.indexOf(" // ") + 4)) });
      });
      expect(checks.length, `${ex.file} has no checked line`).toBeGreaterThan(0);
      for (const { line, got, want } of checks) {
        if (want.kind === "shape") {
          expect(typegrad.isTensor(got), line).toBe(true);
          expect([...(got as typegrad.Tensor).shape], line).toEqual(want.dims);
        } else {
          expect(matches(got, want.value), `${line}\n  got ${JSON.stringify(got)}`).toBe(true);
        }
      }
    });
  }
});
