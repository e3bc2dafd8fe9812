// Editing the contact and its consent from the card, through the contacts service, with the
// version it was read at (If-Match): if someone else changed it meanwhile, nothing is
// overwritten and the agent is told to reload.
"use strict";

const editing = (() => {
  const CHANNELS = ["email", "sms", "phone", "whatsapp", "post"];
  let read = null;  // { contact, etag } as the form was filled

  const url = (id, tail = "") => `/console/api/contacts/${encodeURIComponent(id)}${tail}`;

  async function begin() {
    if (!state.customer) return;
    const answer = await fetch(url(state.customer), { headers: { accept: "application/json", ...session.headers() } }).catch(() => null);
    if (!answer || !answer.ok) return say(i18n.t(answer ? "unavailable" : "offline"), "unavailable");
    read = { contact: await answer.json(), etag: answer.headers.get("etag") };
    fill(read.contact);
    $("contact-form").hidden = false;
    $("contact-form").querySelector("input").focus();
  }

  function fill(contact) {
    const form = $("contact-form");
    form.elements.name.value = contact.name || "";
    form.elements.preferred_channel.value = contact.preferred_channel || "";
    form.elements.tags.value = contact.tags.join(", ");
    $("consent-edit").replaceChildren(...CHANNELS.map((channel) => {
      const label = document.createElement("label");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", name: `consent-${channel}` });
      box.checked = Boolean(contact.consent[channel]?.granted);
      label.append(box, ` ${i18n.t("consent")}: ${i18n.code(channel)}`);
      return label;
    }));
  }

  function changes(form) {
    const before = read.contact, patch = {};
    const name = form.elements.name.value.trim();
    if (name && name !== (before.name || "")) patch.name = name;
    const channel = form.elements.preferred_channel.value;
    if (channel && channel !== before.preferred_channel) patch.preferred_channel = channel;
    const tags = form.elements.tags.value.split(/[,،]/).map((t) => t.trim()).filter(Boolean);
    if (tags.join("\n") !== before.tags.join("\n")) patch.tags = tags;
    const consent = CHANNELS.filter((c) => form.elements[`consent-${c}`].checked !== Boolean(before.consent[c]?.granted))
      .map((c) => ({ channel: c, granted: form.elements[`consent-${c}`].checked, legal_basis: "consent", source: `console, ${session.user() || "agent"}` }));
    return { patch, consent };
  }

  // one write with the version last seen; the next write uses the version this one produced
  async function write(method, tail, body) {
    const answer = await fetch(url(state.customer, tail), {
      method, body: JSON.stringify(body),
      headers: { "content-type": "application/json", "if-match": read.etag, ...session.headers() },
    }).catch(() => null);
    if (!answer) throw new ApiError("unavailable", i18n.t("offline"));
    if (answer.status === 412) throw new ApiError("conflict", i18n.t("conflict"), 412);
    const answered = await answer.json().catch(() => ({}));
    if (!answer.ok) throw new ApiError(answer.status >= 500 ? "unavailable" : "error", i18n.t("notSaved", { reason: problemText(answered, answer) }), answer.status);
    read = { contact: answered, etag: answer.headers.get("etag") };
  }

  async function save(event) {
    event.preventDefault();
    const form = $("contact-form"), fieldset = form.querySelector("fieldset");
    if (fieldset.disabled || !read) return;
    const { patch, consent } = changes(form);
    fieldset.disabled = true;
    try {
      if (Object.keys(patch).length) await write("PATCH", "", patch);
      for (const one of consent) await write("PUT", "/consent", one);
      form.hidden = true;
      say(i18n.t("contactSaved"), "ok");
      await refresh(read.contact.position);
    } catch (error) {
      say(error.message, error.kind);
      if (error.kind === "conflict") offerReload();
    } finally { fieldset.disabled = !state.customer; }
  }

  function offerReload() {
    const button = Object.assign(document.createElement("button"), { type: "button", id: "reload-contact", textContent: i18n.t("reload") });
    button.addEventListener("click", async () => { await begin(); say(""); });
    $("state").append(" ", button);
  }

  $("edit-contact").addEventListener("click", begin);
  $("cancel-edit").addEventListener("click", () => { $("contact-form").hidden = true; });
  $("contact-form").addEventListener("submit", save);
  return { begin };
})();
