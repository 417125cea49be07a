/**
 * One supplier: its details (changed, deactivated or activated again by
 * those who manage purchasing) and what it supplies: its code for our SKU,
 * the price in its currency, the minimum order, the pack size and the lead
 * time, each item added, changed or taken off the list here.
 */
import type { z } from "@hono/zod-openapi";
import { allows } from "../../http/auth";
import type { SupplierItem } from "../../procurement/schemas";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { Field } from "../fields";
import { money } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { type ItemForm, parseSupplierChange, parseSupplierItem, parseWebhookChange, type SupplierForm } from "./forms";
import { purchasingPage, type Refusal, refusalOf, screenOf, type SupplierView, wordsOf } from "./frame";
import { NewSecret, Sending } from "./supplier-sending";
import { SupplierTerms, supplierFormOf } from "./suppliers";

type ItemView = z.infer<typeof SupplierItem>;

const base = (id: string) => `/console/purchasing/suppliers/${encodeURIComponent(id)}`;

export async function supplierPage(
  c: ConsoleContext,
  id: string,
  opts: {
    edit?: { form: SupplierForm; refusal: Refusal };
    item?: { form: ItemForm; refusal: Refusal };
    webhook?: { typed: string; refusal: Refusal };
    /** The signing secret the API just made: shown in this answer only, never kept by the console. */
    secret?: string;
  } = {},
): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const [found, itemList, stores] = await Promise.all([
    api<SupplierView>(c, `/v1/suppliers/${encodeURIComponent(id)}`),
    api<{ data: ItemView[] }>(c, `/v1/suppliers/${encodeURIComponent(id)}/items`),
    storesOf(c),
  ]);
  if (!found.ok) return notFoundPage(c);
  const s = found.body;
  const items = itemList.ok ? itemList.body.data : [];
  const cash = (a: string) => money(a, s.currency, ui.lang);
  const mayManage = allows(ui.principal, "procurement:manage");
  const picked = items.find((i) => i.sku === c.req.query("item"));
  const iv: Partial<ItemForm> = opts.item?.form ?? {
    sku: picked?.sku ?? "",
    supplier_sku: picked?.supplier_sku ?? "",
    unit_cost: picked?.unit_cost ?? "",
    min_order_qty: picked ? String(picked.min_order_qty) : "",
    pack_size: picked ? String(picked.pack_size) : "",
    lead_time_days: picked?.lead_time_days === null || !picked ? "" : String(picked.lead_time_days),
    preferred: picked?.preferred ?? false,
  };
  const ie = opts.item?.refusal.fields ?? {};
  const ev: Partial<SupplierForm> = opts.edit?.form ?? {
    name: s.name,
    contact_name: s.contact_name ?? "",
    email: s.email ?? "",
    phone: s.phone ?? "",
    payment_terms: s.payment_terms ?? "",
    payment_days: String(s.payment_days),
    lead_time_days: String(s.lead_time_days),
    over_receipt_pct: String(s.over_receipt_pct),
  };
  const badge = <span class={`badge ${s.active ? "ok" : ""}`.trim()}>{s.active ? p.active : p.inactive}</span>;
  return purchasingPage(
    c,
    screen,
    {
      title: s.name,
      status: opts.edit?.refusal.status ?? opts.item?.refusal.status ?? opts.webhook?.refusal.status,
      heading: (
        <h1>
          {s.name} {badge}
        </h1>
      ),
    },
    <>
      <TopProblem text={opts.edit?.refusal.top ?? opts.item?.refusal.top ?? opts.webhook?.refusal.top} />
      {opts.secret ? <NewSecret screen={screen} name={s.name} secret={opts.secret} /> : null}
      <p class="actions">
        <a href={`/console/purchasing?supplier=${encodeURIComponent(s.id)}`}>{p.its_orders}</a>
        {mayManage && s.active ? (
          <a class="button secondary" href={`/console/purchasing/new?supplier=${encodeURIComponent(s.id)}`}>
            {fill(p.order_from, { name: s.name })}
          </a>
        ) : null}
      </p>
      <section class="card" aria-labelledby="details-h">
        <h2 id="details-h">{p.details}</h2>
        <dl class="facts">
          <dt>{ui.t.store}</dt>
          <dd>{stores.find((x) => x.id === s.store_id)?.name ?? s.store_id}</dd>
          <dt>{p.currency}</dt>
          <dd class="mono">{s.currency}</dd>
          <dt>{p.contact_name}</dt>
          <dd>{s.contact_name ?? "—"}</dd>
          <dt>{p.email}</dt>
          <dd>{s.email ?? "—"}</dd>
          <dt>{p.phone}</dt>
          <dd>{s.phone ?? "—"}</dd>
          <dt>{p.payment_terms}</dt>
          <dd>{s.payment_terms ?? "—"}</dd>
          <dt>{p.payment_days}</dt>
          <dd>{fillCount(p, "days_n", s.payment_days)}</dd>
          <dt>{p.lead_time}</dt>
          <dd>{fillCount(p, "days_n", s.lead_time_days)}</dd>
          <dt>{p.tolerance}</dt>
          <dd>{fill(p.percent_n, { n: s.over_receipt_pct })}</dd>
          {s.note ? (
            <>
              <dt>{ui.t.note}</dt>
              <dd>{s.note}</dd>
            </>
          ) : null}
        </dl>
        {mayManage ? (
          <>
            <details class="purchasing-edit" open={opts.edit ? true : undefined}>
              <summary>{p.edit_supplier}</summary>
              <form method="post" action={base(s.id)} class="purchasing-form" novalidate>
                <Csrf ui={ui} />
                <SupplierTerms screen={screen} v={ev} e={opts.edit?.refusal.fields ?? {}} id="e-" />
                <div class="actions">
                  <button type="submit">{ui.t.save}</button>
                </div>
              </form>
            </details>
            <form method="post" action={`${base(s.id)}/active`} class="purchasing-form" data-confirm={s.active ? fill(p.confirm_deactivate, { name: s.name }) : undefined}>
              <Csrf ui={ui} />
              <input type="hidden" name="active" value={s.active ? "false" : "true"} />
              {s.active ? <p class="hint">{p.deactivate_hint}</p> : null}
              <button type="submit" class={s.active ? "danger" : "secondary"}>
                {s.active ? p.deactivate : p.reactivate}
              </button>
            </form>
          </>
        ) : null}
      </section>

      <Sending screen={screen} supplier={s} mayManage={mayManage} typed={opts.webhook?.typed} error={opts.webhook?.refusal.fields.webhook_url} />

      <section class="card" aria-labelledby="items-h">
        <h2 id="items-h">{p.items}</h2>
        {items.length === 0 ? (
          <p class="muted">{p.no_items}</p>
        ) : (
          <div class="table-wrap">
            <table class="stack purchasing-stack">
              <thead>
                <tr>
                  <th scope="col">{ui.t.sku}</th>
                  <th scope="col">{p.supplier_sku}</th>
                  <th scope="col" class="num">
                    {p.unit_cost}
                  </th>
                  <th scope="col" class="num">
                    {p.min_order}
                  </th>
                  <th scope="col" class="num">
                    {p.pack_size}
                  </th>
                  <th scope="col">{p.lead_time}</th>
                  <th scope="col">{p.preferred}</th>
                  {mayManage ? <th scope="col">{ui.t.actions}</th> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr>
                    <td data-label={ui.t.sku} class="mono">
                      {i.sku}
                    </td>
                    <td data-label={p.supplier_sku} class="mono">
                      {i.supplier_sku ?? "—"}
                    </td>
                    <td data-label={p.unit_cost} class="num">
                      {cash(i.unit_cost)}
                    </td>
                    <td data-label={p.min_order} class="num">
                      {i.min_order_qty}
                    </td>
                    <td data-label={p.pack_size} class="num">
                      {i.pack_size}
                    </td>
                    <td data-label={p.lead_time}>{i.lead_time_days === null ? fillCount(p, "suppliers_days", s.lead_time_days) : fillCount(p, "days_n", i.lead_time_days)}</td>
                    <td data-label={p.preferred} data-preferred={i.preferred ? "true" : "false"}>
                      {i.preferred ? <span class="badge ok">{p.preferred_yes}</span> : "—"}
                    </td>
                    {mayManage ? (
                      <td data-label={ui.t.actions}>
                        <div class="actions">
                          <a class="button secondary" href={`${base(s.id)}?item=${encodeURIComponent(i.sku)}#item-form`}>
                            {p.change_item}
                          </a>
                          <form method="post" action={`${base(s.id)}/items/remove`} data-confirm={fill(p.confirm_remove, { sku: i.sku })}>
                            <Csrf ui={ui} />
                            <input type="hidden" name="sku" value={i.sku} />
                            <button type="submit" class="secondary" aria-label={`${p.remove_item} ${i.sku}`}>
                              {p.remove_item}
                            </button>
                          </form>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {mayManage ? (
          <form method="post" action={`${base(s.id)}/items`} class="purchasing-form" id="item-form" novalidate>
            <Csrf ui={ui} />
            <h3>{p.item_form_title}</h3>
            <p class="hint">{p.item_form_hint}</p>
            <div class="grid">
              <Field id="i-sku" name="sku" label={ui.t.sku} value={iv.sku} error={ie.sku} maxlength={64} required />
              <Field id="i-supplier_sku" name="supplier_sku" label={p.supplier_sku} value={iv.supplier_sku} error={ie.supplier_sku} maxlength={64} />
              <Field
                id="i-unit_cost"
                name="unit_cost"
                label={fill(p.unit_cost_in, { currency: s.currency })}
                value={iv.unit_cost}
                error={ie.unit_cost}
                inputmode="decimal"
                required
              />
              <Field id="i-min_order_qty" name="min_order_qty" label={p.min_order} hint={p.min_order_hint} value={iv.min_order_qty} error={ie.min_order_qty} inputmode="numeric" />
              <Field id="i-pack_size" name="pack_size" label={p.pack_size} hint={p.pack_size_hint} value={iv.pack_size} error={ie.pack_size} inputmode="numeric" />
              <Field
                id="i-lead_time_days"
                name="lead_time_days"
                label={p.lead_time_days}
                hint={fillCount(p, "item_lead_time_hint", s.lead_time_days)}
                value={iv.lead_time_days}
                error={ie.lead_time_days}
                inputmode="numeric"
              />
            </div>
            <div class="field">
              <label class="check">
                <input type="checkbox" id="i-preferred" name="preferred" value="true" checked={iv.preferred} aria-describedby="i-preferred-hint" /> {p.preferred_label}
              </label>
              <p class="hint" id="i-preferred-hint">
                {p.preferred_hint}
              </p>
            </div>
            <div class="actions">
              <button type="submit">{p.save_item}</button>
            </div>
          </form>
        ) : null}
      </section>
    </>,
  );
}

export async function changeSupplier(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const form = supplierFormOf(c);
  const parsed = parseSupplierChange(form);
  if (!parsed.ok) return supplierPage(c, id, { edit: { form, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } } });
  const r = await api<SupplierView>(c, `/v1/suppliers/${encodeURIComponent(id)}`, { method: "PATCH", body: parsed.body });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : supplierPage(c, id, { edit: { form, refusal: refusalOf(screen, r) } });
  return doneRedirect(c, base(id), { kind: "ok", text: fill(p.supplier_saved, { name: r.body.name }) });
}

/** The webhook address: sent only when it differs from the supplier's; a new one's secret is shown on the page this once. */
export async function changeWebhook(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const typed = formValue(c, "webhook_url");
  const now = await api<SupplierView>(c, `/v1/suppliers/${encodeURIComponent(id)}`);
  if (!now.ok) return notFoundPage(c);
  const parsed = parseWebhookChange(typed, now.body.webhook_url);
  if (!parsed.ok) return supplierPage(c, id, { webhook: { typed, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } } });
  if (!parsed.body) return doneRedirect(c, base(id), { kind: "ok", text: p.webhook_unchanged });
  const r = await api<SupplierView>(c, `/v1/suppliers/${encodeURIComponent(id)}`, { method: "PATCH", body: parsed.body });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : supplierPage(c, id, { webhook: { typed, refusal: refusalOf(screen, r) } });
  // Rendered, not redirected: the secret must not travel in the flash cookie, and a reload cannot show it again.
  if (r.body.webhook_secret) return supplierPage(c, id, { secret: r.body.webhook_secret });
  return doneRedirect(c, base(id), { kind: r.body.webhook_url ? "ok" : "warn", text: fill(r.body.webhook_url ? p.webhook_saved : p.webhook_cleared, { name: r.body.name }) });
}

export async function setSupplierActive(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const active = formValue(c, "active") === "true";
  const r = await api<SupplierView>(c, `/v1/suppliers/${encodeURIComponent(id)}`, { method: "PATCH", body: { active } });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : doneRedirect(c, base(id), { kind: "bad", text: refusalOf(screen, r).top });
  return doneRedirect(c, base(id), { kind: active ? "ok" : "warn", text: fill(active ? p.reactivated : p.deactivated, { name: r.body.name }) });
}

export async function putItem(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const keys = ["sku", "supplier_sku", "unit_cost", "min_order_qty", "pack_size", "lead_time_days"] as const;
  const form = { ...Object.fromEntries(keys.map((k) => [k, formValue(c, k)])), preferred: formValue(c, "preferred") === "true" } as ItemForm;
  const parsed = parseSupplierItem(form);
  if (!parsed.ok) return supplierPage(c, id, { item: { form, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } } });
  const { sku, item } = parsed.body;
  const r = await api<ItemView>(c, `/v1/suppliers/${encodeURIComponent(id)}/items/${encodeURIComponent(sku)}`, { method: "PUT", body: item });
  if (!r.ok) return r.status === 404 ? notFoundPage(c) : supplierPage(c, id, { item: { form, refusal: refusalOf(screen, r) } });
  return doneRedirect(c, base(id), { kind: "ok", text: fill(p.item_saved, { sku, cost: money(r.body.unit_cost, r.body.currency, ui.lang) }) });
}

export async function removeItem(c: ConsoleContext, id: string): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const sku = formValue(c, "sku");
  const r = await api(c, `/v1/suppliers/${encodeURIComponent(id)}/items/${encodeURIComponent(sku)}`, { method: "DELETE" });
  if (!r.ok) return doneRedirect(c, base(id), { kind: "bad", text: refusalOf(screen, r).top });
  return doneRedirect(c, base(id), { kind: "ok", text: fill(p.item_removed, { sku }) });
}
