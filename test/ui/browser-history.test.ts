/**
 * History, search and reading modes in real Chromium, on a pool of 100,000 messages: the
 * first paint (measured and printed, not asserted), scroll-back to seq 1 with a bounded
 * DOM and heap and never more than one page request at a time, a jq search, a tag filter
 * that finds old matches, the address round-trip, dense mode with smart previews, and
 * the order toggle. Screenshots at 1400 and 400 px go to /tmp for a person to look at.
 */
import * as assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { Client } from "../../src/api/client.js";
import { type TestServer, startTestServer } from "../server/harness.js";
import { type BrowserKit, countBecomes, launchBrowser, screenshot, until } from "./browser-kit.js";

const TOTAL = 100_000;
const WINDOW_MAX = 500;
let kit: BrowserKit;
let server: TestServer;

before(async () => {
  kit = await launchBrowser();
  server = await startTestServer();
  const client = new Client({ dir: server.dir });
  const pool = await client.create("big", { size: "64M" });
  for (let start = 0; start < TOTAL; start += 5_000) {
    await pool.appendBatch(
      Array.from({ length: 5_000 }, (_, k) => {
        const i = start + k;
        if (i < 30) return { data: { level: "error", message: `disk full on node ${i}`, node: i }, tags: ["prod"] };
        if (i % 3 === 0) {
          return {
            data: {
              type: "phase_completed",
              audit_id: "5f0c8e7a-2b1d-4c3e-9f6a-7d8e9f0a1b2c",
              phase: i % 7,
              data: { verify: "npm test", ok: true },
            },
          };
        }
        if (i % 3 === 1) return { data: { stream: "stdout", text: `compiling module ${i}` } };
        return { data: { level: i % 10 === 2 ? "warn" : "info", message: `served request ${i}`, ms: i % 97 } };
      }),
    );
  }
  await pool.close();
});
after(async () => {
  await kit?.close();
  await server?.close();
  assert.deepEqual(kit.pageErrors, [], "uncaught errors in the UI");
});

const cards = '[data-testid="message-card"]';
const seqs = (page: Page) =>
  page.locator(cards).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seq"))));
const listData = async (page: Page, key: string) =>
  Number(await page.locator('[data-testid="messages"]').getAttribute(`data-${key}`));

