// c360 console: find a caller, see the whole story, log the contact. Plain JS, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const ICONS = {
  call: "📞", email: "✉️", chat: "💬", sms: "📱", purchase: "🛒", refund: "↩️",
  "complaint.opened": "⚠️", "complaint.updated": "⚠️", "complaint.resolved": "✅",
  "survey.response": "📝", visit: "🏬", note: "🗒️", sent: "🔔", failed: "❗", suppressed: "🔕",
  scored: "📊",
};
const MOODS = { angry: "😠", dissatisfied: "🙁", neutral: "😐", satisfied: "🙂", delighted: "😄" };
const state = { customer: null, view: null, cursor: null, items: [], loadingMore: false, live: null, segmentNames: {} };

function locale() { return $("locale").value === "fa" ? "fa-IR-u-ca-persian" : "en-GB"; }
function when(iso, withTime = true) {
  if (!iso) return "—";
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
}
function money(byCurrency) {
  const parts = Object.entries(byCurrency || {}).map(([currency, minor]) => {
    const format = new Intl.NumberFormat(locale(), { style: "currency", currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(minor / 10 ** digits);
  });
  return parts.length ? parts.join(" · ") : "—";
}
function say(text, kind = "") { $("state").textContent = text; $("state").className = kind; }

async function getJson(path) {
  let answer;
  try { answer = await fetch(path, { headers: { accept: "application/json", ...session.headers() } }); }
  catch { throw new Error("The service is unavailable. Check your connection and try again."); }
  if (answer.status === 401) { session.expired(); throw new Error("Your session has ended. Sign in again."); }
  if (answer.status === 404) return null;
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    if (answer.status >= 500) throw new Error("The service is unavailable right now. Try again in a moment.");
    const fields = (body.errors || []).map((e) => `${e.field}: ${e.reason}`).join("; ");
    throw new Error(`${body.title || body.detail || answer.statusText}${fields ? ` (${fields})` : ""}`);
  }
  return body;
}

function kindOf(text) {
  const t = text.trim();
  if (t.includes("@")) return ["email", t];
  const digits = (t.match(/[\d۰-۹٠-٩]/g) || []).length;
  if (/^[+()\-\s.\d۰-۹٠-٩]+$/.test(t) && digits >= 5) return ["phone", t];
  return ["name", t];
}

async function search(event) {
  event?.preventDefault();
  const text = $("q").value;
  if (!text.trim()) return;
  const [kind, value] = kindOf(text);
  $("matches").hidden = true;
  say("Looking up…");
  try {
    if (kind === "name") {
      const page = await getJson(`/v1/customers?q=${encodeURIComponent(value)}&limit=10`);
      const found = page ? page.items : [];
      if (found.length === 1) return open(found[0].customer_id);
      if (!found.length) { hideCustomer(); return say(`No customer named “${value}”.`); }
      return showMatches(found);
    }
    const view = await getJson(`/v1/customers/lookup?${kind}=${encodeURIComponent(value)}`);
    if (!view) { hideCustomer(); return say(`No customer with ${kind} ${value}.`); }
    await show(view, true);
  } catch (error) { say(error.message, "error"); }
}

function showMatches(found) {
  const list = $("matches");
  list.replaceChildren(...found.map((m) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button"; button.dir = "auto"; button.textContent = m.name;
    button.addEventListener("click", () => open(m.customer_id));
    item.append(button);
    return item;
  }));
  list.hidden = false;
  say(`${found.length} customers match; choose one.`);
  list.querySelector("button")?.focus();
}

async function open(customerId, position) {
  say("Loading…");
  try {
    const wait = position ? `?min_position=${encodeURIComponent(position)}&timeout_ms=5000` : "";
    const view = await getJson(`/v1/customers/${encodeURIComponent(customerId)}${wait}`);
    if (!view) { hideCustomer(); return say(`No customer ${customerId}.`); }
    await show(view, true);
  } catch (error) { say(error.message, "error"); }
}

function hideCustomer() { $("customer").hidden = true; stopLive(); state.customer = null; }

async function show(view, fresh) {
  const switched = state.customer !== view.customer_id;
  state.customer = view.customer_id; state.view = view;
  $("matches").hidden = true;
  renderCard(view);
  $("customer").hidden = false;
  say(view.merged_into ? `${view.requested_id} was merged into this customer.` : "");
  if (switched || fresh) await loadTimeline(true);
  if (switched) startLive(view.customer_id);
}

