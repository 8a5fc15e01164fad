// The volume histogram: one SVG bar per time bucket from /histogram, like Loki's. A click
// on a bar calls onPick with the bucket (its first seq and start time).
import { formatCount } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";

export function histogramBars(buckets, { onPick, width = 600, height = 48 }) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "histogram");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "img");
  const total = buckets.reduce((n, b) => n + b.count, 0);
  svg.setAttribute("aria-label", `${formatCount(total)} messages in ${buckets.length} time buckets`);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const step = width / Math.max(1, buckets.length);
  buckets.forEach((bucket, i) => {
    const barHeight = bucket.count === 0 ? 0 : Math.max(1.5, (bucket.count / max) * (height - 2));
    const hit = document.createElementNS(SVG, "rect");
    hit.setAttribute("class", "bar-hit");
    hit.setAttribute("x", String(i * step));
    hit.setAttribute("y", "0");
    hit.setAttribute("width", String(step));
    hit.setAttribute("height", String(height));
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("class", "bar");
    bar.setAttribute("x", String(i * step + step * 0.1));
    bar.setAttribute("y", String(height - barHeight));
    bar.setAttribute("width", String(Math.max(0.5, step * 0.8)));
    bar.setAttribute("height", String(barHeight));
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${new Date(bucket.time).toLocaleString()} · ${formatCount(bucket.count)} messages`;
    const group = document.createElementNS(SVG, "g");
    group.setAttribute("data-testid", "histogram-bar");
    group.setAttribute("data-seq", String(bucket.seq));
    group.append(title, hit, bar);
    if (bucket.count > 0) group.addEventListener("click", () => onPick(bucket));
    svg.append(group);
  });
  return svg;
}
