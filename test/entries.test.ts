import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entries } from "./entries.js";

const root = join(import.meta.dirname, "..");
const json = (f: string): unknown => JSON.parse(readFileSync(join(root, f), "utf8"));

describe("the entry points, one list (package.json exports)", () => {
  it("holds the six entries", () => {
    expect(entries.map((e) => e.name)).toEqual(["typegrad", "typegrad/node", "typegrad/laws", "typegrad/datasets", "typegrad/plot", "typegrad/onnx"]);
  });
  it("tsconfig.json's paths map each to its source", () => {
    const paths = (json("tsconfig.json") as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
    expect(paths).toEqual(Object.fromEntries(entries.map((e) => [e.name, [`./${e.src}`]])));
  });
  it("typedoc.json documents each", () => {
    expect((json("typedoc.json") as { entryPoints: string[] }).entryPoints).toEqual(entries.map((e) => e.src));
  });
  it("each has a CommonJS face", () => {
    const exports = (json("package.json") as { exports: Record<string, { require?: { default?: string } }> }).exports;
    for (const [sub, t] of Object.entries(exports)) if (sub !== "./package.json") expect(t.require?.default, sub).toMatch(/^\.\/dist\/src\/cjs\/\w+\.cjs$/);
  });
});
