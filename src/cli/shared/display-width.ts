/**
 * How many terminal columns text takes, and cutting it to a number of columns. Counting
 * UTF-16 units would cut an emoji in half and let CJK text (two columns a character) wrap
 * the line it was meant to fit, so text is measured per grapheme cluster.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

// Zero columns: combining marks (variation selectors among them) and format characters
// (zero-width joiners and spaces), when a cluster is nothing else.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
// Two columns: emoji shown as emoji by default (not ©, ™ or ↔, which are text unless followed
// by U+FE0F) and the East Asian Wide and Fullwidth blocks.
const WIDE =
  /\p{Emoji_Presentation}|\ufe0f|[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  return WIDE.test(grapheme) ? 2 : 1;
}

/** Columns `text` takes on a terminal (text without escape sequences). */
export function displayWidth(text: string): number {
  // Plain ASCII is the common case and one column a character.
  if (/^[\u0020-\u007e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** The longest start of `text` that fits in `columns`, never splitting a grapheme cluster. */
export function cutToWidth(text: string, columns: number): string {
  if (columns <= 0) return "";
  if (displayWidth(text) <= columns) return text;
  let width = 0;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    const w = graphemeWidth(segment);
    if (width + w > columns) break;
    width += w;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
