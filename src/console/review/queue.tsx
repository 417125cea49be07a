/**
 * The review queue: held orders oldest first, each with every reason in
 * words and who has claimed it; filters, bulk approve (never over someone
 * else's claim) and "claim next".
 */
import type { z } from "@hono/zod-openapi";
import type { ReviewQueue } from "../../audit/schemas";
import { HOLD_REASON_CODES } from "../../audit/reason-codes";
import { allows } from "../../http/auth";
import { api } from "../api";
import { type ConsoleContext, storesOf } from "../context";
import { doneRedirect, formValue, formValues, need, uiOf } from "../guard";
import { fill } from "../i18n";
import { StoreSelect } from "../fields";
import { Csrf, renderPage } from "../layout";
import { dateTime, duration } from "../format";
import { problemText } from "../problems";
import { reasonText } from "./reasons";
import { REVIEW } from "./text";
import { ClaimBadge, orderRef } from "./parts";

type Queue = z.infer<typeof ReviewQueue>;
const CLAIMED = ["mine", "others", "none"] as const;

export async function queuePage(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "audit:read");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const q = c.req.query();
  const filter = {
    store_id: q.store_id || undefined,
    reason: (HOLD_REASON_CODES as readonly string[]).includes(q.reason ?? "") ? q.reason : undefined,
    claimed: (CLAIMED as readonly string[]).includes(q.claimed ?? "") ? q.claimed : undefined,
  };
  const [queue, stores] = await Promise.all([api<Queue>(c, "/v1/review-queue", { query: { ...filter, cursor: q.cursor, limit: 50 } }), storesOf(c)]);
  const items = queue.ok ? queue.body.data : [];
  const storeOf = new Map(stores.map((s) => [s.id, s]));
  const mayRun = allows(ui.principal, "audit:run");
  const mayApprove = allows(ui.principal, "orders:transition:approve");
  const here = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => !!e[1])).toString();
  return renderPage(
    c,
    ui,
    { title: w.queue_title },
    <>
      <h1>{w.queue_title}</h1>
      <p class="muted">{w.queue_intro}</p>
      {!queue.ok && <div class="flash bad">{problemText(queue.body, ui.lang)}</div>}
      <form method="get" action="/console/review" class="card filters">
        <StoreSelect id="f-store" name="store_id" label={ui.t.store} anyLabel={w.any_store} stores={stores} selected={filter.store_id} />
        <div class="field">
          <label for="f-reason">{w.filter_reason}</label>
          <select id="f-reason" name="reason">
            <option value="">{w.any_reason}</option>
            {HOLD_REASON_CODES.map((code) => (
              <option value={code} selected={code === filter.reason}>
                {reasonText(code, ui.lang)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-claimed">{w.filter_claimed}</label>
          <select id="f-claimed" name="claimed">
            <option value="">{w.claimed_any}</option>
            {CLAIMED.map((k) => (
              <option value={k} selected={k === filter.claimed}>
                {w[`claimed_${k}`]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="secondary">
          {ui.t.apply}
        </button>
      </form>
      {mayRun && (
        <form method="post" action="/console/review/claim-next" class="actions card">
          <Csrf ui={ui} />
          {filter.store_id && <input type="hidden" name="store_id" value={filter.store_id} />}
          {filter.reason && <input type="hidden" name="reason" value={filter.reason} />}
          <button type="submit">{w.claim_next}</button>
          <span class="hint">{w.claim_next_hint}</span>
        </form>
      )}
      {items.length === 0 ? (
        <p class="card">{w.empty_queue}</p>
      ) : (
        <form method="post" action={`/console/review/approve${here ? `?${here}` : ""}`} data-confirm={w.bulk_confirm}>
          <Csrf ui={ui} />
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  {mayApprove && (
                    <th>
                      <label class="visually-hidden" for="select-all">
                        {w.select_all}
                      </label>
                      <input type="checkbox" id="select-all" data-select-all="order" />
                    </th>
                  )}
                  <th>{w.col_order}</th>
                  <th>{ui.t.store}</th>
                  <th>{w.col_held_for}</th>
                  <th>{w.col_reasons}</th>
                  <th>{w.col_claim}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => {
                  const ref = orderRef(item.order);
                  const tz = storeOf.get(item.order.store_id)?.timezone ?? "UTC";
                  return (
                    <tr>
                      {mayApprove && (
                        <td data-label={w.col_select}>
                          <label class="visually-hidden" for={`pick-${item.order.id}`}>
                            {fill(w.select_order, { ref })}
                          </label>
                          <input type="checkbox" id={`pick-${item.order.id}`} name="order" value={item.order.id} />
                        </td>
                      )}
                      <td data-label={w.col_order}>
                        <a href={`/console/review/${item.order.id}`} class="mono">
                          {ref}
                        </a>
                      </td>
                      <td data-label={ui.t.store}>{storeOf.get(item.order.store_id)?.name ?? item.order.store_id}</td>
                      <td data-label={w.col_held_for}>
                        <span title={dateTime(item.held_since ?? item.order.created_at, tz, ui.lang)}>{duration(item.held_for_ms, ui.lang)}</span>
                      </td>
                      <td data-label={w.col_reasons}>
                        <ul class="reasons">
                          {item.reasons.map((r) => (
                            <li title={r.message}>{reasonText(r.code, ui.lang)}</li>
                          ))}
                        </ul>
                      </td>
                      <td data-label={w.col_claim}>
                        <ClaimBadge ui={ui} claim={item.claimed_by} timeZone={tz} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="pager">
            {mayApprove && <button type="submit">{w.bulk_approve}</button>}
            {queue.ok && queue.body.next_cursor && (
              <a class="button secondary" href={`/console/review?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(here)), cursor: queue.body.next_cursor })}`}>
                {ui.t.next_page}
              </a>
            )}
          </div>
        </form>
      )}
    </>,
  );
}

/** Bulk approve: each order is claimed for the caller first, so one someone else is working is left alone (and named). */
export async function approveSelected(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "orders:transition:approve");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const back = `/console/review${new URL(c.req.url).search}`;
  const ids = formValues(c, "order").slice(0, 200);
  if (!ids.length) return doneRedirect(c, back, { kind: "warn", text: w.none_selected });
  const problems: string[] = [];
  let approved = 0;
  // A few at a time: each approval is its order's Durable Object's work.
  for (let i = 0; i < ids.length; i += 5) {
    await Promise.all(
      ids.slice(i, i + 5).map(async (id) => {
        const ref = id;
        const claim = await api<{ claimed_by: { name: string | null; until: string }; claimed_at: string }>(c, `/v1/orders/${id}/claim`, { method: "POST" });
        if (!claim.ok) {
          const holder = claim.body.code === "claimed" ? (claim.body as { claimed_by?: { name?: string | null; id: string } }).claimed_by : undefined;
          problems.push(
            holder ? fill(w.not_approved_claimed, { ref, name: holder.name ?? holder.id }) : fill(w.not_approved_other, { ref, why: problemText(claim.body, ui.lang) }),
          );
          return;
        }
        const done = await api(c, `/v1/orders/${id}/transitions`, { body: { event: "approve" } });
        if (done.ok) approved++;
        else {
          problems.push(fill(w.not_approved_other, { ref, why: problemText(done.body, ui.lang) }));
          // A claim taken just for this approval goes back; one the person already held stays theirs.
          if (Date.parse(claim.body.claimed_by.until) - Date.parse(claim.body.claimed_at) <= 15 * 60_000) await api(c, `/v1/orders/${id}/claim`, { method: "DELETE" });
        }
      }),
    );
  }
  const text = [fill(w.approved_n, { n: approved }), ...problems].join(" ");
  return doneRedirect(c, back, { kind: problems.length ? (approved ? "warn" : "bad") : "ok", text });
}

/** Claims the oldest order nobody holds (trying the next when someone else was quicker) and opens it. */
export async function claimNext(c: ConsoleContext): Promise<Response> {
  const refused = need(c, "audit:run");
  if (refused) return refused;
  const ui = uiOf(c);
  const w = REVIEW[ui.lang];
  const query = { claimed: "none", store_id: formValue(c, "store_id") || undefined, reason: formValue(c, "reason") || undefined, limit: 10 };
  const queue = await api<Queue>(c, "/v1/review-queue", { query });
  if (!queue.ok) return doneRedirect(c, "/console/review", { kind: "bad", text: problemText(queue.body, ui.lang) });
  for (const item of queue.body.data) {
    const r = await api(c, `/v1/orders/${item.order.id}/claim`, { method: "POST" });
    if (r.ok) return doneRedirect(c, `/console/review/${item.order.id}`, { kind: "ok", text: w.claimed_ok });
  }
  return doneRedirect(c, "/console/review", { kind: "warn", text: w.nothing_to_claim });
}
