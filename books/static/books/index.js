/* `/`: every venue instrument's state, filled from /ws/status/ (a full picture every second). */
"use strict";
(function () {
  const rows = {};
  document.querySelectorAll("tr.inst").forEach(function (tr) { rows[tr.dataset.key] = tr; });
  const last = {};  // key -> {messages, at}: for messages per second
  const told = {};  // key -> time of the last state event; a picture row saved before it is older news
  const warning = document.getElementById("feed-warning");
  const STATES = ["live", "stale", "syncing", "resyncing", "connecting", "backoff", "down", "invalid", "silent", "disabled", "unknown"];

  function setState(tr, state, reason) {
    STATES.forEach(function (s) { tr.classList.remove("state-" + s); });
    tr.classList.add("state-" + (STATES.indexOf(state) >= 0 ? state : "unknown"));
    tr.querySelector(".c-state").innerHTML = "";
    const b = document.createElement("span"); b.className = "badge"; b.textContent = state;
    tr.querySelector(".c-state").appendChild(b);
    // A live book needs no explanation; any other state says why (the feed's reason).
    if (state === "live") tr.querySelector(".c-reason").textContent = "";
    else if (reason !== undefined) tr.querySelector(".c-reason").textContent = reason || "";
  }
  function fmtAge(s) {
    if (s === null || s === undefined || isNaN(s)) return "–";
    return s < 10 ? s.toFixed(1) + " s" : s < 120 ? Math.round(s) + " s" : Math.round(s / 60) + " min";
  }

  function status(msg) {
    const now = msg.now;
    const venues = {};
    (msg.venues || []).forEach(function (v) { venues[v.venue] = v; });
    let newest = 0;
    (msg.instruments || []).forEach(function (r) {
      const key = r.venue + ":" + r.symbol, tr = rows[key];
      if (!tr) return;
      const updated = r.updated_at ? Date.parse(r.updated_at) / 1000 : 0;
      // The rows are saved every 2 s: a state event that came after this one was saved is truer.
      if (!(told[key] > updated)) {
        setState(tr, r.state, r.reason || (r.state === "live" ? "" : tr.querySelector(".c-reason").textContent));
      }
      if (!r.updated_at) {  // listed but never reported: nothing to count yet
        ["c-age", "c-rate", "c-resyncs", "c-reconnects", "c-bid", "c-ask"].forEach(function (c) { tr.querySelector("." + c).textContent = "–"; });
        return;
      }
      newest = Math.max(newest, updated);
      const age = (r.age || 0) + Math.max(0, now - updated);
      tr.querySelector(".c-age").textContent = fmtAge(age);
      const prev = last[key];
      if (prev && updated > prev.at) {
        tr.querySelector(".c-rate").textContent = ((r.messages - prev.messages) / (updated - prev.at)).toFixed(1);
      }
      if (!prev || updated > prev.at) last[key] = { messages: r.messages, at: updated };
      tr.querySelector(".c-resyncs").textContent = r.resyncs === undefined ? "–" : r.resyncs;
      const v = venues[r.venue];
      tr.querySelector(".c-reconnects").textContent = v && v.reconnects !== undefined ? v.reconnects : "–";
      tr.querySelector(".c-bid").textContent = r.best_bid || "–";
      tr.querySelector(".c-ask").textContent = r.best_ask || "–";
    });
    Object.keys(rows).forEach(function (key) {
      const seen = (msg.instruments || []).some(function (r) { return r.venue + ":" + r.symbol === key; });
      if (!seen) { setState(rows[key], "unknown", "not reported by the feed process"); }
    });
    if (newest && now - newest > 15) {
      warning.hidden = false;
      warning.textContent = "The feed process last reported " + Math.round(now - newest) + " s ago: is it running?";
    } else if (!newest && Object.keys(rows).length) {
      warning.hidden = false;
      warning.textContent = "No report from the feed process yet.";
    } else { warning.hidden = true; }
    document.querySelectorAll("[data-summary]").forEach(function (el) {
      const keys = msg.pairs[el.dataset.summary] || [];
      const live = keys.filter(function (k) { return rows[k] && rows[k].classList.contains("state-live"); }).length;
      el.textContent = live + "/" + keys.length + " live";
    });
  }

  function state(msg) {
    const key = msg.venue + ":" + msg.symbol, tr = rows[key];
    if (!tr) return;
    told[key] = msg.ts;
    setState(tr, msg.state, msg.reason);
  }

  LiveSocket("/ws/status/", {
    message: function (msg) { if (msg.type === "status") status(msg); else if (msg.type === "state") state(msg); },
  });
})();
