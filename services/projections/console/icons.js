// Inline SVG icons: they draw the same on every machine (emoji need a font that may be missing).
"use strict";

const icons = (() => {
  const PATHS = {
    call: "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2",
    email: "M3 6h18v12H3z M3 6l9 7 9-7",
    chat: "M4 5h16v10H9l-5 4z",
    sms: "M7 3h10v18H7z M10 18h4",
    purchase: "M3 4h2l2.5 11h10L20 7H6.5 M9 20a1 1 0 1 0 0-.1 M17 20a1 1 0 1 0 0-.1",
    refund: "M9 7L4 12l5 5 M4 12h11a5 5 0 0 1 0 10h-2",
    complaint: "M12 3l10 18H2z M12 10v5 M12 18v.5",
    resolved: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18 M8 12l3 3 5-6",
    survey: "M6 4h12v17H6z M9 9h6 M9 13h6 M9 17h3",
    visit: "M4 10h16v10H4z M3 10l2-6h14l2 6 M10 20v-5h4v5",
    note: "M4 20l1-5L16 4l4 4L9 19z M14 6l4 4",
    sent: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4z M10 20a2 2 0 0 0 4 0",
    delivered: "M2 13l4 4 8-9 M10 16l1 1 9-10",
    failed: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18 M12 7v6 M12 16v.5",
    contact: "M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8 M4 21a8 8 0 0 1 16 0",
    scored: "M5 20V10 M12 20V4 M19 20v-7",
    dot: "M12 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4",
    yes: "M5 12l5 5 9-10",
    no: "M6 6l12 12 M18 6L6 18",
    pending: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18 M12 7v5l3 3",
    face: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18 M9 10v.5 M15 10v.5",
  };
  const BY_TYPE = {
    call: "call", email: "email", chat: "chat", sms: "sms", purchase: "purchase", refund: "refund",
    "complaint.opened": "complaint", "complaint.updated": "complaint", "complaint.resolved": "resolved",
    "survey.response": "survey", visit: "visit", note: "note", sent: "sent", delivered: "delivered", failed: "failed",
    suppressed: "sent", scored: "scored",
  };
  // a mouth for each mood, from frown to smile
  const MOUTHS = {
    angry: "M8 17q4-4 8 0 M8 8l3 1.5 M16 8l-3 1.5", dissatisfied: "M8 16q4-2.5 8 0",
    neutral: "M8 15h8", satisfied: "M8 14q4 3 8 0", delighted: "M7 13q5 6 10 0z",
  };

  function svg(path, className) {
    const el = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    el.setAttribute("viewBox", "0 0 24 24");
    el.setAttribute("aria-hidden", "true");
    el.setAttribute("class", `icon-svg ${className || ""}`);
    const stroke = document.createElementNS("http://www.w3.org/2000/svg", "path");
    stroke.setAttribute("d", path);
    el.append(stroke);
    return el;
  }
  const named = (name, className) => svg(PATHS[name] || PATHS.dot, className);
  const forItem = (item) => named(BY_TYPE[item.type] || (item.family === "contact" ? "contact" : "dot"), `type-${BY_TYPE[item.type] || "other"}`);
  const mood = (satisfaction) => (MOUTHS[satisfaction] ? svg(`${PATHS.face} ${MOUTHS[satisfaction]}`, `mood-${satisfaction}`) : null);
  return { named, forItem, mood };
})();
