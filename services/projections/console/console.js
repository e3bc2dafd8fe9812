// c360 console: find a caller, see the whole story, log the contact. Plain JS, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { customer: null, view: null, cursor: null, items: [], loadingMore: false, live: null, segmentNames: {}, lookup: 0 };

// What went wrong, told apart: the service is down or unreachable, or it refused the request.
class ApiError extends Error {
  constructor(kind, message, status = 0) { super(message); this.kind = kind; this.status = status; }
}

// kind: "loading" | "notfound" | "error" | "unavailable" | "warn" | "ok" | ""
function say(text, kind = "") { $("state").textContent = text; $("state").dataset.kind = kind; }

async function getJson(path) {
  let answer;
  try { answer = await fetch(path, { headers: { accept: "application/json", ...session.headers() } }); }
  catch { throw new ApiError("unavailable", i18n.t("offline")); }
  if (answer.status === 401) { session.expired(); throw new ApiError("error", i18n.t("sessionEnded"), 401); }
  if (answer.status === 404) return null;
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    if (answer.status >= 500) throw new ApiError("unavailable", i18n.t("unavailable"), answer.status);
    throw new ApiError("error", problemText(body, answer), answer.status);
  }
  return body;
}

function problemText(body, answer) {
  const fields = (body.errors || []).map((e) => `${e.field}: ${e.reason}`).join("; ");
  return `${body.title || body.detail || answer.statusText}${fields ? ` (${fields})` : ""}`;
}

function kindOf(text) {
  const t = text.trim();
  if (t.includes("@")) return ["email", t];
  const digits = (t.match(/[\d۰-۹٠-٩]/g) || []).length;
  if (/^[+()\-\s.\d۰-۹٠-٩]+$/.test(t) && digits >= 5) return ["phone", t];
  return ["name", t];
}

// A new lookup clears the card at once: the previous caller's data must never stay on screen
// beside a "not found" (the wrong-customer hazard). An answer to an older lookup is dropped.
async function search(event) {
  event?.preventDefault();
  const text = $("q").value;
  if (!text.trim()) return;
  const [kind, value] = kindOf(text);
  const mine = ++state.lookup;
  clearCustomer();
  say(i18n.t("lookingUp", { value }), "loading");
  try {
    if (kind === "name") {
      const page = await getJson(`/v1/customers?q=${encodeURIComponent(value)}&limit=10`);
      if (mine !== state.lookup) return;
      const found = page ? page.items : [];
      if (found.length === 1) return open(found[0].customer_id);
      if (!found.length) return say(i18n.t("notFoundName", { value }), "notfound");
      return showMatches(found);
    }
    const view = await getJson(`/v1/customers/lookup?${kind}=${encodeURIComponent(value)}`);
    if (mine !== state.lookup) return;
    if (!view) return say(i18n.t("notFound", { kind: i18n.code(kind), value }), "notfound");
    await show(view, true);
  } catch (error) { if (mine === state.lookup) say(error.message, error.kind || "error"); }
}

function showMatches(found) {
  const list = $("matches");
  list.replaceChildren(...found.map((m) => {
    const item = document.createElement("li");
    const button = Object.assign(document.createElement("button"), { type: "button" });
    button.append(bdi(m.name));
    button.addEventListener("click", () => open(m.customer_id));
    item.append(button);
    return item;
  }));
  list.hidden = false;
  say(i18n.t("matches", { count: i18n.number(found.length) }));
  list.querySelector("button")?.focus();
}

async function open(customerId) {
  const mine = ++state.lookup;
  clearCustomer();
  if (!customerId) return say("");
  say(i18n.t("loading"), "loading");
  try {
    const view = await getJson(`/v1/customers/${encodeURIComponent(customerId)}`);
    if (mine !== state.lookup) return;
    if (!view) return say(i18n.t("notFound", { kind: "id", value: customerId }), "notfound");
    await show(view, true);
  } catch (error) { if (mine === state.lookup) say(error.message, error.kind || "error"); }
}

function clearCustomer() {
  stopLive();
  Object.assign(state, { customer: null, view: null, cursor: null, items: [] });
  $("customer").hidden = true; $("matches").hidden = true; $("contact-form").hidden = true; $("duplicates").hidden = true;
  for (const id of ["name", "ids", "mood", "stage", "satisfaction", "spend", "orders", "last", "channel", "csat", "nps", "local-time", "tags", "consent", "segments", "complaints", "timeline"]) $(id).replaceChildren();
  $("chart").replaceChildren(); $("chart-legend").replaceChildren();
  for (const form of document.querySelectorAll("#actions form")) form.reset();
  enableActions(false);
  tabs.none();
}

