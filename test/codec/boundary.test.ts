import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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

  it("the root entry's static import graph has no node:* module, nothing of src/node, and no dataset package", () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*? from "([^"]+)";/gms)) {
        const spec = m[1] as string;
        if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
        else external.add(spec);
      }
    };
    visit(join(src, "index.ts"));
    const files = [...seen].map((f) => relative(src, f));
    expect(files.length).toBeGreaterThan(80);
    expect(files.filter((f) => f.startsWith("node/") || f.startsWith("datasets/"))).toEqual([]);
    expect([...external].filter((m) => !m.startsWith("fp-ts/") && m !== "io-ts")).toEqual([]);
  });

  it("onnx-proto (an optional peer dependency) is imported only by src/onnx, and onnxruntime by nothing in src", () => {
    const rooms = readdirSync(src, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const all = rooms.flatMap(importsOf);
    expect(all.filter(([f, m]) => m.startsWith("onnx-proto") && !f.startsWith("onnx/")).map(([f]) => f)).toEqual([]);
    expect(all.filter(([, m]) => m.startsWith("onnxruntime")).map(([f]) => f)).toEqual([]);
    expect(all.some(([f, m]) => f === "onnx/proto.ts" && m === "onnx-proto")).toBe(true);
  });
});
