// Keeping the reader's place while the list changes above it. The browser's own scroll
// anchoring is off for the list (styles.css, overflow-anchor): it does nothing at scroll
// offset 0, so a page put above the rows at the very top of the page would leave the
// newer edge in view and pull in page after page, to the end of the pool.

/** Runs `change` (rows added or dropped) keeping the first visible row of `list` where it was on the screen. */
export function keepPlace(list, change) {
  let anchor = null;
  let top = 0;
  for (const row of list.children) {
    const rect = row.getBoundingClientRect();
    if (rect.bottom > 0) {
      anchor = row;
      top = rect.top;
      break;
    }
  }
  const result = change();
  if (anchor?.isConnected) {
    const delta = anchor.getBoundingClientRect().top - top;
    if (delta !== 0) window.scrollBy(0, delta);
  }
  return result;
}