function enableActions(on) {
  for (const fieldset of document.querySelectorAll("#actions fieldset, #contact-form fieldset")) fieldset.disabled = !on;
  $("edit-contact").disabled = !on;
}

async function show(view, fresh) {
  const switched = state.customer !== view.customer_id;
  state.customer = view.customer_id; state.view = view;
  $("matches").hidden = true;
  renderCard(view);
  renderSegments(view.segments || []);
  renderComplaints(view.kpis.open_complaints || []);
  $("customer").hidden = false;
  enableActions(true);
  tabs.show(view.customer_id, view.profile.name);
  say(view.merged_into ? i18n.t("mergedInto", { id: view.requested_id }) : "", view.merged_into ? "warn" : "");
  if (switched || fresh) await loadTimeline(true);
  if (switched) { startLive(view.customer_id); duplicates.show(view.customer_id); }
}

async function renderSegments(ids) {
  const box = $("segments");
  box.hidden = ids.length === 0;
  if (ids.some((id) => !(id in state.segmentNames))) {
    try {
      const all = await getJson("/v1/segments");
      state.segmentNames = Object.fromEntries(all.map((s) => [s.id, s.name]));
    } catch { /* the ids will do */ }
  }
  chips(box, ids.map((id) => [state.segmentNames[id] || id]));
}

function renderComplaints(open) {
  cases.render(open, state.customer);
  const select = document.querySelector("#resolve-complaint select");
  select.replaceChildren(...open.map((c) => new Option(c.subject, c.complaint_id)));
}

async function loadTimeline(reset) {
  if (state.loadingMore || !state.customer) return;
  if (!reset && !state.cursor) return;
  state.loadingMore = true;
  const customer = state.customer;
  const type = $("type").value;
  const query = new URLSearchParams({ limit: "25" });
  if (type) query.set("type", type);
  if (!reset) query.set("cursor", state.cursor);
  $("more").textContent = i18n.t("loading");
  try {
    const page = await getJson(`/v1/customers/${encodeURIComponent(customer)}/timeline?${query}`);
    if (customer !== state.customer) return;
    const known = new Set(reset ? [] : state.items.map((i) => i.id));
    const previous = new Set(state.items.map((i) => i.id));
    const items = (page ? page.items : []).filter((i) => !known.has(i.id));
    state.items = reset ? items : [...state.items, ...items];
    state.cursor = page ? page.next_cursor : null;
    if (saving.settle(items.map((i) => i.id))) say(i18n.t("saved"), "ok");
    renderTimeline(reset ? previous : null);
  } catch (error) { say(error.message, error.kind || "error"); }
  finally {
    state.loadingMore = false;
    $("more").textContent = i18n.t(state.cursor ? "scroll" : "beginning");
  }
}

function renderTimeline(previous) {
  const pending = saving.of(state.customer).map(saving.row);
  $("timeline").replaceChildren(...pending, ...state.items.map((item) => {
    const row = document.createElement("li");
    row.dataset.id = item.id;
    if (previous && previous.size && !previous.has(item.id)) row.className = "fresh";
    const body = document.createElement("div");
    const what = Object.assign(document.createElement("span"), { className: "what", textContent: i18n.code(item.type) });
    const at = Object.assign(document.createElement("span"), { className: "when", textContent: ` ${when(item.time)}` });
    body.append(what, at);
    if (saving.wasSaved(item.id)) body.append(" ", Object.assign(document.createElement("span"), { className: "badge saved", textContent: i18n.t("savedBadge") }));
    const summary = Object.assign(document.createElement("p"), { className: "summary" });
    summary.append(...summaries.of(item));
    body.append(summary);
    // a call's notes, which its summary line does not quote (a note's, an SMS's and a comment's do)
    const said = item.data?.notes;
    if (said) {
      const words = Object.assign(document.createElement("p"), { className: "summary" });
      words.append(bdi(said));
      body.append(words);
    }
    const lines = orderLines(item);
    if (lines) body.append(lines);
    row.append(icons.forItem(item), body);
    return row;
  }));
  renderChart();
}

