/**
 * `checkCaCertificates(pem, source)`: a CA text for https refs must be PEM certificates.
 * The http backend checks what it is given, and the CLI checks a `--tls-ca` file early so
 * the error names the file. Here rather than in the backend so interfaces may call it.
 */
import { X509Certificate } from "node:crypto";
import { CairnError, ErrorKind } from "../core/errors.js";

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Checks that a CA text is PEM certificates (one or more, each one parseable): node's TLS
 * silently ignores anything else, and the failure then blames a "self-signed certificate".
 * `source` names where the text came from (a file) in the Usage error.
 */
export function checkCaCertificates(pem: string, source = "the tlsCa option"): void {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  const hint = "give the server's certificate (or its CA's) in PEM form: -----BEGIN CERTIFICATE----- …";
  if (blocks.length === 0) throw new CairnError(ErrorKind.Usage, `${source} holds no PEM certificate`, { hint });
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new CairnError(ErrorKind.Usage, `${source} holds a certificate that cannot be read`, { hint, cause: err });
    }
  }
}
