/**
 * Exceptions to resolve: what went wrong with parcels on their way (the
 * carriers' news, parcels without news, parcels to recall) and on the floor
 * (short picks, dispatches a 3PL refused), each said in words, with the
 * resolutions its kind allows to those who may resolve it.
 */
import { Hono } from "hono";
import { api } from "../api";
import { type ConsoleContext, type ConsoleEnv, formatsOf, storesOf } from "../context";
import { doneRedirect, formValue, need, notFoundPage, uiOf } from "../guard";
import { dateTime } from "../format";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import type { Ui } from "../context";
import { exceptionKindLabel, type FulfilmentExceptionT, lookup, type LogisticsExceptionT, may, refusalText, Tabs, words } from "./shared";
import { idPattern } from "../../lib/ids";

export const exceptionPages = new Hono<ConsoleEnv>();

type RowTrouble = { id: string; text: string; value: string };

function ResolveLogistics({ ui, e, trouble }: { ui: Ui; e: LogisticsExceptionT; trouble?: RowTrouble | undefined }) {
  const t = words(ui.lang);
  const fieldId = `res-${e.id}`;
  return (
    <form method="post" action={`/console/logistics/exceptions/${e.id}/resolve`}>
      <Csrf ui={ui} />
      <label for={fieldId}>{t.resolve_label}</label>
      <textarea id={fieldId} name="resolution" maxlength={2000} aria-describedby={`${fieldId}-hint`} aria-invalid={trouble ? "true" : undefined}>
        {trouble?.value ?? ""}
      </textarea>
      <p class={trouble ? "error-text" : "hint"} id={`${fieldId}-hint`} role={trouble ? "alert" : undefined}>
        {trouble ? trouble.text : t.resolve_hint}
      </p>
      <button type="submit">{t.resolve_button}</button>
    </form>
  );
}

function ResolveFloor({ ui, e, trouble }: { ui: Ui; e: FulfilmentExceptionT; trouble?: RowTrouble | undefined }) {
  const t = words(ui.lang);
  const fieldId = `note-${e.id}`;
  return (
    <>
      {trouble ? (
        <p class="error-text" role="alert">
          {trouble.text}
        </p>
      ) : null}
      {e.kind === "dispatch_rejected" ? (
        <form method="post" action={`/console/logistics/exceptions/${e.id}/resolve`} data-confirm={t.confirm_reroute} style="margin-bottom:8px">
          <Csrf ui={ui} />
          <input type="hidden" name="action" value="reroute" />
          <button type="submit">{t.reroute_button}</button>
        </form>
      ) : null}
      <form method="post" action={`/console/logistics/exceptions/${e.id}/resolve`}>
        <Csrf ui={ui} />
        <input type="hidden" name="action" value="dismiss" />
        <label for={fieldId}>{t.dismiss_label}</label>
        <textarea id={fieldId} name="note" maxlength={500}>
          {trouble?.value ?? ""}
        </textarea>
        <button type="submit" class="secondary">
          {t.dismiss_button}
        </button>
      </form>
    </>
  );
}

