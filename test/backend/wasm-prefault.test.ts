/**
 * `ready()` makes resident the WASM memory a first training step writes (the ring past its head,
 * the gemm scratch areas), so that step does not take its page faults one by one
 * (src/backend/wasm/memory.ts `prefault`, `touchPages`; src/backend/wasm/runtime.ts). Touching a
 * page writes one byte of it: these tests hold it to the bytes that hold nothing (exactly one byte
 * a page, none outside the range, nothing once the ring has wrapped and blocks lie past its head)
 * and check that tensors made before `ready()` come through it intact in a fresh process.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Arena, type Block, type Placed, touchPages } from "../../src/backend/wasm/memory.js";
import { type WasmMemory, wasmApi } from "../../src/backend/wasm/webassembly.js";

const PAGE = 4096;
const KiB = 1024;
const MiB = 1 << 20;

/** The indices where `after` differs from `before`. */
const changed = (before: Uint8Array, after: Uint8Array): number[] => {
  const out: number[] = [];
  for (let i = 0; i < after.length; i++) if (before[i] !== after[i]) out.push(i);
  return out;
};

/** A float32 storage of `n` elements, not resident. */
const storage = (n: number): Placed => ({ dtype: "float32", length: n, ptr: -1, host: undefined, pin: 0, dead: false, block: undefined });

/** An arena of `capacity` ring bytes over fresh memory, its bytes past `start` set to `fill`. */
const arena = (capacity: number, fill: number): { a: Arena; memory: WasmMemory } => {
  if (wasmApi === undefined) throw new Error("no WebAssembly");
  const memory = new wasmApi.Memory({ initial: 1 });
  const a = new Arena(memory, PAGE, capacity);
  a.ensure(PAGE + capacity + 2 * MiB);
  a.u8.fill(fill, PAGE);
  return { a, memory };
};

/** Place a storage of `n` float32 elements in its own kernel call and fill it with `v`. */
const put = (a: Arena, n: number, v: number): Placed => {
  a.begin();
  const p = storage(n);
  a.output(p, n * 4);
  a.f32.fill(v, p.ptr / 4, p.ptr / 4 + n);
  return p;
};

describe("touchPages", () => {
  it("writes one zero per page of [from, to): at `from` in the first page, at each page's start after it, nothing outside", () => {
    for (const [from, to] of [
      [100, 9000],
      [0, PAGE],
      [PAGE, 3 * PAGE],
      [PAGE - 1, PAGE + 1],
      [5000, 5001],
      [7000, 7000],
    ] as const) {
      const u8 = new Uint8Array(6 * PAGE).fill(0xab);
      const before = u8.slice();
      touchPages(u8, from, to);
      const want: number[] = [];
      for (let p = Math.floor(from / PAGE) * PAGE; p < to; p += PAGE) want.push(Math.max(p, from));
      expect(changed(before, u8), `[${from}, ${to})`).toEqual(want);
      // every page the range overlaps has had a byte written
      const pages = new Set(want.map((i) => Math.floor(i / PAGE)));
      for (let i = from; i < to; i++) expect(pages.has(Math.floor(i / PAGE))).toBe(true);
    }
  });
});

describe("Arena.prefault", () => {
  it("touches the ring past the head, one byte a page, up to `bytes` and the ring's end, leaving every block's bytes alone", () => {
    const { a } = arena(4 * MiB, 0xab);
    const blocks = [put(a, 1000, 1.5), put(a, 3000, -2), put(a, 40_000, 3.25)];
    const last = blocks[2] as Placed;
    const head = last.ptr + (last.block as Block).size;
    const before = a.u8.slice();
    expect(a.prefault(256 * KiB)).toBe(256 * KiB);
    const diff = changed(before, a.u8);
    expect(diff.length).toBe(64 + (head % PAGE === 0 ? 0 : 1));
    expect(Math.min(...diff)).toBe(head);
    expect(Math.max(...diff)).toBeLessThan(head + 256 * KiB);
    for (const [p, v] of blocks.map((b, i) => [b, [1.5, -2, 3.25][i]] as const)) expect(a.f32.subarray(p.ptr / 4, p.ptr / 4 + p.length).every((x) => x === v)).toBe(true);
    // bounded by the ring's span (a quarter of the capacity at first)
    const span = a.stats().ringSpan;
    expect(span).toBe(1 * MiB);
    expect(a.prefault(64 * MiB)).toBeLessThanOrEqual(span);
    expect(a.prefault(64 * MiB)).toBeGreaterThan(span - 200 * KiB);
  });

  it("touches nothing once the head has wrapped (blocks may lie past it)", () => {
    const { a } = arena(4 * MiB, 0xab);
    const n = 8 * KiB; // 32 KiB blocks: 32 fill the 1 MiB ring
    for (let i = 0; i < 40; i++) put(a, n, i);
    expect(a.stats().evictions).toBeGreaterThan(0);
    const before = a.u8.slice();
    expect(a.prefault(MiB)).toBe(0);
    expect(changed(before, a.u8)).toEqual([]);
  });
});

describe("ready() in a fresh process", () => {
  it("leaves tensors made before it intact (its pool jobs and its touching of memory write only memory that holds nothing)", () => {
    const root = join(import.meta.dirname, "..", "..");
    const program = `
(async () => {
  const tg = await import("./src/index.ts");
  // a 1 MiB ring, which twelve tensors of 100 KB fill and wrap round: the older ones lie past its head
  tg.configureWasm({ ringBytes: ${MiB} });
  const n = 25000;
  const values = (k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + k * n));
  const xs = Array.from({ length: 12 }, (_, k) => tg.fromArray([n], values(k)));
  const ys = xs.map((x) => tg.sigmoid(x));
  const want = ys.map((y) => Array.from(tg.toFlat(y)));
  const wrapped = tg.wasmStats().evictions > 0;
  await tg.ready();
  const same = xs.every((x, k) => { const v = values(k); return Array.from(tg.toFlat(x)).every((e, i) => e === v[i]); }) && ys.every((y, k) => Array.from(tg.toFlat(y)).every((e, i) => e === want[k][i]));
  console.log(JSON.stringify({ backend: tg.getBackend().name, wrapped, same }));
})();`;
    const { TYPEGRAD_BACKEND: _, ...env } = process.env;
    const out = execFileSync(join(root, "node_modules", ".bin", "tsx"), ["--eval", program], { cwd: root, env, encoding: "utf8" })
      .trim()
      .split("\n")
      .pop() as string;
    expect(JSON.parse(out)).toEqual({ backend: "wasm", wrapped: true, same: true });
  });
});
