/**
 * Where values sit in a JSON text: the spans of an object's members and an array's
 * elements, so a receiver can store a member exactly as the sender wrote it (its key order
 * and number spelling) instead of a re-serialised object. Call it only on text that
 * `JSON.parse` accepted: it checks structure no further than finding where values end.
 */

export interface Span {
  start: number;
  end: number;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWhitespace(text: string, at: number): number {
  let i = at;
  while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  return i;
}

/** The index just past the string literal that starts at `at` (a `"`). */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c)
      i += 2; // a backslash escapes the next character
    else if (c === 0x22) return i + 1;
    else i++;
  }
  return i;
}

/** The index just past the JSON value that starts at `at` (after whitespace). */
function valueEnd(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 0x22) return stringEnd(text, at);
  if (c !== 0x7b && c !== 0x5b) {
    let i = at;
    while (i < text.length && !",}] \t\r\n".includes(text[i] as string)) i++;
    return i;
  }
  let depth = 0;
  let i = at;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === 0x22) {
      i = stringEnd(text, i);
      continue;
    }
    if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/** The members of the object at `span` (the whole text by default): key → span of its value; a repeated key keeps the last, as JSON.parse does. */
export function memberSpans(text: string, span: Span = { start: 0, end: text.length }): Map<string, Span> {
  const members = new Map<string, Span>();
  let i = skipWhitespace(text, span.start);
  if (text.charCodeAt(i) !== 0x7b) return members;
  i = skipWhitespace(text, i + 1);
  while (i < span.end && text.charCodeAt(i) === 0x22) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the colon
    const end = valueEnd(text, valueStart);
    members.set(key, { start: valueStart, end });
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) === 0x2c) i = skipWhitespace(text, i + 1);
  }
  return members;
}

/** The elements of the array at `span`, in order. */
export function elementSpans(text: string, span: Span): Span[] {
  const elements: Span[] = [];
  let i = skipWhitespace(text, span.start);
  if (text.charCodeAt(i) !== 0x5b) return elements;
  i = skipWhitespace(text, i + 1);
  while (i < span.end && text.charCodeAt(i) !== 0x5d) {
    const end = valueEnd(text, i);
    elements.push({ start: i, end });
    i = skipWhitespace(text, end);
    if (text.charCodeAt(i) === 0x2c) i = skipWhitespace(text, i + 1);
  }
  return elements;
}
