import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "..", "src");
const importsOf = (dir: string): [string, string][] =>
  readdirSync(join(src, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => [...readFileSync(join(src, dir, f), "utf8").matchAll(/^(?:import|export)[^;]*? from "([^"]+)";/gms)].map((m): [string, string] => [`${dir}/${f}`, m[1] as string]));

describe("module boundaries", () => {
  it("src/codec is browser-safe: no node:* imports, nothing from src/node", () => {
    const imports = importsOf("codec");
    expect(imports.length).toBeGreaterThan(20);
    expect(imports.filter(([, m]) => m.startsWith("node:") || m.includes("/node/") || ["fs", "path", "os", "crypto"].includes(m))).toEqual([]);
  });

  it("the main entry point does not pull in typegrad/node", () => {
    const index = readFileSync(join(src, "index.ts"), "utf8");
    expect(index).toContain('export * from "./codec/index.js";');
    expect(index).not.toMatch(/from "\.\/node\//);
    expect(JSON.parse(readFileSync(join(src, "..", "package.json"), "utf8")).exports["./node"]).toBe("./src/node/index.ts");
  });
});