async function exceptionsPage(c: ConsoleContext, opts: { trouble?: RowTrouble; status?: 200 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = words(ui.lang);
  const show = c.req.query("show") === "resolved" ? "resolved" : "open";
  const readsCarrier = may(ui, "logistics_exceptions:read");
  const readsFloor = may(ui, "fulfilment_exceptions:read");
  const [carrier, floor, formats, stores] = await Promise.all([
    readsCarrier ? api<{ data: LogisticsExceptionT[] }>(c, "/v1/logistics/exceptions", { query: { status: show, limit: 100 } }) : null,
    readsFloor ? api<{ data: FulfilmentExceptionT[] }>(c, "/v1/fulfilment-exceptions", { query: { status: show, limit: 100 } }) : null,
    formatsOf(c),
    storesOf(c),
  ]);
  const carrierRows = carrier?.ok ? carrier.body.data : [];
  const floorRows = floor?.ok ? floor.body.data : [];
  const empty = show === "open" ? t.none_open : t.none_resolved;
  // Each exception in its store's time zone, as the shipment's own page tells the same events.
  const zoneOf = new Map(stores.map((st) => [st.id, st.timezone]));
  const when = (at: string, storeId: string) => dateTime(at, zoneOf.get(storeId) ?? formats.timeZone, ui.lang);
  const troubleFor = (id: string) => (opts.trouble?.id === id ? opts.trouble : undefined);
  return renderPage(
    c,
    ui,
    { title: t.exceptions_title, status: opts.status ?? 200 },
    <>
      <h1>{t.exceptions_title}</h1>
      <Tabs ui={ui} here="exceptions" />
      <form method="get" action="/console/logistics/exceptions" class="filters card">
        <div class="field">
          <label for="f-show">{t.show}</label>
          <select id="f-show" name="show" data-autosubmit>
            <option value="open" selected={show === "open"}>
              {t.show_open}
            </option>
            <option value="resolved" selected={show === "resolved"}>
              {t.show_resolved}
            </option>
          </select>
        </div>
        <noscript>
          <button type="submit" class="secondary">
            {ui.t.apply}
          </button>
        </noscript>
      </form>

      {readsCarrier ? (
        <section aria-labelledby="carrier-h">
          <h2 id="carrier-h">
            {t.delivery_exceptions} ({carrierRows.length})
          </h2>
          {carrierRows.length === 0 ? <p class="card muted">{empty}</p> : null}
          {carrierRows.map((e) => (
            <article class="card" id={e.id}>
              <h3>
                <span class={`badge ${e.status === "open" ? "bad" : "ok"}`}>{exceptionKindLabel(t, e.kind)}</span>
              </h3>
              <p>{lookup(t, `explain_${e.kind}`, "")}</p>
              {e.detail ? <p class="muted">{e.detail}</p> : null}
              <dl class="facts" style="grid-template-columns:max-content minmax(0,1fr);overflow-wrap:anywhere">
                <dt>{t.raised}</dt>
                <dd>{when(e.created_at, e.store_id)}</dd>
                <dt>{t.shipment}</dt>
                <dd class="mono">
                  <a href={`/console/logistics/shipments/${e.shipment_id}`}>{e.shipment_id}</a>
                </dd>
                <dt>{t.order}</dt>
                <dd class="mono">
                  <a href={`/console/orders/${e.order_id}`}>{e.order_id}</a>
                </dd>
                {e.status === "resolved" ? (
                  <>
                    <dt>{t.resolution}</dt>
                    <dd>
                      {e.resolution} <span class="muted">({fill(t.resolved_by, { who: e.resolved_by ?? "", at: e.resolved_at ? when(e.resolved_at, e.store_id) : "" })})</span>
                    </dd>
                  </>
                ) : null}
              </dl>
              {e.status === "open" && may(ui, "logistics_exceptions:resolve") ? <ResolveLogistics ui={ui} e={e} trouble={troubleFor(e.id)} /> : null}
            </article>
          ))}
        </section>
      ) : null}

      {readsFloor ? (
        <section aria-labelledby="floor-h">
          <h2 id="floor-h">
            {t.floor_exceptions} ({floorRows.length})
          </h2>
          {floorRows.length === 0 ? <p class="card muted">{empty}</p> : null}
          {floorRows.map((e) => (
            <article class="card" id={e.id}>
              <h3>
                <span class={`badge ${e.status === "open" ? "bad" : "ok"}`}>{exceptionKindLabel(t, e.kind)}</span>
              </h3>
              <p>{fill(lookup(t, `explain_${e.kind}${e.quantity === 1 ? "_one" : ""}`, lookup(t, `explain_${e.kind}`, "")), { n: e.quantity })}</p>
              {e.note ? <p class="muted">{e.note}</p> : null}
              <dl class="facts" style="grid-template-columns:max-content minmax(0,1fr);overflow-wrap:anywhere">
                <dt>{t.raised}</dt>
                <dd>{when(e.created_at, e.store_id)}</dd>
                <dt>{t.shipment}</dt>
                <dd class="mono">
                  <a href={`/console/logistics/shipments/${e.shipment_id}`}>{e.shipment_id}</a>
                </dd>
                <dt>{t.order}</dt>
                <dd class="mono">
                  <a href={`/console/orders/${e.order_id}`}>{e.order_id}</a>
                </dd>
                <dt>{t.warehouse}</dt>
                <dd>{e.warehouse_id}</dd>
                {e.status === "resolved" ? (
                  <>
                    <dt>{t.resolution}</dt>
                    <dd>
                      {e.resolution} {e.resolution_note ? `: ${e.resolution_note}` : ""}
                    </dd>
                  </>
                ) : null}
              </dl>
              {e.status === "open" && may(ui, "fulfilment_exceptions:resolve") ? <ResolveFloor ui={ui} e={e} trouble={troubleFor(e.id)} /> : null}
            </article>
          ))}
        </section>
      ) : null}
    </>,
  );
}

exceptionPages.get("/console/logistics/exceptions", async (c) => {
  const refused = need(c, "logistics_exceptions:read", "fulfilment_exceptions:read");
  if (refused) return refused;
  return exceptionsPage(c);
});

exceptionPages.post("/console/logistics/exceptions/:id/resolve", async (c) => {
  const ui = uiOf(c);
  const t = words(ui.lang);
  const id = c.req.param("id");
  if (idPattern("lex").test(id)) {
    const refused = need(c, "logistics_exceptions:resolve");
    if (refused) return refused;
    const resolution = formValue(c, "resolution");
    if (!resolution) return exceptionsPage(c, { trouble: { id, text: t.resolution_required, value: "" }, status: 422 });
    const r = await api(c, `/v1/logistics/exceptions/${id}/resolve`, { body: { resolution } });
    if (r.ok) return doneRedirect(c, "/console/logistics/exceptions", { kind: "ok", text: t.resolved_ok });
    if (r.status === 404) return notFoundPage(c);
    return exceptionsPage(c, { trouble: { id, text: refusalText(r.body, ui.lang), value: resolution }, status: r.status === 422 ? 422 : 409 });
  }
  if (idPattern("exc").test(id)) {
    const refused = need(c, "fulfilment_exceptions:resolve");
    if (refused) return refused;
    const action = formValue(c, "action") === "reroute" ? "reroute" : "dismiss";
    const note = formValue(c, "note");
    if (action === "dismiss" && !note) return exceptionsPage(c, { trouble: { id, text: t.note_required, value: "" }, status: 422 });
    const r = await api<FulfilmentExceptionT>(c, `/v1/fulfilment-exceptions/${id}/resolve`, { body: { action, ...(note ? { note } : {}) } });
    if (r.ok) {
      const text = action === "reroute" ? fill(t.rerouted_ok, { list: (r.body.rerouted_to ?? []).join(", ") }) : t.dismissed_ok;
      return doneRedirect(c, "/console/logistics/exceptions", { kind: "ok", text });
    }
    if (r.status === 404) return notFoundPage(c);
    return exceptionsPage(c, { trouble: { id, text: refusalText(r.body, ui.lang), value: note }, status: r.status === 422 ? 422 : 409 });
  }
  return notFoundPage(c);
});
