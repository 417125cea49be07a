/**
 * The settings index, the stores (list, create, edit) and each store's SLA
 * targets. Every write is the API's PATCH/POST/PUT; a refusal re-renders the
 * form as typed with the API's field messages.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { StoreSla } from "../../analytics/schemas";
import type { Permission } from "../../auth/roles";
import { allows } from "../../http/auth";
import { LANGUAGES, TEMPLATES } from "../../notifications/templates";
import type { Store } from "../../stores/schemas";
import { api, type Problem } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { Check, Crumbs, type Errors, Field, ProblemBox, rawValues, refusedStatus, StoreTabs, type FormPageStatus } from "./parts";
import { changesOf, type StoreValues, valuesOfForm, valuesOfStore } from "./store-form";
import { TEXT, word } from "./text";

type StoreBody = z.infer<typeof Store>;

export const storePages = new Hono<ConsoleEnv>();

const INDEX: { key: keyof (typeof TEXT)["en"]; hint: keyof (typeof TEXT)["en"]; path: string; anyOf: Permission[]; everyStore?: boolean }[] = [
  { key: "stores", hint: "stores_hint", path: "/console/settings/stores", anyOf: ["stores:manage", "audit:manage", "routing:manage", "carriers:manage"] },
  { key: "warehouses", hint: "warehouses_hint", path: "/console/settings/warehouses", anyOf: ["warehouses:manage"] },
  { key: "channels", hint: "channels_hint", path: "/console/settings/channels", anyOf: ["channels:manage"] },
  { key: "webhooks", hint: "webhooks_hint", path: "/console/settings/webhooks", anyOf: ["webhooks:manage"] },
  { key: "people", hint: "people_hint", path: "/console/settings/people", anyOf: ["users:read"] },
  { key: "api_keys", hint: "api_keys_hint", path: "/console/settings/api-keys", anyOf: ["api_keys:manage"] },
  { key: "activity", hint: "activity_hint", path: "/console/settings/activity", anyOf: ["activity:read"] },
  { key: "databases", hint: "databases_hint", path: "/console/settings/databases", anyOf: ["stores:manage"], everyStore: true },
];

storePages.get("/console/settings", (c) => {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const mine = INDEX.filter((i) => i.anyOf.some((p) => allows(ui.principal, p)) && (!i.everyStore || ui.principal.stores === "*"));
  if (!mine.length) return need(c, "stores:manage") ?? notFoundPage(c);
  return renderPage(
    c,
    ui,
    { title: t.title },
    <>
      <h1>{t.title}</h1>
      <p class="muted">{t.intro}</p>
      <div class="grid">
        {mine.map((i) => (
          <a class="card settings-link" href={i.path}>
            <strong>{t[i.key]}</strong>
            <span class="muted">{t[i.hint]}</span>
          </a>
        ))}
      </div>
    </>,
  );
});

const STORE_ROLES: Permission[] = ["stores:manage", "audit:manage", "routing:manage", "carriers:manage"];

function timeZones(current: string): string[] {
  const all = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC")];
  return current && !all.includes(current) ? [current, ...all] : all;
}

function GeneralFields({
  ui,
  v,
  errors,
  prefix = "",
}: {
  ui: ReturnType<typeof uiOf>;
  v: Pick<StoreValues, "name" | "currency" | "timezone" | "language">;
  errors: Errors;
  prefix?: string;
}) {
  const t = TEXT[ui.lang];
  const id = (n: string) => `${prefix}${n}`;
  return (
    <>
      <Field id={id("name")} label={t.name} error={errors.name} lang={ui.lang}>
        <input id={id("name")} name="name" value={v.name} required maxlength={200} />
      </Field>
      <Field id={id("currency")} label={t.currency} hint={t.currency_hint} error={errors.currency} lang={ui.lang}>
        <input id={id("currency")} name="currency" value={v.currency} required maxlength={3} pattern="[A-Za-z]{3}" autocomplete="off" />
      </Field>
      <Field id={id("timezone")} label={t.timezone} hint={t.timezone_hint} error={errors.timezone} lang={ui.lang}>
        <select id={id("timezone")} name="timezone">
          {timeZones(v.timezone).map((z) => (
            <option value={z} selected={z === v.timezone}>
              {z}
            </option>
          ))}
        </select>
      </Field>
      <Field id={id("language")} label={t.language} hint={t.language_hint} error={errors.language} lang={ui.lang}>
        <select id={id("language")} name="language">
          {LANGUAGES.map((l) => (
            <option value={l} selected={l === v.language}>
              {l === "en" ? t.lang_en : t.lang_zh}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}

function storeListPage(c: ConsoleContext, stores: StoreBody[], opts: { values?: StoreValues; problem?: Problem; status?: FormPageStatus } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  const v = opts.values ?? { name: "", currency: "USD", timezone: "UTC", language: ui.lang };
  return renderPage(
    c,
    ui,
    { title: t.stores, status: opts.status ?? 200 },
    <>
      <Crumbs ui={ui} here={t.stores} />
      <h1>{t.stores}</h1>
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th>{t.name}</th>
              <th>{t.currency}</th>
              <th>{t.timezone}</th>
              <th>{t.language}</th>
              <th>{ui.t.actions}</th>
            </tr>
          </thead>
          <tbody>
            {stores.map((s) => (
              <tr>
                <td data-label={t.name}>
                  <a href={`/console/settings/stores/${s.id}`}>{s.name}</a> <span class="muted mono">{s.id}</span>
                </td>
                <td data-label={t.currency}>{s.currency}</td>
                <td data-label={t.timezone}>{s.timezone}</td>
                <td data-label={t.language}>{s.language === "en" ? t.lang_en : t.lang_zh}</td>
                <td data-label={ui.t.actions}>
                  <a href={`/console/settings/stores/${s.id}`}>{t.store_settings}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {allows(ui.principal, "stores:manage") && ui.principal.stores === "*" ? (
        <section class="card" style="margin-top:16px">
          <h2 id="new-store">{t.new_store}</h2>
          <ProblemBox problem={opts.problem} lang={ui.lang} />
          <form method="post" action="/console/settings/stores" aria-labelledby="new-store">
            <Csrf ui={ui} />
            <div class="grid">
              <GeneralFields ui={ui} v={v} errors={errors} prefix="new-" />
            </div>
            <button type="submit">{t.create_store}</button>
          </form>
        </section>
      ) : null}
    </>,
  );
}

async function loadStores(c: ConsoleContext) {
  const r = await api<{ data: StoreBody[] }>(c, "/v1/stores", { query: { limit: 200 } });
  return r.ok ? r.body.data : [];
}

storePages.get("/console/settings/stores", async (c) => {
  const refused = need(c, ...STORE_ROLES);
  if (refused) return refused;
  return storeListPage(c, await loadStores(c));
});

storePages.post("/console/settings/stores", async (c) => {
  const refused = need(c, "stores:manage");
  if (refused) return refused;
  const values = { name: formValue(c, "name"), currency: formValue(c, "currency").toUpperCase(), timezone: formValue(c, "timezone"), language: formValue(c, "language") };
  const r = await api<StoreBody>(c, "/v1/stores", { body: values });
  if (!r.ok) return storeListPage(c, await loadStores(c), { values: values as StoreValues, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${r.body.id}`, { kind: "ok", text: TEXT[uiOf(c).lang].store_created });
});

function storeEditPage(c: ConsoleContext, store: StoreBody, opts: { values?: StoreValues; problem?: Problem; status?: FormPageStatus } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const v = opts.values ?? valuesOfStore(store);
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  const financeError = Object.entries(errors).find(([k]) => k.startsWith("finance_review"))?.[1];
  const rows: [string, string][] = [...v.finance, ["", ""]];
  return renderPage(
    c,
    ui,
    { title: `${t.store_settings} · ${store.name}`, status: opts.status ?? 200 },
    <>
      <StoreTabs ui={ui} storeId={store.id} storeName={store.name} />
      <h1>{t.store_settings}</h1>
      <ProblemBox problem={opts.problem} lang={ui.lang} />
      <form method="post" action={`/console/settings/stores/${store.id}`}>
        <Csrf ui={ui} />
        <section class="card">
          <h2>{t.general}</h2>
          <div class="grid">
            <GeneralFields ui={ui} v={v} errors={errors} />
          </div>
        </section>
        <section class="card">
          <h2>{t.order_flow}</h2>
          <Check id="auto_audit" name="auto_audit" label={t.auto_audit} checked={v.auto_audit} />
          <p class="hint">{t.auto_audit_hint}</p>
          <div class="grid">
            <Field id="complete_after_days" label={t.complete_after_days} error={errors.complete_after_days} lang={ui.lang}>
              <input id="complete_after_days" name="complete_after_days" type="number" min={0} max={365} step={1} value={v.complete_after_days} />
            </Field>
            <Field id="archive_after_days" label={t.archive_after_days} error={errors.archive_after_days} lang={ui.lang}>
              <input id="archive_after_days" name="archive_after_days" type="number" min={0} max={365} step={1} value={v.archive_after_days} />
            </Field>
            <Field id="return_window_days" label={t.return_window_days} hint={t.return_window_hint} error={errors.return_window_days} lang={ui.lang}>
              <input id="return_window_days" name="return_window_days" type="number" min={0} max={365} step={1} value={v.return_window_days} />
            </Field>
            <Field id="backorder_priority" label={t.backorder_priority} hint={t.backorder_priority_hint} error={errors.backorder_priority} lang={ui.lang}>
              <select id="backorder_priority" name="backorder_priority">
                {(["oldest", "largest_value", "fewest_units"] as const).map((k) => (
                  <option value={k} selected={v.backorder_priority === k}>
                    {t[`backorder_${k}`]}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <fieldset>
            <legend>{t.finance_review}</legend>
            <p class="hint">{t.finance_review_hint}</p>
            {financeError ? <p class="error-text">{financeError}</p> : null}
            {rows.map(([cur, amount], i) => (
              <div class="filters">
                <div class="field">
                  <label for={`finance_currency_${i}`}>{cur ? t.currency : t.add_currency}</label>
                  <input id={`finance_currency_${i}`} name="finance_currency" value={cur} maxlength={3} autocomplete="off" />
                </div>
                <div class="field">
                  <label for={`finance_amount_${i}`}>{t.amount}</label>
                  <input id={`finance_amount_${i}`} name="finance_amount" value={amount} inputmode="decimal" autocomplete="off" />
                </div>
              </div>
            ))}
          </fieldset>
        </section>
        <section class="card">
          <h2>{t.invoicing}</h2>
          <p class="hint">{t.invoicing_hint}</p>
          <div class="grid">
            <Field id="invoicing_legal_name" label={t.invoicing_legal_name} error={errors["invoicing.legal_name"]} lang={ui.lang}>
              <input id="invoicing_legal_name" name="invoicing_legal_name" maxlength={200} value={v.invoicing.legal_name} />
            </Field>
            <Field id="invoicing_tax_id" label={t.invoicing_tax_id} error={errors["invoicing.tax_id"]} lang={ui.lang}>
              <input id="invoicing_tax_id" name="invoicing_tax_id" maxlength={64} value={v.invoicing.tax_id} />
            </Field>
            <Field id="invoicing_address" label={t.invoicing_address} error={errors["invoicing.address"]} lang={ui.lang}>
              <textarea id="invoicing_address" name="invoicing_address" maxlength={500} rows={3}>
                {v.invoicing.address}
              </textarea>
            </Field>
            <Field id="invoicing_prefix" label={t.invoicing_prefix} hint={t.invoicing_prefix_hint} error={errors["invoicing.prefix"]} lang={ui.lang}>
              <input id="invoicing_prefix" name="invoicing_prefix" maxlength={12} value={v.invoicing.prefix} placeholder="INV-" autocomplete="off" />
            </Field>
          </div>
        </section>
        <section class="card">
          <h2>{t.customer_messages}</h2>
          <fieldset>
            <legend>{t.notify_on}</legend>
            {errors.notify_on ? <p class="error-text">{errors.notify_on}</p> : null}
            {Object.keys(TEMPLATES).map((m) => (
              <Check id={`notify-${m}`} name="notify_on" value={m} label={word(t, `notify_${m.replace(".", "_")}`, m)} checked={v.notify_on.includes(m)} />
            ))}
          </fieldset>
        </section>
        <button type="submit">{ui.t.save}</button>
      </form>
    </>,
  );
}

async function loadStore(c: ConsoleContext): Promise<StoreBody | null> {
  const r = await api<StoreBody>(c, `/v1/stores/${encodeURIComponent(c.req.param("id") ?? "")}`);
  return r.ok ? r.body : null;
}

storePages.get("/console/settings/stores/:id", async (c) => {
  const refused = need(c, "stores:manage");
  if (refused) return refused;
  const store = await loadStore(c);
  return store ? storeEditPage(c, store) : notFoundPage(c);
});

storePages.post("/console/settings/stores/:id", async (c) => {
  const refused = need(c, "stores:manage");
  if (refused) return refused;
  const store = await loadStore(c);
  if (!store) return notFoundPage(c);
  const form = c.get("form");
  const values = valuesOfForm({ one: (n) => formValue(c, n), all: (n) => (n === "notify_on" ? formValues(c, n) : rawValues(form, n)) });
  const r = await api<StoreBody>(c, `/v1/stores/${store.id}`, { method: "PATCH", body: changesOf(values) });
  if (!r.ok) return storeEditPage(c, store, { values, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${store.id}`, { kind: "ok", text: TEXT[uiOf(c).lang].saved });
});

// SLA targets: four spans in minutes, each optional.
const SPANS = ["received_to_approved_minutes", "approved_to_shipped_minutes", "shipped_to_delivered_minutes", "received_to_completed_minutes"] as const;
type Sla = z.infer<typeof StoreSla>;

function slaPage(c: ConsoleContext, store: StoreBody, sla: Record<string, string>, opts: { problem?: Problem; status?: FormPageStatus; isDefault?: boolean } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  return renderPage(
    c,
    ui,
    { title: `${t.sla} · ${store.name}`, status: opts.status ?? 200 },
    <>
      <StoreTabs ui={ui} storeId={store.id} storeName={store.name} />
      <h1>{t.sla}</h1>
      <p class="muted">{t.sla_intro}</p>
      {opts.isDefault ? <p class="badge">{t.uses_default}</p> : null}
      <ProblemBox problem={opts.problem} lang={ui.lang} />
      <form method="post" action={`/console/settings/stores/${store.id}/sla`} class="card">
        <Csrf ui={ui} />
        <div class="grid">
          {SPANS.map((s) => (
            <Field id={s} label={`${t[s]} (${t.minutes})`} error={errors[s]} lang={ui.lang}>
              <input id={s} name={s} type="number" min={1} max={525600} step={1} value={sla[s] ?? ""} />
            </Field>
          ))}
        </div>
        <button type="submit">{ui.t.save}</button>
      </form>
    </>,
  );
}

storePages.get("/console/settings/stores/:id/sla", async (c) => {
  const refused = need(c, "stores:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const [store, sla] = await Promise.all([loadStore(c), api<Sla>(c, `/v1/stores/${id}/sla`)]);
  if (!store || !sla.ok) return notFoundPage(c);
  const values = Object.fromEntries(SPANS.map((s) => [s, sla.body[s] === null ? "" : String(sla.body[s])]));
  return slaPage(c, store, values, { isDefault: sla.body.is_default });
});

storePages.post("/console/settings/stores/:id/sla", async (c) => {
  const refused = need(c, "stores:manage");
  if (refused) return refused;
  const store = await loadStore(c);
  if (!store) return notFoundPage(c);
  const values = Object.fromEntries(SPANS.map((s) => [s, formValue(c, s)]));
  const body = Object.fromEntries(SPANS.map((s) => [s, values[s] === "" ? null : Number.isFinite(Number(values[s])) ? Number(values[s]) : values[s]]));
  const r = await api<Sla>(c, `/v1/stores/${store.id}/sla`, { method: "PUT", body });
  if (!r.ok) return slaPage(c, store, values, { problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${store.id}/sla`, { kind: "ok", text: fill(TEXT[uiOf(c).lang].sla_saved, {}) });
});
