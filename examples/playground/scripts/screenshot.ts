/**
 * `npm run playground:screenshot`: the README's picture, from the browser test's setup (the
 * 2-class spiral URL, 20 Steps), taken in headless Chromium into
 * examples/playground/screenshot.png. `--phone` also writes screenshot-phone.png (390 px wide).
 */
import { join } from "node:path";
import { open, pressStep, SPIRAL } from "./drive.js";
import { buildSite, chromiumPath, playground, serve } from "./site.js";

if (chromiumPath === undefined) throw new Error("playground:screenshot needs Chromium at /usr/bin/chromium (apt-get install chromium)");
const dir = buildSite();
const { server, url } = await serve(dir, 0);
const { chromium } = await import("playwright-core");
const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await open(page, url, `${SPIRAL}&showTest=true`);
  await pressStep(page, 20, 20);
  await page.screenshot({ path: join(playground, "screenshot.png"), clip: { x: 0, y: 0, width: 1280, height: 720 } });
  console.log(`wrote ${join(playground, "screenshot.png")}`);
  if (process.argv.includes("--phone")) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(playground, "screenshot-phone.png"), fullPage: false });
    console.log(`wrote ${join(playground, "screenshot-phone.png")}`);
  }
} finally {
  await browser.close();
  server.close();
}
