/**
 * `npm run bench:types`: what an editor pays for typegrad, measured through tsserver itself (the
 * server VS Code runs), on a consumer project that installs the packed tarball.
 *
 * - package: the consumer resolves `typegrad` to the package's `.d.ts` files (what users get);
 * - sources: the same consumer with `typegrad` mapped to this repository's TypeScript sources
 *   (what a consumer paid before the package shipped declarations);
 * - two floors in the same run, for comparison on a loaded machine: the same project with a file
 *   that imports nothing (the compiler and its lib alone), and one that imports only `io-ts`
 *   (which typegrad's codecs expose, with fp-ts's `Either` and its type classes behind it).
 *
 * For each: cold open (open the file, first quick info: program creation and checking, in wall
 * time and tsserver CPU time), then quick info after an edit (the median of 20 edits), and the
 * instantiation count of `tsc --extendedDiagnostics` on the same file. Prints a Markdown table.
 * Rounds alternate between the two setups, each in a fresh tsserver process.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const ROUNDS = Number(process.env.TYPEGRAD_EDITOR_ROUNDS ?? 3);
const EDITS = 20;
const work = mkdtempSync(join(tmpdir(), "typegrad-editor-"));

/** The consumer's file: a small typed model, as an app would write it. */
const source = `import { add, adam, dense, fit, matmul, mlp, randn, relu, rng, sequential, softmaxCrossEntropy, type Tensor, zeros } from "typegrad";

const g = rng(0);
const W = randn(g, [128, 784]);
const X = zeros([784, 32]);
const b = zeros([128, 1]);
export const Z = relu(add(matmul(W, X), b));
export const net = sequential([dense(784, 128, { activation: "relu" }), dense(128, 64, { activation: "relu" }), dense(64, 10)]);
export const model = mlp([784, 128, 64, 10], { hidden: "relu" });
export const params = model.init(g);
export const layer = (x: Tensor<[784, "m"]>): Tensor<[128, "m"]> => relu(add(matmul(W, x), b));
export const used = [fit, adam, softmaxCrossEntropy];
`;

/** The floors' files: the same lines for the edit and the quick infos, without typegrad. */
const floorSource = `const zeros = (s: readonly number[]) => s;
const X = zeros([784, 32]);
export const Z = X.length;
export const layer = (x: readonly number[]): number => x.length + X.length;
`;
const depsSource = `import * as t from "io-ts";
const zeros = (s: readonly number[]) => s;
const X = zeros([784, 32]);
export const Z = t.array(t.number).is(X);
export const layer = (x: readonly number[]): number => x.length + X.length;
`;

const setup = (): { pkg: string; src: string; floor: string; deps: string } => {
  const out = spawnSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`npm pack failed: ${out.stderr}`);
  const file = JSON.parse(out.stdout.slice(out.stdout.lastIndexOf("\n[\n") + 1))[0].filename as string;
  const strict = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, target: "ES2022", lib: ["ES2022"], types: [] };
  const pkg = join(work, "package");
  mkdirSync(pkg);
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies: { typegrad: `file:${join(work, file)}` } }));
  const inst = spawnSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: pkg, encoding: "utf8" });
  if (inst.status !== 0) throw new Error(`npm install failed: ${inst.stderr}`);
  writeFileSync(join(pkg, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true }, files: ["app.ts"] }));
  writeFileSync(join(pkg, "app.ts"), source);
  const src = join(work, "sources");
  cpSync(pkg, src, { recursive: true });
  const paths = { typegrad: [join(root, "src", "index.ts")] };
  writeFileSync(
    join(src, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext", skipLibCheck: true, paths, typeRoots: [join(root, "node_modules", "@types")], types: ["node"] },
      files: ["app.ts"],
    }),
  );
  const floor = join(work, "floor");
  const deps = join(work, "deps");
  for (const [dir, text] of [
    [floor, floorSource],
    [deps, depsSource],
  ] as const) {
    cpSync(pkg, dir, { recursive: true });
    writeFileSync(join(dir, "app.ts"), text);
  }
  return { pkg, src, floor, deps };
};

