/**
 * A store's routing policy (which warehouse ships) and logistics (carriers
 * and how one is chosen), each with its dry run. The flat settings are form
 * fields; the nested lists (routing rules by destination, carriers with
 * their services, zones and rates, fixed carrier rules) are JSON editors
 * validated by the API, whose field messages show above the editor.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { PlanResult, StoredRoutingPolicy } from "../../fulfilment/schemas";
import type { Warehouse } from "../../inventory/schemas";
import type { CarrierChoiceResult, StoredLogisticsConfig } from "../../logistics/schemas";
import type { Store } from "../../stores/schemas";
import { api, type Problem } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { money } from "../format";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { Check, type Errors, Field, fieldMessage, numberOrText, ProblemBox, pretty, refusedStatus, StoreTabs, type FormPageStatus } from "./parts";
import { TEXT, word } from "./text";

type StoreBody = z.infer<typeof Store>;
type Policy = z.infer<typeof StoredRoutingPolicy>;
type Plan = z.infer<typeof PlanResult>;
type WarehouseBody = z.infer<typeof Warehouse>;
type Logistics = z.infer<typeof StoredLogisticsConfig>;
type Choice = z.infer<typeof CarrierChoiceResult>;

export const logisticsSettingsPages = new Hono<ConsoleEnv>();

type Status = FormPageStatus;
const storeIdOf = (c: ConsoleContext) => encodeURIComponent(c.req.param("id") ?? "");

/** "TEA-1 2" lines to the API's lines; a line without a number is one unit. */
export function linesOf(text: string): { sku: string; quantity: number }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [sku = "", qty] = l.split(/[\s,;]+/);
      return { sku, quantity: qty === undefined ? 1 : Number(qty) };
    });
}

