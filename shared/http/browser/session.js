// Sign-in for c360's pages (the console, the KPI dashboard): authorization code + PKCE against
// the identity provider, in the browser, with the page's public client (no secret in the page).
// The access token lives in this tab's sessionStorage only; it is never sent anywhere but our
// own API. The query the page was opened with survives the trip to the provider.
"use strict";

const session = (() => {
  const KEY = "c360.session";
  let config = null;
  let current = null;
  let expiryTimer = null;

  const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const randomString = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
  const claimsOf = (jwt) => JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  const here = () => `${location.origin}${location.pathname}`;

  async function signIn() {
    const verifier = randomString(), nonce = randomString();
    const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem(`${KEY}.pkce`, JSON.stringify({ verifier, nonce, search: location.search }));
    const query = new URLSearchParams({
      client_id: config.client_id, response_type: "code", scope: "openid", redirect_uri: here(),
      code_challenge: challenge, code_challenge_method: "S256", state: nonce,
    });
    location.assign(`${config.authorization_url}?${query}`);
  }

  async function redeem(code, returnedState) {
    const pkce = JSON.parse(sessionStorage.getItem(`${KEY}.pkce`) || "{}");
    sessionStorage.removeItem(`${KEY}.pkce`);
    history.replaceState(null, "", here());
    if (!pkce.verifier || pkce.nonce !== returnedState) throw new Error("The sign-in could not be verified. Sign in again.");
    const answer = await fetch(config.token_url, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code", client_id: config.client_id, code,
        redirect_uri: here(), code_verifier: pkce.verifier,
      }),
    });
    if (!answer.ok) throw new Error("The identity provider refused the sign-in. Sign in again.");
    const tokens = await answer.json();
    keep({ access_token: tokens.access_token, id_token: tokens.id_token });
    return pkce.search || "";
  }

  function keep(tokens) {
    const claims = claimsOf(tokens.access_token);
    const roles = claims.roles || claims.realm_access?.roles || [];
    current = { ...tokens, user: claims.preferred_username || claims.sub, roles, expires_at: claims.exp * 1000 };
    sessionStorage.setItem(KEY, JSON.stringify(current));
    clearTimeout(expiryTimer);
    expiryTimer = setTimeout(() => expired(), Math.max(0, current.expires_at - Date.now()));
  }

  function forget() {
    clearTimeout(expiryTimer);
    sessionStorage.removeItem(KEY);
    current = null;
  }

  function expired() {
    forget();
    document.dispatchEvent(new CustomEvent("c360:signed-out", { detail: "Your session has ended. Sign in again to continue." }));
  }

  function signOut() {
    const idToken = current?.id_token;
    forget();
    if (!config?.auth_enabled) return;
    const query = new URLSearchParams({ client_id: config.client_id, post_logout_redirect_uri: here() });
    if (idToken) query.set("id_token_hint", idToken);
    location.assign(`${config.end_session_url}?${query}`);
  }

  async function start(configUrl = "/console/config") {
    config = await (await fetch(configUrl)).json();
    if (!config.auth_enabled) return { user: null };
    const params = new URLSearchParams(location.search);
    if (params.has("code")) {
      const search = await redeem(params.get("code"), params.get("state"));
      // back to the page as it was asked for (a dashboard's date range), now signed in
      if (search) { location.replace(here() + search); return new Promise(() => {}); }
    } else {
      const stored = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (stored && stored.expires_at > Date.now() + 5000) keep(stored);
    }
    if (!current) { await signIn(); return new Promise(() => {}); }  // the page is leaving
    return { user: current.user };
  }

  return {
    start, signIn, signOut, expired,
    headers: () => (current ? { authorization: `Bearer ${current.access_token}` } : {}),
    user: () => current?.user || null,
    // what the page offers by role; the API decides (without sign-in, as the server: everything)
    may: (role) => !config?.auth_enabled || Boolean(current?.roles?.includes(role) || current?.roles?.includes("admin")),
  };
})();
