#!/usr/bin/env node
// Removes dist/ before a build: tsc never deletes the output of a source file that was moved
// or removed, and a stale test file left in dist/test would still run.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
