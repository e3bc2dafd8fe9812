// The customer's card: who they are, what they are worth, how they feel, what they allow.
// Every piece of user text sits in <bdi>, so a Persian name in an English line (or the reverse)
// keeps its own direction.
"use strict";

function bdi(text) { return Object.assign(document.createElement("bdi"), { textContent: text }); }

function when(iso, withTime = true) {
  if (!iso) return "—";
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(i18n.dates(), options).format(new Date(iso));
}

function localTime(timezone) {
  if (!timezone) return "—";
  try {
    const time = new Intl.DateTimeFormat(i18n.dates(), { timeStyle: "short", timeZone: timezone }).format(new Date());
    return `${time} (${timezone})`;
  } catch { return timezone; }  // a zone this browser does not know
}

function chips(box, entries) {
  box.replaceChildren(...entries.map(([text, className, mark]) => {
    const chip = document.createElement("span");
    if (className) chip.className = className;
    if (mark) chip.append(icons.named(mark));
    chip.append(bdi(text));
    return chip;
  }));
}

function renderCard(view) {
  const p = view.profile, k = view.kpis;
  $("name").textContent = p.name || i18n.t("noName");
  const ids = [...p.phones, ...p.emails, ...Object.entries(p.external_ids || {}).map(([s, v]) => `${s}:${v}`)];
  $("ids").replaceChildren(...(ids.length ? ids : [view.customer_id]).flatMap((id, n) => (n ? [" · ", bdi(id)] : [bdi(id)])));
  const face = icons.mood(view.satisfaction);
  $("mood").replaceChildren(...(face ? [face] : []));
  $("mood").setAttribute("aria-label", `${i18n.t("satisfaction")}: ${i18n.code(view.satisfaction)}`);
  $("stage").textContent = i18n.code(view.lifecycle_stage);
  $("satisfaction").textContent = i18n.code(view.satisfaction);
  $("spend").textContent = formatTotals(k.total_spent, view.currency_exponents);
  $("orders").textContent = i18n.number(k.purchase_count);
  $("last").textContent = when(k.last_contact_at);
  $("channel").textContent = p.preferred_channel ? i18n.code(p.preferred_channel) : "—";
  $("csat").textContent = k.csat_average == null ? "—" : `${i18n.number(k.csat_average, { maximumFractionDigits: 2 })} / ${i18n.number(5)}`;
  $("nps").textContent = k.nps_last == null ? "—" : `${i18n.number(k.nps_last)} / ${i18n.number(10)}`;
  $("local-time").textContent = localTime(p.timezone);
  chips($("tags"), (p.tags || []).map((tag) => [tag, "tag"]));
  chips($("consent"), Object.entries(p.consent || {}).map(([channel, c]) => {
    const granted = Boolean(c && c.granted);
    return [`${i18n.code(channel)}: ${i18n.t(granted ? "granted" : "withdrawn")}`, granted ? "yes" : "no", granted ? "yes" : "no"];
  }));
  renderScores(view.analytics, view.currency_exponents);
}

function renderScores(analytics, exponents) {
  // shown only once the analytics service has scored the customer
  const rfm = analytics?.rfm, clv = analytics?.clv;
  for (const fact of document.querySelectorAll("#card .scored")) fact.hidden = !analytics;
  $("rfm").textContent = rfm ? i18n.code(rfm.cell) : "—";
  $("rfm").title = rfm ? `R ${rfm.recency} · F ${rfm.frequency} · M ${rfm.monetary}` : "";
  $("clv").textContent = clv ? formatMoney(clv.clv_12m_minor, clv.currency, exponents?.[clv.currency]) : "—";
  $("palive").textContent = clv ? i18n.number(clv.p_alive, { style: "percent" }) : "—";
}

// A purchase's order lines: "2 × cd @ EUR 14.66"
function orderLines(item) {
  const lines = item.data?.items;
  if (!item.money || !Array.isArray(lines) || !lines.length) return null;
  const list = Object.assign(document.createElement("ul"), { className: "lines" });
  list.replaceChildren(...lines.map((line) => {
    const row = document.createElement("li");
    const price = formatMoney(line.unit_price_minor, item.money.currency, item.money.exponent);
    row.append(`${i18n.number(line.quantity)} × `, bdi(line.sku || line.name || "?"), ` @ ${price}`);
    return row;
  }));
  return list;
}
