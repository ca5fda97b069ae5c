/**
 * The WebGPU backend agrees with the reference backend in headless Chromium
 * (`--enable-unsafe-webgpu`, its SwiftShader adapter where there is no GPU): the checks of
 * `webgpu/agree.ts`, bundled by esbuild and run in a page (`webgpu/browser.ts`). Skipped, loudly,
 * where there is no Chromium. The same checks run in Node in `webgpu.test.ts`.
 */
import { describe, expect, it } from "vitest";
import { runInChromium } from "./webgpu/browser.js";

describe("webgpu backend (headless Chromium)", () => {
  it("every kernel agrees with the reference backend on small shapes, the MNIST model trains alike (3 Adam and 3 gd steps; fitAsync), the fused training kernels, WGSL errors, mixed backends and a lost device", async () => {
    const r = await runInChromium();
    if (r.skip !== undefined) {
      console.warn(`\n!!! SKIPPED: WebGPU backend tests in Chromium: ${r.skip} !!!\n`);
      return;
    }
    expect(r.errors ?? []).toEqual([]);
    const bad = (r.cases ?? []).filter((c) => !(c.err <= c.tol)).map((c) => `${c.name}: err ${c.err} > tol ${c.tol}`);
    expect(bad).toEqual([]);
    expect(r.cases?.length ?? 0).toBeGreaterThan(150);
  }, 600_000);
});
