// A tiny SVG sparkline of a counter's rate over the last couple of minutes: feed it the
// counter (e.g. the newest seq) every few seconds, draw it anywhere.

const SVG = "http://www.w3.org/2000/svg";

export class RateSeries {
  constructor(points = 60) {
    this.points = points;
    this.last = null;
    this.rates = [];
  }
  add(value, at = Date.now()) {
    if (this.last && at > this.last.at) {
      this.rates.push(Math.max(0, ((value - this.last.value) * 1000) / (at - this.last.at)));
      if (this.rates.length > this.points) this.rates.shift();
    }
    this.last = { value, at };
  }
}

/** An SVG element drawing `rates` (messages per second) as an area with a line on top. */
export function sparkline(rates, { width = 120, height = 28, points = 60 } = {}) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("preserveAspectRatio", "none");
  const baseline = document.createElementNS(SVG, "line");
  baseline.setAttribute("x1", "0");
  baseline.setAttribute("x2", String(width));
  baseline.setAttribute("y1", String(height - 1));
  baseline.setAttribute("y2", String(height - 1));
  baseline.setAttribute("class", "spark-base");
  svg.append(baseline);
  const max = Math.max(1, ...rates);
  const step = width / Math.max(1, points - 1);
  const offset = (points - rates.length) * step;
  const coords = rates.map((r, i) => [offset + i * step, height - 2 - (r / max) * (height - 4)]);
  if (coords.length < 2) return svg;
  const line = coords.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const area = document.createElementNS(SVG, "polygon");
  area.setAttribute("points", `${coords[0][0].toFixed(1)},${height} ${line} ${coords.at(-1)[0].toFixed(1)},${height}`);
  area.setAttribute("class", "spark-area");
  const polyline = document.createElementNS(SVG, "polyline");
  polyline.setAttribute("points", line);
  polyline.setAttribute("class", "spark-line");
  svg.append(area, polyline);
  return svg;
}
