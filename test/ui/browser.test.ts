/**
 * The web UI in real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): the catalog, a live pool page where a message appended through the
 * api appears as a card, tag filters, pause/resume, and the token prompt.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { type Browser, type Page, chromium } from "playwright-core";
import { Client } from "../../src/api/client.js";
import { type TestServer, seedPool, startTestServer } from "../server/harness.js";

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
];

let browser: Browser;
/** Uncaught errors in any page; the suite fails if there is one. */
const pageErrors: string[] = [];
before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  // playwright gives every launch a fresh, empty user data dir of its own.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 60_000 });
});
after(async () => {
  await browser?.close();
  assert.deepEqual(pageErrors, [], "uncaught errors in the UI");
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (err) => pageErrors.push(err.message));
  return page;
}

/** Waits until `selector` matches exactly `count` elements (the page's CSP forbids eval-based waits). */
async function countBecomes(page: Page, selector: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await page.locator(selector).count()) !== count) {
    if (Date.now() > deadline) assert.fail(`${selector} never matched ${count} elements`);
    await page.waitForTimeout(50);
  }
}

describe("web UI without a token", () => {
  let server: TestServer;
  let page: Page;
  before(async () => {
    server = await startTestServer();
    await seedPool(server.url, "builds", [
      { data: { step: "compile", ok: true }, tags: ["ci"] },
      { data: { step: "test", ok: false }, tags: ["ci", "fail"] },
    ]);
    await seedPool(server.url, "deploys", []);
    page = await newPage();
  });
  after(async () => {
    await page.close();
    await server.close();
  });

  test("the catalog lists every pool with its message count and newest seq", async () => {
    await page.goto(`${server.url}/ui/`);
    const builds = page.locator('[data-testid="pool-card"][data-pool="builds"]');
    await builds.waitFor();
    assert.equal(await page.locator('[data-testid="pool-card"]').count(), 2);
    assert.equal(await builds.locator('[data-testid="message-count"]').textContent(), "2");
    assert.equal(await builds.locator('[data-testid="newest-seq"]').textContent(), "2");
    assert.match((await page.locator('[data-testid="catalog-summary"]').textContent()) ?? "", /2 pools/);
  });

  test("opening a pool shows its history, and a message appended through the api appears live", async () => {
    await page.goto(`${server.url}/ui/`);
    await page.locator('[data-testid="pool-card"][data-pool="builds"]').click();
    await page.locator('[data-testid="stream-state"]:text("live")').waitFor();
    assert.equal(await page.locator('[data-testid="pool-title"]').textContent(), "builds");
    await page.locator('[data-testid="message-card"][data-seq="2"]').waitFor();
    assert.equal(await page.locator('[data-testid="message-card"]').count(), 2);
    const pool = await new Client({ dir: server.dir }).open("builds");
    await pool.append({ step: "deploy", target: "staging" }, { tags: ["cd"] });
    await pool.close();
    const card = page.locator('[data-testid="message-card"][data-seq="3"]');
    await card.waitFor();
    assert.match((await card.textContent()) ?? "", /deploy/);
    assert.match((await card.locator(".tag").textContent()) ?? "", /cd/);
    assert.equal(
      await page.locator('[data-testid="message-card"]').first().getAttribute("data-seq"),
      "3",
      "newest first",
    );
    await card.click();
    await card.locator("pre.json").waitFor();
    assert.match((await card.locator("pre.json").textContent()) ?? "", /"target": "staging"/);
    await page.locator('[data-testid="pool-messages"]:text("3")').waitFor();
  });

  test("a tag filter shows only matching messages, now and as they arrive", async () => {
    await page.goto(`${server.url}/ui/#/pools/builds`);
    await page.locator('[data-testid="message-card"]').first().waitFor();
    await page.locator('[data-testid="tag-filter"]').fill("ci");
    await page.locator('[data-testid="tag-filter"]').press("Enter");
    await page.locator('[data-testid="filter-chip"]').waitFor();
    await countBecomes(page, '[data-testid="message-card"]', 2);
    const pool = await new Client({ dir: server.dir }).open("builds");
    await pool.append({ step: "other" }, { tags: ["cd"] });
    await pool.append({ step: "lint" }, { tags: ["ci"] });
    await pool.close();
    await page.locator('[data-testid="message-card"]:has-text("lint")').waitFor();
    const seqs = await page
      .locator('[data-testid="message-card"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-seq")));
    assert.deepEqual(seqs, ["5", "2", "1"]);
    // Clicking a tag pill adds it to the filter (AND).
    await page.locator('[data-testid="message-card"][data-seq="2"] .tag:text("fail")').click();
    await countBecomes(page, '[data-testid="filter-chip"]', 2);
    await countBecomes(page, '[data-testid="message-card"]', 1);
  });

  test("pause holds new cards back and resume shows them", async () => {
    await page.goto(`${server.url}/ui/#/pools/deploys`);
    await page.locator('[data-testid="stream-state"]:text("live")').waitFor();
    await page.locator('[data-testid="pause"]').click();
    const pool = await new Client({ dir: server.dir }).open("deploys");
    await pool.append({ release: "v1" });
    await pool.close();
    await page.locator('[data-testid="pause"]:has-text("1 new")').waitFor();
    assert.equal(await page.locator('[data-testid="message-card"]').count(), 0);
    await page.locator('[data-testid="pause"]').click();
    await page.locator('[data-testid="message-card"][data-seq="1"]').waitFor();
  });
});

describe("web UI with hostile or plentiful content", () => {
  let server: TestServer;
  let page: Page;
  before(async () => {
    server = await startTestServer();
    page = await newPage();
  });
  after(async () => {
    await page.close();
    await server.close();
  });

  test("markup in message data and tags is shown as text, never parsed", async () => {
    const payload = '<img src=x onerror="document.body.dataset.pwned=1"><b id="injected">bold</b>';
    await seedPool(server.url, "hostile", [{ data: { html: payload }, tags: ["<i>tag</i>"] }]);
    await page.goto(`${server.url}/ui/#/pools/hostile`);
    const card = page.locator('[data-testid="message-card"][data-seq="1"]');
    await card.waitFor();
    await card.click();
    await card.locator("pre.json").waitFor();
    assert.match((await card.textContent()) ?? "", /<b id=\\?"injected\\?">bold<\/b>/);
    assert.equal(await card.locator(".tag").textContent(), "<i>tag</i>");
    assert.equal(await page.locator("#injected, [data-testid='messages'] img, [data-testid='messages'] i").count(), 0);
    assert.equal(await page.locator("body[data-pwned]").count(), 0);
  });

  test("history is bounded: with 100 kept, live messages push the oldest cards out", async () => {
    const pool = await new Client({ dir: server.dir }).create("plenty", { size: "1M" });
    await pool.appendBatch(Array.from({ length: 150 }, (_, i) => ({ data: { i } })));
    await page.goto(`${server.url}/ui/#/pools/plenty`);
    await page.locator('[data-testid="message-card"][data-seq="150"]').waitFor();
    await page.locator('[data-testid="history"]').selectOption("100");
    await countBecomes(page, '[data-testid="message-card"]', 100);
    await pool.appendBatch(Array.from({ length: 30 }, (_, i) => ({ data: { live: i } })));
    await page.locator('[data-testid="message-card"][data-seq="180"]').waitFor();
    await countBecomes(page, '[data-testid="message-card"]', 100);
    assert.equal(await page.locator('[data-testid="message-card"]').last().getAttribute("data-seq"), "81");
    await pool.close();
  });

  test("an address with a malformed escape shows the not-found page instead of failing", async () => {
    await page.goto(`${server.url}/ui/#/pools/%E0%A4%A`);
    await page.locator("h1:text('Nothing here')").waitFor();
  });
});

describe("web UI with a token", () => {
  test("asks for the token, rejects a wrong one, and loads the catalog with the right one", async () => {
    const server = await startTestServer({ token: "ui-token-123" });
    const page = await newPage();
    const requests: Array<{ url: string; authorization: string | undefined }> = [];
    page.on("request", (r) => requests.push({ url: r.url(), authorization: r.headers().authorization }));
    try {
      await seedPool(server.url, "private", [{ data: 1 }], { token: "ui-token-123" });
      await page.goto(`${server.url}/ui/`);
      const dialog = page.locator("#token-dialog");
      await dialog.waitFor({ state: "visible" });
      await page.locator("#token-input").fill("wrong");
      await page.locator("#token-submit").click();
      await page.locator("#token-error").waitFor({ state: "visible" });
      await page.locator("#token-input").fill("ui-token-123");
      await page.locator("#token-submit").click();
      await page.locator('[data-testid="pool-card"][data-pool="private"]').waitFor();
      assert.equal(await dialog.isVisible(), false);
      await page.locator('[data-testid="pool-card"][data-pool="private"]').click();
      await page.locator('[data-testid="message-card"][data-seq="1"]').waitFor();
      const events = requests.filter((r) => r.url.includes("/v0/ui/pools/private/events"));
      assert.ok(events.length > 0, "the pool page opened its event stream");
      assert.ok(
        events.every((r) => r.authorization === "Bearer ui-token-123"),
        "the stream sends the token as a header",
      );
      assert.deepEqual(
        requests.filter((r) => r.url.includes("ui-token-123")),
        [],
        "the token never appears in a URL",
      );
      // Kept for the tab: a reload does not ask again.
      await page.reload();
      await page.locator('[data-testid="message-card"][data-seq="1"]').waitFor();
      assert.equal(await dialog.isVisible(), false);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
