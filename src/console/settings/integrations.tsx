/**
 * Integrations: channel connections (connect a shop, pause and resume, the
 * SKU map, sync runs and the inbox) and partner webhook subscriptions
 * (subscribe, pause, delete, the delivery log and replays). Secrets are
 * shown once, in the flash after they are made, and never again.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { ChannelConnection, InboxEntry, SkuMapEntry, SkuMapResult } from "../../channels/schemas";
import { CHANNEL_PLATFORMS } from "../../db/schema/channels";
import type { CreatedSubscription, Delivery, ReplayResult, Subscription } from "../../partner-webhooks/schemas";
import type { Store } from "../../stores/schemas";
import { api, type Problem } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { dateTime } from "../format";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { Check, Crumbs, Field, ProblemBox, refusedStatus, type FormPageStatus } from "./parts";
import { TEXT, word } from "./text";

type Connection = z.infer<typeof ChannelConnection>;
type Inbox = z.infer<typeof InboxEntry>;
type SkuEntry = z.infer<typeof SkuMapEntry>;
type Sub = z.infer<typeof Subscription>;
type DeliveryBody = z.infer<typeof Delivery>;
type StoreBody = z.infer<typeof Store>;
type SyncRun = {
  id: string;
  kind: string;
  status: string;
  window: { from: string; to: string };
  seen: number;
  created: number;
  updated: number;
  errors: number;
  created_at?: string;
  finished_at?: string | null;
};
type Status = FormPageStatus;

export const integrationPages = new Hono<ConsoleEnv>();

async function storeList(c: ConsoleContext): Promise<StoreBody[]> {
  const r = await api<{ data: StoreBody[] }>(c, "/v1/stores", { query: { limit: 200 } });
  return r.ok ? r.body.data : [];
}

function StoreSelect({ stores, id, value, label }: { stores: StoreBody[]; id: string; value: string; label: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name="store_id">
        {stores.map((s) => (
          <option value={s.id} selected={s.id === value}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}

// ---- Channel connections ----

/** A platform as its makers spell it ("shopify" is the API's value). */
const PLATFORM_NAMES: Record<string, string> = { shopify: "Shopify", woocommerce: "WooCommerce", bigcommerce: "BigCommerce" };
const platformName = (p: string) => PLATFORM_NAMES[p] ?? p;

type ConnectValues = Record<"store_id" | "platform" | "name" | "shop_domain" | "api_base_url", string>;

