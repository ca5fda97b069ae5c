/**
 * The WebGPU backend agrees with the reference backend, in Node through SwiftShader (a software
 * Vulkan driver from Debian's chromium packages; see test/backend/webgpu/swiftshader.ts and
 * `bench/swiftshader.sh`). The checks (`webgpu/agree.ts`) run in a child process, whose
 * environment must name the driver before it starts.
 *
 * Two runs of the same checks:
 * - headless Chromium (`--enable-unsafe-webgpu`, its SwiftShader adapter): every check must pass.
 * - Node with the `webgpu` package (Dawn) on SwiftShader, in a child process that reports each
 *   check as it finishes: every check must pass and the child must not crash. (Before the backend
 *   held its adapter object for the device's lifetime, the collector freeing it crashed the
 *   process inside the driver; should a crash come back, the run resumes once at the check that
 *   was running so that the report names it; a check that crashes it again fails the test.)
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swiftshaderDir, swiftshaderEnv } from "../../bench/swiftshader.js";
import type { Case } from "./webgpu/agree.js";

const root = new URL("../..", import.meta.url).pathname;
const dir = swiftshaderDir();

interface Outcome {
  readonly cases: (Case & { readonly index: number })[];
  readonly errors: string[];
  readonly crashes: string[];
  /** What the children wrote to stderr (the driver's own console messages would land here). */
  readonly stderr: string;
  readonly skip?: string;
  readonly adapter: string;
}

const runAll = (driverDir: string): Outcome => {
  const cases: (Case & { index: number })[] = [];
  const errors: string[] = [];
  const crashes: string[] = [];
  const crashesAt = new Map<number, number>();
  let from = 0;
  let adapter = "";
  let stderr = "";
  for (;;) {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "test/backend/webgpu/main.ts"), String(from)], {
      cwd: root,
      env: { ...swiftshaderEnv(driverDir), TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
      encoding: "utf8",
      timeout: 240_000,
      maxBuffer: 64 << 20,
    });
    stderr += r.stderr ?? "";
    let done = from - 1;
    for (const line of r.stdout.split("\n")) {
      const m = /^@@(case|skip|adapter) (?:(\d+) )?(.*)$/.exec(line);
      if (m === null) continue;
      if (m[1] === "skip") return { cases, errors, crashes, stderr, skip: JSON.parse(m[3] as string) as string, adapter };
      if (m[1] === "adapter") {
        adapter = JSON.parse(m[3] as string) as string;
        continue;
      }
      const i = Number(m[2]);
      const v = JSON.parse(m[3] as string) as Case | string;
      if (v === "done") done = i;
      else if (typeof v === "string") errors.push(v);
      else cases.push({ ...v, index: i });
    }
    if (r.status === 0 && r.signal === null) return { cases, errors, crashes, stderr, adapter };
    const at = done + 1;
    const n = (crashesAt.get(at) ?? 0) + 1;
    crashesAt.set(at, n);
    const tail = `${r.stderr ?? ""}`.trim().split("\n").slice(-2).join(" | ");
    crashes.push(`check ${at}: status ${r.status ?? r.signal}: ${tail}`);
    if (n >= 2) return { cases, errors, crashes, stderr, adapter };
    // drop the partial results of the check that was running; it runs again
    for (let k = cases.length - 1; k >= 0 && (cases[k] as { index: number }).index >= at; k--) cases.pop();
    from = at;
  }
};

