// Screen pop: when the phone system says a call is ringing for the signed-in agent, open the
// caller's card before they answer. Systems that can only open a URL use /console?phone=….
// The stream is server-sent events read with fetch, because EventSource cannot send the token.
"use strict";

const screenPop = (() => {
  const PENDING = "c360.screenpop.phone";
  const RETRY_MS = 2000;
  const params = new URLSearchParams(location.search);
  // Kept across the sign-in round trip, which comes back without the query.
  if (params.get("phone")) sessionStorage.setItem(PENDING, params.get("phone"));
  let stopper = null;

  function banner() {
    let note = document.getElementById("ringing");
    if (!note) {
      note = Object.assign(document.createElement("p"), { id: "ringing", className: "ringing" });
      note.setAttribute("role", "alert");
      document.getElementById("state").before(note);
    }
    return note;
  }

  function announce(call) {
    const note = banner();
    const number = Object.assign(document.createElement("bdi"), { textContent: call.phone });
    note.replaceChildren("Incoming call from ", number, call.line ? ` (line ${call.line})` : "");
    note.dataset.callId = call.call_id;
  }

  function dataOf(block) {
    const lines = block.split("\n").filter((l) => l.startsWith("data:"));
    return lines.map((l) => l.slice(5).replace(/^ /, "")).join("\n");
  }

  async function listen(agent, open, stop) {
    const query = agent ? `?agent=${encodeURIComponent(agent)}` : "";
    const answer = await fetch(`/console/api/ringing/stream${query}`, { headers: session.headers(), signal: stop.signal });
    if (!answer.ok) throw new Error(`ringing stream: ${answer.status}`);
    await readEventBlocks(answer, (block) => {
      if (/^event: listening$/m.test(block)) document.body.dataset.screenPop = "listening";
      if (!/^event: ringing$/m.test(block)) return;
      const call = JSON.parse(dataOf(block));
      announce(call);
      open(call.phone);
    });
  }

  // `user`: the signed-in agent (null with sign-in off: then `?agent=` names them);
  // `open(phone)`: the console's own lookup, so a pop behaves exactly like a typed number.
  function start(user, open) {
    const pending = sessionStorage.getItem(PENDING);
    sessionStorage.removeItem(PENDING);
    if (pending) open(pending);
    const agent = user || params.get("agent");
    if (!agent) return;
    stop();
    const stop_ = stopper = new AbortController();
    (async () => {
      while (!stop_.signal.aborted) {
        await listen(user ? null : agent, open, stop_).catch(() => {});
        document.body.dataset.screenPop = "off";
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    })();
  }

  function stop() { stopper?.abort(); stopper = null; }

  return { start, stop };
})();
