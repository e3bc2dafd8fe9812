// Several customers open at once, as tabs: the agent can hold a caller while checking another.
"use strict";

const tabs = (() => {
  const open = new Map();  // customer id -> name
  let onChoose = () => {};

  function render(current) {
    const nav = $("tabs");
    nav.hidden = open.size === 0;
    nav.replaceChildren(...[...open].map(([id, name]) => {
      const tab = document.createElement("span");
      tab.className = id === current ? "tab current" : "tab";
      const choose = Object.assign(document.createElement("button"), { type: "button", className: "choose" });
      choose.append(bdi(name || id));
      if (id === current) choose.setAttribute("aria-current", "true");
      choose.addEventListener("click", () => onChoose(id));
      const close = Object.assign(document.createElement("button"), { type: "button", className: "close", textContent: "×" });
      close.setAttribute("aria-label", `${i18n.t("close")} ${name || id}`);
      close.addEventListener("click", () => { open.delete(id); render(current === id ? null : current); if (current === id) onChoose(null); });
      tab.append(choose, close);
      return tab;
    }));
  }

  return {
    show(id, name) { open.set(id, name); render(id); },
    none() { render(null); },
    onChoose(handler) { onChoose = handler; },
  };
})();
