/**
 * The package's entry points, read from package.json's `exports` (the one list): each entry's
 * name as users import it, its source file and its built declarations. The API reports, the
 * doc-example harness and vitest's aliases read this; test/entries.test.ts checks that
 * tsconfig.json's `paths` and typedoc.json's entry points say the same.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Entry {
  /** As imported: `typegrad`, `typegrad/node`… */
  readonly name: string;
  /** The source file, relative to the repository root: `src/node/index.ts`. */
  readonly src: string;
  /** The built declarations: `dist/src/node/index.d.ts`. */
  readonly dts: string;
}

const root = join(import.meta.dirname, "..");

export const entries: readonly Entry[] = Object.entries(
  (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; exports: Record<string, string | { import?: { types?: string } }> }).exports,
).flatMap(([sub, target]) => {
  const dts = typeof target === "object" ? target.import?.types : undefined;
  if (dts === undefined) return [];
  const name = sub === "." ? "typegrad" : `typegrad/${sub.slice(2)}`;
  return [{ name, dts: dts.replace(/^\.\//, ""), src: dts.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts") }];
});
