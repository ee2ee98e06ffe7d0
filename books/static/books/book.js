/* `/book/<pair>/`: the live consolidated ladder, depth chart, metrics and history, from /ws/book/<pair>/.
 * Messages arrive at most 10 times a second; drawing waits for the next animation frame and reuses
 * the ladder's rows, so the page stays smooth. Other panels listen to the "book:update" event. */
"use strict";
(function () {
  const root = document.getElementById("book-page");
  const pair = root.dataset.pair;
  const $ = function (id) { return document.getElementById(id); };
  const COLORS = ["#4e9af1", "#f0a43a", "#b07cf0", "#3fc7c0", "#e86fa6", "#9ccc65", "#ffd54f", "#90a4ae"];
  const colorOf = {};
  let latest = null, drawn = null, frame = false, count = 0, rate = 0, lastRateAt = Date.now();
  let depth = parseInt($("depth").value, 10), group = $("group").value || null;

  function color(key) {
    if (!(key in colorOf)) colorOf[key] = COLORS[Object.keys(colorOf).length % COLORS.length];
    return colorOf[key];
  }
  document.querySelectorAll(".venue-badge").forEach(function (b) { color(b.dataset.key); });

  const socket = LiveSocket("/ws/book/" + encodeURIComponent(pair) + "/", {
    open: function (s) { s.send({ depth: depth, group: group }); },
    message: function (msg) {
      if (msg.type !== "book") return;
      latest = msg; count += 1;
      if (!frame) { frame = true; requestAnimationFrame(draw); }
      document.dispatchEvent(new CustomEvent("book:update", { detail: msg }));
    },
  });
  $("depth").addEventListener("change", function () { depth = parseInt(this.value, 10); socket.send({ depth: depth, group: group }); });
  $("group").addEventListener("change", function () { group = this.value || null; socket.send({ depth: depth, group: group }); });

  /* ---- ladder ---------------------------------------------------------------------------- */
  function rowsFor(tbody, n) {
    while (tbody.rows.length < n) {
      const tr = tbody.insertRow();
      tr.innerHTML = '<td class="p"></td><td class="q"></td><td class="c"></td><td class="bar"><div class="bar-box"></div></td>';
    }
    while (tbody.rows.length > n) tbody.deleteRow(-1);
    return tbody.rows;
  }
  function fillSide(tbody, levels, maxTotal, reversed) {
    const rows = rowsFor(tbody, levels.length);
    let cum = 0;
    const cums = levels.map(function (l) { cum += parseFloat(l[1]); return cum; });
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i], tr = rows[reversed ? levels.length - 1 - i : i];
      tr.dataset.price = l[0];
      tr.cells[0].textContent = l[0];
      tr.cells[1].textContent = fmtQty(l[1]);
      tr.cells[2].textContent = fmtQty(cums[i]);
      const box = tr.cells[3].firstChild, parts = Object.keys(l[2] || {});
      while (box.childNodes.length < parts.length) box.appendChild(document.createElement("i"));
      while (box.childNodes.length > parts.length) box.removeChild(box.lastChild);
      tr.dataset.venues = parts.join(" ");
      parts.forEach(function (key, j) {
        const seg = box.childNodes[j], q = parseFloat(l[2][key]);
        seg.style.width = (100 * q / maxTotal).toFixed(2) + "%";
        seg.style.background = color(key);
        seg.title = key + ": " + l[2][key];
      });
    }
  }
  function fmtQty(x) {
    const v = typeof x === "number" ? x : parseFloat(x);
    return v >= 1000 ? v.toFixed(1) : v >= 1 ? v.toFixed(4) : v.toPrecision(4);
  }

  function draw() {
    frame = false;
    const msg = latest;
    if (!msg || msg === drawn) return;
    drawn = msg;
    const bids = msg.bids || [], asks = msg.asks || [];
    let maxTotal = 0;
    bids.concat(asks).forEach(function (l) { maxTotal = Math.max(maxTotal, parseFloat(l[1])); });
    fillSide($("asks"), asks, maxTotal || 1, true);
    fillSide($("bids"), bids, maxTotal || 1, false);
    const bb = bids.length ? parseFloat(bids[0][0]) : null, ba = asks.length ? parseFloat(asks[0][0]) : null;
    $("spread-cell").textContent = bb !== null && ba !== null
      ? "spread " + (ba - bb).toPrecision(6) + " (" + (1e4 * (ba - bb) / ((ba + bb) / 2)).toFixed(2) + " bps) · mid " + ((ba + bb) / 2).toPrecision(10)
      : "one side empty";
    $("empty").hidden = bids.length + asks.length > 0;
    $("empty").textContent = "No venue of " + pair + " is live: the consolidated book is empty.";
    badges(msg);
    crossed(msg);
    metrics(msg, bids, asks);
    depthChart(bids, asks);
    legend(msg);
  }

  function badges(msg) {
    (msg.members || []).forEach(function (m) {
      let b = document.querySelector('.venue-badge[data-key="' + CSS.escape(m.key) + '"]');
      if (!b) { b = document.createElement("span"); b.dataset.key = m.key; $("badges").appendChild(b); }
      b.className = "badge venue-badge state-" + m.state + (m.included ? " in" : " out");
      b.innerHTML = "";
      const dot = document.createElement("i"); dot.style.cssText = "display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-right:.3rem;background:" + color(m.key);
      b.appendChild(dot);
      b.appendChild(document.createTextNode(m.key + " "));
      const em = document.createElement("em"); em.textContent = m.state + (m.included ? "" : " · out") + (m.reason ? " · " + m.reason : "");
      b.appendChild(em);
      b.title = m.reason || m.state;
    });
    const known = (msg.members || []).map(function (m) { return m.key; });
    document.querySelectorAll(".venue-badge").forEach(function (b) {
      if (known.indexOf(b.dataset.key) < 0) { b.className = "badge venue-badge state-disabled out"; b.querySelector("em") && (b.querySelector("em").textContent = "not in the book"); }
    });
  }
  function crossed(msg) {
    const c = msg.crossed, el = $("crossed");
    if (!c) { el.hidden = true; return; }
    el.hidden = false;
    el.textContent = "Crossed book: bid " + c.bid + " on " + c.bid_venue + " above ask " + c.ask + " on " + c.ask_venue +
      " · size " + fmtQty(c.size) + " · " + parseFloat(c.bps).toFixed(2) + " bps";
  }
  function legend(msg) {
    const el = $("legend"); el.innerHTML = "";
    (msg.members || []).forEach(function (m) {
      const s = document.createElement("span"), i = document.createElement("i");
      i.style.background = color(m.key); s.appendChild(i); s.appendChild(document.createTextNode(m.key)); el.appendChild(s);
    });
  }

  /* ---- metrics --------------------------------------------------------------------------- */
  function flatten(obj, prefix, out) {
    Object.keys(obj || {}).forEach(function (k) {
      const v = obj[k], name = prefix ? prefix + "." + k : k;
      if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, name, out);
      else out[name] = v;
    });
    return out;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v === "number") return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toPrecision(8) : String(Math.round(v * 1e6) / 1e6);
    if (Array.isArray(v)) return v.join(", ");
    return String(v);
  }
  function metrics(msg, bids, asks) {
    const values = flatten(msg.metrics, "", {});
    // What the top of the book says by itself, for metrics not enabled on this pair.
    if (bids.length && asks.length) {
      const b = parseFloat(bids[0][0]), a = parseFloat(asks[0][0]), qb = parseFloat(bids[0][1]), qa = parseFloat(asks[0][1]);
      const sb = bids.reduce(function (s, l) { return s + parseFloat(l[1]); }, 0), sa = asks.reduce(function (s, l) { return s + parseFloat(l[1]); }, 0);
      const derived = { "mid": (a + b) / 2, "spread.abs": a - b, "spread.bps": 1e4 * (a - b) / ((a + b) / 2),
        "microprice": (b * qa + a * qb) / (qa + qb), "imbalance (shown levels)": (sb - sa) / (sb + sa) };
      const base = function (k) { return k.split(".")[0].split(" ")[0]; };
      const have = Object.keys(values).map(base);
      Object.keys(derived).forEach(function (k) { if (have.indexOf(base(k)) < 0) values[k] = derived[k]; });
    }
    const dl = $("metrics"), names = Object.keys(values).sort();
    dl.innerHTML = "";
    names.forEach(function (k) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k; dd.textContent = fmt(values[k]); dd.dataset.metric = k;
      dl.appendChild(dt); dl.appendChild(dd);
    });
    const sel = $("history-metric");
    // The stored series are named as analytics stores them: a number "label", a dict "label.field".
    const stored = [];
    Object.keys(msg.metrics || {}).forEach(function (k) {
      const v = msg.metrics[k];
      if (typeof v === "number") stored.push(k);
      else if (v && typeof v === "object" && !Array.isArray(v)) {
        Object.keys(v).forEach(function (f) { if (typeof v[f] === "number") stored.push(k + "." + f); });
      }
    });
    if (stored.length && sel.options.length !== stored.length) {
      if (!sel.value && stored.indexOf("spread.bps") >= 0) sel.dataset.prefer = "spread.bps";
      const keep = sel.value;
      sel.innerHTML = "";
      stored.sort().forEach(function (k) { const o = document.createElement("option"); o.value = o.textContent = k; sel.appendChild(o); });
      if (keep && stored.indexOf(keep) >= 0) sel.value = keep;
      else if (sel.dataset.prefer) sel.value = sel.dataset.prefer;
      history();
    }
  }

  /* ---- charts ---------------------------------------------------------------------------- */
  function canvasCtx(id) {
    const c = $(id), ratio = window.devicePixelRatio || 1, w = c.clientWidth || c.width, h = c.clientHeight || c.height;
    if (c.width !== Math.round(w * ratio)) { c.width = Math.round(w * ratio); c.height = Math.round(h * ratio); }
    const ctx = c.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return { ctx: ctx, w: w, h: h };
  }
  function depthChart(bids, asks) {
    const g = canvasCtx("depth-chart"), ctx = g.ctx, pad = 24;
    if (!bids.length || !asks.length) return;
    function cum(levels) { let c = 0; return levels.map(function (l) { c += parseFloat(l[1]); return [parseFloat(l[0]), c]; }); }
    const cb = cum(bids), ca = cum(asks);
    // Lowest to highest price shown, also when the book is crossed (bids above asks).
    const prices = cb.concat(ca).map(function (p) { return p[0]; });
    const lo = Math.min.apply(null, prices), hi = Math.max.apply(null, prices);
    const top = Math.max(cb[cb.length - 1][1], ca[ca.length - 1][1]);
    const x = function (p) { return pad + (g.w - 2 * pad) * (p - lo) / ((hi - lo) || 1); };
    const y = function (q) { return g.h - pad - (g.h - 2 * pad) * q / (top || 1); };
    function area(points, stroke, fill) {
      ctx.beginPath(); ctx.moveTo(x(points[0][0]), y(0));
      points.forEach(function (p, i) { if (i) ctx.lineTo(x(p[0]), y(points[i - 1][1])); ctx.lineTo(x(p[0]), y(p[1])); });
      ctx.lineTo(x(points[points.length - 1][0]), y(0)); ctx.closePath();
      ctx.fillStyle = fill; ctx.fill(); ctx.strokeStyle = stroke; ctx.lineWidth = 1.5; ctx.stroke();
    }
    area(cb, "#2fbf71", "rgba(47,191,113,.18)");
    area(ca, "#e5534b", "rgba(229,83,75,.18)");
    ctx.fillStyle = "#8a96a6"; ctx.font = "11px system-ui";
    ctx.fillText(lo.toPrecision(8), pad, g.h - 6);
    ctx.fillText(hi.toPrecision(8), g.w - pad - 70, g.h - 6);
    ctx.fillText(top.toPrecision(4), 2, pad - 8);
  }

  let historyTimer = null;
  function history() {
    clearTimeout(historyTimer);
    const metric = $("history-metric").value, interval = $("history-interval").value;
    if (!metric) return;
    const span = interval === "1s" ? 300 : 7200, end = Date.now() / 1000;
    const url = "/api/bars/" + encodeURIComponent(pair) + "?metric=" + encodeURIComponent(metric) + "&interval=" + interval +
      "&start=" + (end - span).toFixed(0) + "&end=" + end.toFixed(0);
    fetch(url).then(function (r) { return r.json().then(function (b) { return [r.status, b]; }); }).then(function (res) {
      const body = res[1];
      if (res[0] !== 200) { $("history-note").textContent = body.error || "no history"; return; }
      const pts = (body.bars || []).map(function (bar) {
        const t = Date.parse(bar.time || bar.bucket || bar.start) / 1000;
        const keys = ["close", "value", "last", "mean", "avg"];
        let v = null;
        for (let i = 0; i < keys.length && v === null; i++) if (bar[keys[i]] !== undefined && bar[keys[i]] !== null) v = parseFloat(bar[keys[i]]);
        return [t, v];
      }).filter(function (p) { return !isNaN(p[0]) && p[1] !== null && !isNaN(p[1]); });
      $("history-note").textContent = pts.length ? pts.length + " stored bars of " + metric : "no stored bars of " + metric + " in this window yet";
      lineChart(pts);
    }).catch(function () { $("history-note").textContent = "history unavailable"; })
      .finally(function () { historyTimer = setTimeout(history, interval === "1s" ? 5000 : 30000); });
  }
  $("history-metric").addEventListener("change", history);
  $("history-interval").addEventListener("change", history);
  function lineChart(pts) {
    const g = canvasCtx("history-chart"), ctx = g.ctx, pad = 24;
    if (pts.length < 2) return;
    const t0 = pts[0][0], t1 = pts[pts.length - 1][0];
    let lo = Infinity, hi = -Infinity;
    pts.forEach(function (p) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); });
    const x = function (t) { return pad + (g.w - 2 * pad) * (t - t0) / ((t1 - t0) || 1); };
    const y = function (v) { return g.h - pad - (g.h - 2 * pad) * (v - lo) / ((hi - lo) || 1); };
    ctx.beginPath(); pts.forEach(function (p, i) { if (i) ctx.lineTo(x(p[0]), y(p[1])); else ctx.moveTo(x(p[0]), y(p[1])); });
    ctx.strokeStyle = "#6cb6ff"; ctx.lineWidth = 1.5; ctx.stroke();
    ctx.fillStyle = "#8a96a6"; ctx.font = "11px system-ui";
    ctx.fillText(hi.toPrecision(6), 2, pad - 8); ctx.fillText(lo.toPrecision(6), 2, g.h - 6);
  }

  /* ---- age and rate ---------------------------------------------------------------------- */
  setInterval(function () {
    if (latest && latest.ts) {
      const s = Math.max(0, Date.now() / 1000 - latest.ts);
      $("age").textContent = s < 10 ? s.toFixed(1) + " s" : Math.round(s) + " s";
    }
    const now = Date.now();
    if (now - lastRateAt >= 1000) { rate = count * 1000 / (now - lastRateAt); count = 0; lastRateAt = now; $("rate").textContent = rate.toFixed(1); }
  }, 200);
})();
