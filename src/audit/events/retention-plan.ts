/**
 * The retention rule, pure: which events of the pool go. It applies to what Cairn recorded
 * (emitted, or brought in by `events import`): those older than `retention_days` go, then of
 * the rest only the newest `max_events` by timestamp stay (pool order breaks ties), so an
 * import of old history never pushes out recent events. Events imported from Phaser's
 * events.json (tagged `phaser`) are never dropped by retention: they are Phaser's history,
 * still in events.json, and Cairn does not hide it.
 */
export interface RetentionEntry {
  seq: number;
  /** Epoch ms of the event's timestamp; null when unreadable (kept, counted as oldest). */
  ms: number | null;
  fromPhaser: boolean;
}

export interface RetentionRule {
  maxEvents: number;
  /** 0: no age limit. */
  retentionDays: number;
  nowMs: number;
}

/** The seqs retention drops. */
export function planRetention(entries: readonly RetentionEntry[], rule: RetentionRule): Set<number> {
  const drop = new Set<number>();
  const cutoffMs = rule.retentionDays > 0 ? rule.nowMs - rule.retentionDays * 86_400_000 : null;
  const recorded: RetentionEntry[] = [];
  for (const entry of entries) {
    if (entry.fromPhaser) continue;
    if (cutoffMs !== null && entry.ms !== null && entry.ms < cutoffMs) drop.add(entry.seq);
    else recorded.push(entry);
  }
  if (recorded.length > rule.maxEvents) {
    recorded.sort((a, b) => (b.ms ?? -Infinity) - (a.ms ?? -Infinity) || b.seq - a.seq);
    for (const entry of recorded.slice(rule.maxEvents)) drop.add(entry.seq);
  }
  return drop;
}