describe("history of a 100,000-message pool", () => {
  test("the first paint is measured, and the newest page is shown", async () => {
    const page = await kit.newPage();
    const started = Date.now();
    await page.goto(`${server.url}/ui/#/pools/big`);
    await page
      .locator(`${cards}[data-seq="${TOTAL}"]`)
      .waitFor()
      .catch(async (err) => {
        await screenshot(page, "history-first-paint-failed");
        throw err;
      });
    const firstPaintMs = Date.now() - started;
    console.log(`# first paint of a ${TOTAL}-message pool page: ${firstPaintMs} ms (navigation to the newest card)`);
    await page.locator('[data-testid="histogram-bar"]').first().waitFor();
    await page.locator('[data-testid="stream-state"]:text("live")').waitFor();
    await screenshot(page, "history-first-paint-1400");
    assert.equal((await seqs(page))[0], TOTAL, "newest first");
    await page.close();
  });

  test("scrolling back pages in one request at a time, the window stays bounded, and seq 1 is reachable", async () => {
    const page = await kit.newPage();
    await page.goto(`${server.url}/ui/#/pools/big`);
    await page.locator(`${cards}[data-seq="${TOTAL}"]`).waitFor();
    // Scroll down (older) through several pages by hand.
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 6_000);
      await page.waitForTimeout(120);
    }
    await until(async () => (await listData(page, "inflight")) === 0, "loads to settle");
    const afterScroll = await seqs(page);
    assert.ok(
      Math.min(...afterScroll) < TOTAL - 600,
      `scrolled back past the first pages (at ${Math.min(...afterScroll)})`,
    );
    assert.ok(afterScroll.length <= WINDOW_MAX, `at most ${WINDOW_MAX} rows, saw ${afterScroll.length}`);
    assert.equal(await listData(page, "inflight-max"), 1, "never more than one page request at once");
    assert.ok(Math.ceil(afterScroll.length / 100) <= 5, "at most five pages held");
    assert.match((await page.locator('[data-testid="stream-state"]').textContent()) ?? "", /history/);
    // Then all the way back, to seq 1.
    await page.locator('[data-testid="go-oldest"]').click();
    await page.locator(`${cards}[data-seq="1"]`).waitFor({ timeout: 20_000 });
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, -4_000);
      await page.waitForTimeout(100);
    }
    await until(async () => (await listData(page, "inflight")) === 0, "loads to settle");
    const rows = await page.locator(cards).count();
    assert.ok(rows <= WINDOW_MAX, `DOM rows stay bounded (${rows})`);
    const heapBytes = await page.evaluate(() => {
      const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      return memory?.usedJSHeapSize ?? 0;
    });
    console.log(`# JS heap after scrolling back to seq 1: ${(heapBytes / 1024 / 1024).toFixed(1)} MiB, ${rows} rows`);
    assert.ok(heapBytes < 64 * 1024 * 1024, `the page's heap stays bounded (${heapBytes} bytes)`);
    assert.equal(await listData(page, "inflight-max"), 1);
    const held = await seqs(page);
    console.log(
      `# window before the order toggle: seqs ${Math.min(...held)}-${Math.max(...held)}, ${held.length} rows`,
    );
    // Oldest first: the toggle settles (no page requested over and over), then Oldest puts seq 1 on top.
    await page.locator('[data-testid="order"]').click();
    await until(async () => (await listData(page, "inflight")) === 0, "loads to settle after the toggle", 20_000);
    const settled = await seqs(page);
    await page.waitForTimeout(1_000);
    assert.deepEqual(await seqs(page), settled, "the window stays put once the toggle settled");
    assert.ok((settled[0] ?? 0) < (settled[1] ?? 0), "oldest first");
    await page.locator('[data-testid="go-oldest"]').click();
    await page.locator(`${cards}[data-seq="1"].target`).waitFor({ timeout: 20_000 });
    await until(async () => (await listData(page, "inflight")) === 0, "loads to settle at seq 1", 20_000);
    // Seq 1 is the first row and on the screen; read in one bounded evaluation (waiting for
    // "stable" or a bounding box hung here under load: see the report of issue 11).
    const firstRow = page
      .locator(cards)
      .first()
      .evaluate((e) => [Number(e.getAttribute("data-seq")), e.getBoundingClientRect().top]);
    const stalled = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("first row read stalled")), 10_000),
    );
    const [firstSeq, firstTop] = await Promise.race([firstRow, stalled]);
    console.log(`# oldest first: row ${firstSeq} at ${Math.round(firstTop ?? -1)} px from the top of the screen`);
    assert.equal(firstSeq, 1);
    assert.ok((firstTop ?? -1) >= 0 && (firstTop ?? 900) < 900, "seq 1 is on the screen");
    assert.equal((await seqs(page))[0], 1, "oldest first reads down from seq 1");
    assert.equal(await listData(page, "inflight-max"), 1);
    await screenshot(page, "history-seq-1-1400");
    await page.close();
  });

  test("a jq search runs on the server and finds matches anywhere in the pool", async () => {
    const page = await kit.newPage();
    await page.goto(`${server.url}/ui/#/pools/big`);
    await page.locator(`${cards}[data-seq="${TOTAL}"]`).waitFor();
    await page.locator('[data-testid="where"]').fill('.data.level == "error" and .data.node >= 25');
    await page.locator('[data-testid="where"]').press("Enter");
    await countBecomes(page, cards, 5);
    assert.deepEqual(await seqs(page), [30, 29, 28, 27, 26]);
    assert.match(page.url(), /where=/);
    await page.locator('[data-testid="where"]').fill(".data.level ==");
    await page.locator('[data-testid="where"]').press("Enter");
    await page.locator('[data-testid="pool-error"]').waitFor();
    assert.match((await page.locator('[data-testid="pool-error"]').textContent()) ?? "", /Usage: .*level ==/);
    await page.close();
  });

  test("a tag filter finds matches far older than the newest page", async () => {
    const page = await kit.newPage({ width: 400, height: 800 });
    await page.goto(`${server.url}/ui/#/pools/big`);
    await page.locator(`${cards}[data-seq="${TOTAL}"]`).waitFor();
    await page.locator('[data-testid="tag-filter"]').fill("prod");
    await page.locator('[data-testid="tag-filter"]').press("Enter");
    await countBecomes(page, cards, 30);
    assert.equal((await seqs(page))[0], 30);
    await screenshot(page, "history-tag-filter-400");
    await page.close();
  });

  test("filters, search, position, density and order survive a reload from the address", async () => {
    const page = await kit.newPage();
    await page.goto(`${server.url}/ui/#/pools/big?seq=50000&dense=1&order=asc`);
    await page.locator(`${cards}[data-seq="50000"].target`).waitFor();
    assert.equal(await page.locator('[data-testid="messages"].dense').count(), 1);
    const order = await seqs(page);
    assert.ok((order[0] ?? 0) < (order[1] ?? 0), "oldest first");
    await page.locator('[data-testid="tag-filter"]').fill("prod");
    await page.locator('[data-testid="tag-filter"]').press("Enter");
    await countBecomes(page, cards, 30);
    const shared = page.url();
    assert.match(shared, /tag=prod/);
    const other = await kit.newPage();
    await other.goto(shared);
    await countBecomes(other, cards, 30);
    assert.equal(await other.locator('[data-testid="filter-chip"]').count(), 1);
    assert.equal(await other.locator('[data-testid="messages"].dense').count(), 1);
    assert.equal((await seqs(other))[0], 1, "oldest first after the reload");
    await other.close();
    await page.close();
  });

  test("dense mode is one line per message with smart previews, and the order toggles", async () => {
    for (const width of [1400, 400]) {
      const page = await kit.newPage({ width, height: 900 });
      await page.goto(`${server.url}/ui/#/pools/big`);
      await page.locator(`${cards}[data-seq="${TOTAL}"]`).waitFor();
      await page.locator('[data-testid="dense"]').click();
      await page.locator('[data-testid="messages"].dense').waitFor();
      const heights = await page
        .locator(cards)
        .evaluateAll((els) => els.slice(0, 20).map((e) => e.getBoundingClientRect().height));
      assert.ok(Math.max(...heights) < 30, `one line per message (heights up to ${Math.max(...heights)} px)`);
      const previews = await page
        .locator(`${cards} .preview`)
        .evaluateAll((els) => els.slice(0, 6).map((e) => [e.getAttribute("data-kind"), e.textContent]));
      const kinds = new Set(previews.map(([kind]) => kind));
      assert.deepEqual([...kinds].sort(), ["audit", "log", "tap"]);
      for (const [kind, preview] of previews) {
        if (kind === "audit") {
          assert.match(preview ?? "", /^phase_completed phase \d/);
          assert.doesNotMatch(preview ?? "", /5f0c8e7a/, "no audit_id on every line");
        }
        if (kind === "log") assert.match(preview ?? "", /^(INFO|WARN) served request/);
        if (kind === "tap") assert.match(preview ?? "", /^stdout compiling module/);
      }
      await screenshot(page, `history-dense-${width}`);
      await page.locator('[data-testid="order"]').click();
      await until(async () => {
        const [first = 0, second = 0] = await seqs(page);
        return first < second;
      }, "oldest first");
      assert.match(page.url(), /order=asc/);
      await page.locator('[data-testid="order"]').click();
      await until(async () => (await seqs(page))[0] === TOTAL, "newest first again");
      await page.close();
    }
  });
});
