/**
 * The console's stylesheet and its one script, served by the Worker with a
 * content hash in the URL (cached for good by the browser). Pages work
 * without the script; it adds confirmations, select-all, the scanner field's
 * focus, charts and passkeys. The vendored libraries (Chart.js, SimpleWebAuthn's
 * browser half) are built by `npm install` into vendor.generated.ts and loaded
 * only by the pages that use them.
 */
export const CONSOLE_CSS = `
:root{--ink:#1d2430;--muted:#5b6575;--line:#d9dee6;--bg:#f5f7fa;--card:#fff;--brand:#1f5eff;--brand-ink:#fff;--ok:#137333;--ok-bg:#e6f4ea;--warn:#8a5300;--warn-bg:#fff4e0;--bad:#b3261e;--bad-bg:#fce8e6;--focus:#ffbf47;--radius:8px;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;font-size:16px;line-height:1.45;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}a{color:var(--brand)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:8px}.skip:focus{left:8px;z-index:10}
header.top{display:flex;align-items:center;gap:12px;flex-wrap:wrap;background:#101828;color:#fff;padding:8px 16px}
header.top a{color:#fff}header.top .brand{font-weight:700;text-decoration:none;margin-right:8px}
header.top nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px;margin:0;padding:0}
header.top nav a{display:block;padding:6px 10px;border-radius:6px;text-decoration:none;color:#d0d5dd}
header.top nav a[aria-current=page]{background:#344054;color:#fff}
header.top .me{margin-left:auto;display:flex;gap:8px;align-items:center;flex-wrap:wrap;font-size:14px}
header.top .me form{margin:0}header.top button.link{background:none;border:0;color:#fff;text-decoration:underline;padding:4px;cursor:pointer;font:inherit}
header.top select{font:inherit;font-size:14px;padding:2px 4px}
details.menu{display:none}
@media (max-width:760px){header.top nav.wide{display:none}details.menu{display:block;width:100%}details.menu summary{cursor:pointer;padding:6px 0}details.menu ul{flex-direction:column}header.top .me{margin-left:0;width:100%}}
main{max-width:1280px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:4px 0 16px}h2{font-size:1.15rem;margin:20px 0 8px}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:16px;margin-bottom:16px}
.grid{display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(260px,1fr))}
.flash{padding:10px 14px;border-radius:var(--radius);margin-bottom:12px;border:1px solid}
.flash.ok{background:var(--ok-bg);color:var(--ok);border-color:#a8dab5}.flash.bad{background:var(--bad-bg);color:var(--bad);border-color:#f4b4ae}.flash.warn{background:var(--warn-bg);color:var(--warn);border-color:#f5cf8f}
table{border-collapse:collapse;width:100%;background:var(--card)}th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:13px;color:var(--muted);font-weight:600;white-space:nowrap}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:var(--radius)}
@media (max-width:640px){table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}table.stack td{display:flex;gap:8px;border:0;padding:3px 8px}table.stack td::before{content:attr(data-label);color:var(--muted);min-width:7.5em;font-size:13px}table.stack td>*{min-width:0;overflow-wrap:anywhere}table.stack td.num{text-align:left}}
label{display:block;font-weight:600;font-size:14px;margin:8px 0 4px}
input,select,textarea{font:inherit;padding:8px;border:1px solid #98a2b3;border-radius:6px;background:#fff;color:var(--ink);max-width:100%}
input[type=checkbox],input[type=radio]{width:20px;height:20px;vertical-align:middle}
textarea{width:100%;min-height:80px}
.field{margin-bottom:12px}.field input:not([type=checkbox]):not([type=radio]),.field select{width:100%}
.hint{color:var(--muted);font-size:13px;margin:2px 0}
.error-text{color:var(--bad);font-size:14px;margin:4px 0}
button,.button{font:inherit;font-weight:600;display:inline-flex;align-items:center;justify-content:center;gap:6px;min-height:40px;padding:8px 16px;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:var(--brand-ink);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}button.danger{background:var(--bad);border-color:var(--bad)}
button:disabled{opacity:.5;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}.filters .field{margin:0;min-width:140px;flex:1 1 140px}@media (max-width:640px){.filters .field:has(>select){flex-basis:100%}}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;font-size:13px;font-weight:600;background:#eef2f6;color:#344054;white-space:nowrap}
.badge.ok{background:var(--ok-bg);color:var(--ok)}.badge.warn{background:var(--warn-bg);color:var(--warn)}.badge.bad{background:var(--bad-bg);color:var(--bad)}
.muted{color:var(--muted)}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.kpis{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(160px,1fr))}.kpi{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:12px}.kpi .value{font-size:1.6rem;font-weight:700}.kpi .delta{font-size:13px}
.scan{font-size:1.4rem;padding:12px;width:100%;font-family:ui-monospace,monospace}
.scan-result{font-size:1.3rem;font-weight:700;padding:16px;border-radius:var(--radius);margin:12px 0;border:3px solid}
.scan-result.ok{background:var(--ok-bg);color:var(--ok);border-color:var(--ok)}.scan-result.bad{background:var(--bad);color:#fff;border-color:var(--bad)}
.chart-box{position:relative;height:280px}
.sign-in{max-width:420px;margin:6vh auto}
.pager{display:flex;gap:12px;justify-content:space-between;align-items:center;margin-top:12px;flex-wrap:wrap}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media print{header.top,.no-print{display:none}main{padding:0}}
/* stock */
.stock-tabs{margin-bottom:16px}.stock-tabs a{padding:6px 12px;border:1px solid var(--line);border-radius:6px;text-decoration:none;background:var(--card)}.stock-tabs a[aria-current=page]{background:var(--brand);color:var(--brand-ink);border-color:var(--brand)}.stock-form{max-width:640px}.table-wrap+.stock-form{margin-top:16px}table.stock-stack td{overflow-wrap:anywhere}
@media (max-width:640px){table.stock-stack td{flex-wrap:wrap}table.stock-stack td>*{min-width:0;max-width:100%}table.stock-stack td form{flex:1 1 100%}table.stock-stack td form input{width:100%}}
fieldset.transfer-line{display:grid;gap:0 12px;grid-template-columns:minmax(0,1fr);margin:0 0 8px}fieldset.transfer-line .field{margin-bottom:8px}.stock-form.transfer-form{max-width:800px}@media (min-width:700px){fieldset.transfer-line{grid-template-columns:minmax(0,3fr) minmax(0,3fr) minmax(0,2fr)}}table.replenishment td.why{font-size:14px}@media (min-width:641px){table.replenishment td{overflow-wrap:break-word}table.replenishment td.nums{white-space:nowrap}table.replenishment td.product{min-width:9em}table.replenishment td.why{min-width:18em}}@media (max-width:640px){table.replenishment td:empty{display:none}}.stock-title{overflow-wrap:anywhere}
/* purchasing */
.purchasing-tabs{margin-bottom:12px}.purchasing-tabs a{padding:6px 12px;border:1px solid var(--line);border-radius:6px;text-decoration:none;background:var(--card)}.purchasing-tabs a[aria-current=page]{background:var(--brand);color:var(--brand-ink);border-color:var(--brand)}
.purchasing td,.purchasing dd,.purchasing legend,.purchasing h1,.purchasing h3{overflow-wrap:break-word}.purchasing .mono{overflow-wrap:anywhere}.purchasing h1 .mono{font-size:1.1rem}
.purchasing .card>h2:first-child,.purchasing .card>h3:first-child{margin-top:0}.purchasing .table-wrap{margin-bottom:16px}.purchasing .card .table-wrap:last-child,.purchasing-split>.card{margin-bottom:0}.purchasing-form{max-width:760px}.purchasing-actions{max-width:960px;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr))}
.purchasing-edit summary{cursor:pointer;font-weight:600;padding:6px 0}.purchasing-edit[open] summary{margin-bottom:8px}section>.purchasing-form{margin-top:16px}
fieldset.purchasing-line{display:grid;gap:0 12px;grid-template-columns:minmax(0,1fr) minmax(0,1fr)}fieldset.purchasing-line>.field:first-of-type{grid-column:1/-1}fieldset.purchasing-line legend{font-weight:600}fieldset.purchasing-line .field{margin-bottom:8px}
@media (min-width:700px){fieldset.purchasing-line{grid-template-columns:minmax(0,2fr) minmax(0,1fr) minmax(0,1fr)}fieldset.purchasing-line>.field:first-of-type{grid-column:auto}}
.purchasing-split{display:grid;gap:16px;grid-template-columns:minmax(0,1fr)}@media (min-width:1000px){.purchasing-split{grid-template-columns:minmax(0,3fr) minmax(0,2fr);align-items:start}.purchasing-split>aside{order:2}}
.secret-once{border-color:var(--warn);background:var(--warn-bg)}.secret-once code{display:block;padding:8px;background:var(--card);border:1px dashed var(--warn);border-radius:6px;user-select:all}
ul.purchasing-prices{margin:0;padding-left:1.1em}.purchasing-receipt{border-top:1px solid var(--line);padding-top:8px;margin-top:8px}.purchasing-receipt h3{font-size:1rem;margin:4px 0 8px}.purchasing-receipt dl{margin-bottom:8px}
.badge.info{background:#e8efff;color:#1f4fd1}
@media (max-width:640px){.purchasing dl.facts{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}table.purchasing-stack td{flex-wrap:nowrap}table.purchasing-stack td>*{min-width:0}table.purchasing-stack td:empty{display:none}}
/* finance */
.finance-tabs{margin-bottom:12px}.finance-tabs a{padding:6px 12px;border:1px solid var(--line);border-radius:6px;text-decoration:none;background:var(--card)}.finance-tabs a[aria-current=page]{background:var(--brand);color:var(--brand-ink);border-color:var(--brand)}
.finance td,.finance dd,.finance h1,.finance li{overflow-wrap:break-word}.finance .mono,.mono-heading{overflow-wrap:anywhere}h1.mono-heading{font-size:1.3rem}.finance .card>h2:first-child{margin-top:0}
ul.status-counts{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:8px 16px}ul.status-counts a[aria-current]{font-weight:700}
ol.settlement-lines{list-style:none;margin:12px 0 0;padding:0;display:grid;gap:12px;grid-template-columns:minmax(0,1fr)}@media (min-width:1000px){ol.settlement-lines{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}}
.line-card{border:1px solid var(--line);border-radius:6px;padding:8px 12px}.line-card .line-head{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:6px}.line-card dl.facts{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}
.resolve-form{margin-top:8px}.resolve-form textarea{width:100%}.resolution{margin:8px 0 0;padding:6px 8px;background:var(--ok-bg);border-radius:6px}ul.row-problems{color:var(--bad);margin:0 0 12px;padding-left:1.2em}
.finance-form input[type=file]{max-width:100%}.finance-form .actions{margin-top:12px}#ledger a[data-correct]{white-space:nowrap;overflow-wrap:normal}#ledger .ledger-note{display:block}.correct-form{max-width:640px}
/* settings */
.settings-split{display:grid;gap:16px;grid-template-columns:minmax(0,1fr)}@media (min-width:960px){.settings-split{grid-template-columns:minmax(0,3fr) minmax(0,2fr);align-items:start}.settings-split .dry-run{position:sticky;top:8px}}
.settings-tabs ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px;margin:0 0 12px;padding:0;border-bottom:1px solid var(--line)}.settings-tabs ul a{display:block;padding:8px 12px;text-decoration:none;border-radius:6px 6px 0 0}.settings-tabs ul a[aria-current=page]{background:var(--card);border:1px solid var(--line);border-bottom-color:var(--card);margin-bottom:-1px;font-weight:600}
a.settings-link{margin:0;display:flex;flex-direction:column;gap:4px;text-decoration:none;color:var(--ink)}a.settings-link strong{color:var(--brand)}
fieldset{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:8px 0 12px;min-width:0}legend{font-weight:600;font-size:14px;padding:0 4px}
.card.rule.has-error{border-color:var(--bad)}textarea.mono{font-size:13px}
/* people */
.qr svg{width:220px;height:220px;max-width:100%;display:block;background:#fff}
.secret{word-break:break-all}.wrap{overflow-wrap:anywhere}.profile-form{margin-top:1rem}
ol.recovery-codes{columns:2;font-size:1.1rem;padding-left:1.5em}@media (max-width:400px){ol.recovery-codes{columns:1}}
fieldset.ticks{border:1px solid var(--line);border-radius:var(--radius);margin:0 0 12px;padding:8px 12px}fieldset.ticks legend{font-weight:600;font-size:14px;padding:0 4px}
label.tick{display:inline-flex;align-items:center;gap:6px;font-weight:400;margin:4px 16px 4px 0}
.perm-groups{display:grid;gap:8px;grid-template-columns:repeat(auto-fit,minmax(min(280px,100%),1fr))}.perm-groups label.tick{display:flex;flex-wrap:wrap;min-width:0}label.tick .mono{overflow-wrap:anywhere;font-size:13px}
td form button{white-space:nowrap}details.new{margin-top:16px}details.new summary{cursor:pointer;font-weight:600;font-size:1.15rem}
.new-key input{width:100%;font-size:1rem}
/* review */
.review{overflow-wrap:anywhere}.review ul.findings,.review ul.notes,ul.reasons{margin:0;padding-left:1.1em}.review ul.findings li,.review ul.notes li{margin-bottom:8px}.review ul.notes p{margin:0}
/* floor */
.floor-bin{font-size:2.6rem;font-weight:800;margin:4px 0 12px;line-height:1.1}.floor-bin strong{letter-spacing:.04em}
.floor-qty{font-size:1.6rem}.floor-progress{display:block;width:100%;height:14px;margin:4px 0 12px}.floor-items{margin-bottom:16px}
.floor-scan .scan{flex:1 1 160px;width:auto;min-width:0}.floor-short{margin-top:16px}.floor-short summary{cursor:pointer;font-weight:600;padding:6px 0}
.floor-stop{font-size:1.6rem}.floor-stop p{margin:4px 0}.floor-stop .floor-stop-hint{font-size:1rem;font-weight:400}
details.floor-dims{border:1px solid var(--line);border-radius:var(--radius);margin:8px 0;padding:4px 12px}details.floor-dims summary{cursor:pointer;padding:6px 0;font-weight:600}
.floor-id{display:block;font-size:1rem;font-weight:400}.floor-id,.floor-facts dd,.floor-wrap{overflow-wrap:anywhere;min-width:0}td>.floor-wrap{flex:1}
/* insights */
.insight-chart{margin:0;min-width:0}.insight-chart figcaption{font-weight:600;font-size:14px;margin-bottom:6px}
.chart-box.tall{height:360px}.insights .grid{grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr))}
.insights .kpis{grid-template-columns:repeat(auto-fit,minmax(190px,1fr));margin-bottom:16px}.insights .kpi .label{font-size:14px;color:var(--muted)}.insights .kpi .value{font-size:1.4rem;overflow-wrap:break-word}
.insights h3{font-size:1rem;margin:16px 0 8px}
.insights .valuation{margin-top:16px}.insights .valuation h2{margin-top:0}section[data-report=stock] th{white-space:normal;min-width:4.5em}section[data-report=stock] td .mono{white-space:nowrap}
ul.report-list{list-style:none;padding:0;margin:0;display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr))}ul.report-list li{margin:0}ul.report-list h2{margin-top:0}
fieldset.group-by{border:1px solid var(--line);border-radius:6px;margin:12px 0;display:flex;flex-wrap:wrap;gap:4px 16px}label.check{font-weight:400;display:inline-flex;gap:6px;align-items:center}
/* customers */
.customers td,.customers dd,.customers li{overflow-wrap:anywhere}.customers .nowrap{white-space:nowrap}.customers ul.plain,.customers ol.plain{list-style:none;padding:0;margin:0}
.customers .table-wrap{margin-bottom:16px}.customers .grid{margin-bottom:16px;grid-template-columns:repeat(auto-fit,minmax(min(100%,320px),1fr))}.customers .card>h2:first-child{margin-top:0}
.customers-split{display:grid;gap:16px;grid-template-columns:minmax(0,1fr)}@media (min-width:1000px){.customers-split{grid-template-columns:minmax(0,3fr) minmax(0,2fr);align-items:start}}
.customers-split>div>.card{margin-bottom:16px}.customer-history li{padding:6px 0;border-bottom:1px solid var(--line)}.customer-history .note-text{margin:4px 0 0;white-space:pre-wrap}
.merge-candidates li{padding:4px 0}.button.danger{background:var(--bad);border-color:var(--bad);color:#fff}.customers textarea{width:100%;font:inherit}
@media (max-width:640px){.customers dl.facts{grid-template-columns:minmax(0,2fr) minmax(0,3fr)}table.customers-stack td{flex-wrap:wrap}table.customers-stack td>*{min-width:0}table.customers-stack td.num{justify-content:flex-start}}
/* orders */
/* A table's columns size to their cells' narrowest: "anywhere" let a wide screen break "web" and "US$17.00" mid-word; only ids break anywhere there. Stacked on a phone, every cell may. */
.orders-area dd,.orders-area li,.orders-area h1,.orders-area td .mono{overflow-wrap:anywhere}.orders-area td{overflow-wrap:break-word}.orders-area td.nowrap{white-space:nowrap}
@media (max-width:640px){.orders-area td{overflow-wrap:anywhere}}
.saved-views{list-style:none;padding:0;margin:0 0 12px}.saved-views button.link{background:none;border:0;color:#b42318;padding:2px 8px;cursor:pointer;font:inherit;font-weight:700}.saved-views li{display:inline-flex;align-items:center;gap:2px;margin-right:12px}.saved-views form{display:inline}
`;

