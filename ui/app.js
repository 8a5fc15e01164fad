// The web UI shell: a hash router over a table of views, the section nav, the connection
// indicator and the token prompt. A view is `{ title, mount(container, params, app) }`
// whose mount returns an unmount function. New sections (audit timelines, trace flame
// graphs) are one entry in `sections` and a few entries in `routes`.
import { api, onTokenNeeded, tokenStore } from "./lib/api.js";
import { clear, h } from "./lib/dom.js";
import { catalogView } from "./views/catalog.js";
import { notFoundView } from "./views/not-found.js";
import { poolView } from "./views/pool.js";

/** Top-level sections shown in the nav; `match` says which routes belong to each. */
const sections = [{ id: "pools", label: "Pools", href: "#/", match: /^\/(pools\/.*)?$/ }];

const routes = [
  { pattern: /^\/$/, view: catalogView },
  { pattern: /^\/pools\/([^/]+)$/, view: poolView },
];

const app = {
  setConnection(state, text) {
    const conn = document.getElementById("conn");
    conn.dataset.state = state;
    conn.querySelector(".conn-text").textContent = text ?? state;
  },
  navigate(hash) {
    location.hash = hash;
  },
};

let unmount = null;

/** The route part of the address; a view's own state follows it after `?` (app.query). */
function currentPath() {
  const [raw] = (location.hash.replace(/^#/, "") || "/").split("?");
  return raw.startsWith("/") ? raw : `/${raw}`;
}

function currentQuery() {
  const at = location.hash.indexOf("?");
  return at < 0 ? "" : location.hash.slice(at + 1);
}

function renderNav(path) {
  const nav = document.getElementById("sections");
  clear(nav);
  for (const section of sections) {
    nav.append(
      h("a.section", { href: section.href, "aria-current": section.match.test(path) ? "page" : null }, section.label),
    );
  }
}

function route() {
  const path = currentPath();
  renderNav(path);
  if (unmount) unmount();
  unmount = null;
  const container = document.getElementById("view");
  clear(container);
  for (const { pattern, view } of routes) {
    const match = pattern.exec(path);
    if (!match) continue;
    let params;
    try {
      params = match.slice(1).map(decodeURIComponent);
    } catch {
      break; // a malformed %-escape in the address names nothing
    }
    document.title = `${view.title(params)} · Cairn`;
    app.query = currentQuery();
    unmount = view.mount(container, params, app) ?? null;
    return;
  }
  document.title = "Not found · Cairn";
  unmount = notFoundView.mount(container, [path], app) ?? null;
}

// ---- token prompt: one dialog shared by every request that gets a 401

let pendingPrompt = null;

function promptForToken(error) {
  if (pendingPrompt) return pendingPrompt;
  const dialog = document.getElementById("token-dialog");
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const remember = document.getElementById("token-remember");
  const errorText = document.getElementById("token-error");
  const hadToken = tokenStore.get() !== "";
  errorText.hidden = !hadToken;
  errorText.textContent = hadToken ? (error?.message ?? "that token was not accepted") : "";
  input.value = "";
  app.setConnection("locked", "locked");
  pendingPrompt = new Promise((resolve) => {
    const onSubmit = (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      tokenStore.set(token, remember.checked);
      form.removeEventListener("submit", onSubmit);
      dialog.close();
      pendingPrompt = null;
      document.getElementById("token-button").hidden = false;
      resolve(true);
    };
    form.addEventListener("submit", onSubmit);
  });
  dialog.showModal();
  input.focus();
  return pendingPrompt;
}

onTokenNeeded(promptForToken);

async function start() {
  const tokenButton = document.getElementById("token-button");
  tokenButton.addEventListener("click", () => {
    tokenStore.clear();
    location.reload();
  });
  tokenButton.title = "forget the token";
  try {
    const session = await api("/v0/ui/session");
    tokenButton.hidden = !session.token_required;
    document.body.dataset.access = session.access;
  } catch (err) {
    app.setConnection("error", err.message);
  }
  window.addEventListener("hashchange", route);
  route();
}

start();
