/**
 * Settlements (finance:reconcile): the imported payout files, newest first,
 * each with what is left to work, and the form that imports one. The file is
 * uploaded to the console as a form and sent on to the API as the `text/csv`
 * body it takes; a refused file is shown with its rows' problems in the
 * reader's language, and nothing is kept.
 */
import type { z } from "@hono/zod-openapi";
import { SETTLEMENT_FORMATS } from "../../db/schema/finance";
import type { Settlement } from "../../finance/schemas";
import { api, type ApiAnswer, withQuery } from "../api";
import { type ConsoleContext, type StoreFacts, storesOf } from "../context";
import { count, date, dateTime } from "../format";
import { doneRedirect, formValue } from "../guard";
import { fill, fillCount } from "../i18n";
import { DataTable } from "../insights/view";
import { Csrf, TopProblem } from "../layout";
import { problemText } from "../problems";
import { namesOf } from "../purchasing/frame";
import { financePage, type Screen, screenOf } from "./frame";
import { rowMessageZh, wordOf } from "./text";

export type SettlementView = z.infer<typeof Settlement>;
const PAGE_SIZE = 25;

/** What the import form was sent with, and what the API said was wrong with the file. */
type Typed = { store: string; format: string; top?: string | undefined; rows?: string[] };

function ImportForm({ screen, stores, typed }: { screen: Screen; stores: StoreFacts[]; typed: Typed }) {
  const { ui, f } = screen;
  return (
    <section class="card" aria-labelledby="import-h" id="import">
      <h2 id="import-h">{f.import_title}</h2>
      <p class="hint">{f.import_hint}</p>
      <TopProblem text={typed.top} />
      {typed.rows?.length ? (
        <ul class="row-problems" id="file-problems">
          {typed.rows.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      ) : null}
      <form method="post" action="/console/finance/settlements" enctype="multipart/form-data" class="finance-form">
        <Csrf ui={ui} />
        <div class="filters">
          <div class="field">
            <label for="import-store">{ui.t.store}</label>
            <select id="import-store" name="store_id" required>
              {stores.map((s) => (
                <option value={s.id} selected={s.id === typed.store}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="import-format">{f.format}</label>
            <select id="import-format" name="format" required>
              {SETTLEMENT_FORMATS.map((fmt) => (
                <option value={fmt} selected={fmt === typed.format}>
                  {wordOf(f, "format", fmt)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="import-file">{f.file}</label>
            <input id="import-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby={typed.rows?.length ? "file-problems" : undefined} />
          </div>
        </div>
        <div class="actions">
          <button type="submit">{f.import}</button>
        </div>
      </form>
    </section>
  );
}

export async function settlementsPage(c: ConsoleContext, typed: Typed = { store: "", format: "" }, status: 200 | 400 | 404 | 413 | 415 | 422 = 200): Promise<Response> {
  const screen = screenOf(c);
  const { ui, f } = screen;
  const cursor = c.req.query("cursor") ?? "";
  const [stores, list] = await Promise.all([
    storesOf(c),
    api<{ data: SettlementView[]; next_cursor: string | null }>(c, "/v1/settlements", { query: { limit: PAGE_SIZE, cursor } }),
  ]);
  const settlements = list.ok ? list.body.data : [];
  // The list carries no counts: each settlement's own answer does (a page is a few tens of files).
  const [counted, nameOf] = await Promise.all([
    Promise.all(settlements.map((s) => api<SettlementView>(c, `/v1/settlements/${s.id}`))),
    namesOf(
      c,
      settlements.map((s) => s.imported_by),
    ),
  ]);
  const zoneOf = (storeId: string) => stores.find((s) => s.id === storeId)?.timezone ?? "UTC";
  const rows = settlements.map((s, i) => {
    const one = counted[i] as ApiAnswer<SettlementView> | undefined;
    const open = one?.ok ? (one.body.counts?.unresolved ?? 0) : null;
    const zone = zoneOf(s.store_id);
    return [
      <a class="mono" href={`/console/finance/settlements/${s.id}`}>
        {s.id}
      </a>,
      stores.find((st) => st.id === s.store_id)?.name ?? s.store_id,
      wordOf(f, "format", s.format),
      <span class={`badge ${s.status === "reconciled" ? "ok" : "info"}`}>{wordOf(f, "status", s.status)}</span>,
      count(s.line_count, ui.lang),
      open === null ? "–" : open > 0 ? <span class="badge warn">{count(open, ui.lang)}</span> : count(0, ui.lang),
      s.period_start && s.period_end ? fill(f.period_range, { from: date(s.period_start, zone, ui.lang), to: date(s.period_end, zone, ui.lang) }) : "–",
      `${dateTime(s.created_at, zone, ui.lang)} · ${nameOf(s.imported_by)}`,
    ];
  });
  // A refused import's form comes back first, where the reader's eyes are.
  const form = <ImportForm screen={screen} stores={stores} typed={typed} />;
  return financePage(c, screen, { title: f.settlements_title, status: status === 413 || status === 415 ? 422 : status }, [
    typed.top ? form : null,
    <section class="card" aria-labelledby="settlements-h">
      <h2 id="settlements-h" class="visually-hidden">
        {f.settlements_title}
      </h2>
      {list.ok ? null : <TopProblem text={problemText(list.body, ui.lang)} />}
      <DataTable
        caption={f.settlements_title}
        head={[
          { label: f.settlement },
          { label: ui.t.store },
          { label: f.format },
          { label: ui.t.status },
          { label: f.rows, num: true },
          { label: f.to_work, num: true },
          { label: f.period },
          { label: f.imported_at },
        ]}
        rows={rows}
        empty={f.no_settlements}
      />
      {list.ok && list.body.next_cursor ? (
        <p>
          <a href={withQuery("/console/finance/settlements", { cursor: list.body.next_cursor })}>{ui.t.next_page}</a>
        </p>
      ) : null}
    </section>,
    typed.top ? null : form,
  ]);
}

/** The import: checks what the form can, then sends the file to the API as text/csv. */
export async function importSettlement(c: ConsoleContext): Promise<Response> {
  const { ui, f } = screenOf(c);
  const typed: Typed = { store: formValue(c, "store_id"), format: formValue(c, "format") };
  const file = c.get("form")?.file;
  const stores = await storesOf(c);
  if (!stores.some((s) => s.id === typed.store)) return settlementsPage(c, { ...typed, top: f.choose_store }, 400);
  if (!(SETTLEMENT_FORMATS as readonly string[]).includes(typed.format)) return settlementsPage(c, { ...typed, top: f.choose_format }, 400);
  if (!(file instanceof File) || file.size === 0) return settlementsPage(c, { ...typed, top: f.choose_file }, 400);
  const r = await api<SettlementView>(c, "/v1/settlements", {
    method: "POST",
    query: { store_id: typed.store, format: typed.format },
    content: { type: "text/csv", data: new Uint8Array(await file.arrayBuffer()) },
  });
  if (r.ok) {
    const counts = r.body.counts;
    const text =
      r.status === 201
        ? fillCount(f, "imported_now", r.body.line_count, { lines: count(r.body.line_count, ui.lang), open: count(counts?.unresolved ?? 0, ui.lang) })
        : f.imported_before;
    return doneRedirect(c, `/console/finance/settlements/${r.body.id}`, { kind: r.status === 201 ? "ok" : "warn", text });
  }
  if (r.status === 422 && r.body.errors?.length) {
    const rows = r.body.errors.map((e) => {
      const n = /^body\.line\.(\d+)$/.exec(e.field)?.[1];
      const message = ui.lang === "zh-CN" ? rowMessageZh(e.message) : e.message;
      return n ? fill(f.row_problem, { n, message }) : fill(f.file_problem, { message });
    });
    return settlementsPage(c, { ...typed, top: f.file_refused, rows }, 422);
  }
  const status = r.status === 404 || r.status === 413 || r.status === 415 ? r.status : 400;
  return settlementsPage(c, { ...typed, top: problemText(r.body, ui.lang) }, status);
}
