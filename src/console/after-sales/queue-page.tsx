/** The desk's queue: requests by status, kind and store, the longest waiting first, and where a new one is opened. */
import { Hono } from "hono";
import { api } from "../api";
import { type ConsoleEnv, storesOf } from "../context";
import { need, uiOf } from "../guard";
import { dateTime, duration } from "../format";
import { StoreSelect } from "../fields";
import { renderPage } from "../layout";
import { AFTER_SALES_KINDS, AFTER_SALES_STATUSES } from "../../db/schema";
import { allows } from "../../http/auth";
import { kindLabel, type RequestT, requestStatusLabel, statusBadge, WORK_QUEUE, words } from "./shared";

export const queuePages = new Hono<ConsoleEnv>();

queuePages.get("/console/after-sales", async (c) => {
  const refused = need(c, "after_sales:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const t = words(ui.lang);
  const status = c.req.query("status") ?? WORK_QUEUE;
  const kind = c.req.query("kind") ?? "";
  const store = c.req.query("store") ?? "";
  const cursor = c.req.query("cursor") ?? "";
  const validStatus = status === WORK_QUEUE || status === "" || (AFTER_SALES_STATUSES as readonly string[]).includes(status) ? status : WORK_QUEUE;
  const validKind = (AFTER_SALES_KINDS as readonly string[]).includes(kind) ? kind : "";
  const [list, stores] = await Promise.all([
    api<{ data: RequestT[]; next_cursor: string | null }>(c, "/v1/after-sales", {
      query: { status: validStatus, kind: validKind, store_id: store, sort: "oldest", limit: 50, cursor },
    }),
    storesOf(c),
  ]);
  const rows = list.ok ? list.body.data : [];
  const next = list.ok ? list.body.next_cursor : null;
  const tzOf = (id: string) => stores.find((s) => s.id === id)?.timezone ?? "UTC";
  const now = Date.now();
  const query = (more: Record<string, string>) => `/console/after-sales?${new URLSearchParams({ status: validStatus, kind: validKind, store, ...more })}`;
  return renderPage(
    c,
    ui,
    { title: t.queue_title },
    <>
      <h1>{t.queue_title}</h1>
      <form method="get" action="/console/after-sales" class="filters card">
        <div class="field">
          <label for="f-status">{t.filter_status}</label>
          <select id="f-status" name="status">
            <option value={WORK_QUEUE} selected={validStatus === WORK_QUEUE}>
              {t.work_queue}
            </option>
            {AFTER_SALES_STATUSES.map((s) => (
              <option value={s} selected={validStatus === s}>
                {requestStatusLabel(t, s)}
              </option>
            ))}
            <option value="" selected={validStatus === ""}>
              {t.any}
            </option>
          </select>
        </div>
        <div class="field">
          <label for="f-kind">{t.filter_kind}</label>
          <select id="f-kind" name="kind">
            <option value="">{t.any}</option>
            {AFTER_SALES_KINDS.map((k) => (
              <option value={k} selected={validKind === k}>
                {kindLabel(t, k)}
              </option>
            ))}
          </select>
        </div>
        <StoreSelect id="f-store" name="store" label={t.filter_store} anyLabel={t.any} stores={stores} selected={store} />
        <button type="submit" class="secondary">
          {ui.t.apply}
        </button>
      </form>
      <p class="hint">{t.queue_hint}</p>
      {rows.length === 0 ? (
        <p class="card muted">{t.none_found}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">{t.request}</th>
                <th scope="col">{t.kind}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.customer_words}</th>
                <th scope="col">{t.order}</th>
                <th scope="col">{t.opened}</th>
                <th scope="col">{t.waiting}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td data-label={t.request} class="mono" style="overflow-wrap:anywhere;min-width:0">
                    <a href={`/console/after-sales/${r.id}`}>{r.id}</a>
                  </td>
                  <td data-label={t.kind}>{kindLabel(t, r.kind)}</td>
                  <td data-label={t.status}>
                    <span class={`badge ${statusBadge(r.status)}`}>{requestStatusLabel(t, r.status)}</span>
                  </td>
                  <td data-label={t.customer_words}>{r.reason.length > 120 ? `${r.reason.slice(0, 117)}...` : r.reason}</td>
                  <td data-label={t.order} class="mono" style="overflow-wrap:anywhere;min-width:0">
                    <a href={`/console/orders/${r.order_id}`}>{r.order_id}</a>
                  </td>
                  <td data-label={t.opened}>{dateTime(r.created_at, tzOf(r.store_id), ui.lang)}</td>
                  <td data-label={t.waiting}>{r.closed_at ? "—" : duration(now - Date.parse(r.created_at), ui.lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        {cursor ? <a href={query({})}>{ui.t.first_page}</a> : <span />}
        {next ? <a href={query({ cursor: next })}>{ui.t.next_page}</a> : null}
      </div>
      {allows(ui.principal, "after_sales:open") ? (
        <section class="card" aria-labelledby="new-h" style="margin-top:16px">
          <h2 id="new-h">{t.open_new_title}</h2>
          <form method="get" action="/console/after-sales/new" class="filters">
            <div class="field">
              <label for="new-order">{t.order_id}</label>
              <input id="new-order" name="order_id" required autocomplete="off" aria-describedby="new-order-hint" />
              <p class="hint" id="new-order-hint">
                {t.order_id_hint}
              </p>
            </div>
            <button type="submit">{t.continue}</button>
          </form>
        </section>
      ) : null}
    </>,
  );
});
