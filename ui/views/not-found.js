// Shown for a route no view claims.
import { h } from "../lib/dom.js";

export const notFoundView = {
  title: () => "Not found",
  mount(container, [path]) {
    container.append(
      h(
        "section.empty",
        {},
        h("h1", { text: "Nothing here" }),
        h("p.muted", {}, `No page at ${path}. `, h("a", { href: "#/" }, "Back to pools")),
      ),
    );
  },
};