function JsonError({ errors, prefix, lang }: { errors: Errors; prefix: string; lang: "en" | "zh-CN" }) {
  const mine = Object.entries(errors).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`));
  if (!mine.length) return null;
  return (
    <ul class="error-text">
      {mine.map(([k, m]) => (
        <li>
          <span class="mono">{k}</span>: {fieldMessage(m, lang)}
        </li>
      ))}
    </ul>
  );
}

// ---- Routing policy ----

type RoutingValues = {
  ship_complete: string;
  max_shipments: string;
  merge_hold_minutes: string;
  default_carrier: string;
  reroute_on_reject: boolean;
  default_warehouses: string[];
  rules_json: string;
};

const routingValuesOf = (p: Policy): RoutingValues => ({
  ship_complete: p.ship_complete,
  max_shipments: String(p.max_shipments),
  merge_hold_minutes: String(p.merge_hold_minutes),
  default_carrier: p.default_carrier ?? "",
  reroute_on_reject: p.reroute_on_reject,
  default_warehouses: p.default_warehouses,
  rules_json: pretty(p.rules),
});

type RoutingView = { values: RoutingValues; isDefault: boolean; problem?: Problem; plan?: Plan; planProblem?: Problem; dry?: Record<string, string>; status?: Status };

async function loadRouting(c: ConsoleContext) {
  const id = storeIdOf(c);
  const [store, policy, warehouses] = await Promise.all([
    api<StoreBody>(c, `/v1/stores/${id}`),
    api<Policy>(c, `/v1/stores/${id}/routing-policy`),
    api<{ data: WarehouseBody[] }>(c, "/v1/warehouses", { query: { limit: 200 } }),
  ]);
  if (!store.ok || !policy.ok) return null;
  // Only the warehouses that ship for this store can be in its policy.
  const mine = (warehouses.ok ? warehouses.body.data : []).filter((w) => w.store_ids.includes("*") || w.store_ids.includes(store.body.id));
  return { store: store.body, policy: policy.body, warehouses: mine };
}

function PlanView({ plan, lang, names }: { plan: Plan; lang: "en" | "zh-CN"; names: Map<string, string> }) {
  const t = TEXT[lang];
  return (
    <div id="plan-result" role="status">
      <p>
        <span class={`badge ${plan.ok ? "ok" : "bad"}`}>{plan.ok ? t.plan_ok : t.plan_refused}</span> {plan.explanation.summary}
      </p>
      {plan.shipments.map((s, i) => (
        <p>
          <strong>{fill(t.shipment_n, { n: i + 1 })}</strong>: {names.get(s.warehouse_id) ?? s.warehouse_id}
          {s.carrier ? ` · ${s.carrier}` : ""} — {s.items.map((it) => `${it.sku} × ${it.quantity} (${t.bin} ${it.bin})`).join(", ")}
        </p>
      ))}
      {plan.shortages.length ? (
        <p>
          {t.shortages}: {plan.shortages.map((s) => `${s.sku} ${t.requested} ${s.requested}, ${t.available} ${s.available}`).join("; ")}
        </p>
      ) : null}
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th>{TEXT[lang].warehouses}</th>
              <th>{t.priority}</th>
              <th>{t.can_fill}</th>
              <th>{t.reasons}</th>
            </tr>
          </thead>
          <tbody>
            {plan.explanation.warehouses.map((w) => (
              <tr>
                <td data-label={t.warehouses}>
                  {w.name ?? w.warehouse_id} <span class={`badge ${w.chosen ? "ok" : ""}`}>{w.chosen ? t.chosen : t.not_chosen}</span>
                </td>
                <td data-label={t.priority}>{w.rank ?? "—"}</td>
                <td data-label={t.can_fill}>{word(t, `fill_${w.can_fill}`)}</td>
                <td data-label={t.reasons}>{w.reasons.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function routingPage(c: ConsoleContext, data: NonNullable<Awaited<ReturnType<typeof loadRouting>>>, view: RoutingView) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const { store, warehouses } = data;
  const v = view.values;
  const errors = view.problem ? fieldProblems(view.problem) : {};
  const base = `/console/settings/stores/${store.id}/routing`;
  const rank = new Map(v.default_warehouses.map((id, i) => [id, i + 1]));
  const ordered = [...warehouses].sort((a, b) => (rank.get(a.id) ?? 999) - (rank.get(b.id) ?? 999));
  const dry = view.dry ?? { country: "", region: "", lines: "" };
  return renderPage(
    c,
    ui,
    { title: `${t.routing} · ${store.name}`, status: view.status ?? 200 },
    <>
      <StoreTabs ui={ui} storeId={store.id} storeName={store.name} />
      <h1>{t.routing}</h1>
      {view.isDefault ? <p class="badge">{t.uses_default}</p> : null}
      <ProblemBox problem={view.problem} lang={ui.lang} />
      <div class="settings-split">
        <form method="post" action={base} class="card">
          <Csrf ui={ui} />
          <div class="grid">
            {/* Its choices are sentences: the whole row, so none is cut off in its box. */}
            <Field id="ship_complete" label={t.ship_complete} error={errors.ship_complete} lang={ui.lang} wide>
              <select id="ship_complete" name="ship_complete">
                {(["prefer", "require"] as const).map((s) => (
                  <option value={s} selected={s === v.ship_complete}>
                    {t[`ship_complete_${s}`]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="max_shipments" label={t.max_shipments} error={errors.max_shipments} lang={ui.lang}>
              <input id="max_shipments" name="max_shipments" type="number" min={1} max={10} step={1} value={v.max_shipments} />
            </Field>
            <Field id="merge_hold_minutes" label={t.merge_hold_minutes} error={errors.merge_hold_minutes} lang={ui.lang}>
              <input id="merge_hold_minutes" name="merge_hold_minutes" type="number" min={0} max={1440} step={1} value={v.merge_hold_minutes} />
            </Field>
            <Field id="default_carrier" label={t.default_carrier} error={errors.default_carrier} lang={ui.lang}>
              <input id="default_carrier" name="default_carrier" value={v.default_carrier} maxlength={64} autocomplete="off" />
            </Field>
          </div>
          <Check id="reroute_on_reject" name="reroute_on_reject" label={t.reroute_on_reject} checked={v.reroute_on_reject} />
          <fieldset>
            <legend>{t.default_warehouses}</legend>
            <p class="hint">{t.default_warehouses_hint}</p>
            {errors.default_warehouses ? <p class="error-text">{fieldMessage(errors.default_warehouses, ui.lang)}</p> : null}
            {ordered.length === 0 ? <p class="muted">{t.no_warehouses_for_store}</p> : null}
            {ordered.map((w) => (
              <div class="filters">
                <div class="field">
                  <input type="checkbox" id={`dw-${w.id}`} name="default_warehouses" value={w.id} checked={rank.has(w.id)} />{" "}
                  <label for={`dw-${w.id}`} style="display:inline">
                    {w.name} <span class="muted">{`${w.country}${w.region ? ` / ${w.region}` : ""}`}</span>
                  </label>
                </div>
                <div class="field" style="max-width:120px">
                  <label for={`rank-${w.id}`}>{t.priority}</label>
                  <input id={`rank-${w.id}`} name={`rank.${w.id}`} type="number" min={1} step={1} value={rank.get(w.id) ? String(rank.get(w.id)) : ""} />
                </div>
              </div>
            ))}
          </fieldset>
          <label for="rules_json">{t.routing_rules}</label>
          <p class="hint">{t.routing_rules_hint}</p>
          <JsonError errors={errors} prefix="rules" lang={ui.lang} />
          <textarea id="rules_json" name="rules_json" rows={8} class="mono" spellcheck={false}>
            {v.rules_json}
          </textarea>
          <button type="submit">{ui.t.save}</button>
        </form>
        <aside class="card dry-run" aria-labelledby="routing-dry-title">
          <h2 id="routing-dry-title">{t.dry_run}</h2>
          <form method="post" action={`${base}/dry-run#routing-dry-title`}>
            <Csrf ui={ui} />
            <Field id="dry-country" label={t.destination_country} hint={t.country_hint} lang={ui.lang}>
              <input id="dry-country" name="country" value={dry.country} maxlength={2} required autocomplete="off" />
            </Field>
            <Field id="dry-region" label={t.destination_region} lang={ui.lang}>
              <input id="dry-region" name="region" value={dry.region} autocomplete="off" />
            </Field>
            <Field id="dry-lines" label={t.lines} hint={t.lines_hint} lang={ui.lang}>
              <textarea id="dry-lines" name="lines" rows={3} class="mono" required>
                {dry.lines}
              </textarea>
            </Field>
            <button type="submit" class="secondary">
              {t.plan}
            </button>
          </form>
          <ProblemBox problem={view.planProblem} lang={ui.lang} />
          {view.plan ? <PlanView plan={view.plan} lang={ui.lang} names={new Map(warehouses.map((w) => [w.id, w.name]))} /> : null}
        </aside>
      </div>
    </>,
  );
}

