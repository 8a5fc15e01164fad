/**
 * `cairn serve init`: writes a random bearer token and a self-signed certificate with key,
 * each file mode 0600 in a 0700 directory, and prints the `cairn serve` line that uses them.
 * Existing files are kept unless --force.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { writeSelfSignedCertificate } from "../../server/tls.js";
import { printJson, printText } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";

export interface InitFlags {
  outputDir?: string;
  host?: string[];
  force?: boolean;
  json?: boolean;
}

export function defaultServeDir(): string {
  return nodePath.join(os.homedir(), ".cairn", "serve");
}

export async function runServeInit(flags: InitFlags): Promise<void> {
  const dir = nodePath.resolve(flags.outputDir ?? defaultServeDir());
  const tokenPath = nodePath.join(dir, "token");
  const certPath = nodePath.join(dir, "cert.pem");
  const keyPath = nodePath.join(dir, "key.pem");
  if (!flags.force) {
    for (const path of [tokenPath, certPath, keyPath]) {
      if (fs.existsSync(path)) {
        throw new CairnError(ErrorKind.AlreadyExists, "serve credentials already exist", {
          path,
          hint: "pass --force to replace them",
        });
      }
    }
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  fs.writeFileSync(tokenPath, `${crypto.randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  fs.chmodSync(tokenPath, 0o600);
  writeSelfSignedCertificate(dir, flags.host ?? []);
  const command = `cairn serve --token-file ${tokenPath} --tls-cert ${certPath} --tls-key ${keyPath}`;
  if (wantsJson(flags)) {
    printJson({ init: { dir, token_file: tokenPath, tls_cert: certPath, tls_key: keyPath, command } });
    return;
  }
  printText(`wrote ${tokenPath}, ${certPath} and ${keyPath} (mode 0600)\nstart the server with:\n  ${command}\n`);
}