async function channelsPage(c: ConsoleContext, opts: { values?: ConnectValues; problem?: Problem; status?: Status } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const [list, stores] = await Promise.all([api<{ data: Connection[] }>(c, "/v1/channel-connections", { query: { limit: 200 } }), storeList(c)]);
  const rows = list.ok ? list.body.data : [];
  const names = new Map(stores.map((s) => [s.id, s.name]));
  const v = opts.values ?? { store_id: stores[0]?.id ?? "", platform: "shopify", name: "", shop_domain: "", api_base_url: "" };
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  return renderPage(
    c,
    ui,
    { title: t.channels, status: opts.status ?? 200 },
    <>
      <Crumbs ui={ui} here={t.channels} />
      <h1>{t.channels}</h1>
      {rows.length ? (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>{t.name}</th>
                <th>{t.platform}</th>
                <th>{ui.t.store}</th>
                <th>{ui.t.status}</th>
                <th>{ui.t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td data-label={t.name}>
                    <a href={`/console/settings/channels/${r.id}`}>{r.name}</a> <span class="muted">{r.shop_domain}</span>
                  </td>
                  <td data-label={t.platform}>{platformName(r.platform)}</td>
                  <td data-label={ui.t.store}>{names.get(r.store_id) ?? r.store_id}</td>
                  <td data-label={ui.t.status}>
                    <span class={`badge ${r.status === "active" ? "ok" : "warn"}`}>{r.status === "active" ? t.active : t.paused}</span>
                  </td>
                  <td data-label={ui.t.actions}>
                    <StatusButton ui={ui} action={`/console/settings/channels/${r.id}/status`} active={r.status === "active"} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">{t.no_channels}</p>
      )}
      <section class="card" style="margin-top:16px">
        <h2 id="connect-title">{t.connect}</h2>
        <ProblemBox problem={opts.problem} lang={ui.lang} />
        <form method="post" action="/console/settings/channels" aria-labelledby="connect-title">
          <Csrf ui={ui} />
          <div class="grid">
            <StoreSelect stores={stores} id="ch-store" value={v.store_id} label={ui.t.store} />
            <Field id="ch-platform" label={t.platform} error={errors.platform} lang={ui.lang}>
              <select id="ch-platform" name="platform">
                {CHANNEL_PLATFORMS.map((p) => (
                  <option value={p} selected={p === v.platform}>
                    {platformName(p)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="ch-name" label={t.name} error={errors.name} lang={ui.lang}>
              <input id="ch-name" name="name" value={v.name} required maxlength={100} />
            </Field>
            <Field id="ch-domain" label={t.shop_domain} error={errors.shop_domain} lang={ui.lang}>
              <input id="ch-domain" name="shop_domain" value={v.shop_domain} required autocomplete="off" />
            </Field>
            <Field id="ch-api" label={t.api_base_url} error={errors.api_base_url} lang={ui.lang}>
              <input id="ch-api" name="api_base_url" value={v.api_base_url} required autocomplete="off" />
            </Field>
            <Field id="ch-token" label={t.access_token} hint={t.credentials_hint} error={errors["credentials.access_token"]} lang={ui.lang}>
              <input id="ch-token" name="access_token" type="password" autocomplete="off" />
            </Field>
            <Field id="ch-ck" label={t.consumer_key} lang={ui.lang}>
              <input id="ch-ck" name="consumer_key" type="password" autocomplete="off" />
            </Field>
            <Field id="ch-cs" label={t.consumer_secret} lang={ui.lang}>
              <input id="ch-cs" name="consumer_secret" type="password" autocomplete="off" />
            </Field>
            <Field id="ch-secret" label={t.webhook_secret} hint={t.credentials_hint} error={errors.webhook_secret} lang={ui.lang}>
              <input id="ch-secret" name="webhook_secret" type="password" autocomplete="off" />
            </Field>
          </div>
          <fieldset>
            <legend>{t.pushes}</legend>
            {(["fulfillments", "cancellations", "refunds"] as const).map((p) => (
              <Check id={`push-${p}`} name="pushes" value={p} label={t[`push_${p}`]} checked />
            ))}
          </fieldset>
          <button type="submit">{t.connect}</button>
        </form>
      </section>
    </>,
  );
}

function StatusButton({ ui, action, active }: { ui: ReturnType<typeof uiOf>; action: string; active: boolean }) {
  const t = TEXT[ui.lang];
  return (
    <form method="post" action={action}>
      <Csrf ui={ui} />
      <input type="hidden" name="status" value={active ? "paused" : "active"} />
      <button type="submit" class="secondary">
        {active ? t.pause : t.resume}
      </button>
    </form>
  );
}

integrationPages.get("/console/settings/channels", (c) => need(c, "channels:manage") ?? channelsPage(c));

integrationPages.post("/console/settings/channels", async (c) => {
  const refused = need(c, "channels:manage");
  if (refused) return refused;
  const keys = ["store_id", "platform", "name", "shop_domain", "api_base_url"] as const;
  const values = Object.fromEntries(keys.map((k) => [k, formValue(c, k)])) as ConnectValues;
  const credentials = Object.fromEntries((["access_token", "consumer_key", "consumer_secret"] as const).map((k) => [k, formValue(c, k)]).filter(([, v]) => v));
  const pushes = formValues(c, "pushes");
  const secret = formValue(c, "webhook_secret");
  const body = {
    ...values,
    credentials,
    ...(secret ? { webhook_secret: secret } : {}),
    pushes: { fulfillments: pushes.includes("fulfillments"), cancellations: pushes.includes("cancellations"), refunds: pushes.includes("refunds") },
  };
  const r = await api<Connection>(c, "/v1/channel-connections", { body });
  if (!r.ok) return channelsPage(c, { values, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/channels/${r.body.id}`, { kind: "ok", text: TEXT[uiOf(c).lang].connected });
});

integrationPages.post("/console/settings/channels/:id/status", async (c) => {
  const refused = need(c, "channels:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const status = formValue(c, "status") === "paused" ? "paused" : "active";
  const r = await api(c, `/v1/channel-connections/${id}`, { method: "PATCH", body: { status } });
  const t = TEXT[uiOf(c).lang];
  const back = c.req.header("referer")?.includes(`/channels/${id}`) ? `/console/settings/channels/${id}` : "/console/settings/channels";
  return doneRedirect(c, back, r.ok ? { kind: "ok", text: status === "paused" ? t.paused_done : t.resumed_done } : { kind: "bad", text: r.body.detail ?? t.not_saved });
});

async function channelPage(c: ConsoleContext, opts: { skuText?: string; problem?: Problem; status?: Status } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const id = encodeURIComponent(c.req.param("id") ?? "");
  const [conn, skus, runs, inbox, stores] = await Promise.all([
    api<Connection>(c, `/v1/channel-connections/${id}`),
    api<{ data: SkuEntry[] }>(c, `/v1/channel-connections/${id}/sku-map`, { query: { limit: 200 } }),
    api<{ data: SyncRun[] }>(c, `/v1/channel-connections/${id}/sync-runs`, { query: { limit: 10 } }),
    api<{ data: Inbox[] }>(c, `/v1/channel-connections/${id}/inbox`, { query: { limit: 20 } }),
    storeList(c),
  ]);
  if (!conn.ok) return notFoundPage(c);
  const ch = conn.body;
  const tz = stores.find((s) => s.id === ch.store_id)?.timezone ?? "UTC";
  const base = `/console/settings/channels/${ch.id}`;
  const skuRows = skus.ok ? skus.body.data : [];
  return renderPage(
    c,
    ui,
    { title: `${t.channels} · ${ch.name}`, status: opts.status ?? 200 },
    <>
      <p class="muted" style="margin:0 0 4px">
        <a href="/console/settings">{t.title}</a> › <a href="/console/settings/channels">{t.channels}</a> › {ch.name}
      </p>
      <h1>{ch.name}</h1>
      <section class="card">
        <dl class="facts">
          <dt>{t.platform}</dt>
          <dd>{platformName(ch.platform)}</dd>
          <dt>{t.shop_domain}</dt>
          <dd>{ch.shop_domain}</dd>
          <dt>{t.webhook_address}</dt>
          <dd class="mono" style="overflow-wrap:anywhere">
            {ch.webhook_url}
          </dd>
          <dt>{ui.t.status}</dt>
          <dd>
            <span class={`badge ${ch.status === "active" ? "ok" : "warn"}`}>{ch.status === "active" ? t.active : t.paused}</span>
          </dd>
          <dt>{t.pushes}</dt>
          <dd>
            {(["fulfillments", "cancellations", "refunds"] as const)
              .filter((p) => ch.pushes[p])
              .map((p) => t[`push_${p}`])
              .join(", ") || ui.t.none}
          </dd>
        </dl>
        <div class="actions" style="margin-top:8px">
          <StatusButton ui={ui} action={`${base}/status`} active={ch.status === "active"} />
        </div>
      </section>
      <section class="card" aria-labelledby="sku-title">
        <h2 id="sku-title">{t.sku_map}</h2>
        {skuRows.length ? (
          <p class="mono" style="white-space:pre-wrap">
            {skuRows.map((s) => `${s.platform_key} → ${s.sku}`).join("\n")}
          </p>
        ) : (
          <p class="muted">{t.sku_map_empty}</p>
        )}
        <ProblemBox problem={opts.problem} lang={ui.lang} />
        <form method="post" action={`${base}/sku-map`}>
          <Csrf ui={ui} />
          <label for="sku-map">{t.sku_map}</label>
          <p class="hint">{t.sku_map_hint}</p>
          <textarea id="sku-map" name="entries" rows={4} class="mono" required>
            {opts.skuText ?? ""}
          </textarea>
          <button type="submit">{t.save_sku_map}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t.sync_runs}</h2>
        {runs.ok && runs.body.data.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{t.run_kind}</th>
                  <th>{ui.t.status}</th>
                  <th>{t.started}</th>
                  <th class="num">{t.outcome}</th>
                </tr>
              </thead>
              <tbody>
                {runs.body.data.map((r) => (
                  <tr>
                    <td data-label={t.run_kind}>{r.kind}</td>
                    <td data-label={ui.t.status}>{r.status}</td>
                    <td data-label={t.started}>{`${dateTime(r.window.from, tz, ui.lang)} – ${dateTime(r.window.to, tz, ui.lang)}`}</td>
                    <td data-label={t.outcome} class="num">{`+${r.created} ~${r.updated} / ${r.seen}${r.errors ? ` !${r.errors}` : ""}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.no_sync_runs}</p>
        )}
      </section>
      <section class="card">
        <h2>{t.inbox}</h2>
        {inbox.ok && inbox.body.data.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{t.topic}</th>
                  <th>{ui.t.status}</th>
                  <th>{t.outcome}</th>
                  <th class="num">{t.attempts}</th>
                </tr>
              </thead>
              <tbody>
                {inbox.body.data.map((e) => (
                  <tr>
                    <td data-label={t.topic} class="mono">
                      {e.topic} {e.external_id ?? ""}
                    </td>
                    <td data-label={ui.t.status}>{e.status}</td>
                    <td data-label={t.outcome}>
                      {e.outcome ?? ""} {e.order_id ? <a href={`/console/orders/${e.order_id}`}>{e.order_id}</a> : null} {e.detail ?? ""}
                    </td>
                    <td data-label={t.attempts} class="num">
                      {e.attempts}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.no_inbox}</p>
        )}
      </section>
    </>,
  );
}

integrationPages.get("/console/settings/channels/:id", (c) => need(c, "channels:manage") ?? channelPage(c));

/** "platform-key ours" per line; ours empty removes the entry. */
export function skuEntriesOf(text: string): { platform_key: string; sku: string | null }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [key = "", sku] = l.split(/\s+/);
      return { platform_key: key, sku: sku ?? null };
    });
}

integrationPages.post("/console/settings/channels/:id/sku-map", async (c) => {
  const refused = need(c, "channels:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const text = formValue(c, "entries");
  const r = await api<z.infer<typeof SkuMapResult>>(c, `/v1/channel-connections/${id}/sku-map`, { method: "PUT", body: { entries: skuEntriesOf(text) } });
  if (!r.ok) return channelPage(c, { skuText: text, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/channels/${id}#sku-title`, {
    kind: "ok",
    text: fill(TEXT[uiOf(c).lang].sku_map_saved, { upserted: r.body.upserted, removed: r.body.removed }),
  });
});

// ---- Webhook subscriptions ----

type SubValues = Record<"store_id" | "url" | "event_types" | "description", string>;
const subStatusLabel = (t: (typeof TEXT)["en"], s: string) => word(t, `status_${s}`, s);

async function webhooksPage(c: ConsoleContext, opts: { values?: SubValues; problem?: Problem; status?: Status } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const [list, stores] = await Promise.all([api<{ data: Sub[] }>(c, "/v1/webhook-subscriptions", { query: { limit: 200 } }), storeList(c)]);
  const rows = list.ok ? list.body.data : [];
  const names = new Map(stores.map((s) => [s.id, s.name]));
  const v = opts.values ?? { store_id: stores[0]?.id ?? "", url: "", event_types: "order.*", description: "" };
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  const eventError = Object.entries(errors).find(([k]) => k.startsWith("event_types"))?.[1];
  return renderPage(
    c,
    ui,
    { title: t.webhooks, status: opts.status ?? 200 },
    <>
      <Crumbs ui={ui} here={t.webhooks} />
      <h1>{t.webhooks}</h1>
      {rows.length ? (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>{t.url}</th>
                <th>{ui.t.store}</th>
                <th>{t.event_types}</th>
                <th>{ui.t.status}</th>
                <th>{ui.t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr>
                  <td data-label={t.url} style="overflow-wrap:anywhere">
                    <a href={`/console/settings/webhooks/${s.id}`}>{s.url}</a>
                    {s.description ? <span class="muted"> · {s.description}</span> : null}
                  </td>
                  <td data-label={ui.t.store}>{names.get(s.store_id) ?? s.store_id}</td>
                  <td data-label={t.event_types} class="mono">
                    {s.event_types.join(", ")}
                  </td>
                  <td data-label={ui.t.status}>
                    <span class={`badge ${s.status === "active" ? "ok" : s.status === "disabled" ? "bad" : "warn"}`}>{subStatusLabel(t, s.status)}</span>
                  </td>
                  <td data-label={ui.t.actions}>
                    <div class="actions">
                      <SubActions ui={ui} sub={s} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">{t.no_webhooks}</p>
      )}
      <section class="card" style="margin-top:16px">
        <h2 id="subscribe-title">{t.subscribe}</h2>
        <ProblemBox problem={opts.problem} lang={ui.lang} />
        <form method="post" action="/console/settings/webhooks" aria-labelledby="subscribe-title">
          <Csrf ui={ui} />
          <div class="grid">
            <StoreSelect stores={stores} id="wh-store" value={v.store_id} label={ui.t.store} />
            <Field id="wh-url" label={t.url} error={errors.url} lang={ui.lang}>
              <input id="wh-url" name="url" type="url" value={v.url} required />
            </Field>
            <Field id="wh-events" label={t.event_types} hint={t.event_types_hint} error={eventError} lang={ui.lang}>
              <input id="wh-events" name="event_types" value={v.event_types} required class="mono" />
            </Field>
            <Field id="wh-desc" label={t.description} error={errors.description} lang={ui.lang}>
              <input id="wh-desc" name="description" value={v.description} maxlength={500} />
            </Field>
          </div>
          <button type="submit">{t.subscribe}</button>
        </form>
      </section>
    </>,
  );
}

function SubActions({ ui, sub }: { ui: ReturnType<typeof uiOf>; sub: Sub }) {
  const t = TEXT[ui.lang];
  const base = `/console/settings/webhooks/${sub.id}`;
  return (
    <>
      <form method="post" action={`${base}/status`}>
        <Csrf ui={ui} />
        <input type="hidden" name="status" value={sub.status === "active" ? "paused" : "active"} />
        <button type="submit" class="secondary">
          {sub.status === "active" ? t.pause : sub.status === "disabled" ? t.enable : t.resume}
        </button>
      </form>
      <form method="post" action={`${base}/delete`} data-confirm={t.delete_confirm}>
        <Csrf ui={ui} />
        <button type="submit" class="danger">
          {t.delete}
        </button>
      </form>
    </>
  );
}

integrationPages.get("/console/settings/webhooks", (c) => need(c, "webhooks:manage") ?? webhooksPage(c));

integrationPages.post("/console/settings/webhooks", async (c) => {
  const refused = need(c, "webhooks:manage");
  if (refused) return refused;
  const values: SubValues = { store_id: formValue(c, "store_id"), url: formValue(c, "url"), event_types: formValue(c, "event_types"), description: formValue(c, "description") };
  const body = {
    store_id: values.store_id,
    url: values.url,
    event_types: values.event_types
      .split(/[,\s]+/)
      .map((e) => e.trim())
      .filter(Boolean),
    ...(values.description ? { description: values.description } : {}),
  };
  const r = await api<z.infer<typeof CreatedSubscription>>(c, "/v1/webhook-subscriptions", { body });
  if (!r.ok) return webhooksPage(c, { values, problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/webhooks/${r.body.id}`, { kind: "ok", text: fill(TEXT[uiOf(c).lang].subscribed, { secret: r.body.secret }) });
});

integrationPages.post("/console/settings/webhooks/:id/status", async (c) => {
  const refused = need(c, "webhooks:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const r = await api(c, `/v1/webhook-subscriptions/${id}`, { method: "PATCH", body: { status: formValue(c, "status") === "paused" ? "paused" : "active" } });
  const t = TEXT[uiOf(c).lang];
  return doneRedirect(c, "/console/settings/webhooks", r.ok ? { kind: "ok", text: t.saved } : { kind: "bad", text: r.body.detail ?? t.not_saved });
});

integrationPages.post("/console/settings/webhooks/:id/delete", async (c) => {
  const refused = need(c, "webhooks:manage");
  if (refused) return refused;
  const r = await api(c, `/v1/webhook-subscriptions/${encodeURIComponent(c.req.param("id"))}`, { method: "DELETE" });
  const t = TEXT[uiOf(c).lang];
  return doneRedirect(c, "/console/settings/webhooks", r.ok ? { kind: "ok", text: t.deleted } : { kind: "bad", text: r.body.detail ?? t.not_saved });
});

integrationPages.get("/console/settings/webhooks/:id", async (c) => {
  const refused = need(c, "webhooks:manage");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const id = encodeURIComponent(c.req.param("id"));
  const [sub, deliveries, stores] = await Promise.all([
    api<Sub>(c, `/v1/webhook-subscriptions/${id}`),
    api<{ data: DeliveryBody[] }>(c, `/v1/webhook-subscriptions/${id}/deliveries`, { query: { limit: 50 } }),
    storeList(c),
  ]);
  if (!sub.ok) return notFoundPage(c);
  const s = sub.body;
  const tz = stores.find((x) => x.id === s.store_id)?.timezone ?? "UTC";
  const base = `/console/settings/webhooks/${s.id}`;
  const rows = deliveries.ok ? deliveries.body.data : [];
  return renderPage(
    c,
    ui,
    { title: `${t.webhooks} · ${s.url}` },
    <>
      <p class="muted" style="margin:0 0 4px">
        <a href="/console/settings">{t.title}</a> › <a href="/console/settings/webhooks">{t.webhooks}</a>
      </p>
      <h1 style="overflow-wrap:anywhere">{s.url}</h1>
      <section class="card">
        <dl class="facts">
          <dt>{t.event_types}</dt>
          <dd class="mono">{s.event_types.join(", ")}</dd>
          <dt>{ui.t.status}</dt>
          <dd>
            {subStatusLabel(t, s.status)}
            {s.disabled_reason ? ` · ${s.disabled_reason}` : ""}
          </dd>
          <dt>{t.last_success}</dt>
          <dd>{s.last_success_at ? dateTime(s.last_success_at, tz, ui.lang) : "—"}</dd>
        </dl>
        <div class="actions" style="margin-top:8px">
          <SubActions ui={ui} sub={s} />
        </div>
      </section>
      <section class="card">
        <h2>{t.deliveries}</h2>
        {rows.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{t.event}</th>
                  <th>{ui.t.status}</th>
                  <th class="num">{t.attempts}</th>
                  <th>{t.last_status}</th>
                  <th>{ui.t.created}</th>
                  <th>{ui.t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr>
                    <td data-label={t.event} class="mono">
                      {d.event_type}
                    </td>
                    <td data-label={ui.t.status}>
                      <span class={`badge ${d.status === "delivered" ? "ok" : d.status === "failed" ? "bad" : "warn"}`}>{word(t, `d_${d.status}`, d.status)}</span>
                    </td>
                    <td data-label={t.attempts} class="num">
                      {d.attempts}
                    </td>
                    <td data-label={t.last_status}>{d.last_status_code ?? "—"}</td>
                    <td data-label={ui.t.created}>{dateTime(d.created_at, tz, ui.lang)}</td>
                    <td data-label={ui.t.actions}>
                      <form method="post" action={`${base}/deliveries/${d.id}/replay`}>
                        <Csrf ui={ui} />
                        <button type="submit" class="secondary">
                          {t.replay}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.no_deliveries}</p>
        )}
        <form method="post" action={`${base}/replay`} class="filters" style="margin-top:12px">
          <Csrf ui={ui} />
          <div class="field">
            <label for="replay-since">{t.replay_since}</label>
            <input id="replay-since" name="since" type="datetime-local" required />
            <p class="hint">{`${t.replay_since_hint} (${tz})`}</p>
          </div>
          <button type="submit" class="secondary">
            {t.replay}
          </button>
        </form>
      </section>
    </>,
  );
});

integrationPages.post("/console/settings/webhooks/:id/deliveries/:delivery/replay", async (c) => {
  const refused = need(c, "webhooks:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const r = await api(c, `/v1/webhook-subscriptions/${id}/deliveries/${encodeURIComponent(c.req.param("delivery"))}/replay`, { method: "POST" });
  const t = TEXT[uiOf(c).lang];
  return doneRedirect(c, `/console/settings/webhooks/${id}`, r.ok ? { kind: "ok", text: t.replayed } : { kind: "bad", text: r.body.detail ?? t.not_saved });
});

/** A datetime-local value ("2026-12-03T09:30") in a time zone, as an RFC 3339 instant. */
export function instantIn(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset at that moment, read back through Intl (a second pass settles DST edges).
  const offsetAt = (t: number) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    }).formatToParts(t);
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute")) - t;
  };
  let t = asUtc - offsetAt(asUtc);
  t = asUtc - offsetAt(t);
  return new Date(t).toISOString();
}

integrationPages.post("/console/settings/webhooks/:id/replay", async (c) => {
  const refused = need(c, "webhooks:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const t = TEXT[uiOf(c).lang];
  const sub = await api<Sub>(c, `/v1/webhook-subscriptions/${id}`);
  if (!sub.ok) return notFoundPage(c);
  const tz = (await storeList(c)).find((s) => s.id === sub.body.store_id)?.timezone ?? "UTC";
  const since = instantIn(formValue(c, "since"), tz);
  const r = since ? await api<z.infer<typeof ReplayResult>>(c, `/v1/webhook-subscriptions/${id}/replay`, { body: { since } }) : null;
  return doneRedirect(
    c,
    `/console/settings/webhooks/${id}`,
    r?.ok ? { kind: "ok", text: fillCount(t, "replay_queued", r.body.queued) } : { kind: "bad", text: r?.body.detail ?? t.not_saved },
  );
});
