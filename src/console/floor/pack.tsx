/**
 * The pack station: scan a shipment (or its order) to open it, scan each
 * unit into the package, weigh it in a package type and pack, then buy and
 * print the label. A shipment stopped by a cancellation or interception
 * shows a red stop and no packing at all. Every check is the API's.
 */
import type { z } from "@hono/zod-openapi";
import type { PackScanResult, Shipment } from "../../fulfilment/schemas";
import { allows } from "../../http/auth";
import type { PackageType } from "../../inventory/schemas";
import type { Label } from "../../logistics/schemas";
import { api, apiRaw } from "../api";
import type { ConsoleContext, Flash } from "../context";
import { doneRedirect, formValue, need, notFoundPage, uiOf } from "../guard";
import { ScanInput } from "../fields";
import { fill, fillCount } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems, problemText } from "../problems";
import { shipmentStatusLabel } from "../text";
import { ScanResult } from "./scan-result";
import { FLOOR } from "./text";
import { codeKind, gramsOf, leftToScan, stopOf } from "./walk";
import { idPattern } from "../../lib/ids";

type ShipmentBody = z.infer<typeof Shipment>;
type LabelBody = z.infer<typeof Label>;
type PackProblem = { text: string; fields: Record<string, string>; mismatch?: boolean };

const OPENABLE = ["picking", "packed", "labelled", "intercepted"];

async function shipmentOf(c: ConsoleContext, id: string) {
  const r = await api<ShipmentBody>(c, `/v1/shipments/${encodeURIComponent(id)}`);
  return r.ok ? r.body : null;
}

export async function packHome(c: ConsoleContext, result?: Flash, status: 200 | 404 | 422 = 200) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  return renderPage(
    c,
    { ...ui, flash: undefined },
    { title: f.pack_title, status },
    <>
      <h1>{f.pack_title}</h1>
      <ScanResult result={result ?? ui.flash} />
      <form method="post" action="/console/pack" class="card">
        <Csrf ui={ui} />
        <label for="scan-code">{f.scan_shipment}</label>
        <p class="hint" id="scan-code-hint">
          {f.open_hint}
        </p>
        <div class="actions floor-scan">
          <ScanInput name="code" value={formValue(c, "code")} required />
          <button type="submit">{f.open}</button>
        </div>
      </form>
    </>,
  );
}

/** Opens what was scanned at the door: a shipment by its id, else the order's shipment that is on the floor. */
export async function openByScan(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const f = FLOOR[uiOf(c).lang];
  const code = formValue(c, "code");
  if (!code) return packHome(c, { kind: "bad", text: f.open_hint }, 422);
  let id: string | undefined;
  if (codeKind(code) === "shipment") id = (await shipmentOf(c, code))?.id;
  else {
    const r = await api<{ data: ShipmentBody[] }>(c, "/v1/shipments", { query: { order_id: code, status: OPENABLE.join(","), limit: 20 } });
    const found = r.ok ? r.body.data : [];
    id = (found.find((s) => s.status === "picking") ?? found[0])?.id;
  }
  if (!id) return packHome(c, { kind: "bad", text: fill(f.not_found_code, { code }) }, 404);
  return c.redirect(`/console/pack/${id}`, 303);
}

