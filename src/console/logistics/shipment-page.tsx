/**
 * One parcel for logistics: its facts, the carrier the store's policy would
 * choose (with every service judged) and buying its label with that carrier
 * or another eligible one, handing it over, its tracking timeline, and what
 * happened recorded by hand when a carrier sends no news.
 */
import { Hono } from "hono";
import { TRACKING_STATUSES } from "../../db/schema";
import { api, apiRaw } from "../api";
import { type ConsoleContext, type ConsoleEnv, formatsOf } from "../context";
import { doneRedirect, formValue, need, notFoundPage, uiOf } from "../guard";
import { dateTime, money } from "../format";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { shipmentStatusLabel } from "../text";
import { zonedToRfc3339 } from "./dock";
import {
  type ChoiceT,
  exceptionKindLabel,
  grams,
  lookup,
  may,
  type RecordedT,
  refusalText,
  type ShipmentT,
  totalWeight,
  type TrackingT,
  trackingStatusLabel,
  words,
} from "./shared";
import { idPattern } from "../../lib/ids";

export const shipmentPages = new Hono<ConsoleEnv>();

const RECORDABLE = TRACKING_STATUSES.filter((s) => s !== "pre_transit");
const ID = idPattern("shp");

type Trouble = { form: "label" | "record"; text: string; fields?: Record<string, string>; values?: Record<string, string> };

