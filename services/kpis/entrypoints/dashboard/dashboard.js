// The dashboard with authentication on: sign in (code + PKCE, session.js), then fetch the
// figures with the token. A role that may not see KPIs gets a plain "not allowed" notice.
"use strict";

(async () => {
  const main = document.getElementById("figures");
  const notice = (key) => {
    const p = document.createElement("p");
    p.id = "notice";
    p.className = "notice refused";
    p.textContent = main.dataset[key];
    main.replaceChildren(p);
  };
  document.addEventListener("c360:signed-out", () => notice("expired"));
  const { user } = await session.start("/dashboard/config");
  document.getElementById("who").textContent = user || "";
  const signOut = document.getElementById("sign-out");
  signOut.hidden = !user;
  signOut.addEventListener("click", () => session.signOut());
  let answer;
  try { answer = await fetch(main.dataset.src, { headers: session.headers() }); }
  catch { return notice("failed"); }
  if (answer.status === 403) return notice("forbidden");
  if (answer.status === 401) { session.expired(); return; }
  if (!answer.ok) return notice("failed");
  main.innerHTML = await answer.text();  // our own server-rendered tiles and charts
})();
