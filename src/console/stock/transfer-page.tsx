/**
 * One transfer: where from and to, its lines (the bin each left from, what
 * was sent and what arrived) and, until every unit is in, the receipt at the
 * destination: one scanned bin and how many of each line arrived. A form
 * sent twice (a double tap) is one receipt: it carries an idempotency key.
 */
import type { z } from "@hono/zod-openapi";
import { allows } from "../../http/auth";
import type { Bin } from "../../inventory/schemas";
import { api } from "../api";
import { type ConsoleContext, formatsOf } from "../context";
import { Field } from "../fields";
import { count, dateTime, money } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { problemText } from "../problems";
import { namesOf } from "../purchasing/frame";
import { fieldOf, parseTransferReceipt } from "./forms";
import { type StockScreen, stockPage, whLink, wordsOf } from "./frame";
import { TransferStatus, type TransferView, warehouseName } from "./transfers";

type Refusal = { status: 404 | 409 | 422; top: string; fields: Record<string, string> };
type ReceiveForm = { bin: string; quantities: Record<number, string> };

export async function transferPage(c: ConsoleContext, screen: StockScreen, id: string, opts: { form?: ReceiveForm; refusal?: Refusal } = {}): Promise<Response> {
  const { ui, s } = screen;
  const r = await api<TransferView>(c, `/v1/transfers/${encodeURIComponent(id)}`);
  if (!r.ok) return notFoundPage(c);
  const t = r.body;
  const [bins, formats, nameOf] = await Promise.all([
    api<{ data: z.infer<typeof Bin>[] }>(c, `/v1/warehouses/${t.from_warehouse_id}/bins`, { query: { limit: 200 } }),
    formatsOf(c),
    namesOf(c, [t.created_by]),
  ]);
  const binCode = new Map((bins.ok ? bins.body.data : []).map((b) => [b.id, b.code]));
  const open = t.lines.filter((l) => l.received_qty < l.quantity);
  // Received at the destination, by people who work there: the source's people follow it without the form.
  const mayReceive = allows(ui.principal, "inventory:write") && t.status !== "received" && screen.warehouses.some((w) => w.id === t.to_warehouse_id);
  const form: ReceiveForm = opts.form ?? { bin: "", quantities: Object.fromEntries(open.map((l) => [l.line_no, String(l.quantity - l.received_qty)])) };
  const e = opts.refusal?.fields ?? {};
  const to = warehouseName(screen, t.to_warehouse_id);
  return stockPage(
    c,
    screen,
    { title: fill(s.transfer_title, { id: t.id }), picker: false, ...(opts.refusal ? { status: opts.refusal.status } : {}) },
    <>
      <TopProblem text={opts.refusal?.top} />
      <dl class="card facts">
        <dt>{s.status}</dt>
        <dd>
          <TransferStatus s={s} status={t.status} /> {fill(s.received_of, { received: count(t.received_units, ui.lang), units: count(t.units, ui.lang) })}
        </dd>
        <dt>{s.from_wh}</dt>
        <dd>
          <a href={whLink("/console/stock/transfers", t.from_warehouse_id)}>{warehouseName(screen, t.from_warehouse_id)}</a>
        </dd>
        <dt>{s.to_wh}</dt>
        <dd>
          <a href={whLink("/console/stock/transfers", t.to_warehouse_id)}>{to}</a>
        </dd>
        <dt>{s.sent_at}</dt>
        <dd>{`${dateTime(t.created_at, formats.timeZone, ui.lang)} · ${nameOf(t.created_by)}`}</dd>
        <dt>{s.received_at}</dt>
        <dd>{t.received_at ? dateTime(t.received_at, formats.timeZone, ui.lang) : "—"}</dd>
        {t.note ? (
          <>
            <dt>{s.note}</dt>
            <dd>{t.note}</dd>
          </>
        ) : null}
      </dl>
      <div class="table-wrap">
        <table class="stack stock-stack">
          <thead>
            <tr>
              <th scope="col">{s.line_no}</th>
              <th scope="col">{ui.t.sku}</th>
              <th scope="col">{s.from_bin}</th>
              <th scope="col" class="num">
                {s.quantity_sent}
              </th>
              <th scope="col" class="num">
                {s.quantity_received}
              </th>
              <th scope="col" class="num">
                {s.unit_cost_col}
              </th>
            </tr>
          </thead>
          <tbody>
            {t.lines.map((l) => (
              <tr>
                <td data-label={s.line_no}>{l.line_no}</td>
                <td data-label={ui.t.sku} class="mono">
                  {l.sku}
                </td>
                <td data-label={s.from_bin} class="mono">
                  {binCode.get(l.from_bin_id) ?? l.from_bin_id}
                </td>
                <td data-label={s.quantity_sent} class="num">
                  {count(l.quantity, ui.lang)}
                </td>
                <td data-label={s.quantity_received} class="num">
                  {count(l.received_qty, ui.lang)}
                </td>
                <td data-label={s.unit_cost_col} class="num">
                  {l.unit_cost === null ? "—" : money(l.unit_cost, l.currency, ui.lang)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {t.status === "received" ? <p class="card">{s.transfer_done}</p> : null}
      {mayReceive ? (
        <form method="post" action={`/console/stock/transfers/${encodeURIComponent(t.id)}/receive`} class="card stock-form" novalidate>
          <Csrf ui={ui} />
          <input type="hidden" name="warehouse" value={screen.wh.id} />
          <input type="hidden" name="_idem" value={crypto.randomUUID()} />
          <h2>{fill(s.receive_transfer_title, { warehouse: to })}</h2>
          <p class="hint">{s.receive_transfer_intro}</p>
          <Field id="bin" label={s.bin} hint={s.bin_hint} value={form.bin} error={e.bin} scan focus next required />
          {e.lines ? <p class="error-text">{e.lines}</p> : null}
          {open.map((l) => (
            <Field
              id={`quantity.${l.line_no}`}
              label={fill(s.to_receive, { sku: l.sku, n: count(l.quantity - l.received_qty, ui.lang) })}
              value={form.quantities[l.line_no] ?? ""}
              error={e[`quantity.${l.line_no}`]}
              inputmode="numeric"
              next
            />
          ))}
          <div class="actions">
            <button type="submit">{s.receive_transfer_button}</button>
          </div>
        </form>
      ) : null}
    </>,
  );
}

export async function receiveTransfer(c: ConsoleContext, screen: StockScreen, id: string): Promise<Response> {
  const { ui, s } = screen;
  const found = await api<TransferView>(c, `/v1/transfers/${encodeURIComponent(id)}`);
  if (!found.ok) return notFoundPage(c);
  const t = found.body;
  const form: ReceiveForm = { bin: formValue(c, "bin"), quantities: Object.fromEntries(t.lines.map((l) => [l.line_no, formValue(c, `quantity.${l.line_no}`)])) };
  const parsed = parseTransferReceipt({ bin: form.bin, lines: t.lines.map((l) => ({ line_no: l.line_no, quantity: form.quantities[l.line_no] ?? "" })) });
  if (!parsed.ok) return transferPage(c, screen, id, { form, refusal: { status: 422, top: s.fix_below, fields: wordsOf(s, parsed.errors) } });
  const idem = formValue(c, "_idem");
  const r = await api<TransferView>(c, `/v1/transfers/${encodeURIComponent(id)}/receipts`, {
    body: parsed.body,
    ...(idem ? { headers: { "idempotency-key": `console-transfer-receive-${idem}` } } : {}),
  });
  if (!r.ok) {
    const fields: Record<string, string> = {};
    for (const err of r.body.errors ?? []) {
      const name = fieldOf(err.field);
      if (!fields[name]) fields[name] = name === "bin" && /no active storage bin/.test(err.message) ? s.unknown_bin : err.message;
    }
    const known: Record<string, string> = { over_receipt: s.over_receipt, not_receivable: s.not_receivable };
    const top = Object.keys(fields).length ? s.fix_below : (known[r.body.code ?? ""] ?? problemText(r.body, ui.lang));
    return transferPage(c, screen, id, { form, refusal: { status: r.status === 404 ? 404 : r.status === 409 ? 409 : 422, top, fields } });
  }
  const units = parsed.body.lines.reduce((n, l) => n + l.quantity, 0);
  const bin = parsed.body.lines[0]!.bin;
  return doneRedirect(c, whLink(`/console/stock/transfers/${encodeURIComponent(id)}`, screen.wh.id), {
    kind: "ok",
    text: fillCount(s, "received_transfer_ok", units, { id, units: count(units, ui.lang), bin }),
  });
}
