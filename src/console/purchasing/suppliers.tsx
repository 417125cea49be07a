/**
 * Suppliers: the list (name, currency, lead time, active) and, for those who
 * manage purchasing, the form that adds one to a store. A refused form comes
 * back as typed with a word beside each field, and nothing written.
 */
import type { Child } from "hono/jsx";
import { allows } from "../../http/auth";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { Field } from "../fields";
import { doneRedirect, formValue } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { parseNewSupplier, type SupplierForm } from "./forms";
import { purchasingPage, type Refusal, refusalOf, type Screen, screenOf, type SupplierView, wordsOf } from "./frame";

export const SUPPLIER_FIELDS = ["name", "contact_name", "email", "phone", "payment_terms", "payment_days", "lead_time_days", "over_receipt_pct"] as const;

/** The supplier fields both forms share, as typed (`v`) with their problems (`e`); ids are prefixed by `id`. */
export function SupplierTerms({ screen, v, e, id, afterName }: { screen: Screen; v: Partial<SupplierForm>; e: Record<string, string>; id: string; afterName?: Child }) {
  const { p } = screen;
  return (
    <>
      <Field id={`${id}name`} name="name" label={p.name} value={v.name} error={e.name} maxlength={200} required />
      {afterName ?? null}
      <Field id={`${id}contact_name`} name="contact_name" label={p.contact_name} value={v.contact_name} error={e.contact_name} maxlength={200} />
      <Field id={`${id}email`} name="email" type="email" label={p.email} value={v.email} error={e.email} maxlength={254} />
      <Field id={`${id}phone`} name="phone" type="tel" label={p.phone} value={v.phone} error={e.phone} maxlength={40} />
      <Field id={`${id}payment_terms`} name="payment_terms" label={p.payment_terms} hint={p.payment_terms_hint} value={v.payment_terms} error={e.payment_terms} maxlength={200} />
      <Field id={`${id}payment_days`} name="payment_days" label={p.payment_days} hint={p.payment_days_hint} value={v.payment_days} error={e.payment_days} inputmode="numeric" />
      <Field
        id={`${id}lead_time_days`}
        name="lead_time_days"
        label={p.lead_time_days}
        hint={p.lead_time_hint}
        value={v.lead_time_days}
        error={e.lead_time_days}
        inputmode="numeric"
      />
      <Field
        id={`${id}over_receipt_pct`}
        name="over_receipt_pct"
        label={p.over_receipt_pct}
        hint={p.over_receipt_hint}
        value={v.over_receipt_pct}
        error={e.over_receipt_pct}
        inputmode="numeric"
      />
    </>
  );
}

export async function suppliersPage(c: ConsoleContext, opts: { form?: SupplierForm; refusal?: Refusal } = {}): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const cursor = c.req.query("cursor") ?? "";
  const [list, stores] = await Promise.all([api<{ data: SupplierView[]; next_cursor: string | null }>(c, "/v1/suppliers", { query: { limit: 100, cursor } }), storesOf(c)]);
  const rows = list.ok ? list.body.data : [];
  const storeName = new Map(stores.map((s) => [s.id, s.name]));
  const manyStores = stores.length > 1;
  const mayManage = allows(ui.principal, "procurement:manage");
  const v: Partial<SupplierForm> = opts.form ?? { store_id: stores.length === 1 ? stores[0]!.id : "", currency: stores[0]?.currency ?? "" };
  const e = opts.refusal?.fields ?? {};
  return purchasingPage(
    c,
    screen,
    { title: p.suppliers_title, status: opts.refusal?.status },
    <>
      <TopProblem text={opts.refusal?.top} />
      {rows.length === 0 ? (
        <p class="card">{p.no_suppliers}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">{p.name}</th>
                {manyStores ? <th scope="col">{ui.t.store}</th> : null}
                <th scope="col">{p.currency}</th>
                <th scope="col">{p.lead_time}</th>
                <th scope="col">{ui.t.status}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr>
                  <td data-label={p.name}>
                    <a href={`/console/purchasing/suppliers/${encodeURIComponent(s.id)}`}>{s.name}</a>
                  </td>
                  {manyStores ? <td data-label={ui.t.store}>{storeName.get(s.store_id) ?? s.store_id}</td> : null}
                  <td data-label={p.currency} class="mono">
                    {s.currency}
                  </td>
                  <td data-label={p.lead_time}>{fillCount(p, "days_n", s.lead_time_days)}</td>
                  <td data-label={ui.t.status}>
                    <span class={`badge ${s.active ? "ok" : ""}`.trim()}>{s.active ? p.active : p.inactive}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.ok && list.body.next_cursor ? (
        <div class="pager">
          <a href={`/console/purchasing/suppliers?cursor=${encodeURIComponent(list.body.next_cursor)}`}>{ui.t.next_page}</a>
        </div>
      ) : null}
      {mayManage ? (
        <form method="post" action="/console/purchasing/suppliers" class="card purchasing-form" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="_idem" value={crypto.randomUUID()} />
          <h2>{p.new_supplier}</h2>
          <div class="field">
            <label for="s-store">{ui.t.store}</label>
            <select id="s-store" name="store_id" required aria-invalid={e.store_id ? "true" : undefined} aria-describedby={e.store_id ? "s-store-error" : undefined}>
              {stores.length === 1 ? null : <option value="">{p.choose}</option>}
              {stores.map((s) => (
                <option value={s.id} selected={s.id === v.store_id}>
                  {s.name}
                </option>
              ))}
            </select>
            {e.store_id ? (
              <p class="error-text" id="s-store-error">
                {e.store_id}
              </p>
            ) : null}
          </div>
          <SupplierTerms
            screen={screen}
            v={v}
            e={e}
            id="s-"
            afterName={<Field id="s-currency" name="currency" label={p.currency} hint={p.currency_hint} value={v.currency} error={e.currency} maxlength={3} required />}
          />
          <div class="actions">
            <button type="submit">{p.add_supplier}</button>
          </div>
        </form>
      ) : null}
    </>,
  );
}

/** The supplier form as posted. */
export function supplierFormOf(c: ConsoleContext): SupplierForm {
  const v = (k: keyof SupplierForm) => formValue(c, k);
  return {
    store_id: v("store_id"),
    name: v("name"),
    currency: v("currency"),
    contact_name: v("contact_name"),
    email: v("email"),
    phone: v("phone"),
    payment_terms: v("payment_terms"),
    payment_days: v("payment_days"),
    lead_time_days: v("lead_time_days"),
    over_receipt_pct: v("over_receipt_pct"),
  };
}

export async function addSupplier(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const form = supplierFormOf(c);
  const parsed = parseNewSupplier(form);
  if (!parsed.ok) return suppliersPage(c, { form, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } });
  const idem = formValue(c, "_idem");
  const r = await api<SupplierView>(c, "/v1/suppliers", { body: parsed.body, ...(idem ? { headers: { "idempotency-key": `console-supplier-${idem}` } } : {}) });
  if (!r.ok) return suppliersPage(c, { form, refusal: refusalOf(screen, r) });
  return doneRedirect(c, `/console/purchasing/suppliers/${encodeURIComponent(r.body.id)}`, { kind: "ok", text: fill(p.supplier_added, { name: r.body.name }) });
}
