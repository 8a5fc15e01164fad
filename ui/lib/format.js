// Small formatters shared by views: bytes, counts, relative times, rates.

export function formatBytes(bytes) {
  if (bytes == null) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n) {
  if (n == null) return "–";
  return n.toLocaleString("en-US");
}

export function formatRate(perSecond) {
  if (!perSecond) return "0/s";
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  if (perSecond >= 10) return `${Math.round(perSecond)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** "just now", "12s ago", "5m ago", "3h ago", "2d ago". */
export function relativeTime(iso, now = Date.now()) {
  if (!iso) return "–";
  const ms = now - Date.parse(iso);
  if (ms < 2000) return "just now";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** Tracks a counter over time and answers its recent rate per second. */
export class RateMeter {
  constructor(windowMs = 10_000) {
    this.windowMs = windowMs;
    this.samples = [];
  }
  add(value, at = Date.now()) {
    this.samples.push([at, value]);
    while (this.samples.length > 2 && at - this.samples[0][0] > this.windowMs) this.samples.shift();
  }
  rate() {
    if (this.samples.length < 2) return 0;
    const [t0, v0] = this.samples[0];
    const [t1, v1] = this.samples[this.samples.length - 1];
    return t1 > t0 ? Math.max(0, ((v1 - v0) * 1000) / (t1 - t0)) : 0;
  }
}
