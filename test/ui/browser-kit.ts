/**
 * What the browser test files share: one headless Chromium (Debian's /usr/bin/chromium
 * through playwright-core), pages that record uncaught errors, waits that need no eval
 * (the UI's CSP forbids it), and screenshots under /tmp for a person to look at.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { type Browser, type Page, chromium } from "playwright-core";

const CHROMIUM = process.env.CAIRN_CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--enable-precise-memory-info",
];
/** Where screenshots go; never inside the repository. */
export const SHOTS_DIR = process.env.CAIRN_UI_SHOTS ?? "/tmp/cairn-ui-shots";

export interface BrowserKit {
  browser: Browser;
  /** Uncaught errors in any page; a test file asserts there are none at its end. */
  pageErrors: string[];
  newPage(options?: { width?: number; height?: number; reducedMotion?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserKit> {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
  const pageErrors: string[] = [];
  return {
    browser,
    pageErrors,
    async newPage({ width = 1400, height = 900, reducedMotion = false } = {}) {
      const page = await browser.newPage({
        viewport: { width, height },
        reducedMotion: reducedMotion ? "reduce" : "no-preference",
      });
      // Generous: the machine running the suite may be shared and loaded; nothing here asserts speed.
      page.setDefaultTimeout(60_000);
      page.on("pageerror", (err) => pageErrors.push(err.message));
      return page;
    },
    close: () => browser.close(),
  };
}

/** Waits until `selector` matches exactly `count` elements. */
export async function countBecomes(page: Page, selector: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await page.locator(selector).count()) !== count) {
    if (Date.now() > deadline) assert.fail(`${selector} never matched ${count} elements`);
    await page.waitForTimeout(50);
  }
}

/** Waits until `probe` answers true (polled, no eval). */
export async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Saves a full-page screenshot as SHOTS_DIR/name.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = `${SHOTS_DIR}/${name}.png`;
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
