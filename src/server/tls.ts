/**
 * TLS material: a certificate and key read from PEM files, or a self-signed pair made
 * with the `openssl` command (Node has no certificate generator) for loopback names. A pair
 * that TLS cannot use (bad PEM, key of another certificate) is Usage when it is loaded.
 * Key files are written with mode 0600.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import * as tls from "node:tls";
import { CairnError, ErrorKind, toCairnError } from "../core/errors.js";

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Where the certificate came from, for `serve check` and the start-up banner. */
  source: string;
}

export function loadTls(certPath: string, keyPath: string): TlsMaterial {
  const read = (path: string, what: string) => {
    try {
      return fs.readFileSync(path, "utf8");
    } catch (err) {
      throw toCairnError(err, { path, what: `cannot read the TLS ${what}` });
    }
  };
  const cert = read(certPath, "certificate");
  const key = read(keyPath, "key");
  if (!cert.includes("BEGIN CERTIFICATE"))
    throw new CairnError(ErrorKind.Usage, "not a PEM certificate", { path: certPath });
  if (!key.includes("PRIVATE KEY")) throw new CairnError(ErrorKind.Usage, "not a PEM private key", { path: keyPath });
  try {
    // What the server would do at start-up: a broken PEM or a key of another certificate fails here.
    tls.createSecureContext({ cert, key });
  } catch (err) {
    throw new CairnError(ErrorKind.Usage, `the TLS certificate and key cannot be used: ${(err as Error).message}`, {
      path: certPath,
      hint: "pass the certificate and the private key that belongs to it (cairn serve init writes a pair)",
    });
  }
  return { cert, key, source: certPath };
}

/** Writes a self-signed certificate for localhost/127.0.0.1/::1 (and `hosts`) into `dir`. */
export function writeSelfSignedCertificate(
  dir: string,
  hosts: readonly string[] = [],
  days = 825,
): { certPath: string; keyPath: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = nodePath.join(dir, "cert.pem");
  const keyPath = nodePath.join(dir, "key.pem");
  const names = new Set(["DNS:localhost", "IP:127.0.0.1", "IP:::1"]);
  for (const host of hosts) names.add(/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`);
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyPath,
        "-out",
        certPath,
        "-days",
        String(days),
        "-subj",
        "/CN=cairn",
        "-addext",
        `subjectAltName=${[...names].join(",")}`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? "").trim();
    throw new CairnError(
      ErrorKind.Io,
      `openssl could not make a certificate${stderr ? `: ${stderr.split("\n")[0]}` : ""}`,
      {
        hint: "install openssl, or pass --tls-cert and --tls-key",
      },
    );
  }
  fs.chmodSync(keyPath, 0o600);
  fs.chmodSync(certPath, 0o600);
  return { certPath, keyPath };
}

/** A throwaway self-signed pair for `serve --tls-self-signed`, made in a private temp dir. */
export function selfSignedTls(hosts: readonly string[]): TlsMaterial {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "cairn-tls-"));
  try {
    const { certPath, keyPath } = writeSelfSignedCertificate(dir, hosts, 30);
    return { ...loadTls(certPath, keyPath), source: "self-signed (generated at start-up)" };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
