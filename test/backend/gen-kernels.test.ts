/**
 * The generated kernel lists are not stale: the kernel name unions, the WASM op codes and the
 * generated regions of assembly/elementwise.ts equal what `npm run gen:kernels` writes from the
 * op registry now. A new elementwise op without a regenerated kernel table fails here (and, for
 * its name, at compile time).
 */
import { describe, expect, it } from "vitest";
import { constantOf, fillRegions, generated, kernels, stale } from "../../src/backend/wasm/gen-kernels.js";

describe("gen:kernels", () => {
  it("every generated file is up to date with the registry", () => {
    expect(stale(), "run npm run gen:kernels").toEqual([]);
  });

  it("every elementwise op of the registry has a code, a scalar kernel of both dtypes, a function per dtype and a dispatch case", () => {
    const { unary, binary } = kernels();
    const asm = generated().find((f) => f.path.endsWith("elementwise.ts"))?.content ?? "";
    for (const k of unary) {
      const c = constantOf(k.name);
      expect(asm).toContain(`case ${c}: return <T>(${k.wasm.f32});`);
      expect(asm).toContain(`case ${c}: return <T>(${k.wasm.f64});`);
      for (const t of ["f32", "f64"]) expect(asm).toContain(`function unary_${c}_${t}(x: usize, o: usize, n: i32): void { unaryLoop<${t}>(${c}, x, o, n); }`);
      expect(asm).toContain(`case ${c}: f = sizeof<T>() == 4 ? unary_${c}_f32 : unary_${c}_f64; break;`);
    }
    for (const k of binary) {
      const c = constantOf(k.name);
      for (const t of ["f32", "f64"]) expect(asm).toContain(`function binary_${c}_${t}(a: usize, b: usize, o: usize, rank: i32, meta: usize, then: i32): void { binaryRun<${t}>(${c}, `);
      expect(asm).toContain(`case ${c}: f = sizeof<T>() == 4 ? binary_${c}_f32 : binary_${c}_f64; break;`);
    }
  });

  it("a region's old body is replaced, and a missing region is an error", () => {
    expect(fillRegions("a\n// <gen:x>\nold\n// </gen:x>\nb", { x: "new" })).toBe("a\n// <gen:x>\nnew\n// </gen:x>\nb");
    expect(() => fillRegions("no regions", { x: "new" })).toThrow(/no region 'x'/);
    expect(constantOf("logSigmoid")).toBe("LOG_SIGMOID");
  });
});