function renderCard(view) {
  const p = view.profile, k = view.kpis;
  $("name").textContent = p.name || "(no name)";
  const ids = [...p.phones, ...p.emails, ...Object.entries(p.external_ids || {}).map(([s, v]) => `${s}:${v}`)];
  $("ids").textContent = ids.join(" · ") || view.customer_id;
  $("mood").textContent = MOODS[view.satisfaction] || "";
  $("mood").setAttribute("aria-label", `satisfaction: ${view.satisfaction}`);
  $("stage").textContent = view.lifecycle_stage;
  $("satisfaction").textContent = view.satisfaction;
  $("spend").textContent = money(k.total_spent);
  $("orders").textContent = String(k.purchase_count);
  $("last").textContent = when(k.last_contact_at);
  $("channel").textContent = p.preferred_channel || "—";
  $("consent").replaceChildren(...Object.entries(p.consent || {}).map(([channel, c]) => {
    const chip = document.createElement("span");
    const granted = c && (c.granted ?? c.status === "granted");
    chip.className = granted ? "yes" : "no";
    chip.textContent = `${channel} ${granted ? "✓" : "✗"}`;
    return chip;
  }));
  renderScores(view.analytics);
  renderSegments(view.segments || []);
  renderComplaints(k.open_complaints || []);
}

function renderScores(analytics) {
  // shown only once the analytics service has scored the customer
  const rfm = analytics?.rfm, clv = analytics?.clv;
  for (const fact of document.querySelectorAll("#card .scored")) fact.hidden = !analytics;
  $("rfm").textContent = rfm ? rfm.cell.replaceAll("_", " ") : "—";
  $("rfm").title = rfm ? `R ${rfm.recency} · F ${rfm.frequency} · M ${rfm.monetary}` : "";
  $("clv").textContent = clv ? money({ [clv.currency]: clv.clv_12m_minor }) : "—";
  $("palive").textContent = clv
    ? new Intl.NumberFormat(locale(), { style: "percent" }).format(clv.p_alive) : "—";
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
  box.replaceChildren(...ids.map((id) => {
    const chip = document.createElement("span");
    chip.textContent = state.segmentNames[id] || id;
    chip.title = `segment ${id}`;
    return chip;
  }));
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
  const type = $("type").value;
  const query = new URLSearchParams({ limit: "25" });
  if (type) query.set("type", type);
  if (!reset) query.set("cursor", state.cursor);
  $("more").textContent = "Loading…";
  try {
    const page = await getJson(`/v1/customers/${encodeURIComponent(state.customer)}/timeline?${query}`);
    const known = new Set(reset ? [] : state.items.map((i) => i.id));
    const previous = new Set(state.items.map((i) => i.id));
    const items = (page ? page.items : []).filter((i) => !known.has(i.id));
    state.items = reset ? items : [...state.items, ...items];
    state.cursor = page ? page.next_cursor : null;
    renderTimeline(reset ? previous : null);
  } catch (error) { say(error.message, "error"); }
  finally {
    state.loadingMore = false;
    $("more").textContent = state.cursor ? "Scroll for older events" : "Beginning of the story";
  }
}

function renderTimeline(previous) {
  $("timeline").replaceChildren(...state.items.map((item) => {
    const row = document.createElement("li");
    if (previous && previous.size && !previous.has(item.id)) row.className = "fresh";
    const icon = Object.assign(document.createElement("span"), { className: "icon", textContent: ICONS[item.type] || (item.family === "contact" ? "👤" : "•") });
    icon.setAttribute("aria-hidden", "true");
    const body = document.createElement("div");
    const what = Object.assign(document.createElement("span"), { className: "what", textContent: item.type });
    const at = Object.assign(document.createElement("span"), { className: "when", textContent: ` ${when(item.time)}` });
    const summary = Object.assign(document.createElement("p"), { className: "summary", textContent: item.summary });
    summary.dir = "auto";
    body.append(what, at, summary);
    const said = item.data && (item.data.notes || item.data.text || item.data.comment);
    if (said) {
      const words = Object.assign(document.createElement("p"), { className: "summary", textContent: said });
      words.dir = "auto";
      body.append(words);
    }
    row.append(icon, body);
    return row;
  }));
  renderChart();
}

function renderChart() {
  const months = new Map();
  for (const item of state.items) {
    const key = item.time.slice(0, 7);
    const entry = months.get(key) || { spend: 0, contacts: 0 };
    if (item.type === "purchase" && item.data) entry.spend += item.data.amount_minor || 0;
    if (item.family === "interaction") entry.contacts += 1;
    months.set(key, entry);
  }
  const keys = [...months.keys()].sort().slice(-6);
  const maxSpend = Math.max(1, ...keys.map((k) => months.get(k).spend));
  const maxContacts = Math.max(1, ...keys.map((k) => months.get(k).contacts));
  const svg = $("chart");
  const parts = keys.map((key, n) => {
    const m = months.get(key), x = 10 + n * 58, hs = (m.spend / maxSpend) * 60, hc = (m.contacts / maxContacts) * 60;
    return `<rect class="spend" x="${x}" y="${70 - hs}" width="20" height="${hs}"><title>${key}: spend ${m.spend}</title></rect>` +
      `<rect class="contacts" x="${x + 22}" y="${70 - hc}" width="20" height="${hc}"><title>${key}: ${m.contacts} contacts</title></rect>` +
      `<text x="${x}" y="82">${key}</text>`;
  });
  svg.innerHTML = parts.join("") || '<text x="10" y="40">no activity yet</text>';
}

