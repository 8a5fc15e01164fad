/**
 * Template placeholders left in a Verify command: `<evaluation_suite>`, `{test_command}`,
 * `{{command}}`, `[COMMAND]`. `findPlaceholder(text)` → the placeholder, or null. Only
 * unquoted text is searched, so `grep -q "<html>" index.html` is a command, while an
 * unquoted `<name>` is a placeholder (to bash it is a broken redirection).
 */

export function findPlaceholder(text: string): string | null {
  const unquoted = text.replace(/'[^'\n]*'|"(?:[^"\\\n]|\\.)*"/g, '""');
  const m =
    /(?<![<$])<[A-Za-z][A-Za-z0-9 _-]*>/.exec(unquoted) ??
    /\{\{[^}]*\}\}/.exec(unquoted) ??
    /(?<!\$)\{[a-z][a-z0-9]*_[a-z0-9_]*\}/.exec(unquoted) ??
    /\[[A-Z][A-Z0-9]*(?:[ _][A-Z0-9]+)*\]/.exec(unquoted);
  return m ? m[0] : null;
}
