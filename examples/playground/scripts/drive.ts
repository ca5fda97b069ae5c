/**
 * Driving the page in Chromium as a person would (shared by the browser test, the screenshot and
 * the measurement): the URL state of the test, open, press Step, read the test loss.
 */
import type { Page } from "playwright-core";

/** The browser test's setup: the 2-class spiral, x1, x2, sin x1, sin x2, three tanh layers of 8, Adam. */
export const SPIRAL = "#data=spiral&noise=0&trainRatio=50&regime=minibatch&batch=10&features=x1,x2,sinx1,sinx2&layers=8,8,8&activation=tanh&optimizer=adam&lr=0.03&seed=1";
/** Wait until the page shows epoch `n` (the worker answers each Step in order). */
export const waitEpoch = (page: Page, n: number, timeout = 120_000): Promise<unknown> => page.waitForFunction(`Number(document.getElementById("epoch")?.textContent) === ${n}`, undefined, { timeout });

/** Press Step `n` times (as a person would), then wait for the page to show `until`. */
export const pressStep = async (page: Page, n: number, until: number): Promise<void> => {
  for (let i = 0; i < n; i++) await page.click("#step");
  await waitEpoch(page, until);
};

export const testLoss = async (page: Page): Promise<number> => Number(await page.getAttribute("#test-loss", "data-value"));

/** Open the page at `hash` and wait for the first snapshot of the network. */
export const open = async (page: Page, url: string, hash: string): Promise<void> => {
  await page.goto(`${url}${hash}`);
  await page.waitForFunction('document.getElementById("test-loss")?.dataset.value !== "" && document.getElementById("status")?.dataset.backend !== undefined', undefined, { timeout: 60_000 });
};
