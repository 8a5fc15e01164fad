/**
 * The live list under load, in real Chromium: the newest card is visible (computed opacity
 * 1, visibility visible) while 50 messages a second arrive, and with reduced motion asked
 * for, nothing on the list animates at all.
 */
import * as assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { Client } from "../../src/api/client.js";
import type { Pool } from "../../src/api/types.js";
import { type TestServer, startTestServer } from "../server/harness.js";
import { type BrowserKit, launchBrowser, screenshot, until } from "./browser-kit.js";

let kit: BrowserKit;
let server: TestServer;
before(async () => {
  kit = await launchBrowser();
  server = await startTestServer();
});
after(async () => {
  await kit?.close();
  await server?.close();
  assert.deepEqual(kit.pageErrors, [], "uncaught errors in the UI");
});

interface Look {
  seq: string | null;
  opacity: string;
  visibility: string;
  animation: string;
}

/** The few DOM shapes used inside the page (the project compiles without DOM types). */
interface DomElement {
  parentElement: DomElement | null;
  getAttribute(name: string): string | null;
}
interface DomStyle {
  opacity: string;
  visibility: string;
  animationName: string;
}

/** The newest card as the user sees it: its computed opacity and visibility, and its ancestors'. */
function newestCardLook(page: Page): Promise<Look | null> {
  return page
    .locator('[data-testid="message-card"]')
    .first()
    .evaluate((el: DomElement) => {
      const computed = (globalThis as unknown as { getComputedStyle(e: DomElement): DomStyle }).getComputedStyle;
      let opacity = 1;
      let visibility = "visible";
      for (let node: DomElement | null = el; node; node = node.parentElement) {
        const style = computed(node);
        opacity *= Number(style.opacity);
        if (style.visibility !== "visible") visibility = style.visibility;
      }
      const style = computed(el);
      return {
        seq: el.getAttribute("data-seq"),
        opacity: String(opacity),
        visibility,
        animation: style.animationName,
      };
    })
    .catch(() => null);
}

/** Appends `perSecond` messages a second for `durationMs`, one at a time. */
async function feed(pool: Pool, perSecond: number, durationMs: number, signal: { stop: boolean }): Promise<number> {
  const started = Date.now();
  let sent = 0;
  while (!signal.stop && Date.now() - started < durationMs) {
    const due = Math.floor(((Date.now() - started) * perSecond) / 1000);
    while (sent < due) {
      await pool.append({ level: "info", msg: `request ${sent} served`, ms: sent % 97 }, { tags: ["web"] });
      sent += 1;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return sent;
}

/**
 * Takes 40 samples of the newest card while messages keep arriving: the feed lasts as long
 * as the sampling (at most 20 s), so a slow machine takes fewer samples per second but
 * every sample sees a live feed. (A feed of a fixed 3 s once ended before a loaded
 * machine's sampling did, and the last samples all saw the same final card.) Then the last
 * message sent must become the newest card: nothing dropped on the way.
 */
async function sampleWhileFeeding(page: Page, poolName: string): Promise<Look[]> {
  const pool = await new Client({ dir: server.dir }).openOrCreate(poolName);
  const signal = { stop: false };
  const feeding = feed(pool, 50, 20_000, signal);
  const looks: Look[] = [];
  const started = Date.now();
  await page.waitForTimeout(300);
  while (looks.length < 40) {
    const look = await newestCardLook(page);
    if (look) looks.push(look);
    await page.waitForTimeout(40);
  }
  signal.stop = true;
  const sent = await feeding;
  const stoppedAt = Date.now();
  await until(async () => (await newestCardLook(page))?.seq === String(sent), `the last message (${sent}) shown`);
  console.log(
    `# ${poolName}: ${looks.length} samples in ${stoppedAt - started} ms, ${new Set(looks.map((l) => l.seq)).size} distinct newest cards, ${sent} sent, the last shown ${Date.now() - stoppedAt} ms after the feed stopped`,
  );
  await pool.close();
  return looks;
}

describe("the live list under load", () => {
  test("the newest card is fully visible while 50 messages a second arrive", async () => {
    const page = await kit.newPage();
    await (await new Client({ dir: server.dir }).create("busy", { size: "4M" })).close();
    await page.goto(`${server.url}/ui/#/pools/busy`);
    await page.locator('[data-testid="stream-state"]:text("live")').waitFor();
    const looks = await sampleWhileFeeding(page, "busy");
    await screenshot(page, "live-50-per-second-1400");
    const hidden = looks.filter((l) => l.opacity !== "1" || l.visibility !== "visible");
    assert.deepEqual(hidden, [], `${hidden.length} of ${looks.length} samples saw the newest card not fully visible`);
    assert.ok(new Set(looks.map((l) => l.seq)).size > 5, "cards kept arriving while sampled");
    await page.close();
  });

  test("with reduced motion asked for, no card animates", async () => {
    const page = await kit.newPage({ width: 400, height: 800, reducedMotion: true });
    await (await new Client({ dir: server.dir }).create("calm", { size: "4M" })).close();
    await page.goto(`${server.url}/ui/#/pools/calm`);
    await page.locator('[data-testid="stream-state"]:text("live")').waitFor();
    const looks = await sampleWhileFeeding(page, "calm");
    await screenshot(page, "live-reduced-motion-400");
    assert.deepEqual(
      looks.filter((l) => l.animation !== "none" || l.opacity !== "1"),
      [],
      "no animation on cards under prefers-reduced-motion",
    );
    await page.close();
  });
});
