/**
 * Splits a stream of concatenated JSON texts (pretty-printed or not, separated by any
 * whitespace) into one text per top-level value, without parsing. It tracks only string,
 * escape and bracket depth, so memory holds at most one incomplete value, and at most
 * `valueCharsMax` of it: a value that grows past the bound is reported once as too long
 * and the rest of it is scanned (to find where it ends) but not kept.
 *
 * Linear in the input: each pushed chunk is scanned once, and an incomplete value is kept
 * as a list of pieces joined only when it completes. (Appending chunks to one string and
 * indexing it made V8 flatten the whole buffer on every push: quadratic, 64 s for one
 * 60 MB value read from a pipe.)
 */
export type FramedValue = { text: string } | { tooLong: true };

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

export class JsonValueFramer {
  /** Earlier chunks' parts of the value being framed. */
  private pieces: string[] = [];
  private piecesChars = 0;
  private inValue = false;
  /** The value in progress passed valueCharsMax: find its end, keep nothing. */
  private discarding = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private bare = false;

  constructor(private readonly valueCharsMax = Number.POSITIVE_INFINITY) {}

  /** True while part of a value is buffered (or being discarded). */
  get pending(): boolean {
    return this.inValue;
  }

  /** Adds text; returns the values it completed (or refused as too long), in order. */
  push(chunk: string): FramedValue[] {
    const out: FramedValue[] = [];
    let start = this.inValue ? 0 : -1; // where the value in progress starts in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (!this.inValue) {
        if (isWhitespace(c)) continue;
        this.inValue = true;
        start = i;
        if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 1;
        else if (c === QUOTE) this.inString = true;
        else this.bare = true;
        continue;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) this.emit(out, chunk, start, i + 1);
        }
        continue;
      }
      if (this.bare) {
        if (isWhitespace(c) || c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
          this.emit(out, chunk, start, i);
          i -= 1; // this character starts the next value
        }
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth += 1;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth -= 1;
        if (this.depth === 0) this.emit(out, chunk, start, i + 1);
      }
    }
    if (this.inValue && !this.discarding) this.keep(out, chunk.slice(start));
    return out;
  }

  /** Ends the stream; returns the last value's text (complete or not), if any. */
  end(): FramedValue[] {
    const rest = this.inValue && !this.discarding ? [{ text: this.pieces.join("") }] : [];
    this.reset();
    return rest;
  }

  reset(): void {
    this.pieces = [];
    this.piecesChars = 0;
    this.inValue = false;
    this.discarding = false;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.bare = false;
  }

  private keep(out: FramedValue[], piece: string): void {
    this.piecesChars += piece.length;
    if (this.piecesChars <= this.valueCharsMax) {
      this.pieces.push(piece);
      return;
    }
    out.push({ tooLong: true });
    this.pieces = [];
    this.piecesChars = 0;
    this.discarding = true;
  }

  private emit(out: FramedValue[], chunk: string, start: number, endExclusive: number): void {
    if (!this.discarding) {
      const tail = chunk.slice(start, endExclusive);
      if (this.piecesChars + tail.length > this.valueCharsMax) out.push({ tooLong: true });
      else out.push({ text: this.pieces.length === 0 ? tail : this.pieces.join("") + tail });
    }
    this.pieces = [];
    this.piecesChars = 0;
    this.inValue = false;
    this.discarding = false;
    this.depth = 0;
    this.bare = false;
  }
}
