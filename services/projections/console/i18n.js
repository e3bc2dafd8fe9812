// The console's two languages: Persian (right to left, Persian digits, Persian calendar) and
// English. The agent chooses; the choice is remembered in this browser.
"use strict";

const i18n = (() => {
  const KEY = "c360.language";
  const WORDS = {
    en: {
      title: "c360 console", search: "Phone, email or name", find: "Find", language: "Language",
      lifecycle: "Lifecycle", satisfaction: "Satisfaction", spend: "Lifetime spend", orders: "Orders",
      last: "Last contact", channel: "Preferred channel", rfm: "RFM cell", clv: "12-month CLV",
      palive: "P(alive)", csat: "CSAT", nps: "NPS", tags: "Tags", localTime: "Local time",
      consent: "Consent", complaints: "Open complaints", cases: "Open cases", chart: "Spend and contacts by month",
      log: "Log", call: "Call", outcome: "Outcome", minutes: "Minutes", notes: "Notes", logCall: "Log call", startTimer: "Start timer", wrapup: "Wrap-up code",
      note: "Note", text: "Text", addNote: "Add note", complaint: "Complaint", subject: "Subject",
      severity: "Severity", openComplaint: "Open complaint", resolve: "Resolve", resolution: "Resolution",
      timeline: "Timeline", show: "Show", everything: "everything", live: "live", none: "none",
      noName: "(no name)", contacts: "contacts", signOut: "Sign out", signIn: "Sign in", kpis: "KPI dashboard",
      signedInAs: "Signed in as {user}", customers: "Open customers", close: "Close",
      lookingUp: "Looking up {value}…", loading: "Loading…",
      notFound: "No customer found for {kind} {value}. Nothing is shown: check the number with the caller.",
      notFoundName: "No customer named “{value}”.", matches: "{count} customers match; choose one.",
      unavailable: "Service unavailable: the customer could not be loaded. Try again in a moment.",
      offline: "Service unavailable: no connection to c360. Check your connection and try again.",
      sessionEnded: "Your session has ended. Sign in again.", mergedInto: "{id} was merged into this customer.",
      saving: "Saving…", saved: "Saved: it is in the timeline.", pending: "pending", savedBadge: "saved",
      notSaved: "Not saved: {reason}", notVisible: "Accepted but not yet visible: it will appear in the timeline when the projection catches up. Do not log it again.",
      waiting: "accepted, not yet visible", failed: "not saved", unavailableNothingSaved: "The service is unavailable; nothing was saved. Try again.",
      edit: "Edit contact", name: "Name", save: "Save", cancel: "Cancel", tagsHint: "comma separated",
      granted: "granted", withdrawn: "withdrawn", conflict: "Changed by someone else. Reload to see their change, then edit again.",
      reload: "Reload", contactSaved: "Contact saved.", scroll: "Scroll for older events", beginning: "Beginning of the story",
      slaOverdue: "SLA overdue by {span}", slaLeft: "{span} left on the SLA", hours: "{n} h", mins: "{n} min",
      duplicates: "Possible duplicates", mergeHere: "Merge into this customer", merged: "Merged {id} into this customer.",
      legendSpend: "spend ({currency})", minorUnits: "{amount} {currency} (minor units)",
      case_open: "Open", case_in_progress: "In progress", case_waiting_customer: "Waiting on customer",
      case_resolved: "Resolved", case_closed: "Closed", case_escalated: "Escalated",
      caseNone: "No open cases", caseNoSla: "no SLA", caseOwner: "Owner: ", caseUnassigned: "unassigned",
      caseErased: "(erased)", caseWork: "Work case {id}", caseAssignTo: "Assign to", caseAssign: "Assign",
      caseTake: "Take it", caseStatus: "Status", caseSetStatus: "Set status", caseComment: "Comment",
      caseAddComment: "Add comment", caseSaved: "Saved.", caseSlaOverdue: "SLA overdue by {span}",
      caseSlaLeft: "SLA: {span} left", caseDaysHours: "{d} d {h} h", caseHoursMinutes: "{h} h {m} min",
      caseMinutes: "{m} min", stopTimer: "Stop timer", restartTimer: "Restart timer",
    },
    fa: {
      title: "کنسول c360", search: "تلفن، ایمیل یا نام", find: "جستجو", language: "زبان",
      lifecycle: "مرحله", satisfaction: "رضایت", spend: "کل خرید", orders: "سفارش‌ها",
      last: "آخرین تماس", channel: "کانال ترجیحی", rfm: "خانهٔ RFM", clv: "ارزش ۱۲ ماهه",
      palive: "احتمال فعال بودن", csat: "رضایت (CSAT)", nps: "NPS", tags: "برچسب‌ها", localTime: "ساعت محلی",
      consent: "رضایت‌نامه", complaints: "شکایت‌های باز", cases: "پرونده‌های باز", chart: "خرید و تماس در هر ماه",
      log: "ثبت", call: "تماس", outcome: "نتیجه", minutes: "دقیقه", notes: "یادداشت", logCall: "ثبت تماس", startTimer: "شروع زمان‌سنج", wrapup: "کد جمع‌بندی",
      note: "یادداشت", text: "متن", addNote: "افزودن یادداشت", complaint: "شکایت", subject: "موضوع",
      severity: "شدت", openComplaint: "ثبت شکایت", resolve: "رسیدگی", resolution: "نتیجهٔ رسیدگی",
      timeline: "تاریخچه", show: "نمایش", everything: "همه", live: "زنده", none: "هیچ",
      noName: "(بی‌نام)", contacts: "تماس‌ها", signOut: "خروج", signIn: "ورود", kpis: "داشبورد شاخص‌ها",
      signedInAs: "کاربر: {user}", customers: "مشتریان باز", close: "بستن",
      lookingUp: "در حال جستجوی {value}…", loading: "در حال بارگذاری…",
      notFound: "مشتری‌ای با {kind} {value} پیدا نشد. چیزی نمایش داده نمی‌شود: شماره را با تماس‌گیرنده بررسی کنید.",
      notFoundName: "مشتری‌ای به نام «{value}» پیدا نشد.", matches: "{count} مشتری پیدا شد؛ یکی را انتخاب کنید.",
      unavailable: "سرویس در دسترس نیست: مشتری بارگذاری نشد. کمی بعد دوباره تلاش کنید.",
      offline: "سرویس در دسترس نیست: ارتباط با c360 برقرار نیست. اتصال را بررسی و دوباره تلاش کنید.",
      sessionEnded: "نشست شما تمام شده است. دوباره وارد شوید.", mergedInto: "{id} در این مشتری ادغام شده است.",
      saving: "در حال ذخیره…", saved: "ذخیره شد: در تاریخچه آمده است.", pending: "در انتظار", savedBadge: "ذخیره شد",
      notSaved: "ذخیره نشد: {reason}", notVisible: "پذیرفته شد ولی هنوز دیده نمی‌شود: وقتی پردازش برسد در تاریخچه می‌آید. دوباره ثبت نکنید.",
      waiting: "پذیرفته شد، هنوز دیده نمی‌شود", failed: "ذخیره نشد", unavailableNothingSaved: "سرویس در دسترس نیست؛ چیزی ذخیره نشد. دوباره تلاش کنید.",
      edit: "ویرایش مشتری", name: "نام", save: "ذخیره", cancel: "انصراف", tagsHint: "با ویرگول جدا کنید",
      granted: "داده شده", withdrawn: "پس گرفته شده", conflict: "شخص دیگری این مشتری را تغییر داده است. برای دیدن تغییر او دوباره بارگذاری کنید و سپس ویرایش کنید.",
      reload: "بارگذاری دوباره", contactSaved: "مشخصات مشتری ذخیره شد.", scroll: "برای رویدادهای قدیمی‌تر پایین بروید", beginning: "آغاز داستان",
      slaOverdue: "{span} از مهلت گذشته", slaLeft: "{span} تا پایان مهلت", hours: "{n} ساعت", mins: "{n} دقیقه",
      duplicates: "مشتریان احتمالاً تکراری", mergeHere: "ادغام در این مشتری", merged: "{id} در این مشتری ادغام شد.",
      legendSpend: "خرید ({currency})", minorUnits: "{amount} {currency} (واحد خرد)",
      case_open: "باز", case_in_progress: "در حال رسیدگی", case_waiting_customer: "در انتظار مشتری",
      case_resolved: "حل شد", case_closed: "بسته", case_escalated: "ارجاع شد",
      caseNone: "پروندهٔ بازی نیست", caseNoSla: "بدون مهلت", caseOwner: "مسئول: ", caseUnassigned: "سپرده نشده",
      caseErased: "(پاک شده)", caseWork: "رسیدگی به پروندهٔ {id}", caseAssignTo: "سپردن به", caseAssign: "بسپار",
      caseTake: "خودم برمی‌دارم", caseStatus: "وضعیت", caseSetStatus: "ثبت وضعیت", caseComment: "نظر",
      caseAddComment: "افزودن نظر", caseSaved: "ذخیره شد.", caseSlaOverdue: "{span} از مهلت گذشته",
      caseSlaLeft: "{span} تا پایان مهلت", caseDaysHours: "{d} روز و {h} ساعت", caseHoursMinutes: "{h} ساعت و {m} دقیقه",
      caseMinutes: "{m} دقیقه", stopTimer: "توقف زمان‌سنج", restartTimer: "شروع دوبارهٔ زمان‌سنج",
    },
  };
  // values the API sends as codes, shown in the agent's language
  const CODES = {
    en: {
      sent: "notification sent", delivered: "notification delivered", suppressed: "notification not sent",
      waiting_customer: "waiting on customer", preferred_channel: "preferred channel",
    },
    fa: {
      phone: "تلفن", email: "ایمیل", name: "نام", sms: "پیامک", whatsapp: "واتس‌اپ", post: "پست", chat: "گفتگو",
      new: "جدید", active: "فعال", at_risk: "در خطر", lapsed: "از دست رفته", loyal: "وفادار", prospect: "بالقوه",
      angry: "عصبانی", dissatisfied: "ناراضی", neutral: "بی‌طرف", satisfied: "راضی", delighted: "خشنود", unknown: "نامعلوم",
      resolved: "حل شد", callback: "تماس مجدد", escalated: "ارجاع شد", "no answer": "بی‌پاسخ",
      low: "کم", medium: "متوسط", high: "زیاد", critical: "بحرانی", open: "باز",
      purchase: "خرید", refund: "بازپرداخت", call: "تماس", note: "یادداشت", visit: "مراجعه",
      "complaint.opened": "شکایت ثبت شد", "complaint.updated": "شکایت به‌روز شد", "complaint.resolved": "شکایت حل شد",
      "survey.response": "پاسخ نظرسنجی", sent: "اعلان فرستاده شد", delivered: "اعلان رسید", everything: "همه",
      inbound: "ورودی", outbound: "خروجی", in_progress: "در حال رسیدگی", waiting_customer: "در انتظار مشتری", closed: "بسته",
      api: "از طریق API", auto: "خودکار", birthday: "تاریخ تولد", language: "زبان", timezone: "منطقهٔ زمانی",
      address: "نشانی", tags: "برچسب‌ها", preferred_channel: "کانال ترجیحی", web: "وب",
      champions: "قهرمانان", potential_loyalist: "وفادار بالقوه", promising: "امیدوارکننده", need_attention: "نیازمند توجه",
      about_to_sleep: "در آستانهٔ خواب", cannot_lose: "نباید از دست برود", hibernating: "خفته", lost: "از دست رفته",
      "complaint.assigned": "شکایت سپرده شد", "complaint.commented": "نظر روی شکایت", "complaint.status_changed": "وضعیت شکایت",
      created: "مشتری ثبت شد", updated: "مشخصات به‌روز شد", "identity.linked": "شناسه افزوده شد",
      merged: "ادغام", unmerged: "برگشت ادغام", "consent.changed": "رضایت‌نامه", erased: "پاک‌سازی", suppressed: "اعلان فرستاده نشد",
      scored: "امتیازدهی", entered: "ورود به بخش", exited: "خروج از بخش",
    },
  };

  // the agent's own choice, else the browser's language
  const stored = localStorage.getItem(KEY) || (navigator.language.startsWith("fa") ? "fa" : "en");
  let language = stored === "fa" ? "fa" : "en";

  function t(key, values = {}) {
    const text = WORDS[language][key] ?? WORDS.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  }
  const code = (value) => (value == null || value === "" ? "—" : CODES[language]?.[value] ?? String(value).replaceAll("_", " "));
  const numbers = () => (language === "fa" ? "fa-IR" : "en-GB");
  const dates = () => (language === "fa" ? "fa-IR-u-ca-persian" : "en-GB");
  const number = (n, options = {}) => new Intl.NumberFormat(numbers(), options).format(n);

  function apply() {
    document.documentElement.lang = language;
    document.documentElement.dir = language === "fa" ? "rtl" : "ltr";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
    for (const el of document.querySelectorAll("option[data-code]")) el.textContent = code(el.dataset.code);
    document.title = t("title");
  }

  function choose(next) {
    language = next === "fa" ? "fa" : "en";
    localStorage.setItem(KEY, language);
    apply();
    document.dispatchEvent(new CustomEvent("c360:language"));
  }

  return { t, code, number, numbers, dates, apply, choose, language: () => language };
})();
