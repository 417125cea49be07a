/**
 * The dock: labelled parcels by carrier, handed over by ticking them or
 * scanning their labels (each scan hands one over at once); and the packed
 * parcels still waiting for a label, each a click from its carrier choice.
 */
import { Hono } from "hono";
import { api } from "../api";
import { type ConsoleContext, type ConsoleEnv, storesOf } from "../context";
import { formValue, formValues, doneRedirect, need, uiOf } from "../guard";
import { ScanInput, StoreSelect } from "../fields";
import { dateTime } from "../format";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { byCarrier, pickParcels, splitCodes } from "./dock";
import { grams, may, refusalText, type ShipmentT, Tabs, totalWeight, words } from "./shared";
import { idPattern } from "../../lib/ids";

export const dockPages = new Hono<ConsoleEnv>();

type Result = { id: string; label: string; ok: boolean; text: string };

const LIMIT = 100;

async function loadDock(c: ConsoleContext, filters: { store: string }) {
  const [labelled, packed, stores] = await Promise.all([
    api<{ data: ShipmentT[] }>(c, "/v1/shipments", { query: { status: "labelled", store_id: filters.store, limit: LIMIT } }),
    api<{ data: ShipmentT[] }>(c, "/v1/shipments", { query: { status: "packed", store_id: filters.store, limit: LIMIT } }),
    storesOf(c),
  ]);
  return { labelled: labelled.ok ? labelled.body.data : [], packed: packed.ok ? packed.body.data : [], stores };
}

