/**
 * `npm run test:playground`: the playground page in headless Chromium (Debian's `chromium`
 * through `playwright-core`; skipped, loudly, where it is not installed). Builds the page
 * (examples/playground/scripts/site.ts), serves it with COOP/COEP, and drives it as a person
 * would, by its buttons:
 *
 * - a URL state for the 2-class spiral: the page comes up on the WASM backend in a worker, with
 *   as many WASM threads as the host has cores (the page is cross-origin isolated);
 *   pressing Step (one epoch each) a fixed number of times brings the test loss below 0.1;
 * - the same URL, reloaded, gives the same losses after the same steps, to the last bit;
 * - switching the data set to the 3-arm spiral (softmax over 3 outputs) resets the network and
 *   the loss falls with Step;
 * - the gradient check runs the law kit on every layer: every law holds, worst relative error
 *   below 1e-6;
 * - the code panel, made editable: the generated program type-checks in the page's TypeScript
 *   worker, and a layer that does not fit is reported with the sequential message;
 * - at phone width (390 px) nothing overflows the page sideways but the network's own scroller.
 *
 * No wall-clock assertion: the budgets are in steps. Prints one line per check and
 * `playground: N passed, N failed`.
 */
import { open, pressStep, SPIRAL, testLoss } from "../../examples/playground/scripts/drive.js";
import { buildSite, chromiumPath, serve } from "../../examples/playground/scripts/site.js";

const STEPS = 20;

