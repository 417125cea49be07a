/**
 * Transfers between our warehouses, seen from one of them: the list of those
 * leaving or arriving (newest first), and sending a new one from here. The
 * send form works with a scanner (SKU, then the bin it leaves from, then how
 * many, row after row) and without JavaScript; a refused form comes back
 * whole with the problem beside its field, and nothing moved.
 */
import type { z } from "@hono/zod-openapi";
import { allows } from "../../http/auth";
import type { StockLevel } from "../../inventory/schemas";
import type { StockTransfer, StockTransferList } from "../../procurement/schemas";
import { TRANSFER_STATUSES } from "../../db/schema";
import { api } from "../api";
import { type ConsoleContext, formatsOf } from "../context";
import { Field } from "../fields";
import { count, dateTime } from "../format";
import { doneRedirect, formValue } from "../guard";
import { fill, fillCount } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { problemText } from "../problems";
import { namesOf } from "../purchasing/frame";
import { parseTransfer, type TransferRow, transferFieldOf } from "./forms";
import { type StockScreen, stockPage, whLink, wordsOf } from "./frame";
import type { StockText } from "./text";

export type TransferView = z.infer<typeof StockTransfer>;
type Status = 200 | 400 | 404 | 409 | 422;

const BADGE: Record<string, string> = { in_transit: "info", partially_received: "warn", received: "ok" };
export const transferStatusLabel = (s: StockText, status: string) => (s as Record<string, string>)[`status_${status}`] ?? status;
export function TransferStatus({ s, status }: { s: StockText; status: string }) {
  return <span class={`badge ${BADGE[status] ?? ""}`.trim()}>{transferStatusLabel(s, status)}</span>;
}

/** A warehouse's name for the reader, or its id when the reader does not see it. */
export const warehouseName = (screen: StockScreen, id: string) => screen.warehouses.find((w) => w.id === id)?.name ?? id;

