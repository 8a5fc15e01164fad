/**
 * Audit names as Phaser allows them: a slug starts with a letter or digit, holds only
 * `[A-Za-z0-9_-]` and is at most 50 characters. A slug becomes part of file names (the
 * report, the git tag), so anything else is refused before any state changes.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";

const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;

export function slugProblem(slug: string): string | null {
  if (SLUG.test(slug)) return null;
  if (slug.length > 50) return `slug "${slug.slice(0, 60)}…" is longer than 50 characters`;
  return `slug "${slug}" must start with a letter or digit and hold only letters, digits, "_" and "-"`;
}

export function requireValidSlug(slug: string): void {
  const problem = slugProblem(slug);
  if (problem)
    throw new CairnError(ErrorKind.Usage, problem, {
      hint: "for example --slug fix-login (at most 50 of [A-Za-z0-9_-])",
    });
}
