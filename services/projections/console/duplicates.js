// Possible duplicates of the open customer (identifiers that pointed at two customers), with a
// merge action for supervisors; the contacts service records the merge and can undo it.
"use strict";

const duplicates = (() => {
  async function show(customerId) {
    const box = $("duplicates");
    box.hidden = true;
    if (!session.may("supervisor")) return;
    const found = await getJson(`/console/api/duplicates?customer_id=${encodeURIComponent(customerId)}`).catch(() => null);
    if (customerId !== state.customer || !found) return;
    const open = found.filter((d) => d.status === "open");
    $("duplicate-list").replaceChildren(...open.flatMap((d) => d.customers.filter((id) => id !== customerId).map((other) => {
      const item = document.createElement("li");
      const button = Object.assign(document.createElement("button"), { type: "button", className: "quiet", textContent: i18n.t("mergeHere") });
      button.addEventListener("click", () => merge(customerId, other, d.keys));
      item.append(bdi(other), ` (${d.keys.join(", ")}) `, button);
      return item;
    })));
    box.hidden = !open.length;
  }

  async function merge(survivor, merged, keys) {
    const answer = await fetch("/console/api/contacts/merge", {
      method: "POST", headers: { "content-type": "application/json", ...session.headers() },
      body: JSON.stringify({ survivor_id: survivor, merged_id: merged, reason: `possible duplicate: ${keys.join(", ")}`, actor: session.user() }),
    }).catch(() => null);
    if (!answer) return say(i18n.t("offline"), "unavailable");
    const body = await answer.json().catch(() => ({}));
    if (!answer.ok) return say(i18n.t("notSaved", { reason: problemText(body, answer) }), answer.status >= 500 ? "unavailable" : "error");
    say(i18n.t("merged", { id: merged }), "ok");
    await refresh(body.position);
    await show(survivor);
  }

  document.addEventListener("c360:language", () => state.customer && show(state.customer));
  return { show };
})();
