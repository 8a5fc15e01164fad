// Talking to the Cairn server: JSON requests with the bearer token, the token store, and
// a Server-Sent Events reader over fetch (so the Authorization header works, which a
// browser EventSource cannot send). A 401 anywhere asks the app for a token and retries.

const TOKEN_KEY = "cairn.token";

export const tokenStore = {
  get() {
    return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY) ?? "";
  },
  set(token, remember) {
    sessionStorage.setItem(TOKEN_KEY, token);
    if (remember) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
  },
};

/** An error from the server's `{"error":{kind,message}}` envelope. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.kind = body?.error?.kind ?? "Io";
    this.hint = body?.error?.hint;
  }
}

let askForToken = async () => false;

/** The app installs the token prompt here; it resolves true once a new token is stored. */
export function onTokenNeeded(prompt) {
  askForToken = prompt;
}

function authHeaders(extra = {}) {
  const token = tokenStore.get();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {}
  return new ApiError(res.status, body);
}

export async function api(path, { method = "GET", body } = {}) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(path, {
      method,
      headers: authHeaders(body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    if (res.status === 401 && (await askForToken(await errorOf(res)))) continue;
    if (!res.ok) throw await errorOf(res);
    return res.json();
  }
  throw new ApiError(401, { error: { kind: "Permission", message: "not authorised" } });
}

/**
 * Streams SSE events from `path`: calls `onEvent(name, data, id)`; reconnects with backoff
 * from the last id it saw (as `since_seq`). Returns a stop function.
 */
export function streamEvents(path, { onEvent, onState }) {
  const controller = new AbortController();
  let lastId = null;
  let stopped = false;
  let delayMs = 500;

  const run = async () => {
    while (!stopped) {
      let url = path;
      if (lastId !== null) {
        const u = new URL(path, location.href);
        for (const key of ["since_seq", "last", "from", "since_time"]) u.searchParams.delete(key);
        u.searchParams.set("since_seq", String(Number(lastId) + 1));
        url = u.pathname + u.search;
      }
      try {
        onState("connecting");
        const res = await fetch(url, {
          headers: authHeaders({ accept: "text/event-stream" }),
          signal: controller.signal,
        });
        if (res.status === 401) {
          onState("locked");
          if (await askForToken(await errorOf(res))) continue;
          return;
        }
        if (!res.ok) {
          const err = await errorOf(res);
          onEvent("error", { error: { kind: err.kind, message: err.message } }, null);
          onState("error");
          return;
        }
        onState("live");
        delayMs = 500;
        await readEvents(res.body, (name, data, id) => {
          if (id !== null) lastId = id;
          onEvent(name, data, id);
        });
      } catch (err) {
        if (stopped || err.name === "AbortError") return;
      }
      if (stopped) return;
      onState("reconnecting");
      await new Promise((r) => setTimeout(r, delayMs));
      delayMs = Math.min(delayMs * 2, 5000);
    }
  };
  run();
  return () => {
    stopped = true;
    controller.abort();
    onState("idle");
  };
}

async function readEvents(body, emit) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      let name = "message";
      let id = null;
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = text;
        else if (field === "id") id = text;
        else if (field === "data") data.push(text);
      }
      if (data.length > 0) emit(name, JSON.parse(data.join("\n")), id);
    }
  }
}