// Spend in one currency (the one bought in most often: amounts in different currencies do not
// add up) beside the number of contacts, per month, with a legend saying which is which.
function renderChart() {
  const purchases = state.items.filter((i) => i.type === "purchase" && i.money);
  const counts = new Map();
  for (const p of purchases) counts.set(p.money.currency, (counts.get(p.money.currency) || 0) + 1);
  const currency = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const months = new Map();
  for (const item of state.items) {
    const key = item.time.slice(0, 7);
    const entry = months.get(key) || { spend: 0, contacts: 0 };
    if (item.type === "purchase" && item.money?.currency === currency) entry.spend += item.money.amount_minor;
    if (item.family === "interaction") entry.contacts += 1;
    months.set(key, entry);
  }
  const keys = [...months.keys()].sort().slice(-6);
  const maxSpend = Math.max(1, ...keys.map((k) => months.get(k).spend));
  const maxContacts = Math.max(1, ...keys.map((k) => months.get(k).contacts));
  const exponent = state.view?.currency_exponents?.[currency];
  const monthName = (key) => new Intl.DateTimeFormat(i18n.dates(), { month: "short", year: "2-digit" }).format(new Date(`${key}-15`));
  const svg = $("chart");
  const esc = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const bars = keys.map((key, n) => {
    const m = months.get(key), x = 10 + n * 58, hs = (m.spend / maxSpend) * 55, hc = (m.contacts / maxContacts) * 55;
    const spend = currency ? formatMoney(m.spend, currency, exponent) : "";
    return `<rect class="spend" x="${x}" y="${80 - hs}" width="20" height="${hs}"><title>${esc(spend)}</title></rect>` +
      `<rect class="contacts" x="${x + 22}" y="${80 - hc}" width="20" height="${hc}"><title>${esc(i18n.number(m.contacts))} ${esc(i18n.t("contacts"))}</title></rect>` +
      `<text x="${x}" y="92">${esc(monthName(key))}</text>`;
  });
  svg.innerHTML = bars.length ? bars.join("") : `<text x="10" y="40">${esc(i18n.t("none"))}</text>`;
  renderLegend(bars.length ? currency : undefined, bars.length > 0);
}

// The legend is HTML beside the chart, not SVG text: it then flows with the page's direction
// (SVG text placed by x runs off its swatch in a right-to-left page).
function renderLegend(currency, shown) {
  const key = (className, text) => {
    const item = Object.assign(document.createElement("span"), { className: "legend-item" });
    item.append(Object.assign(document.createElement("span"), { className: `swatch ${className}` }), text);
    return item;
  };
  const items = [];
  if (currency) items.push(key("spend", i18n.t("legendSpend", { currency })));
  if (shown) items.push(key("contacts", i18n.t("contacts")));
  $("chart-legend").replaceChildren(...items);
}

// The card's live channel (stream.js): a change to this customer reloads it.
async function follow(customerId, stop) {
  const url = `/console/api/customers/${encodeURIComponent(customerId)}/stream`;
  const answer = await fetch(url, { headers: session.headers(), signal: stop.signal });
  if (!answer.ok) throw new Error(`stream: ${answer.status}`);
  $("live").classList.remove("off");
  await readEventBlocks(answer, (block) => { if (/^event: changed$/m.test(block)) refresh(); });
}
function startLive(customerId) {
  stopLive();
  const stop = new AbortController();
  state.live = stop;
  follow(customerId, stop).catch(() => {}).finally(() => $("live").classList.add("off"));
}
function stopLive() { state.live?.abort(); state.live = null; }

// Reloads the card and the newest entries; with a position, first waits (bounded) until the
// projection has passed it. False when that wait ran out (504): accepted, not yet visible.
async function refresh(position) {
  const customer = state.customer;
  if (!customer) return false;
  const wait = position ? `?min_position=${encodeURIComponent(position)}&timeout_ms=5000` : "";
  let visible = true;
  try {
    const view = await getJson(`/v1/customers/${encodeURIComponent(customer)}${wait}`);
    if (view && customer === state.customer) { state.view = view; renderCard(view); renderSegments(view.segments || []); renderComplaints(view.kpis.open_complaints || []); }
  } catch (error) { visible = false; if (error.status !== 504) say(error.message, error.kind); }
  await loadTimeline(true);
  return visible;
}