describe("webgpu backend (Node, SwiftShader)", () => {
  if (dir === undefined) {
    it.skip("!!! SKIPPED: no SwiftShader Vulkan driver (apt-get install chromium, or run bench/swiftshader.sh); the WebGPU backend is untested in Node !!!", () => undefined);
    console.warn("\n!!! SKIPPED: WebGPU backend tests in Node: no SwiftShader Vulkan driver found (apt-get install chromium, or bash bench/swiftshader.sh) !!!\n");
    return;
  }
  it("every kernel agrees with the reference backend on small shapes, the MNIST model trains alike (3 Adam and 3 gd steps; fitAsync), the fused training kernels, WGSL errors, mixed backends and a lost device", () => {
    const out = runAll(dir);
    if (out.skip !== undefined) {
      console.warn(`\n!!! SKIPPED: WebGPU backend tests in Node: ${out.skip} !!!\n`);
      return;
    }
    if (out.crashes.length > 0)
      console.warn(
        `\n!!! webgpu in Node (${out.adapter}): the Dawn/SwiftShader child crashed ${out.crashes.length} time(s); ${out.cases.length} checks came back:\n  ${out.crashes.join("\n  ")} !!!\n`,
      );
    // a check that crashed the child twice (the run stops there: the checks after it never ran) is
    // a crash of typegrad's making, not the driver's rare one-off (which the rerun gets past)
    const twice = out.crashes.filter((c, i) => out.crashes.findIndex((d) => d.split(":")[0] === c.split(":")[0]) !== i);
    expect(twice).toEqual([]);
    expect(out.errors).toEqual([]);
    const bad = out.cases.filter((c) => !(c.err <= c.tol)).map((c) => `${c.name}: err ${c.err} > tol ${c.tol}`);
    expect(bad).toEqual([]);
    expect(out.cases.length).toBeGreaterThan(150);
    // a WGSL kernel that does not compile (one of the checks) is an exception, not console noise from the driver
    expect(out.stderr).not.toMatch(/Invalid (ComputePipeline|BindGroup|ShaderModule)|While (calling|validating)|unresolved value/);
  }, 600_000);
});

describe("bench:gpu", () => {
  it.runIf(dir !== undefined)(
    "runs its smoke sizes on the SwiftShader adapter",
    () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bench/gpu.ts"), "--smoke"], {
        cwd: root,
        env: { ...swiftshaderEnv(dir as string), TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
        encoding: "utf8",
        timeout: 300_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/best tile at N=64/);
      // the MLP step's GPU commands: 24 dispatches (the fused loss pullback, one sgdUpdate per parameter, cached scalars), one submit, one read
      expect(r.stdout).toMatch(/\| typegrad webgpu \| 32 \| [\d.]+ \| [\d.]+ \| [\d.e+]+ \| 24 \/ 1 \/ 1 \|/);
      // the conv layer's forward pass: the bias + relu epilogue ran on both methods (a grouped windows conv ends in a permute: not fused)
      expect(r.stdout).toMatch(/\| small 3×3 \| 2 \| [\d.]+ \| [\d.]+ \| [\d.]+× \| [\d.]+ \| [\d.]+ \| [\d.]+× \|/);
      expect(r.stdout).toMatch(/\| small depthwise \| 2 \| [\d.]+ \(not fused\) \| [\d.]+ \| [\d.]+× \| [\d.]+ \| /);
      expect(r.stdout).toMatch(/## targets \(issue 20\)/);
    },
    600_000,
  );
});

describe("bench:gpu-counts", () => {
  it.runIf(dir !== undefined)(
    "counts the GPU commands of an MLP step and of a fitAsync batch (the numbers in the README)",
    () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bench/gpu-counts.ts"), "--json"], {
        cwd: root,
        env: { ...swiftshaderEnv(dir as string), TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const rows = (JSON.parse(r.stdout.trim().split("\n").at(-1) as string) as { rows: Record<string, { dispatches: number; submits: number; reads: number }> }).rows;
      // before the fused kernels: 44, 146 and 61 dispatches
      expect(rows["trainStepAsync, gd: per step"]).toMatchObject({ dispatches: 24, submits: 1, reads: 1 });
      expect(rows["trainStepAsync, adam: per step"]?.dispatches).toBeLessThanOrEqual(98);
      expect(rows["fitAsync, gd: per batch"]).toMatchObject({ dispatches: 25, submits: 1, reads: 1 });
    },
    120_000,
  );
});
