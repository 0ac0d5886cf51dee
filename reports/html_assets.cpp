#include "reports/html_assets.hpp"

namespace tc::reports::html {

const char* report_csp() {
  return "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
}

const char* report_css() {
  return R"css(
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --soft:#f6f8fa; --page:#eef1f5; --link:#0969da;
        --agree:#1a7f37; --mismatch:#cf222e; --inconclusive:#9a6700; --unverified:#bc4c00; --na:#8c959f; --error:#8250df;
        --path:#e16f24; --cut:#8250df; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { background: var(--page); }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg);
       margin: 0; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre { font-family: var(--mono); font-size: 12px; }
header.top { background: #ffffff; border-bottom: 1px solid var(--line); }
header.top .inner { max-width: 1240px; margin: 0 auto; padding: 22px 28px 14px; }
h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: -.01em; }
.lede { color: var(--muted); margin: 0 0 12px; max-width: 980px; }
nav { position: sticky; top: 0; z-index: 5; background: rgba(255,255,255,.96); border-bottom: 1px solid var(--line); }
nav .inner { max-width: 1240px; margin: 0 auto; padding: 8px 28px; display: flex; gap: 18px; flex-wrap: wrap;
             font-size: 13px; }
nav a { color: var(--muted); font-weight: 500; }
nav a b { color: var(--fg); font-weight: 600; }
main { max-width: 1240px; margin: 0 auto; padding: 4px 28px 60px; }
section { background: #ffffff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px 20px;
          margin: 18px 0; }
h2 { font-size: 18px; margin: 0 0 10px; }
h2 .count { color: var(--muted); font-weight: 400; font-size: 14px; margin-left: 6px; }
h3 { font-size: 14px; margin: 18px 0 8px; }
h4 { font-size: 13px; margin: 14px 0 6px; }
.status { display: flex; align-items: center; gap: 14px; border-radius: 10px; padding: 12px 18px; margin: 14px 0 4px;
          border: 1px solid var(--line); background: #ffffff; }
.status .big { font-size: 28px; font-weight: 700; line-height: 1; }
.status.bad { border-left: 6px solid var(--mismatch); }
.status.bad .big { color: var(--mismatch); }
.status.ok { border-left: 6px solid var(--agree); }
.status.ok .big { color: var(--agree); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; margin: 4px 0 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; background: var(--soft); }
.card .n { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
.card.v-agree .n { color: var(--agree); } .card.v-mismatch .n { color: var(--mismatch); }
.card.v-inconclusive .n { color: var(--inconclusive); } .card.v-error_raised .n { color: var(--error); }
.card.v-unverified .n { color: var(--unverified); }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 22px; align-items: start; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; width: 100%; }
th, td { border-bottom: 1px solid #e6eaef; padding: 5px 8px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; word-break: normal; hyphens: manual; }
th { font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); white-space: nowrap; }
.nw { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.zero { color: #b6bdc5; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 11.5px; font-weight: 600; color: #fff;
         white-space: nowrap; line-height: 18px; }
.v-agree.badge, .o-agree.badge { background: var(--agree); }
.v-mismatch.badge, .o-mismatch.badge { background: var(--mismatch); }
.v-inconclusive.badge, .o-inconclusive.badge { background: var(--inconclusive); }
.v-unverified.badge { background: var(--unverified); }
.o-not_applicable.badge { background: var(--na); }
.v-error_raised.badge { background: var(--error); }
.bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: #eef1f4; min-width: 90px; }
.bar span { display: block; height: 100%; }
.bar .agree { background: var(--agree); } .bar .mismatch { background: var(--mismatch); }
.bar .inconclusive { background: #d4a72c; } .bar .not_applicable { background: #d0d7de; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 14px; flex-wrap: wrap; margin: 2px 0 6px; }
.legend .bar-agree { background: var(--agree); } .legend .bar-mismatch { background: var(--mismatch); }
.legend .bar-inconclusive { background: #d4a72c; } .legend .bar-not_applicable { background: #d0d7de; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.note { color: var(--muted); font-style: italic; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0 4px; }
.family { display: flex; gap: 10px; align-items: baseline; margin: 4px 0; }
.family > .fname { width: 86px; flex: none; color: var(--muted); font-size: 12px; text-align: right; }
.chip { font: 12px var(--mono); border: 1px solid #b7d4f5; border-radius: 6px; padding: 1px 7px; white-space: nowrap; }
.chip b { font-weight: 600; margin-left: 5px; color: #0b4f99; }
.chip.c1 { background: #eaf3fe; } .chip.c2 { background: #cfe4fc; } .chip.c3 { background: #a9cdf8; }
.chip.c4 { background: #7fb3f2; } .chip.bad { border-color: var(--mismatch); box-shadow: inset 3px 0 0 var(--mismatch); }
.chip.none { background: #ffffff; color: #8c959f; border: 1px dashed #c9d1d9; }
.matrix td.hit { background: #ffebe9; color: var(--mismatch); font-weight: 600; text-align: center; }
.matrix td.miss { color: #b6bdc5; text-align: center; }
.matrix td.survived { color: var(--mismatch); font-weight: 600; }
.filters { gap: 14px; flex-wrap: wrap; align-items: center; background: var(--soft);
           border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 8px 0; font-size: 13px; }
.js-only { display: none !important; }
html.js .js-only:not(.filters) { display: revert !important; }
html.js .filters.js-only { display: flex !important; }
select { font: inherit; padding: 2px 4px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
button { font: 12px system-ui, sans-serif; border: 1px solid var(--line); background: #ffffff; border-radius: 6px;
         padding: 2px 10px; cursor: pointer; color: var(--fg); }
button:hover { background: var(--soft); }
.showing { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
details.group { border: 1px solid var(--line); border-left: 5px solid var(--mismatch); border-radius: 8px;
                margin: 10px 0; background: #fff; }
details.group.k-unexpected_none { border-left-color: var(--error); }
details.group.k-unexpected_value { border-left-color: var(--inconclusive); }
details.group > summary { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 9px 14px;
                          cursor: pointer; list-style: none; }
details.group > summary::-webkit-details-marker { display: none; }
details.group > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.group[open] > summary::before { content: "▾"; }
details.group[open] > summary { border-bottom: 1px solid #e6eaef; background: #fcfcfd; border-radius: 8px 8px 0 0; }
.rank { display: inline-grid; place-items: center; width: 22px; height: 22px; border-radius: 11px; background: var(--fg);
        color: #fff; font-size: 11px; font-weight: 700; flex: none; }
.kind { font-weight: 650; color: var(--mismatch); }
.k-unexpected_none .kind { color: var(--error); } .k-unexpected_value .kind { color: var(--inconclusive); }
code.oracle { background: var(--soft); border: 1px solid var(--line); border-radius: 5px; padding: 0 6px; }
.path { display: inline-flex; gap: 4px; align-items: center; flex-wrap: wrap; }
code.op { background: #fff4e5; border: 1px solid #f5c38b; color: #8a3f00; border-radius: 5px; padding: 0 6px; }
.arrow { color: var(--muted); }
.stats { margin-left: auto; color: var(--muted); font-size: 12.5px; }
.stats b { color: var(--fg); }
.group-body { padding: 12px 16px 14px; }
.rep-head { font-size: 13px; margin-bottom: 8px; }
.rep-head .origin { color: var(--muted); font: 12px var(--mono); margin-top: 2px; overflow-wrap: anywhere; }
.rep-grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 18px; align-items: start; }
.rep-numbers { min-width: 0; }
.rep-numbers table { font-size: 12.5px; }
.rep-numbers th, .rep-numbers td { padding: 4px 6px; }
figure { margin: 0; }
.graph-drawing { border: 1px solid #e6eaef; border-radius: 8px; padding: 8px; background: #fcfcfd; text-align: center; }
.graph-drawing svg { max-width: 100%; height: auto; max-height: 620px; }
figcaption { color: var(--muted); font-size: 11.5px; margin-top: 6px; text-align: left; }
.key { display: inline-block; width: 14px; height: 10px; border: 2px solid; border-radius: 3px; vertical-align: -1px;
       margin: 0 4px 0 10px; background: #ffffff; }
.key:first-child { margin-left: 0; }
.key.k-red { border-color: var(--mismatch); } .key.k-path { border-color: var(--path); }
.key.k-cut { border: 4px double var(--cut); } .key.k-none { border: 2px dashed #8c959f; }
.sentence { margin: 0 0 8px; padding: 8px 12px; background: #fff8f7; border: 1px solid #ffcecb; border-radius: 8px;
            font-size: 13px; }
table.oracles tr.this td { background: #fff8f7; font-weight: 600; }
table.entries tr.bad td { background: #fff1f0; }
table.entries td.mark { width: 14px; text-align: center; font-weight: 700; }
table.entries tr.bad td.mark { color: var(--mismatch); } table.entries tr.ok td.mark { color: var(--agree); }
table.entries tr.skipped td { color: var(--muted); }
figure.heat svg, .sweep svg { max-width: 100%; height: auto; }
.why { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; margin: 0 0 10px; }
.why .side { border-radius: 8px; padding: 6px 12px; font-size: 13px; }
.why .side h4 { margin: 4px 0; }
.why p { margin: 4px 0 6px; }
.engine-side { background: #fbefff; border: 1px solid #e2c5f9; }
.oracle-side { background: #ddf4ff; border: 1px solid #9fd3f5; }
.cut { font-weight: 600; color: var(--cut); }
.rep-repro { margin-top: 12px; }
.cmd { display: flex; gap: 8px; align-items: center; background: #161b22; border-radius: 6px; padding: 5px 6px 5px 12px;
       margin: 6px 0; }
.cmd code { color: #e6edf3; user-select: all; -webkit-user-select: all; flex: 1; overflow-wrap: anywhere; }
.cmd button { background: #30363d; color: #e6edf3; border-color: #30363d; }
.cmd button:hover { background: #3d444d; }
.tcg-block { margin-top: 8px; }
.tcg-head { font-size: 12px; color: var(--muted); display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.tcg-head code { color: var(--fg); }
.tcg-head button:first-of-type { margin-left: auto; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto;
      line-height: 1.45; margin: 6px 0; max-height: 360px; }
table.members td { vertical-align: middle; border-bottom: none; padding-bottom: 1px; }
table.members tr.cmd-row td { border-bottom: 1px solid #e6eaef; padding: 0 8px 6px; }
table.members .cmd { margin: 0; padding: 2px 8px; background: #2d333b; }
table.graphs td.origin { font: 12px var(--mono); color: var(--muted); }
details:not(.group) > summary { cursor: pointer; color: var(--link); font-size: 12px; white-space: nowrap; }
table.graphs details[open] { min-width: 420px; }
tr:target td { background: #fff8c5; }
.hint { margin-top: 4px; color: #7d4e00; background: #fff8c5; border: 1px solid #eac54f; border-radius: 6px;
        padding: 3px 8px; font-size: 12.5px; }
footer { max-width: 1240px; margin: 0 auto; padding: 0 28px 30px; color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { .rep-grid, .two, .why { grid-template-columns: minmax(0, 1fr); } }
@media print {
  html, body { background: #ffffff; }
  body { font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav, button, html.js .js-only:not(.filters), html.js .filters.js-only, .filters { display: none !important; }
  section { border: none; padding: 0; margin: 14px 0; }
  details > summary::before { content: "" !important; }
  details::details-content { content-visibility: visible !important; display: block !important; }
  details.group { break-inside: auto; }
  .rep-grid { grid-template-columns: minmax(0, 1fr); }
  pre { max-height: none; white-space: pre-wrap; }
  .cmd { background: #ffffff; border: 1px solid var(--line); }
  .cmd code { color: var(--fg); }
  a { color: inherit; }
}
)css";
}

const char* report_script() {
  return R"js(
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.group"));
  var keys = ["engine", "kind", "oracle", "op"];
  var selects = {};
  keys.forEach(function (k) { selects[k] = document.getElementById("filter-" + k); });

  function parse(text) { try { return JSON.parse(text || "null"); } catch (e) { return null; } }

  function fromAddress() {
    var h = location.hash || "";
    var f = {};
    if (h.indexOf("#filter") !== 0) return f;
    var q = h.indexOf("?");
    if (q < 0) return f;
    h.slice(q + 1).split("&").forEach(function (pair) {
      var eq = pair.indexOf("=");
      if (eq <= 0) return;
      try { f[decodeURIComponent(pair.slice(0, eq))] = decodeURIComponent(pair.slice(eq + 1)); } catch (e) {}
    });
    return f;
  }

  function apply(f) {
    var groupsShown = 0, findingsShown = 0;
    groups.forEach(function (g) {
      var engines = parse(g.getAttribute("data-engines")) || {};
      var ops = parse(g.getAttribute("data-ops")) || [];
      var ok = (!f.kind || g.getAttribute("data-kind") === f.kind) &&
               (!f.oracle || g.getAttribute("data-oracle") === f.oracle) &&
               (!f.op || ops.indexOf(f.op) >= 0) &&
               (!f.engine || Object.prototype.hasOwnProperty.call(engines, f.engine));
      g.hidden = !ok;
      if (!ok) return;
      groupsShown += 1;
      findingsShown += f.engine ? engines[f.engine] : Number(g.getAttribute("data-count"));
      Array.prototype.forEach.call(g.querySelectorAll("tr[data-engine]"), function (row) {
        row.hidden = !!f.engine && row.getAttribute("data-engine") !== f.engine;
      });
    });
    var sg = document.getElementById("shown-groups"), sf = document.getElementById("shown-findings");
    if (sg) sg.textContent = String(groupsShown);
    if (sf) sf.textContent = String(findingsShown);
    keys.forEach(function (k) { if (selects[k]) selects[k].value = f[k] || ""; });
    root.setAttribute("data-filter", keys.filter(function (k) { return f[k]; })
      .map(function (k) { return k + "=" + f[k]; }).join("&"));
  }

  function fromSelects() {
    var f = {};
    keys.forEach(function (k) { if (selects[k] && selects[k].value) f[k] = selects[k].value; });
    return f;
  }

  function writeAddress(f) {
    var parts = keys.filter(function (k) { return f[k]; })
      .map(function (k) { return k + "=" + encodeURIComponent(f[k]); });
    var hash = parts.length ? "#filter?" + parts.join("&") : " ";
    if (history.replaceState) history.replaceState(null, "", hash === " " ? location.pathname + location.search : hash);
  }

  keys.forEach(function (k) {
    if (!selects[k]) return;
    selects[k].addEventListener("change", function () { var f = fromSelects(); writeAddress(f); apply(f); });
  });
  var clear = document.getElementById("filter-clear");
  if (clear) clear.addEventListener("click", function () { writeAddress({}); apply({}); });
  window.addEventListener("hashchange", function () {
    if ((location.hash || "").indexOf("#filter") === 0) apply(fromAddress());
  });
  apply(fromAddress());

  // Opening a link to something inside a closed group opens the group.
  function reveal() {
    var id = (location.hash || "").slice(1);
    if (!id || id.indexOf("filter") === 0) return;
    var el = document.getElementById(id);
    for (var p = el; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
    if (el) el.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);
  reveal();

  function textOf(id) { var el = document.getElementById(id); return el ? el.textContent : ""; }
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("button[data-copy], button[data-save]") : null;
    if (!b) return;
    if (b.hasAttribute("data-copy")) {
      var text = textOf(b.getAttribute("data-copy"));
      var done = function () { var old = b.textContent; b.textContent = "Copied"; setTimeout(function () { b.textContent = old; }, 1200); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
      } else { fallbackCopy(text); done(); }
    } else {
      var blob = new Blob([textOf(b.getAttribute("data-save"))], { type: "text/plain" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = b.getAttribute("data-name") || "graph.tcg";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    }
  });
  function fallbackCopy(text) {
    var t = document.createElement("textarea");
    t.value = text;
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } catch (e) {}
    t.remove();
  }

  // Printing opens every group (the print style also does, where the browser allows).
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () { closed.forEach(function (d) { d.open = false; }); closed = []; });
})();
)js";
}

}  // namespace tc::reports::html
