/* Cost to trade panel of `/book/<pair>/`: the user types a size and picks a side and unit; the panel
 * asks /api/cost/<pair> (the exact sweep is done on the server) when the inputs change and, while the
 * book changes, at most twice a second; it shows the routed result, the split per venue and the best
 * single venue, and marks the ladder rows (book.js's <tr data-price>) the sweep takes.
 * `window.renderCostPanel(answer)` draws an /api/cost answer into <div id="cost-panel">. */
"use strict";
(function () {
  const page = document.getElementById("book-page");
  if (!page) return;
  const pair = page.dataset.pair;
  const MIN_GAP_MS = 500;

  let panel = document.getElementById("cost-panel");
  if (!panel) {
    panel = document.createElement("div");
    panel.id = "cost-panel";
    (document.getElementById("extra-panels") || page).appendChild(panel);
  }
  const style = document.createElement("style");
  style.textContent =
    "#cost-panel .cost-form{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin:.3rem 0}" +
    "#cost-panel input{width:8rem}#cost-panel table td,#cost-panel table th{text-align:right;padding:0 .4rem}" +
    "#cost-panel table td:first-child,#cost-panel table th:first-child{text-align:left}" +
    "#cost-panel .cost-error{color:#e57373}#cost-panel .cost-warn{color:#ffb74d}" +
    "tr.cost-take td{box-shadow:inset 3px 0 0 #ffd54f;background:rgba(255,213,79,.12)}";
  document.head.appendChild(style);
  panel.innerHTML =
    '<h2>Cost to trade</h2>' +
    '<form class="cost-form" id="cost-form" autocomplete="off">' +
    '<select id="cost-side" aria-label="side"><option value="buy">buy</option><option value="sell">sell</option></select>' +
    '<input id="cost-size" aria-label="size" inputmode="decimal" placeholder="size, e.g. 2.5">' +
    '<select id="cost-unit" aria-label="unit"><option value="base">base</option><option value="quote">quote notional</option></select>' +
    "</form>" +
    '<p id="cost-status" class="hint">Type a size to see what it would cost across venues.</p>' +
    '<dl id="cost-result" class="metrics"></dl>' +
    '<table id="cost-split" hidden><thead><tr><th>venue</th><th>base</th><th>quote</th><th>alone: average</th></tr></thead><tbody></tbody></table>' +
    '<p id="cost-best" class="hint"></p>';
  const $ = function (id) { return document.getElementById(id); };

  let last = null, inFlight = false, pending = false, lastAt = 0, timer = null, seq = 0;

  function query() {
    const size = $("cost-size").value.trim();
    if (!size) return null;
    return "side=" + encodeURIComponent($("cost-side").value) + "&size=" + encodeURIComponent(size) +
      "&unit=" + encodeURIComponent($("cost-unit").value);
  }

  /* One request at a time, at most one every MIN_GAP_MS; a change meanwhile asks again after it. */
  function ask() {
    const q = query();
    if (q === null) { clear("Type a size to see what it would cost across venues."); return; }
    if (inFlight) { pending = true; return; }
    const wait = lastAt + MIN_GAP_MS - Date.now();
    if (wait > 0) { if (!timer) timer = setTimeout(function () { timer = null; ask(); }, wait); return; }
    inFlight = true; lastAt = Date.now();
    const mine = ++seq;
    fetch("/api/cost/" + encodeURIComponent(pair) + "?" + q, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (body) { return [r.status, body]; }); })
      .then(function (res) {
        if (mine !== seq) return;
        if (res[0] === 200) window.renderCostPanel(res[1]);
        else clear((res[1].param ? res[1].param + ": " : "") + (res[1].error || "error " + res[0]), true);
      })
      .catch(function () { clear("cost unavailable (no answer from the server)", true); })
      .finally(function () { inFlight = false; if (pending) { pending = false; ask(); } });
  }

  function clear(text, bad) {
    last = null;
    $("cost-status").textContent = text;
    $("cost-status").className = bad ? "cost-error" : "hint";
    $("cost-result").innerHTML = "";
    $("cost-split").hidden = true;
    $("cost-best").textContent = "";
    highlight();
  }

  function num(text, digits) {
    if (text === null || text === undefined) return "–";
    const v = parseFloat(text);
    if (!isFinite(v)) return text;
    return digits === undefined ? String(parseFloat(v.toPrecision(10))) : v.toFixed(digits);
  }

  function row(dl, name, value) {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = name; dd.textContent = value; dd.dataset.cost = name;
    dl.appendChild(dt); dl.appendChild(dd);
  }

  window.renderCostPanel = function (r) {
    last = r;
    const status = $("cost-status");
    if (r.filled) {
      status.textContent = r.side + " " + r.size + (r.unit === "quote" ? " (quote notional)" : "") + ": filled across " +
        Object.keys(r.allocations).length + " of " + r.venues_in.length + " venues in the book";
      status.className = "hint";
    } else {
      status.textContent = "The book cannot fill it: " + num(r.unfilled) + (r.unit === "quote" ? " quote" : " base") +
        " left over after " + num(r.filled_base) + " base.";
      status.className = "cost-warn";
    }
    const dl = $("cost-result");
    dl.innerHTML = "";
    row(dl, "average price", num(r.average_price));
    row(dl, "worst price", num(r.worst_price) + " (" + r.levels_taken + " levels)");
    row(dl, r.side === "buy" ? "cost" : "proceeds", num(r.quote_amount));
    row(dl, "filled base", num(r.filled_base));
    row(dl, "slippage vs mid", num(r.slippage_bps, 2) + " bps");
    row(dl, "slippage vs best", num(r.slippage_best_bps, 2) + " bps");
    row(dl, "fees", r.fees_applied ? "applied (" + Object.keys(r.fees).filter(function (k) { return parseFloat(r.fees[k]) > 0; })
      .map(function (k) { return k + " " + (100 * parseFloat(r.fees[k])).toFixed(3) + "%"; }).join(", ") + ")" : "none");

    const tbody = $("cost-split").tBodies[0];
    tbody.innerHTML = "";
    Object.keys(r.per_venue).forEach(function (key) {
      const tr = tbody.insertRow(), alone = r.per_venue[key];
      tr.dataset.key = key;
      [key, num(r.allocations[key] || "0"), num(r.allocation_quote[key] || "0"),
        alone.fills ? num(alone.average_price) : "cannot fill (" + num(alone.filled_base) + ")"].forEach(function (text) {
        tr.insertCell().textContent = text;
      });
    });
    $("cost-split").hidden = false;
    const best = r.best_single_venue;
    $("cost-best").textContent = best
      ? "Best single venue: " + best.venue + " at " + num(best.average_price) + "; routing saves " +
        num(r.saving_quote, 2) + " quote (" + num(r.saving_bps, 2) + " bps)."
      : "No single venue fills this size alone.";
    highlight();
  };

  /* The ladder rows the sweep takes: from the best price to the deepest book price reached. With
   * price grouping, asks are rounded up and bids down, so the bucket holding the deepest price is
   * the first row at or beyond it. */
  function highlight() {
    document.querySelectorAll("tr.cost-take").forEach(function (tr) { tr.classList.remove("cost-take"); });
    if (!last || last.worst_book_price === null) return;
    const buy = last.side === "buy", worst = parseFloat(last.worst_book_price);
    const rows = Array.prototype.slice.call($(buy ? "asks" : "bids").rows)
      .filter(function (tr) { return tr.dataset.price; })
      .sort(function (a, b) { const d = parseFloat(a.dataset.price) - parseFloat(b.dataset.price); return buy ? d : -d; });
    for (let i = 0; i < rows.length; i++) {
      const p = parseFloat(rows[i].dataset.price);
      rows[i].classList.add("cost-take");
      if (buy ? p >= worst : p <= worst) break;
    }
  }

  $("cost-form").addEventListener("submit", function (e) { e.preventDefault(); ask(); });
  ["cost-side", "cost-unit"].forEach(function (id) { $(id).addEventListener("change", ask); });
  $("cost-size").addEventListener("input", ask);
  document.addEventListener("book:update", function () {
    if (query() !== null) ask();
    requestAnimationFrame(highlight); // after book.js redraws the ladder in this frame
  });
})();