/** A tsserver process speaking its JSON protocol. */
class Server {
  private readonly p: ChildProcessWithoutNullStreams;
  private seq = 0;
  private buf = "";
  private readonly waiting = new Map<number, (body: unknown) => void>();
  constructor(cwd: string) {
    this.p = spawn(process.execPath, [join(root, "node_modules", "typescript", "lib", "tsserver.js"), "--disableAutomaticTypingAcquisition"], { cwd });
    this.p.stdout.setEncoding("utf8");
    this.p.stdout.on("data", (d: string) => {
      this.buf += d;
      for (;;) {
        const m = /Content-Length: (\d+)\r\n\r\n/.exec(this.buf);
        if (m === null) break;
        const start = m.index + m[0].length;
        const len = Number(m[1]);
        if (Buffer.byteLength(this.buf.slice(start)) < len) break;
        const body = Buffer.from(this.buf.slice(start)).subarray(0, len).toString();
        this.buf = Buffer.from(this.buf.slice(start)).subarray(len).toString();
        const msg = JSON.parse(body) as { type: string; request_seq?: number; body?: unknown };
        if (msg.type === "response" && msg.request_seq !== undefined) this.waiting.get(msg.request_seq)?.(msg.body);
      }
    });
  }
  request(command: string, args: unknown): Promise<unknown> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.p.stdin.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    });
  }
  notify(command: string, args: unknown): void {
    this.p.stdin.write(`${JSON.stringify({ seq: ++this.seq, type: "request", command, arguments: args })}\n`);
  }
  /** CPU seconds used by the server so far (Linux /proc). */
  cpu(): number {
    const f = readFileSync(`/proc/${this.p.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(f[11]) + Number(f[12])) / 100;
  }
  close(): void {
    this.p.kill();
  }
}

const measure = async (dir: string, source: string): Promise<{ openWall: number; openCpu: number; edit: number; hover: string }> => {
  const file = join(dir, "app.ts");
  const s = new Server(dir);
  const at = (needle: string) => {
    const lines = source.split("\n");
    const line = lines.findIndex((l) => l.includes(needle));
    return { file, line: line + 1, offset: (lines[line] as string).indexOf(needle) + 1 };
  };
  await s.request("configure", { preferences: {} });
  const cpu0 = s.cpu();
  const t0 = performance.now();
  s.notify("open", { file, fileContent: source });
  const info = (await s.request("quickinfo", at("Z ="))) as { displayString?: string } | undefined;
  const openWall = (performance.now() - t0) / 1000;
  const openCpu = s.cpu() - cpu0;
  const times: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    // an edit in the model (a dim changed and changed back), then quick info on its result
    const line = at("const X =").line;
    const dim = i % 2 === 0 ? "785" : "784";
    s.notify("change", { file, line, offset: 18, endLine: line, endOffset: 21, insertString: dim });
    const t = performance.now();
    await s.request("quickinfo", at("layer ="));
    times.push(performance.now() - t);
  }
  s.close();
  times.sort((a, b) => a - b);
  return { openWall, openCpu, edit: (times[Math.floor(times.length / 2)] as number) / 1000, hover: info?.displayString ?? "(none)" };
};

const instantiations = (dir: string): number => {
  const r = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", ".", "--extendedDiagnostics"], { cwd: dir, encoding: "utf8" });
  return Number(/Instantiations:\s+(\d+)/.exec(r.stdout)?.[1] ?? Number.NaN);
};

const { pkg, src, floor, deps } = setup();
const setups = [
  ["package (.d.ts)", pkg, source],
  ["sources (.ts)", src, source],
  ["floor: io-ts only (no typegrad)", deps, depsSource],
  ["floor: nothing imported", floor, floorSource],
] as const;
const rows: Record<string, { openWall: number[]; openCpu: number[]; edit: number[]; hover: string }> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, dir, text] of setups) {
    const m = await measure(dir, text);
    const row = rows[name] ?? { openWall: [], openCpu: [], edit: [], hover: m.hover };
    rows[name] = row;
    row.openWall.push(m.openWall);
    row.openCpu.push(m.openCpu);
    row.edit.push(m.edit);
  }
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(
  `\nEditor latency through tsserver (TypeScript ${JSON.parse(readFileSync(join(root, "node_modules", "typescript", "package.json"), "utf8")).version}), median of ${ROUNDS} fresh servers:\n`,
);
console.log("| typegrad as | cold open → first quick info (wall) | cold open (tsserver CPU) | quick info after an edit (median of 20) | tsc instantiations |");
console.log("|---|---|---|---|---|");
for (const [name, dir] of setups) {
  const r = rows[name];
  if (r === undefined) continue;
  console.log(`| ${name} | ${med(r.openWall).toFixed(2)} s | ${med(r.openCpu).toFixed(2)} s | ${(med(r.edit) * 1000).toFixed(0)} ms | ${instantiations(dir)} |`);
}
console.log(`\nhover on Z: ${rows["package (.d.ts)"]?.hover}`);
rmSync(work, { recursive: true, force: true });
