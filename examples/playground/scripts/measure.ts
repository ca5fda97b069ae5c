/**
 * `npm run bench:playground`: how fast the playground trains while it draws, in headless
 * Chromium: a 6 × 8 tanh network on the 500-point spiral, playing for a while, then the worker's
 * optimizer steps per second and the page's frames per second in which every heatmap (each
 * neuron's, the output's) and every link was redrawn, sampled each second. A measurement, not a
 * test: it prints numbers (median and worst of the samples) and the machine's load.
 *
 * Options: `--seconds N` per setup (default 6, after 2 s of warm-up); `--cores N` pins Chromium to
 * the first N cores with `taskset` (default 2).
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
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
const browser = await chromium.launch({
  executablePath: taskset ? "/usr/bin/taskset" : chromiumPath,
  args: [...(taskset ? ["-c", `0-${cores - 1}`, chromiumPath] : []), "--no-sandbox", "--disable-gpu"],
  ignoreDefaultArgs: false,
});
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Chromium on ${taskset ? `cores 0-${cores - 1}` : "all cores"}, load average ${loadavg()[0]?.toFixed(1)} before`);
try {
  for (const [name, hash] of setups) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await open(page, url, hash);
    const threads = await page.getAttribute("#status", "data-threads");
    await page.click("#play");
    await page.waitForTimeout(2000);
    const samples: { fps: number; stepsPerSec: number }[] = [];
    for (let s = 0; s < seconds; s++) {
      await page.waitForTimeout(1000);
      samples.push((await page.evaluate("window.playground.stats()")) as { fps: number; stepsPerSec: number });
    }
    const { steps, epoch } = (await page.evaluate("window.playground.stats()")) as { steps: number; epoch: number };
    await page.click("#play");
    const sps = samples.map((x) => x.stepsPerSec);
    const fps = samples.map((x) => x.fps);
    console.log(
      `${name}: ${median(sps).toFixed(0)} steps/s (worst ${Math.min(...sps).toFixed(0)}), ${median(fps)} fps with every heatmap redrawn (worst ${Math.min(...fps)}); ${steps} steps, epoch ${epoch}; WASM threads ${threads}`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`load average ${loadavg()[0]?.toFixed(1)} after`);