async function shipmentPage(c: ConsoleContext, id: string, opts: { trouble?: Trouble; status?: 200 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = words(ui.lang);
  if (!ID.test(id)) return notFoundPage(c);
  const [s, tracking, choice] = await Promise.all([
    api<ShipmentT>(c, `/v1/shipments/${id}`),
    may(ui, "tracking:read") ? api<TrackingT>(c, `/v1/shipments/${id}/tracking`) : null,
    // Only a packed parcel has a choice to make; for others the API says so and it is left out.
    may(ui, "carriers:read") ? api<ChoiceT>(c, "/v1/carrier-choices/dry-run", { body: { shipment_id: id } }) : null,
  ]);
  if (!s.ok) return notFoundPage(c);
  const shipment = s.body;
  const track = tracking?.ok ? tracking.body : null;
  const { timeZone, currency } = await formatsOf(c, shipment.store_id);
  const label = track?.label ?? null;
  const canChoose = shipment.status === "packed" && choice?.ok;
  const dry = canChoose && choice?.ok ? choice.body : null;
  const trouble = opts.trouble;
  const v = trouble?.values ?? {};
  return renderPage(
    c,
    ui,
    { title: fill(t.shipment_title, { id }), status: opts.status ?? 200 },
    <>
      <p>
        <a href="/console/logistics">← {t.dock_title}</a>
      </p>
      <h1 class="mono" style="word-break:break-all">
        {fill(t.shipment_title, { id })}
      </h1>
      <section class="card" aria-labelledby="facts-h">
        <h2 id="facts-h">{t.facts}</h2>
        <dl class="facts" style="grid-template-columns:max-content minmax(0,1fr);overflow-wrap:anywhere">
          <dt>{t.status}</dt>
          <dd>
            <span class={`badge ${shipment.status === "intercepted" || shipment.status === "exception" ? "bad" : ""}`}>{shipmentStatusLabel(ui.t, shipment.status)}</span>
            {shipment.intercepted ? <span> {fill(t.intercepted, { reason: shipment.intercept_reason ?? "" })}</span> : null}
          </dd>
          <dt>{t.order}</dt>
          <dd class="mono">
            {shipment.order_ids.map((o) => (
              <>
                <a href={`/console/orders/${o}`}>{o}</a>{" "}
              </>
            ))}
          </dd>
          <dt>{t.warehouse}</dt>
          <dd>{shipment.warehouse_id}</dd>
          <dt>{t.carrier}</dt>
          <dd>{shipment.carrier ?? "—"}</dd>
          <dt>{t.packages}</dt>
          <dd>
            {(shipment.packages ?? []).length} · {grams(totalWeight(shipment), ui.lang)}
          </dd>
        </dl>
      </section>

      <section class="card" aria-labelledby="label-h">
        <h2 id="label-h">{t.label_title}</h2>
        {trouble?.form === "label" && !dry ? (
          <p class="error-text" role="alert">
            {trouble.text}
          </p>
        ) : null}
        {label ? (
          <>
            <dl class="facts" style="grid-template-columns:max-content minmax(0,1fr);overflow-wrap:anywhere">
              <dt>{t.carrier}</dt>
              <dd>
                {label.carrier} / {label.service}
              </dd>
              <dt>{t.tracking_number}</dt>
              <dd class="mono">{label.tracking_url ? <a href={label.tracking_url}>{label.tracking_number}</a> : label.tracking_number}</dd>
              <dt>{t.rate}</dt>
              <dd>{money(label.rate, label.currency, ui.lang)}</dd>
              <dt>{t.labelled_at}</dt>
              <dd>{dateTime(label.labelled_at, timeZone, ui.lang)}</dd>
            </dl>
            <div class="actions" style="margin-top:12px">
              {may(ui, "labels:read") ? (
                <a class="button secondary" href={`/console/logistics/shipments/${id}/label.pdf`}>
                  {t.label_pdf}
                </a>
              ) : null}
              {shipment.status === "labelled" && may(ui, "shipments:handover") ? (
                <form method="post" action="/console/logistics/handover">
                  <Csrf ui={ui} />
                  <input type="hidden" name="shipment" value={id} />
                  <button type="submit">{t.scan_button}</button>
                </form>
              ) : null}
            </div>
          </>
        ) : (
          <p class="muted">{shipment.status === "packed" ? t.no_label : t.not_packed_yet}</p>
        )}
      </section>

      {dry ? (
        <section class="card" aria-labelledby="choice-h">
          <h2 id="choice-h">{t.choice_title}</h2>
          <p>
            {dry.ok
              ? fill(t.policy_would_choose, {
                  carrier: dry.carrier ?? "",
                  service: dry.service ?? "",
                  price: money(dry.price, dry.explanation.currency || currency, ui.lang),
                  min: dry.transit_days?.min ?? "",
                  max: dry.transit_days?.max ?? "",
                })
              : fill(t.policy_cannot, { message: dry.message ?? "" })}
          </p>
          {/* The policy's reasoning is the API's English (the line above says the choice in the reader's words). */}
          <p class="hint">
            {t.why}
            {ui.lang === "en" ? ": " : "："}
            <span lang="en">{dry.explanation.summary}</span>
          </p>
          <h3>{t.all_services}</h3>
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">{t.carrier_service}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col" class="num">
                    {t.price}
                  </th>
                  <th scope="col">{t.transit}</th>
                  <th scope="col">{t.reasons}</th>
                </tr>
              </thead>
              <tbody>
                {dry.explanation.services.map((x) => (
                  <tr>
                    <td data-label={t.carrier_service}>
                      {x.carrier} / {x.name}
                    </td>
                    <td data-label={t.status}>
                      <span class={`badge ${x.chosen ? "ok" : x.eligible ? "" : "warn"}`}>{x.chosen ? t.chosen : x.eligible ? t.eligible : t.not_eligible}</span>
                    </td>
                    <td data-label={t.price} class="num">
                      {x.price ? money(x.price, dry.explanation.currency || currency, ui.lang) : "—"}
                    </td>
                    <td data-label={t.transit}>{fill(t.transit_days, { min: x.transit_days.min, max: x.transit_days.max })}</td>
                    <td data-label={t.reasons}>{x.reasons.join("; ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {may(ui, "labels:create") ? (
            <form method="post" action={`/console/logistics/shipments/${id}/label`} style="margin-top:12px">
              <Csrf ui={ui} />
              {trouble?.form === "label" ? (
                <p class="error-text" role="alert" id="label-error">
                  {trouble.text}
                </p>
              ) : null}
              <div class="field">
                <label for="carrier-service">{t.carrier_service}</label>
                <select id="carrier-service" name="carrier_service" aria-describedby={trouble?.form === "label" ? "label-error" : undefined}>
                  <option value="">{t.policy_choice}</option>
                  {dry.explanation.services
                    .filter((x) => x.eligible)
                    .map((x) => (
                      <option value={`${x.carrier}/${x.service}`} selected={v.carrier_service === `${x.carrier}/${x.service}`}>
                        {x.carrier} / {x.name}
                        {x.price ? ` · ${money(x.price, dry.explanation.currency || currency, ui.lang)}` : ""}
                      </option>
                    ))}
                </select>
              </div>
              <button type="submit">{t.buy_label}</button>
            </form>
          ) : null}
        </section>
      ) : null}

      {track ? (
        <section class="card" aria-labelledby="tracking-h">
          <h2 id="tracking-h">{t.tracking_title}</h2>
          {track.open_exceptions.length ? (
            <div class="flash warn">
              <strong>{t.open_exceptions}:</strong> {track.open_exceptions.map((e) => exceptionKindLabel(t, e.kind)).join(", ")} —{" "}
              <a href="/console/logistics/exceptions">{t.exceptions_title}</a>
            </div>
          ) : null}
          <h3>{t.timeline}</h3>
          {track.timeline.length === 0 ? (
            <p class="muted">{t.no_events}</p>
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">{t.occurred}</th>
                    <th scope="col">{t.event_status}</th>
                    <th scope="col">{t.message}</th>
                    <th scope="col">{t.location}</th>
                    <th scope="col">{t.outcome}</th>
                  </tr>
                </thead>
                <tbody>
                  {track.timeline.map((e) => (
                    <tr>
                      <td data-label={t.occurred}>{dateTime(e.occurred_at, timeZone, ui.lang)}</td>
                      <td data-label={t.event_status}>{trackingStatusLabel(t, e.status)}</td>
                      <td data-label={t.message}>{e.message ?? ""}</td>
                      <td data-label={t.location}>{e.location ?? ""}</td>
                      <td data-label={t.outcome}>{lookup(t, `outcome_${e.outcome ?? "pending"}`, e.outcome ?? "")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {label && may(ui, "tracking:record") ? (
            <form method="post" action={`/console/logistics/shipments/${id}/tracking-events`} style="margin-top:16px">
              <Csrf ui={ui} />
              <input type="hidden" name="store_id" value={shipment.store_id} />
              <h3>{t.record_title}</h3>
              <p class="hint">{t.record_hint}</p>
              {trouble?.form === "record" ? (
                <p class="error-text" role="alert">
                  {trouble.text}
                </p>
              ) : null}
              <div class="grid">
                <div class="field">
                  <label for="rec-status">{t.record_status}</label>
                  <select id="rec-status" name="status">
                    {RECORDABLE.map((x) => (
                      <option value={x} selected={v.status === x}>
                        {trackingStatusLabel(t, x)}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="field">
                  <label for="rec-occurred">{t.record_occurred}</label>
                  <input id="rec-occurred" type="datetime-local" name="occurred_at" value={v.occurred_at ?? ""} aria-describedby="rec-occurred-hint" />
                  <p class="hint" id="rec-occurred-hint">
                    {trouble?.fields?.occurred_at ? <span class="error-text">{trouble.fields.occurred_at}</span> : t.record_occurred_hint}
                  </p>
                </div>
                <div class="field">
                  <label for="rec-location">{t.record_location}</label>
                  <input id="rec-location" name="location" maxlength={200} value={v.location ?? ""} />
                </div>
              </div>
              <div class="field">
                <label for="rec-message">{t.record_message}</label>
                <textarea id="rec-message" name="message" maxlength={500}>
                  {v.message ?? ""}
                </textarea>
              </div>
              <button type="submit">{t.record_button}</button>
            </form>
          ) : null}
        </section>
      ) : null}
    </>,
  );
}

shipmentPages.get("/console/logistics/shipments/:id", async (c) => {
  const refused = need(c, "shipments:read");
  if (refused) return refused;
  return shipmentPage(c, c.req.param("id"));
});

shipmentPages.get("/console/logistics/shipments/:id/label.pdf", async (c) => {
  const refused = need(c, "labels:read");
  if (refused) return refused;
  const id = c.req.param("id");
  if (!ID.test(id)) return notFoundPage(c);
  const res = await apiRaw(c, `/v1/shipments/${id}/label.pdf`);
  if (!res.ok) return notFoundPage(c);
  return new Response(res.body, { status: 200, headers: { "content-type": "application/pdf", "content-disposition": res.headers.get("content-disposition") ?? "inline" } });
});

shipmentPages.post("/console/logistics/shipments/:id/label", async (c) => {
  const refused = need(c, "labels:create");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = words(ui.lang);
  const id = c.req.param("id");
  if (!ID.test(id)) return notFoundPage(c);
  const chosen = formValue(c, "carrier_service");
  const [carrier, service] = chosen.split("/");
  const r = await api<{ carrier: string; service: string; tracking_number: string }>(c, `/v1/shipments/${id}/label`, {
    method: "POST",
    body: carrier && service ? { carrier, service } : {},
  });
  if (r.ok) {
    return doneRedirect(c, `/console/logistics/shipments/${id}`, {
      kind: "ok",
      text: fill(t.label_bought, { carrier: r.body.carrier, service: r.body.service, number: r.body.tracking_number }),
    });
  }
  if (r.status === 404) return notFoundPage(c);
  return shipmentPage(c, id, { trouble: { form: "label", text: refusalText(r.body, ui.lang), values: { carrier_service: chosen } }, status: r.status === 422 ? 422 : 409 });
});

shipmentPages.post("/console/logistics/shipments/:id/tracking-events", async (c) => {
  const refused = need(c, "tracking:record");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = words(ui.lang);
  const id = c.req.param("id");
  if (!ID.test(id)) return notFoundPage(c);
  const values = { status: formValue(c, "status"), occurred_at: formValue(c, "occurred_at"), message: formValue(c, "message"), location: formValue(c, "location") };
  const { timeZone } = await formatsOf(c, formValue(c, "store_id"));
  const occurred = values.occurred_at ? zonedToRfc3339(values.occurred_at, timeZone) : undefined;
  if (occurred === null) return shipmentPage(c, id, { trouble: { form: "record", text: t.bad_time, fields: { occurred_at: t.bad_time }, values }, status: 422 });
  const r = await api<RecordedT>(c, `/v1/shipments/${id}/tracking-events`, {
    method: "POST",
    body: {
      status: values.status,
      ...(occurred ? { occurred_at: occurred } : {}),
      ...(values.message ? { message: values.message } : {}),
      ...(values.location ? { location: values.location } : {}),
    },
  });
  if (r.ok) {
    const b = r.body;
    const text = b.duplicate
      ? t.recorded_duplicate
      : b.outcome === "applied"
        ? fill(t.recorded_applied, { status: shipmentStatusLabel(ui.t, b.shipment_status) })
        : fill(t.recorded_kept, { reason: lookup(t, `kept_${b.reason}`, b.reason ?? "") });
    return doneRedirect(c, `/console/logistics/shipments/${id}`, { kind: b.outcome === "applied" && !b.duplicate ? "ok" : "warn", text });
  }
  if (r.status === 404) return notFoundPage(c);
  const fields = fieldProblems(r.body);
  // A time the API refuses (in the future) is the person's to fix, in their words.
  if (fields.occurred_at) fields.occurred_at = t.bad_time;
  return shipmentPage(c, id, { trouble: { form: "record", text: refusalText(r.body, ui.lang), fields, values }, status: r.status === 422 ? 422 : 409 });
});
