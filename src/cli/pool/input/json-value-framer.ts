/**
 * Splits a stream of concatenated JSON texts (pretty-printed or not, separated by any
 * whitespace) into one text per top-level value, without parsing. It tracks only string,
 * escape and bracket depth, so memory holds at most one incomplete value.
 */
const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

export class JsonValueFramer {
  private buf = "";
  private i = 0;
  private start = -1;
  private depth = 0;
  private inString = false;
  private escape = false;
  private bare = false;

  /** True while part of a value is buffered. */
  get pending(): boolean {
    return this.start >= 0;
  }

  get bufferedChars(): number {
    return this.buf.length;
  }

  /** Adds text; returns the values it completed, in order. */
  push(text: string): string[] {
    this.buf += text;
    const out: string[] = [];
    const buf = this.buf;
    let i = this.i;
    for (; i < buf.length; i++) {
      const c = buf[i] as string;
      if (this.start < 0) {
        if (WHITESPACE.has(c)) continue;
        this.start = i;
        if (c === "{" || c === "[") this.depth = 1;
        else if (c === '"') this.inString = true;
        else this.bare = true;
        continue;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === "\\") this.escape = true;
        else if (c === '"') {
          this.inString = false;
          if (this.depth === 0) this.emit(out, i + 1);
        }
        continue;
      }
      if (this.bare) {
        if (WHITESPACE.has(c) || c === "{" || c === "[" || c === '"') {
          this.emit(out, i);
          i -= 1; // this character starts the next value
        }
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === "{" || c === "[") this.depth += 1;
      else if (c === "}" || c === "]") {
        this.depth -= 1;
        if (this.depth === 0) this.emit(out, i + 1);
      }
    }
    this.i = i;
    this.compact();
    return out;
  }

  /** Ends the stream; returns the last value's text (complete or not), if any. */
  end(): string[] {
    if (this.start < 0) return [];
    const rest = this.buf.slice(this.start);
    this.reset();
    return [rest];
  }

  reset(): void {
    this.buf = "";
    this.i = 0;
    this.start = -1;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.bare = false;
  }

  private emit(out: string[], endExclusive: number): void {
    out.push(this.buf.slice(this.start, endExclusive));
    this.start = -1;
    this.depth = 0;
    this.bare = false;
  }

  private compact(): void {
    const keepFrom = this.start >= 0 ? this.start : this.i;
    if (keepFrom === 0) return;
    this.buf = this.buf.slice(keepFrom);
    this.i -= keepFrom;
    if (this.start >= 0) this.start -= keepFrom;
  }
}
