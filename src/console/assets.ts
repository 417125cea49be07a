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
@media (max-width:640px){table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}table.stack td{display:flex;gap:8px;border:0;padding:3px 8px}table.stack td::before{content:attr(data-label);color:var(--muted);min-width:7.5em;font-size:13px}table.stack td.num{text-align:left}}
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
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}.filters .field{margin:0;min-width:140px;flex:1 1 140px}
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
/* orders */
.orders-area td,.orders-area dd,.orders-area li{overflow-wrap:anywhere}
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
})();
`;

async function hashOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

let versions: Promise<{ css: string; js: string }> | null = null;
/** Content hashes for the asset URLs, computed once per isolate. */
export function assetVersions(): Promise<{ css: string; js: string }> {
  versions ??= Promise.all([hashOf(CONSOLE_CSS), hashOf(CONSOLE_JS)]).then(([css, js]) => ({ css, js }));
  return versions;
}
