/**
 * The flags the root program declares for every command (`--dir`, `--color`, `--json`, the
 * remote flags). Its own module so that what reads them never imports the entry point.
 */
import type { ColorMode } from "./output.js";

export interface GlobalOptions {
  dir?: string;
  color: ColorMode;
  json?: boolean;
  token?: string;
  tokenFile?: string;
  tlsCa?: string;
  tlsSkipVerify?: boolean;
}
