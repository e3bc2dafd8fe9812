// One timeline line per event in the agent's language, built from the event's type and payload
// (the API's `summary` is an English line; it stays the fallback for a type this page does not
// know, and for an erased entry, which has no payload). What a person wrote, ids and addresses
// are placed in <bdi>, so an English subject keeps its direction inside a Persian line.
"use strict";

const summaries = (() => {
  // keyed by the timeline's short type names; tests/unit/projections/test_console_summaries.py
  // checks that every event type of the catalog has a line in both languages
  const LINES = {
    en: {
      call: "{direction} call, {duration}{outcome}{wrapup}", callOutcome: ", {outcome}", callWrapup: ", wrap-up {code}",
      email: "{direction} email: {subject}", chat: "chat on {platform}", sms: "{direction} SMS: {text}",
      purchase: "purchase {order}: {amount}", refund: "refund on {order}: {amount}",
      "complaint.opened": "complaint {complaint} opened ({severity}): {subject}",
      "complaint.updated": "complaint {complaint} now {status}",
      "complaint.resolved": "complaint {complaint} resolved: {resolution}",
      "complaint.assigned": "complaint {complaint} assigned to {owner}",
      "complaint.commented": "comment on complaint {complaint}: {comment}",
      "complaint.status_changed": "complaint {complaint} now {status}",
      "survey.response": "survey: {scores}", visit: "visit at {location}", note: "note: {text}",
      created: "contact created ({origin})", updated: "profile updated: {fields}",
      "identity.linked": "{kind} linked", merged: "{merged} merged into {survivor}: {reason}",
      unmerged: "{merged} unmerged from {survivor}: {reason}", "consent.changed": "{channel} consent {state}",
      erased: "personal data erased",
      sent: "{channel} sent to {target}: {rule}", delivered: "{channel} delivered to {target}: {rule}",
      failed: "{channel} to {target} failed: {rule}", suppressed: "{channel} not sent ({reason}): {rule}",
      access: "record read", scored: "scored: {scores}", entered: "entered segment {segment}",
      exited: "left segment {segment}", spend: "marketing spend", ringing: "phone ringing",
      seconds: "{n} s", csatScore: "CSAT {n}", npsScore: "NPS {n}", rfmCell: "RFM {cell}",
      clvScore: "12-month CLV {amount}", pAlive: "p(alive) {p}", noScores: "no scores yet", web: "web",
    },
    fa: {
      call: "تماس {direction}، {duration}{outcome}{wrapup}", callOutcome: "، {outcome}", callWrapup: "، کد جمع‌بندی {code}",
      email: "ایمیل {direction}: {subject}", chat: "گفتگو در {platform}", sms: "پیامک {direction}: {text}",
      purchase: "خرید {order}: {amount}", refund: "بازپرداخت سفارش {order}: {amount}",
      "complaint.opened": "شکایت {complaint} ثبت شد ({severity}): {subject}",
      "complaint.updated": "شکایت {complaint}: {status}",
      "complaint.resolved": "شکایت {complaint} حل شد: {resolution}",
      "complaint.assigned": "شکایت {complaint} به {owner} سپرده شد",
      "complaint.commented": "نظر روی شکایت {complaint}: {comment}",
      "complaint.status_changed": "شکایت {complaint}: {status}",
      "survey.response": "نظرسنجی: {scores}", visit: "مراجعه به {location}", note: "یادداشت: {text}",
      created: "مشتری ثبت شد ({origin})", updated: "مشخصات به‌روز شد: {fields}",
      "identity.linked": "{kind} افزوده شد", merged: "{merged} در {survivor} ادغام شد: {reason}",
      unmerged: "ادغام {merged} از {survivor} برگشت: {reason}", "consent.changed": "رضایت‌نامهٔ {channel}: {state}",
      erased: "اطلاعات شخصی پاک شد",
      sent: "{channel} به {target} فرستاده شد: {rule}", delivered: "{channel} به {target} رسید: {rule}",
      failed: "{channel} به {target} نرسید: {rule}", suppressed: "{channel} فرستاده نشد ({reason}): {rule}",
      access: "پرونده خوانده شد", scored: "امتیازدهی: {scores}", entered: "ورود به بخش {segment}",
      exited: "خروج از بخش {segment}", spend: "هزینهٔ بازاریابی", ringing: "تلفن زنگ می‌زند",
      seconds: "{n} ثانیه", csatScore: "رضایت {n}", npsScore: "NPS {n}", rfmCell: "RFM {cell}",
      clvScore: "ارزش ۱۲ ماهه {amount}", pAlive: "احتمال فعال بودن {p}", noScores: "هنوز امتیازی نیست", web: "وب",
    },
  };
  // notification channels as the customer knows them
  const CHANNELS = { en: { email: "email", sms: "SMS", webhook: "message" }, fa: { email: "ایمیل", sms: "پیامک", webhook: "پیام" } };

  const words = (key) => LINES[i18n.language()][key] ?? LINES.en[key];
  const separator = () => (i18n.language() === "fa" ? "، " : ", ");
  const money = (minor, currency) => formatMoney(minor, currency, state.view?.currency_exponents?.[currency]);

  // "{a} and {b}" with each value a string (the page's own words) or a node (the person's words)
  function fill(template, values) {
    return template.split(/(\{\w+\})/).filter(Boolean).flatMap((piece) => {
      const name = piece.match(/^\{(\w+)\}$/)?.[1];
      if (!name) return [piece];
      const value = values[name];
      if (Array.isArray(value)) return value;
      return [value instanceof Node ? value : String(value ?? "")];
    });
  }
  const text = (key, values = {}) => fill(words(key), values).map((v) => (v instanceof Node ? v.textContent : v)).join("");
  const said = (value) => bdi(value ?? "");
  // ids, addresses and phone numbers read left to right in either language: "+98912***67" has no
  // letter to set its direction, and in a Persian line it would come out as "67***98912+"
  const code = (value) => Object.assign(bdi(value ?? ""), { dir: "ltr" });

  function call(d) {
    return {
      direction: i18n.code(d.direction), duration: text("seconds", { n: i18n.number(d.duration_seconds ?? 0) }),
      outcome: d.outcome ? text("callOutcome", { outcome: i18n.code(d.outcome) }) : "",
      wrapup: d.wrapup_code ? fill(words("callWrapup"), { code: code(d.wrapup_code) }) : "",
    };
  }

  function scores(d) {
    const parts = [];
    if (d.csat != null) parts.push(text("csatScore", { n: i18n.number(d.csat) }));
    if (d.nps != null) parts.push(text("npsScore", { n: i18n.number(d.nps) }));
    if (d.rfm) parts.push(text("rfmCell", { cell: i18n.code(d.rfm.cell) }));
    if (d.clv) {
      parts.push(text("clvScore", { amount: money(d.clv.clv_12m_minor, d.clv.currency) }));
      parts.push(text("pAlive", { p: i18n.number(d.clv.p_alive, { maximumFractionDigits: 2, minimumFractionDigits: 2 }) }));
    }
    return parts.join(separator()) || words("noScores");
  }

  function notification(d) {
    const channel = CHANNELS[i18n.language()][d.channel] ?? d.channel;
    return { channel, target: code(d.target || "—"), rule: code(d.rule), reason: said(d.reason) };
  }

  // the values each line needs, from the event's payload
  const VALUES = {
    call, email: (d) => ({ direction: i18n.code(d.direction), subject: said(d.subject) }),
    chat: (d) => ({ platform: d.platform ? said(d.platform) : words("web") }),
    sms: (d) => ({ direction: i18n.code(d.direction), text: said(d.text) }),
    purchase: (d, item) => ({ order: code(d.order_id), amount: amountOf(item) }),
    refund: (d, item) => ({ order: code(d.order_id), amount: amountOf(item) }),
    "complaint.opened": (d) => ({ complaint: code(d.complaint_id), severity: i18n.code(d.severity), subject: said(d.subject) }),
    "complaint.updated": (d) => ({ complaint: code(d.complaint_id), status: i18n.code(d.status) }),
    "complaint.resolved": (d) => ({ complaint: code(d.complaint_id), resolution: said(d.resolution) }),
    "complaint.assigned": (d) => ({ complaint: code(d.complaint_id), owner: said(d.owner) }),
    "complaint.commented": (d) => ({ complaint: code(d.complaint_id), comment: said(d.comment) }),
    "complaint.status_changed": (d) => ({ complaint: code(d.complaint_id), status: i18n.code(d.status) }),
    "survey.response": (d) => ({ scores: scores(d) }), visit: (d) => ({ location: said(d.location) }),
    note: (d) => ({ text: said(d.text) }), created: (d) => ({ origin: i18n.code(d.origin) }),
    updated: (d) => ({ fields: Object.keys(d.changes || {}).filter((k) => d.changes[k] != null).sort().map(i18n.code).join(separator()) }),
    "identity.linked": (d) => ({ kind: i18n.code(d.identity?.kind) }),
    merged: (d) => ({ merged: code(d.merged_id), survivor: code(d.survivor_id), reason: said(d.reason) }),
    unmerged: (d) => ({ merged: code(d.merged_id), survivor: code(d.survivor_id), reason: said(d.reason) }),
    "consent.changed": (d) => ({ channel: i18n.code(d.channel), state: i18n.t(d.consent?.granted ? "granted" : "withdrawn") }),
    sent: notification, delivered: notification, failed: notification, suppressed: notification,
    scored: (d) => ({ scores: scores(d) }),
    entered: (d) => ({ segment: said(d.segment_name) }), exited: (d) => ({ segment: said(d.segment_name) }),
  };

  function amountOf(item) {
    return item.money ? formatMoney(item.money.amount_minor, item.money.currency, item.money.exponent) : "";
  }

  // the line's pieces (strings and <bdi> nodes), ready for `append`
  function of(item) {
    if (!item.data || !(item.type in LINES.en)) return [bdi(item.summary || "")];
    return fill(words(item.type), (VALUES[item.type] || (() => ({})))(item.data, item));
  }

  return { of };
})();