const results: { name: string; ok: boolean }[] = [];
const check = async (name: string, f: () => Promise<string>): Promise<void> => {
  const t0 = Date.now();
  try {
    const detail = await f();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${detail === "" ? "" : `: ${detail}`}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
};
const expect = (cond: boolean, message: string): void => {
  if (!cond) throw new Error(message);
};

if (chromiumPath === undefined) {
  console.log("\n!!! SKIPPED: the playground's browser test: no Chromium at /usr/bin/chromium (apt-get install chromium) !!!\n");
  console.log("playground: 0 passed, 0 failed, 5 skipped (no Chromium)");
  process.exit(0);
}

const t0 = Date.now();
const dir = buildSite();
console.log(`built the page in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const { server, url } = await serve(dir, 0);
const { chromium } = await import("playwright-core");
const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu"] });
const errors: string[] = [];
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
page.on("pageerror", (e) => errors.push(e.message));
page.on("console", (m) => {
  if (m.type() === "error") errors.push(m.text());
});

let first: number[] = [];
try {
  await check(`2-class spiral: test loss below 0.1 within ${STEPS} Steps (epochs) on the WASM backend in a worker`, async () => {
    await open(page, url, SPIRAL);
    const backend = await page.getAttribute("#status", "data-backend");
    expect(backend === "wasm", `the worker trains on ${backend}`);
    const isolated = await page.getAttribute("#status", "data-isolated");
    expect(isolated === "true", "the page is not cross-origin isolated (COOP/COEP headers)");
    const start = await testLoss(page);
    const losses: number[] = [];
    for (let e = 1; e <= STEPS; e++) {
      await pressStep(page, 1, e);
      losses.push(await testLoss(page));
    }
    first = losses;
    // the pool's workers start after ready(): the worker reports the count again when it grows
    const cores = (await page.evaluate("navigator.hardwareConcurrency")) as number;
    if (cores > 1) await page.waitForFunction(`Number(document.getElementById("status")?.dataset.threads) === ${cores}`, undefined, { timeout: 30_000 }).catch(() => undefined);
    const threads = Number(await page.getAttribute("#status", "data-threads"));
    expect(threads === cores, `the worker trains on ${threads} WASM thread(s), the host offers ${cores} (cross-origin isolated)`);
    const reached = losses.findIndex((l) => l < 0.1);
    expect(reached >= 0, `test loss ${start.toFixed(3)} → ${losses.map((l) => l.toFixed(3)).join(", ")}: never below 0.1 in ${STEPS} epochs`);
    return `test loss ${start.toFixed(3)} → ${(losses[reached] as number).toFixed(4)} at epoch ${reached + 1} (${(losses[STEPS - 1] as number).toFixed(4)} at ${STEPS}); ${threads} WASM threads`;
  });

  await check("the same URL gives the same run, loss for loss", async () => {
    expect(first.length === STEPS, "the first run did not finish");
    await page.reload();
    await open(page, url, SPIRAL);
    await pressStep(page, STEPS, STEPS);
    const again = await testLoss(page);
    expect(again === first[STEPS - 1], `after ${STEPS} epochs: ${again} now, ${first[STEPS - 1]} before`);
    return `test loss ${again} both times after ${STEPS} epochs`;
  });

  await check("3-class spiral (softmax cross-entropy over 3 outputs): the loss falls", async () => {
    await page.click("#data-spiral3", { force: true });
    await page.waitForFunction('location.hash.includes("data=spiral3") && Number(document.getElementById("epoch")?.textContent) === 0 && document.getElementById("test-loss")?.dataset.value !== ""');
    const outputs = await page.locator('#network [aria-label^="Output"]').count();
    expect(outputs === 3, `${outputs} output neurons`);
    const before = await testLoss(page);
    await pressStep(page, 10, 10);
    const after = await testLoss(page);
    expect(after < before * 0.6, `test loss ${before} → ${after}`);
    return `${outputs} outputs, test loss ${before.toFixed(3)} → ${after.toFixed(3)} in 10 epochs (accuracy ${await page.textContent("#test-acc")})`;
  });

  await check("the gradient check: every law holds on every layer, worst relative error below 1e-6", async () => {
    await page.click("#gradcheck");
    await page.waitForFunction('document.getElementById("gradcheck-result")?.dataset.ok !== undefined', undefined, { timeout: 120_000 });
    const ok = await page.getAttribute("#gradcheck-result", "data-ok");
    const worst = Number(await page.getAttribute("#gradcheck-result", "data-worst"));
    const rows = await page.locator("#gradcheck-result tbody tr").count();
    expect(ok === "true" && worst < 1e-6 && rows === 4, `ok ${ok}, worst ${worst}, ${rows} rows: ${await page.textContent("#gradcheck-result")}`);
    return `${rows} layers, worst relative error ${worst.toExponential(2)}`;
  });

  await check("the code panel, edited: the TypeScript checker in a worker finds a layer that does not fit", async () => {
    await page.click("#edit-code");
    await page.waitForFunction('document.getElementById("code-diagnostics")?.dataset.count !== undefined && document.getElementById("code-diagnostics")?.dataset.count !== ""', undefined, {
      timeout: 120_000,
    });
    const clean = await page.getAttribute("#code-diagnostics", "data-count");
    expect(clean === "0", `the generated program has ${clean} errors: ${await page.textContent("#code-diagnostics")}`);
    const code = await page.inputValue("#code-editor");
    const broken = code.replace('dense(8, 8, { activation: "tanh" }),\n  dense(8, 3)', 'dense(8, 8, { activation: "tanh" }),\n  dense(7, 3)');
    expect(broken !== code, "the 3-arm spiral's program has no last layer dense(8, 3)");
    await page.fill("#code-editor", broken);
    await page.waitForFunction('Number(document.getElementById("code-diagnostics")?.dataset.count) > 0', undefined, { timeout: 60_000 });
    const text = (await page.textContent("#code-diagnostics")) ?? "";
    expect(text.includes("sequential: layer 3 takes 7 inputs but layer 2 gives 8"), `diagnostics: ${text}`);
    return text.slice(0, 120);
  });

  await check("phone width (390 px): the page does not scroll sideways; controls are labelled", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const { scroll, client } = (await page.evaluate("({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })")) as { scroll: number; client: number };
    expect(scroll <= client + 1, `the page is ${scroll} px wide at ${client} px`);
    // every visible control has a name: a <label>, an aria-label, or its own text
    const unlabelled = (await page.evaluate(`[...document.querySelectorAll("input, select, button")]
      .filter((e) => !e.hidden && e.offsetParent !== null)
      .filter((e) => (e.labels?.length ?? 0) === 0 && !e.getAttribute("aria-label") && (e.textContent ?? "").trim() === "")
      .map((e) => e.id || e.outerHTML.slice(0, 60))`)) as string[];

    expect(unlabelled.length === 0, `unlabelled controls: ${unlabelled.join(", ")}`);
    return `${scroll} px wide at ${client} px`;
  });
  expect(errors.length === 0, `page errors: ${errors.join("; ")}`);
} catch (e) {
  results.push({ name: "page errors", ok: false });
  console.log(`FAIL ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await browser.close();
  server.close();
}
const failed = results.filter((r) => !r.ok).length;
console.log(`playground: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