// Server-sent events read with fetch, because EventSource cannot send the bearer token.
async function follow(customerId, stop) {
  const url = `/console/api/customers/${encodeURIComponent(customerId)}/stream`;
  const answer = await fetch(url, { headers: session.headers(), signal: stop.signal });
  if (!answer.ok) throw new Error(`stream: ${answer.status}`);
  $("live").classList.remove("off");
  const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer = (buffer + value).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (/^event: changed$/m.test(block)) refresh();
    }
  }
}
function startLive(customerId) {
  stopLive();
  const stop = new AbortController();
  state.live = stop;
  follow(customerId, stop).catch(() => {}).finally(() => $("live").classList.add("off"));
}
function stopLive() { state.live?.abort(); state.live = null; }

async function refresh(position) {
  if (!state.customer) return;
  const wait = position ? `?min_position=${encodeURIComponent(position)}&timeout_ms=5000` : "";
  const view = await getJson(`/v1/customers/${encodeURIComponent(state.customer)}${wait}`).catch(() => null);
  if (view) { state.view = view; renderCard(view); }
  await loadTimeline(true);
}

async function logEvent(type, data, form) {
  const event = {
    specversion: "1.0", id: crypto.randomUUID(), source: "urn:c360:console", type,
    time: new Date().toISOString(), subject: state.customer, datacontenttype: "application/json",
    data: { customer: { customer_id: state.customer }, agent_id: session.user() || "console", ...data },
  };
  say("Saving…");
  let answer;
  try {
    answer = await fetch("/console/api/events", { method: "POST", headers: { "content-type": "application/json", ...session.headers() }, body: JSON.stringify(event) });
  } catch { return say("The service is unavailable; nothing was saved. Try again.", "error"); }
  if (answer.status === 401) { session.expired(); return say("Your session has ended; nothing was saved. Sign in again.", "error"); }
  const body = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const fields = (body.errors || []).map((e) => `${e.field}: ${e.reason}`).join("; ");
    return say(`Not saved: ${body.title || body.detail || answer.statusText}${fields ? ` (${fields})` : ""}`, "error");
  }
  form.reset();
  await refresh(body.position);
  say("Saved.");
}

function bindActions() {
  $("log-call").addEventListener("submit", (e) => {
    e.preventDefault(); const f = new FormData(e.target);
    logEvent("c360.interaction.call", { direction: "inbound", ...cases.callFields(f), outcome: f.get("outcome"), notes: f.get("notes") || null }, e.target);
  });
  $("log-note").addEventListener("submit", (e) => {
    e.preventDefault(); logEvent("c360.interaction.note", { text: new FormData(e.target).get("text") }, e.target);
  });
  $("open-complaint").addEventListener("submit", (e) => {
    e.preventDefault(); const f = new FormData(e.target);
    logEvent("c360.interaction.complaint.opened", { complaint_id: `cmp-${crypto.randomUUID().slice(0, 8)}`, subject: f.get("subject"), severity: f.get("severity") }, e.target);
  });
  $("resolve-complaint").addEventListener("submit", (e) => {
    e.preventDefault(); const f = new FormData(e.target);
    logEvent("c360.interaction.complaint.resolved", { complaint_id: f.get("complaint"), resolution: f.get("resolution") }, e.target);
  });
}

$("search").addEventListener("submit", search);
$("type").addEventListener("change", () => loadTimeline(true));
$("locale").addEventListener("change", () => {
  document.documentElement.lang = $("locale").value;
  if (state.view) { renderCard(state.view); renderTimeline(null); }
});
new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadTimeline(false); }).observe($("more"));
document.addEventListener("c360:saved", (e) => refresh(e.detail.position));
bindActions();

function signedOut(message) {
  stopLive();
  state.customer = null; state.view = null;
  $("customer").hidden = true; $("matches").hidden = true;
  $("signed-in").hidden = true; $("sign-out").hidden = true; $("sign-in").hidden = false;
  say(message, "error");
}
document.addEventListener("c360:signed-out", (e) => signedOut(e.detail));
$("sign-out").addEventListener("click", () => { signedOut("Signed out."); session.signOut(); });
$("sign-in").addEventListener("click", () => session.signIn());
session.start().then(({ user }) => {
  if (!user) return;
  $("signed-in").textContent = `Signed in as ${user}`;
  $("signed-in").hidden = false; $("sign-out").hidden = false;
}).catch((error) => signedOut(error.message));