async function dockPage(c: ConsoleContext, opts: { results?: Result[]; problem?: string; codes?: string; status?: 200 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const t = words(ui.lang);
  const filters = { store: c.req.query("store") ?? "", carrier: c.req.query("carrier") ?? "" };
  const { labelled, packed, stores } = await loadDock(c, filters);
  const tz = stores.find((s) => s.id === filters.store)?.timezone ?? stores[0]?.timezone ?? "UTC";
  const carriers = [...new Set(labelled.map((s) => s.carrier ?? ""))].filter(Boolean).sort();
  const shown = filters.carrier ? labelled.filter((s) => s.carrier === filters.carrier) : labelled;
  const groups = byCarrier(shown);
  const back = `/console/logistics${c.req.url.includes("?") ? `?${new URL(c.req.url).searchParams}` : ""}`;
  return renderPage(
    c,
    ui,
    { title: t.dock_title, status: opts.status ?? 200 },
    <>
      <h1>{t.dock_title}</h1>
      <Tabs ui={ui} here="dock" />
      {opts.problem ? (
        <div class="flash bad" role="alert">
          {opts.problem}
        </div>
      ) : null}
      {opts.results?.length ? (
        <section class="card" aria-labelledby="results-h">
          <h2 id="results-h">{t.handover_results}</h2>
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">{t.shipment}</th>
                  <th scope="col">{t.result}</th>
                </tr>
              </thead>
              <tbody>
                {opts.results.map((r) => (
                  <tr>
                    <td data-label={t.shipment} class="mono" style="overflow-wrap:anywhere;min-width:0">
                      {r.label}
                    </td>
                    <td data-label={t.result}>
                      <span class={`badge ${r.ok ? "ok" : "bad"}`}>{r.ok ? t.result_ok : t.result_failed}</span> {r.text}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section class="card" aria-labelledby="scan-h">
        <h2 id="scan-h">{t.scan_title}</h2>
        <form method="post" action="/console/logistics/handover">
          <Csrf ui={ui} />
          <input type="hidden" name="back" value={back} />
          <label for="scan-code">{t.scan_label}</label>
          <ScanInput name="codes" value={opts.codes ?? ""} upper />
          <p class="hint" id="scan-code-hint">
            {t.scan_hint}
          </p>
          <button type="submit">{t.scan_button}</button>
        </form>
      </section>

      <form method="get" action="/console/logistics" class="filters card">
        <StoreSelect id="f-store" name="store" label={t.filter_store} anyLabel={t.any} stores={stores} selected={filters.store} />
        <div class="field">
          <label for="f-carrier">{t.filter_carrier}</label>
          <select id="f-carrier" name="carrier">
            <option value="">{t.any}</option>
            {carriers.map((x) => (
              <option value={x} selected={x === filters.carrier}>
                {x}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          {ui.t.apply}
        </button>
      </form>

      <section aria-labelledby="ready-h">
        <h2 id="ready-h">{t.ready_title}</h2>
        {groups.length === 0 ? (
          <p class="card muted">{t.ready_none}</p>
        ) : (
          <form method="post" action="/console/logistics/handover" data-confirm={t.confirm_handover}>
            <Csrf ui={ui} />
            <input type="hidden" name="back" value={back} />
            <p>
              <label style="display:inline-flex;gap:8px;align-items:center">
                <input type="checkbox" data-select-all="shipment" /> {t.select_all}
              </label>
            </p>
            {groups.map(([carrier, parcels]) => (
              <div class="card">
                <h3>{fill(t.carrier_group, { carrier: carrier || ui.t.none, n: parcels.length })}</h3>
                <div class="table-wrap">
                  <table class="stack">
                    <thead>
                      <tr>
                        <th scope="col">
                          <span class="visually-hidden">{t.select_column}</span>
                        </th>
                        <th scope="col">{t.tracking_number}</th>
                        <th scope="col">{t.shipment}</th>
                        <th scope="col">{t.order}</th>
                        <th scope="col" class="num">
                          {t.packages}
                        </th>
                        <th scope="col" class="num">
                          {t.weight}
                        </th>
                        <th scope="col">{ui.t.updated}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {parcels.map((s) => (
                        <tr>
                          <td data-label={t.select_column}>
                            <input type="checkbox" name="shipment" value={s.id} id={`pick-${s.id}`} aria-label={fill(t.select_one, { id: s.tracking_number ?? s.id })} />
                          </td>
                          <td data-label={t.tracking_number} class="mono" style="overflow-wrap:anywhere;min-width:0">
                            <label for={`pick-${s.id}`} style="display:inline;font-weight:600;margin:0">
                              {s.tracking_number ?? "—"}
                            </label>
                          </td>
                          <td data-label={t.shipment} class="mono" style="overflow-wrap:anywhere;min-width:0">
                            <a href={`/console/logistics/shipments/${s.id}`}>{s.id}</a>
                          </td>
                          <td data-label={t.order} class="mono" style="overflow-wrap:anywhere;min-width:0">
                            <a href={`/console/orders/${s.order_id}`}>{s.order_id}</a>
                          </td>
                          <td data-label={t.packages} class="num">
                            {(s.packages ?? []).length}
                          </td>
                          <td data-label={t.weight} class="num">
                            {grams(totalWeight(s), ui.lang)}
                          </td>
                          <td data-label={ui.t.updated}>{dateTime(s.updated_at, tz, ui.lang)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ))}
            <div class="actions">
              <button type="submit">{t.hand_over_selected}</button>
            </div>
          </form>
        )}
      </section>

      <section aria-labelledby="packed-h">
        <h2 id="packed-h">{t.packed_title}</h2>
        {packed.length === 0 ? (
          <p class="card muted">{t.packed_none}</p>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th scope="col">{t.shipment}</th>
                  <th scope="col">{t.order}</th>
                  <th scope="col">{t.destination}</th>
                  <th scope="col" class="num">
                    {t.weight}
                  </th>
                  <th scope="col">{ui.t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {packed.map((s) => (
                  <tr>
                    <td data-label={t.shipment} class="mono" style="overflow-wrap:anywhere;min-width:0">
                      {s.id}
                    </td>
                    <td data-label={t.order} class="mono" style="overflow-wrap:anywhere;min-width:0">
                      <a href={`/console/orders/${s.order_id}`}>{s.order_id}</a>
                    </td>
                    <td data-label={t.destination} class="mono" style="overflow-wrap:anywhere;min-width:0">
                      {s.warehouse_id}
                    </td>
                    <td data-label={t.weight} class="num">
                      {grams(totalWeight(s), ui.lang)}
                    </td>
                    <td data-label={ui.t.actions}>
                      <a class="button secondary" href={`/console/logistics/shipments/${s.id}`}>
                        {t.choose_label}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>,
  );
}

dockPages.get("/console/logistics", async (c) => {
  const refused = need(c, "shipments:handover", "logistics_exceptions:read");
  if (refused) return refused;
  // Those who read exceptions but do not work the dock (support, analysts) start at the exceptions.
  if (!may(uiOf(c), "shipments:handover")) return c.redirect("/console/logistics/exceptions", 303);
  return dockPage(c);
});

/** A safe way back to the dock with its filters. */
const backTo = (value: string) => (/^\/console\/logistics(\?[^\s\\]*)?$/.test(value) ? value : "/console/logistics");

dockPages.post("/console/logistics/handover", async (c) => {
  const refused = need(c, "shipments:handover");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = words(ui.lang);
  const ticked = formValues(c, "shipment");
  const scanned = splitCodes(formValue(c, "codes"));
  if (!ticked.length && !scanned.length) return dockPage(c, { problem: t.nothing_selected, status: 422 });
  // The parcels on the dock now: a scan finds its parcel by tracking number (or shipment id).
  const waiting = await api<{ data: ShipmentT[] }>(c, "/v1/shipments", { query: { status: "labelled", limit: LIMIT } });
  const { parcels, unknown } = pickParcels(waiting.ok ? waiting.body.data : [], { ticked, scanned });
  const results: Result[] = [];
  let ordersShipped = 0;
  // A shipment id that is not waiting still goes to the API, which says why it cannot go (not labelled, stopped...).
  const targets = [...parcels.map((p) => ({ id: p.id, label: p.tracking_number ?? p.id })), ...unknown.filter((u) => idPattern("shp").test(u)).map((id) => ({ id, label: id }))];
  for (const code of unknown.filter((u) => !idPattern("shp").test(u))) results.push({ id: code, label: code, ok: false, text: fill(t.not_on_dock, { code }) });
  // One at a time: two parcels of one order settle the order in turn.
  for (const target of targets) {
    const r = await api<{ orders_shipped: string[] }>(c, `/v1/shipments/${target.id}/handover`, { method: "POST", body: {} });
    if (r.ok) ordersShipped += r.body.orders_shipped.length;
    results.push({ id: target.id, label: target.label, ok: r.ok, text: r.ok ? "" : refusalText(r.body, ui.lang) });
  }
  const done = results.filter((r) => r.ok);
  if (done.length === results.length) {
    const text = [fill(t.handed_over, { n: done.length, list: done.map((r) => r.label).join(", ") }), ordersShipped ? fill(t.orders_shipped, { n: ordersShipped }) : ""]
      .join(" ")
      .trim();
    return doneRedirect(c, backTo(formValue(c, "back")), { kind: "ok", text: text.length > 480 ? `${text.slice(0, 477)}...` : text });
  }
  return dockPage(c, { results, problem: t.some_failed, status: 409, codes: "" });
});
