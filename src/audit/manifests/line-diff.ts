/**
 * Line diffs: Myers' O((N+M)·D) shortest edit script, and unified-diff hunks (3 lines of
 * context) built from it. Edit distance is bounded; past the bound the diff degrades to
 * "everything removed, everything added", which keeps counts honest and time bounded.
 */

export type EditOp = { op: "equal" | "delete" | "insert"; line: string };

const EDIT_DISTANCE_MAX = 4000;

export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function diffLines(a: readonly string[], b: readonly string[]): EditOp[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, EDIT_DISTANCE_MAX);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (next[offset + k - 1] as number) < (next[offset + k + 1] as number)))
        x = next[offset + k + 1] as number;
      else x = (next[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  if (found < 0) {
    return [
      ...a.map((line) => ({ op: "delete" as const, line })),
      ...b.map((line) => ({ op: "insert" as const, line })),
    ];
  }
  // Backtrack through the saved V arrays (trace[d] is V before step d).
  const ops: EditOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (prev[offset + k - 1] as number) < (prev[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: "equal", line: a[x - 1] as string });
      x--;
      y--;
    }
    if (down) ops.push({ op: "insert", line: b[prevY] as string });
    else ops.push({ op: "delete", line: a[prevX] as string });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ op: "equal", line: a[x - 1] as string });
    x--;
    y--;
  }
  return ops.reverse();
}

export function countChanges(ops: readonly EditOp[]): { linesAdded: number; linesRemoved: number } {
  let linesAdded = 0;
  let linesRemoved = 0;
  for (const o of ops) {
    if (o.op === "insert") linesAdded++;
    else if (o.op === "delete") linesRemoved++;
  }
  return { linesAdded, linesRemoved };
}

/** A unified diff (`--- a/path`, `+++ b/path`, `@@` hunks). */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  const out = [`--- a/${path}`, `+++ b/${path}`];
  const changed = ops.map((o) => o.op !== "equal");
  let i = 0;
  while (i < ops.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2·context equal lines.
    for (;;) {
      while (end < ops.length && changed[end]) end++;
      let gap = end;
      while (gap < ops.length && !changed[gap] && gap - end < 2 * context) gap++;
      if (gap < ops.length && changed[gap]) end = gap;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    let aLine = 1;
    let bLine = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]?.op !== "insert") aLine++;
      if (ops[j]?.op !== "delete") bLine++;
    }
    const body: string[] = [];
    let aCount = 0;
    let bCount = 0;
    for (let j = start; j < end; j++) {
      const o = ops[j] as EditOp;
      if (o.op === "equal") {
        body.push(` ${o.line}`);
        aCount++;
        bCount++;
      } else if (o.op === "delete") {
        body.push(`-${o.line}`);
        aCount++;
      } else {
        body.push(`+${o.line}`);
        bCount++;
      }
    }
    out.push(
      `@@ -${aCount === 0 ? aLine - 1 : aLine},${aCount} +${bCount === 0 ? bLine - 1 : bLine},${bCount} @@`,
      ...body,
    );
    i = end;
    start = end;
  }
  return out.join("\n");
}
