// Honest saving: a logged entry shows at once as pending, says plainly when it was accepted but
// the projection does not show it yet, and turns saved only when the timeline has it.
"use strict";

const saving = (() => {
  const entries = new Map();  // event id -> { id, customer, type, time, text, status, reason }
  const saved = new Set();    // ids that turned saved while the agent watched

  function add(event, text) {
    entries.set(event.id, { id: event.id, customer: event.subject, type: event.type.replace("c360.interaction.", ""), time: event.time, text, status: "pending" });
  }
  function mark(id, status, reason = "") {
    const entry = entries.get(id);
    if (entry) Object.assign(entry, { status, reason });
  }
  // the timeline now has these ids: their pending rows give way to the real entries
  function settle(ids) {
    let settled = 0;
    for (const id of ids) {
      if (entries.has(id) && entries.get(id).status !== "failed") { entries.delete(id); saved.add(id); settled += 1; }
    }
    return settled;
  }
  const of = (customer) => [...entries.values()].filter((e) => e.customer === customer).reverse();
  const waiting = (customer) => of(customer).some((e) => e.status === "waiting");
  const drop = (id) => entries.delete(id);

  function row(entry) {
    const item = document.createElement("li");
    item.className = `pending ${entry.status}`;
    item.dataset.id = entry.id;
    item.append(icons.named(entry.status === "failed" ? "failed" : "pending"));
    const body = document.createElement("div");
    const badge = Object.assign(document.createElement("span"), { className: "badge" });
    badge.textContent = i18n.t({ pending: "pending", waiting: "waiting", failed: "failed" }[entry.status]);
    const what = Object.assign(document.createElement("span"), { className: "what", textContent: i18n.code(entry.type) });
    body.append(what, " ", badge);
    if (entry.text) {
      const said = Object.assign(document.createElement("p"), { className: "summary" });
      said.append(bdi(entry.text));
      body.append(said);
    }
    if (entry.reason) body.append(Object.assign(document.createElement("p"), { className: "reason", textContent: entry.reason }));
    item.append(body);
    return item;
  }

  return { add, mark, settle, of, waiting, drop, row, wasSaved: (id) => saved.has(id) };
})();