export const CONSOLE_JS = `
(function(){
  "use strict";
  // Forms that ask first: <form data-confirm="Really?">
  document.addEventListener("submit", function(e){
    var f = e.target; var q = f.getAttribute && f.getAttribute("data-confirm");
    if (q && !window.confirm(q)) e.preventDefault();
  }, true);
  // <input type=checkbox data-select-all="name">: ticks every box of that name.
  document.addEventListener("change", function(e){
    var t = e.target; var name = t.getAttribute && t.getAttribute("data-select-all");
    if (name) document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function(b){ b.checked = t.checked; });
    if (t.hasAttribute && t.hasAttribute("data-autosubmit") && t.form) t.form.requestSubmit();
  });
  // The scanner field keeps the focus: a keyboard-wedge scanner types into whatever has it.
  var scan = document.querySelector("[data-scan]");
  if (scan) {
    scan.focus();
    document.addEventListener("click", function(e){ if (!e.target.closest("a,button,input,select,textarea,label")) scan.focus(); });
    var bad = document.querySelector(".scan-result.bad");
    if (bad && navigator.vibrate) navigator.vibrate([200, 100, 200]);
  }
  // Charts: <canvas data-chart='{"type":"bar",...}'> once Chart.js is on the page.
  if (window.Chart) document.querySelectorAll("canvas[data-chart]").forEach(function(c){
    try { new window.Chart(c, JSON.parse(c.getAttribute("data-chart"))); } catch (err) { console.error(err); }
  });
  // Passkeys: <button data-passkey-sign-in> and <button data-passkey-register>.
  var wa = window.SimpleWebAuthnBrowser;
  function post(url, body, csrf){
    var h = {"content-type":"application/json"}; if (csrf) h["x-csrf-token"] = csrf;
    return fetch(url, {method:"POST", headers:h, body:JSON.stringify(body), credentials:"same-origin"}).then(function(r){
      return r.text().then(function(t){ var b = t ? JSON.parse(t) : {}; if (!r.ok) throw new Error(b.detail || b.title || r.status); return b; });
    });
  }
  function say(el, text){ var out = document.getElementById(el.getAttribute("data-status") || ""); if (out) { out.textContent = text; out.hidden = false; } }
  document.querySelectorAll("[data-passkey-sign-in]").forEach(function(b){
    if (!wa || !wa.browserSupportsWebAuthn()) { b.hidden = true; return; }
    b.hidden = false;
    b.addEventListener("click", function(){
      b.disabled = true;
      post("/v1/auth/passkey/options", {}).then(function(options){
        return wa.startAuthentication({optionsJSON: options});
      }).then(function(response){ return post("/v1/auth/passkey", {response: response}); })
      .then(function(){ location.assign(b.getAttribute("data-next") || "/console"); })
      .catch(function(err){ b.disabled = false; say(b, b.getAttribute("data-failed") + " (" + err.message + ")"); });
    });
  });
  document.querySelectorAll("[data-passkey-register]").forEach(function(b){
    if (!wa || !wa.browserSupportsWebAuthn()) { b.hidden = true; return; }
    b.hidden = false;
    b.addEventListener("click", function(){
      var csrf = b.getAttribute("data-csrf"); var nameField = document.getElementById(b.getAttribute("data-name-field"));
      b.disabled = true;
      post("/v1/me/passkeys/options", {}, csrf).then(function(options){
        return wa.startRegistration({optionsJSON: options});
      }).then(function(response){ return post("/v1/me/passkeys", {name: (nameField && nameField.value) || "Passkey", response: response}, csrf); })
      .then(function(){ location.reload(); })
      .catch(function(err){ b.disabled = false; say(b, b.getAttribute("data-failed") + " (" + err.message + ")"); });
    });
  });
  // Links from emails carry their token in the fragment (never sent to a server): copy it into the form.
  var tokenField = document.querySelector("input[data-token-from-fragment]");
  if (tokenField) { var m = /token=([^&]+)/.exec(location.hash); if (m) tokenField.value = decodeURIComponent(m[1]); }
  // stock: a scanner ends each scan with Enter; in a field marked data-enter-next it moves on to the next field
  // instead of sending the form half filled (the last field's Enter sends it).
  document.addEventListener("keydown", function(e){
    var t = e.target;
    if (e.key !== "Enter" || !t.hasAttribute || !t.hasAttribute("data-enter-next") || !t.form) return;
    var fields = Array.prototype.filter.call(t.form.elements, function(x){ return (x.tagName === "INPUT" && x.type !== "hidden") || x.tagName === "SELECT"; });
    var next = fields[fields.indexOf(t) + 1];
    if (next) { e.preventDefault(); next.focus(); if (next.select) next.select(); }
  });
})();
/* people: a reset link's page shows the new-password form when the fragment carries a token, else the request form */
(function(){
  var field = document.querySelector("input[data-token-from-fragment]");
  if (!field || !field.value) return;
  document.querySelectorAll("[data-show-with-token]").forEach(function(el){ el.hidden = false; });
  document.querySelectorAll("[data-hide-with-token]").forEach(function(el){ el.hidden = true; });
})();
`;

async function hashOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

let versions: { css: string; js: string } | null = null;
/** Content hashes for the asset URLs, kept by the isolate once computed (never the pending digests: a request may not wait on I/O another request started). */
export async function assetVersions(): Promise<{ css: string; js: string }> {
  if (!versions) {
    const [css, js] = await Promise.all([hashOf(CONSOLE_CSS), hashOf(CONSOLE_JS)]);
    versions = { css, js };
  }
  return versions;
}
