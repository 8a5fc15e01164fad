/**
 * A `--tls-ca` file that is not PEM certificates is a Usage error naming the file (it was
 * silently ignored, and the failure then blamed a "self-signed certificate"); the library's
 * `tlsCa` option is checked the same way. A real CA file keeps working.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { CairnError, Client } from "../../src/index.js";
import { errorOf, newPoolDir, runCli } from "../cli/cli-harness.js";
import { tempDir } from "../helpers/tmp.js";
import { type TestServer, makeCertificate, seedPool, startTestServer } from "./harness.js";

describe("--tls-ca", { timeout: 60_000 }, () => {
  let server: TestServer;
  let certPath: string;
  before(async () => {
    const cert = makeCertificate();
    certPath = cert.certPath;
    server = await startTestServer({ tls: { cert: cert.cert, key: cert.key, source: cert.certPath } });
    await seedPool(server.url, "p", [{ data: { a: 1 } }], { ca: cert.cert });
  });
  after(() => server.close());

  it("refuses a CA file that holds no PEM certificate with Usage, naming the file", async () => {
    const garbage = path.join(tempDir(), "garbage.pem");
    fs.writeFileSync(garbage, "this is not a certificate\n");
    const r = await runCli(["fetch", `${server.url}/p`, "1", "--tls-ca", garbage], { dir: newPoolDir() });
    assert.equal(r.code, 2, r.stderr);
    const error = errorOf(r);
    assert.equal(error.kind, "Usage");
    assert.ok(error.message.includes(garbage) || error.path === garbage, error.message);
  });

  it("refuses a CA file whose certificate block is damaged", async () => {
    const damaged = path.join(tempDir(), "damaged.pem");
    fs.writeFileSync(damaged, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    const r = await runCli(["fetch", `${server.url}/p`, "1", "--tls-ca", damaged], { dir: newPoolDir() });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r).kind, "Usage");
  });

  it("accepts a real CA file", async () => {
    const r = await runCli(["fetch", `${server.url}/p`, "1", "--tls-ca", certPath], { dir: newPoolDir() });
    assert.equal(r.code, 0, r.stderr);
  });

  it("refuses a library tlsCa that is not PEM certificates with Usage", async () => {
    const client = new Client({ dir: tempDir(), remote: { tlsCa: "garbage" } });
    await assert.rejects(client.open(`${server.url}/p`), (err) => err instanceof CairnError && err.kind === "Usage");
  });
});
