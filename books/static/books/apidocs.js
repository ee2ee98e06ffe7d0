/* The browsable API docs: endpoints, parameters and a "try" form, all from /api/schema. */
"use strict";
(function () {
  document.getElementById("conn").hidden = true;
  const root = document.getElementById("endpoints");
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  fetch("/api/schema").then(function (r) { return r.json(); }).then(function (schema) {
    root.innerHTML = "";
    Object.keys(schema.paths).forEach(function (path) {
      const op = schema.paths[path].get, sec = el("section", { "class": "pair endpoint", "data-path": path });
      sec.appendChild(el("h2", {}, "GET " + path));
      sec.appendChild(el("p", {}, op.summary));
      const form = el("form", { "class": "controls" });
      const table = el("table", { "class": "status" });
      table.innerHTML = "<thead><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>meaning</th></tr></thead>";
      const body = el("tbody");
      op.parameters.forEach(function (p) {
        const tr = el("tr");
        [p.name, p.in, p.required ? "yes" : "no", (p.schema.enum ? p.schema.enum.join(" | ") : p.schema.type) +
          (p.schema.maximum ? " ≤ " + p.schema.maximum : ""), p.description].forEach(function (t) { tr.appendChild(el("td", {}, t)); });
        body.appendChild(tr);
        const label = el("label", {}, p.name + " ");
        label.appendChild(el("input", { name: p.name, "data-in": p.in, size: "14", placeholder: p.in === "path" ? "BTC-USDT" : "" }));
        form.appendChild(label);
      });
      table.appendChild(body);
      if (op.parameters.length) sec.appendChild(table);
      const button = el("button", { type: "submit" }, "try");
      form.appendChild(button);
      const out = el("pre", { "class": "hint" });
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        let url = path;
        const query = [];
        form.querySelectorAll("input").forEach(function (i) {
          if (i.dataset.in === "path") url = url.replace("{" + i.name + "}", encodeURIComponent(i.value || "BTC-USDT"));
          else if (i.value) query.push(encodeURIComponent(i.name) + "=" + encodeURIComponent(i.value));
        });
        if (query.length) url += "?" + query.join("&");
        out.textContent = "GET " + url + " …";
        fetch(url).then(function (r) { return r.text().then(function (t) { return [r.status, t]; }); }).then(function (res) {
          let text = res[1];
          try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
          out.textContent = "GET " + url + " → " + res[0] + "\n" + text.slice(0, 20000);
        });
      });
      sec.appendChild(form);
      sec.appendChild(out);
      root.appendChild(sec);
    });
  });
})();
