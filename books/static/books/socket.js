/* A WebSocket that comes back by itself after a server restart, and says so while it is away. */
"use strict";
window.LiveSocket = function (path, handlers) {
  const conn = document.getElementById("conn");
  let ws = null, attempt = 0, downSince = null, everOpen = false;
  const self = { send(obj) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(obj)); } };

  function show(cls, text) { conn.className = "conn " + cls; conn.textContent = text; }
  function open() {
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + location.host + path);
    ws.onopen = function () {
      const back = everOpen;
      attempt = 0; downSince = null; everOpen = true;
      show("conn-live", back ? "live (reconnected)" : "live");
      if (handlers.open) handlers.open(self, back);
    };
    ws.onmessage = function (ev) {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      handlers.message(msg);
    };
    ws.onclose = function (ev) {
      if (ev.code === 4404) { show("conn-down", "unknown pair"); return; }
      if (ev.code === 4401) { show("conn-down", "log in to see live data"); return; }
      if (downSince === null) downSince = Date.now();
      attempt += 1;
      // Backoff with jitter, at most 5 s between tries: a restarted server is found within seconds.
      const wait = Math.min(5000, 250 * Math.pow(2, Math.min(attempt, 5))) * (0.5 + Math.random() / 2);
      if (handlers.down) handlers.down();
      tick();
      setTimeout(open, wait);
    };
  }
  function tick() {
    if (downSince === null) return;
    const s = Math.round((Date.now() - downSince) / 1000);
    show("conn-down", "server unreachable for " + s + " s, reconnecting (try " + attempt + ")…");
    setTimeout(tick, 1000);
  }
  open();
  return self;
};
