// A pool page's view state in the address, after the route: `#/pools/NAME?tag=a&where=…&
// seq=N&time=T&since=T&until=T&dense=1&order=asc`, so a view can be shared and survives a
// reload. Written with history.replaceState, which does not remount the view.

export function readViewState(query) {
  const q = new URLSearchParams(query);
  const seq = q.get("seq");
  return {
    tags: q.getAll("tag").filter(Boolean),
    where: q.get("where") ?? "",
    seq: seq && /^\d+$/.test(seq) ? Number(seq) : null,
    time: q.get("time") ?? "",
    since: q.get("since") ?? "",
    until: q.get("until") ?? "",
    dense: q.get("dense") === "1",
    order: q.get("order") === "asc" ? "asc" : "desc",
  };
}

export function writeViewState(path, state) {
  const q = new URLSearchParams();
  for (const tag of state.tags) q.append("tag", tag);
  if (state.where) q.set("where", state.where);
  if (state.seq !== null) q.set("seq", String(state.seq));
  if (state.time) q.set("time", state.time);
  if (state.since) q.set("since", state.since);
  if (state.until) q.set("until", state.until);
  if (state.dense) q.set("dense", "1");
  if (state.order === "asc") q.set("order", "asc");
  const text = q.toString();
  history.replaceState(null, "", `#${path}${text ? `?${text}` : ""}`);
}
