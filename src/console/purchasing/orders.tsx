/**
 * Purchase orders: the list, newest first, filtered by state and supplier;
 * and the form that makes a new one as a draft (a supplier, a warehouse of
 * ours, an expected date, a note and a few lines), showing the chosen
 * supplier's prices beside it.
 */
import type { z } from "@hono/zod-openapi";
import { PURCHASE_ORDER_STATUSES } from "../../db/schema";
import type { PurchaseOrder, PurchaseOrderSummary, SupplierItem } from "../../procurement/schemas";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { Field } from "../fields";
import { count, date, money } from "../format";
import { doneRedirect, formValue } from "../guard";
import { fill } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { formFieldOf, type NewOrderForm, parseNewOrder } from "./forms";
import { PoStatus, purchasingPage, type Refusal, refusalOf, screenOf, statusLabel, suppliersOf, warehousesOf, wordsOf } from "./frame";

type Summary = z.infer<typeof PurchaseOrderSummary>;
type ItemView = z.infer<typeof SupplierItem>;

export const orderLink = (id: string) => `/console/purchasing/orders/${encodeURIComponent(id)}`;

export async function ordersPage(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const asked = c.req.query("status") ?? "";
  const status = (PURCHASE_ORDER_STATUSES as readonly string[]).includes(asked) ? asked : "";
  const supplier = c.req.query("supplier") ?? "";
  const cursor = c.req.query("cursor") ?? "";
  const [list, suppliers, warehouses, stores] = await Promise.all([
    api<{ data: Summary[]; next_cursor: string | null }>(c, "/v1/purchase-orders", { query: { status, supplier_id: supplier, cursor, limit: 50 } }),
    suppliersOf(c),
    warehousesOf(c),
    storesOf(c),
  ]);
  const rows = list.ok ? list.body.data : [];
  const whName = new Map(warehouses.map((w) => [w.id, w.name]));
  const zoneOf = new Map(stores.map((s) => [s.id, s.timezone]));
  const next = (cursorValue: string) => `/console/purchasing?${new URLSearchParams({ ...(status ? { status } : {}), ...(supplier ? { supplier } : {}), cursor: cursorValue })}`;
  return purchasingPage(
    c,
    screen,
    { title: p.orders_title },
    <>
      <form method="get" action="/console/purchasing" class="filters card">
        <div class="field">
          <label for="f-status">{ui.t.status}</label>
          <select id="f-status" name="status">
            <option value="">{p.any_status}</option>
            {PURCHASE_ORDER_STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {statusLabel(p, s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-supplier">{p.supplier}</label>
          <select id="f-supplier" name="supplier">
            <option value="">{p.any_supplier}</option>
            {suppliers.map((s) => (
              <option value={s.id} selected={s.id === supplier}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{ui.t.filter}</button>
          <a class="button secondary" href="/console/purchasing">
            {ui.t.reset}
          </a>
        </div>
      </form>
      {rows.length === 0 ? (
        <p class="card">{p.no_orders}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack purchasing-stack">
            <thead>
              <tr>
                <th scope="col">{p.order}</th>
                <th scope="col">{p.supplier}</th>
                <th scope="col">{ui.t.warehouse}</th>
                <th scope="col" class="num">
                  {p.total}
                </th>
                <th scope="col" class="num">
                  {p.units_received}
                </th>
                <th scope="col">{p.expected}</th>
                <th scope="col">{ui.t.status}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr>
                  <td data-label={p.order}>
                    <a href={orderLink(o.id)} class="mono">
                      {o.id}
                    </a>
                  </td>
                  <td data-label={p.supplier}>{o.supplier_name}</td>
                  <td data-label={ui.t.warehouse}>{whName.get(o.warehouse_id) ?? o.warehouse_id}</td>
                  <td data-label={p.total} class="num">
                    {money(o.total, o.currency, ui.lang)}
                  </td>
                  <td data-label={p.units_received} class="num" data-received>
                    {fill(p.received_of, { received: count(o.received_units, ui.lang), ordered: count(o.units, ui.lang) })}
                  </td>
                  <td data-label={p.expected}>{o.expected_at ? date(o.expected_at, zoneOf.get(o.store_id) ?? "UTC", ui.lang) : "—"}</td>
                  <td data-label={ui.t.status}>
                    <PoStatus p={p} status={o.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.ok && list.body.next_cursor ? (
        <div class="pager">
          <a href={next(list.body.next_cursor)}>{ui.t.next_page}</a>
        </div>
      ) : null}
    </>,
  );
}

// ---------------------------------------------------------------- a new purchase order

/** Line rows on the form: a handful covers most orders (a longer one is made through the API). */
const ROWS = 5;

export async function newOrderPage(c: ConsoleContext, opts: { form?: NewOrderForm; refusal?: Refusal } = {}): Promise<Response> {
  const screen = screenOf(c);
  const { ui, p } = screen;
  const [suppliers, warehouses] = await Promise.all([suppliersOf(c, { active: "true" }), warehousesOf(c)]);
  const own = warehouses.filter((w) => w.kind === "own" && w.active);
  const chosen = opts.form?.supplier_id ?? c.req.query("supplier") ?? "";
  const supplier = suppliers.find((s) => s.id === chosen);
  const items = supplier ? await api<{ data: ItemView[] }>(c, `/v1/suppliers/${encodeURIComponent(supplier.id)}/items`) : null;
  const priced = items?.ok ? items.body.data : [];
  const v: Partial<NewOrderForm> = opts.form ?? { supplier_id: chosen, warehouse_id: own.length === 1 ? own[0]!.id : "" };
  const e = opts.refusal?.fields ?? {};
  const rows = Math.max(ROWS, opts.form?.skus.length ?? 0);
  const select = (name: "supplier_id" | "warehouse_id", label: string, options: { id: string; name: string }[]) => (
    <div class="field">
      <label for={`o-${name}`}>{label}</label>
      <select id={`o-${name}`} name={name} required aria-invalid={e[name] ? "true" : undefined} aria-describedby={e[name] ? `o-${name}-error` : undefined}>
        <option value="">{p.choose}</option>
        {options.map((o) => (
          <option value={o.id} selected={o.id === v[name]}>
            {o.name}
          </option>
        ))}
      </select>
      {e[name] ? (
        <p class="error-text" id={`o-${name}-error`}>
          {e[name]}
        </p>
      ) : null}
    </div>
  );
  return purchasingPage(
    c,
    screen,
    { title: p.new_order_title, status: opts.refusal?.status },
    <>
      <TopProblem text={opts.refusal?.top} />
      {suppliers.length === 0 ? <p class="card">{p.no_active_suppliers}</p> : null}
      <div class="purchasing-split">
        {supplier && priced.length ? (
          <aside class="card" aria-labelledby="prices-h">
            <h2 id="prices-h">{fill(p.price_list, { name: supplier.name })}</h2>
            <ul class="purchasing-prices">
              {priced.map((i) => (
                <li>{fill(p.price_line, { sku: i.sku, cost: money(i.unit_cost, i.currency, ui.lang), min: i.min_order_qty, pack: i.pack_size })}</li>
              ))}
            </ul>
          </aside>
        ) : null}
        <form method="post" action="/console/purchasing/new" class="card purchasing-form" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="_idem" value={crypto.randomUUID()} />
          <input type="hidden" name="rows" value={String(rows)} />
          <p class="hint">{p.new_order_intro}</p>
          {select(
            "supplier_id",
            p.supplier,
            suppliers.map((s) => ({ id: s.id, name: `${s.name} (${s.currency})` })),
          )}
          {select("warehouse_id", ui.t.warehouse, own)}
          <Field id="o-expected_date" name="expected_date" type="date" label={p.expected_date} hint={p.expected_hint} value={v.expected_date} error={e.expected_date} />
          <Field id="o-note" name="note" label={ui.t.note} value={v.note} error={e.note} maxlength={2000} />
          <h2>{p.lines}</h2>
          {e.lines ? <p class="error-text">{e.lines}</p> : null}
          {priced.length ? (
            <datalist id="supplier-skus">
              {priced.map((i) => (
                <option value={i.sku} />
              ))}
            </datalist>
          ) : null}
          {Array.from({ length: rows }, (_, i) => (
            <fieldset class="purchasing-line">
              <legend>{fill(p.line_n, { n: i + 1 })}</legend>
              <LineInput id={`sku.${i}`} label={ui.t.sku} value={v.skus?.[i]} error={e[`sku.${i}`]} list={priced.length ? "supplier-skus" : undefined} />
              <LineInput id={`quantity.${i}`} label={ui.t.quantity} value={v.quantities?.[i]} error={e[`quantity.${i}`]} inputmode="numeric" />
              <LineInput id={`unit_cost.${i}`} label={p.line_cost} value={v.unit_costs?.[i]} error={e[`unit_cost.${i}`]} inputmode="decimal" />
            </fieldset>
          ))}
          <p class="hint">{p.line_cost_hint}</p>
          <div class="actions">
            <button type="submit">{p.save_draft}</button>
          </div>
        </form>
      </div>
    </>,
  );
}

/** One input of a line row: labelled, with its problem beside it. */
function LineInput(props: { id: string; label: string; value: string | undefined; error: string | undefined; inputmode?: "numeric" | "decimal"; list?: string | undefined }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        value={props.value ?? ""}
        autocomplete="off"
        inputmode={props.inputmode}
        list={props.list}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
      />
      {props.error ? (
        <p class="error-text" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export async function createOrder(c: ConsoleContext): Promise<Response> {
  const screen = screenOf(c);
  const { p } = screen;
  const n = Math.min(Math.max(Number(formValue(c, "rows")) || ROWS, 1), 50);
  const each = (name: string) => Array.from({ length: n }, (_, i) => formValue(c, `${name}.${i}`));
  const form: NewOrderForm = {
    supplier_id: formValue(c, "supplier_id"),
    warehouse_id: formValue(c, "warehouse_id"),
    expected_date: formValue(c, "expected_date"),
    note: formValue(c, "note"),
    skus: each("sku"),
    quantities: each("quantity"),
    unit_costs: each("unit_cost"),
  };
  const parsed = parseNewOrder(form);
  if (!parsed.ok) return newOrderPage(c, { form, refusal: { status: 422, top: p.fix_below, fields: wordsOf(p, parsed.errors) } });
  const idem = formValue(c, "_idem");
  const r = await api<z.infer<typeof PurchaseOrder>>(c, "/v1/purchase-orders", {
    body: parsed.body,
    ...(idem ? { headers: { "idempotency-key": `console-po-${idem}` } } : {}),
  });
  if (!r.ok) return newOrderPage(c, { form, refusal: refusalOf(screen, r, (f) => formFieldOf(f, parsed.rows)) });
  return doneRedirect(c, orderLink(r.body.id), { kind: "ok", text: p.order_created });
}
