/**
 * `npm run bench:playground`: how fast the playground trains while it draws, in headless
 * Chromium: a 6 × 8 tanh network on the 500-point spiral, playing for a while, then the worker's
 * optimizer steps per second and the page's frames per second in which every heatmap (each
 * neuron's, the output's) and every link was redrawn, sampled each second. A measurement, not a
 * test: it prints numbers (median and worst of the samples) and the machine's load.
 *
 * Wall-clock rates depend on what else the machine runs, so it also reads the CPU time each
 * Chromium thread used over the samples (/proc, Linux) and prints the cost per step (the worker
 * thread) and per frame (the page's main thread, the compositor, the display compositor): the
 * rates one free core each for the worker and the page would give.
 *
 * Options: `--seconds N` per setup (default 6, after 2 s of warm-up); `--cores N` pins Chromium to
 * the first N cores with `taskset` (default 2, when the machine has more).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "./drive.js";
import { buildSite, chromiumPath, serve } from "./site.js";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const seconds = arg("seconds", 6);
const cores = arg("cores", 2);
if (chromiumPath === undefined) throw new Error("bench:playground needs Chromium at /usr/bin/chromium (apt-get install chromium)");

const net = "layers=8,8,8,8,8,8&activation=tanh&features=x1,x2&optimizer=sgd&lr=0.03&seed=1";
const setups: readonly [string, string][] = [
  ["500 points, mini-batch 10", `#data=spiral&points=500&trainRatio=50&regime=minibatch&batch=10&${net}`],
  ["500 points, full batch (250 training points)", `#data=spiral&points=500&trainRatio=50&regime=full&${net}`],
  ["1000 points, full batch of 500", `#data=spiral&points=1000&trainRatio=50&regime=full&${net}`],
];

const dir = buildSite();
const { server, url } = await serve(dir, 0);
const { chromium } = await import("playwright-core");
const taskset = spawnSync("taskset", ["--version"]).status === 0 && cores > 0 && cores < cpus().length;
const profile = mkdtempSync(join(tmpdir(), "playground-measure-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: taskset ? "/usr/bin/taskset" : chromiumPath,
  args: [...(taskset ? ["-c", `0-${cores - 1}`, chromiumPath] : []), "--no-sandbox", "--disable-gpu"],
  viewport: { width: 1280, height: 900 },
});

// -------------------------------------------------------------------------------------
// CPU time per thread of this Chromium (/proc)
// -------------------------------------------------------------------------------------

const read = (p: string): string => {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
};
const procs = (): { pid: number; ppid: number; cmd: string }[] =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      const stat = read(`/proc/${d}/stat`);
      return { pid: Number(d), ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]), cmd: read(`/proc/${d}/cmdline`).replace(/\0/g, " ") };
    });
/** CPU seconds by thread kind (renderer main, worker, compositor, display compositor, other) of the browser using `profile`. */
const cpuByThread = (): Map<string, number> => {
  const all = procs();
  const mine = new Set(all.filter((p) => p.cmd.includes(profile)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  const out = new Map<string, number>();
  const tick = 100;
  for (const pid of mine) {
    const type = /--type=([\w-]+)/.exec(all.find((p) => p.pid === pid)?.cmd ?? "")?.[1] ?? "browser";
    const dir = `/proc/${pid}/task`;
    if (!existsSync(dir)) continue;
    for (const tid of readdirSync(dir)) {
      const stat = read(`${dir}/${tid}/stat`);
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const secs = (Number(f[11]) + Number(f[12])) / tick;
      const comm = read(`${dir}/${tid}/comm`).trim();
      const kind =
        type === "renderer" && Number(tid) === pid
          ? "page main thread"
          : type === "renderer" && /DedicatedWorker/i.test(comm)
            ? "training worker"
            : type === "renderer" && /^ThreadPoolForeg/.test(comm)
              ? "raster"
              : type === "renderer" && /Compositor/i.test(comm)
                ? "compositor"
                : type === "gpu-process"
                  ? "display compositor (GPU process)"
                  : "other";
      out.set(kind, (out.get(kind) ?? 0) + secs);
    }
  }
  return out;
};
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Chromium on ${taskset ? `cores 0-${cores - 1}` : "all cores"}, load average ${loadavg()[0]?.toFixed(1)} before`);
try {
  for (const [name, hash] of setups) {
    const page = await browser.newPage();
    await open(page, url, hash);
    await page.click("#play");
    await page.waitForTimeout(2000);
    const samples: { fps: number; stepsPerSec: number }[] = [];
    const cpu0 = cpuByThread();
    const t0 = performance.now();
    const s0 = (await page.evaluate("window.playground.stats()")) as { steps: number; frames: number };
    for (let s = 0; s < seconds; s++) {
      await page.waitForTimeout(1000);
      samples.push((await page.evaluate("window.playground.stats()")) as { fps: number; stepsPerSec: number });
    }
    const { steps, epoch, frames } = (await page.evaluate("window.playground.stats()")) as { steps: number; epoch: number; frames: number };
    // read after playing: the pool's workers start after ready(), and the page reports them then
    const threads = await page.getAttribute("#status", "data-threads");
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = cpuByThread();
    await page.click("#play");
    const sps = samples.map((x) => x.stepsPerSec);
    const fps = samples.map((x) => x.fps);
    console.log(
      `${name}: ${median(sps).toFixed(0)} steps/s (worst ${Math.min(...sps).toFixed(0)}), ${median(fps)} fps with every heatmap redrawn (worst ${Math.min(...fps)}); ${steps} steps, epoch ${epoch}; WASM threads ${threads}`,
    );
    const used = [...cpu1].map(([k, v]) => [k, v - (cpu0.get(k) ?? 0)] as const).sort((a, b) => b[1] - a[1]);
    const dSteps = steps - s0.steps;
    const dFrames = frames - s0.frames;
    const worker = used.find(([k]) => k === "training worker")?.[1] ?? 0;
    const drawing = used.filter(([k]) => k !== "training worker" && k !== "other").reduce((a, [, v]) => a + v, 0);
    console.log(`  CPU over ${wall.toFixed(1)} s: ${used.map(([k, v]) => `${k} ${((100 * v) / wall).toFixed(0)}%`).join(", ")}`);
    if (worker > 0 && drawing > 0 && dFrames > 0)
      console.log(
        `  cost: ${((1000 * worker) / dSteps).toFixed(2)} ms of worker CPU per step (snapshots included) = ${(dSteps / worker).toFixed(0)} steps/s on a free core; ${((1000 * drawing) / dFrames).toFixed(1)} ms of CPU per frame (page main thread, raster, compositors) = ${(dFrames / drawing).toFixed(0)} fps on a free core`,
      );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`load average ${loadavg()[0]?.toFixed(1)} after`);