export async function transfersPage(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { ui, s, wh } = screen;
  const status = (TRANSFER_STATUSES as readonly string[]).includes(c.req.query("status") ?? "") ? c.req.query("status")! : "";
  const cursor = c.req.query("cursor") ?? "";
  const [list, formats] = await Promise.all([
    api<z.infer<typeof StockTransferList>>(c, "/v1/transfers", { query: { warehouse_id: wh.id, status, cursor, limit: 50 } }),
    formatsOf(c),
  ]);
  const rows = list.ok ? list.body.data : [];
  const nameOf = await namesOf(
    c,
    rows.map((t) => t.created_by),
  );
  const name = (id: string) => warehouseName(screen, id);
  return stockPage(
    c,
    screen,
    { title: s.transfers_title, intro: s.transfers_intro },
    <>
      <form method="get" action="/console/stock/transfers" class="filters card">
        <input type="hidden" name="warehouse" value={wh.id} />
        <div class="field">
          <label for="t-status">{s.status}</label>
          <select id="t-status" name="status">
            <option value="">{s.any_status}</option>
            {TRANSFER_STATUSES.map((k) => (
              <option value={k} selected={k === status}>
                {transferStatusLabel(s, k)}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">{ui.t.filter}</button>
          {allows(ui.principal, "inventory:write") ? (
            <a class="button secondary" href={whLink("/console/stock/transfers/new", wh.id)}>
              {s.new_transfer}
            </a>
          ) : null}
        </div>
      </form>
      {!list.ok ? <TopProblem text={problemText(list.body, ui.lang)} /> : null}
      {rows.length === 0 ? (
        <p class="card">{s.transfers_empty}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack stock-stack">
            <thead>
              <tr>
                <th scope="col">{s.transfer}</th>
                <th scope="col">{s.status}</th>
                <th scope="col">{s.from_wh}</th>
                <th scope="col">{s.to_wh}</th>
                <th scope="col">{s.lines}</th>
                <th scope="col">{s.sent_at}</th>
                <th scope="col">{s.received_at}</th>
                <th scope="col">{s.sent_by}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr>
                  <td data-label={s.transfer} class="mono">
                    <a href={whLink(`/console/stock/transfers/${encodeURIComponent(t.id)}`, wh.id)}>{t.id}</a>
                  </td>
                  <td data-label={s.status}>
                    <TransferStatus s={s} status={t.status} />
                  </td>
                  <td data-label={s.from_wh}>{t.from_warehouse_id === wh.id ? <strong>{name(t.from_warehouse_id)}</strong> : name(t.from_warehouse_id)}</td>
                  <td data-label={s.to_wh}>{t.to_warehouse_id === wh.id ? <strong>{name(t.to_warehouse_id)}</strong> : name(t.to_warehouse_id)}</td>
                  <td data-label={s.lines}>
                    <div>
                      {fill(s.lines_units, {
                        lines: fillCount(s, "lines_n", t.lines.length, { n: count(t.lines.length, ui.lang) }),
                        units: fillCount(s, "units_n", t.units, { n: count(t.units, ui.lang) }),
                      })}
                      {t.received_units > 0 && t.status !== "received" ? (
                        <span class="muted"> {fill(s.received_of, { received: count(t.received_units, ui.lang), units: count(t.units, ui.lang) })}</span>
                      ) : null}
                      <br />
                      <span class="muted mono">{t.lines.map((l) => `${l.sku} × ${l.quantity}`).join(", ")}</span>
                    </div>
                  </td>
                  <td data-label={s.sent_at}>{dateTime(t.created_at, formats.timeZone, ui.lang)}</td>
                  <td data-label={s.received_at}>{t.received_at ? dateTime(t.received_at, formats.timeZone, ui.lang) : "—"}</td>
                  <td data-label={s.sent_by}>{nameOf(t.created_by)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.ok && list.body.next_cursor ? (
        <div class="pager">
          <a href={whLink("/console/stock/transfers", wh.id, { ...(status ? { status } : {}), cursor: list.body.next_cursor })}>{ui.t.next_page}</a>
        </div>
      ) : null}
    </>,
  );
}

// ---------------------------------------------------------------- sending

const ROWS = 5;
type SendForm = { to: string; note: string; rows: TransferRow[] };
type Refusal = { status: Status; top: string; fields: Record<string, string> };

/** Where a SKU can leave from: this warehouse's bins with some available, most first (a hint beside the form). */
async function binsWith(c: ConsoleContext, whId: string, sku: string): Promise<{ bin: string; available: number }[]> {
  const r = await api<{ data: z.infer<typeof StockLevel>[] }>(c, `/v1/warehouses/${whId}/stock`, { query: { sku, limit: 50 } });
  return (r.ok ? r.body.data : [])
    .filter((l) => l.sku === sku && l.available > 0)
    .map((l) => ({ bin: l.bin, available: l.available }))
    .sort((a, b) => b.available - a.available);
}

export async function newTransferPage(c: ConsoleContext, screen: StockScreen, opts: { form?: SendForm; refusal?: Refusal } = {}): Promise<Response> {
  const { ui, s, wh, warehouses } = screen;
  let form = opts.form;
  let stocked: { bin: string; available: number }[] | null = null;
  const asked = { sku: c.req.query("sku")?.trim() ?? "", quantity: c.req.query("quantity")?.trim() ?? "" };
  if (!form) {
    // From a replenishment suggestion: the SKU and quantity given, the bin with the most available filled in.
    if (asked.sku) stocked = await binsWith(c, wh.id, asked.sku);
    const first: TransferRow = { sku: asked.sku, from_bin: stocked?.[0]?.bin ?? "", quantity: asked.quantity };
    form = { to: c.req.query("to") ?? "", note: "", rows: [first, ...Array.from({ length: ROWS - 1 }, () => ({ sku: "", from_bin: "", quantity: "" }))] };
  }
  const destinations = warehouses.filter((w) => w.id !== wh.id && w.kind === "own" && w.active);
  const e = opts.refusal?.fields ?? {};
  return stockPage(
    c,
    screen,
    { title: s.new_transfer_title, ...(opts.refusal ? { status: opts.refusal.status } : {}) },
    <>
      <TopProblem text={opts.refusal?.top} />
      {destinations.length === 0 ? <p class="card">{s.no_destination}</p> : null}
      <form method="post" action="/console/stock/transfers/new" class="card stock-form transfer-form" novalidate>
        <Csrf ui={ui} />
        <input type="hidden" name="warehouse" value={wh.id} />
        <input type="hidden" name="_idem" value={crypto.randomUUID()} />
        <input type="hidden" name="rows" value={String(form.rows.length)} />
        <p class="hint">{s.new_transfer_intro}</p>
        <p class="muted">{`${s.from_wh}: ${wh.name}`}</p>
        <div class="field">
          <label for="to">{s.to_wh}</label>
          <select id="to" name="to" aria-invalid={e.to ? "true" : undefined} aria-describedby={e.to ? "to-error" : undefined}>
            <option value="">{s.choose_warehouse}</option>
            {destinations.map((w) => (
              <option value={w.id} selected={w.id === form.to}>
                {w.name}
              </option>
            ))}
            {form.to && !destinations.some((w) => w.id === form.to) ? (
              <option value={form.to} selected>
                {form.to}
              </option>
            ) : null}
          </select>
          {e.to ? (
            <p class="error-text" id="to-error">
              {e.to}
            </p>
          ) : null}
        </div>
        {e.lines ? <p class="error-text">{e.lines}</p> : null}
        {form.rows.map((r, i) => (
          <fieldset class="transfer-line">
            <legend class="muted">{fill(s.line_n, { n: i + 1 })}</legend>
            <Field id={`sku.${i}`} label={ui.t.sku} value={r.sku} error={e[`sku.${i}`]} scan focus={i === 0 && !r.sku} next />
            <Field id={`from_bin.${i}`} label={s.from_bin} value={r.from_bin} error={e[`from_bin.${i}`]} scan next />
            <Field id={`quantity.${i}`} label={ui.t.quantity} value={r.quantity} error={e[`quantity.${i}`]} inputmode="numeric" next />
            {/* Where the SKU asked for lies, in the line it fills (above the line it read as a hint for the destination). */}
            {i === 0 && stocked && asked.sku ? (
              <p class="hint" style="grid-column:1/-1">
                {stocked.length
                  ? fill(s.stocked_in, { sku: asked.sku, bins: stocked.map((b) => `${b.bin} (${count(b.available, ui.lang)})`).join(", ") })
                  : fill(s.not_stocked, { sku: asked.sku })}
              </p>
            ) : null}
          </fieldset>
        ))}
        <Field id="note" label={s.note} value={form.note} error={e.note} />
        <div class="actions">
          <button type="submit">{s.send_button}</button>
        </div>
      </form>
    </>,
  );
}

/** The API's refusal of a transfer as words: field problems beside the row they are about, the rest above the form. */
function refusalOf(
  screen: StockScreen,
  answer: { status: number; body: { code?: string; detail?: string; errors?: { field: string; message: string }[] } },
  sent: { rowOfLine: number[]; lines: { sku: string; from_bin: string }[] },
): Refusal {
  const { rowOfLine, lines } = sent;
  const { ui, s } = screen;
  const fields: Record<string, string> = {};
  for (const err of answer.body.errors ?? []) {
    const name = transferFieldOf(err.field, rowOfLine);
    if (fields[name]) continue;
    fields[name] = /no active storage bin/.test(err.message)
      ? s.unknown_bin
      : /on the transfer twice/.test(err.message)
        ? s.duplicate_line
        : /is the warehouse the goods are in/.test(err.message)
          ? s.same_warehouse
          : err.message;
  }
  const status = answer.status === 400 || answer.status === 404 || answer.status === 409 ? answer.status : 422;
  if (answer.body.code === "insufficient_stock") {
    // "not that many available: TEA-1 in A-01, ...": the rows short of stock get the word beside their quantity.
    const text = problemText(answer.body, ui.lang);
    for (const [line, row] of rowOfLine.entries()) {
      const l = lines[line];
      if (l && answer.body.detail?.includes(`${l.sku} in ${l.from_bin}`)) fields[`quantity.${row}`] = text;
    }
    return { status, top: text, fields };
  }
  return { status, top: Object.keys(fields).length ? s.fix_below : problemText(answer.body, ui.lang), fields };
}

export async function sendTransfer(c: ConsoleContext, screen: StockScreen): Promise<Response> {
  const { s, wh } = screen;
  const n = Math.min(Math.max(Number(formValue(c, "rows")) || ROWS, 1), 50);
  const form: SendForm = {
    to: formValue(c, "to"),
    note: formValue(c, "note"),
    rows: Array.from({ length: n }, (_, i) => ({ sku: formValue(c, `sku.${i}`), from_bin: formValue(c, `from_bin.${i}`), quantity: formValue(c, `quantity.${i}`) })),
  };
  const parsed = parseTransfer({ from: wh.id, ...form });
  if (!parsed.ok) return newTransferPage(c, screen, { form, refusal: { status: 422, top: s.fix_below, fields: wordsOf(s, parsed.errors) } });
  const idem = formValue(c, "_idem");
  const r = await api<TransferView>(c, "/v1/transfers", { body: parsed.body, ...(idem ? { headers: { "idempotency-key": `console-transfer-${idem}` } } : {}) });
  if (!r.ok) return newTransferPage(c, screen, { form, refusal: refusalOf(screen, r, { rowOfLine: parsed.rowOfLine, lines: parsed.body.lines }) });
  return doneRedirect(c, whLink(`/console/stock/transfers/${encodeURIComponent(r.body.id)}`, wh.id), {
    kind: "ok",
    text: fillCount(s, "sent_ok", r.body.units, { id: r.body.id, units: count(r.body.units, screen.ui.lang), to: warehouseName(screen, r.body.to_warehouse_id) }),
  });
}
