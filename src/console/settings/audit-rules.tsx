/**
 * A store's audit rules as a form (each kind with its own inputs), the dry
 * run beside it (the rules as edited, before saving, tried on a recent or
 * pasted order), a raw JSON editor for the rare case the form does not
 * cover, and the store's blocklist.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { findingDetail } from "../review/finding-words";
import type { AuditExplanation, BlockEntry, RuleSetSchema } from "../../audit/schemas";
import { SEVERITIES } from "../../audit/types";
import type { Store } from "../../stores/schemas";
import { api, type Problem } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { dateTime, money } from "../format";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { orderStatusLabel } from "../text";
import { allKinds, errorsByInput, PARAM_INPUTS, type Rule, rulesOfForm } from "./audit-rules-form";
import { type Errors, fieldMessage, ProblemBox, pretty, rawValues, refusedStatus, StoreTabs, type FormPageStatus } from "./parts";
import { TEXT, word } from "./text";

type StoreBody = z.infer<typeof Store>;
type RuleSet = z.infer<typeof RuleSetSchema>;
type Explanation = z.infer<typeof AuditExplanation>;
type Block = z.infer<typeof BlockEntry>;
type OrderRow = { id: string; external_id: string | null; status: string; total_amount: string; currency: string; created_at: string };

export const auditRulePages = new Hono<ConsoleEnv>();

type View = {
  rules: Rule[];
  version: number;
  problem?: Problem | undefined;
  errors?: Errors;
  dryRun?: { explanation?: Explanation; problem?: Problem; orderId: string };
  json?: string;
  blockProblem?: Problem;
  status?: FormPageStatus;
};

async function loadAll(c: ConsoleContext, storeId: string) {
  const id = encodeURIComponent(storeId);
  const [store, rules, orders, blocks] = await Promise.all([
    api<StoreBody>(c, `/v1/stores/${id}`),
    api<RuleSet>(c, `/v1/stores/${id}/audit-rules`),
    api<{ data: OrderRow[] }>(c, "/v1/orders", { query: { store_id: storeId, limit: 15 } }),
    api<{ data: Block[] }>(c, `/v1/stores/${id}/blocklist`, { query: { limit: 200 } }),
  ]);
  if (!store.ok || !rules.ok) return null;
  return { store: store.body, ruleSet: rules.body, orders: orders.ok ? orders.body.data : [], blocks: blocks.ok ? blocks.body.data : [] };
}

function ParamInputs({ rule, errors, lang, currency }: { rule: Rule; errors: Errors; lang: "en" | "zh-CN"; currency: string }) {
  const t = TEXT[lang];
  return (
    <>
      {(PARAM_INPUTS[rule.kind] ?? []).map((input) => {
        const name = `${rule.kind}.${input.name}`;
        const id = name.replace(".", "-");
        const label = word(t, `p_${input.name}`, input.name);
        const error = errors[name] ? <p class="error-text">{fieldMessage(errors[name]!, lang)}</p> : null;
        const value = rule.params[input.name];
        if (input.type === "bool")
          return (
            <div class="field">
              <input type="checkbox" id={id} name={name} checked={value === true} />{" "}
              <label for={id} style="display:inline">
                {label}
              </label>
              {error}
            </div>
          );
        if (input.type === "number")
          return (
            <div class="field">
              <label for={id}>{label}</label>
              <input id={id} name={name} type="number" min={input.min} max={input.max} step={input.step} value={value === undefined ? "" : String(value)} />
              {error}
            </div>
          );
        if (input.type === "choices") {
          const picked = Array.isArray(value) ? value : [];
          return (
            <fieldset>
              <legend>{label}</legend>
              {input.choices.map((ch) => (
                <span style="margin-right:12px">
                  <input type="checkbox" id={`${id}-${ch}`} name={name} value={ch} checked={picked.includes(ch)} />{" "}
                  <label for={`${id}-${ch}`} style="display:inline">
                    {word(t, ch)}
                  </label>
                </span>
              ))}
              {error}
            </fieldset>
          );
        }
        const rows = [...Object.entries((value ?? {}) as Record<string, string>), ["", ""]];
        if (!rows.some(([c]) => c === currency)) rows.unshift([currency, ""]);
        return (
          <fieldset>
            <legend>{label}</legend>
            {error}
            {rows.map(([cur, amount], i) => (
              <div class="filters">
                <div class="field">
                  <label for={`${id}-cur-${i}`}>{t.currency}</label>
                  <input id={`${id}-cur-${i}`} name={`${name}.currency`} value={cur} maxlength={3} autocomplete="off" />
                </div>
                <div class="field">
                  <label for={`${id}-amt-${i}`}>{t.amount}</label>
                  <input id={`${id}-amt-${i}`} name={`${name}.amount`} value={String(amount)} inputmode="decimal" autocomplete="off" />
                </div>
              </div>
            ))}
          </fieldset>
        );
      })}
    </>
  );
}

function DryRunResult({ run, lang }: { run: NonNullable<View["dryRun"]>; lang: "en" | "zh-CN" }) {
  const t = TEXT[lang];
  if (run.problem) return <ProblemBox problem={run.problem} lang={lang} />;
  const e = run.explanation;
  if (!e) return null;
  const tone = e.outcome === "approve" ? "ok" : e.outcome === "reject" ? "bad" : "warn";
  return (
    <div id="dry-run-result" role="status">
      <p>
        {t.decision}: <span class={`badge ${tone}`}>{word(t, `outcome_${e.outcome}`, e.outcome)}</span> <span class="muted mono">{run.orderId}</span>
      </p>
      {e.findings.length ? (
        <ul>
          {e.findings.map((f) => (
            <li>
              <span class={`badge ${f.severity === "reject" ? "bad" : f.severity === "info" ? "" : "warn"}`}>{word(t, `severity_${f.severity}`, f.severity)}</span>{" "}
              {word(t, `rule_${f.rule}`, f.rule)}
              {lang === "en" ? ": " : "："}
              <span lang={findingDetail(f, lang).lang}>{findingDetail(f, lang).text}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t.no_findings}</p>
      )}
    </div>
  );
}

async function rulesPage(c: ConsoleContext, data: NonNullable<Awaited<ReturnType<typeof loadAll>>>, view: View) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const { store, orders, blocks } = data;
  const base = `/console/settings/stores/${store.id}/audit-rules`;
  const errors = view.errors ?? {};
  const tz = store.timezone;
  const apiRules = view.rules.map((r) => ({ kind: r.kind, enabled: r.enabled, severity: r.severity, params: r.params }));
  return renderPage(
    c,
    ui,
    { title: `${t.audit_rules} · ${store.name}`, status: view.status ?? 200 },
    <>
      <StoreTabs ui={ui} storeId={store.id} storeName={store.name} />
      <h1>{t.audit_rules}</h1>
      <p class="muted">{view.version ? fill(t.rules_version, { v: view.version }) : t.rules_default}</p>
      <ProblemBox problem={view.problem} lang={ui.lang} />
      <form method="post" action={base} class="settings-split">
        <Csrf ui={ui} />
        <div>
          {view.rules.map((r) => (
            <section class={`card rule${errors[r.kind] || Object.keys(errors).some((k) => k.startsWith(`${r.kind}.`)) ? " has-error" : ""}`} aria-labelledby={`rule-${r.kind}`}>
              <input type="hidden" name="kind" value={r.kind} />
              <h2 id={`rule-${r.kind}`}>{word(t, `rule_${r.kind}`, r.kind)}</h2>
              {errors[r.kind] ? <p class="error-text">{fieldMessage(errors[r.kind]!, ui.lang)}</p> : null}
              <div class="filters">
                <div class="field">
                  <input type="checkbox" id={`${r.kind}-enabled`} name={`${r.kind}.enabled`} checked={r.enabled} />{" "}
                  <label for={`${r.kind}-enabled`} style="display:inline">
                    {t.rule_enabled}
                  </label>
                </div>
                <div class="field">
                  <label for={`${r.kind}-severity`}>{t.severity}</label>
                  <select id={`${r.kind}-severity`} name={`${r.kind}.severity`}>
                    {SEVERITIES.map((s) => (
                      <option value={s} selected={s === r.severity}>
                        {word(t, `severity_${s}`, s)}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <ParamInputs rule={r} errors={errors} lang={ui.lang} currency={store.currency} />
            </section>
          ))}
          <div class="actions">
            <button type="submit">{t.save_rules}</button>
          </div>
        </div>
        <aside class="card dry-run" aria-labelledby="dry-run-title">
          <h2 id="dry-run-title">{t.dry_run}</h2>
          <p class="hint">{t.dry_run_intro}</p>
          <div class="field">
            <label for="dry-order">{t.recent_order}</label>
            <select id="dry-order" name="dry_order">
              <option value="">—</option>
              {orders.map((o) => (
                <option value={o.id} selected={o.id === view.dryRun?.orderId}>
                  {`${o.external_id ?? o.id} · ${orderStatusLabel(ui.t, o.status)} · ${money(o.total_amount, o.currency, ui.lang)} · ${dateTime(o.created_at, tz, ui.lang)}`}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="dry-order-id">{t.order_id}</label>
            <input id="dry-order-id" name="dry_order_id" placeholder={t.order_id_hint} autocomplete="off" class="mono" />
          </div>
          <button type="submit" class="secondary" formaction={`${base}/dry-run#dry-run-title`}>
            {t.try_rules}
          </button>
          {view.dryRun ? <DryRunResult run={view.dryRun} lang={ui.lang} /> : null}
        </aside>
      </form>
      <details class="card">
        <summary>{t.advanced_json}</summary>
        <p class="hint">{t.advanced_json_hint}</p>
        <form method="post" action={`${base}/json`}>
          <Csrf ui={ui} />
          <label for="rules-json">{t.advanced_json}</label>
          <textarea id="rules-json" name="rules_json" rows={16} class="mono" spellcheck={false}>
            {view.json ?? pretty({ rules: apiRules })}
          </textarea>
          <button type="submit" class="secondary">
            {t.save_json}
          </button>
        </form>
      </details>
      <section class="card" aria-labelledby="blocklist-title">
        <h2 id="blocklist-title">{t.blocklist}</h2>
        <p class="hint">{t.blocklist_intro}</p>
        {blocks.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{t.block_kind}</th>
                  <th>{t.value}</th>
                  <th>{ui.t.note}</th>
                  <th>{ui.t.created}</th>
                  <th>{ui.t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {blocks.map((b) => (
                  <tr>
                    <td data-label={t.block_kind}>{word(t, `kind_${b.kind}`, b.kind)}</td>
                    <td data-label={t.value} class="mono">
                      {b.value}
                    </td>
                    <td data-label={ui.t.note}>{b.note ?? ""}</td>
                    <td data-label={ui.t.created}>{dateTime(b.created_at, tz, ui.lang)}</td>
                    <td data-label={ui.t.actions}>
                      <form method="post" action={`/console/settings/stores/${store.id}/blocklist/${b.id}/delete`} data-confirm={t.unblock_confirm}>
                        <Csrf ui={ui} />
                        <button type="submit" class="secondary">
                          {t.unblock}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.no_blocks}</p>
        )}
        <h3>{t.block}</h3>
        <ProblemBox problem={view.blockProblem} lang={ui.lang} />
        <form method="post" action={`/console/settings/stores/${store.id}/blocklist`}>
          <Csrf ui={ui} />
          <div class="grid">
            <div class="field">
              <label for="block-kind">{t.block_kind}</label>
              <select id="block-kind" name="kind">
                {(["email", "phone", "address"] as const).map((k) => (
                  <option value={k}>{word(t, `kind_${k}`)}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="block-value">{`${t.email} / ${t.phone} / ${t.line1}`}</label>
              <input id="block-value" name="value" autocomplete="off" />
            </div>
            <div class="field">
              <label for="block-postal">{t.postal_code}</label>
              <input id="block-postal" name="postal_code" autocomplete="off" />
            </div>
            <div class="field">
              <label for="block-country">{t.country}</label>
              <input id="block-country" name="country" maxlength={2} autocomplete="off" />
              <p class="hint">{t.country_hint}</p>
            </div>
            <div class="field">
              <label for="block-note">{ui.t.note}</label>
              <input id="block-note" name="note" maxlength={500} />
            </div>
          </div>
          <button type="submit">{t.block}</button>
        </form>
      </section>
    </>,
  );
}

const storeIdOf = (c: ConsoleContext) => c.req.param("id") ?? "";

auditRulePages.get("/console/settings/stores/:id/audit-rules", async (c) => {
  const refused = need(c, "audit:manage");
  if (refused) return refused;
  const data = await loadAll(c, storeIdOf(c));
  if (!data) return notFoundPage(c);
  return rulesPage(c, data, { rules: allKinds(data.ruleSet.rules), version: data.ruleSet.version });
});

function postedRules(c: ConsoleContext, previous: Rule[]): Rule[] {
  const form = c.get("form");
  return rulesOfForm({ one: (n) => formValue(c, n), all: (n) => (n.endsWith(".currency") || n.endsWith(".amount") ? rawValues(form, n) : formValues(c, n)) }, previous);
}

auditRulePages.post("/console/settings/stores/:id/audit-rules", async (c) => {
  const refused = need(c, "audit:manage");
  if (refused) return refused;
  const data = await loadAll(c, storeIdOf(c));
  if (!data) return notFoundPage(c);
  const rules = postedRules(c, allKinds(data.ruleSet.rules));
  const r = await api<RuleSet>(c, `/v1/stores/${data.store.id}/audit-rules`, { method: "PUT", body: { rules } });
  if (!r.ok) {
    return rulesPage(c, data, { rules, version: data.ruleSet.version, problem: r.body, errors: errorsByInput(fieldProblems(r.body), rules), status: refusedStatus(r.status) });
  }
  return doneRedirect(c, `/console/settings/stores/${data.store.id}/audit-rules`, { kind: "ok", text: fill(TEXT[uiOf(c).lang].rules_saved, { v: r.body.version }) });
});

auditRulePages.post("/console/settings/stores/:id/audit-rules/dry-run", async (c) => {
  const refused = need(c, "audit:manage");
  if (refused) return refused;
  const data = await loadAll(c, storeIdOf(c));
  if (!data) return notFoundPage(c);
  const rules = postedRules(c, allKinds(data.ruleSet.rules));
  const orderId = formValue(c, "dry_order_id") || formValue(c, "dry_order");
  const view: View = { rules, version: data.ruleSet.version };
  if (!orderId) {
    const t = TEXT[uiOf(c).lang];
    return rulesPage(c, data, { ...view, dryRun: { orderId, problem: { code: "needs_order", detail: t.dry_run_needs_order } }, status: 422 });
  }
  const r = await api<Explanation>(c, "/v1/audit/dry-run", { body: { order_id: orderId, rules } });
  if (!r.ok) {
    const errors = errorsByInput(fieldProblems(r.body), rules);
    return rulesPage(c, data, { ...view, errors, dryRun: { orderId, problem: r.body }, status: refusedStatus(r.status) });
  }
  return rulesPage(c, data, { ...view, dryRun: { orderId, explanation: r.body } });
});

auditRulePages.post("/console/settings/stores/:id/audit-rules/json", async (c) => {
  const refused = need(c, "audit:manage");
  if (refused) return refused;
  const data = await loadAll(c, storeIdOf(c));
  if (!data) return notFoundPage(c);
  const text = formValue(c, "rules_json");
  const view: View = { rules: allKinds(data.ruleSet.rules), version: data.ruleSet.version, json: text };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return rulesPage(c, data, { ...view, problem: { code: "invalid_json", detail: TEXT[uiOf(c).lang].json_invalid }, status: 400 });
  }
  const r = await api<RuleSet>(c, `/v1/stores/${data.store.id}/audit-rules`, { method: "PUT", body });
  if (!r.ok) return rulesPage(c, data, { ...view, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${data.store.id}/audit-rules`, { kind: "ok", text: fill(TEXT[uiOf(c).lang].rules_saved, { v: r.body.version }) });
});

auditRulePages.post("/console/settings/stores/:id/blocklist", async (c) => {
  const refused = need(c, "audit:manage");
  if (refused) return refused;
  const data = await loadAll(c, storeIdOf(c));
  if (!data) return notFoundPage(c);
  const kind = formValue(c, "kind");
  const value = formValue(c, "value");
  const country = formValue(c, "country").toUpperCase() || undefined;
  const note = formValue(c, "note") || undefined;
  const body =
    kind === "address"
      ? { kind, address: { line1: value, postal_code: formValue(c, "postal_code"), country: country ?? "" }, note }
      : kind === "phone"
        ? { kind, phone: value, country, note }
        : { kind, email: value, note };
  const r = await api(c, `/v1/stores/${data.store.id}/blocklist`, { body });
  if (!r.ok) return rulesPage(c, data, { rules: allKinds(data.ruleSet.rules), version: data.ruleSet.version, blockProblem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${data.store.id}/audit-rules#blocklist-title`, { kind: "ok", text: TEXT[uiOf(c).lang].blocked });
});

auditRulePages.post("/console/settings/stores/:id/blocklist/:entry/delete", async (c) => {
  const refused = need(c, "audit:manage");
  if (refused) return refused;
  const id = encodeURIComponent(storeIdOf(c));
  const r = await api(c, `/v1/stores/${id}/blocklist/${encodeURIComponent(c.req.param("entry"))}`, { method: "DELETE" });
  const t = TEXT[uiOf(c).lang];
  return doneRedirect(
    c,
    `/console/settings/stores/${id}/audit-rules#blocklist-title`,
    r.ok ? { kind: "ok", text: t.unblocked } : { kind: "bad", text: r.body.detail ?? t.not_saved },
  );
});