logisticsSettingsPages.get("/console/settings/stores/:id/routing", async (c) => {
  const refused = need(c, "routing:manage");
  if (refused) return refused;
  const data = await loadRouting(c);
  if (!data) return notFoundPage(c);
  return routingPage(c, data, { values: routingValuesOf(data.policy), isDefault: data.policy.is_default });
});

logisticsSettingsPages.post("/console/settings/stores/:id/routing", async (c) => {
  const refused = need(c, "routing:manage");
  if (refused) return refused;
  const data = await loadRouting(c);
  if (!data) return notFoundPage(c);
  const picked = formValues(c, "default_warehouses");
  const rankOf = (id: string) => Number(formValue(c, `rank.${id}`)) || 999;
  const values: RoutingValues = {
    ship_complete: formValue(c, "ship_complete"),
    max_shipments: formValue(c, "max_shipments"),
    merge_hold_minutes: formValue(c, "merge_hold_minutes"),
    default_carrier: formValue(c, "default_carrier"),
    reroute_on_reject: formValue(c, "reroute_on_reject") === "on",
    default_warehouses: picked
      .map((id, i) => ({ id, r: rankOf(id), i }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.id),
    rules_json: formValue(c, "rules_json"),
  };
  let rules: unknown;
  try {
    rules = values.rules_json ? JSON.parse(values.rules_json) : [];
  } catch {
    const problem = { code: "validation_failed", errors: [{ field: "rules", message: TEXT.en.json_invalid }] };
    return routingPage(c, data, { values, isDefault: data.policy.is_default, problem, status: 400 });
  }
  const body = {
    ship_complete: values.ship_complete,
    max_shipments: numberOrText(values.max_shipments) ?? "",
    merge_hold_minutes: numberOrText(values.merge_hold_minutes) ?? "",
    default_carrier: values.default_carrier || null,
    reroute_on_reject: values.reroute_on_reject,
    default_warehouses: values.default_warehouses,
    rules,
  };
  const r = await api<Policy>(c, `/v1/stores/${data.store.id}/routing-policy`, { method: "PUT", body });
  if (!r.ok) return routingPage(c, data, { values, isDefault: data.policy.is_default, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${data.store.id}/routing`, { kind: "ok", text: TEXT[uiOf(c).lang].routing_saved });
});

logisticsSettingsPages.post("/console/settings/stores/:id/routing/dry-run", async (c) => {
  const refused = need(c, "routing:manage");
  if (refused) return refused;
  const data = await loadRouting(c);
  if (!data) return notFoundPage(c);
  const dry = { country: formValue(c, "country").toUpperCase(), region: formValue(c, "region"), lines: formValue(c, "lines") };
  const r = await api<Plan>(c, "/v1/allocations/dry-run", {
    body: { store_id: data.store.id, destination: { country: dry.country, region: dry.region || null }, lines: linesOf(dry.lines) },
  });
  const view: RoutingView = { values: routingValuesOf(data.policy), isDefault: data.policy.is_default, dry };
  return r.ok ? routingPage(c, data, { ...view, plan: r.body }) : routingPage(c, data, { ...view, planProblem: r.body, status: refusedStatus(r.status) });
});

// ---- Carriers and carrier choice ----

type LogisticsValues = { strategy: string; stale_tracking_days: string; carriers_json: string; fixed_json: string };
const logisticsValuesOf = (l: Logistics): LogisticsValues => ({
  strategy: l.config.selection.strategy,
  stale_tracking_days: String(l.config.stale_tracking_days),
  carriers_json: pretty(l.config.carriers),
  fixed_json: pretty(l.config.selection.fixed),
});
type LogisticsView = { values: LogisticsValues; problem?: Problem; choice?: Choice; choiceProblem?: Problem; dry?: Record<string, string>; status?: Status };

async function loadLogistics(c: ConsoleContext) {
  const id = storeIdOf(c);
  const [store, config] = await Promise.all([api<StoreBody>(c, `/v1/stores/${id}`), api<Logistics>(c, `/v1/stores/${id}/logistics`)]);
  if (!store.ok || !config.ok) return null;
  return { store: store.body, config: config.body };
}

function logisticsPage(c: ConsoleContext, data: NonNullable<Awaited<ReturnType<typeof loadLogistics>>>, view: LogisticsView) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const { store, config } = data;
  const v = view.values;
  const errors = view.problem ? fieldProblems(view.problem) : {};
  const base = `/console/settings/stores/${store.id}/logistics`;
  const dry = view.dry ?? { country: "", region: "", weight: "500", length: "200", width: "150", height: "100", skus: "" };
  const choice = view.choice;
  return renderPage(
    c,
    ui,
    { title: `${t.logistics} · ${store.name}`, status: view.status ?? 200 },
    <>
      <StoreTabs ui={ui} storeId={store.id} storeName={store.name} />
      <h1>{t.logistics}</h1>
      {config.is_default ? <p class="badge">{t.uses_default}</p> : null}
      <ProblemBox problem={view.problem} lang={ui.lang} />
      <div class="settings-split">
        <form method="post" action={base} class="card">
          <Csrf ui={ui} />
          <h2>{t.carriers_now}</h2>
          <ul>
            {config.config.carriers.map((carrier) => (
              <li>
                <strong>{carrier.name}</strong> <span class="mono muted">{carrier.code}</span> — {t.services}:{" "}
                {carrier.services.map((s) => `${s.name} (${s.transit_days.min}–${s.transit_days.max} ${t.days})`).join(", ")}
              </li>
            ))}
          </ul>
          <div class="grid">
            <Field id="strategy" label={t.strategy} error={errors["selection.strategy"]} lang={ui.lang}>
              <select id="strategy" name="strategy">
                {(["cheapest", "fastest"] as const).map((s) => (
                  <option value={s} selected={s === v.strategy}>
                    {t[`strategy_${s}`]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="stale_tracking_days" label={t.stale_tracking_days} error={errors.stale_tracking_days} lang={ui.lang}>
              <input id="stale_tracking_days" name="stale_tracking_days" type="number" min={1} max={60} step={1} value={v.stale_tracking_days} />
            </Field>
          </div>
          <label for="fixed_json">{t.fixed_rules_json}</label>
          <p class="hint">{t.fixed_rules_json_hint}</p>
          <JsonError errors={errors} prefix="selection.fixed" lang={ui.lang} />
          <textarea id="fixed_json" name="fixed_json" rows={5} class="mono" spellcheck={false}>
            {v.fixed_json}
          </textarea>
          <label for="carriers_json">{t.carriers_json}</label>
          <p class="hint">{t.carriers_json_hint}</p>
          <JsonError errors={errors} prefix="carriers" lang={ui.lang} />
          <textarea id="carriers_json" name="carriers_json" rows={16} class="mono" spellcheck={false}>
            {v.carriers_json}
          </textarea>
          <button type="submit">{ui.t.save}</button>
        </form>
        <aside class="card dry-run" aria-labelledby="carrier-dry-title">
          <h2 id="carrier-dry-title">{t.dry_run}</h2>
          <form method="post" action={`${base}/dry-run#carrier-dry-title`}>
            <Csrf ui={ui} />
            <div class="grid compact">
              <Field id="c-country" label={t.destination_country} lang={ui.lang}>
                <input id="c-country" name="country" value={dry.country} maxlength={2} required autocomplete="off" />
              </Field>
              <Field id="c-region" label={t.destination_region} lang={ui.lang}>
                <input id="c-region" name="region" value={dry.region} autocomplete="off" />
              </Field>
              {(["weight", "length", "width", "height"] as const).map((k) => (
                <Field id={`c-${k}`} label={word(t, k === "weight" ? "weight_grams" : `${k}_mm`)} lang={ui.lang}>
                  <input id={`c-${k}`} name={k} type="number" min={1} step={1} value={dry[k] ?? ""} required />
                </Field>
              ))}
            </div>
            <button type="submit" class="secondary">
              {t.choose}
            </button>
          </form>
          <ProblemBox problem={view.choiceProblem} lang={ui.lang} />
          {choice ? (
            <div id="choice-result" role="status">
              <p>
                <span class={`badge ${choice.ok ? "ok" : "bad"}`}>{choice.ok ? `${choice.carrier} / ${choice.service}` : t.plan_refused}</span>{" "}
                {choice.price ? money(choice.price, choice.explanation.currency, ui.lang) : ""} {choice.explanation.summary}
              </p>
              <div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th>{t.service}</th>
                      <th>{t.zone}</th>
                      <th class="num">{t.price}</th>
                      <th>{t.transit}</th>
                      <th>{t.reasons}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {choice.explanation.services.map((s) => (
                      <tr>
                        <td data-label={t.service}>
                          {s.name} <span class={`badge ${s.chosen ? "ok" : s.eligible ? "" : "bad"}`}>{s.chosen ? t.chosen : s.eligible ? t.eligible : t.not_chosen}</span>
                        </td>
                        <td data-label={t.zone}>{s.zone ?? "—"}</td>
                        <td data-label={t.price} class="num">
                          {s.price ? money(s.price, choice.explanation.currency, ui.lang) : "—"}
                        </td>
                        <td data-label={t.transit}>{`${s.transit_days.min}–${s.transit_days.max}`}</td>
                        <td data-label={t.reasons}>{s.reasons.join("; ")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : null}
        </aside>
      </div>
    </>,
  );
}

logisticsSettingsPages.get("/console/settings/stores/:id/logistics", async (c) => {
  const refused = need(c, "carriers:manage");
  if (refused) return refused;
  const data = await loadLogistics(c);
  if (!data) return notFoundPage(c);
  return logisticsPage(c, data, { values: logisticsValuesOf(data.config) });
});

logisticsSettingsPages.post("/console/settings/stores/:id/logistics", async (c) => {
  const refused = need(c, "carriers:manage");
  if (refused) return refused;
  const data = await loadLogistics(c);
  if (!data) return notFoundPage(c);
  const values: LogisticsValues = {
    strategy: formValue(c, "strategy"),
    stale_tracking_days: formValue(c, "stale_tracking_days"),
    carriers_json: formValue(c, "carriers_json"),
    fixed_json: formValue(c, "fixed_json"),
  };
  const parsed: Record<string, unknown> = {};
  const bad: { field: string; message: string }[] = [];
  for (const [field, text] of [
    ["carriers", values.carriers_json],
    ["selection.fixed", values.fixed_json],
  ] as const) {
    try {
      parsed[field] = text ? JSON.parse(text) : [];
    } catch {
      bad.push({ field, message: TEXT.en.json_invalid });
    }
  }
  if (bad.length) return logisticsPage(c, data, { values, problem: { code: "validation_failed", errors: bad }, status: 400 });
  const body = {
    carriers: parsed.carriers,
    selection: { strategy: values.strategy, fixed: parsed["selection.fixed"] },
    stale_tracking_days: numberOrText(values.stale_tracking_days) ?? "",
  };
  const r = await api<Logistics>(c, `/v1/stores/${data.store.id}/logistics`, { method: "PUT", body });
  if (!r.ok) return logisticsPage(c, data, { values, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/stores/${data.store.id}/logistics`, { kind: "ok", text: TEXT[uiOf(c).lang].logistics_saved });
});

logisticsSettingsPages.post("/console/settings/stores/:id/logistics/dry-run", async (c) => {
  const refused = need(c, "carriers:manage");
  if (refused) return refused;
  const data = await loadLogistics(c);
  if (!data) return notFoundPage(c);
  const dry = Object.fromEntries(["country", "region", "weight", "length", "width", "height"].map((k) => [k, formValue(c, k)]));
  const r = await api<Choice>(c, "/v1/carrier-choices/dry-run", {
    body: {
      store_id: data.store.id,
      destination: { country: (dry.country ?? "").toUpperCase(), region: dry.region || null },
      packages: [{ weight_grams: Number(dry.weight), length_mm: Number(dry.length), width_mm: Number(dry.width), height_mm: Number(dry.height) }],
    },
  });
  const view: LogisticsView = { values: logisticsValuesOf(data.config), dry };
  return r.ok ? logisticsPage(c, data, { ...view, choice: r.body }) : logisticsPage(c, data, { ...view, choiceProblem: r.body, status: refusedStatus(r.status) });
});