async function logEvent(type, data, form, text) {
  const fieldset = form.querySelector("fieldset");
  if (fieldset.disabled || !state.customer) return;  // no double submission, no customer-less entry
  fieldset.disabled = true;
  const event = {
    specversion: "1.0", id: crypto.randomUUID(), source: "urn:c360:console", type,
    time: new Date().toISOString(), subject: state.customer, datacontenttype: "application/json",
    data: { customer: { customer_id: state.customer }, agent_id: session.user() || "console", ...data },
  };
  saving.add(event, text);
  renderTimeline(null);
  say(i18n.t("saving"), "loading");
  try {
    const outcome = await send(event);
    if (outcome.failed) { saving.mark(event.id, "failed", outcome.failed); say(i18n.t("notSaved", { reason: outcome.failed }), outcome.kind); return; }
    form.reset();
    saving.mark(event.id, "waiting");
    renderTimeline(null);
    await refresh(outcome.position);
    if (saving.of(event.subject).some((e) => e.id === event.id)) say(i18n.t("notVisible"), "warn");
  } finally {
    renderTimeline(null);
    fieldset.disabled = !state.customer;
  }
}

async function send(event) {
  let answer;
  try {
    answer = await fetch("/console/api/events", { method: "POST", headers: { "content-type": "application/json", ...session.headers() }, body: JSON.stringify(event) });
  } catch { return { failed: i18n.t("unavailableNothingSaved"), kind: "unavailable" }; }
  if (answer.status === 401) { session.expired(); return { failed: i18n.t("sessionEnded"), kind: "error" }; }
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) return { failed: answer.status >= 500 ? i18n.t("unavailableNothingSaved") : problemText(body, answer), kind: answer.status >= 500 ? "unavailable" : "error" };
  return { position: body.position };
}

function bindActions() {
  const on = (id, handler) => $(id).addEventListener("submit", (e) => { e.preventDefault(); handler(new FormData(e.target), e.target); });
  on("log-call", (f, form) => logEvent("c360.interaction.call", { direction: "inbound", ...cases.callFields(f), outcome: f.get("outcome"), notes: f.get("notes") || null }, form, f.get("notes") || i18n.code(f.get("outcome"))));
  on("log-note", (f, form) => logEvent("c360.interaction.note", { text: f.get("text") }, form, f.get("text")));
  on("open-complaint", (f, form) => logEvent("c360.interaction.complaint.opened", { complaint_id: `cmp-${crypto.randomUUID().slice(0, 8)}`, subject: f.get("subject"), severity: f.get("severity") }, form, f.get("subject")));
  on("resolve-complaint", (f, form) => logEvent("c360.interaction.complaint.resolved", { complaint_id: f.get("complaint"), resolution: f.get("resolution") }, form, f.get("resolution")));
}

$("search").addEventListener("submit", search);
$("type").addEventListener("change", () => loadTimeline(true));
$("language").value = i18n.language();
$("language").addEventListener("change", () => i18n.choose($("language").value));
document.addEventListener("c360:language", () => {
  if (state.view) { renderCard(state.view); renderComplaints(state.view.kpis.open_complaints || []); renderTimeline(null); }
});
new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadTimeline(false); }).observe($("more"));
// an entry accepted but not yet visible is looked for again until the timeline has it
setInterval(() => state.customer && saving.waiting(state.customer) && refresh(), 3000);
tabs.onChoose(open);
i18n.apply();
clearCustomer();
document.addEventListener("c360:saved", (e) => refresh(e.detail.position));
bindActions();

function signedOut(message) {
  clearCustomer(); screenPop.stop();
  $("signed-in").hidden = true; $("sign-out").hidden = true; $("sign-in").hidden = false;
  say(message, "error");
}
document.addEventListener("c360:signed-out", (e) => signedOut(e.detail));
$("sign-out").addEventListener("click", () => { signedOut(i18n.t("signOut")); session.signOut(); });
$("sign-in").addEventListener("click", () => session.signIn());
// Screen pop (screenpop.js): a ringing call or /console?phone=… looks the caller up like a typed number.
const lookUp = (text) => { $("q").value = text; return search(); };
session.start().then(({ user }) => {
  screenPop.start(user, lookUp);
  if (!user) return;
  $("signed-in").replaceChildren(i18n.t("signedInAs", { user: "" }), bdi(user));
  $("signed-in").hidden = false; $("sign-out").hidden = false;
}).catch((error) => signedOut(error.message));
