// c360 console, cases: the open complaints of the customer worked as cases (owner, status,
// comments, a live SLA countdown), and the call timer with wrap-up codes for the call form.
// Plain JS, no build step; console.js calls `cases.render(open, customerId)` with every view.
"use strict";

const cases = (() => {
  const STATUSES = ["open", "in_progress", "waiting_customer", "resolved", "closed", "escalated"];
  const statusLabel = (status) => (STATUSES.includes(status) ? i18n.t(`case_${status}`) : status);
  const CASE_EVENT = "c360.interaction.complaint.";
  const shown = { customer: null, open: [] };
  const byId = (id) => document.getElementById(id);
  const make = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };
  // User text (subjects, comments, agent names) is isolated so mixed scripts keep their order.
  const isolated = (text) => make("bdi", { textContent: text ?? "" });

  function countdown(dueIso, now = Date.now()) {
    // whole minutes, never flattering: 2 h 59 min left until the last second of the third hour
    const left = (new Date(dueIso) - now) / 60000;
    const minutes = left < 0 ? Math.ceil(-left) : Math.floor(left), hours = Math.floor(minutes / 60);
    const n = (value) => i18n.number(value);
    const span = hours >= 48 ? i18n.t("caseDaysHours", { d: n(Math.floor(hours / 24)), h: n(hours % 24) })
      : hours >= 1 ? i18n.t("caseHoursMinutes", { h: n(hours), m: n(minutes % 60) })
      : i18n.t("caseMinutes", { m: n(minutes) });
    return left < 0
      ? { text: i18n.t("caseSlaOverdue", { span }), kind: "overdue" }
      : { text: i18n.t("caseSlaLeft", { span }), kind: hours < 2 ? "due" : "ok" };
  }

  function tick() {
    for (const clock of document.querySelectorAll("#complaints [data-due]")) {
      const { text, kind } = countdown(clock.dataset.due);
      clock.textContent = text;
      clock.className = `sla ${kind}`;
    }
  }

  // A live update redraws what each case shows and keeps its form, so what the agent is typing
  // (and where the cursor is) is never replaced under them. Cases opened or closed, another
  // customer or another language draw the list afresh, carrying over what was typed.
  function render(open, customerId) {
    const list = byId("complaints");
    const same = customerId === shown.customer && sameCases(list, open);
    shown.customer = customerId; shown.open = open;
    if (same) {
      open.forEach((c, i) => redraw(list.children[i], c));
    } else {
      const typed = keepTyped(list);
      list.replaceChildren(...open.map(caseItem));
      if (!open.length) list.replaceChildren(make("li", { className: "none", textContent: i18n.t("caseNone") }));
      restoreTyped(list, typed);
    }
    tick();
  }

  function sameCases(list, open) {
    const items = [...list.children];
    return open.length > 0 && items.length === open.length && items.every((item, i) =>
      item.dataset.case === open[i].complaint_id && item.dataset.language === i18n.language());
  }

  function caseItem(c) {
    const item = make("li", { className: "case" });
    Object.assign(item.dataset, { case: c.complaint_id, language: i18n.language() });
    item.append(...caseParts(c), caseActions(c));
    return item;
  }

  function redraw(item, c) {
    const form = item.querySelector(".case-actions");
    for (const node of [...item.children]) if (node !== form) node.remove();
    form.before(...caseParts(c));
    // the status follows the case unless the agent has chosen another one to set
    // (an escalated case shows the first status, as when drawn afresh: escalation is not set by hand)
    const status = form.elements.status;
    const current = [...status.options].some((o) => o.value === c.status) ? c.status : status.options[0].value;
    if (status.value === status.dataset.initial) status.value = current;
    status.dataset.initial = current;
  }

  function caseParts(c) {
    const status = make("span", { className: `status ${c.status}`, textContent: statusLabel(c.status) });
    const head = make("div", { className: "case-head" },
      make("strong", {}, isolated(c.subject || c.complaint_id)), ` (${c.severity || "?"}) `, status);
    const clock = make("span", { className: "sla", textContent: c.sla_due_at ? "" : i18n.t("caseNoSla") });
    if (c.sla_due_at) clock.dataset.due = c.sla_due_at;
    const owner = make("p", { className: "owner" }, i18n.t("caseOwner"),
      c.owner ? isolated(c.owner) : make("em", { textContent: i18n.t("caseUnassigned") }));
    owner.dataset.owner = c.owner || "";
    const comments = make("ol", { className: "comments" }, ...(c.comments || []).map((said) =>
      make("li", {}, make("span", { className: "author" }, isolated(said.author || "—")), ": ",
        said.text === null ? make("em", { textContent: i18n.t("caseErased") }) : isolated(said.text))));
    return [head, clock, owner, comments];
  }

  function caseActions(c) {
    const form = make("form", { className: "case-actions" });
    form.setAttribute("aria-label", i18n.t("caseWork", { id: c.complaint_id }));
    const owner = make("input", { name: "owner", placeholder: "agent", autocomplete: "off", value: "" });
    const status = make("select", { name: "status" },
      ...STATUSES.filter((v) => v !== "escalated").map((v) => new Option(statusLabel(v), v, false, v === c.status)));
    const comment = make("textarea", { name: "comment", rows: 2, dir: "auto" });
    const label = (text, field) => make("label", {}, text, field);
    const button = (text, act) => {
      const b = make("button", { type: "button", textContent: text });
      b.addEventListener("click", () => act(form, b));
      return b;
    };
    const id = c.complaint_id;
    form.append(
      make("div", { className: "row" }, label(i18n.t("caseAssignTo"), owner),
        button(i18n.t("caseAssign"), () => owner.value.trim() && send(id, "assigned", { owner: owner.value.trim() }, form, owner)),
        button(i18n.t("caseTake"), () => send(id, "assigned", { owner: me() }, form))),
      make("div", { className: "row" }, label(i18n.t("caseStatus"), status),
        button(i18n.t("caseSetStatus"), () => send(id, "status_changed", { status: status.value }, form))),
      make("div", { className: "row" }, label(i18n.t("caseComment"), comment),
        button(i18n.t("caseAddComment"), () => comment.value.trim() && send(id, "commented", { comment: comment.value }, form, comment))),
      make("p", { className: "case-note", role: "status" }),
    );
    return form;
  }

  function me() { return session.user() || "console"; }

  // Once saved, the field that was sent is emptied, unless the agent has typed something else
  // into it since.
  async function send(complaintId, kind, data, form, field = null) {
    const note = form.querySelector(".case-note");
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((b) => { b.disabled = true; });
    note.textContent = i18n.t("saving"); note.className = "case-note";
    const sent = field?.value;
    try {
      const position = await post(`${CASE_EVENT}${kind}`, { complaint_id: complaintId, ...data });
      if (field && field.value === sent) field.value = "";
      note.textContent = i18n.t("caseSaved");
      document.dispatchEvent(new CustomEvent("c360:saved", { detail: { position } }));
    } catch (error) {
      note.textContent = error.message; note.className = "case-note error";
    } finally { buttons.forEach((b) => { b.disabled = false; }); }
  }

  async function post(type, data) {
    const event = {
      specversion: "1.0", id: crypto.randomUUID(), source: "urn:c360:console", type,
      time: new Date().toISOString(), subject: shown.customer,
      data: { customer: { customer_id: shown.customer }, agent_id: me(), ...data },
    };
    let answer;
    try {
      answer = await fetch("/console/api/events", {
        method: "POST", headers: { "content-type": "application/json", ...session.headers() }, body: JSON.stringify(event),
      });
    } catch { throw new Error(i18n.t("unavailableNothingSaved")); }
    const body = await answer.json().catch(() => ({}));
    if (!answer.ok) {
      const fields = (body.errors || []).map((e) => `${e.field}: ${e.reason}`).join("; ");
      throw new Error(i18n.t("notSaved", { reason: `${body.title || answer.statusText}${fields ? ` (${fields})` : ""}` }));
    }
    return body.position;
  }

  // A live update redraws the cases; what the agent was typing or choosing survives it.
  const FIELDS = ".case-actions input, .case-actions textarea, .case-actions select";
  const fieldKey = (field) => `${field.closest("[data-case]").dataset.case}/${field.name}`;
  function keepTyped(list) {
    const typed = new Map();
    for (const field of list.querySelectorAll(FIELDS)) {
      if (field.value !== field.dataset.initial) typed.set(fieldKey(field), field.value);
    }
    return typed;
  }
  function restoreTyped(list, typed) {
    for (const field of list.querySelectorAll(FIELDS)) {
      field.dataset.initial = field.value;
      if (typed.has(fieldKey(field))) field.value = typed.get(fieldKey(field));
    }
  }

  // The call timer: started when the agent picks up, its seconds become the call's duration.
  const call = { started: null, stopped: null, timer: null };
  function elapsed() {
    return call.started ? Math.round(((call.stopped ?? Date.now()) - call.started) / 1000) : null;
  }
  function showElapsed() {
    const s = elapsed() ?? 0;
    byId("call-timer").textContent = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  }
  function timerLabel() {
    const key = call.timer ? "stopTimer" : call.started ? "restartTimer" : "startTimer";
    byId("call-timer-toggle").textContent = i18n.t(key);
  }
  function toggleTimer() {
    if (call.timer) {
      clearInterval(call.timer); call.timer = null; call.stopped = Date.now();
    } else {
      call.started = Date.now(); call.stopped = null; call.timer = setInterval(showElapsed, 1000);
    }
    timerLabel();
    showElapsed();
  }
  // the page's labels follow a change of language; the timer's tells where the call is
  document.addEventListener("c360:language", timerLabel);
  function resetCall() {
    clearInterval(call.timer);
    Object.assign(call, { started: null, stopped: null, timer: null });
    byId("call-timer").textContent = "00:00";
    timerLabel();
  }
  // What the call form adds to the event: the timed duration (else the minutes typed) and the code.
  function callFields(form) {
    const timed = elapsed();
    const code = form.get("wrapup_code");
    return {
      duration_seconds: timed ?? Number(form.get("minutes") || 0) * 60,
      ...(code ? { wrapup_code: code } : {}),
    };
  }

  async function loadWrapUpCodes() {
    const answer = await fetch("/console/config").catch(() => null);
    const config = answer && answer.ok ? await answer.json() : {};
    const select = byId("wrapup-code");
    const codes = config.wrapup_codes || [];
    select.replaceChildren(new Option("—", ""), ...codes.map((code) => new Option(code.replaceAll("_", " "), code)));
  }

  byId("call-timer-toggle").addEventListener("click", toggleTimer);
  byId("log-call").addEventListener("reset", resetCall);
  setInterval(tick, 1000);
  loadWrapUpCodes();
  return { render, callFields, countdown };
})();