async function renderShipment(c: ConsoleContext, s: ShipmentBody, o: { result?: Flash | undefined; problem?: PackProblem; status?: 200 | 404 | 409 | 422 } = {}) {
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const labelled = !["pending", "picking", "packed", "intercepted", "cancelled"].includes(s.status);
  const [types, label] = await Promise.all([
    s.status === "picking" ? api<{ data: z.infer<typeof PackageType>[] }>(c, `/v1/warehouses/${s.warehouse_id}/package-types`) : null,
    labelled && allows(ui.principal, "labels:read") ? api<LabelBody>(c, `/v1/shipments/${s.id}/label`) : null,
  ]);
  const packageTypes = types?.ok ? types.body.data.filter((p) => p.active) : [];
  const stop = stopOf(s);
  const left = leftToScan(s);
  const short = s.items.some((i) => !i.cancelled && i.short > 0);
  const p = o.problem;
  const v = (name: string) => formValue(c, name);
  return renderPage(
    c,
    { ...ui, flash: undefined },
    { title: `${f.pack_title} · ${s.id}`, status: o.status ?? 200 },
    <>
      <h1>
        {f.pack_title} <span class="mono muted floor-id">{s.id}</span>
      </h1>
      {stop ? (
        <div class="scan-result bad floor-stop" role="alert">
          <p>✗ {stop.kind === "cancelled" ? f.stop_cancelled : fill(f.stop_intercepted, { reason: stop.reason })}</p>
          <p class="floor-stop-hint">{f.stop_hint}</p>
        </div>
      ) : (
        <ScanResult result={o.result ?? ui.flash} />
      )}
      <dl class="facts card floor-facts">
        <dt>{f.shipment}</dt>
        <dd class="mono">{s.id}</dd>
        <dt>{f.order}</dt>
        <dd class="mono">{s.order_ids.join(", ")}</dd>
        <dt>{ui.t.status}</dt>
        <dd>
          <span class={`badge ${stop ? "bad" : s.status === "picking" ? "warn" : "ok"}`}>{shipmentStatusLabel(ui.t, s.status)}</span>
        </dd>
        {s.expected_weight_grams ? (
          <>
            <dt>{f.expected_weight}</dt>
            <dd>{s.expected_weight_grams} g</dd>
          </>
        ) : null}
      </dl>
      <h2>{f.items}</h2>
      <div class="table-wrap floor-items">
        <table class="stack">
          <thead>
            <tr>
              <th>{ui.t.sku}</th>
              <th class="num">{f.picked}</th>
              <th class="num">{f.packed_n}</th>
              <th class="num">{f.left}</th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((i) => (
              <tr>
                <td data-label={ui.t.sku} class="mono">
                  {i.sku} {i.cancelled ? <span class="badge bad">{f.item_cancelled}</span> : null}
                </td>
                <td data-label={f.picked} class="num">
                  {i.picked}
                  {i.short ? <span class="badge warn">{fill(f.short_n, { n: i.short })}</span> : null}
                </td>
                <td data-label={f.packed_n} class="num">
                  {i.packed}
                </td>
                <td data-label={f.left} class="num">
                  {i.cancelled ? 0 : Math.max(0, i.picked - i.packed)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!stop && s.status === "picking" ? (
        <>
          <p>
            <strong>{left ? fillCount(f, "left_to_scan", left) : f.all_scanned}</strong>
          </p>
          {left ? (
            <form method="post" action={`/console/pack/${s.id}/scan`} class="card">
              <Csrf ui={ui} />
              <label for="scan-code">{f.scan_item}</label>
              <p class="hint" id="scan-code-hint">
                {f.scan_hint}
              </p>
              <div class="actions floor-scan">
                <ScanInput name="code" required />
                <button type="submit">{f.confirm}</button>
              </div>
            </form>
          ) : (
            <form method="post" action={`/console/pack/${s.id}/pack`} class="card" aria-labelledby="pack-title">
              <Csrf ui={ui} />
              <h2 id="pack-title">{f.pack_form}</h2>
              {p && !Object.keys(p.fields).length ? (
                <p class="error-text" role="alert">
                  {p.text}
                </p>
              ) : null}
              <div class="filters">
                <div class="field">
                  <label for="pack-weight">{f.weight}</label>
                  <input
                    id="pack-weight"
                    name="weight"
                    inputmode="decimal"
                    autocomplete="off"
                    autofocus
                    value={v("weight")}
                    required
                    aria-invalid={p?.fields.weight ? "true" : undefined}
                  />
                  {p?.fields.weight ? (
                    <p class="error-text" role="alert">
                      {p.fields.weight}
                    </p>
                  ) : null}
                </div>
                <div class="field">
                  <label for="pack-unit">{f.unit}</label>
                  <select id="pack-unit" name="unit">
                    <option value="g" selected={v("unit") !== "kg"}>
                      {f.grams}
                    </option>
                    <option value="kg" selected={v("unit") === "kg"}>
                      {f.kilograms}
                    </option>
                  </select>
                </div>
                <div class="field">
                  <label for="pack-type">{f.package_type}</label>
                  <select id="pack-type" name="package_type">
                    {packageTypes.map((t) => (
                      <option value={t.code} selected={v("package_type") === t.code}>
                        {t.code} · {t.name}
                      </option>
                    ))}
                    <option value="" selected={packageTypes.length === 0 || (v("package_type") === "" && c.req.method === "POST")}>
                      {f.custom_package}
                    </option>
                  </select>
                  {packageTypes.length ? null : <p class="hint">{f.no_package_types}</p>}
                </div>
              </div>
              <details class="floor-dims" open={packageTypes.length === 0 || Boolean(p?.fields.dimensions) || Boolean(v("length_mm"))}>
                <summary>{f.dimensions}</summary>
                <div class="filters">
                  {(["length", "width", "height"] as const).map((d) => (
                    <div class="field">
                      <label for={`pack-${d}`}>{f[d]}</label>
                      <input id={`pack-${d}`} name={`${d}_mm`} type="number" inputmode="numeric" min="1" max="10000" value={v(`${d}_mm`)} />
                    </div>
                  ))}
                </div>
                {p?.fields.dimensions ? (
                  <p class="error-text" role="alert">
                    {p.fields.dimensions}
                  </p>
                ) : null}
              </details>
              {p?.mismatch || v("weight_override_reason") ? (
                <div class="field">
                  <label for="pack-override">{f.override_reason}</label>
                  <p class="hint">{f.override_hint}</p>
                  <input id="pack-override" name="weight_override_reason" maxlength={500} value={v("weight_override_reason")} />
                </div>
              ) : null}
              {short ? (
                <p>
                  <input id="pack-short" type="checkbox" name="accept_short" value="1" checked={v("accept_short") === "1"} />{" "}
                  <label for="pack-short" style="display:inline">
                    {f.accept_short}
                  </label>
                </p>
              ) : null}
              <div class="actions">
                <button type="submit">{f.pack}</button>
              </div>
            </form>
          )}
        </>
      ) : null}
      {!stop && s.status === "packed" && allows(ui.principal, "labels:create") ? (
        <form method="post" action={`/console/pack/${s.id}/label`} class="card">
          <Csrf ui={ui} />
          <h2>{f.label_title}</h2>
          <p>{f.packed_done}</p>
          <button type="submit">{f.buy_label}</button>
        </form>
      ) : null}
      {label?.ok ? (
        <section class="card" aria-labelledby="label-title">
          <h2 id="label-title">{f.label_title}</h2>
          <dl class="facts">
            <dt>{f.carrier}</dt>
            <dd>
              {label.body.carrier} · {label.body.service}
            </dd>
            <dt>{f.tracking}</dt>
            <dd class="mono">{label.body.tracking_number}</dd>
          </dl>
          <p class="actions">
            <a class="button" href={`/console/pack/${s.id}/label.pdf`} target="_blank" rel="noopener">
              {f.print_label}
            </a>
          </p>
        </section>
      ) : null}
      <p class="actions">
        <a class="button secondary" href="/console/pack">
          {f.next_shipment}
        </a>
      </p>
    </>,
  );
}

export async function shipmentPage(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const s = await shipmentOf(c, c.req.param("id") ?? "");
  if (!s) return notFoundPage(c);
  return renderShipment(c, s);
}

/** One unit scanned into the package: the API refuses an item not in it, or one more than was picked. */
export async function packScan(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const s = await shipmentOf(c, c.req.param("id") ?? "");
  if (!s) return notFoundPage(c);
  const code = formValue(c, "code");
  if (!code) return renderShipment(c, s, { result: { kind: "bad", text: f.scan_hint }, status: 422 });
  const r = await api<z.infer<typeof PackScanResult>>(c, `/v1/shipments/${s.id}/pack-scans`, { body: { code } });
  if (!r.ok) {
    const text = r.body.code === "wrong_item" ? fill(f.wrong_pack, { code }) : r.body.code === "already_scanned" ? fill(f.already_scanned, { code }) : problemText(r.body, ui.lang);
    return renderShipment(c, (await shipmentOf(c, s.id)) ?? s, { result: { kind: "bad", text }, status: r.status === 422 ? 422 : r.status === 404 ? 404 : 409 });
  }
  return doneRedirect(c, `/console/pack/${s.id}`, { kind: "ok", text: fillCount(f, "scanned_ok", r.body.remaining, { sku: r.body.sku }) });
}

/** Weigh and pack: the weight as the scale shows it, in a package type (or measured by hand). */
export async function packShipment(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const s = await shipmentOf(c, c.req.param("id") ?? "");
  if (!s) return notFoundPage(c);
  const grams = gramsOf(formValue(c, "weight"), formValue(c, "unit"));
  const type = formValue(c, "package_type");
  const dims = (["length", "width", "height"] as const).map((d) => formValue(c, `${d}_mm`));
  const fields: Record<string, string> = {};
  if (grams === null) fields.weight = f.weight_bad;
  if (!type && !dims.every((d) => /^\d{1,5}$/.test(d) && Number(d) >= 1 && Number(d) <= 10_000)) fields.dimensions = f.dimensions_bad;
  if (Object.keys(fields).length) return renderShipment(c, s, { problem: { text: Object.values(fields).join(" "), fields }, status: 422 });
  const pkg = type ? { package_type: type, weight_grams: grams } : { length_mm: Number(dims[0]), width_mm: Number(dims[1]), height_mm: Number(dims[2]), weight_grams: grams };
  const reason = formValue(c, "weight_override_reason");
  const r = await api<ShipmentBody>(c, `/v1/shipments/${s.id}/pack`, {
    body: { packages: [pkg], ...(reason ? { weight_override_reason: reason } : {}), accept_short: formValue(c, "accept_short") === "1" },
  });
  if (!r.ok) {
    const b = r.body as typeof r.body & { expected_grams?: number; measured_grams?: number; tolerance_grams?: number };
    if (b.code === "weight_mismatch") {
      const text = fill(f.weight_mismatch, { measured: b.measured_grams ?? grams ?? 0, expected: b.expected_grams ?? 0, tolerance: b.tolerance_grams ?? 0 });
      return renderShipment(c, s, { problem: { text, fields: {}, mismatch: true }, status: 409 });
    }
    const byField = fieldProblems(r.body);
    return renderShipment(c, (await shipmentOf(c, s.id)) ?? s, {
      problem: { text: problemText(r.body, ui.lang), fields: Object.keys(byField).some((k) => k.includes("weight")) ? { weight: problemText(r.body, ui.lang) } : {} },
      status: r.status === 422 ? 422 : 409,
    });
  }
  return doneRedirect(c, `/console/pack/${s.id}`, { kind: "ok", text: f.packed_done });
}

/** Buys the label the store's carrier policy chooses. */
export async function buyLabel(c: ConsoleContext) {
  const denied = need(c, "labels:create");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const s = await shipmentOf(c, c.req.param("id") ?? "");
  if (!s) return notFoundPage(c);
  const r = await api<LabelBody>(c, `/v1/shipments/${s.id}/label`, { body: {}, headers: { "idempotency-key": `console-label-${s.id}-${s.updated_at}` } });
  if (!r.ok) return renderShipment(c, s, { result: { kind: "bad", text: problemText(r.body, ui.lang) }, status: r.status === 422 ? 422 : 409 });
  return doneRedirect(c, `/console/pack/${s.id}`, { kind: "ok", text: fill(f.label_bought, { carrier: r.body.carrier, tracking: r.body.tracking_number }) });
}

/** The label's PDF, streamed from the API as it is. */
export async function labelPdf(c: ConsoleContext) {
  const denied = need(c, "labels:read");
  if (denied) return denied;
  const id = c.req.param("id") ?? "";
  if (!idPattern("shp").test(id)) return notFoundPage(c);
  const res = await apiRaw(c, `/v1/shipments/${id}/label.pdf`);
  if (!res.ok) return notFoundPage(c);
  const headers = new Headers({ "content-type": "application/pdf", "cache-control": "private, no-store" });
  const disposition = res.headers.get("content-disposition");
  if (disposition) headers.set("content-disposition", disposition);
  return new Response(res.body, { status: 200, headers });
}
