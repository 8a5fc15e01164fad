// Renders JSON as highlighted, indented text nodes (no innerHTML), and a one-line preview.

export function jsonPreview(value, maxChars = 160) {
  const text = JSON.stringify(value);
  if (text === undefined) return "undefined";
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function span(cls, text) {
  const el = document.createElement("span");
  el.className = cls;
  el.textContent = text;
  return el;
}

function render(value, indent, out) {
  const pad = "  ".repeat(indent);
  if (value === null) out.push(span("j-null", "null"));
  else if (typeof value === "string") out.push(span("j-str", JSON.stringify(value)));
  else if (typeof value === "number") out.push(span("j-num", String(value)));
  else if (typeof value === "boolean") out.push(span("j-bool", String(value)));
  else if (Array.isArray(value)) {
    if (value.length === 0) return out.push(span("j-punct", "[]"));
    out.push(span("j-punct", "[\n"));
    value.forEach((item, i) => {
      out.push(document.createTextNode(`${pad}  `));
      render(item, indent + 1, out);
      out.push(span("j-punct", i < value.length - 1 ? ",\n" : "\n"));
    });
    out.push(document.createTextNode(pad), span("j-punct", "]"));
  } else {
    const keys = Object.keys(value);
    if (keys.length === 0) return out.push(span("j-punct", "{}"));
    out.push(span("j-punct", "{\n"));
    keys.forEach((key, i) => {
      out.push(document.createTextNode(`${pad}  `), span("j-key", JSON.stringify(key)), span("j-punct", ": "));
      render(value[key], indent + 1, out);
      out.push(span("j-punct", i < keys.length - 1 ? ",\n" : "\n"));
    });
    out.push(document.createTextNode(pad), span("j-punct", "}"));
  }
}

export function jsonTree(value) {
  const pre = document.createElement("pre");
  pre.className = "json";
  const nodes = [];
  render(value, 0, nodes);
  pre.append(...nodes);
  return pre;
}
